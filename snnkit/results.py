"""Recorded spikes and state traces, in memory or read back from HDF5."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass
class SpikeData:
    """Spikes of one population: parallel arrays, sorted by time.

    times : float64, ms      node_ids : int64      instances : int64 (batch instance)
    """

    times: np.ndarray
    node_ids: np.ndarray
    instances: np.ndarray
    size: int

    def of_instance(self, instance: int = 0) -> tuple[np.ndarray, np.ndarray]:
        """(times ms, node_ids) of one batch instance."""
        keep = self.instances == instance
        return self.times[keep], self.node_ids[keep]

    def trains(self, instance: int = 0) -> list[np.ndarray]:
        """Spike times (ms) of each neuron of one instance."""
        times, ids = self.of_instance(instance)
        order = np.argsort(ids, kind="stable")
        split = np.searchsorted(ids[order], np.arange(1, self.size))
        return np.split(times[order], split)

    def counts(self, batch: int) -> np.ndarray:
        """Spike count per (instance, neuron): (batch, size)."""
        out = np.zeros((batch, self.size), np.int64)
        np.add.at(out, (self.instances, self.node_ids), 1)
        return out


@dataclass
class TraceData:
    """A sampled state variable: ``data[t, b, j]`` is neuron ``node_ids[j]`` of
    instance b at ``times[t]`` (ms)."""

    times: np.ndarray
    data: np.ndarray
    node_ids: np.ndarray
    unit: str


@dataclass
class Results:
    """Everything recorded: ``spikes[pop]`` and ``traces[pop][variable]``.

    attrs holds dt (ms), duration (ms), batch, backend, seed and population sizes.
    """

    spikes: dict = field(default_factory=dict)
    traces: dict = field(default_factory=dict)
    attrs: dict = field(default_factory=dict)

    @property
    def batch(self) -> int:
        return int(self.attrs.get("batch", 1))

    @property
    def duration(self) -> float:
        return float(self.attrs.get("duration", 0.0))

    def rate(self, pop: str, instance: int | None = None) -> float | np.ndarray:
        """Mean firing rate (Hz) of a population over the run; per instance if
        ``instance`` is None and batch > 1."""
        sp = self.spikes[pop]
        seconds = self.duration / 1000.0
        if seconds <= 0 or sp.size == 0:
            return 0.0 if instance is not None or self.batch == 1 else np.zeros(self.batch)
        per_instance = np.bincount(sp.instances, minlength=self.batch) / (sp.size * seconds)
        if instance is not None:
            return float(per_instance[instance])
        return float(per_instance[0]) if self.batch == 1 else per_instance

    def isi_cv(self, pop: str, instance: int = 0, min_spikes: int = 3) -> float:
        """Mean coefficient of variation of inter-spike intervals over neurons
        with at least ``min_spikes`` spikes (NaN if none)."""
        cvs = []
        for train in self.spikes[pop].trains(instance):
            if train.size >= min_spikes:
                isi = np.diff(train)
                cvs.append(isi.std() / isi.mean())
        return float(np.mean(cvs)) if cvs else float("nan")
