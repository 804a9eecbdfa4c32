"""PyNN's current sources (DCSource, StepCurrentSource, ACSource, NoisyCurrentSource),
lowered to sk.StepCurrent injections."""

from __future__ import annotations

import math

import numpy as np
from pyNN.parameters import ParameterSpace, Sequence
from pyNN.standardmodels import electrodes
from pyNN.standardmodels.base import StandardCurrentSource

import snnkit as sk

from .simulator import state
from .standardmodels import identity


class CurrentSource(StandardCurrentSource):
    """A PyNN current source lowered to sk.StepCurrent injections: a change at time t
    acts on the membrane from the step [t, t + dt) on, as in pyNN.nest (which sends
    the change min_delay early to cancel the device's delay)."""

    def __init__(self, **parameters):
        object.__setattr__(self, "_native", {})
        object.__setattr__(self, "_injections", [])
        super().__init__(**parameters)
        space = ParameterSpace(self.default_parameters, self.get_schema(), shape=(1,))
        space.update(**parameters)
        self.set_native_parameters(self.translate(space))

    def get_native_parameters(self):
        """(a step current's times and amplitudes as arrays: ``source.times`` has one element a
        change, as pyNN.nest's)"""
        return ParameterSpace(dict(self._native), shape=None)

    def set_native_parameters(self, parameters):
        parameters.evaluate(simplify=True)
        native = dict(self._native)
        for name, value in parameters.items():
            native[name] = np.asarray(value.value, float) if isinstance(value, Sequence) else value
        self.check(native)
        self._native.update(self.normalized(native))
        for injection in self._injections:                # between runs: the next run uses it
            injection.current = self.step_current(state.dt)

    def inject_into(self, cells):
        if not all(getattr(c, "celltype", None) is None or c.celltype.injectable for c in cells):
            raise TypeError("Can't inject current into a spike source.")
        state.require_unbuilt("injecting current")
        state.injections.append((self, cells))

    def _lower(self, net, sk_pops, cells):
        ids = np.array([int(c) for c in cells], dtype=np.int64)
        which, index = state.population_index(ids)
        current = self.step_current(state.dt)
        for p in np.unique(which):
            pop = state.populations[p]
            self._injections.append(net.inject(current, sk_pops[pop], index[which == p]))

    def record(self):
        """Record the injected current (get_data: the waveform sampled every step from 0 to
        now, a value changed at t shown from the sample at t on, as pyNN.nest reports it)."""
        object.__setattr__(self, "_recorded", True)

    def _get_data(self):
        dt, now = state.dt, state.t
        times = np.arange(int(round(now / dt)) + 1) * dt
        change_times, amplitudes = self.waveform(dt)
        change_times = np.asarray(change_times, float)
        index = np.searchsorted(np.round(change_times, 9), np.round(times, 9), side="right") - 1
        current = np.where(index >= 0, np.asarray(amplitudes, float)[np.maximum(index, 0)], 0.0)
        return times, current

    def normalized(self, native: dict) -> dict:
        """The values as kept (a step current's times on the time grid); as given by default."""
        return native

    def check(self, native: dict) -> None:
        """Values a source refuses (the step current's times); none by default."""

    def step_current(self, dt) -> sk.StepCurrent:
        times, amplitudes = self.waveform(dt)
        return sk.StepCurrent(np.asarray(times, float), amplitudes)


def _window(p, dt):
    start, stop = float(p["start"]), float(p["stop"])
    return start, stop if stop < 1e11 else math.inf


def _bounded_window(source, dt):
    """(start, stop) of a source sampled step by step, which needs an end."""
    start, stop = _window(source._native, dt)
    if math.isinf(stop):
        raise NotImplementedError(f"snnkit_pynn: a {type(source).__name__} needs a finite stop time")
    return start, stop


class DCSource(CurrentSource, electrodes.DCSource):
    __doc__ = electrodes.DCSource.__doc__
    translations = identity(electrodes.DCSource.default_parameters)

    def waveform(self, dt):
        start, stop = _window(self._native, dt)
        amp = float(self._native["amplitude"])
        return ([start], [amp]) if math.isinf(stop) else ([start, stop], [amp, 0.0])


class StepCurrentSource(CurrentSource, electrodes.StepCurrentSource):
    __doc__ = electrodes.StepCurrentSource.__doc__
    translations = identity(electrodes.StepCurrentSource.default_parameters)

    def check(self, native: dict) -> None:
        times = np.asarray(native.get("times", []), float)
        amplitudes = np.asarray(native.get("amplitudes", []), float)
        if times.size != amplitudes.size:
            raise ValueError(f"StepCurrentSource: {times.size} times but {amplitudes.size} amplitudes")
        if times.size and (times.min() < 0 or np.any(np.diff(times) <= 0)):
            raise ValueError(f"StepCurrentSource: times must be >= 0 and increasing, got {times.tolist()}")

    def normalized(self, native: dict) -> dict:
        """Times on the time grid (the nearest step), of several changes in one step the last,
        as every PyNN backend keeps them."""
        times = np.asarray(native.get("times", []), float)
        if not times.size:
            return native
        amplitudes = np.asarray(native["amplitudes"], float)
        steps = np.round(times / state.dt).astype(np.int64)
        last = np.append(steps[1:] != steps[:-1], True)
        return dict(native, times=steps[last] * state.dt, amplitudes=amplitudes[last])

    def waveform(self, dt):
        return np.asarray(self._native["times"], float), np.asarray(self._native["amplitudes"], float)


class ACSource(CurrentSource, electrodes.ACSource):
    """A sine current, sampled once per step (a step current that changes every step)."""
    translations = identity(electrodes.ACSource.default_parameters)

    def waveform(self, dt):
        p = self._native
        start, stop = _bounded_window(self, dt)
        t = np.arange(round(start / dt), round(stop / dt)) * dt
        amp = p["offset"] + p["amplitude"] * np.sin(2 * np.pi * p["frequency"] * (t - start) / 1000.0
                                                    + np.deg2rad(p["phase"]))
        return np.append(t, stop), np.append(amp, 0.0)


class NoisyCurrentSource(CurrentSource, electrodes.NoisyCurrentSource):
    """Gaussian current, a new value every ``dt`` ms (drawn when the network is built,
    from numpy's global generator, as pyNN.brian2 does)."""
    translations = identity(electrodes.NoisyCurrentSource.default_parameters)

    def waveform(self, dt):
        p = self._native
        start, stop = _bounded_window(self, dt)
        step = max(float(p["dt"]), dt)
        t = np.arange(start, stop, step)
        return np.append(t, stop), np.append(p["mean"] + p["stdev"] * np.random.standard_normal(t.size), 0.0)
