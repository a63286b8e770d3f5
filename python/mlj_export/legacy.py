"""Legacy-format fixtures for the Java backends: `python -m mlj_export legacy --out models/legacy`.

Old Keras and TensorFlow releases cannot be installed next to TensorFlow 2.21, so the Keras 1/2
files are written by hand with h5py in the layouts those releases wrote, from the weights of a
Keras 3 model of the same architecture; that Keras 3 model computes the reference outputs. The
TensorFlow 1 artifacts are written with tf.compat.v1 (graph mode, SavedModelBuilder,
convert_variables_to_constants), as TF1 wrote them.

Every fixture is a folder with the model files and reference/<input>.npy, reference/<output>.npy;
index.json lists, per fixture, the path to load, the backend, the load options and which .npy file
is which input and output (mlj-parity-tests reads it). models/legacy/README.md describes each one.
"""

import json
from pathlib import Path

import h5py
import keras
import numpy as np
import tensorflow as tf

from mlj_export import npy
from mlj_export.bundle_writer import quiet_absl
from mlj_export.fsutil import atomic_directory

SEED = 11
V1 = tf.compat.v1


def write_all(out_dir):
    """Write every legacy fixture into out_dir/<name> and out_dir/index.json; return the folders."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    writers = {
        "keras3_json": write_keras3_json, "keras2_json": write_keras2_json,
        "keras1_json": write_keras1_json, "keras1_h5": write_keras1_h5,
        "keras1_cnn_h5": write_keras1_cnn_h5, "keras1_theano_cnn_h5": write_keras1_theano_cnn_h5,
        "tf_keras2_sequential": write_tf_keras2_sequential,
        "tf_keras2_functional": write_tf_keras2_functional, "tf_keras2_lstm": write_tf_keras2_lstm,
        "frozen_graph": write_frozen_graph, "frozen_learning_phase": write_frozen_learning_phase,
        "tf1_no_variables": write_tf1_no_variables, "tf1_strings": write_tf1_strings,
        "tf1_keep_prob": write_tf1_keep_prob, "tf1_empty_method": write_tf1_empty_method,
        "tf1_main_op": write_tf1_main_op, "tf1_legacy_init_op": write_tf1_legacy_init_op,
        "tf1_classify": write_tf1_classify,
    }
    index = {}
    for name, write in writers.items():
        with atomic_directory(out_dir / name) as work:
            entry = write(work)
        index[name] = _under(name, entry)
    (out_dir / "index.json").write_text(json.dumps(index, indent=2, sort_keys=True) + "\n",
                                        encoding="utf-8")
    return [out_dir / name for name in writers]


_PATH_OPTIONS = {"dl4j.weights"}


def _under(folder, entry):
    """The entry with its fixture-relative paths made relative to the index ("." = the folder)."""
    def path(value):
        return folder if value == "." else f"{folder}/{value}"
    return {**entry, "model": path(entry["model"]),
            "options": {k: path(v) if k in _PATH_OPTIONS else v for k, v in entry["options"].items()},
            "inputs": {k: path(v) for k, v in entry["inputs"].items()},
            "outputs": {k: path(v) for k, v in entry["outputs"].items()}}


def _entry(model, backend, inputs, outputs, options=None, description=""):
    """An index entry; paths relative to the fixture folder ("." is the folder itself)."""
    return {"model": model, "backend": backend, "options": options or {},
            "inputs": {k: f"reference/{k}.npy" for k in inputs},
            "outputs": {k: f"reference/{k}.npy" for k in outputs}, "description": description}


def _save_reference(out_dir, arrays):
    for name, value in arrays.items():
        npy.save(out_dir / "reference" / f"{name}.npy", value)


# ---------------------------------------------------------------------------------------------
# Keras models (references from Keras 3)


def _cnn(name):
    """image [?, 8, 8, 1] -> Conv2D 4 3x3 relu -> MaxPooling2D 2 -> Flatten -> Dense 3 softmax."""
    keras.utils.set_random_seed(SEED)
    image = keras.Input((8, 8, 1), name="image")
    x = keras.layers.Conv2D(4, 3, activation="relu", name="conv")(image)
    x = keras.layers.MaxPooling2D(2, name="pool")(x)
    x = keras.layers.Flatten(name="flatten")(x)
    probs = keras.layers.Dense(3, activation="softmax", name="probs")(x)
    model = keras.Model(image, probs, name=name)
    _perturb_biases(model)
    return model


def _sequential_cnn(name):
    """Sequential [?, 8, 8, 1] -> Conv2D 4 3x3 relu `conv` -> MaxPooling2D 2 `pool` -> Flatten -> Dense 3 softmax `probs`."""
    keras.utils.set_random_seed(SEED)
    model = keras.Sequential([keras.Input((8, 8, 1), name="conv_input"),
                              keras.layers.Conv2D(4, 3, activation="relu", name="conv"),
                              keras.layers.MaxPooling2D(2, name="pool"),
                              keras.layers.Flatten(name="flatten"),
                              keras.layers.Dense(3, activation="softmax", name="probs")], name=name)
    _perturb_biases(model)
    return model


def _two_branch(name):
    """features [?, 6] -> Dense 5 relu 'left' / Dense 4 tanh 'right' -> Concatenate -> Dense 3 softmax."""
    keras.utils.set_random_seed(SEED)
    features = keras.Input((6,), name="features")
    left = keras.layers.Dense(5, activation="relu", name="left")(features)
    right = keras.layers.Dense(4, activation="tanh", name="right")(features)
    merged = keras.layers.Concatenate(name="merged")([left, right])
    scores = keras.layers.Dense(3, activation="softmax", name="scores")(merged)
    model = keras.Model(features, scores, name=name)
    _perturb_biases(model)
    return model


def _mlp(name):
    """pixels [?, 10] -> Dense 8 relu 'dense_1' -> Dense 3 softmax 'dense_2' (Sequential)."""
    keras.utils.set_random_seed(SEED)
    model = keras.Sequential([keras.Input((10,), name="pixels"),
                              keras.layers.Dense(8, activation="relu", name="dense_1"),
                              keras.layers.Dense(3, activation="softmax", name="dense_2")],
                             name=name)
    _perturb_biases(model)
    return model


def _perturb_biases(model):
    """Non-zero biases, so that a bias read wrongly shows in the outputs."""
    rng = np.random.default_rng(SEED)
    for layer in model.layers:
        weights = layer.get_weights()
        if len(weights) == 2:
            layer.set_weights([weights[0], rng.normal(0, 0.2, weights[1].shape).astype(np.float32)])


def _predict(model, x):
    return np.asarray(model(x, training=False), dtype=np.float32)


def _inputs(shape, seed=SEED):
    return np.random.default_rng(seed).random(shape, dtype=np.float32)


def write_keras3_json(out_dir):
    """Keras 3: model.to_json() as model.json and model.save_weights() as model.weights.h5, in one
    folder (the directory convention: exactly one *.json and one weights file)."""
    model = _cnn("keras3_cnn")
    (out_dir / "model.json").write_text(model.to_json(), encoding="utf-8")
    model.save_weights(out_dir / "model.weights.h5")
    x = _inputs((4, 8, 8, 1))
    _save_reference(out_dir, {"image": x, "probs": _predict(model, x)})
    return _entry(".", "dl4j", ["image"], ["probs"],
                  description="Keras 3 to_json + .weights.h5 in one folder (directory convention)")


def write_keras2_json(out_dir):
    """Keras 2 (tf.keras 2.x): topology.json (to_json of a functional model, InputLayer with
    batch_input_shape, nested inbound_nodes, keras_version 2.4.0) and weights.h5 as Keras 2
    save_weights wrote it: root attributes layer_names, backend, keras_version; a group per layer
    with weight_names such as b"conv/kernel:0" and the datasets at <layer>/<layer>/kernel:0."""
    model = _cnn("keras2_cnn")
    (out_dir / "topology.json").write_text(json.dumps(_keras2_model_json(model, "2.4.0")),
                                           encoding="utf-8")
    with h5py.File(out_dir / "weights.h5", "w") as f:
        _write_keras2_weights(f, model, "2.4.0")
    x = _inputs((4, 8, 8, 1))
    _save_reference(out_dir, {"image": x, "probs": _predict(model, x)})
    return _entry("topology.json", "dl4j", ["image"], ["probs"],
                  options={"dl4j.weights": "weights.h5"},
                  description="Keras 2 topology.json + save_weights weights.h5 (dl4j.weights option)")


def write_tf_keras2_sequential(out_dir):
    """tf.keras 2.x model.save(.h5) of a Sequential model whose first layer is an explicit
    InputLayer (as tf.keras 2.4+ writes Sequential configs); keras2_ffnn/ (one level up) is the
    Keras 2.2.4 Sequential without an InputLayer."""
    model = _mlp("sequential")
    layers = [_keras2_input_layer(model.inputs[0], "pixels")]
    layers += [{"class_name": layer.__class__.__name__, "config": _keras2_layer_config(layer)}
               for layer in model.layers]
    config = {"class_name": "Sequential", "config": {"name": "sequential", "layers": layers}}
    with h5py.File(out_dir / "model.h5", "w") as f:
        _write_keras2_model(f, config, model, "2.15.0")
    x = _inputs((4, 10))
    _save_reference(out_dir, {"pixels": x, "dense_2": _predict(model, x)})
    return _entry("model.h5", "dl4j", ["pixels"], ["dense_2"],
                  description="tf.keras 2.15 Sequential .h5 with an explicit InputLayer")


def write_tf_keras2_functional(out_dir):
    """tf.keras 2.x model.save(.h5) of a functional two-branch model (Concatenate)."""
    model = _two_branch("two_branch")
    with h5py.File(out_dir / "model.h5", "w") as f:
        _write_keras2_model(f, _keras2_model_json(model, None), model, "2.11.0")
    x = _inputs((4, 6))
    _save_reference(out_dir, {"features": x, "scores": _predict(model, x)})
    return _entry("model.h5", "dl4j", ["features"], ["scores"],
                  description="tf.keras 2.11 functional .h5 (InputLayer, two branches, Concatenate)")


def write_tf_keras2_lstm(out_dir):
    """tf.keras 2.x model.save(.h5) of a Sequential text model with explicit InputLayer (int32):
    Embedding -> Bidirectional(LSTM, return_sequences) -> LSTM -> BatchNormalization (non-trivial
    moving statistics) -> Dense softmax; weight names as TF 2 wrote them
    (`bidirectional/forward_lstm/lstm_cell/kernel:0`, `batch_normalization/moving_mean:0`)."""
    keras.utils.set_random_seed(SEED)
    model = keras.Sequential([keras.Input((10,), dtype="int32", name="tokens"),
                              keras.layers.Embedding(50, 8, name="embedding"),
                              keras.layers.Bidirectional(keras.layers.LSTM(4, return_sequences=True),
                                                         name="bidirectional"),
                              keras.layers.LSTM(5, name="lstm"),
                              keras.layers.BatchNormalization(name="batch_normalization"),
                              keras.layers.Dense(2, activation="softmax", name="dense")], name="sequential")
    rng = np.random.default_rng(SEED)
    # Larger weights than the initialisers give, so that the output depends strongly on every token
    # and a wrongly read recurrent weight shows.
    for name in ("embedding", "bidirectional", "lstm"):
        layer = model.get_layer(name)
        layer.set_weights([w * 3 for w in layer.get_weights()])
    norm = model.get_layer("batch_normalization")
    norm.set_weights([rng.uniform(0.5, 1.5, 5), rng.normal(0, 0.3, 5), rng.normal(0, 0.2, 5),
                      rng.uniform(0.2, 2.0, 5)])
    _perturb_biases(model)
    layers = [_keras2_input_layer(model.inputs[0], "tokens", dtype="int32")]
    layers += [{"class_name": layer.__class__.__name__, "config": _keras2_layer_config(layer)}
               for layer in model.layers]
    config = {"class_name": "Sequential", "config": {"name": "sequential", "layers": layers}}
    with h5py.File(out_dir / "model.h5", "w") as f:
        _write_keras2_model(f, config, model, "2.13.1")
    x = np.random.default_rng(SEED).integers(1, 50, (4, 10)).astype(np.int32)
    _save_reference(out_dir, {"tokens": x, "dense": _predict(model, x)})
    return _entry("model.h5", "dl4j", ["tokens"], ["dense"],
                  description="tf.keras 2.13 .h5: Embedding, Bidirectional LSTM, LSTM, BatchNormalization")


def write_keras1_json(out_dir):
    """Keras 1.2.2: model.json (Sequential config as a list of layers; Dense with output_dim,
    input_dim, init, W_regularizer, ...) and weights.h5 as Keras 1 save_weights wrote it, with
    weight names such as b"dense_1_W:0" at dense_1/dense_1_W:0."""
    model = _mlp("keras1_mlp")
    (out_dir / "model.json").write_text(json.dumps(_keras1_model_json(model)), encoding="utf-8")
    with h5py.File(out_dir / "weights.h5", "w") as f:
        _write_keras1_weights(f, model)
    x = _inputs((4, 10))
    _save_reference(out_dir, {"dense_1_input": x, "dense_2": _predict(model, x)})
    return _entry(".", "dl4j", ["dense_1_input"], ["dense_2"],
                  description="Keras 1.2.2 model.json + weights.h5 in one folder")


def write_keras1_cnn_h5(out_dir):
    """Keras 1.2.2 model.save of a Sequential CNN: Convolution2D (nb_filter, nb_row, nb_col,
    border_mode, subsample, dim_ordering "tf"), MaxPooling2D, Flatten, Dense."""
    model = _sequential_cnn("keras1_cnn")
    with h5py.File(out_dir / "model.h5", "w") as f:
        config = _keras1_model_json(model)
        f.attrs["keras_version"] = np.bytes_("1.2.2")
        f.attrs["backend"] = np.bytes_("tensorflow")
        f.attrs["model_config"] = np.bytes_(json.dumps({"class_name": config["class_name"],
                                                        "config": config["config"]}))
        _write_keras1_weights(f.create_group("model_weights"), model)
    x = _inputs((4, 8, 8, 1))
    _save_reference(out_dir, {"conv_input": x, "probs": _predict(model, x)})
    return _entry("model.h5", "dl4j", ["conv_input"], ["probs"],
                  description="Keras 1.2.2 model.save .h5 of a CNN (Convolution2D, dim_ordering tf)")


def write_keras1_theano_cnn_h5(out_dir):
    """Keras 1.2.2 model.save with the Theano backend and dim_ordering "th" (channels first), the
    classic Keras 1 CNN: input `conv_input` [?, 1, 8, 8]; kernels stored (filters, channels, rows,
    cols) and spatially flipped (Theano convolves, TensorFlow correlates); Flatten in (channel, row,
    column) order. Same computation as keras1_cnn_h5's Keras 3 model on the transposed input."""
    model = _sequential_cnn("keras1_theano_cnn")
    config = _keras1_model_json(model)
    for layer in config["config"]:
        if "dim_ordering" in layer["config"]:
            layer["config"]["dim_ordering"] = "th"
    config["config"][0]["config"]["batch_input_shape"] = [None, 1, 8, 8]
    kernel, bias = model.get_layer("conv").get_weights()
    dense_kernel, dense_bias = model.get_layer("probs").get_weights()
    weights = {
        "conv": [kernel.transpose(3, 2, 0, 1)[:, :, ::-1, ::-1].copy(), bias],
        "probs": [dense_kernel.reshape(3, 3, 4, 3).transpose(2, 0, 1, 3).reshape(36, 3), dense_bias]}
    with h5py.File(out_dir / "model.h5", "w") as f:
        f.attrs["keras_version"] = np.bytes_("1.2.2")
        f.attrs["backend"] = np.bytes_("theano")
        f.attrs["model_config"] = np.bytes_(json.dumps({"class_name": "Sequential", "config": config["config"]}))
        group = f.create_group("model_weights")
        group.attrs["layer_names"] = np.array([np.bytes_(layer.name) for layer in model.layers])
        group.attrs["backend"] = np.bytes_("theano")
        group.attrs["keras_version"] = np.bytes_("1.2.2")
        for layer in model.layers:
            layer_group = group.create_group(layer.name)
            names = _weight_names(model, layer, "keras1")
            layer_group.attrs["weight_names"] = np.array([np.bytes_(n.removesuffix(":0")) for n in names])
            for name, value in zip(names, weights.get(layer.name, [])):
                layer_group.create_dataset(name.removesuffix(":0"), data=value)
    x = _inputs((4, 8, 8, 1))
    _save_reference(out_dir, {"conv_input": x.transpose(0, 3, 1, 2).copy(), "probs": _predict(model, x)})
    return _entry("model.h5", "dl4j", ["conv_input"], ["probs"],
                  description="Keras 1.2.2 Theano-backend CNN (dim_ordering th, flipped kernels)")


