"""The layer zoo: small Keras 3 models that together cover the layer classes (and their option
variants) of the README's supported-layers table, each trained for a moment on deterministic random
data and written as a bundle under models/zoo/<name>/.

Widths are tiny so that the whole zoo stays a few MB and the parity suite runs it in seconds. Every
model names its inputs and layers; models that feed padded sequences get reference inputs with
zero-padded time steps (sequences of different lengths, padded at the end and, for some rows, at
the start), so that masks decide the result.

Run with `python -m mlj_export zoo --out models/zoo [--only NAME ...]`.
"""

from dataclasses import dataclass, field
from pathlib import Path

import keras
import numpy as np
import tensorflow as tf

from mlj_export.bundle_writer import bundle
from mlj_export.reference import REFERENCE_ROWS

SEED = 1313
TRAIN_ROWS = 64
L = keras.layers


@dataclass
class ZooModel:
    """One zoo entry: the model, what it covers, and (for padded sequences) its reference inputs."""

    model: keras.Model
    description: str
    inputs: dict = field(default=None)  # input name -> array of TRAIN_ROWS rows, or None: random
    # Keras 3.15 cannot load back the .h5 of a functional model whose masks it wrote as op nodes
    # (NotEqual, Any): such bundles have model.keras only.
    legacy_h5: bool = True


def _rng(name):
    return np.random.default_rng([SEED, sum(map(ord, name))])


# ---------------------------------------------------------------------------------------------
# Model builders. Each returns a ZooModel; layer names are stable and unique.
# ---------------------------------------------------------------------------------------------

def dense_activations():
    x = inp = keras.Input((6,), name="features")
    for activation in ("relu", "selu", "swish", "tanh", "sigmoid", "softplus", "elu"):
        x = L.Dense(6, activation=activation, name=f"dense_{activation}")(x)
    x = L.LeakyReLU(negative_slope=0.2, name="leaky_relu")(L.Dense(6, name="dense_pre_leaky")(x))
    x = L.ELU(alpha=0.7, name="elu")(L.Dense(6, name="dense_pre_elu")(x))
    x = L.PReLU(name="prelu")(L.Dense(6, name="dense_pre_prelu")(x))
    x = L.ReLU(name="relu")(L.Dense(6, name="dense_pre_relu")(x))
    x = L.Activation("tanh", name="activation_tanh")(x)
    x = L.Dropout(0.3, name="dropout")(x)
    out = L.Dense(3, activation="softmax", name="predictions")(x)
    return ZooModel(keras.Model(inp, out, name="dense_activations"),
                    "Dense with relu/selu/swish/tanh/sigmoid/softplus/elu; LeakyReLU, ELU, PReLU, "
                    "ReLU, Activation, Dropout layers")


def dense_gelu():
    inp = keras.Input((6,), name="features")
    x = L.Dense(6, activation="gelu", name="dense_gelu")(inp)
    out = L.Dense(3, activation="softmax", name="predictions")(x)
    return ZooModel(keras.Model(inp, out, name="dense_gelu"), "Dense with the exact (erf) gelu")


def batch_norm():
    inp = keras.Input((6,), name="features")
    x = L.Dense(8, name="dense")(inp)
    x = L.BatchNormalization(momentum=0.5, name="batch_norm")(x)
    x = L.Activation("relu", name="relu")(x)
    x = L.BatchNormalization(center=False, scale=False, epsilon=0.01, name="batch_norm_plain")(x)
    out = L.Dense(3, activation="softmax", name="predictions")(x)
    return ZooModel(keras.Model(inp, out, name="batch_norm"),
                    "BatchNormalization with non-trivial moving statistics, with and without "
                    "center/scale")


def conv1d():
    inp = keras.Input((16, 3), name="signal")
    x = L.Conv1D(4, 3, activation="relu", name="conv_valid")(inp)
    x = L.Conv1D(4, 3, padding="same", dilation_rate=2, name="conv_same_dilated")(x)
    x = L.Conv1D(4, 2, padding="causal", name="conv_causal")(x)
    x = L.Conv1D(4, 3, padding="causal", dilation_rate=2, activation="tanh",
                 name="conv_causal_dilated")(x)
    x = L.Conv1D(4, 3, strides=2, padding="same", name="conv_strided_same")(x)
    x = L.Conv1D(3, 2, strides=2, use_bias=False, name="conv_strided_valid")(x)
    x = L.Flatten(name="flatten")(x)
    out = L.Dense(2, activation="softmax", name="predictions")(x)
    return ZooModel(keras.Model(inp, out, name="conv1d"),
                    "Conv1D with valid, same and causal padding, strides and dilation")


