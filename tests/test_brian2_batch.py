"""snnkit_brian2.run_batch: N instances of a Brian2 script in one snnkit batch, each
equal to Brian2's runtime run of its own parameter set."""

import numpy as np
import pytest

from .test_brian2 import BACKENDS, assert_same_spikes, brian2, on, spikes, snnkit_brian2  # noqa: F401
from brian2 import (NeuronGroup, SpikeMonitor, StateMonitor, Synapses, defaultclock, mV, ms, run,  # noqa: E402
                    set_device)

# -- run_batch: N instances of a script in one snnkit batch ------------------------------

SWEEP = [dict(taum=20 * ms, we=1.62 * mV, start=3), dict(taum=14 * ms, we=2.4 * mV, start=5),
         dict(taum=26 * ms, we=1.62 * mV, start=7)]


def cuba_instance(taum, we, start):
    """CUBA with a swept membrane time constant (a namespace constant), excitatory weight
    (a pathway's weight, one factor per instance) and initial state (group values)."""
    taue, taui, Vt, Vr, El = 5 * ms, 10 * ms, -50 * mV, -60 * mV, -49 * mV
    P = NeuronGroup(200, """dv/dt = (ge + gi - (v - El))/taum : volt (unless refractory)
                            dge/dt = -ge/taue : volt
                            dgi/dt = -gi/taui : volt""",
                    threshold="v > Vt", reset="v = Vr", refractory=5 * ms, method="exact")
    P.v = Vr + np.random.default_rng(start).random(200) * (Vt - Vr)
    wi = -3.6 * mV
    Ce, Ci = Synapses(P, P, on_pre="ge += we"), Synapses(P, P, on_pre="gi += wi")
    Ce.connect("i < 160", p=0.04)                 # Brian2's own random connectivity
    Ci.connect("i >= 160", p=0.04)
    s, v = SpikeMonitor(P), StateMonitor(P, "v", record=[0, 1])
    run(60 * ms)
    return s, v, Ce


def _cuba_values(s, v, _):
    return spikes(s), np.array(v.v[:] / mV)


@pytest.mark.parametrize("engine", BACKENDS)
def test_run_batch_instances_equal_brian2_runs_of_each_parameter_set(engine):
    brian2.start_scope()
    brian2.devices.device.reinit_devices()
    defaultclock.dt = 0.1 * ms
    try:
        batch = snnkit_brian2.run_batch(cuba_instance, SWEEP, seed=11, backend=engine)
    finally:
        set_device("runtime")
    assert len(batch) == len(SWEEP)
    counts = []
    for params, objects in zip(SWEEP, batch):
        ref = on("runtime", lambda: _cuba_values(*cuba_instance(**params)))   # on() seeds 11 too
        out = _cuba_values(*objects)
        assert_same_spikes(ref[0], out[0])
        np.testing.assert_allclose(out[1], ref[1], rtol=0, atol=1e-9)
        counts.append(out[0][0].size)
        assert float(objects[0].t_[-1]) < 0.06 and float(objects[0].source.t / ms) == pytest.approx(60.0)
    assert len(set(counts)) == len(counts)          # the instances really differ


def test_run_batch_refuses_instances_that_build_different_networks():
    def sized(n):
        G = NeuronGroup(n, "dv/dt = -v/(10*ms) : 1")
        run(1 * ms)
        return G

    def runs_twice():
        G = NeuronGroup(2, "dv/dt = -v/(10*ms) : 1")
        run(1 * ms)
        run(1 * ms)
        return G
    brian2.start_scope()
    try:
        with pytest.raises(ValueError, match="instance 1 builds another network .*size"):
            snnkit_brian2.run_batch(sized, [dict(n=3), dict(n=4)], backend="numpy")
        with pytest.raises(NotImplementedError, match="second run"):
            snnkit_brian2.run_batch(runs_twice, [{}], backend="numpy")
        with pytest.raises(ValueError, match="parameters\\[0\\]"):
            snnkit_brian2.run_batch(sized, [3], backend="numpy")
    finally:
        set_device("runtime")