def write_keras1_h5(out_dir):
    """Keras 1.2.2 model.save: root attributes keras_version, backend, model_config (Keras 1
    Sequential config), group model_weights with the Keras 1 weight layout."""
    model = _mlp("keras1_mlp")
    with h5py.File(out_dir / "model.h5", "w") as f:
        config = _keras1_model_json(model)
        f.attrs["keras_version"] = np.bytes_("1.2.2")
        f.attrs["backend"] = np.bytes_("tensorflow")
        f.attrs["model_config"] = np.bytes_(json.dumps({"class_name": config["class_name"],
                                                        "config": config["config"]}))
        _write_keras1_weights(f.create_group("model_weights"), model)
    x = _inputs((4, 10))
    _save_reference(out_dir, {"dense_1_input": x, "dense_2": _predict(model, x)})
    return _entry("model.h5", "dl4j", ["dense_1_input"], ["dense_2"],
                  description="Keras 1.2.2 model.save .h5 (Keras 1 config)")


# Keras 2 ---------------------------------------------------------------------------------------

_KERAS3_ONLY_KEYS = {"lora_rank", "lora_alpha", "quantization_config", "optional"}


def _keras2_value(value):
    """A Keras 3 config value as tf.keras 2.x wrote it: no module/registered_name, plain dtypes."""
    if isinstance(value, dict):
        if value.get("class_name") == "DTypePolicy":
            return value["config"]["name"]
        return {k: _keras2_value(v) for k, v in value.items()
                if k not in ("module", "registered_name") and k not in _KERAS3_ONLY_KEYS}
    if isinstance(value, (list, tuple)):
        return [_keras2_value(v) for v in value]
    return value


