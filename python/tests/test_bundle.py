"""Bundling a small model round-trips: manifest, saved files, signatures and references agree."""

import json
import zipfile

import h5py
import keras
import numpy as np
import tensorflow as tf
from conftest import read_manifest

import mlj_export
from mlj_export import npy


def test_manifest_describes_the_model(tmp_path, small_sequential):
    out = tmp_path / "small"
    mlj_export.bundle(small_sequential, out, description="tiny", labels=["a", "b", "c"],
                      metrics={"test_accuracy": 0.5})
    manifest = read_manifest(out)

    assert manifest["format"] == "mlj-bundle" and manifest["format_version"] == 1
    assert manifest["name"] == "small" and manifest["description"] == "tiny"
    assert manifest["created"].endswith("Z")
    assert manifest["versions"] == {"keras": keras.__version__, "tensorflow": tf.__version__,
                                    "mlj_export": mlj_export.__version__}
    assert manifest["files"] == {"saved_model": "saved_model", "keras": "model.keras",
                                 "h5": "model.h5"}
    assert manifest["signatures"] == {"default": "serving_default",
                                      "layer_outputs": "layer_outputs"}
    assert manifest["inputs"] == [{"name": "pixels", "dtype": "float32", "shape": [None, 12],
                                   "layout": "NC"}]
    assert manifest["outputs"] == [{"name": "predictions", "dtype": "float32", "shape": [None, 3],
                                    "layout": "NC"}]
    assert manifest["layers"] == [
        {"name": "hidden", "class": "Dense", "dtype": "float32", "output_shape": [None, 8]},
        {"name": "dropout", "class": "Dropout", "dtype": "float32", "output_shape": [None, 8]},
        {"name": "predictions", "class": "Dense", "dtype": "float32", "output_shape": [None, 3]},
    ]
    assert manifest["labels"] == ["a", "b", "c"]
    assert manifest["preprocessing"] == {}
    assert manifest["metrics"] == {"test_accuracy": 0.5}
    assert manifest["reference"] == {"batches": [{"name": "batch_1", "size": 1},
                                                 {"name": "batch_32", "size": 32}],
                                     "texts": None}


def test_files_signatures_and_references_agree(tmp_path, small_sequential):
    out = tmp_path / "small"
    result = mlj_export.bundle(small_sequential, out)

    assert result.signatures["serving_default"] == {"inputs": ["pixels"],
                                                    "outputs": ["predictions"]}
    assert result.signatures["layer_outputs"] == {"inputs": ["pixels"],
                                                  "outputs": ["dropout", "hidden", "predictions"]}
    signatures = tf.saved_model.load(str(out / "saved_model")).signatures
    for size in (1, 32):
        batch = out / "reference" / f"batch_{size}"
        x = npy.load(batch / "inputs" / "pixels.npy")
        assert x.shape == (size, 12) and x.dtype == np.dtype("<f4")

        expected = npy.load(batch / "outputs" / "predictions.npy")
        np.testing.assert_array_equal(expected, small_sequential(x, training=False).numpy())
        served = signatures["serving_default"](pixels=tf.constant(x))["predictions"].numpy()
        np.testing.assert_allclose(served, expected, rtol=1e-6, atol=1e-7)

        layer_values = signatures["layer_outputs"](pixels=tf.constant(x))
        value = x
        for layer in small_sequential.layers:
            value = layer(value, training=False)
            stored = npy.load(batch / "layers" / f"{layer.name}.npy")
            np.testing.assert_allclose(stored, value.numpy(), rtol=1e-6, atol=1e-7)
            np.testing.assert_allclose(layer_values[layer.name].numpy(), value.numpy(),
                                       rtol=1e-6, atol=1e-7)

    batch_1 = npy.load(out / "reference" / "batch_1" / "inputs" / "pixels.npy")
    batch_32 = npy.load(out / "reference" / "batch_32" / "inputs" / "pixels.npy")
    np.testing.assert_array_equal(batch_1[0], batch_32[0])

    for name in ("model.keras", "model.h5"):
        loaded = keras.saving.load_model(out / name, compile=False)
        np.testing.assert_allclose(loaded(batch_32, training=False).numpy(),
                                   npy.load(out / "reference" / "batch_32" / "outputs" /
                                            "predictions.npy"), rtol=1e-6, atol=1e-7)


