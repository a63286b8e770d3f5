"""The bundle's saved_model/: two signatures written with keras.export.ExportArchive.

serving_default  inputs keyed by input name -> outputs keyed by output name (model.outputs order)
layer_outputs    same inputs -> every non-input layer's output(s), keyed as in model_info
Both run the model with training=False.
"""

import keras
import numpy as np
import tensorflow as tf

from mlj_export import model_info
from mlj_export.errors import BundleError

SERVING = "serving_default"
LAYER_OUTPUTS = "layer_outputs"


def call_model(model, inputs, training=False):
    """Call `model` on a list of inputs in model order; return its outputs as a flat list."""
    structure = getattr(model, "_inputs_struct", None)
    if structure is not None:
        packed = keras.tree.pack_sequence_as(structure, list(inputs))
    else:
        packed = inputs[0] if len(inputs) == 1 else list(inputs)
    return keras.tree.flatten(model(packed, training=training))


def layer_outputs_model(model):
    """A functional model from `model`'s inputs to every non-input layer's output(s)."""
    tensors = [t for _, outputs in model_info.layer_outputs(model) for _, t in outputs]
    return keras.Model(model_info.input_tensors(model), tensors, name=f"{model.name}_layers")


def export(model, layers_model, info, path):
    """Write the two-signature SavedModel for `model` (and its `layer_outputs_model`) at `path`."""
    output_names = [t.name for t in info.outputs]
    layer_names = info.layer_output_names
    input_signature = [tf.TensorSpec(spec.shape, tf.as_dtype(spec.dtype), name=spec.name)
                       for spec in info.inputs]

    def serve(*inputs):
        return dict(zip(output_names, call_model(model, inputs)))

    def layer_outputs(*inputs):
        return dict(zip(layer_names, call_model(layers_model, inputs)))

    archive = keras.export.ExportArchive()
    archive.track(model)
    archive.add_endpoint(SERVING, serve, input_signature=input_signature)
    archive.add_endpoint(LAYER_OUTPUTS, layer_outputs, input_signature=input_signature)
    archive.write_out(str(path), verbose=False)


def signature_keys(path):
    """{signature: {"inputs": [...], "outputs": [...]}} as tf.saved_model.load sees them."""
    loaded = tf.saved_model.load(str(path))
    return {name: {"inputs": sorted(fn.structured_input_signature[1]),
                   "outputs": sorted(fn.structured_outputs)}
            for name, fn in loaded.signatures.items()}


def run_signatures(path, info, batches):
    """Run both signatures of the SavedModel at `path` on each batch; check their keys first.

    Returns [({output name: array}, {layer output name: array})], one pair per batch.
    """
    loaded = tf.saved_model.load(str(path))
    expected = {SERVING: [t.name for t in info.outputs], LAYER_OUTPUTS: info.layer_output_names}
    input_names = sorted(spec.name for spec in info.inputs)
    functions = {}
    for signature, output_names in expected.items():
        if signature not in loaded.signatures:
            raise BundleError(f"exported SavedModel lacks signature '{signature}'")
        fn = loaded.signatures[signature]
        got_inputs = sorted(fn.structured_input_signature[1])
        got_outputs = sorted(fn.structured_outputs)
        if got_inputs != input_names or got_outputs != sorted(output_names):
            raise BundleError(f"signature '{signature}' has inputs {got_inputs} and outputs "
                              f"{got_outputs}; expected {input_names} and {sorted(output_names)}")
        functions[signature] = fn

    def run(signature, batch):
        values = functions[signature](**{name: tf.constant(a) for name, a in batch.items()})
        return {name: values[name].numpy() for name in expected[signature]}

    return [(run(SERVING, batch), run(LAYER_OUTPUTS, batch)) for batch in batches]


def assert_close(what, expected, actual, rtol=1e-4, atol=1e-5):
    """Raise BundleError unless two dicts of arrays match (floats within tolerance, else exactly)."""
    for name, want in expected.items():
        got = np.asarray(actual[name])
        if got.shape != want.shape or got.dtype != want.dtype:
            raise BundleError(f"{what}: '{name}' is {got.dtype}{list(got.shape)}, expected "
                              f"{want.dtype}{list(want.shape)}")
        if want.dtype.kind == "f":
            if not np.allclose(got, want, rtol=rtol, atol=atol):
                diff = float(np.max(np.abs(got.astype(np.float64) - want)))
                raise BundleError(f"{what}: '{name}' differs from Keras by up to {diff:.3g}")
        elif not np.array_equal(got, want):
            raise BundleError(f"{what}: '{name}' differs from Keras")
