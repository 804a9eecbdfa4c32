"""The units a synapse model is checked against: the weight's (the receptor's) and
the neurons' variables (``v_post``, ``x_pre``), for every kind of neuron model."""

from __future__ import annotations

from .units import parse_unit

# the hand-written LIF family: the weight's unit by synapse type (snnkit.neurons)
LIF_WEIGHT_UNITS = {"delta": "mV", "curr_exp": "nA", "cond_exp": "uS"}


def weight_unit(model, receptor: int):
    """The unit of the weights a projection sends to ``receptor`` (its index) of ``model``."""
    if getattr(model, "is_equation_model", False):
        return model.weight_units[list(model.receptors)[receptor]]
    return parse_unit(LIF_WEIGHT_UNITS[model.synapse])


def neuron_units(model) -> dict:
    """variable -> Unit of every state variable a synapse model may read (none for a source)."""
    if getattr(model, "is_equation_model", False):
        return {x: model.all_units[x] for x in model.state_variables}
    variables = getattr(model, "state_variables", ())
    return {x: parse_unit(model.unit(x) or "1") for x in variables}