def _without_build_config(value):
    if isinstance(value, dict):
        return {k: _without_build_config(v) for k, v in value.items() if k != "build_config"}
    if isinstance(value, list):
        return [_without_build_config(v) for v in value]
    return value


def _keras2_layer_config(layer):
    return _without_build_config(_keras2_value(layer.get_config()))


def _keras2_input_layer(tensor, name, dtype="float32"):
    return {"class_name": "InputLayer", "config": {
        "batch_input_shape": [None, *tensor.shape[1:]], "dtype": dtype, "sparse": False,
        "ragged": False, "name": name}}


def _keras2_model_json(model, keras_version):
    """A functional model's config as tf.keras 2.x wrote it (to_json adds keras_version, backend)."""
    layers = []
    for layer in model.layers:
        if isinstance(layer, keras.layers.InputLayer):
            entry = _keras2_input_layer(layer.output, layer.name)
            entry["name"] = layer.name
            entry["inbound_nodes"] = []
        else:
            inbound = [layer_input._keras_history for layer_input in
                       keras.tree.flatten(layer._inbound_nodes[0].input_tensors)]
            entry = {"class_name": layer.__class__.__name__, "config": _keras2_layer_config(layer),
                     "name": layer.name,
                     "inbound_nodes": [[[h.operation.name, 0, h.tensor_index, {}] for h in inbound]]}
        layers.append(entry)
    config = {"name": model.name, "layers": layers,
              "input_layers": [[t._keras_history.operation.name, 0, 0] for t in model.inputs],
              "output_layers": [[t._keras_history.operation.name, 0, 0] for t in model.outputs]}
    result = {"class_name": "Functional" if keras_version is None else "Model", "config": config}
    if keras_version is not None:
        result.update({"keras_version": keras_version, "backend": "tensorflow"})
    return result


