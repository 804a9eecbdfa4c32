"""Classic single-neuron demonstrations with closed-form answers.

charging   dv/dt = (1 - v)/tau, tau = 10 ms, threshold 0.8, reset 0:
           spikes every tau ln 5 = 16.09 ms (16.1 ms on the 0.1 ms grid)
refractory the same with a 5 ms refractory period: 5 + 16.09 ms
fi_curve   100 LIF neurons with bias currents 0..5 nA: the rate is 0 below the
           rheobase (v_thresh - v_rest)/R = 1.5 nA and 1/(t_ref + tau ln(RI/(RI - 15 mV))) above
fi_noise   the same with membrane noise (sigma 2 mV): the curve is smoothed and
           neurons below rheobase fire too
"""

from __future__ import annotations

import numpy as np

from ..model import Network
from ..neurons import LIF
from . import Example

CHARGING = dict(tau_m=10.0, cm=10.0, v_rest=1.0, v_reset=0.0, v_thresh=0.8, tau_refrac=0.0)
FI = dict(tau_m=10.0, cm=1.0, v_rest=-65.0, v_reset=-65.0, v_thresh=-50.0, tau_refrac=2.0)
FI_CURRENTS = np.linspace(0.0, 5.0, 100)       # nA


def _single(params: dict, description: str) -> Example:
    net = Network()
    neuron = net.population(1, LIF(**params), name="neuron").initialize(v=0.0)
    net.record(neuron, "spikes")
    net.record(neuron, "v")
    return Example(net, 100.0, description)


def charging() -> Example:
    return _single(CHARGING, "exponential charging to threshold 0.8 with reset to 0 (tau 10 ms)")


def refractory() -> Example:
    return _single(dict(CHARGING, tau_refrac=5.0), "charging with a 5 ms refractory period")


def fi_curve(noise_sigma: float = 0.0) -> Example:
    net = Network()
    pop = net.population(FI_CURRENTS.size, LIF(**FI, i_offset=FI_CURRENTS, noise_sigma=noise_sigma),
                         name="neurons")
    net.record(pop, "spikes")
    return Example(net, 1000.0, f"f-I curve of 100 LIF neurons, 0-5 nA (noise {noise_sigma} mV)",
                   report=lambda sim, output: print_fi_curve(sim.results, noise_sigma))


def print_fi_curve(results, noise_sigma: float) -> None:
    """Print the measured f-I curve (every 10th current) beside the noiseless closed form."""
    counts = results.spikes["neurons"].counts()[0]
    rates = counts / (results.duration / 1000.0)
    theory = fi_closed_form(FI_CURRENTS)
    print(f"  f-I curve (noise {noise_sigma:g} mV): current nA -> rate Hz (closed form without noise)")
    for i in range(0, FI_CURRENTS.size, 11):
        print(f"    {FI_CURRENTS[i]:5.2f} nA  {rates[i]:7.1f} Hz  ({theory[i]:6.1f})")


def fi_noise() -> Example:
    return fi_curve(noise_sigma=2.0)


def fi_closed_form(current_nA, tau_m=FI["tau_m"], cm=FI["cm"], v_rest=FI["v_rest"],
                   v_reset=FI["v_reset"], v_thresh=FI["v_thresh"], tau_refrac=FI["tau_refrac"]):
    """Firing rate (Hz) of a noiseless LIF driven by a constant current (nA)."""
    v_inf = v_rest + tau_m / cm * np.asarray(current_nA, dtype=float)
    rate = np.zeros_like(v_inf)
    fires = v_inf > v_thresh
    period = tau_refrac + tau_m * np.log((v_inf[fires] - v_reset) / (v_inf[fires] - v_thresh))
    rate[fires] = 1000.0 / period
    return rate
