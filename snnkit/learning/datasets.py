"""Image data sets for learning, as pixel intensities in [0, 1] and integer labels.

- ``digits(test_fraction, seed)``: scikit-learn's handwritten digits (1797 images of
  8 x 8 pixels, shipped with scikit-learn, no download), split into training and
  held-out sets, stratified by class, reproducibly from ``seed``.
- ``mnist(directory)``: MNIST from its four standard IDX files in ``directory`` (as
  distributed: ``train-images-idx3-ubyte`` etc., optionally ``.gz``); nothing is
  downloaded.
- ``read_idx(path)``: one IDX file as a NumPy array.
"""

from __future__ import annotations

import gzip
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..validation import fail

# IDX type codes -> big-endian NumPy dtypes (http://yann.lecun.com/exdb/mnist/, "file formats")
IDX_TYPES = {0x08: ">u1", 0x09: ">i1", 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}
MNIST_FILES = {"train_images": "train-images-idx3-ubyte", "train_labels": "train-labels-idx1-ubyte",
               "test_images": "t10k-images-idx3-ubyte", "test_labels": "t10k-labels-idx1-ubyte"}


@dataclass
class Split:
    """Training and held-out images (n, height, width) in [0, 1] with their labels (n,)."""
    train_images: np.ndarray
    train_labels: np.ndarray
    test_images: np.ndarray
    test_labels: np.ndarray
    description: str

    @property
    def image_shape(self) -> tuple[int, int]:
        return self.train_images.shape[1:]

    @property
    def n_classes(self) -> int:
        return int(max(self.train_labels.max(), self.test_labels.max())) + 1


def digits(test_fraction: float = 0.25, seed: int = 0) -> Split:
    """scikit-learn's 8 x 8 digits (pixels 0..16 scaled to [0, 1]), held-out set
    stratified by class: the same split for the same seed."""
    if not 0 < test_fraction < 1:
        fail("test_fraction", test_fraction, "must be between 0 and 1 (exclusive)")
    try:
        from sklearn.datasets import load_digits
        from sklearn.model_selection import train_test_split
    except ImportError as error:
        raise ModuleNotFoundError("the digits data set ships with scikit-learn: pip install 'snnkit[learn]'",
                                  name="sklearn") from error
    data = load_digits()
    images = data.images.astype(np.float64) / 16.0
    train_x, test_x, train_y, test_y = train_test_split(images, data.target, test_size=test_fraction,
                                                        random_state=seed, stratify=data.target)
    return Split(train_x, train_y.astype(np.int64), test_x, test_y.astype(np.int64),
                 f"sklearn digits 8x8, {len(train_y)} train / {len(test_y)} held out "
                 f"(stratified, test_fraction={test_fraction}, seed={seed})")


def named(dataset: str, data=None, test_fraction: float = 0.25, seed: int = 0) -> Split:
    """What the command lines' ``dataset`` (and ``--data``) name: "digits" or "mnist" (the
    four IDX files in the folder ``data``: MNIST or Fashion-MNIST)."""
    if dataset == "digits":
        return digits(test_fraction, seed)
    if not data:
        fail("--data", None, "must name the folder that holds the MNIST IDX files (no download)")
    return mnist(data)


def read_idx(path) -> np.ndarray:
    """An IDX file (gzip-compressed if its name ends in .gz) as an array of its shape and type."""
    path = Path(path)
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rb") as f:
        raw = f.read()
    if len(raw) < 4 or raw[0] != 0 or raw[1] != 0 or raw[2] not in IDX_TYPES:
        fail("path", str(path), "must be an IDX file (magic 0x00 0x00, a type code in "
             f"{sorted(hex(t) for t in IDX_TYPES)}, the number of dimensions)")
    dtype, ndim = np.dtype(IDX_TYPES[raw[2]]), raw[3]
    shape = tuple(int(d) for d in np.frombuffer(raw, ">u4", count=ndim, offset=4))
    expected = 4 + 4 * ndim + int(np.prod(shape)) * dtype.itemsize
    if len(raw) != expected:
        fail("path", str(path), f"must hold {expected} bytes for shape {shape} of {dtype}; it has {len(raw)}")
    return np.frombuffer(raw, dtype, offset=4 + 4 * ndim).reshape(shape).astype(dtype.newbyteorder("="))


def _find(directory: Path, stem: str) -> Path:
    for candidate in (stem, stem.replace("-idx", ".idx"), stem + ".gz", stem.replace("-idx", ".idx") + ".gz"):
        if (directory / candidate).is_file():
            return directory / candidate
    fail("directory", str(directory), f"must contain the MNIST file {stem} (or {stem}.gz); nothing is downloaded")


def mnist(directory) -> Split:
    """MNIST's standard training (60000) and test (10000) sets from local IDX files."""
    directory = Path(directory)
    if not directory.is_dir():
        fail("directory", str(directory), "must be a directory holding MNIST's four IDX files")
    arrays = {key: read_idx(_find(directory, stem)) for key, stem in MNIST_FILES.items()}
    for part in ("train", "test"):
        images, labels = arrays[f"{part}_images"], arrays[f"{part}_labels"]
        if images.ndim != 3 or labels.ndim != 1 or len(images) != len(labels):
            fail("directory", str(directory), f"must hold {part} images (n, rows, cols) and n {part} labels; "
                 f"found {images.shape} and {labels.shape}")
    scale = lambda images: images.astype(np.float64) / 255.0     # noqa: E731
    return Split(scale(arrays["train_images"]), arrays["train_labels"].astype(np.int64),
                 scale(arrays["test_images"]), arrays["test_labels"].astype(np.int64),
                 f"MNIST from {directory}: {len(arrays['train_labels'])} train / "
                 f"{len(arrays['test_labels'])} test")
