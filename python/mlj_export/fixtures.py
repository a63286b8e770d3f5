"""Extra test fixtures for the Java backends (models/README.md describes each one).

tf1_learning_phase  a TF1-style SavedModel whose signature needs a `keras_learning_phase` feed
dtypes_echo         a SavedModel that takes and returns every dtype mlj maps
tf1_classify_regress  a TF1-style SavedModel with tf.Example classify and regress signatures
unsupported_gru     a Keras 3 GRU model (.keras and .h5); DL4J has no GRU (mlj's dl4j backend computes it)
keras2_ffnn         a Dense model written by hand in the Keras 2.x HDF5 layout
"""

import json
from pathlib import Path

import h5py
import keras
import numpy as np
import tensorflow as tf

from mlj_export import npy
from mlj_export.bundle_writer import quiet_absl
from mlj_export.fsutil import atomic_directory

SEED = 7


def write_all(out_dir):
    """Write every fixture into out_dir/<fixture name>; return their paths."""
    out_dir = Path(out_dir)
    writers = {"tf1_learning_phase": write_tf1_learning_phase, "dtypes_echo": write_dtypes_echo,
               "unsupported_gru": write_unsupported_gru, "keras2_ffnn": write_keras2_ffnn,
               "tf1_classify_regress": write_tf1_classify_regress}
    paths = []
    for name, write in writers.items():
        with atomic_directory(out_dir / name) as work:
            write(work)
        paths.append(out_dir / name)
    return paths


def write_tf1_learning_phase(out_dir):
    """A graph-mode (tf.compat.v1) SavedModel as Keras 1.x/2.x with TF1 exported it.

    Signature serving_default (tensorflow/serving/predict): inputs `input` float32 [?, 8] and
    `keras_learning_phase` bool scalar (a plain placeholder, so it must be fed); output `output`
    float32 [?, 4] = dense(dropout_0.5_if_learning_phase(relu(dense(input)))).
    """
    rng = np.random.default_rng(SEED)
    inputs = rng.random((4, 8), dtype=np.float32)
    graph = tf.Graph()
    with graph.as_default(), tf.compat.v1.Session(graph=graph) as session:
        x = tf.compat.v1.placeholder(tf.float32, [None, 8], name="input")
        learning_phase = tf.compat.v1.placeholder(tf.bool, [], name="keras_learning_phase")
        kernel1 = tf.compat.v1.Variable(rng.normal(0, 0.5, (8, 16)).astype(np.float32),
                                        name="dense_1/kernel")
        bias1 = tf.compat.v1.Variable(np.full(16, 0.1, np.float32), name="dense_1/bias")
        kernel2 = tf.compat.v1.Variable(rng.normal(0, 0.5, (16, 4)).astype(np.float32),
                                        name="dense_2/kernel")
        bias2 = tf.compat.v1.Variable(np.zeros(4, np.float32), name="dense_2/bias")
        hidden = tf.nn.relu(tf.matmul(x, kernel1) + bias1)
        hidden = tf.cond(learning_phase,
                         lambda: tf.nn.dropout(hidden, rate=0.5, seed=SEED),
                         lambda: tf.identity(hidden))
        output = tf.identity(tf.matmul(hidden, kernel2) + bias2, name="output")
        session.run(tf.compat.v1.global_variables_initializer())

        builder = tf.compat.v1.saved_model.Builder(str(out_dir / "saved_model"))
        signature = tf.compat.v1.saved_model.predict_signature_def(
            inputs={"input": x, "keras_learning_phase": learning_phase},
            outputs={"output": output})
        builder.add_meta_graph_and_variables(session, [tf.compat.v1.saved_model.SERVING],
                                             signature_def_map={"serving_default": signature})
        builder.save()

        inference = session.run(output, {x: inputs, learning_phase: False})
        training = session.run(output, {x: inputs, learning_phase: True})
    if np.allclose(inference, training):
        raise AssertionError("tf1_learning_phase: learning phase does not change the output")
    npy.save(out_dir / "reference" / "input.npy", inputs)
    npy.save(out_dir / "reference" / "output_inference.npy", inference)
    (out_dir / "README.md").write_text(
        "TF1-style SavedModel written by `python -m mlj_export fixtures` "
        "(mlj_export/fixtures.py: tf.compat.v1 graph + Session, saved_model.Builder, tag serve, "
        "signature serving_default with inputs `input` and `keras_learning_phase` (bool "
        "placeholder, must be fed), output `output`; reference output with "
        "keras_learning_phase=False).\n", encoding="utf-8")


