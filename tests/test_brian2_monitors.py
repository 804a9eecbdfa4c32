"""snnkit_brian2's monitors against Brian2's runtime: variables recorded at spikes
(SpikeMonitor(variables=...), Brian2's thresholds slot: after the update, before the
reset), of a group and of a subgroup, over two runs."""

import numpy as np
import pytest

from .test_brian2 import BACKENDS, on
from brian2 import NeuronGroup, SpikeGeneratorGroup, SpikeMonitor, StateMonitor, Synapses, ms, run  # noqa: E402


def values_at_spikes():
    G = NeuronGroup(5, """dv/dt = (I - v - w)/(10*ms) : 1 (unless refractory)
                          dw/dt = -w/(40*ms) : 1
                          I : 1""", threshold="v > 1", reset="v = 0; w += 0.3", refractory=2 * ms, method="exact")
    G.I = "1.5 + 0.3*i"
    inp = SpikeGeneratorGroup(2, [0, 1, 0], [3, 5, 11] * ms)
    S = Synapses(inp, G, on_pre="v_post += 0.5")
    S.connect()
    M = SpikeMonitor(G, variables=["v", "w"])
    M2 = SpikeMonitor(G[2:4], variables="w")
    run(40 * ms)
    G.I = 2.5
    run(30 * ms)
    return [np.array(x) for x in (M.i[:], M.t[:] / ms, M.v[:], M.w[:], M2.i[:], M2.t[:] / ms, M2.w[:])]


@pytest.mark.parametrize("engine", BACKENDS)
def test_variables_at_spikes_equal_brian2_runtime(engine):
    ref, out = on("runtime", values_at_spikes), on("snnkit", values_at_spikes, backend=engine)
    assert ref[0].size > 20 and ref[4].size > 5
    assert np.all(ref[2] > 1)                                  # v before the reset
    for a, b in zip(ref, out):
        np.testing.assert_allclose(b, a, rtol=0, atol=1e-12)


def end_slot():
    """StateMonitors after the resets (when="end"): the reset, this step's synaptic input and
    PoissonInput-free drive included, on the group's clock and on a slower one; two runs."""
    G = NeuronGroup(4, """dv/dt = (1.2 + 0.1*i - v)/(8*ms) : 1 (unless refractory)
                          count : 1
                          lastv : 1""", threshold="v > 1", reset="v = 0; lastv = count",
                    refractory=1 * ms, method="exact")
    inp = SpikeGeneratorGroup(2, [0, 1, 0, 1], [2, 4.5, 7, 7] * ms)
    S1, S2 = Synapses(inp, G, on_pre="count += 1"), Synapses(inp, G, on_pre="v_post += 0.2")
    S1.connect()
    S2.connect()
    m_end = StateMonitor(G, ["v", "count", "lastv"], record=True, when="end")
    m_slow = StateMonitor(G, "v", record=[1, 3], when="end", dt=0.5 * ms)
    m_start = StateMonitor(G, "v", record=[2])
    run(12 * ms)
    run(8 * ms)
    return [np.array(x) for x in (m_end.v[:], m_end.count[:], m_end.lastv[:], m_end.t[:] / ms,
                                  m_slow.v[:], m_slow.t[:] / ms, m_start.v[:])]


@pytest.mark.parametrize("engine", BACKENDS)
def test_end_slot_state_monitors_equal_brian2_runtime(engine):
    ref, out = on("runtime", end_slot), on("snnkit", end_slot, backend=engine)
    assert ref[0].shape == (4, 200) and ref[1][:, -1].tolist() == [4, 4, 4, 4]
    assert np.any(ref[2] > 0)
    for a, b in zip(ref, out):
        np.testing.assert_allclose(b, a, rtol=0, atol=1e-12)
