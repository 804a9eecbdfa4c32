"""The points of a parameter sweep and how they are split into batches."""

from __future__ import annotations

import itertools

import numpy as np

from ..validation import fail


def parameter_grid(parameters) -> tuple[list[str], np.ndarray]:
    """``parameters`` -> (names, values (P, k) float64), one row per point.

    A mapping name -> sequence of values gives the Cartesian product (the last name
    varies fastest, as in ``itertools.product``); a sequence of mappings gives those
    points as they are, in order."""
    if isinstance(parameters, dict):
        names = list(parameters)
        if not names:
            fail("parameters", parameters, "must name at least one parameter")
        axes = []
        for name in names:
            axis = np.atleast_1d(np.asarray(parameters[name], dtype=float))
            if axis.ndim != 1 or axis.size == 0:
                fail(f"parameters[{name!r}]", parameters[name], "must be a non-empty 1-d sequence of numbers")
            axes.append(axis)
        values = np.array(list(itertools.product(*axes)), dtype=float).reshape(-1, len(names))
    else:
        points = list(parameters)
        if not points or not all(isinstance(p, dict) for p in points):
            fail("parameters", parameters, "must be a mapping name -> values or a non-empty list of mappings")
        names = list(points[0])
        for j, point in enumerate(points):
            if list(point) != names:
                fail(f"parameters[{j}]", sorted(point), f"must name the parameters of point 0: {names}")
        values = np.array([[float(p[name]) for name in names] for p in points], dtype=float)
    for j, name in enumerate(names):
        if not isinstance(name, str) or not name.isidentifier():
            fail("parameters", name, "must be named by Python identifiers (they are keyword arguments)")
        if not np.all(np.isfinite(values[:, j])):
            fail(f"parameters[{name!r}]", values[:, j].tolist(), "must be finite numbers")
    return names, values


def batches(n_points: int, batch: int) -> list[tuple[int, int]]:
    """[start, stop) of consecutive points, ``batch`` at a time (the last may be shorter)."""
    return [(start, min(start + batch, n_points)) for start in range(0, n_points, batch)]
