"""COBA (Vogels & Abbott 2005; Brette et al. 2007 benchmark 1).

4000 LIF neurons with exponential conductance synapses (80 % excitatory),
random connectivity with mean in-degree 80 at every size, no external input:
self-sustained activity from random initial voltages and conductances
(normal, 40 +- 15 nS and 200 +- 120 nS, as in Brian2's example). Parameters of PyNN's
VAbenchmarks.py (COBA) and Brian2's COBA example: cm 0.2 nF, tau_m 20 ms
(g_leak 10 nS), E_rest -60, threshold -50, reset -60 mV, refractory 5 ms,
tau_syn 5 / 10 ms, E_rev 0 / -80 mV, weights 6 nS / 67 nS, delay one step.
Brian2 and NEST report about 10-25 Hz for this network (the rate depends on the
random connectivity and the initial state); the check is 5-40 Hz, CV >= 0.5,
and the peers, when run, give the number to compare in the same table.
"""

from __future__ import annotations

from ... import distributions as dist
from ...connectivity import FixedProbability
from ...examples import Example
from ...model import Network
from ...neurons import LIFCondExp
from .sanity import rates_and_cv

SIZES = (4000, 40000)
DURATION_MS = 1000.0
PEERS = ("brian2", "nest")

CELL = dict(tau_m=20.0, cm=0.2, v_rest=-60.0, v_reset=-60.0, v_thresh=-50.0, tau_refrac=5.0,
            tau_syn_E=5.0, tau_syn_I=10.0, e_rev_E=0.0, e_rev_I=-80.0)
W_EXC = 0.006     # uS (6 nS)
W_INH = 0.067     # uS (67 nS)
IN_DEGREE = 80.0


def build(n: int = 4000) -> Example:
    net = Network()
    model = LIFCondExp(**CELL)
    n_exc = int(round(0.8 * n))
    exc = net.population(n_exc, model, name="exc")
    inh = net.population(n - n_exc, model, name="inh")
    p = min(1.0, IN_DEGREE / n)
    for pop in (exc, inh):
        # Brian2's COBA example: random initial conductances start the activity
        pop.initialize(v=dist.Uniform(CELL["v_reset"], CELL["v_thresh"]),
                       syn_E=dist.Normal(0.04, 0.015), syn_I=dist.Normal(0.2, 0.12))
        net.record(pop, "spikes")
        net.connect(exc, pop, FixedProbability(p, allow_self=True), weight=W_EXC, receptor="excitatory")
        net.connect(inh, pop, FixedProbability(p, allow_self=True), weight=W_INH, receptor="inhibitory")
    return Example(net, DURATION_MS, f"COBA (Vogels & Abbott 2005), {n} neurons")


def sanity(results, n: int) -> tuple[bool, str]:
    return rates_and_cv(results, ("exc", "inh"), (5.0, 40.0))
