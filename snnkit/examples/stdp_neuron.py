"""One conductance-based neuron driven by 1000 Poisson inputs through STDP synapses
(after Song, Miller & Abbott 2000): potentiation and depression compete, so the
weights spread out from their common start towards the bounds."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ..connectivity import AllToAll
from ..model import Network
from ..neurons import LIFCondExp
from ..plasticity import STDP
from ..sources import Poisson
from . import Example

G_LEAK = 0.01                 # uS: cm 0.2 nF / tau_m 20 ms
G_MAX = 0.015 * G_LEAK        # uS, the upper weight bound (Song et al.: 0.015 g_leak)


def build(n_inputs: int = 1000, rate_hz: float = 10.0) -> Example:
    net = Network()
    inputs = net.population(n_inputs, Poisson(rate=rate_hz), name="inputs")
    neuron = net.population(1, LIFCondExp(tau_m=20.0, cm=0.2, v_rest=-70.0, v_reset=-60.0,
                                           v_thresh=-54.0, tau_refrac=0.0, tau_syn_E=5.0,
                                           e_rev_E=0.0), name="neuron")
    # Song et al. use A_plus = 0.005 g_max (minutes of simulated time to converge);
    # 0.03 g_max shows the competition within the demo's 2 s. A_minus / A_plus = 1.05 as theirs.
    rule = STDP(tau_plus=20.0, tau_minus=20.0, A_plus=0.03 * G_MAX, A_minus=0.0315 * G_MAX,
                w_min=0.0, w_max=G_MAX)
    net.connect(inputs, neuron, AllToAll(), weight=0.5 * G_MAX, receptor="excitatory",
                plasticity=rule, name="input_synapses")
    net.record(neuron, "spikes")
    net.record(neuron, "v")
    return Example(net, 2000.0, f"{n_inputs} Poisson inputs at {rate_hz} Hz onto one neuron with STDP",
                   report=report_weights)


def report_weights(sim, output) -> None:
    """Print the final weight distribution (fractions of w_max in 10 bins) and save it
    beside the output (``<output>.weights.npz``: pre, post, weight uS)."""
    projection = next(p for p in sim.network.projections if p.name == "input_synapses")
    pre, post, weight = sim.weights(projection)
    weight = np.asarray(weight).reshape(-1, pre.size)[0]
    counts, edges = np.histogram(weight / G_MAX, bins=10, range=(0.0, 1.0))
    print("  final weights, fraction of w_max: synapses per bin")
    for count, low in zip(counts, edges):
        print(f"    {low:3.1f}-{low + 0.1:3.1f}  {count:5d}  {'#' * int(round(50 * count / max(1, counts.max())))}")
    if output:
        path = Path(output).with_suffix(".weights.npz")
        np.savez(path, pre=pre, post=post, weight_uS=weight)
        print(f"  weights saved to {path}")
