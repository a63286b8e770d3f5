"""The Java test fixtures behave as models/README.md promises."""

import json

import h5py
import numpy as np
import pytest
import tensorflow as tf

from mlj_export import fixtures, npy


@pytest.fixture(scope="module")
def fixture_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("fixtures")
    fixtures.write_all(out)
    return out


def test_tf1_classify_regress_reads_tf_examples(fixture_dir):
    folder = fixture_dir / "tf1_classify_regress" / "saved_model" / "1"

    def example(x, bias=None):
        feature = {"x": tf.train.Feature(float_list=tf.train.FloatList(value=[x]))}
        if bias is not None:
            feature["bias"] = tf.train.Feature(int64_list=tf.train.Int64List(value=[bias]))
        return tf.train.Example(features=tf.train.Features(feature=feature)).SerializeToString()

    graph = tf.Graph()
    with graph.as_default(), tf.compat.v1.Session(graph=graph) as session:
        meta = tf.compat.v1.saved_model.loader.load(session, ["serve"], str(folder))
        signatures = meta.signature_def
        assert signatures["classify_x_to_y"].method_name == "tensorflow/serving/classify"
        assert signatures["regress_x_to_y"].method_name == "tensorflow/serving/regress"
        assert signatures["serving_default"].method_name == "tensorflow/serving/predict"
        regress = signatures["regress_x_to_y"]
        got = session.run(regress.outputs["outputs"].name,
                          {regress.inputs["inputs"].name: [example(3.0), example(10.0, 1)]})
        np.testing.assert_allclose(got, [[3.5], [8.0]])
        classify = signatures["classify_x_to_y"]
        classes, scores = session.run([classify.outputs["classes"].name, classify.outputs["scores"].name],
                                      {classify.inputs["inputs"].name: [example(2.0)]})
        assert classes.tolist() == [[b"low", b"high"]]
        np.testing.assert_allclose(scores, [[3.0, 6.0]])


def test_tf1_learning_phase_must_be_fed(fixture_dir):
    folder = fixture_dir / "tf1_learning_phase"
    x = npy.load(folder / "reference" / "input.npy")
    graph = tf.Graph()
    with graph.as_default(), tf.compat.v1.Session(graph=graph) as session:
        meta = tf.compat.v1.saved_model.loader.load(session, ["serve"], str(folder / "saved_model"))
        signature = meta.signature_def["serving_default"]
        assert signature.method_name == "tensorflow/serving/predict"
        assert sorted(signature.inputs) == ["input", "keras_learning_phase"]
        assert list(signature.outputs) == ["output"]
        feeds = {signature.inputs["input"].name: x}
        output = signature.outputs["output"].name
        phase = signature.inputs["keras_learning_phase"].name
        inference = session.run(output, {**feeds, phase: False})
        np.testing.assert_array_equal(inference, npy.load(folder / "reference" /
                                                          "output_inference.npy"))
        assert not np.allclose(session.run(output, {**feeds, phase: True}), inference)
        with pytest.raises(tf.errors.InvalidArgumentError):
            session.run(output, feeds)


def test_dtypes_echo(fixture_dir):
    serve = tf.saved_model.load(str(fixture_dir / "dtypes_echo" / "saved_model")).signatures[
        "serving_default"]
    out = serve(f32=tf.constant([[1.5, 2, 3]]), f64=tf.constant([[1.5, 2, 3]], tf.float64),
                i32=tf.constant([[1, 2, 3]]), i64=tf.constant([[1, 2, 3]], tf.int64),
                b=tf.constant([[True, False, True]]), u8=tf.constant([[0, 254, 255]], tf.uint8),
                s=tf.constant(["ab", "héllo"]))
    assert out["f32_out"].dtype == tf.float32 and out["f32_out"].numpy().tolist() == [[3, 4, 6]]
    assert out["f64_out"].dtype == tf.float64
    assert out["i32_out"].numpy().tolist() == [[2, 3, 4]]
    assert out["i64_out"].dtype == tf.int64
    assert out["b_out"].numpy().tolist() == [[False, True, False]]
    assert out["u8_out"].numpy().tolist() == [[1, 255, 0]]
    assert out["s_out"].numpy().tolist() == [b"ab!", "héllo!".encode()]
    assert out["s_len"].dtype == tf.int32 and out["s_len"].numpy().tolist() == [2, 6]


def test_unsupported_gru_files(fixture_dir):
    with h5py.File(fixture_dir / "unsupported_gru" / "model.h5") as f:
        assert '"class_name": "GRU"' in f.attrs["model_config"]
    assert (fixture_dir / "unsupported_gru" / "model.keras").is_file()


def test_keras2_ffnn_layout_and_reference(fixture_dir):
    folder = fixture_dir / "keras2_ffnn"
    with h5py.File(folder / "model.h5") as f:
        assert f.attrs["keras_version"] == b"2.2.4" and f.attrs["backend"] == b"tensorflow"
        config = json.loads(f.attrs["model_config"])
        assert config["class_name"] == "Sequential"
        assert config["config"]["layers"][0]["config"]["batch_input_shape"] == [None, 784]
        weights = f["model_weights"]
        assert weights.attrs["layer_names"].tolist() == [b"dense_1", b"dense_2"]
        names = weights["dense_1"].attrs["weight_names"]
        assert names.dtype.kind == "S"
        assert names.tolist() == [b"dense_1/kernel:0", b"dense_1/bias:0"]
        layers = [(weights[f"{n}/{n}/kernel:0"][()], weights[f"{n}/{n}/bias:0"][()])
                  for n in ("dense_1", "dense_2")]
    x = npy.load(folder / "reference" / "input.npy")
    hidden = np.maximum(x @ layers[0][0] + layers[0][1], 0)
    logits = hidden @ layers[1][0] + layers[1][1]
    expected = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    np.testing.assert_allclose(npy.load(folder / "reference" / "output.npy"), expected,
                               rtol=1e-5)
