"""The TensorSpace export: the model that outputs every layer's output, as a TensorFlow.js
layers-model (the format TensorSpace and `tf.loadLayersModel` read).

What `write` produces in its directory:

    model.json              {"format": "layers-model", "modelTopology": {...}, "weightsManifest": [...]}
    group1-shard1of1.bin    the weights, little-endian, in manifest order (split in 4 MB shards)

The topology is the encapsulated multi-output model of `saved_model.layer_outputs_model`: the
model's inputs, then every non-input layer in `model.layers` order with its Keras name, and one
output per layer output in that order (`output_layers` names them). It is written in the
Keras 2 JSON form that tfjs-layers deserialises, translated from what Keras 3 writes:

- `InputLayer`'s `batch_shape` becomes `batch_input_shape` (`optional`, `ragged` dropped);
- a dtype policy object (`DTypePolicy`) becomes its dtype name;
- Keras 3 object dicts lose `module`, `registered_name` and `build_config`;
  regularizers `L1`/`L2` become `L1L2`;
- `inbound_nodes` `[{"args": [keras tensors], "kwargs": {...}}]` become
  `[[[layer, node_index, tensor_index, kwargs], ...]]`;
- `input_layers`/`output_layers` are always lists of `[layer, node_index, tensor_index]`;
- the model class is `Model`, which every tfjs-layers version knows.

Weights are named `<layer>/<variable>` (e.g. `conv1/kernel`, `lstm/recurrent_kernel`), the names
tfjs-layers gives the same variables.
"""

import json
import math
from dataclasses import dataclass
from pathlib import Path

import keras
import numpy as np

import mlj_export
from mlj_export import model_info, saved_model
from mlj_export.errors import BundleError
from mlj_export.fsutil import atomic_directory

MODEL_JSON = "model.json"
SHARD_BYTES = 4 * 1024 * 1024  # as tensorflowjs_converter's default
WEIGHT_DTYPES = {"float32": np.dtype("<f4"), "int32": np.dtype("<i4")}
_DROPPED_KEYS = ("module", "registered_name", "build_config")


@dataclass(frozen=True)
class TensorSpaceExport:
    """What `write` wrote: the directory, the output names (layer output keys, model order),
    the weight shard files and their total size in bytes."""

    path: Path
    outputs: list
    shards: list
    weight_bytes: int


def export(model, out_dir):
    """Write the TensorSpace export of `model` (a functional or Sequential Keras 3 model) to
    `out_dir`, replacing it only once everything succeeded. Raises BundleError when the model
    cannot be exported."""
    out_dir = Path(out_dir)
    with atomic_directory(out_dir) as work:
        result = write(saved_model.layer_outputs_model(model), work)
    return TensorSpaceExport(out_dir, result.outputs, result.shards, result.weight_bytes)


def write(layers_model, directory):
    """Write model.json and the weight shards of `layers_model` (a `layer_outputs_model`) into the
    existing `directory`."""
    directory = Path(directory)
    names, arrays = _weights(layers_model)
    manifest_entries = [{"name": name, "shape": list(array.shape), "dtype": array.dtype.name}
                        for name, array in zip(names, arrays)]
    data = b"".join(array.astype(WEIGHT_DTYPES[array.dtype.name]).tobytes() for array in arrays)
    count = max(1, math.ceil(len(data) / SHARD_BYTES))
    shards = [f"group1-shard{i + 1}of{count}.bin" for i in range(count)]
    for i, shard in enumerate(shards):
        (directory / shard).write_bytes(data[i * SHARD_BYTES:(i + 1) * SHARD_BYTES])
    document = {
        "format": "layers-model",
        "generatedBy": f"keras v{keras.__version__}",
        "convertedBy": f"mlj_export v{mlj_export.__version__}",
        "modelTopology": {"keras_version": keras.__version__, "backend": "tensorflow",
                          "model_config": topology(layers_model)},
        "weightsManifest": [{"paths": shards, "weights": manifest_entries}],
    }
    (directory / MODEL_JSON).write_text(json.dumps(document, indent=1) + "\n", encoding="utf-8")
    outputs = [model_info.tensor_key(t) for t in layers_model.outputs]
    return TensorSpaceExport(directory, outputs, shards, len(data))