def test_saved_files_hold_no_training_state(tmp_path, small_sequential):
    small_sequential.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    small_sequential.fit(np.zeros((4, 12)), np.zeros(4), verbose=0)
    mlj_export.bundle(small_sequential, tmp_path / "small")
    with zipfile.ZipFile(tmp_path / "small" / "model.keras") as archive:
        config = json.loads(archive.read("config.json"))
        with archive.open("model.weights.h5") as weights, h5py.File(weights) as h5:
            assert "optimizer" not in h5
    assert not config.get("compile_config")
    with h5py.File(tmp_path / "small" / "model.h5") as h5:
        assert "training_config" not in h5.attrs and "optimizer_weights" not in h5


def test_given_reference_inputs_and_image_layout(tmp_path, small_cnn):
    images = np.random.default_rng(0).random((40, 8, 8, 1)).astype(np.float64)
    mlj_export.bundle(small_cnn, tmp_path / "cnn", reference_inputs={"image": images})
    manifest = read_manifest(tmp_path / "cnn")
    assert manifest["inputs"][0]["layout"] == "NHWC"
    assert [layer["name"] for layer in manifest["layers"]] == ["conv", "pool", "flatten",
                                                              "predictions"]
    assert manifest["layers"][0]["output_shape"] == [None, 6, 6, 2]
    stored = npy.load(tmp_path / "cnn" / "reference" / "batch_32" / "inputs" / "image.npy")
    np.testing.assert_array_equal(stored, images[:32].astype(np.float32))


def test_cli_bundles_a_saved_model_file(tmp_path, small_sequential, capsys):
    from mlj_export.cli import main

    small_sequential.save(tmp_path / "small.keras")
    np.savez(tmp_path / "x.npz", pixels=np.ones((32, 12), np.float32))
    code = main(["bundle", str(tmp_path / "small.keras"), str(tmp_path / "out"),
                 "--name", "renamed", "--reference-inputs", str(tmp_path / "x.npz"),
                 "--labels", "x", "y", "z"])
    assert code == 0
    printed = capsys.readouterr().out
    assert "serving_default: inputs ['pixels'] -> outputs ['predictions']" in printed
    manifest = read_manifest(tmp_path / "out")
    assert manifest["name"] == "renamed" and manifest["labels"] == ["x", "y", "z"]
    np.testing.assert_array_equal(
        npy.load(tmp_path / "out" / "reference" / "batch_1" / "inputs" / "pixels.npy"),
        np.ones((1, 12), np.float32))


def test_text_model_bundle(tmp_path):
    from mlj_export import text

    texts = [f"review number {i} is {'good' if i % 2 else 'bad'}<br />" for i in range(40)]
    vocabulary = text.build_vocabulary(texts, size=20)
    tokenizer = text.Tokenizer(vocabulary, max_length=6)
    keras.utils.set_random_seed(4)
    model = keras.Sequential([
        keras.Input((6,), dtype="int32", name="tokens"),
        keras.layers.Embedding(len(vocabulary), 4, name="embedding"),
        keras.layers.GlobalAveragePooling1D(name="average"),
        keras.layers.Dense(1, activation="sigmoid", name="sentiment"),
    ], name="tiny_text")
    reference_texts = [{"text": t, "label": i % 2} for i, t in enumerate(texts[:32])]
    mlj_export.bundle(model, tmp_path / "text", labels=["negative", "positive"],
                      reference_inputs={"tokens": tokenizer.encode_all(texts)},
                      preprocessing={"text": {"input": "tokens", **tokenizer.rules()}},
                      texts=reference_texts, vocabulary=vocabulary)

    manifest = read_manifest(tmp_path / "text")
    assert manifest["inputs"][0]["layout"] == "NT"
    assert manifest["preprocessing"]["text"]["vocabulary_size"] == len(vocabulary)
    assert manifest["reference"]["texts"] == "reference/texts.json"
    texts_file = tmp_path / "text" / manifest["reference"]["texts"]
    stored_texts = json.loads(texts_file.read_text(encoding="utf-8"))
    assert stored_texts == reference_texts
    reloaded = text.Tokenizer.from_file(tmp_path / "text" / "vocabulary.txt", max_length=6)
    tokens = npy.load(tmp_path / "text" / "reference" / "batch_32" / "inputs" / "tokens.npy")
    np.testing.assert_array_equal(reloaded.encode_all([t["text"] for t in stored_texts]), tokens)


def test_cli_reports_errors_without_a_traceback(tmp_path, capsys):
    from mlj_export.cli import main

    assert main(["bundle", str(tmp_path / "missing.keras"), str(tmp_path / "out")]) == 1
    assert "mlj_export: error: cannot load" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()