def _weight_names(model, layer, style):
    """Keras 1 names (`dense_1_W:0`) or tf.keras 2 names: the variable path without the model's
    name, plus `:0` (`conv/kernel:0`, `lstm/lstm_cell/kernel:0`)."""
    if style == "keras1":
        names = {2: ["W", "b"]}[len(layer.get_weights())] if layer.get_weights() else []
        return [f"{layer.name}_{n}:0" for n in names]
    return [w.path.removeprefix(f"{model.name}/") + ":0" for w in layer.weights]


def _write_keras2_weights(group, model, keras_version):
    """The Keras 2 save_weights layout (also model_weights of model.save)."""
    layers = [layer for layer in model.layers]
    group.attrs["layer_names"] = np.array([np.bytes_(layer.name) for layer in layers])
    group.attrs["backend"] = np.bytes_("tensorflow")
    group.attrs["keras_version"] = np.bytes_(keras_version)
    for layer in layers:
        layer_group = group.create_group(layer.name)
        names = _weight_names(model, layer, "keras2")
        layer_group.attrs["weight_names"] = np.array([np.bytes_(n) for n in names])
        for name, value in zip(names, layer.get_weights()):
            layer_group.create_dataset(name, data=value)


def _write_keras2_model(f, config, model, keras_version):
    """A tf.keras 2.x model.save(.h5): root attributes plus model_weights."""
    f.attrs["keras_version"] = np.bytes_(keras_version)
    f.attrs["backend"] = np.bytes_("tensorflow")
    f.attrs["model_config"] = np.bytes_(json.dumps(config))
    _write_keras2_weights(f.create_group("model_weights"), model, keras_version)