def text_cnn():
    inp = keras.Input((12,), dtype="int32", name="tokens")
    x = L.Embedding(30, 6, name="embedding")(inp)
    x = L.Conv1D(8, 3, activation="relu", name="conv")(x)
    x = L.GlobalMaxPooling1D(name="global_max_pool")(x)
    out = L.Dense(1, activation="sigmoid", name="sentiment")(x)
    return ZooModel(keras.Model(inp, out, name="text_cnn"),
                    "a text CNN: Embedding -> Conv1D -> GlobalMaxPooling1D -> Dense")


def pooling_1d():
    inp = keras.Input((16, 3), name="signal")
    x = L.ZeroPadding1D((1, 2), name="zero_padding")(inp)
    x = L.Cropping1D((2, 1), name="cropping")(x)
    x = L.UpSampling1D(2, name="upsampling")(x)
    x = L.MaxPooling1D(2, name="max_pool")(x)
    x = L.AveragePooling1D(3, strides=2, name="avg_pool")(x)
    x = L.MaxPooling1D(2, strides=1, padding="same", name="max_pool_same")(x)
    x = L.AveragePooling1D(2, padding="same", name="avg_pool_same")(x)
    x = L.GlobalAveragePooling1D(name="global_avg_pool")(x)
    out = L.Dense(2, activation="softmax", name="predictions")(x)
    return ZooModel(keras.Model(inp, out, name="pooling_1d"),
                    "ZeroPadding1D, Cropping1D, UpSampling1D, Max/AveragePooling1D (valid, same), "
                    "GlobalAveragePooling1D")


def conv2d():
    inp = keras.Input((9, 9, 2), name="image")
    x = L.Conv2D(3, 3, strides=2, padding="same", activation="relu", name="conv_same_strided")(inp)
    x = L.Conv2D(3, 2, dilation_rate=2, name="conv_dilated")(x)
    x = L.ZeroPadding2D(((1, 0), (0, 1)), name="zero_padding")(x)
    x = L.Cropping2D(((0, 1), (1, 0)), name="cropping")(x)
    x = L.UpSampling2D(2, name="upsampling")(x)
    x = L.MaxPooling2D(2, name="max_pool")(x)
    x = L.AveragePooling2D(2, strides=1, padding="same", name="avg_pool_same")(x)
    x = L.Conv2D(4, (2, 3), strides=(1, 2), padding="same", name="conv_rect")(x)
    a = L.GlobalMaxPooling2D(name="global_max_pool")(x)
    b = L.GlobalAveragePooling2D(name="global_avg_pool")(x)
    x = L.Concatenate(name="concat")([a, b])
    out = L.Dense(2, activation="softmax", name="predictions")(x)
    return ZooModel(keras.Model(inp, out, name="conv2d"),
                    "Conv2D (same/valid, strides, dilation, rectangular kernels), ZeroPadding2D, "
                    "Cropping2D, UpSampling2D, Max/AveragePooling2D, GlobalMax/AveragePooling2D")


def conv2d_transpose():
    inp = keras.Input((5, 5, 2), name="image")
    x = L.Conv2DTranspose(3, 3, strides=2, padding="same", activation="relu", name="deconv_same")(inp)
    x = L.Conv2DTranspose(2, 3, name="deconv_valid")(x)
    x = L.Flatten(name="flatten")(x)
    out = L.Dense(2, activation="softmax", name="predictions")(x)
    return ZooModel(keras.Model(inp, out, name="conv2d_transpose"),
                    "Conv2DTranspose with same and valid padding, strides")


