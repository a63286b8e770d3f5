"""Writing an mlj bundle (docs/bundle-format.md) from a Keras 3 model."""

import contextlib
import json
import logging
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import keras
import numpy as np
import tensorflow as tf

import mlj_export
from mlj_export import model_info, npy, reference, saved_model
from mlj_export.errors import BundleError
from mlj_export.fsutil import atomic_directory
from mlj_export.tensorspace import write as write_tensorspace

FORMAT = "mlj-bundle"
FORMAT_VERSION = 1
MANIFEST = "mlj.json"
KERAS_FILE = "model.keras"
H5_FILE = "model.h5"
SAVED_MODEL_DIR = "saved_model"
VOCABULARY_FILE = "vocabulary.txt"
TENSORSPACE_DIR = "tensorspace"
TEXTS_FILE = "texts.json"


@dataclass(frozen=True)
class BundleResult:
    """What `bundle` wrote: the bundle directory, its manifest and the SavedModel's signature keys
    ({signature: {"inputs": [...], "outputs": [...]}} as tf.saved_model.load sees them)."""

    path: Path
    manifest: dict
    signatures: dict


def bundle(model, out_dir, *, name=None, description="", reference_inputs=None, labels=None,
           preprocessing=None, metrics=None, texts=None, vocabulary=None,
           tensorspace=False, legacy_h5=True):
    """Write `model` as an mlj bundle at `out_dir`, replacing it only once everything succeeded.

    reference_inputs  at least 32 rows per input (dict by input name, list in model order, or one
                      array); the first 32 become reference/batch_32, the first one batch_1.
                      Default: deterministic random inputs (see reference.random_inputs).
    labels            class names, or None; for one sigmoid unit: [negative, positive].
    preprocessing     the manifest's "preprocessing" object (e.g. {"text": Tokenizer.rules()}).
    metrics           the manifest's "metrics" object (accuracy, data source, ...).
    texts             for text models: 32 {"text": ..., "label": ...} in reference batch order.
    vocabulary        for text models: tokens, id order (written as vocabulary.txt).
    tensorspace       also write tensorspace/: every layer's output as a TensorFlow.js
                      layers-model (see mlj_export.tensorspace).
    legacy_h5         False leaves model.h5 out (for models Keras itself cannot load back from
                      .h5, e.g. functional models with mask op nodes such as NotEqual).
    Raises BundleError naming the problem when the model cannot be bundled.
    """
    model_info.warn_about_unnamed_inputs(model)
    copy = inference_copy(model)
    info = model_info.describe(copy)
    _check_labels(labels, info)
    _check_text_parts(texts, vocabulary, preprocessing)
    rows = (reference.random_inputs(info) if reference_inputs is None
            else reference.checked_inputs(reference_inputs, info))

    out_dir = Path(out_dir)
    with atomic_directory(out_dir) as work:
        with quiet_absl():
            copy.save(work / KERAS_FILE)
            if legacy_h5:
                copy.save(work / H5_FILE)
        layers_model = saved_model.layer_outputs_model(copy)
        saved_model.export(copy, layers_model, info, work / SAVED_MODEL_DIR)
        batches = {f"batch_{size}": reference.first_rows(rows, size)
                   for size in reference.BATCH_SIZES}
        _write_references(work, model, copy, layers_model, info, batches)
        _check_saved_files(work, info, batches["batch_1"], legacy_h5)
        if texts is not None:
            _write_json(work / "reference" / TEXTS_FILE, texts)
        if vocabulary is not None:
            (work / VOCABULARY_FILE).write_text("".join(f"{token}\n" for token in vocabulary),
                                                encoding="utf-8")
        if tensorspace:
            (work / TENSORSPACE_DIR).mkdir()
            write_tensorspace(layers_model, work / TENSORSPACE_DIR)
        manifest = _manifest(name or copy.name, description, info, labels, preprocessing,
                             metrics, texts is not None, tensorspace, legacy_h5)
        _write_json(work / MANIFEST, manifest)
        signatures = saved_model.signature_keys(work / SAVED_MODEL_DIR)
    return BundleResult(out_dir, manifest, signatures)


def inference_copy(model):
    """A copy of `model` rebuilt from its config (as loading model.keras would) with its weights,
    but without optimizer or compile state, so the saved files hold the inference model only.

    Rebuilding is also the check that every layer can be serialised: a layer that cannot
    (a Lambda around a Python lambda, an unregistered custom layer, ...) raises BundleError.
    """
    try:
        config = keras.saving.serialize_keras_object(model)
        config.pop("compile_config", None)
        copy = keras.saving.deserialize_keras_object(config)
    except Exception as exc:
        raise BundleError(_serialisation_problem(model, exc)) from exc
    copy.set_weights(model.get_weights())
    return copy