def write_tf1_classify_regress(out_dir):
    """A TF1/Estimator-style SavedModel whose classify and regress signatures read tf.Examples.

    Each serialized tf.Example has feature `x` (float, required) and `bias` (int64, default 0);
    y = 0.5 * x + 2 + bias. Signatures (TF Serving's method names):
    - serving_default (predict): `x` float32 [?] -> `y` float32 [?]
    - classify_x_to_y (classify): `inputs` string [?] -> `classes` string [?, 2] = ["low", "high"],
      `scores` float32 [?, 2] = [y, 2 * y]
    - regress_x_to_y (regress): `inputs` string [?] -> `outputs` float32 [?, 1] = y
    Layout: saved_model/1/ (a TF Serving version directory).
    """
    graph = tf.Graph()
    with graph.as_default(), tf.compat.v1.Session(graph=graph) as session:
        serialized = tf.compat.v1.placeholder(tf.string, [None], name="tf_example")
        features = tf.io.parse_example(serialized, {
            "x": tf.io.FixedLenFeature([], tf.float32),
            "bias": tf.io.FixedLenFeature([], tf.int64, default_value=0)})
        half = tf.constant(0.5, tf.float32, name="half")
        two = tf.constant(2.0, tf.float32, name="two")
        y_examples = tf.identity(features["x"] * half + two + tf.cast(features["bias"], tf.float32),
                                 name="y_examples")
        x = tf.compat.v1.placeholder(tf.float32, [None], name="x")
        y = tf.identity(x * half + two, name="y")
        batch = tf.shape(serialized)[0]
        classes = tf.tile(tf.constant([["low", "high"]]), tf.stack([batch, 1]), name="classes")
        scores = tf.stack([y_examples, 2.0 * y_examples], axis=1, name="scores")
        outputs = tf.reshape(y_examples, [-1, 1], name="outputs")

        builder = tf.compat.v1.saved_model.Builder(str(out_dir / "saved_model" / "1"))
        signatures = {
            "serving_default": tf.compat.v1.saved_model.predict_signature_def(
                inputs={"x": x}, outputs={"y": y}),
            "classify_x_to_y": tf.compat.v1.saved_model.classification_signature_def(
                examples=serialized, classes=classes, scores=scores),
            "regress_x_to_y": tf.compat.v1.saved_model.regression_signature_def(
                examples=serialized, predictions=outputs),
        }
        builder.add_meta_graph_and_variables(session, [tf.compat.v1.saved_model.SERVING],
                                             signature_def_map=signatures)
        builder.save()

        example = tf.train.Example(features=tf.train.Features(feature={
            "x": tf.train.Feature(float_list=tf.train.FloatList(value=[3.0]))})).SerializeToString()
        got = session.run(outputs, {serialized: [example]})
    if not np.allclose(got, [[3.5]]):
        raise AssertionError(f"tf1_classify_regress: regress(x=3) gave {got}, expected 3.5")
    (out_dir / "README.md").write_text(
        "TF1-style SavedModel written by `python -m mlj_export fixtures` "
        "(mlj_export/fixtures.py, write_tf1_classify_regress): a TF Serving model base path whose "
        "version 1 has signatures serving_default (predict: `x` -> `y` = 0.5 x + 2), "
        "classify_x_to_y (tf.Example `inputs` -> `classes` [low, high], `scores` [y, 2y]) and "
        "regress_x_to_y (tf.Example `inputs` -> `outputs` = y), where y = 0.5 x + 2 + bias and the "
        "examples carry float feature `x` and int64 feature `bias` (default 0).\n", encoding="utf-8")


class _DtypesEcho(tf.Module):
    @tf.function(input_signature=[
        tf.TensorSpec([None, 3], tf.float32, name="f32"),
        tf.TensorSpec([None, 3], tf.float64, name="f64"),
        tf.TensorSpec([None, 3], tf.int32, name="i32"),
        tf.TensorSpec([None, 3], tf.int64, name="i64"),
        tf.TensorSpec([None, 3], tf.bool, name="b"),
        tf.TensorSpec([None, 3], tf.uint8, name="u8"),
        tf.TensorSpec([None], tf.string, name="s"),
    ])
    def serve(self, f32, f64, i32, i64, b, u8, s):
        return {"f32_out": f32 * 2, "f64_out": f64 * 2, "i32_out": i32 + 1, "i64_out": i64 + 1,
                "b_out": tf.logical_not(b), "u8_out": u8 + 1,
                "s_out": tf.strings.join([s, tf.fill(tf.shape(s), "!")]),
                "s_len": tf.strings.length(s)}


