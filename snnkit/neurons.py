"""Neuron models of the leaky integrate-and-fire family.

Units everywhere: ms, mV, nA, nF, uS (PyNN's units and, where they exist,
PyNN's parameter names).

All models share one update (see ``backends/numpy_backend.py``), per step dt:

* synaptic state ``syn_E``, ``syn_I`` decays with ``tau_syn_E``/``tau_syn_I``
  (current-based: nA; conductance-based: uS; delta synapses: a voltage jump in mV
  consumed in the step it arrives);
* the membrane integrates exactly for input held constant over the step,
  ``tau_m dv/dt = v_rest - v + R_m (I_syn + i_offset)``, ``R_m = tau_m / cm``
  (``method="euler"`` takes a forward-Euler step instead);
* a neuron spikes when ``v >= v_thresh + theta`` (``>=``: a neuron that lands
  exactly on threshold spikes), then ``v = v_reset`` and v stays clamped at
  ``v_reset`` for the ``round(tau_refrac / dt)`` steps after the spike step (NEST's
  convention; ``refractory_convention="brian2"`` clamps one step fewer, as Brian2 does);
* adaptive threshold: ``theta`` jumps by ``d_theta`` on each spike and decays
  back to 0 with ``tau_theta``;
* additive white noise of stationary standard deviation ``noise_sigma`` (mV):
  with ``method="exact"`` the exact Ornstein-Uhlenbeck increment
  ``noise_sigma * sqrt(1 - exp(-2 dt / tau_m)) * n``, with ``method="euler"``
  Euler-Maruyama ``noise_sigma * sqrt(2 dt / tau_m) * n``, n ~ N(0, 1).

Delta-synapse input that arrives while a neuron is refractory is discarded.
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np

from .distributions import Distribution
from .validation import check_choice, check_rule, fail


# parameter name -> (rule, unit); rules: "positive", "positive_or_inf", "nonnegative", "any"
_COMMON = {
    "tau_m": ("positive", "ms"),
    "cm": ("positive", "nF"),
    "v_rest": ("any", "mV"),
    "v_reset": ("any", "mV"),
    "v_thresh": ("any", "mV"),
    "tau_refrac": ("nonnegative", "ms"),
    "i_offset": ("any", "nA"),
    "d_theta": ("any", "mV"),
    "tau_theta": ("positive", "ms"),
    "noise_sigma": ("nonnegative", "mV"),
}


class NeuronModel:
    """A neuron model: parameter values (scalars, per-neuron arrays, per-instance
    arrays of shape (batch, 1) or (batch, N), or distributions) and the synapse kind.

    Parameters
    ----------
    method : {"exact", "euler"}
        Integration scheme of the membrane (see module docstring).
    refractory_convention : {"nest", "brian2"}
        How many steps after a spike v stays clamped. "nest" (default): the
        ``round(tau_refrac / dt)`` steps after the spike step, as NEST does. "brian2":
        one step fewer, as Brian2's ``(t - lastspike) < refractory`` gives: the neuron
        integrates again from the step at ``t_spike + tau_refrac`` (Brian2's tutorial
        neuron spikes at 37.0 ms where the NEST convention gives 37.1 ms).
    **params
        Values for the names in ``defaults``; an unknown name is an error.
    """

    synapse: ClassVar[str] = "delta"     # "delta" | "curr_exp" | "cond_exp"
    leaky: ClassVar[bool] = True
    defaults: ClassVar[dict] = {}
    rules: ClassVar[dict] = {}
    state_variables: ClassVar[tuple] = ("v", "syn_E", "syn_I", "theta")
    state_units: ClassVar[dict] = {"v": "mV", "theta": "mV"}

    def __init__(self, method: str = "exact", refractory_convention: str = "nest", **params):
        check_choice("method", method, ("exact", "euler"))
        check_choice("refractory_convention", refractory_convention, ("nest", "brian2"))
        self.refractory_convention = refractory_convention
        unknown = sorted(set(params) - set(self.defaults))
        if unknown:
            fail(unknown[0], params[unknown[0]],
                 f"{type(self).__name__} has no parameter of that name; "
                 f"known: {', '.join(sorted(self.defaults))}")
        self.method = method
        self.params = dict(self.defaults)
        self.params.update(params)
        for name, value in self.params.items():
            self._check(name, value)
        if not self.leaky and self._positive_scalar("noise_sigma"):
            fail("noise_sigma", self.params["noise_sigma"],
                 "must be 0 for a non-leaky IF neuron (white noise needs a leak to be stationary)")

    def _positive_scalar(self, name) -> bool:
        value = self.params.get(name, 0.0)
        return isinstance(value, Distribution) or bool(np.any(np.asarray(value, dtype=float) != 0))

    def _check(self, name, value) -> None:
        if isinstance(value, Distribution):
            return
        check_rule(f"{type(self).__name__}.{name}", value, self.rules[name][0])

    def unit(self, variable: str) -> str:
        if variable in ("syn_E", "syn_I"):
            return {"delta": "mV", "curr_exp": "nA", "cond_exp": "uS"}[self.synapse]
        return self.state_units.get(variable, "")

    def __repr__(self) -> str:
        return (f"{type(self).__name__}({self.params!r}, method={self.method!r}, "
                f"refractory_convention={self.refractory_convention!r})")


def parameters_section(cls) -> str:
    """The numpydoc "Parameters" section of a model, made from its own ``defaults``
    and ``rules`` tables (so the docs cannot drift from the code)."""
    rules = {"positive": "> 0", "positive_or_inf": "> 0 (inf allowed)", "nonnegative": ">= 0", "any": "finite"}
    lines = ["Parameters", "----------"]
    for name, default in cls.defaults.items():
        rule, unit = cls.rules[name]
        lines.append(f"{name} : float, {unit}, default {default!r}")
        lines.append(f"    {PARAMETER_MEANINGS.get(name, name)}; {rules[rule]}.")
    lines.append("method : {'exact', 'euler'}, default 'exact'")
    lines.append("    Integration scheme of the membrane.")
    lines.append("refractory_convention : {'nest', 'brian2'}, default 'nest'")
    lines.append("    'nest': v clamped for the round(tau_refrac/dt) steps after the spike step; 'brian2': one fewer.")
    lines.append("")
    lines.append("Every value may be a scalar, one value per neuron, (batch, 1) or (batch, N) per instance,")
    lines.append("or a Distribution (drawn per neuron when the network is built).")
    return "\n".join(lines)


PARAMETER_MEANINGS = {
    "tau_m": "membrane time constant", "cm": "membrane capacitance", "v_rest": "resting potential",
    "v_reset": "reset potential", "v_thresh": "spike threshold", "tau_refrac": "refractory period",
    "i_offset": "constant bias current", "d_theta": "threshold increase per spike",
    "tau_theta": "time constant of the threshold's decay", "noise_sigma": "stationary std of membrane noise",
    "tau_syn_E": "excitatory synaptic time constant", "tau_syn_I": "inhibitory synaptic time constant",
    "e_rev_E": "excitatory reversal potential", "e_rev_I": "inhibitory reversal potential",
}


def document(cls):
    """Append the generated Parameters section to a model class's docstring."""
    section = "\n".join(("    " + line) if line else "" for line in parameters_section(cls).splitlines())
    cls.__doc__ = (cls.__doc__ or "").rstrip() + "\n\n" + section + "\n"
    return cls