def mobilenet_like():
    inp = keras.Input((8, 8, 3), name="image")
    x = L.Conv2D(4, 3, strides=2, padding="same", use_bias=False, name="conv_stem")(inp)
    x = L.BatchNormalization(name="bn_stem")(x)
    x = L.ReLU(6.0, name="relu6_stem")(x)
    x = L.DepthwiseConv2D(3, padding="same", use_bias=False, name="depthwise")(x)
    x = L.BatchNormalization(name="bn_depthwise")(x)
    x = L.ReLU(6.0, name="relu6_depthwise")(x)
    x = L.Conv2D(6, 1, name="pointwise")(x)
    x = L.DepthwiseConv2D(3, strides=2, depth_multiplier=2, name="depthwise_strided")(x)
    x = L.SeparableConv2D(5, 2, padding="same", activation="relu", name="separable")(x)
    x = L.GlobalAveragePooling2D(name="global_pool")(x)
    out = L.Dense(3, activation="softmax", name="predictions")(x)
    return ZooModel(keras.Model(inp, out, name="mobilenet_like"),
                    "a MobileNet-like block: Conv2D, BatchNormalization, ReLU(6), DepthwiseConv2D "
                    "(depth multiplier, strides), SeparableConv2D")


def reshape_ops():
    inp = keras.Input((12,), name="features")
    x = L.Dense(12, name="dense")(inp)
    x = L.Reshape((3, 4), name="reshape")(x)
    x = L.Permute((2, 1), name="permute")(x)
    x = L.Flatten(name="flatten")(x)
    x = L.RepeatVector(2, name="repeat")(x)
    x = L.Flatten(name="flatten_repeated")(x)
    out = L.Dense(2, activation="softmax", name="predictions")(x)
    return ZooModel(keras.Model(inp, out, name="reshape_ops"),
                    "Reshape, Permute, Flatten, RepeatVector")


def merges():
    a = keras.Input((6,), name="left")
    b = keras.Input((6,), name="right")
    da = L.Dense(4, activation="tanh", name="dense_left")(a)
    db = L.Dense(4, activation="tanh", name="dense_right")(b)
    merged = [L.Add(name="add")([da, db]), L.Subtract(name="subtract")([da, db]),
              L.Multiply(name="multiply")([da, db]), L.Average(name="average")([da, db]),
              L.Maximum(name="maximum")([da, db])]
    x = L.Concatenate(name="concat")(merged)
    out = L.Dense(2, activation="softmax", name="predictions")(x)
    return ZooModel(keras.Model([a, b], out, name="merges"),
                    "two inputs; Add, Subtract, Multiply, Average, Maximum, Concatenate")


def merges_min_dot():
    a = keras.Input((6,), name="left")
    b = keras.Input((6,), name="right")
    da = L.Dense(4, activation="tanh", name="dense_left")(a)
    db = L.Dense(4, activation="tanh", name="dense_right")(b)
    x = L.Concatenate(name="concat")([L.Minimum(name="minimum")([da, db]),
                                      L.Dot(axes=1, name="dot")([da, db])])
    out = L.Dense(2, activation="softmax", name="predictions")(x)
    return ZooModel(keras.Model([a, b], out, name="merges_min_dot"), "Minimum and Dot merges")


def recurrent():
    inp = keras.Input((6, 3), name="sequence")
    x = L.SimpleRNN(4, return_sequences=True, name="simple_rnn_seq")(inp)
    x = L.LSTM(4, return_sequences=True, name="lstm_seq")(x)
    x = L.SimpleRNN(4, activation="relu", name="simple_rnn_last")(x)
    out = L.Dense(2, activation="softmax", name="predictions")(x)
    return ZooModel(keras.Model(inp, out, name="recurrent"),
                    "SimpleRNN and LSTM with return_sequences True and False")


def recurrent_backwards():
    inp = keras.Input((6, 3), name="sequence")
    x = L.LSTM(4, return_sequences=True, go_backwards=True, name="lstm_backwards_seq")(inp)
    x = L.SimpleRNN(4, go_backwards=True, name="simple_rnn_backwards")(x)
    out = L.Dense(2, activation="softmax", name="predictions")(x)
    return ZooModel(keras.Model(inp, out, name="recurrent_backwards"),
                    "LSTM and SimpleRNN with go_backwards")


def bidirectional():
    inp = keras.Input((6, 3), name="sequence")
    x = L.Bidirectional(L.LSTM(3, return_sequences=True), merge_mode="concat", name="bi_concat")(inp)
    x = L.Bidirectional(L.SimpleRNN(3, return_sequences=True), merge_mode="sum", name="bi_sum")(x)
    x = L.Bidirectional(L.LSTM(3, return_sequences=True), merge_mode="mul", name="bi_mul")(x)
    x = L.Bidirectional(L.LSTM(3), merge_mode="ave", name="bi_ave")(x)
    out = L.Dense(2, activation="softmax", name="predictions")(x)
    return ZooModel(keras.Model(inp, out, name="bidirectional"),
                    "Bidirectional LSTM/SimpleRNN with merge modes concat, sum, mul, ave")