# Keras 1 ---------------------------------------------------------------------------------------

_KERAS1_COMMON = {"W_regularizer": None, "b_regularizer": None, "activity_regularizer": None,
                  "W_constraint": None, "b_constraint": None, "bias": True}


def _keras1_layer(layer):
    """A Keras 3 layer's config as Keras 1.2.2 wrote it (Dense, Conv2D, MaxPooling2D, Flatten)."""
    config = layer.get_config()
    base = {"name": layer.name, "trainable": True}
    if isinstance(layer, keras.layers.Dense):
        return "Dense", {**base, "output_dim": layer.units, "input_dim": layer.get_weights()[0].shape[0],
                         "activation": config["activation"], "init": "glorot_uniform", **_KERAS1_COMMON}
    if isinstance(layer, keras.layers.Conv2D):
        return "Convolution2D", {**base, "nb_filter": layer.filters, "nb_row": layer.kernel_size[0],
                                 "nb_col": layer.kernel_size[1], "activation": config["activation"],
                                 "init": "glorot_uniform", "border_mode": layer.padding,
                                 "subsample": list(layer.strides), "dim_ordering": "tf", **_KERAS1_COMMON}
    if isinstance(layer, keras.layers.MaxPooling2D):
        return "MaxPooling2D", {**base, "pool_size": list(layer.pool_size), "strides": list(layer.strides),
                                "border_mode": layer.padding, "dim_ordering": "tf"}
    if isinstance(layer, keras.layers.Flatten):
        return "Flatten", base
    raise ValueError(f"no Keras 1 form for {layer.__class__.__name__}")