def _serialisation_problem(model, model_error):
    for layer in model_info.non_input_layers(model):
        try:
            keras.saving.deserialize_keras_object(keras.saving.serialize_keras_object(layer))
        except Exception as exc:
            return (f"layer '{layer.name}' ({type(layer).__name__}) cannot be serialised, so "
                    f"model.keras could not be loaded again: {_first_line(exc)}. Use built-in "
                    "layers, register custom ones with @keras.saving.register_keras_serializable "
                    "and give them get_config(); avoid Lambda layers.")
    return f"model '{model.name}' cannot be serialised: {_first_line(model_error)}"


def _first_line(exc):
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


def _write_references(work, model, copy, layers_model, info, batches):
    """Write reference/<batch>/{inputs,outputs,layers}/*.npy after checking that the copy and both
    SavedModel signatures agree with the original model."""
    input_names = [spec.name for spec in info.inputs]
    output_names = [t.name for t in info.outputs]
    exported = saved_model.run_signatures(work / SAVED_MODEL_DIR, info, batches.values())
    for (batch_name, batch), (serving, layer_values) in zip(batches.items(), exported):
        inputs = [batch[name] for name in input_names]
        outputs = _named(output_names, saved_model.call_model(model, inputs))
        layers = _named(info.layer_output_names, saved_model.call_model(layers_model, inputs))
        rebuilt = _named(output_names, saved_model.call_model(copy, inputs))
        saved_model.assert_close("model rebuilt from its config", outputs, rebuilt,
                                 rtol=1e-6, atol=1e-7)
        saved_model.assert_close("SavedModel signature 'serving_default'", outputs, serving)
        saved_model.assert_close("SavedModel signature 'layer_outputs'", layers, layer_values)
        for kind, values in (("inputs", batch), ("outputs", outputs), ("layers", layers)):
            for name, array in values.items():
                npy.save(work / "reference" / batch_name / kind / f"{name}.npy", array)


def _check_saved_files(work, info, batch, legacy_h5=True):
    """Load model.keras and model.h5 back and check they reproduce the reference outputs."""
    expected = {t.name: npy.load(work / "reference" / "batch_1" / "outputs" / f"{t.name}.npy")
                for t in info.outputs}
    inputs = [batch[spec.name] for spec in info.inputs]
    for file_name in (KERAS_FILE, H5_FILE) if legacy_h5 else (KERAS_FILE,):
        try:
            loaded = keras.saving.load_model(work / file_name, compile=False)
        except Exception as exc:
            raise BundleError(f"{file_name} cannot be loaded back: {_first_line(exc)}") from exc
        saved_model.assert_close(f"{file_name} loaded back", expected,
                                 _named(list(expected), saved_model.call_model(loaded, inputs)))


def _named(names, tensors):
    return {name: np.asarray(t) for name, t in zip(names, tensors)}


def _manifest(name, description, info, labels, preprocessing, metrics, has_texts,
              has_tensorspace=False, legacy_h5=True):
    files = {"saved_model": SAVED_MODEL_DIR, "keras": KERAS_FILE, "h5": H5_FILE}
    if has_tensorspace:
        files["tensorspace"] = TENSORSPACE_DIR
    if not legacy_h5:
        del files["h5"]
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "name": name,
        "description": description,
        "created": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "versions": {"keras": keras.__version__, "tensorflow": tf.__version__,
                     "mlj_export": mlj_export.__version__},
        "files": files,
        "signatures": {"default": saved_model.SERVING, "layer_outputs": saved_model.LAYER_OUTPUTS},
        "inputs": [t.manifest() for t in info.inputs],
        "outputs": [t.manifest() for t in info.outputs],
        "layers": [layer.manifest() for layer in info.layers],
        "labels": None if labels is None else list(labels),
        "preprocessing": preprocessing or {},
        "metrics": metrics or {},
        "reference": {"batches": [{"name": f"batch_{size}", "size": size}
                                  for size in reference.BATCH_SIZES],
                      "texts": f"reference/{TEXTS_FILE}" if has_texts else None},
    }


def _check_labels(labels, info):
    if labels is None:
        return
    if not all(isinstance(label, str) for label in labels):
        raise BundleError(f"labels must be strings, got {labels!r}")
    classes = info.outputs[0].shape[-1] if len(info.outputs[0].shape) > 1 else None
    expected = 2 if classes == 1 else classes
    if expected is not None and len(labels) != expected:
        raise BundleError(f"{len(labels)} labels given; output '{info.outputs[0].name}' has "
                          f"{classes} unit(s), so {expected} labels are needed")


def _check_text_parts(texts, vocabulary, preprocessing):
    rows = reference.REFERENCE_ROWS
    if texts is not None and len(texts) != rows:
        raise BundleError(f"texts must hold the {rows} reference examples, got {len(texts)}")
    if (preprocessing or {}).get("text") and vocabulary is None:
        raise BundleError("text preprocessing needs the vocabulary (vocabulary=...)")


def _write_json(path, value):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(value, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


@contextlib.contextmanager
def quiet_absl():
    """Silence Keras' "HDF5 is a legacy format" warning while writing model.h5 on purpose."""
    logger = logging.getLogger("absl")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)
