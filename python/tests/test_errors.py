"""Models that cannot be bundled fail with a BundleError naming the problem, and leave no bundle."""

import keras
import numpy as np
import pytest

import mlj_export
from mlj_export import BundleError, BundleWarning


def test_unbuilt_sequential(tmp_path):
    model = keras.Sequential([keras.layers.Dense(2, name="dense")], name="unbuilt")
    with pytest.raises(BundleError, match="no defined input shapes"):
        mlj_export.bundle(model, tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_subclassed_model(tmp_path):
    class Doubler(keras.Model):
        def call(self, x):
            return x * 2

    model = Doubler()
    model(np.ones((1, 3), np.float32))
    with pytest.raises(BundleError, match="subclassed"):
        mlj_export.bundle(model, tmp_path / "out")


def test_lambda_layer_is_named(tmp_path):
    factor = 3.0
    model = keras.Sequential([keras.Input((3,), name="x"),
                              keras.layers.Lambda(lambda t: t * factor, name="triple")])
    with pytest.raises(BundleError, match="layer 'triple' \\(Lambda\\) cannot be serialised"):
        mlj_export.bundle(model, tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_unregistered_custom_layer_is_named(tmp_path):
    class PlusOne(keras.layers.Layer):
        def call(self, x):
            return x + 1

    model = keras.Sequential([keras.Input((3,), name="x"), PlusOne(name="plus_one")])
    with pytest.raises(BundleError, match="layer 'plus_one' \\(PlusOne\\) cannot be serialised"):
        mlj_export.bundle(model, tmp_path / "out")


def test_shared_layer(tmp_path):
    a, b = keras.Input((3,), name="a"), keras.Input((3,), name="b")
    shared = keras.layers.Dense(2, name="shared")
    model = keras.Model([a, b], keras.layers.Add(name="sum")([shared(a), shared(b)]))
    with pytest.raises(BundleError, match="layer 'shared' .* called 2 times"):
        mlj_export.bundle(model, tmp_path / "out")


def test_unnamed_input_warns_but_bundles(tmp_path):
    inputs = keras.Input((3,))
    model = keras.Model(inputs, keras.layers.Dense(2, name="out")(inputs))
    with pytest.warns(BundleWarning, match="unnamed input"):
        result = mlj_export.bundle(model, tmp_path / "out")
    name = result.manifest["inputs"][0]["name"]
    assert name.startswith("input_layer")
    assert result.signatures["serving_default"]["inputs"] == [name]


def test_bad_reference_inputs(tmp_path, small_sequential):
    with pytest.raises(BundleError, match="keyed \\['wrong'\\]"):
        mlj_export.bundle(small_sequential, tmp_path / "out",
                          reference_inputs={"wrong": np.zeros((32, 12))})
    with pytest.raises(BundleError, match="has 5 rows"):
        mlj_export.bundle(small_sequential, tmp_path / "out", reference_inputs=np.zeros((5, 12)))
    with pytest.raises(BundleError, match="expects \\(None, 12\\)"):
        mlj_export.bundle(small_sequential, tmp_path / "out", reference_inputs=np.zeros((32, 7)))


def test_wrong_number_of_labels(tmp_path, small_sequential):
    with pytest.raises(BundleError, match="3 labels are needed"):
        mlj_export.bundle(small_sequential, tmp_path / "out", labels=["a", "b"])


def test_failure_inside_the_write_keeps_the_old_bundle(tmp_path, small_sequential, monkeypatch):
    out = tmp_path / "out"
    mlj_export.bundle(small_sequential, out)
    before = (out / "mlj.json").read_bytes()

    from mlj_export import saved_model

    def broken_export(*args, **kwargs):
        raise BundleError("export failed on purpose")

    monkeypatch.setattr(saved_model, "export", broken_export)
    with pytest.raises(BundleError, match="on purpose"):
        mlj_export.bundle(small_sequential, out)
    assert (out / "mlj.json").read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["out"]


def test_failure_inside_the_write_leaves_no_bundle(tmp_path, small_sequential, monkeypatch):
    from mlj_export import saved_model

    def broken_run(*args, **kwargs):
        raise BundleError("signatures failed on purpose")

    monkeypatch.setattr(saved_model, "run_signatures", broken_run)
    with pytest.raises(BundleError, match="on purpose"):
        mlj_export.bundle(small_sequential, tmp_path / "out")
    assert list(tmp_path.iterdir()) == []
