"""Spike sources: populations that emit spikes but integrate no input."""

from __future__ import annotations

import math

import numpy as np

from .distributions import Distribution
from .validation import check_nonnegative, fail


class SourceModel:
    """Base class of spike-source models."""

    state_variables: tuple = ()


class Poisson(SourceModel):
    """Independent Poisson spike trains.

    Each step is a Bernoulli trial: a source fires with probability
    ``p = min(rate * dt / 1000, 1)``, independently of every other step and source
    (Brian2's PoissonGroup, NEST's poisson_generator up to at most one spike a step).
    The trials are drawn as the geometric number of silent steps to the next spike,
    ``floor(log u / log(1 - p))`` with u in (0, 1] of 53 bits, so a step costs a
    compare per source and a draw per spike. Source (b, i) draws from Philox4x32-10
    (key = seed, counter = (k, neuron, instance, stream)) in step k: words 0 and 1
    after it fires in k, words 2 and 3 when its p differs from the p of its pending
    draw (the first step, or a changed rate: the trials are memoryless, so drawing
    afresh from the step of the change is exact). Every backend draws the same spikes
    (log in kernels/log_f64.h, operation for operation as NumPy's).

    Parameters
    ----------
    rate : float, array (N,), (batch, 1) / (batch, N), or Distribution
        Firing rate in Hz, >= 0.

    start, stop : float or array (N,), optional
        The sources fire only in steps ``round(start / dt) <= k < round(stop / dt)``
        (ms; default: always). PyNN's SpikeSourcePoisson(start, duration).
    """

    def __init__(self, rate, start=0.0, stop=math.inf):
        if not isinstance(rate, Distribution):
            check_nonnegative("Poisson.rate", rate)
        check_nonnegative("Poisson.start", start)
        if np.any(np.isnan(np.asarray(stop, dtype=float))) or np.any(np.asarray(stop) < np.asarray(start)):
            fail("Poisson.stop", stop, f"must be >= start ({start} ms)")
        self.rate = rate
        self.start, self.stop = start, stop

    @property
    def windowed(self) -> bool:
        return bool(np.any(np.asarray(self.start) > 0) or np.any(np.isfinite(self.stop)))

    def __repr__(self) -> str:
        window = f", start={self.start!r}, stop={self.stop!r}" if self.windowed else ""
        return f"Poisson(rate={self.rate!r}{window})"


class InhomogeneousPoisson(Poisson):
    """Poisson spike trains whose rate steps to ``rates[j]`` (Hz) at ``times[j]`` (ms)
    (NEST's inhomogeneous_poisson_generator; PyNN's SpikeSourcePoisson with its rate
    changed during a run). Before the first time the rate is 0. Each rate is a scalar
    or one value per neuron. The changes are the population's scheduled rate changes
    (Population.set(at=...)), so they cost the step loop nothing between them."""

    def __init__(self, times, rates):
        times = np.atleast_1d(np.asarray(times, dtype=float))
        if times.ndim != 1 or len(rates) != times.size:
            fail("InhomogeneousPoisson.rates", f"{len(rates)} rates", f"must hold one rate per time ({times.size})")
        check_nonnegative("InhomogeneousPoisson.times", times)
        if np.any(np.diff(times) < 0):
            fail("InhomogeneousPoisson.times", times.tolist(), "must be in increasing order")
        for j, rate in enumerate(rates):
            check_nonnegative(f"InhomogeneousPoisson.rates[{j}]", rate)
        first = rates[0] if times.size and times[0] == 0 else 0.0
        super().__init__(first)
        self.rate_times, self.rate_values = times, list(rates)

    def changes(self) -> list:
        """(time ms, {"rate": value}) of every change after t = 0."""
        return [(float(t), {"rate": r}) for t, r in zip(self.rate_times, self.rate_values) if t > 0]

    def __repr__(self) -> str:
        return f"InhomogeneousPoisson(<{self.rate_times.size} rates>)"


class SpikeTimes(SourceModel):
    """Each neuron emits spikes at given times (ms), the same in every batch instance.

    A time t is emitted in step ``round(t / dt)``.

    Parameters
    ----------
    times : sequence of sequences of float
        ``times[i]`` are the spike times of neuron i, in ms, >= 0.
    """

    def __init__(self, times):
        self.times = [np.atleast_1d(np.asarray(t, dtype=float)) for t in times]
        for i, t in enumerate(self.times):
            if t.ndim != 1:
                fail(f"SpikeTimes.times[{i}]", t, "must be a 1-d sequence of times in ms")
            check_nonnegative(f"SpikeTimes.times[{i}]", t)

    def events(self, dt: float) -> tuple[np.ndarray, np.ndarray]:
        """(step, neuron) of every spike, sorted by step then neuron."""
        steps = [np.round(t / dt).astype(np.int64) for t in self.times]
        neurons = [np.full(len(s), i, dtype=np.int64) for i, s in enumerate(steps)]
        if not steps:
            return np.zeros(0, np.int64), np.zeros(0, np.int64)
        step, neuron = np.concatenate(steps), np.concatenate(neurons)
        order = np.lexsort((neuron, step))
        step, neuron = step[order], neuron[order]
        keep = np.ones(len(step), bool)      # two times in one step: one spike
        keep[1:] = (step[1:] != step[:-1]) | (neuron[1:] != neuron[:-1])
        return step[keep], neuron[keep]

    def __repr__(self) -> str:
        return f"SpikeTimes(<{len(self.times)} neurons>)"
