"""Current sources: piecewise-constant currents injected into neurons (PyNN's
DCSource and StepCurrentSource; NEST's dc_generator and step_current_generator).

The current of a source is held constant over each step: amplitude ``a_j`` flows
from step ``round(t_j / dt)`` until the next change. It adds to ``i_offset`` in the
membrane equation (nA). snnkit.schedule writes the summed current of every source
into the target group's ``i_inject`` array between steps, so a source costs the
step loop nothing except at its change times.
"""

from __future__ import annotations

import math

import numpy as np

from .validation import check_finite, check_indices, fail


class StepCurrent:
    """A current that jumps to ``amplitudes[j]`` (nA) at ``times[j]`` (ms, increasing, >= 0).

    Before the first time it is 0. ``StepCurrent.dc(amplitude, start, stop)`` is a
    rectangular pulse (amplitude from ``start`` until ``stop``; ``stop=inf``: for ever).
    """

    def __init__(self, times, amplitudes):
        times = np.atleast_1d(np.asarray(times, dtype=float))
        amplitudes = np.atleast_1d(np.asarray(amplitudes, dtype=float))
        if times.ndim != 1 or times.shape != amplitudes.shape:
            fail("StepCurrent.amplitudes", f"{amplitudes.size} values",
                 f"must hold one amplitude per time ({times.size} times)")
        check_finite("StepCurrent.amplitudes", amplitudes)
        if np.any(np.isnan(times)) or np.any(times < 0):
            fail("StepCurrent.times", times.tolist(), "must be times in ms >= 0")
        if np.any(np.diff(times) < 0):
            fail("StepCurrent.times", times.tolist(), "must be in increasing order")
        self.times, self.amplitudes = times, amplitudes

    @classmethod
    def dc(cls, amplitude: float, start: float = 0.0, stop: float = math.inf) -> "StepCurrent":
        check_finite("DC amplitude", amplitude)
        if not stop > start:
            fail("stop", stop, f"must be later than start = {start} ms")
        if math.isinf(stop):
            return cls([start], [amplitude])
        return cls([start, stop], [amplitude, 0.0])

    def steps(self, dt: float) -> tuple[np.ndarray, np.ndarray]:
        """(step, amplitude) of each change; of several changes in one step the last counts."""
        steps = np.round(self.times / dt).astype(np.int64)
        last = np.ones(len(steps), bool)
        last[:-1] = steps[1:] != steps[:-1]
        return steps[last], self.amplitudes[last]

    def __repr__(self) -> str:
        return f"StepCurrent(times={self.times.tolist()}, amplitudes={self.amplitudes.tolist()})"


class Injection:
    """A current source wired into neurons ``indices`` of ``target`` (all by default)."""

    def __init__(self, current: StepCurrent, target, indices=None):
        from .model import Population
        if not isinstance(current, StepCurrent):
            fail("current", current, "must be an sk.StepCurrent")
        if not isinstance(target, Population) or target.is_source:
            fail("Injection.target", getattr(target, "name", target), "must be a neuron population")
        indices = check_indices("Injection.indices", indices, target.size)
        self.current, self.target, self.indices = current, target, indices
