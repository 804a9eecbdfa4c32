"""Input checks shared by the model description and the builder.

Every check raises :class:`SnnkitValueError` (a ``ValueError``) whose message
names the parameter, the value it was given and what is allowed, so a bad
script fails before any work starts.
"""

from __future__ import annotations

import math

import numpy as np


class SnnkitValueError(ValueError):
    """A parameter, size or option that snnkit cannot accept."""


class NetworkTooLargeError(SnnkitValueError, MemoryError):
    """The network's arrays would not fit in the memory of the chosen device."""


def fail(name: str, value, allowed: str) -> None:
    """Raise the standard error: parameter ``name`` got ``value``; ``allowed`` says what is."""
    shown = value
    if isinstance(value, np.ndarray):
        shown = f"array of shape {value.shape}"
    raise SnnkitValueError(f"{name} = {shown!r} is not allowed: {allowed}")


def as_numbers(name: str, value) -> np.ndarray:
    """``value`` as a float64 array; a string, None or anything not numeric is refused
    (NumPy would turn "20" into 20.0 and give its own message for "abc")."""
    if isinstance(value, (str, bytes)) or value is None:
        fail(name, value, "must be a number or an array of numbers")
    try:
        arr = np.asarray(value)
    except (TypeError, ValueError):
        fail(name, value, "must be a number or an array of numbers")
    if arr.dtype.kind not in "iuf":
        fail(name, value, "must be a number or an array of numbers"
             + (" (not True/False)" if arr.dtype.kind == "b" else ""))
    return arr.astype(float)


def check_finite(name: str, value) -> None:
    arr = as_numbers(name, value)
    if not np.all(np.isfinite(arr)):
        bad = arr[~np.isfinite(arr)].flat[0]
        fail(name, float(bad), "must be a finite number (no NaN or infinity)")


def check_positive(name: str, value, allow_inf: bool = False) -> None:
    arr = as_numbers(name, value)
    if np.any(np.isnan(arr)) or (not allow_inf and np.any(np.isinf(arr))):
        fail(name, float(arr[~np.isfinite(arr)].flat[0]), "must be a finite positive number")
    if np.any(arr <= 0):
        fail(name, float(arr[arr <= 0].flat[0]),
             "must be > 0" + (" (inf allowed)" if allow_inf else ""))


def check_nonnegative(name: str, value) -> None:
    arr = as_numbers(name, value)
    check_finite(name, arr)
    if np.any(arr < 0):
        fail(name, float(arr[arr < 0].flat[0]), "must be >= 0")


RULES = ("any", "positive", "positive_or_inf", "nonnegative")


def check_rule(name: str, value, rule: str) -> None:
    """A parameter value against its model's rule: "positive" (> 0), "positive_or_inf",
    "nonnegative" (>= 0) or "any" (finite)."""
    if rule == "positive":
        check_positive(name, value)
    elif rule == "positive_or_inf":
        check_positive(name, value, allow_inf=True)
    elif rule == "nonnegative":
        check_nonnegative(name, value)
    else:
        check_finite(name, value)


def check_choice(name: str, value, choices) -> None:
    if value not in choices:
        fail(name, value, "must be one of " + ", ".join(repr(c) for c in choices))


def check_count(name: str, value, minimum: int = 0) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        fail(name, value, f"must be an integer >= {minimum}")
    return int(value)


def check_seed(name: str, seed) -> int:
    """A random seed: an integer in [0, 2**64)."""
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or not 0 <= int(seed) < 2**64:
        fail(name, seed, "must be an integer in [0, 2**64) (or, for Simulator, one such integer "
             "per batch instance)")
    return int(seed)


def check_seeds(seed, batch: int):
    """A Simulator seed: one integer, or one per batch instance (a list of ints)."""
    if isinstance(seed, (str, bytes)) or np.ndim(seed) == 0:
        return check_seed("seed", seed)
    seeds = [check_seed("seed", s) for s in seed]
    if len(seeds) != batch:
        fail("seed", f"{len(seeds)} seeds", f"must be one int or one per instance (batch = {batch})")
    return seeds


def check_dt(dt) -> float:
    """A simulation time step in ms: finite and > 0."""
    try:
        dt = float(dt)
    except (TypeError, ValueError):
        fail("dt", dt, "must be a number of milliseconds > 0")
    if not math.isfinite(dt) or dt <= 0:
        fail("dt", dt, "must be a finite number of milliseconds > 0")
    return dt


def broadcast_per_neuron(name: str, value, size: int, batch: int | None = None) -> np.ndarray:
    """Return ``value`` as float64 of shape (1, size) or (batch, size).

    Allowed: a scalar, an array of shape (size,), and, once the batch is known,
    (batch, 1) or (batch, size): a value per batch instance (a parameter sweep).
    """
    arr = np.asarray(value, dtype=float)
    if arr.ndim == 0:
        return np.full((1, size), float(arr))
    if arr.ndim == 1 and arr.shape[0] == size:
        return arr[None, :].copy()
    if arr.ndim == 2 and arr.shape[1] in (1, size):
        if batch is None or arr.shape[0] in (1, batch):
            return np.broadcast_to(arr, (arr.shape[0], size)).copy()
    allowed = f"a scalar or shape ({size},)"
    allowed += f", or (batch, 1) / (batch, {size}) for a per-instance value"
    if batch is not None:
        allowed += f" with batch = {batch}"
    fail(name, arr, "must be " + allowed)


def check_indices(name: str, indices, size: int):
    """Neuron indices as int64, each in [0, size); None (all ``size`` neurons) stays None,
    so that nothing of the population's size is allocated before the memory check."""
    if indices is None:
        return None
    indices = np.asarray(indices, dtype=np.int64).ravel()
    if indices.size and (indices.min() < 0 or indices.max() >= size):
        bad = indices[(indices < 0) | (indices >= size)][0]
        fail(name, int(bad), f"must lie in [0, {size})")
    return indices


class SnnkitFileError(SnnkitValueError):
    """A file that snnkit cannot read (missing, not HDF5, damaged, or not a result)."""

    def __init__(self, path, problem: str):
        self.path = str(path)
        super().__init__(f"{self.path}: {problem}")
