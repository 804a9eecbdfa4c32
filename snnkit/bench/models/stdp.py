"""Song, Miller & Abbott (2000): 1000 Poisson inputs onto one LIF neuron through
additive STDP synapses; the competition between inputs drives the weights to a
bimodal distribution (most near 0 or near g_max).

Parameters of Brian2's reproduction of the paper (examples/synapses/STDP.py,
run there for 100 s): inputs at 15 Hz; tau_m 10 ms, E_L -74 mV, threshold -54,
reset -60 mV, no refractory period; tau_e 5 ms and the excitatory input as the
current g_e (E_e - V_r) = g_e 60 mV, g_e in units of the leak conductance;
g_max 0.01; tau_pre = tau_post = 20 ms, A_pre = 0.01 g_max, A_post = -1.05 A_pre,
all-pairs traces, weights clipped to [0, g_max], uniform on it at the start.
Here g_e is the current of an exponential synapse: cm 1 nF (R_m 10 MOhm), so a
weight of g_e is 6 g_e nA.

``n`` is the number of inputs. Sanity: the final weights are U-shaped: each of
the outer tenths [0, 0.1 g_max) and (0.9 g_max, g_max] holds more than twice
the mean share of the middle tenths (0.3-0.7 g_max), where a uniform start has
all alike (measured here after 100 s: 0.29 and 0.20 against 0.05-0.06), and the
neuron fires (1-100 Hz).
"""

from __future__ import annotations

import numpy as np

from ... import distributions as dist
from ...connectivity import AllToAll
from ...examples import Example
from ...model import Network
from ...neurons import LIFCurrExp
from ...plasticity import STDP
from ...sources import Poisson

SIZES = (1000,)
DURATION_MS = 100_000.0
PEERS = ("brian2",)

RATE_HZ = 15.0
G_MAX = 0.01
A_PRE = 0.01 * G_MAX
NA_PER_G = 60.0 / 10.0           # nA of current per unit g_e: (E_e - V_r) / R_m = 60 mV / 10 MOhm
CELL = dict(tau_m=10.0, cm=1.0, v_rest=-74.0, v_reset=-60.0, v_thresh=-54.0, tau_refrac=0.0, tau_syn_E=5.0)


def build(n: int = 1000) -> Example:
    net = Network()
    inputs = net.population(n, Poisson(rate=RATE_HZ), name="inputs")
    neuron = net.population(1, LIFCurrExp(**CELL), name="neuron")
    w_max = G_MAX * NA_PER_G
    rule = STDP(tau_plus=20.0, tau_minus=20.0, A_plus=A_PRE * NA_PER_G, A_minus=1.05 * A_PRE * NA_PER_G,
                w_min=0.0, w_max=w_max, pairing="all")
    net.connect(inputs, neuron, AllToAll(), weight=dist.Uniform(0.0, w_max), receptor="excitatory",
                plasticity=rule, name="plastic")
    net.record(neuron, "spikes")
    return Example(net, DURATION_MS, f"Song, Miller & Abbott (2000) STDP, {n} Poisson inputs")


class Outcome:
    """What the sanity check reads: the neuron's rate and the final weights / g_max."""

    def __init__(self, rate_hz: float, weights):
        self.rate_hz, self.weights = float(rate_hz), np.asarray(weights, float).ravel()


def summarize(sim) -> Outcome:
    projection = next(p for p in sim.network.projections if p.name == "plastic")
    weights = sim.weights(projection)[2]
    return Outcome(float(np.mean(sim.results.rate("neuron"))), weights[0] / (G_MAX * NA_PER_G))


def from_peer(line: dict) -> Outcome:
    """A peer's JSON line: rates["neuron"] and weights (in units of g_max)."""
    return Outcome(line["rates"]["neuron"], line["weights"])


def shares(weights) -> tuple[float, float, float]:
    """Shares of the weights (in units of g_max) in [0, 0.1), in (0.9, 1], and the mean
    share of the four middle tenths [0.3, 0.7)."""
    w = np.asarray(weights, float)
    middle = np.mean([np.mean((w >= lo) & (w < lo + 0.1)) for lo in (0.3, 0.4, 0.5, 0.6)])
    return float(np.mean(w < 0.1)), float(np.mean(w > 0.9)), float(middle)


def sanity(outcome: Outcome, n: int) -> tuple[bool, str]:
    low, high, middle = shares(outcome.weights)
    ok = low > 2 * middle and high > 2 * middle and 1.0 <= outcome.rate_hz <= 100.0
    return ok, (f"weights < 0.1 g_max {low:.2f}, > 0.9 g_max {high:.2f}, middle tenths {middle:.3f} each; "
                f"rate {outcome.rate_hz:.1f} Hz (bimodal: both ends > 2x the middle; 1-100 Hz)")
