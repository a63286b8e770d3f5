"""The legacy-format fixtures have the layouts models/legacy/README.md promises, and their
references are what Keras 3 / TensorFlow compute."""

import json

import h5py
import keras
import numpy as np
import pytest
import tensorflow as tf

from mlj_export import legacy, npy


@pytest.fixture(scope="module")
def legacy_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("legacy")
    legacy.write_all(out)
    return out


def test_index_lists_every_fixture_with_existing_files(legacy_dir):
    index = json.loads((legacy_dir / "index.json").read_text())
    assert {entry["backend"] for entry in index.values()} == {"dl4j", "tensorflow"}
    for name, entry in index.items():
        assert (legacy_dir / entry["model"]).exists(), name
        for path in [*entry["inputs"].values(), *entry["outputs"].values()]:
            assert (legacy_dir / path).is_file(), (name, path)


def test_keras3_json_and_weights_reload_in_keras(legacy_dir):
    folder = legacy_dir / "keras3_json"
    model = keras.models.model_from_json((folder / "model.json").read_text())
    model.load_weights(folder / "model.weights.h5")
    x = npy.load(folder / "reference" / "image.npy")
    np.testing.assert_allclose(model(x), npy.load(folder / "reference" / "probs.npy"), atol=1e-6)


def test_keras2_weights_file_has_the_save_weights_layout(legacy_dir):
    folder = legacy_dir / "keras2_json"
    topology = json.loads((folder / "topology.json").read_text())
    assert topology["keras_version"] == "2.4.0" and topology["class_name"] == "Model"
    layers = topology["config"]["layers"]
    assert layers[0]["class_name"] == "InputLayer" and "batch_input_shape" in layers[0]["config"]
    assert layers[1]["inbound_nodes"] == [[["image", 0, 0, {}]]]
    with h5py.File(folder / "weights.h5") as f:
        assert "model_config" not in f.attrs and "model_weights" not in f
        assert f.attrs["layer_names"].tolist() == [b"image", b"conv", b"pool", b"flatten", b"probs"]
        assert f["conv"].attrs["weight_names"].tolist() == [b"conv/kernel:0", b"conv/bias:0"]
        assert f["conv/conv/kernel:0"].shape == (3, 3, 1, 4)


def test_keras1_files_use_keras1_names(legacy_dir):
    config = json.loads((legacy_dir / "keras1_json" / "model.json").read_text())
    assert config["keras_version"] == "1.2.2" and isinstance(config["config"], list)
    assert config["config"][0]["config"]["output_dim"] == 8
    with h5py.File(legacy_dir / "keras1_h5" / "model.h5") as f:
        assert f.attrs["keras_version"] == b"1.2.2"
        assert f["model_weights/dense_1"].attrs["weight_names"].tolist() == [b"dense_1_W:0", b"dense_1_b:0"]


def test_keras1_theano_cnn_matches_its_keras3_twin(legacy_dir):
    """The Theano file's weights, undone by hand (flip, transpose, flatten order), give the reference."""
    folder = legacy_dir / "keras1_theano_cnn_h5"
    with h5py.File(folder / "model.h5") as f:
        assert f.attrs["backend"] == b"theano"
        kernel = f["model_weights/conv/conv_W"][()]
        bias = f["model_weights/conv/conv_b"][()]
        dense = f["model_weights/probs/probs_W"][()]
        dense_bias = f["model_weights/probs/probs_b"][()]
    x = npy.load(folder / "reference" / "conv_input.npy")  # N, C, H, W
    flipped = kernel[:, :, ::-1, ::-1]
    conv = np.zeros((x.shape[0], 4, 6, 6), np.float32)
    for i in range(6):
        for j in range(6):
            conv[:, :, i, j] = np.einsum("nchw,fchw->nf", x[:, :, i:i + 3, j:j + 3], flipped) + bias
    pooled = np.maximum(conv, 0).reshape(x.shape[0], 4, 3, 2, 3, 2).max(axis=(3, 5))
    logits = pooled.reshape(x.shape[0], -1) @ dense + dense_bias
    expected = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    np.testing.assert_allclose(npy.load(folder / "reference" / "probs.npy"), expected, atol=1e-6)


def test_tf_keras2_sequential_has_an_explicit_input_layer(legacy_dir):
    with h5py.File(legacy_dir / "tf_keras2_sequential" / "model.h5") as f:
        config = json.loads(f.attrs["model_config"])
    assert [layer["class_name"] for layer in config["config"]["layers"]] == ["InputLayer", "Dense", "Dense"]


def test_tf_keras2_lstm_uses_tf2_weight_names(legacy_dir):
    with h5py.File(legacy_dir / "tf_keras2_lstm" / "model.h5") as f:
        names = f["model_weights/bidirectional"].attrs["weight_names"].tolist()
        assert names[0] == b"bidirectional/forward_lstm/lstm_cell/kernel:0"
        assert f["model_weights/bidirectional/bidirectional/backward_lstm/lstm_cell/bias:0"].shape == (16,)
        assert f["model_weights/batch_normalization"].attrs["weight_names"].tolist()[2] == \
            b"batch_normalization/moving_mean:0"


def test_frozen_graph_has_no_variables_and_reproduces_its_references(legacy_dir):
    folder = legacy_dir / "frozen_graph"
    graph_def = tf.compat.v1.GraphDef.FromString((folder / "frozen_model.pb").read_bytes())
    ops = {node.op for node in graph_def.node}
    assert "Placeholder" in ops and not ops & {"VariableV2", "VarHandleOp"}
    graph = tf.Graph()
    with graph.as_default():
        tf.compat.v1.import_graph_def(graph_def, name="")
    with tf.compat.v1.Session(graph=graph) as session:
        out = session.run("probabilities:0", {"input:0": npy.load(folder / "reference" / "input.npy")})
    np.testing.assert_array_equal(out, npy.load(folder / "reference" / "probabilities.npy"))


@pytest.mark.parametrize("name", ["tf1_no_variables", "tf1_strings", "tf1_keep_prob", "tf1_empty_method",
                                  "tf1_main_op", "tf1_legacy_init_op", "tf1_classify"])
def test_tf1_saved_models_reproduce_their_references(legacy_dir, name):
    entry = json.loads((legacy_dir / "index.json").read_text())[name]
    graph = tf.Graph()
    with graph.as_default(), tf.compat.v1.Session(graph=graph) as session:
        meta = tf.compat.v1.saved_model.loader.load(session, ["serve"], str(legacy_dir / entry["model"]))
        signature = meta.signature_def["serving_default"]
        feeds = {signature.inputs[k].name: npy.load(legacy_dir / v) for k, v in entry["inputs"].items()}
        for key, path in entry["outputs"].items():
            got = session.run(signature.outputs[key].name, feeds)
            expected = npy.load(legacy_dir / path)
            if expected.dtype.kind == "U":
                got = np.vectorize(bytes.decode)(got)
            np.testing.assert_array_equal(got, expected)
    if name == "tf1_empty_method":
        assert signature.method_name == ""
