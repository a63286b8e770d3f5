"""The layer zoo: it covers the layer classes the issue lists, feeds padded sequences where masks
matter, and writes bundles (without model.h5 where Keras cannot read its own .h5 back)."""

import json

import keras
import numpy as np
import pytest

from mlj_export import zoo

# Every layer class the supported-layers table must show (issue 13).
REQUIRED_CLASSES = {
    "Dense", "LeakyReLU", "ELU", "PReLU", "ReLU", "Activation", "Dropout", "Conv1D", "Conv2D",
    "DepthwiseConv2D", "SeparableConv2D", "Conv2DTranspose", "MaxPooling1D", "AveragePooling1D",
    "MaxPooling2D", "AveragePooling2D", "GlobalMaxPooling1D", "GlobalAveragePooling1D",
    "GlobalMaxPooling2D", "GlobalAveragePooling2D", "ZeroPadding1D", "ZeroPadding2D", "Cropping1D",
    "Cropping2D", "UpSampling1D", "UpSampling2D", "BatchNormalization", "Reshape", "Permute",
    "RepeatVector", "Flatten", "Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum",
    "Concatenate", "Dot", "SimpleRNN", "LSTM", "GRU", "Bidirectional", "TimeDistributed", "Embedding",
    "Masking", "LayerNormalization"}


def _classes(model):
    return {type(layer).__name__ for layer in model.layers} - {"InputLayer"}


def test_zoo_covers_every_required_layer_class_and_option():
    keras.utils.set_random_seed(zoo.SEED)
    models = {name: build().model for name, build in zoo.BUILDERS.items()}
    covered = set().union(*(_classes(m) for m in models.values()))
    assert REQUIRED_CLASSES <= covered, f"missing {sorted(REQUIRED_CLASSES - covered)}"

    layers = [layer for m in models.values() for layer in m.layers]
    configs = [layer.get_config() for layer in layers]
    activations = {c.get("activation") for c in configs}
    assert {"relu", "selu", "silu", "gelu", "tanh", "sigmoid"} <= activations  # Keras 3 writes swish as silu
    conv1d = [c for layer, c in zip(layers, configs) if isinstance(layer, keras.layers.Conv1D)]
    assert {c["padding"] for c in conv1d} == {"valid", "same", "causal"}
    assert any(c["dilation_rate"] != (1,) for c in conv1d) and any(c["strides"] != (1,) for c in conv1d)
    merge_modes = {c["merge_mode"] for layer, c in zip(layers, configs)
                   if isinstance(layer, keras.layers.Bidirectional)}
    assert {"concat", "sum", "mul", "ave"} <= merge_modes
    assert any(c.get("go_backwards") for c in configs)
    assert any(c.get("mask_zero") for c in configs)


def test_padded_sequences_have_masked_steps_before_and_after():
    tokens = zoo._padded_tokens(np.random.default_rng(0), 32, 8, 20)
    assert tokens.dtype == np.int32 and tokens.shape == (32, 8)
    assert (tokens[:, 0] == 0).any(), "some rows are pre-padded"
    assert (tokens[:, -1] == 0).any(), "some rows are post-padded"
    assert ((tokens != 0).sum(axis=1) >= 2).all(), "every row keeps at least two tokens"


def test_build_is_deterministic():
    first = zoo.build("dense_gelu")
    second = zoo.build("dense_gelu")
    for a, b in zip(first.model.get_weights(), second.model.get_weights()):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(first.inputs["features"], second.inputs["features"])


def test_batch_norm_statistics_are_not_trivial():
    model = zoo.build("batch_norm").model
    layer = model.get_layer("batch_norm")
    assert np.abs(layer.moving_mean.numpy()).max() > 0.05
    assert np.abs(layer.moving_variance.numpy() - 1).max() > 0.05


@pytest.mark.parametrize("name, has_h5", [("dense_gelu", True), ("embedding_masked_lstm", False)])
def test_write_makes_a_bundle_with_layer_references(tmp_path, name, has_h5):
    path = zoo.write(name, tmp_path)
    manifest = json.loads((path / "mlj.json").read_text(encoding="utf-8"))
    assert manifest["name"] == name and manifest["description"].startswith("zoo: ")
    assert ("h5" in manifest["files"]) == has_h5 and (path / "model.h5").exists() == has_h5
    assert (path / "model.keras").exists() and (path / "saved_model" / "saved_model.pb").exists()
    for layer in manifest["layers"]:
        assert (path / "reference" / "batch_32" / "layers" / f"{layer['name']}.npy").exists()


def test_unknown_zoo_model_is_refused(tmp_path):
    with pytest.raises(KeyError, match="unknown zoo models"):
        zoo.write_all(tmp_path, only=["no_such_model"])