def write_dtypes_echo(out_dir):
    """tf.saved_model.save of a tf.Module whose serving_default echoes every dtype, changed:
    f32/f64 doubled, i32/i64/u8 plus one, b negated, s with "!" appended, s_len = length of s."""
    module = _DtypesEcho()
    tf.saved_model.save(module, str(out_dir / "saved_model"),
                        signatures={"serving_default": module.serve})


def write_unsupported_gru(out_dir):
    """A tiny GRU classifier saved as model.keras and model.h5 (no bundle): DL4J itself has no GRU."""
    keras.utils.set_random_seed(SEED)
    model = keras.Sequential([
        keras.Input((6, 4), name="sequence"),
        keras.layers.GRU(8, name="gru"),
        keras.layers.Dense(2, activation="softmax", name="predictions"),
    ], name="unsupported_gru")
    model.save(out_dir / "model.keras")
    with quiet_absl():
        model.save(out_dir / "model.h5")


def write_keras2_ffnn(out_dir):
    """A 784 -> 16 relu -> 10 softmax Sequential model in the Keras 2.2.4 HDF5 layout, written
    with h5py (tf_keras is not installable here), and numpy's forward pass as reference.

    Layout imitated: root attributes keras_version "2.2.4", backend "tensorflow" and model_config
    (Sequential {"name", "layers"} config; the first layer carries batch_input_shape); group
    model_weights with attributes layer_names, keras_version and backend; one group per layer
    with attribute weight_names (fixed-length byte strings such as b"dense_1/kernel:0") and the
    datasets at model_weights/<layer>/<layer>/kernel:0 and .../bias:0. All string attributes
    are fixed-length byte strings, as h5py wrote Python 2/3 bytes for Keras 2.
    """
    rng = np.random.default_rng(SEED)
    layers = [("dense_1", 784, 16, "relu"), ("dense_2", 16, 10, "softmax")]
    weights = {name: (_glorot_uniform(rng, fan_in, fan_out),
                      rng.normal(0, 0.05, fan_out).astype(np.float32))
               for name, fan_in, fan_out, _ in layers}
    config = {"class_name": "Sequential", "config": {"name": "sequential_1", "layers": [
        {"class_name": "Dense", "config": _keras2_dense_config(name, units, activation,
                                                               784 if i == 0 else None)}
        for i, (name, _, units, activation) in enumerate(layers)]}}

    with h5py.File(out_dir / "model.h5", "w") as f:
        f.attrs["keras_version"] = np.bytes_("2.2.4")
        f.attrs["backend"] = np.bytes_("tensorflow")
        f.attrs["model_config"] = np.bytes_(json.dumps(config))
        group = f.create_group("model_weights")
        group.attrs["layer_names"] = np.array([np.bytes_(name) for name, *_ in layers])
        group.attrs["backend"] = np.bytes_("tensorflow")
        group.attrs["keras_version"] = np.bytes_("2.2.4")
        for name, *_ in layers:
            layer_group = group.create_group(name)
            names = [f"{name}/kernel:0", f"{name}/bias:0"]
            layer_group.attrs["weight_names"] = np.array([np.bytes_(n) for n in names])
            for weight_name, value in zip(names, weights[name]):
                layer_group.create_dataset(weight_name, data=value)

    inputs = rng.random((4, 784), dtype=np.float32)
    hidden = np.maximum(inputs @ weights["dense_1"][0] + weights["dense_1"][1], 0)
    logits = hidden @ weights["dense_2"][0] + weights["dense_2"][1]
    exp = np.exp(logits - logits.max(axis=1, keepdims=True))
    npy.save(out_dir / "reference" / "input.npy", inputs)
    npy.save(out_dir / "reference" / "output.npy", (exp / exp.sum(axis=1, keepdims=True))
             .astype(np.float32))


def _glorot_uniform(rng, fan_in, fan_out):
    limit = np.sqrt(6 / (fan_in + fan_out))
    return rng.uniform(-limit, limit, (fan_in, fan_out)).astype(np.float32)


def _keras2_dense_config(name, units, activation, input_dim):
    config = {"name": name, "trainable": True}
    if input_dim is not None:
        config["batch_input_shape"] = [None, input_dim]
        config["dtype"] = "float32"
    config.update({
        "units": units, "activation": activation, "use_bias": True,
        "kernel_initializer": {"class_name": "VarianceScaling", "config": {
            "scale": 1.0, "mode": "fan_avg", "distribution": "uniform", "seed": None}},
        "bias_initializer": {"class_name": "Zeros", "config": {}},
        "kernel_regularizer": None, "bias_regularizer": None, "activity_regularizer": None,
        "kernel_constraint": None, "bias_constraint": None})
    return config
