"""The TensorSpace export: a TensorFlow.js layers-model (Keras 2 style topology + weight shards).

Whether TensorFlow.js computes the same layer outputs is checked by tensorspace-test/ (Node);
these tests check what Python writes.
"""

import json
from pathlib import Path

import keras
import numpy as np
import pytest
from conftest import read_manifest

import mlj_export
from mlj_export import tensorspace
from mlj_export.cli import main

DTYPES = {"float32": "<f4", "int32": "<i4"}


def read_export(directory):
    """(model.json, {weight name: array}) read back the way tfjs-core does: shards concatenated
    in manifest order, weights sliced from the buffer in order."""
    document = json.loads((directory / "model.json").read_text(encoding="utf-8"))
    weights = {}
    for group in document["weightsManifest"]:
        data = b"".join((directory / path).read_bytes() for path in group["paths"])
        offset = 0
        for spec in group["weights"]:
            dtype = np.dtype(DTYPES[spec["dtype"]])
            count = int(np.prod(spec["shape"], dtype=np.int64))
            weights[spec["name"]] = np.frombuffer(data, dtype, count, offset).reshape(spec["shape"])
            offset += count * dtype.itemsize
        assert offset == len(data), "shards hold exactly the listed weights"
    return document, weights


def all_keys(value):
    if isinstance(value, dict):
        return set(value) | {k for item in value.values() for k in all_keys(item)}
    if isinstance(value, list):
        return {k for item in value for k in all_keys(item)}
    return set()


def test_topology_is_the_multi_output_model_in_keras2_form(tmp_path, small_cnn):
    result = tensorspace.export(small_cnn, tmp_path / "ts")
    document, _ = read_export(tmp_path / "ts")

    assert document["format"] == "layers-model"
    assert document["convertedBy"] == f"mlj_export v{mlj_export.__version__}"
    topology = document["modelTopology"]["model_config"]
    assert topology["class_name"] == "Model"
    config = topology["config"]
    assert [layer["name"] for layer in config["layers"]] == [
        "image", "conv", "pool", "flatten", "predictions"]
    assert config["input_layers"] == [["image", 0, 0]]
    assert config["output_layers"] == [[name, 0, 0]
                                       for name in ("conv", "pool", "flatten", "predictions")]
    assert result.outputs == ["conv", "pool", "flatten", "predictions"]

    image, conv = config["layers"][0], config["layers"][1]
    assert image["class_name"] == "InputLayer" and image["inbound_nodes"] == []
    assert image["config"] == {"batch_input_shape": [None, 8, 8, 1], "dtype": "float32",
                               "sparse": False, "name": "image"}
    assert conv["class_name"] == "Conv2D"
    assert conv["inbound_nodes"] == [[["image", 0, 0, {}]]]
    assert conv["config"]["dtype"] == "float32"
    assert conv["config"]["kernel_initializer"]["class_name"] == "GlorotUniform"
    assert not all_keys(topology) & {"module", "registered_name", "build_config", "batch_shape"}


def test_weights_are_named_by_layer_and_hold_the_model_values(tmp_path, small_cnn):
    result = tensorspace.export(small_cnn, tmp_path / "ts")
    document, weights = read_export(tmp_path / "ts")

    assert result.shards == ["group1-shard1of1.bin"]
    assert document["weightsManifest"][0]["paths"] == result.shards
    expected = {f"{layer.name}/{v.name}": keras.ops.convert_to_numpy(v)
                for layer in small_cnn.layers for v in layer.weights}
    assert list(weights) == ["conv/kernel", "conv/bias", "predictions/kernel", "predictions/bias"]
    for name, array in expected.items():
        np.testing.assert_array_equal(weights[name], array)
    assert result.weight_bytes == sum(a.nbytes for a in expected.values())