def topology(model):
    """The Keras 2 style `{"class_name": "Model", "config": ...}` of a functional Keras 3 model."""
    config = model.get_config()
    layers = [_layer(entry) for entry in config["layers"]]
    return {"class_name": "Model",
            "config": {"name": config["name"], "layers": layers,
                       "input_layers": _tensor_list(config["input_layers"]),
                       "output_layers": _tensor_list(config["output_layers"])}}


def _layer(entry):
    name = entry["name"]
    config = _translate(entry["config"], name)
    if entry["class_name"] == "InputLayer":
        config["batch_input_shape"] = config.pop("batch_shape")
        config.pop("optional", None)
        config.pop("ragged", None)
    return {"class_name": entry["class_name"], "name": name, "config": config,
            "inbound_nodes": [_node(node, name) for node in entry["inbound_nodes"]]}


def _translate(value, layer_name):
    """A Keras 3 config value in Keras 2 form (see the module docstring)."""
    if isinstance(value, list):
        return [_translate(item, layer_name) for item in value]
    if not isinstance(value, dict):
        return value
    class_name = value.get("class_name")
    if class_name in ("DTypePolicy", "FloatDTypePolicy"):
        return value["config"]["name"]
    if class_name in ("DTypePolicyMap", "QuantizedDTypePolicy", "QuantizedFloat8DTypePolicy"):
        raise BundleError(f"layer '{layer_name}' uses the dtype policy {class_name}; "
                          "TensorFlow.js layers only take a plain dtype such as float32")
    if class_name == "__keras_tensor__":
        raise BundleError(f"layer '{layer_name}' takes a tensor as a configuration value; "
                          "TensorFlow.js layers-models cannot express that")
    translated = {key: _translate(item, layer_name) for key, item in value.items()
                  if key not in _DROPPED_KEYS}
    if class_name in ("L1", "L2") and isinstance(translated.get("config"), dict):
        penalty = class_name.lower()
        translated = {"class_name": "L1L2",
                      "config": {"l1": 0.0, "l2": 0.0, penalty: translated["config"][penalty]}}
    return translated


def _node(node, layer_name):
    """One Keras 3 inbound node as a Keras 2 node: [[layer, node_index, tensor_index, kwargs]]."""
    kwargs = {}
    for key, value in node.get("kwargs", {}).items():
        if value is None:
            continue
        if _keras_tensors(value):
            raise BundleError(f"layer '{layer_name}' is called with the tensor argument "
                              f"'{key}'; TensorFlow.js layers-models take only positional "
                              "tensor inputs")
        kwargs[key] = value
    tensors = _keras_tensors(node.get("args", []))
    if not tensors:
        raise BundleError(f"layer '{layer_name}' is called without tensor inputs")
    return [[*history, kwargs] for history in tensors]


def _keras_tensors(value):
    """The `keras_history` triples of every Keras tensor inside a (nested) config value."""
    if isinstance(value, dict):
        if value.get("class_name") == "__keras_tensor__":
            return [list(value["config"]["keras_history"])]
        return [h for item in value.values() for h in _keras_tensors(item)]
    if isinstance(value, (list, tuple)):
        return [h for item in value for h in _keras_tensors(item)]
    return []


def _tensor_list(value):
    """Keras 3 writes a single model input or output as a flat ["name", 0, 0]."""
    if len(value) == 3 and isinstance(value[0], str):
        return [list(value)]
    return [list(item) for item in value]


def _weights(model):
    """(names, arrays) of every layer's weights, in layer order, named `<layer>/<variable>`."""
    names, arrays = [], []
    for layer in model_info.non_input_layers(model):
        if isinstance(layer, keras.Model):
            raise BundleError(f"layer '{layer.name}' is a nested model; a TensorFlow.js export "
                              "needs a flat model (call the inner model's layers directly)")
        for variable in layer.weights:
            name = f"{layer.name}/{variable.name}"
            array = np.asarray(keras.ops.convert_to_numpy(variable))
            if array.dtype.name not in WEIGHT_DTYPES:
                raise BundleError(
                    f"weight '{name}' of layer '{layer.name}' is {array.dtype.name}; "
                    f"a TensorFlow.js export takes {sorted(WEIGHT_DTYPES)} weights")
            if name in names:
                raise BundleError(f"layer '{layer.name}' has two weights named "
                                  f"'{variable.name}'; TensorFlow.js matches weights by name")
            names.append(name)
            arrays.append(array)
    return names, arrays