def _keras1_model_json(model):
    layers = []
    for i, layer in enumerate(model.layers):
        class_name, config = _keras1_layer(layer)
        if i == 0:
            config["batch_input_shape"] = [None, *model.inputs[0].shape[1:]]
            config["input_dtype"] = "float32"
        layers.append({"class_name": class_name, "config": config})
    return {"class_name": "Sequential", "config": layers, "keras_version": "1.2.2"}


def _write_keras1_weights(group, model):
    group.attrs["layer_names"] = np.array([np.bytes_(layer.name) for layer in model.layers])
    group.attrs["backend"] = np.bytes_("tensorflow")
    group.attrs["keras_version"] = np.bytes_("1.2.2")
    for layer in model.layers:
        layer_group = group.create_group(layer.name)
        names = _weight_names(model, layer, "keras1")
        layer_group.attrs["weight_names"] = np.array([np.bytes_(n) for n in names])
        for name, value in zip(names, layer.get_weights()):
            layer_group.create_dataset(name, data=value)


# ---------------------------------------------------------------------------------------------
# TensorFlow 1


def _dense_graph(rng, x, sizes, prefix="dense"):
    """Variables and ops of a small MLP in the current graph; returns the logits tensor."""
    h = x
    for i, (fan_in, fan_out) in enumerate(zip(sizes, sizes[1:]), start=1):
        kernel = V1.Variable(rng.normal(0, 0.5, (fan_in, fan_out)).astype(np.float32),
                             name=f"{prefix}_{i}/kernel")
        bias = V1.Variable(rng.normal(0, 0.1, fan_out).astype(np.float32), name=f"{prefix}_{i}/bias")
        h = tf.matmul(h, kernel) + bias
        if i < len(sizes) - 1:
            h = tf.nn.relu(h)
    return h


def write_frozen_graph(out_dir):
    """TF1 frozen graph: frozen_model.pb, a GraphDef whose variables were folded into constants
    (graph_util.convert_variables_to_constants). Placeholder `input` float32 [?, 8] -> dense 16
    relu -> dense 3 -> `logits` (Identity) -> `probabilities` (Softmax), the graph's only sink."""
    rng = np.random.default_rng(SEED)
    x_value = rng.random((4, 8), dtype=np.float32)
    graph = tf.Graph()
    with graph.as_default(), V1.Session(graph=graph) as session:
        x = V1.placeholder(tf.float32, [None, 8], name="input")
        logits = tf.identity(_dense_graph(rng, x, [8, 16, 3]), name="logits")
        probabilities = tf.nn.softmax(logits, name="probabilities")
        session.run(V1.global_variables_initializer())
        frozen = V1.graph_util.convert_variables_to_constants(
            session, graph.as_graph_def(), ["probabilities"])
        values = session.run([logits, probabilities], {x: x_value})
    (out_dir / "frozen_model.pb").write_bytes(frozen.SerializeToString(deterministic=True))
    _save_reference(out_dir, {"input": x_value, "logits": values[0], "probabilities": values[1]})
    return _entry("frozen_model.pb", "tensorflow", ["input"], ["logits", "probabilities"],
                  options={"tensorflow.outputs": "logits,probabilities"},
                  description="TF1 frozen GraphDef (convert_variables_to_constants)")


def write_frozen_learning_phase(out_dir):
    """A frozen graph as Keras 2 + TF1 froze it: `keras_learning_phase` is a PlaceholderWithDefault
    (False) switching dropout on through a TF1 tf.cond (Switch/Merge); input `input` float32 [?, 8], output `output`
    float32 [?, 4]. Reference at the default (inference)."""
    rng = np.random.default_rng(SEED + 1)
    x_value = rng.random((4, 8), dtype=np.float32)
    graph = tf.Graph()
    v2_control_flow = V1.control_flow_v2_enabled()
    V1.disable_control_flow_v2()  # tf.cond as TF1 built it: Switch/Merge nodes, no function library
    with graph.as_default(), V1.Session(graph=graph) as session:
        x = V1.placeholder(tf.float32, [None, 8], name="input")
        phase = V1.placeholder_with_default(False, [], name="keras_learning_phase")
        hidden = tf.nn.relu(_dense_graph(rng, x, [8, 16]))
        hidden = tf.cond(phase, lambda: tf.nn.dropout(hidden, rate=0.5, seed=SEED), lambda: tf.identity(hidden))
        output = tf.identity(_dense_graph(rng, hidden, [16, 4], prefix="out"), name="output")
        session.run(V1.global_variables_initializer())
        frozen = V1.graph_util.convert_variables_to_constants(session, graph.as_graph_def(), ["output"])
        value = session.run(output, {x: x_value})
        if np.allclose(value, session.run(output, {x: x_value, phase: True})):
            raise AssertionError("frozen_learning_phase: the learning phase does not change the output")
    if v2_control_flow:
        V1.enable_control_flow_v2()
    (out_dir / "frozen_model.pb").write_bytes(frozen.SerializeToString(deterministic=True))
    _save_reference(out_dir, {"input": x_value, "output": value})
    return _entry("frozen_model.pb", "tensorflow", ["input"], ["output"],
                  description="frozen graph with keras_learning_phase as PlaceholderWithDefault")


