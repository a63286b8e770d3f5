"""Shared fixtures: small Keras models that bundle in about a second."""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import json  # noqa: E402

import keras  # noqa: E402
import pytest  # noqa: E402


@pytest.fixture
def small_sequential():
    """pixels (float32 [?, 12]) -> hidden Dense 8 relu -> dropout -> predictions Dense 3 softmax."""
    keras.utils.set_random_seed(1)
    return keras.Sequential([
        keras.Input((12,), name="pixels"),
        keras.layers.Dense(8, activation="relu", name="hidden"),
        keras.layers.Dropout(0.5, name="dropout"),
        keras.layers.Dense(3, activation="softmax", name="predictions"),
    ], name="small")


@pytest.fixture
def small_cnn():
    """image (float32 [?, 8, 8, 1]) -> conv -> pool -> flatten -> predictions Dense 2 softmax."""
    keras.utils.set_random_seed(2)
    image = keras.Input((8, 8, 1), name="image")
    x = keras.layers.Conv2D(2, 3, activation="relu", name="conv")(image)
    x = keras.layers.MaxPooling2D(name="pool")(x)
    x = keras.layers.Flatten(name="flatten")(x)
    predictions = keras.layers.Dense(2, activation="softmax", name="predictions")(x)
    return keras.Model(image, predictions, name="small_cnn")


def read_manifest(bundle_dir):
    return json.loads((bundle_dir / "mlj.json").read_text(encoding="utf-8"))
