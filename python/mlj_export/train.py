"""Trains the three example models and writes their bundles (mnist_ffnn, mnist_cnn, imdb_lstm).

Training is deterministic: keras.utils.set_random_seed(SEED) before each model and TensorFlow op
determinism. Every model must reach its held-out accuracy target, else TrainingError.
"""

import os
import time
from dataclasses import dataclass
from pathlib import Path

import keras
import numpy as np
import tensorflow as tf

from mlj_export import data, text
from mlj_export.bundle_writer import bundle
from mlj_export.reference import REFERENCE_ROWS

SEED = 42
EXAMPLES = ("ffnn", "cnn", "lstm")
DIGIT_LABELS = [str(d) for d in range(10)]
SENTIMENT_LABELS = ["negative", "positive"]


class TrainingError(Exception):
    """An example model missed its accuracy target."""


@dataclass
class Trained:
    """A trained example model and everything its bundle needs."""

    model: keras.Model
    description: str
    target: float
    metrics: dict
    reference_inputs: dict
    labels: list
    preprocessing: dict
    texts: list = None
    vocabulary: list = None
    seconds: float = 0.0


def build_ffnn():
    return keras.Sequential([
        keras.Input((784,), name="pixels"),
        keras.layers.Dense(128, activation="relu", name="hidden"),
        keras.layers.Dropout(0.2, name="dropout"),
        keras.layers.Dense(10, activation="softmax", name="predictions"),
    ], name="mnist_ffnn")


def build_cnn():
    """LeNet-5 as in the TensorSpace guide, with ReLU activations."""
    image = keras.Input((28, 28, 1), name="image")
    x = keras.layers.Conv2D(6, 5, activation="relu", name="conv1")(image)
    x = keras.layers.MaxPooling2D(name="pool1")(x)
    x = keras.layers.Conv2D(16, 5, activation="relu", name="conv2")(x)
    x = keras.layers.MaxPooling2D(name="pool2")(x)
    x = keras.layers.Flatten(name="flatten")(x)
    x = keras.layers.Dense(120, activation="relu", name="dense1")(x)
    x = keras.layers.Dense(84, activation="relu", name="dense2")(x)
    predictions = keras.layers.Dense(10, activation="softmax", name="predictions")(x)
    return keras.Model(image, predictions, name="mnist_cnn")


def build_lstm(vocabulary_size=text.DEFAULT_VOCABULARY_SIZE, max_length=text.DEFAULT_MAX_LENGTH):
    return keras.Sequential([
        keras.Input((max_length,), dtype="int32", name="tokens"),
        keras.layers.Embedding(vocabulary_size, 32, name="embedding"),
        keras.layers.LSTM(32, name="lstm"),
        keras.layers.Dense(1, activation="sigmoid", name="sentiment"),
    ], name="imdb_lstm")


def train_ffnn(mnist, epochs=10):
    def flat(images):
        return images.reshape(len(images), 784).astype(np.float32) / 255
    return _train_classifier(
        build_ffnn, flat(mnist.x_train), mnist.y_train, flat(mnist.x_test), mnist.y_test,
        epochs=epochs, batch_size=32, target=0.95, source=mnist.source,
        description="Two-layer perceptron on MNIST digits (784 pixels, row-major)",
        labels=DIGIT_LABELS, preprocessing={"image": _image_rules("pixels", flatten=True)})


def train_cnn(mnist, epochs=10):
    def images(x):
        return x.reshape(len(x), 28, 28, 1).astype(np.float32) / 255
    return _train_classifier(
        build_cnn, images(mnist.x_train), mnist.y_train, images(mnist.x_test), mnist.y_test,
        epochs=epochs, batch_size=32, target=0.97, source=mnist.source,
        description="LeNet-5 on MNIST digits", labels=DIGIT_LABELS,
        preprocessing={"image": _image_rules("image", flatten=False)})