def bidirectional_none():
    inp = keras.Input((6, 3), name="sequence")
    forward, backward = L.Bidirectional(L.LSTM(3, return_sequences=True), merge_mode=None, name="bi_none")(inp)
    x = L.Concatenate(name="concat")([forward, backward])
    x = L.LSTM(3, name="lstm")(x)
    out = L.Dense(2, activation="softmax", name="predictions")(x)
    return ZooModel(keras.Model(inp, out, name="bidirectional_none"),
                    "Bidirectional LSTM with merge_mode=None (two outputs, concatenated by the next layer)")


def time_distributed():
    inp = keras.Input((5, 3), name="sequence")
    x = L.TimeDistributed(L.Dense(4, activation="relu"), name="td_dense")(inp)
    x = L.LSTM(3, return_sequences=True, name="lstm_seq")(x)
    x = L.TimeDistributed(L.Dense(2), name="td_linear")(x)
    x = L.SimpleRNN(3, name="simple_rnn_last")(x)
    out = L.Dense(2, activation="softmax", name="predictions")(x)
    return ZooModel(keras.Model(inp, out, name="time_distributed"),
                    "TimeDistributed(Dense) before and after an LSTM")


def gru():
    inp = keras.Input((6, 3), name="sequence")
    x = L.GRU(4, return_sequences=True, name="gru_seq")(inp)
    x = L.GRU(3, go_backwards=True, name="gru_backwards")(x)
    out = L.Dense(2, activation="softmax", name="predictions")(x)
    return ZooModel(keras.Model(inp, out, name="gru"), "GRU (reset_after), return_sequences, "
                                                       "go_backwards")


def layer_norm():
    inp = keras.Input((5, 4), name="sequence")
    x = L.LayerNormalization(name="layer_norm")(inp)
    x = L.Flatten(name="flatten")(x)
    x = L.Dense(6, name="dense")(x)
    x = L.LayerNormalization(center=False, epsilon=0.01, name="layer_norm_dense")(x)
    out = L.Dense(2, activation="softmax", name="predictions")(x)
    return ZooModel(keras.Model(inp, out, name="layer_norm"), "LayerNormalization")


def _padded_tokens(rng, rows, length, vocabulary):
    tokens = rng.integers(1, vocabulary, size=(rows, length))
    for row in range(rows):
        valid = int(rng.integers(2, length + 1))
        if row % 4 == 3:
            tokens[row, :length - valid] = 0  # pre-padded
        else:
            tokens[row, valid:] = 0  # post-padded
    return tokens.astype(np.int32)


def embedding_masked_lstm():
    inp = keras.Input((8,), dtype="int32", name="tokens")
    x = L.Embedding(20, 5, mask_zero=True, name="embedding")(inp)
    x = L.LSTM(4, return_sequences=True, name="lstm_seq")(x)
    x = L.LSTM(3, name="lstm_last")(x)
    out = L.Dense(2, activation="softmax", name="predictions")(x)
    rng = _rng("embedding_masked_lstm")
    return ZooModel(keras.Model(inp, out, name="embedding_masked_lstm"),
                    "Embedding(mask_zero=True) on zero-padded token ids -> LSTM (sequences) -> LSTM",
                    {"tokens": _padded_tokens(rng, TRAIN_ROWS, 8, 20)}, legacy_h5=False)


def masking_rnn():
    inp = keras.Input((7, 3), name="sequence")
    x = L.Masking(0.0, name="masking")(inp)
    x = L.SimpleRNN(4, return_sequences=True, name="simple_rnn_seq")(x)
    x = L.TimeDistributed(L.Dense(3, activation="tanh"), name="td_dense")(x)
    x = L.Bidirectional(L.LSTM(3, return_sequences=True), name="bi_lstm_seq")(x)
    x = L.LSTM(3, name="lstm_last")(x)
    out = L.Dense(2, activation="softmax", name="predictions")(x)
    rng = _rng("masking_rnn")
    values = rng.normal(size=(TRAIN_ROWS, 7, 3)).astype(np.float32)
    steps = _padded_tokens(rng, TRAIN_ROWS, 7, 2)  # 1 where a step is valid, 0 where padded
    return ZooModel(keras.Model(inp, out, name="masking_rnn"),
                    "Masking on zero-padded float sequences -> SimpleRNN -> TimeDistributed(Dense) "
                    "-> Bidirectional(LSTM) -> LSTM",
                    {"sequence": values * steps[:, :, None]}, legacy_h5=False)


