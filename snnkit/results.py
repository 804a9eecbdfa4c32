"""Recorded spikes and state traces, in memory or read back from HDF5."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .validation import check_count, fail


def check_instance(instance, batch: int) -> int:
    """A batch instance index in [0, batch)."""
    if isinstance(instance, bool) or not isinstance(instance, (int, np.integer)):
        fail("instance", instance, f"must be an integer in [0, {batch})")
    if not 0 <= instance < batch:
        fail("instance", int(instance), f"must lie in [0, {batch}): the results hold {batch} "
             f"batch instance{'s' if batch != 1 else ''}")
    return int(instance)


@dataclass(repr=False)
class SpikeData:
    """Spikes of one population: parallel arrays, sorted by time.

    times : float64, ms      node_ids : int64      instances : int64 (batch instance)
    size : neurons in the population
    recorded : the neurons whose spikes were recorded (int64, sorted), or None for all
    batch : instances in the run
    values : variable -> its value at each spike (Monitor(values=...)), parallel to times
    """

    times: np.ndarray
    node_ids: np.ndarray
    instances: np.ndarray
    size: int
    recorded: np.ndarray | None = None
    batch: int = 1
    values: dict = field(default_factory=dict)

    @property
    def n_recorded(self) -> int:
        """How many neurons were recorded (the denominator of a population rate)."""
        return self.size if self.recorded is None else int(self.recorded.size)

    def of_instance(self, instance: int = 0) -> tuple[np.ndarray, np.ndarray]:
        """(times ms, node_ids) of one batch instance."""
        keep = self.instances == check_instance(instance, self.batch)
        return self.times[keep], self.node_ids[keep]

    def trains(self, instance: int = 0) -> list[np.ndarray]:
        """Spike times (ms) of each neuron of one instance (all ``size`` neurons; those
        not recorded have empty trains)."""
        times, ids = self.of_instance(instance)
        order = np.argsort(ids, kind="stable")
        split = np.searchsorted(ids[order], np.arange(1, self.size))
        return np.split(times[order], split)

    def counts(self, batch: int | None = None) -> np.ndarray:
        """Spike count per (instance, neuron): (batch, size)."""
        batch = self.batch if batch is None else check_count("batch", batch, minimum=1)
        out = np.zeros((batch, self.size), np.int64)
        np.add.at(out, (self.instances, self.node_ids), 1)
        return out

    def __repr__(self) -> str:
        which = "all" if self.recorded is None else f"{self.n_recorded} of"
        return f"SpikeData({self.times.size} spikes, {which} {self.size} neurons recorded, batch {self.batch})"


@dataclass(repr=False)
class TraceData:
    """A sampled state variable: ``data[t, b, j]`` is neuron ``node_ids[j]`` of
    instance b at ``times[t]`` (ms)."""

    times: np.ndarray
    data: np.ndarray
    node_ids: np.ndarray
    unit: str

    def __repr__(self) -> str:
        span = f", {self.times[0]:g} .. {self.times[-1]:g} ms" if self.times.size else ""
        return (f"TraceData({self.data.shape[0]} samples x {self.data.shape[1]} instances x "
                f"{self.node_ids.size} neurons, {self.unit or 'no unit'}{span})")


@dataclass(repr=False)
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

    def _spikes_of(self, pop) -> SpikeData:
        name = getattr(pop, "name", pop)
        if not isinstance(name, str) or name not in self.spikes:
            known = ", ".join(repr(p) for p in self.spikes) or "none (no spikes were recorded)"
            fail("population", name, f"must name a population whose spikes were recorded; known: {known}")
        return self.spikes[name]

    def rate(self, pop, instance: int | None = None) -> float | np.ndarray:
        """Mean firing rate (Hz) per recorded neuron of a population over the run.

        pop : a population name or Population. The rate is averaged over the neurons
        that were recorded (``Network.record(..., indices=)``), not the whole population.
        instance : one batch instance; None gives one rate per instance when batch > 1.
        """
        sp = self._spikes_of(pop)
        if instance is not None:
            instance = check_instance(instance, self.batch)
        seconds = self.duration / 1000.0
        if seconds <= 0 or sp.n_recorded == 0:
            per_instance = np.zeros(self.batch)
        else:
            per_instance = np.bincount(sp.instances, minlength=self.batch)[:self.batch] / (
                sp.n_recorded * seconds)
        if instance is not None:
            return float(per_instance[instance])
        return float(per_instance[0]) if self.batch == 1 else per_instance

    def isi_cv(self, pop, instance: int = 0, min_spikes: int = 3) -> float:
        """Mean coefficient of variation of inter-spike intervals over neurons
        with at least ``min_spikes`` spikes (NaN if none)."""
        cvs = []
        for train in self._spikes_of(pop).trains(instance):
            if train.size >= min_spikes:
                isi = np.diff(train)
                cvs.append(isi.std() / isi.mean())
        return float(np.mean(cvs)) if cvs else float("nan")

    def __repr__(self) -> str:
        lines = [f"Results({self.duration:g} ms, dt {self.attrs.get('dt', '?')} ms, batch {self.batch}, "
                 f"backend {self.attrs.get('backend', '?')})"]
        for pop, sp in self.spikes.items():
            rate = np.atleast_1d(self.rate(pop))
            shown = f"{rate[0]:.2f} Hz" if rate.size == 1 else f"{rate.min():.2f} .. {rate.max():.2f} Hz"
            lines.append(f"  spikes {pop}: {sp.times.size} spikes from {sp.n_recorded} of {sp.size} "
                         f"neurons, {shown}")
        for pop, variables in self.traces.items():
            for var, tr in variables.items():
                lines.append(f"  trace {pop}.{var}: {tr.data.shape[0]} samples of {tr.node_ids.size} "
                             f"neurons ({tr.unit or 'no unit'})")
        return "\n".join(lines)
