"""Izhikevich (2003), "Simple model of spiking neurons": 1000 neurons (800 excitatory
regular/chattering, 200 inhibitory fast-spiking), all-to-all random coupling
(excitatory weights 0.5 u, inhibitory -u, u uniform in [0, 1), mV jumps, delay 1 ms)
and thalamic noise. The original draws the noise once a millisecond (5 mV x N(0, 1)
into excitatory, 2 mV into inhibitory cells, dt 1 ms); here it is white noise of the
same variance per millisecond (``sigma sqrt(ms) xi``, sigma 5 / 2 mV/ms) at dt 0.1 ms,
integrated by Euler-Maruyama, in snnkit and Brian2 alike; NEST's izhikevich neurons
get a noise_generator (std 5 / 2 pA, read by NEST as mV/ms, redrawn every 1 ms).
The network shows the paper's rhythms; the check is a mean rate of 2-60 Hz.
"""

from __future__ import annotations

from ...connectivity import AllToAll
from ...examples import Example
from ...model import Network
from .sanity import rates_and_cv

SIZES = (1000,)
DURATION_MS = 1000.0
PEERS = ("brian2", "nest")


def model():
    from ...modeling import EquationModel
    return EquationModel("""
        dv/dt = (0.04/mV)*v*v/ms + 5*v/ms + 140*mV/ms - u + sigma*sqrt(ms)*xi : mV
        du/dt = a*(b*v - u) : mV/ms
    """, threshold="v >= 30*mV", reset="v = c; u += d",
        parameters={"a": (0.02, "1/ms"), "b": (0.2, "1/ms"), "c": (-65.0, "mV"), "d": (8.0, "mV/ms"),
                    "sigma": (5.0, "mV/ms")},
        initial={"v": -65.0, "u": "b*v"}, receptors={"input": "v += w"}, method="euler", name="izhikevich2003")


def parameters(n: int, seed: int = 1) -> dict:
    """The paper's heterogeneous parameters and weights (one draw, shared by every
    simulator: the peers' module holds it, as they run without snnkit)."""
    from ..peers.equation_models import izhikevich_parameters
    return izhikevich_parameters(n, seed)


def build(n: int = 1000) -> Example:
    p = parameters(n)
    n_exc = p["n_exc"]
    net = Network()
    cells = model()
    exc = net.population(n_exc, cells(**{k: p[k][:n_exc] for k in "abcd"}, sigma=p["sigma"][:n_exc]), name="exc")
    inh = net.population(n - n_exc, cells(**{k: p[k][n_exc:] for k in "abcd"}, sigma=p["sigma"][n_exc:]),
                         name="inh")
    for pop, offset in ((exc, 0), (inh, n_exc)):
        net.record(pop, "spikes")
        # AllToAll's order: pre-major (every post of pre 0, then pre 1, ...)
        for pre, w in ((exc, p["w_exc"]), (inh, p["w_inh"])):
            net.connect(pre, pop, AllToAll(allow_self=True), weight=w[:, offset:offset + pop.size].ravel(),
                        delay=1.0, receptor="input")
    return Example(net, DURATION_MS, f"Izhikevich (2003), {n} neurons")


def sanity(results, n: int) -> tuple[bool, str]:
    return rates_and_cv(results, ("exc", "inh"), (2.0, 60.0), min_cv=0.0)