def embedding_masked_gru():
    inp = keras.Input((8,), dtype="int32", name="tokens")
    x = L.Embedding(20, 5, mask_zero=True, name="embedding")(inp)
    x = L.Bidirectional(L.GRU(3), name="bi_gru")(x)
    out = L.Dense(2, activation="softmax", name="predictions")(x)
    rng = _rng("embedding_masked_gru")
    return ZooModel(keras.Model(inp, out, name="embedding_masked_gru"),
                    "Embedding(mask_zero=True) -> Bidirectional(GRU) on zero-padded token ids",
                    {"tokens": _padded_tokens(rng, TRAIN_ROWS, 8, 20)}, legacy_h5=False)


BUILDERS = {f.__name__: f for f in (
    dense_activations, dense_gelu, batch_norm, conv1d, text_cnn, pooling_1d, conv2d,
    conv2d_transpose, mobilenet_like, reshape_ops, merges, merges_min_dot, recurrent,
    recurrent_backwards, bidirectional, bidirectional_none, time_distributed, gru, layer_norm,
    embedding_masked_lstm, masking_rnn, embedding_masked_gru)}


# ---------------------------------------------------------------------------------------------

def build(name):
    """Build and train zoo model `name` (deterministic); return its ZooModel."""
    keras.utils.set_random_seed(SEED)
    entry = BUILDERS[name]()
    model = entry.model
    rng = _rng(name)
    arrays = []
    for tensor, key in zip(model.inputs, [_input_name(t) for t in model.inputs]):
        given = (entry.inputs or {}).get(key)
        arrays.append(given if given is not None else _random_input(rng, model, tensor))
    targets = [rng.random((TRAIN_ROWS,) + tuple(o.shape[1:])).astype(np.float32)
               for o in model.outputs]
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse")
    model.fit(arrays if len(arrays) > 1 else arrays[0], targets if len(targets) > 1 else targets[0],
              epochs=2, batch_size=16, shuffle=False, verbose=0)
    _perturb_normalisation(model, rng)
    entry.inputs = {_input_name(t): a for t, a in zip(model.inputs, arrays)}
    return entry


def _input_name(tensor):
    return tensor._keras_history.operation.name


def _random_input(rng, model, tensor):
    shape = (TRAIN_ROWS,) + tuple(tensor.shape[1:])
    if "int" in str(tensor.dtype):
        high = min(layer.input_dim for layer in model.layers if isinstance(layer, L.Embedding))
        return rng.integers(0, high, size=shape).astype(np.int32)
    return rng.normal(size=shape).astype(np.float32)


def _perturb_normalisation(model, rng):
    """Moving statistics far from 0/1 (a moment of training barely moves them)."""
    for layer in model.layers:
        if isinstance(layer, L.BatchNormalization):
            size = layer.moving_mean.shape
            layer.moving_mean.assign(rng.normal(0, 0.5, size).astype(np.float32))
            layer.moving_variance.assign(rng.uniform(0.3, 2.0, size).astype(np.float32))


def write(name, out_dir):
    """Build, train and bundle zoo model `name` into out_dir/<name>; return the bundle path."""
    entry = build(name)
    path = Path(out_dir) / name
    bundle(entry.model, path, name=name, description=f"zoo: {entry.description}",
           reference_inputs=entry.inputs, legacy_h5=entry.legacy_h5)
    return path


def write_all(out_dir, only=None):
    """Write every zoo bundle (or those named in `only`); return their paths."""
    names = list(BUILDERS) if not only else list(only)
    unknown = [n for n in names if n not in BUILDERS]
    if unknown:
        raise KeyError(f"unknown zoo models {unknown}; known: {sorted(BUILDERS)}")
    tf.config.experimental.enable_op_determinism()
    return [write(name, out_dir) for name in names]


assert REFERENCE_ROWS <= TRAIN_ROWS
