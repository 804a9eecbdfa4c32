"""The benchmark models of ``snnkit bench``. Each module defines

- ``SIZES``: the default sizes (neurons), ``DURATION_MS``: biological time;
- ``build(n) -> snnkit.examples.Example``: the network at size ``n``;
- ``sanity(results, n) -> (ok, detail)``: the run's output against the
  published (or analytic) behaviour of the model; what it reads is the run's
  Results, or ``summarize(simulator)`` where the model defines it (and for a
  peer's JSON line, ``from_peer(line)``, else its rates and CVs);
- ``PEERS``: which peer simulators have an implementation (snnkit/bench/peers).
"""

from __future__ import annotations

from importlib import import_module

NAMES = ("cuba", "coba", "brunel", "stdp", "microcircuit", "izhikevich", "adex")


def get(name: str):
    if name not in NAMES:
        from ...validation import fail
        fail("model", name, "must be one of " + ", ".join(NAMES) + " (or 'micro' for the kernel microbenchmarks)")
    return import_module(f"{__name__}.{name}")
