"""What a Keras model looks like from outside: names, dtypes, shapes and layouts of its inputs,
outputs and layers.

Names follow docs/bundle-format.md:
- an input is named by its InputLayer (the name saved in model.keras / model.h5);
- an output, and a layer output in the `layer_outputs` signature, is named by the layer that
  produced it: `name` for its first (or only) output, `name/1`, `name/2`, ... for further ones.
Keras forbids `/` in layer names, so these keys never collide with a real layer name.
"""

import re
import warnings
from dataclasses import dataclass

import keras

from mlj_export.errors import BundleError, BundleWarning

_AUTO_INPUT_NAME = re.compile(r"^(keras_tensor|input_layer)(_\d+)?$")


@dataclass(frozen=True)
class TensorInfo:
    """One named tensor: a model input or output, or one output of a layer."""

    name: str
    dtype: str
    shape: tuple  # None for an unknown dimension
    layout: str | None = None

    def manifest(self):
        return {"name": self.name, "dtype": self.dtype, "shape": list(self.shape),
                "layout": self.layout}


@dataclass(frozen=True)
class LayerInfo:
    """A layer with its output tensors (`name`, `name/1`, ...), as the manifest lists it."""

    name: str
    class_name: str
    outputs: tuple  # of TensorInfo

    def manifest(self):
        first = self.outputs[0]
        entry = {"name": self.name, "class": self.class_name, "dtype": first.dtype,
                 "output_shape": list(first.shape)}
        if len(self.outputs) > 1:
            entry["extra_outputs"] = [{"name": t.name, "dtype": t.dtype, "shape": list(t.shape)}
                                      for t in self.outputs[1:]]
        return entry


@dataclass(frozen=True)
class ModelInfo:
    """Inputs and outputs in model order, layers in `model.layers` order (InputLayers left out)."""

    inputs: tuple  # of TensorInfo
    outputs: tuple  # of TensorInfo
    layers: tuple  # of LayerInfo
    embedding_sizes: dict  # input name -> input_dim of the smallest Embedding it feeds

    @property
    def layer_output_names(self):
        return [t.name for layer in self.layers for t in layer.outputs]


def input_tensors(model):
    """The model's symbolic inputs, or a BundleError when it has none with defined shapes."""
    try:
        inputs = list(model.inputs)
    except (AttributeError, ValueError) as exc:
        raise BundleError(
            f"model '{model.name}' has no defined input shapes ({exc}). Build it from "
            "keras.Input(shape=..., name=...) as a Sequential or functional model; subclassed "
            "models and unbuilt Sequential models cannot be bundled.") from exc
    if not inputs:
        raise BundleError(f"model '{model.name}' has no inputs")
    return inputs


def warn_about_unnamed_inputs(model):
    """Warn when inputs carry auto-generated names, which change from one process to the next."""
    for tensor in input_tensors(model):
        layer_name = tensor._keras_history.operation.name
        if _AUTO_INPUT_NAME.match(tensor.name) or _AUTO_INPUT_NAME.match(layer_name):
            warnings.warn(
                f"model '{model.name}' has an unnamed input (tensor '{tensor.name}', input "
                f"layer '{layer_name}'); the bundle calls it '{layer_name}', an auto-generated "
                "name. Name inputs explicitly: keras.Input(shape, name='...').",
                BundleWarning, stacklevel=3)


def describe(model):
    """Describe a functional or Sequential model for the manifest and the signatures."""
    inputs = input_tensors(model)
    input_names = [_input_name(t) for t in inputs]
    _require_unique("input", input_names)
    embedding_sizes = _embedding_sizes(model, inputs, input_names)

    input_infos = tuple(
        TensorInfo(name, _dtype(t), tuple(t.shape),
                   infer_layout(t.shape, _dtype(t), name in embedding_sizes))
        for name, t in zip(input_names, inputs))
    output_infos = tuple(
        TensorInfo(tensor_key(t), _dtype(t), tuple(t.shape), infer_layout(t.shape, _dtype(t)))
        for t in model.outputs)
    _require_unique("output", [t.name for t in output_infos])

    layer_infos = tuple(
        LayerInfo(layer.name, type(layer).__name__,
                  tuple(TensorInfo(key, _dtype(t), tuple(t.shape)) for key, t in outputs))
        for layer, outputs in layer_outputs(model))
    return ModelInfo(input_infos, output_infos, layer_infos, embedding_sizes)


def infer_layout(shape, dtype, feeds_embedding=False):
    """NC, NT, NTC, NHWC or None, from rank and dtype (see docs/bundle-format.md)."""
    rank = len(shape)
    if rank == 2:
        return "NT" if feeds_embedding else "NC"
    if rank == 3:
        return "NTC"
    if rank == 4 and "float" in dtype:
        return "NHWC"
    return None


def non_input_layers(model):
    """`model.layers` without InputLayers."""
    return [layer for layer in model.layers if not isinstance(layer, keras.layers.InputLayer)]


def layer_outputs(model):
    """[(layer, [(key, symbolic tensor), ...])] for every non-input layer, in `model.layers` order.

    Each layer must be called exactly once in the model's graph (shared layers are refused).
    """
    nodes = _nodes_by_layer(model)
    result = []
    for layer in non_input_layers(model):
        own = nodes.get(id(layer), [])
        if len(own) != 1:
            raise BundleError(
                f"layer '{layer.name}' ({type(layer).__name__}) is called {len(own)} times in "
                f"model '{model.name}'; a bundle lists one output per layer, so shared (reused) "
                "layers cannot be bundled")
        result.append((layer, [(_output_key(layer.name, index), t)
                               for index, t in enumerate(own[0].output_tensors)]))
    return result


def _nodes_by_layer(model):
    """{id(layer): [its call nodes in this model's graph]}.

    A layer's `_inbound_nodes` also holds calls outside this graph (Sequential rebuilds its graph
    on every add), so the graph's own nodes are the ones that count. Sequential keeps its graph in
    `_functional`.
    """
    graph = getattr(model, "_functional", None) or model
    nodes = {}
    for depth_nodes in graph._nodes_by_depth.values():
        for node in depth_nodes:
            nodes.setdefault(id(node.operation), []).append(node)
    return nodes


def tensor_key(tensor):
    """The bundle name of a symbolic tensor: its layer's name, plus `/i` for output i > 0."""
    history = tensor._keras_history
    return _output_key(history.operation.name, history.tensor_index)


def _output_key(layer_name, index):
    return layer_name if index == 0 else f"{layer_name}/{index}"


def _input_name(tensor):
    return tensor._keras_history.operation.name


def _dtype(tensor):
    return keras.backend.standardize_dtype(tensor.dtype)


def _embedding_sizes(model, inputs, input_names):
    name_of = {id(t): name for t, name in zip(inputs, input_names)}
    nodes = _nodes_by_layer(model)
    sizes = {}
    for layer in non_input_layers(model):
        if isinstance(layer, keras.layers.Embedding):
            for node in nodes.get(id(layer), []):
                for t in node.input_tensors:
                    name = name_of.get(id(t))
                    if name is not None:
                        sizes[name] = min(sizes.get(name, layer.input_dim), layer.input_dim)
    return sizes


def _require_unique(kind, names):
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise BundleError(f"{kind} names must be unique; repeated: {duplicates}")