def train_lstm(imdb, epochs=2, batch_size=64):
    vocabulary = text.build_vocabulary(imdb.train_texts)
    tokenizer = text.Tokenizer(vocabulary)
    trained = _train_classifier(
        lambda: build_lstm(len(vocabulary)), tokenizer.encode_all(imdb.train_texts), imdb.y_train,
        tokenizer.encode_all(imdb.test_texts), imdb.y_test, epochs=epochs, batch_size=batch_size,
        target=0.85, source=imdb.source,
        description="Embedding + LSTM sentiment classifier on IMDB movie reviews",
        labels=SENTIMENT_LABELS, preprocessing={"text": {"input": "tokens", **tokenizer.rules()}})
    trained.vocabulary = vocabulary
    rows = zip(imdb.test_texts[:REFERENCE_ROWS], imdb.y_test[:REFERENCE_ROWS])
    trained.texts = [{"text": t, "label": int(y)} for t, y in rows]
    return trained


def run(out_dir, only=None):
    """Train the examples (all, or only one of EXAMPLES) and bundle them into out_dir/<name>."""
    tf.config.experimental.enable_op_determinism()
    chosen = [only] if only else list(EXAMPLES)
    started, cpu_started = time.perf_counter(), time.process_time()
    trained = []
    if "ffnn" in chosen or "cnn" in chosen:
        mnist = data.load_mnist()
        if "ffnn" in chosen:
            trained.append(train_ffnn(mnist))
        if "cnn" in chosen:
            trained.append(train_cnn(mnist))
    if "lstm" in chosen:
        trained.append(train_lstm(data.load_imdb()))
    training_seconds = time.perf_counter() - started
    training_cpu_seconds = time.process_time() - cpu_started

    for item in trained:
        print(f"{item.model.name}: accuracy {item.metrics['test_accuracy']:.4f} "
              f"(target {item.target}), fit {item.seconds:.1f} s")
    missed = [t for t in trained if t.metrics["test_accuracy"] < t.target]
    if missed:
        raise TrainingError("accuracy target missed: " + ", ".join(
            f"{t.model.name} {t.metrics['test_accuracy']:.4f} < {t.target}" for t in missed))

    for item in trained:
        result = bundle(item.model, Path(out_dir) / item.model.name, description=item.description,
                        reference_inputs=item.reference_inputs, labels=item.labels,
                        preprocessing=item.preprocessing, metrics=item.metrics, texts=item.texts,
                        vocabulary=item.vocabulary, tensorspace=True)
        print(f"wrote {result.path}")
        for name, keys in result.signatures.items():
            print(f"  {name}: inputs {keys['inputs']} -> outputs {keys['outputs']}")
    print(f"data + training {training_seconds:.1f} s wall ({training_cpu_seconds:.1f} s CPU), "
          f"with bundling {time.perf_counter() - started:.1f} s wall; load average "
          + " ".join(f"{load:.1f}" for load in os.getloadavg()))


def _train_classifier(build, x_train, y_train, x_test, y_test, *, epochs, batch_size, target,
                      source, description, labels, preprocessing):
    keras.utils.set_random_seed(SEED)
    model = build()
    binary = model.outputs[0].shape[-1] == 1
    model.compile(optimizer=keras.optimizers.Adam(1e-3),
                  loss="binary_crossentropy" if binary else "sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    started = time.perf_counter()
    model.fit(x_train, y_train, epochs=epochs, batch_size=batch_size, verbose=0)
    seconds = time.perf_counter() - started
    _, accuracy = model.evaluate(x_test, y_test, batch_size=256, verbose=0)
    input_name = model.inputs[0].name
    metrics = {"test_accuracy": round(float(accuracy), 4), "test_examples": len(y_test),
               "train_examples": len(y_train), "epochs": epochs, "batch_size": batch_size,
               "train_seconds": round(seconds, 1), "seed": SEED, "split_seed": data.SPLIT_SEED,
               "data_source": source}
    return Trained(model=model, description=description, target=target, metrics=metrics,
                   reference_inputs={input_name: x_test[:REFERENCE_ROWS]}, labels=labels,
                   preprocessing=preprocessing, seconds=seconds)


def _image_rules(input_name, flatten):
    rules = {"input": input_name, "height": 28, "width": 28, "channels": 1,
             "scale": "pixel / 255", "background": "black", "range": [0.0, 1.0]}
    if flatten:
        rules["flatten"] = "row-major"
    return rules
