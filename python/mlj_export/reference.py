"""Reference input batches: checking the ones a caller gives, or generating deterministic ones."""

import numpy as np

from mlj_export.errors import BundleError

BATCH_SIZES = (1, 32)
REFERENCE_ROWS = max(BATCH_SIZES)
# Length of an unknown non-batch dimension (e.g. a variable sequence length) in generated inputs.
UNKNOWN_DIM_SIZE = 8
RANDOM_SEED = 20261122


def random_inputs(info, rows=REFERENCE_ROWS, seed=RANDOM_SEED):
    """Deterministic inputs for every model input: floats uniform in [0, 1), integers that feed an
    Embedding in [0, input_dim), other integers in [0, 9], booleans 50/50."""
    rng = np.random.default_rng(seed)
    batch = {}
    for spec in info.inputs:
        shape = (rows,) + tuple(UNKNOWN_DIM_SIZE if d is None else d for d in spec.shape[1:])
        dtype = np.dtype(spec.dtype)
        if dtype.kind == "f":
            batch[spec.name] = rng.random(shape).astype(dtype)
        elif dtype.kind in "iu":
            high = info.embedding_sizes.get(spec.name, 10)
            batch[spec.name] = rng.integers(0, high, size=shape).astype(dtype)
        elif dtype.kind == "b":
            batch[spec.name] = rng.random(shape) < 0.5
        else:
            raise BundleError(f"cannot generate reference values for input '{spec.name}' of "
                              f"dtype {spec.dtype}; pass reference_inputs")
    return batch


def checked_inputs(given, info, rows=REFERENCE_ROWS):
    """The first `rows` rows of caller-given inputs, keyed by input name and cast to input dtypes.

    `given` is a dict keyed by input name, a list in model order, or a single array for a
    single-input model.
    """
    names = [spec.name for spec in info.inputs]
    if isinstance(given, dict):
        if set(given) != set(names):
            raise BundleError(f"reference inputs are keyed {sorted(given)}; the model's inputs "
                              f"are {names}")
        arrays = [given[name] for name in names]
    elif isinstance(given, (list, tuple)):
        arrays = list(given)
    else:
        arrays = [given]
    if len(arrays) != len(names):
        raise BundleError(f"got {len(arrays)} reference input arrays; the model has "
                          f"{len(names)} inputs {names}")
    batch = {}
    for spec, array in zip(info.inputs, arrays):
        array = np.asarray(array)
        known = zip(spec.shape[1:], array.shape[1:])
        if array.ndim != len(spec.shape) or any(w is not None and w != g for w, g in known):
            raise BundleError(f"reference input '{spec.name}' has shape {array.shape}; the model "
                              f"expects {tuple(spec.shape)}")
        if array.shape[0] < rows:
            raise BundleError(f"reference input '{spec.name}' has {array.shape[0]} rows; a bundle "
                              f"needs at least {rows}")
        batch[spec.name] = array[:rows].astype(np.dtype(spec.dtype))
    return batch


def first_rows(batch, rows):
    """The first `rows` rows of every array in a batch dict."""
    return {name: array[:rows] for name, array in batch.items()}
