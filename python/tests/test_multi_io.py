"""A functional model with several inputs and outputs keeps its names in model order."""

import keras
import numpy as np
import tensorflow as tf
from conftest import read_manifest

import mlj_export
from mlj_export import npy


def multi_io_model():
    """Inputs (z_sequence, a_tokens); outputs (z_score, lstm/2, a_flag): model order differs from
    alphabetical order on purpose, and the LSTM has three outputs."""
    keras.utils.set_random_seed(3)
    sequence = keras.Input((5, 3), name="z_sequence")
    tokens = keras.Input((4,), dtype="int32", name="a_tokens")
    lstm_output, _, lstm_cell = keras.layers.LSTM(4, return_state=True, name="lstm")(sequence)
    embedded = keras.layers.Embedding(7, 2, name="embedding")(tokens)
    flat = keras.layers.Flatten(name="flatten")(embedded)
    joined = keras.layers.Concatenate(name="joined")([lstm_output, flat])
    score = keras.layers.Dense(2, activation="softmax", name="z_score")(joined)
    flag = keras.layers.Dense(1, activation="sigmoid", name="a_flag")(joined)
    return keras.Model([sequence, tokens], [score, lstm_cell, flag], name="multi_io")


def test_names_follow_model_order(tmp_path):
    model = multi_io_model()
    result = mlj_export.bundle(model, tmp_path / "multi")
    manifest = read_manifest(tmp_path / "multi")

    assert [(i["name"], i["dtype"], i["shape"], i["layout"]) for i in manifest["inputs"]] == [
        ("z_sequence", "float32", [None, 5, 3], "NTC"), ("a_tokens", "int32", [None, 4], "NT")]
    assert [(o["name"], o["shape"]) for o in manifest["outputs"]] == [
        ("z_score", [None, 2]), ("lstm/2", [None, 4]), ("a_flag", [None, 1])]
    layers = {layer["name"]: layer for layer in manifest["layers"]}
    assert list(layers) == [layer.name for layer in model.layers
                            if not isinstance(layer, keras.layers.InputLayer)]
    assert layers["lstm"]["extra_outputs"] == [
        {"name": "lstm/1", "dtype": "float32", "shape": [None, 4]},
        {"name": "lstm/2", "dtype": "float32", "shape": [None, 4]}]
    assert "extra_outputs" not in layers["embedding"]
    assert result.signatures["serving_default"] == {
        "inputs": ["a_tokens", "z_sequence"], "outputs": ["a_flag", "lstm/2", "z_score"]}
    assert result.signatures["layer_outputs"]["outputs"] == sorted(
        ["lstm", "lstm/1", "lstm/2", "embedding", "flatten", "joined", "z_score", "a_flag"])


def test_references_match_a_fresh_prediction(tmp_path):
    model = multi_io_model()
    mlj_export.bundle(model, tmp_path / "multi")
    batch = tmp_path / "multi" / "reference" / "batch_32"
    sequence = npy.load(batch / "inputs" / "z_sequence.npy")
    tokens = npy.load(batch / "inputs" / "a_tokens.npy")
    assert tokens.dtype == np.dtype("<i4") and 0 <= tokens.min() and tokens.max() < 7

    score, cell, flag = model([sequence, tokens], training=False)
    for name, value in (("z_score", score), ("lstm/2", cell), ("a_flag", flag)):
        np.testing.assert_allclose(npy.load(batch / "outputs" / f"{name}.npy"), value.numpy(),
                                   rtol=1e-6, atol=1e-7)
    assert npy.load(batch / "layers" / "lstm" / "1.npy").shape == (32, 4)

    serve = tf.saved_model.load(str(tmp_path / "multi" / "saved_model")).signatures[
        "serving_default"]
    served = serve(z_sequence=tf.constant(sequence), a_tokens=tf.constant(tokens))
    np.testing.assert_allclose(served["lstm/2"].numpy(), cell.numpy(), rtol=1e-5, atol=1e-6)
