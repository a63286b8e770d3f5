"""Writing and reading the bundle's .npy files (little-endian, C order, version 1.0 header)."""

from pathlib import Path

import numpy as np


def save(path, array):
    """Save `array` at `path` (parents created) as a little-endian, C-order .npy file."""
    array = np.asarray(array)
    array = np.ascontiguousarray(array, dtype=array.dtype.newbyteorder("<"))
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as f:
        np.lib.format.write_array(f, array, version=(1, 0), allow_pickle=False)


def load(path):
    """Load a .npy file written by `save`."""
    return np.load(path, allow_pickle=False)
