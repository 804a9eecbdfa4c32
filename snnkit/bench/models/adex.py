"""A network of 4000 AdEx neurons (EIF_cond_exp_isfa_ista with PyNN's defaults,
tau_refrac 2 ms): 80 % excitatory, random connectivity with mean in-degree 80,
exponential conductances of 6 nS / 67 nS (COBA's weights, reversal 0 / -80 mV,
tau_syn 5 / 10 ms), delay 1 ms, and a constant drive i_offset uniform in
[0.6, 0.9) nA (above the 0.55 nA rheobase), so the cells fire and adapt while
the recurrent inhibition shapes the rates. rk4 at dt 0.1 ms in snnkit and Brian2;
NEST's aeif_cond_exp integrates with adaptive RKF45. The check: 1-100 Hz.
"""

from __future__ import annotations

from ...connectivity import FixedProbability
from ...examples import Example
from ...model import Network
from .sanity import rates_and_cv

SIZES = (4000,)
DURATION_MS = 1000.0
PEERS = ("brian2", "nest")
CELL = dict(tau_refrac=2.0, tau_syn_E=5.0, tau_syn_I=10.0)
W_EXC, W_INH = 0.006, 0.067        # uS
IN_DEGREE = 80.0


def drive(n: int, seed: int = 1):
    """i_offset (nA) of every neuron, as the peers draw it (snnkit/bench/peers/equation_models.py)."""
    from ..peers.equation_models import adex_drive
    return adex_drive(n, seed)


def build(n: int = 4000) -> Example:
    from ...modeling import library
    n_exc = int(round(0.8 * n))
    current = drive(n)
    net = Network()
    exc = net.population(n_exc, library.EIF_cond_exp_isfa_ista(**CELL, i_offset=current[:n_exc]), name="exc")
    inh = net.population(n - n_exc, library.EIF_cond_exp_isfa_ista(**CELL, i_offset=current[n_exc:]), name="inh")
    p = min(1.0, IN_DEGREE / n)
    for pop in (exc, inh):
        net.record(pop, "spikes")
        net.connect(exc, pop, FixedProbability(p, allow_self=True), weight=W_EXC, delay=1.0, receptor="excitatory")
        net.connect(inh, pop, FixedProbability(p, allow_self=True), weight=W_INH, delay=1.0, receptor="inhibitory")
    return Example(net, DURATION_MS, f"AdEx network, {n} neurons")


def sanity(results, n: int) -> tuple[bool, str]:
    return rates_and_cv(results, ("exc", "inh"), (1.0, 100.0), min_cv=0.0)