def _save_tf1(out_dir, session, signature, **kwargs):
    builder = V1.saved_model.Builder(str(out_dir / "saved_model"))
    builder.add_meta_graph_and_variables(session, [V1.saved_model.SERVING],
                                         signature_def_map={"serving_default": signature}, **kwargs)
    with quiet_absl():
        builder.save()


def _predict_signature(inputs, outputs):
    return V1.saved_model.predict_signature_def(inputs=inputs, outputs=outputs)


def write_tf1_no_variables(out_dir):
    """A TF1 SavedModel without variables: y = x @ C + b with constants only."""
    rng = np.random.default_rng(SEED)
    x_value = rng.random((3, 4), dtype=np.float32)
    graph = tf.Graph()
    with graph.as_default(), V1.Session(graph=graph) as session:
        x = V1.placeholder(tf.float32, [None, 4], name="x")
        y = tf.identity(tf.matmul(x, tf.constant(rng.normal(0, 1, (4, 2)).astype(np.float32)))
                        + tf.constant([0.5, -0.5]), name="y")
        _save_tf1(out_dir, session, _predict_signature({"x": x}, {"y": y}))
        y_value = session.run(y, {x: x_value})
    _save_reference(out_dir, {"x": x_value, "y": y_value})
    return _entry("saved_model", "tensorflow", ["x"], ["y"], description="no variables")


def write_tf1_strings(out_dir):
    """String input `text` [?] and outputs `upper` (string) and `length` (int32, bytes)."""
    text = np.array(["hello", "Wörld", ""], dtype="<U5")
    graph = tf.Graph()
    with graph.as_default(), V1.Session(graph=graph) as session:
        t = V1.placeholder(tf.string, [None], name="text")
        upper = tf.identity(tf.strings.upper(t), name="upper")
        length = tf.identity(tf.strings.length(t), name="length")
        _save_tf1(out_dir, session, _predict_signature({"text": t}, {"upper": upper, "length": length}))
        values = session.run([upper, length], {t: text})
    _save_reference(out_dir, {"text": text,
                              "upper": np.array([v.decode() for v in values[0]], dtype="<U5"),
                              "length": values[1].astype(np.int32)})
    return _entry("saved_model", "tensorflow", ["text"], ["upper", "length"],
                  description="string input and outputs")


def write_tf1_keep_prob(out_dir):
    """Input `x` float32 [?, 6] and `keep_prob`, a float32 placeholder of unknown rank (shape=None,
    fed a scalar) driving dropout -> dense 3 `y`. Reference with keep_prob = 1 (no dropout)."""
    rng = np.random.default_rng(SEED)
    x_value = rng.random((4, 6), dtype=np.float32)
    graph = tf.Graph()
    with graph.as_default(), V1.Session(graph=graph) as session:
        x = V1.placeholder(tf.float32, [None, 6], name="x")
        keep_prob = V1.placeholder(tf.float32, None, name="keep_prob")
        hidden = tf.nn.dropout(tf.nn.relu(_dense_graph(rng, x, [6, 5])), rate=1 - keep_prob, seed=SEED)
        y = tf.identity(_dense_graph(rng, hidden, [5, 3], prefix="out"), name="y")
        session.run(V1.global_variables_initializer())
        _save_tf1(out_dir, session, _predict_signature({"x": x, "keep_prob": keep_prob}, {"y": y}))
        y_value = session.run(y, {x: x_value, keep_prob: 1.0})
    _save_reference(out_dir, {"x": x_value, "keep_prob": np.array(1.0, dtype=np.float32), "y": y_value})
    return _entry("saved_model", "tensorflow", ["x", "keep_prob"], ["y"],
                  description="scalar placeholder of unknown rank (keep_prob)")


