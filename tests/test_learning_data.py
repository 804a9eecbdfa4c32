"""snnkit.learning data sets: the digits split, IDX files (MNIST's format), the pixel baseline."""

from __future__ import annotations

import gzip
import importlib.util

import numpy as np
import pytest

from snnkit.learning import datasets, digits, logistic_regression_accuracy, mnist, read_idx
from snnkit.validation import SnnkitValueError

needs_sklearn = pytest.mark.skipif(importlib.util.find_spec("sklearn") is None,
                                   reason="scikit-learn is not installed (pip install 'snnkit[learn]')")


def write_idx(path, array: np.ndarray, code: int) -> None:
    header = bytes([0, 0, code, array.ndim]) + np.array(array.shape, ">u4").tobytes()
    data = header + array.astype(datasets.IDX_TYPES[code]).tobytes()
    opener = gzip.open if str(path).endswith(".gz") else open
    with opener(path, "wb") as f:
        f.write(data)


@needs_sklearn
def test_digits_split_is_stratified_scaled_and_reproducible():
    a, b = digits(0.25, seed=3), digits(0.25, seed=3)
    assert a.train_images.shape[1:] == (8, 8) and len(a.train_labels) + len(a.test_labels) == 1797
    assert len(a.test_labels) == 450
    np.testing.assert_array_equal(a.test_labels, b.test_labels)
    np.testing.assert_array_equal(a.train_images, b.train_images)
    assert a.train_images.min() == 0 and a.train_images.max() == 1
    counts = np.bincount(a.test_labels, minlength=10)
    assert counts.min() >= 43 and counts.max() <= 47                  # about 45 per class
    other = digits(0.25, seed=4)
    assert not np.array_equal(other.test_labels, a.test_labels)
    assert a.n_classes == 10 and "seed=3" in a.description


@needs_sklearn
def test_digits_refuses_a_bad_fraction():
    with pytest.raises(SnnkitValueError, match="test_fraction = 1.5 is not allowed"):
        digits(1.5)


@pytest.mark.parametrize("suffix", ["", ".gz"])
def test_idx_round_trip_and_mnist_layout(tmp_path, suffix):
    rng = np.random.default_rng(0)
    files = {"train-images-idx3-ubyte": (rng.integers(0, 256, (6, 28, 28)), 0x08),
             "train-labels-idx1-ubyte": (rng.integers(0, 10, 6), 0x08),
             "t10k-images-idx3-ubyte": (rng.integers(0, 256, (4, 28, 28)), 0x08),
             "t10k-labels-idx1-ubyte": (rng.integers(0, 10, 4), 0x08)}
    for name, (array, code) in files.items():
        write_idx(tmp_path / (name + suffix), array, code)
    images = read_idx(tmp_path / ("train-images-idx3-ubyte" + suffix))
    np.testing.assert_array_equal(images, files["train-images-idx3-ubyte"][0])
    split = mnist(tmp_path)
    assert split.train_images.shape == (6, 28, 28) and split.test_labels.shape == (4,)
    np.testing.assert_allclose(split.test_images * 255, files["t10k-images-idx3-ubyte"][0])


def test_idx_of_other_types(tmp_path):
    values = np.arange(12, dtype=np.float32).reshape(3, 4) - 5.5
    write_idx(tmp_path / "f.idx", values, 0x0D)
    np.testing.assert_array_equal(read_idx(tmp_path / "f.idx"), values)


def test_bad_idx_and_missing_mnist_files_are_named(tmp_path):
    (tmp_path / "junk").write_bytes(b"\x01\x02\x03")
    with pytest.raises(SnnkitValueError, match="must be an IDX file"):
        read_idx(tmp_path / "junk")
    write_idx(tmp_path / "short", np.zeros((2, 3)), 0x08)
    (tmp_path / "short").write_bytes((tmp_path / "short").read_bytes()[:-1])
    with pytest.raises(SnnkitValueError, match="must hold 18 bytes"):
        read_idx(tmp_path / "short")
    with pytest.raises(SnnkitValueError, match="train-images-idx3-ubyte"):
        mnist(tmp_path)


@needs_sklearn
def test_pixel_logistic_regression_baseline():
    """The yardstick of issue 8: about 96-97% on the digits held-out split."""
    accuracy = logistic_regression_accuracy(digits(0.25, seed=0))
    assert 0.93 < accuracy <= 1.0
