"""snnkit_brian2's monitors against Brian2's runtime: variables recorded at spikes
(SpikeMonitor(variables=...), Brian2's thresholds slot: after the update, before the
reset), of a group and of a subgroup, over two runs."""

import numpy as np
import pytest

from .test_brian2 import BACKENDS, on
from brian2 import NeuronGroup, SpikeGeneratorGroup, SpikeMonitor, Synapses, ms, run  # noqa: E402


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
