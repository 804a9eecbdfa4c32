"""CUBA (Vogels & Abbott 2005; Brette et al. 2007 benchmark 2): snnkit.examples.cuba.

Mean in-degree 80 at every size. Published behaviour: self-sustained
asynchronous irregular activity; Brian2 and NEST give about 5.6 Hz with these
parameters (ANCHORS.md), so the check is 3-10 Hz with ISI CV >= 0.3 (about 5 spikes per neuron in
1 s bias the CV low: 0.62 over 2 s, about 0.5 over 1 s).
"""

from __future__ import annotations

from ...examples import cuba
from .sanity import rates_and_cv

SIZES = (4000, 40000)
DURATION_MS = 1000.0
PEERS = ("brian2", "nest")


def build(n: int):
    return cuba.build(n)


def sanity(results, n: int) -> tuple[bool, str]:
    return rates_and_cv(results, ("exc", "inh"), (3.0, 10.0), min_cv=0.3)
