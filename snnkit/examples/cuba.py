"""CUBA: Vogels & Abbott (2005), Brette et al. (2007) benchmark 2.

4000 LIF neurons (80 % excitatory), exponential current synapses, random
connectivity with mean in-degree 80 (p = 2 % at N = 4000), no external input:
activity is self-sustained from the random initial voltages. The mean rate is
about 5.6 Hz in Brian2 and NEST with these parameters, with irregular firing.

Parameters follow PyNN's VAbenchmarks.py (CUBA): cm = 0.2 nF, tau_m = 20 ms
(R_m = 100 MOhm), so the synaptic weights 0.0162 nA / -0.09 nA are the voltage
jumps 1.62 mV / -9 mV of Brian's example.
"""

from __future__ import annotations

from .. import distributions as dist
from ..connectivity import FixedProbability
from ..model import Network
from ..neurons import LIFCurrExp
from . import Example

CELL = dict(tau_m=20.0, cm=0.2, v_rest=-49.0, v_reset=-60.0, v_thresh=-50.0, tau_refrac=5.0,
            tau_syn_E=5.0, tau_syn_I=10.0)
W_EXC = 0.27e-3 * (0.0 - -60.0)      # nA: 0.27 nS at a driving force of 60 mV
W_INH = 4.5e-3 * (-80.0 - -60.0)     # nA: 4.5 nS at -20 mV, negative
IN_DEGREE = 80.0


def build(n: int = 4000, record_v: int = 0) -> Example:
    """The CUBA network with ``n`` neurons at fixed mean in-degree 80.

    record_v : number of excitatory neurons whose v is recorded (default none).
    """
    net = Network()
    model = LIFCurrExp(**CELL)
    n_exc = int(round(0.8 * n))
    exc = net.population(n_exc, model, name="exc")
    inh = net.population(n - n_exc, model, name="inh")
    p = min(1.0, IN_DEGREE / n)
    for pop in (exc, inh):
        pop.initialize(v=dist.Uniform(CELL["v_reset"], CELL["v_thresh"]))
        net.record(pop, "spikes")
        # autapses allowed, as in Brian's CUBA example (connect(p=0.02) with no condition)
        net.connect(exc, pop, FixedProbability(p, allow_self=True), weight=W_EXC, receptor="excitatory")
        net.connect(inh, pop, FixedProbability(p, allow_self=True), weight=W_INH, receptor="inhibitory")
    if record_v:
        net.record(exc, "v", indices=range(min(record_v, n_exc)))
    return Example(net, 1000.0, f"CUBA (Vogels & Abbott 2005), {n} neurons")