@document
class IF(NeuronModel):
    """Perfect (non-leaky) integrate-and-fire with delta synapses:
    ``cm dv/dt = i_offset``; each input spike jumps v by its weight (mV)."""

    synapse = "delta"
    leaky = False
    defaults = {"cm": 1.0, "v_rest": 0.0, "v_reset": 0.0, "v_thresh": 1.0, "tau_refrac": 0.0,
                "i_offset": 0.0, "d_theta": 0.0, "tau_theta": 100.0, "noise_sigma": 0.0}
    rules = _COMMON


@document
class LIF(NeuronModel):
    """Leaky integrate-and-fire with delta synapses (PyNN IF_curr_delta):
    ``tau_m dv/dt = v_rest - v + R_m i_offset``; each input spike jumps v by its weight (mV)."""

    synapse = "delta"
    defaults = {"tau_m": 20.0, "cm": 1.0, "v_rest": -65.0, "v_reset": -65.0, "v_thresh": -50.0,
                "tau_refrac": 0.1, "i_offset": 0.0, "d_theta": 0.0, "tau_theta": 100.0,
                "noise_sigma": 0.0}
    rules = _COMMON


@document
class LIFCurrExp(NeuronModel):
    """LIF with exponentially decaying synaptic currents (PyNN IF_curr_exp).

    ``tau_m dv/dt = v_rest - v + R_m (syn_E + syn_I + i_offset)``,
    ``tau_syn_X dsyn_X/dt = -syn_X``; weights in nA (inhibitory ones negative).
    """

    synapse = "curr_exp"
    defaults = {"tau_m": 20.0, "cm": 1.0, "v_rest": -65.0, "v_reset": -65.0, "v_thresh": -50.0,
                "tau_refrac": 0.1, "i_offset": 0.0, "tau_syn_E": 5.0, "tau_syn_I": 5.0,
                "d_theta": 0.0, "tau_theta": 100.0, "noise_sigma": 0.0}
    rules = {**_COMMON, "tau_syn_E": ("positive", "ms"), "tau_syn_I": ("positive", "ms")}


@document
class LIFCondExp(NeuronModel):
    """LIF with exponentially decaying synaptic conductances (PyNN IF_cond_exp).

    ``cm dv/dt = cm/tau_m (v_rest - v) + g_E (e_rev_E - v) + g_I (e_rev_I - v) + i_offset``;
    weights in uS, >= 0.
    """

    synapse = "cond_exp"
    defaults = {"tau_m": 20.0, "cm": 1.0, "v_rest": -65.0, "v_reset": -65.0, "v_thresh": -50.0,
                "tau_refrac": 0.1, "i_offset": 0.0, "tau_syn_E": 5.0, "tau_syn_I": 5.0,
                "e_rev_E": 0.0, "e_rev_I": -70.0, "d_theta": 0.0, "tau_theta": 100.0,
                "noise_sigma": 0.0}
    rules = {**_COMMON, "tau_syn_E": ("positive", "ms"), "tau_syn_I": ("positive", "ms"),
             "e_rev_E": ("any", "mV"), "e_rev_I": ("any", "mV")}


@document
class AdaptiveLIF(LIFCurrExp):
    """LIFCurrExp whose threshold jumps by ``d_theta`` (mV) on every spike and
    decays back with ``tau_theta`` (ms): ``spike if v >= v_thresh + theta``."""

    defaults = {**LIFCurrExp.defaults, "d_theta": 1.0, "tau_theta": 100.0}
