"""The sweep's HDF5 file: one row per point, written as each batch comes back.

Layout (all under /sweep)::

    parameters/<name>   (P,) float64       the point's parameter values
    seed                (P,) int64         the point's Simulator seed
    done                (P,) bool          its batch has been written
    rates/<population>  (P,) float64       mean rate (Hz) of the recorded neurons
    counts/<population> (P, N) int64       spikes per neuron
    measures/<name>     (P, ...)           what ``measure(simulator)`` returned

attrs: names (parameter order), duration_ms, structure_seed, snnkit_version.
A run that stops (an error, a signal, a lost cluster) leaves the rows written so
far; ``sweep`` on the same file and grid runs only the points not ``done``."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field

import h5py
import numpy as np

from ..validation import fail


class SweepFile:
    def __init__(self, path, names: list, values: np.ndarray, seeds: np.ndarray, duration_ms: float,
                 structure_seed: int):
        self.path = os.fspath(path)
        self.identity = dict(names=json.dumps(names), duration_ms=float(duration_ms),
                             structure_seed=int(structure_seed))
        if os.path.exists(self.path):
            self._check_same_sweep(values, seeds)
        else:
            self._create(names, values, seeds)

    def _create(self, names, values, seeds) -> None:
        from .. import __version__
        with h5py.File(self.path, "w") as f:
            g = f.create_group("sweep")
            g.attrs.update(self.identity, snnkit_version=__version__)
            for j, name in enumerate(names):
                g.create_dataset(f"parameters/{name}", data=values[:, j])
            g.create_dataset("seed", data=np.asarray(seeds, np.int64))
            g.create_dataset("done", data=np.zeros(len(values), bool))

    def _check_same_sweep(self, values, seeds) -> None:
        try:
            with h5py.File(self.path, "r") as f:
                g = f["sweep"]
                names = json.loads(g.attrs["names"])
                same = (all(g.attrs[k] == v for k, v in self.identity.items())
                        and np.array_equal(np.stack([g[f"parameters/{n}"][()] for n in names], 1), values)
                        and np.array_equal(g["seed"][()], seeds))
        except (OSError, KeyError) as err:
            fail("out", self.path, f"exists and is not a sweep file ({err}); pass another path or overwrite=True")
        if not same:
            fail("out", self.path, "holds another sweep (other parameters, seeds or duration); "
                 "pass another path or overwrite=True")

    def done(self) -> np.ndarray:
        with h5py.File(self.path, "r") as f:
            return f["sweep/done"][()]

    def write(self, start: int, stop: int, result: dict) -> None:
        """Rows [start, stop) from a worker's result, then marks them done (so a file
        cut off mid-write never claims rows it does not hold)."""
        with h5py.File(self.path, "a") as f:
            g = f["sweep"]
            n_points = g["done"].shape[0]
            for key, value in result.items():
                value = np.asarray(value)
                if key not in g:
                    g.create_dataset(key, shape=(n_points,) + value.shape[1:], dtype=value.dtype,
                                     fillvalue=0, chunks=True)
                g[key][start:stop] = value
            g["done"][start:stop] = True
            f.flush()


@dataclass
class SweepResults:
    """A sweep file read back: every array has one row per point."""

    parameters: dict
    seed: np.ndarray
    done: np.ndarray
    rates: dict = field(default_factory=dict)
    counts: dict = field(default_factory=dict)
    measures: dict = field(default_factory=dict)
    duration_ms: float = 0.0

    def __len__(self) -> int:
        return len(self.seed)

    def __repr__(self) -> str:
        return (f"SweepResults({len(self)} points over {list(self.parameters)}, {int(self.done.sum())} done, "
                f"populations {list(self.rates)})")


def load_sweep(path) -> SweepResults:
    """Read a sweep file (snnkit.sweep's ``out``)."""
    with h5py.File(os.fspath(path), "r") as f:
        g = f["sweep"]
        names = json.loads(g.attrs["names"])
        groups = {key: {name: g[key][name][()] for name in g[key]} if key in g else {}
                  for key in ("rates", "counts", "measures")}
        return SweepResults({n: g[f"parameters/{n}"][()] for n in names}, g["seed"][()], g["done"][()],
                            duration_ms=float(g.attrs["duration_ms"]), **groups)
