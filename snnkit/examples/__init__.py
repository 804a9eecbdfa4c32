"""Built-in models: ``snnkit run <name>`` and ``snnkit.examples.build(name)``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from ..model import Network


@dataclass
class Example:
    """A ready network and how long to run it (ms); ``report(sim, output)``, if given, prints
    (and may save) what the demo shows after ``snnkit run`` (output: the HDF5 path or None)."""

    network: Network
    duration: float
    description: str
    report: Callable | None = None


def _registry() -> dict:
    from . import cuba, single_neuron, stdp_neuron
    return {
        "cuba": cuba.build,
        "charging": single_neuron.charging,
        "refractory": single_neuron.refractory,
        "fi_curve": single_neuron.fi_curve,
        "fi_noise": single_neuron.fi_noise,
        "stdp_neuron": stdp_neuron.build,
    }


def names() -> list[str]:
    return list(_registry())


def build(name: str, **kwargs) -> Example:
    registry = _registry()
    if name not in registry:
        from ..validation import fail
        fail("model", name, "must be a script path or one of " + ", ".join(registry))
    return registry[name](**kwargs)