def test_large_weights_are_split_into_shards(tmp_path, small_cnn, monkeypatch):
    monkeypatch.setattr(tensorspace, "SHARD_BYTES", 100)
    result = tensorspace.export(small_cnn, tmp_path / "ts")
    _, weights = read_export(tmp_path / "ts")

    count = -(-result.weight_bytes // 100)
    assert count > 1
    assert result.shards == [f"group1-shard{i}of{count}.bin" for i in range(1, count + 1)]
    assert [(tmp_path / "ts" / s).stat().st_size for s in result.shards[:-1]] == [100] * (count - 1)
    np.testing.assert_array_equal(weights["predictions/kernel"],
                                  small_cnn.get_layer("predictions").kernel.numpy())


def test_recurrent_layers_with_several_outputs_and_integer_inputs(tmp_path):
    tokens = keras.Input((5,), dtype="int32", name="tokens")
    x = keras.layers.Embedding(20, 4, name="embedding")(tokens)
    sequence, h, c = keras.layers.LSTM(3, return_sequences=True, return_state=True,
                                       kernel_regularizer="l2", name="lstm")(x)
    out = keras.layers.Concatenate(name="concat")([h, c])
    model = keras.Model(tokens, [sequence, out], name="rnn")

    result = tensorspace.export(model, tmp_path / "ts")
    document, weights = read_export(tmp_path / "ts")
    config = document["modelTopology"]["model_config"]["config"]

    assert result.outputs == ["embedding", "lstm", "lstm/1", "lstm/2", "concat"]
    assert config["output_layers"] == [["embedding", 0, 0], ["lstm", 0, 0], ["lstm", 0, 1],
                                       ["lstm", 0, 2], ["concat", 0, 0]]
    layers = {layer["name"]: layer for layer in config["layers"]}
    assert layers["tokens"]["config"]["dtype"] == "int32"
    assert layers["concat"]["inbound_nodes"] == [[["lstm", 0, 1, {}], ["lstm", 0, 2, {}]]]
    assert layers["lstm"]["config"]["kernel_regularizer"] == {
        "class_name": "L1L2", "config": {"l1": 0.0, "l2": 0.01}}
    assert list(weights) == ["embedding/embeddings", "lstm/kernel", "lstm/recurrent_kernel",
                             "lstm/bias"]


def test_bundle_option_adds_the_export_and_names_it_in_the_manifest(tmp_path, small_sequential):
    out = tmp_path / "small"
    mlj_export.bundle(small_sequential, out, tensorspace=True)

    assert read_manifest(out)["files"]["tensorspace"] == "tensorspace"
    document, _ = read_export(out / "tensorspace")
    config = document["modelTopology"]["model_config"]["config"]
    assert config["output_layers"] == [[layer["name"], 0, 0]
                                       for layer in read_manifest(out)["layers"]]


def test_command_line(tmp_path, small_cnn, capsys):
    small_cnn.save(tmp_path / "model.keras")

    assert main(["tensorspace", str(tmp_path / "model.keras"), str(tmp_path / "ts")]) == 0
    assert "outputs: ['conv', 'pool', 'flatten', 'predictions']" in capsys.readouterr().out
    assert (tmp_path / "ts" / "model.json").is_file()

    assert main(["bundle", str(tmp_path / "model.keras"), str(tmp_path / "b"),
                 "--tensorspace"]) == 0
    assert (tmp_path / "b" / "tensorspace" / "group1-shard1of1.bin").is_file()

    assert main(["tensorspace", str(tmp_path / "missing.keras"), str(tmp_path / "x")]) == 1
    assert "cannot load" in capsys.readouterr().err
    assert not (tmp_path / "x").exists()


def test_tensor_keyword_arguments_are_refused(tmp_path):
    x = keras.Input((4, 2), name="x")
    h = keras.Input((3,), name="h")
    c = keras.Input((3,), name="c")
    y = keras.layers.LSTM(3, name="lstm")(x, initial_state=[h, c])
    model = keras.Model([x, h, c], y)

    with pytest.raises(mlj_export.BundleError, match="layer 'lstm' is called with the tensor"):
        tensorspace.export(model, tmp_path / "ts")
    assert not (tmp_path / "ts").exists()


def test_nested_models_and_unsupported_weight_dtypes_are_refused(tmp_path, small_sequential):
    inner = small_sequential
    outer_input = keras.Input((12,), name="outer")
    outer = keras.Model(outer_input, inner(outer_input), name="outer_model")
    with pytest.raises(mlj_export.BundleError, match="layer 'small' is a nested model"):
        tensorspace.export(outer, tmp_path / "a")

    half = keras.Sequential([keras.Input((3,), name="x"),
                             keras.layers.Dense(2, dtype="float16", name="half")])
    with pytest.raises(mlj_export.BundleError, match="weight 'half/kernel' .* is float16"):
        tensorspace.export(half, tmp_path / "b")


def test_committed_exports_are_what_the_exporter_writes_from_model_keras(tmp_path):
    models_dir = Path(__file__).resolve().parents[2] / "models"
    for name in ("mnist_ffnn", "mnist_cnn", "imdb_lstm"):
        bundle = models_dir / name
        model = keras.saving.load_model(bundle / "model.keras", compile=False)
        fresh = tensorspace.export(model, tmp_path / name)

        committed = bundle / "tensorspace"
        assert sorted(p.name for p in committed.iterdir()) == sorted(["model.json", *fresh.shards])
        for file_name in ["model.json", *fresh.shards]:
            assert (committed / file_name).read_bytes() == (fresh.path / file_name).read_bytes(), \
                f"models/{name}/tensorspace/{file_name} is stale: run python/regenerate-models.sh"
        assert read_manifest(bundle)["files"]["tensorspace"] == "tensorspace"