def write_tf1_empty_method(out_dir):
    """A signature whose method_name is empty (build_signature_def without a method)."""
    rng = np.random.default_rng(SEED)
    x_value = rng.random((2, 3), dtype=np.float32)
    graph = tf.Graph()
    with graph.as_default(), V1.Session(graph=graph) as session:
        x = V1.placeholder(tf.float32, [None, 3], name="x")
        y = tf.identity(tf.nn.sigmoid(x * 3 - 1), name="y")
        signature = V1.saved_model.build_signature_def(
            inputs={"x": V1.saved_model.build_tensor_info(x)},
            outputs={"y": V1.saved_model.build_tensor_info(y)})
        assert signature.method_name == ""
        _save_tf1(out_dir, session, signature)
        y_value = session.run(y, {x: x_value})
    _save_reference(out_dir, {"x": x_value, "y": y_value})
    return _entry("saved_model", "tensorflow", ["x"], ["y"], description="empty method_name")


def write_tf1_main_op(out_dir):
    """A string -> int64 lookup table that only main_op (tables_initializer) fills: input
    `word` string [?], output `id` int64 (-1 for unknown words)."""
    words = np.array(["cat", "dog", "emu", "cow"], dtype="<U3")
    graph = tf.Graph()
    with graph.as_default(), V1.Session(graph=graph) as session:
        w = V1.placeholder(tf.string, [None], name="word")
        table = tf.lookup.StaticHashTable(
            tf.lookup.KeyValueTensorInitializer(["cat", "dog", "emu"], tf.constant([3, 1, 4], tf.int64)),
            default_value=-1)
        ids = tf.identity(table.lookup(w), name="id")
        session.run(V1.tables_initializer())
        _save_tf1(out_dir, session, _predict_signature({"word": w}, {"id": ids}),
                  main_op=V1.tables_initializer())
        value = session.run(ids, {w: words})
    _save_reference(out_dir, {"word": words, "id": value})
    return _entry("saved_model", "tensorflow", ["word"], ["id"], description="main_op fills a table")


def write_tf1_legacy_init_op(out_dir):
    """A variable `offset` saved as 1.0 that the legacy_init_op collection's op sets to 5.0 after the restore: output
    `y` = x + offset is x + 5 only if the loader runs the op."""
    x_value = np.arange(6, dtype=np.float32).reshape(2, 3)
    graph = tf.Graph()
    with graph.as_default(), V1.Session(graph=graph) as session:
        x = V1.placeholder(tf.float32, [None, 3], name="x")
        offset = V1.Variable(1.0, name="offset")
        y = tf.identity(x + offset, name="y")
        session.run(V1.global_variables_initializer())
        # TF 1.x builders put the op in the "legacy_init_op" collection; TF 2's builder would file it
        # under main_op, so it is added to that collection by hand, as the old files have it.
        V1.add_to_collection("legacy_init_op", tf.group(V1.assign(offset, 5.0), name="legacy_init"))
        _save_tf1(out_dir, session, _predict_signature({"x": x}, {"y": y}))
    _save_reference(out_dir, {"x": x_value, "y": x_value + 5})
    return _entry("saved_model", "tensorflow", ["x"], ["y"],
                  description="legacy_init_op runs after the restore")


def write_tf1_classify(out_dir):
    """An Estimator-style export: signature serving_default with method tensorflow/serving/classify
    (classification_signature_def), input `inputs` = serialized tf.Example protos (string [?]) with
    a float feature `x` of length 4, outputs `classes` (string [?, 3]) and `scores` (float32 [?, 3])."""
    rng = np.random.default_rng(SEED)
    x_value = rng.random((3, 4), dtype=np.float32)
    examples = np.array([tf.train.Example(features=tf.train.Features(feature={
        "x": tf.train.Feature(float_list=tf.train.FloatList(value=row))})).SerializeToString()
        for row in x_value], dtype=object)
    if any(example.endswith(b"\0") for example in examples):
        raise AssertionError("tf1_classify: a serialized example ends with NUL, which .npy |S drops")
    graph = tf.Graph()
    with graph.as_default(), V1.Session(graph=graph) as session:
        serialized = V1.placeholder(tf.string, [None], name="input_example_tensor")
        features = V1.parse_example(serialized, {"x": V1.FixedLenFeature([4], tf.float32)})
        logits = _dense_graph(rng, features["x"], [4, 3])
        scores = tf.nn.softmax(logits, name="scores")
        classes = tf.tile(tf.constant([["cat", "dog", "emu"]]), [tf.shape(scores)[0], 1], name="classes")
        session.run(V1.global_variables_initializer())
        signature = V1.saved_model.classification_signature_def(serialized, classes, scores)
        assert signature.method_name == "tensorflow/serving/classify"
        _save_tf1(out_dir, session, signature)
        values = session.run([classes, scores], {serialized: examples})
    _save_reference(out_dir, {"inputs": np.array(list(examples), dtype=bytes),
                              "classes": np.array([[c.decode() for c in row] for row in values[0]]),
                              "scores": values[1]})
    return _entry("saved_model", "tensorflow", ["inputs"], ["classes", "scores"],
                  description="classify signature on serialized tf.Example strings")
