"""Neurons composed of a membrane and any number of named synaptic receptors
(PyNN's ``PointNeuron(LIF(...), AMPA=CondAlphaPostSynapticResponse(...), ...)``, NEST's
``*_multisynapse`` models), written as one EquationModel.

    model = point_neuron("AdExp", {"AMPA": "cond_alpha", "NMDA": "cond_alpha", "GABAA": "cond_alpha"})
    model(tau_m=10.0, AMPA_tau_syn=1.0, GABAA_e_syn=-70.0)

Membranes (PyNN's names, units and defaults): ``"LIF"`` (leaky integrate-and-fire, v
held at v_reset for tau_refrac: NEST iaf_psc_exp_multisynapse) and ``"AdExp"``
(adaptive exponential, as EIF_cond_exp_isfa_ista: NEST aeif_cond_alpha_multisynapse /
aeif_cond_beta_multisynapse). Receptor kinds, each adding its variables and parameters
under its name ``R``:

- ``curr_exp``: current ``R_isyn`` (nA) jumping by the weight, decaying with R_tau_syn;
- ``cond_exp``: conductance ``R_gsyn`` (uS) likewise, driving ``R_gsyn (R_e_syn - v)``;
- ``cond_alpha``: ``R_gsyn = w t/tau e^(1 - t/tau)`` (peak w at R_tau_syn), helper ``R_y``;
- ``cond_beta``: ``R_gsyn`` the difference of a decaying (R_tau_decay) and a rising
  (R_tau_rise) exponential, scaled so that its peak is w, as NEST's beta synapse.

Integrated exactly when linear (LIF with current receptors), else with rk4.
"""

from __future__ import annotations

from functools import lru_cache

from .library import ADEX_SPIKE, adex_membrane, adex_parameters, lif_parameters
from .model import EquationModel

KINDS = ("curr_exp", "cond_exp", "cond_alpha", "cond_beta")
MEMBRANES = ("LIF", "AdExp")


def point_neuron(membrane: str, receptors: dict) -> EquationModel:
    """An EquationModel of ``membrane`` with ``receptors`` (name -> kind); built once per
    combination."""
    from ..validation import check_choice, fail
    check_choice("membrane", membrane, MEMBRANES)
    if not receptors:
        fail("receptors", receptors, "must name at least one receptor")
    for name, kind in receptors.items():
        if not (isinstance(name, str) and name.isidentifier()):
            fail("receptor name", name, "must be a Python name (it prefixes the receptor's variables)")
        check_choice(f"receptors[{name!r}]", kind, KINDS)
    return _build(membrane, tuple(receptors.items()))


@lru_cache(maxsize=None)
def _build(membrane: str, receptors: tuple) -> EquationModel:
    lines, currents, parameters, on_spike = [], [], {}, {}
    for name, kind in receptors:
        if kind == "curr_exp":
            lines.append(f"d{name}_isyn/dt = -{name}_isyn/{name}_tau_syn : nA")
            currents.append(f"{name}_isyn")
            on_spike[name] = f"{name}_isyn += WEIGHT"
        else:
            currents.append(f"{name}_gsyn*({name}_e_syn - v)")
            parameters[f"{name}_e_syn"] = (0.0, "mV")
        if kind == "cond_exp":
            lines.append(f"d{name}_gsyn/dt = -{name}_gsyn/{name}_tau_syn : uS")
            on_spike[name] = f"{name}_gsyn += WEIGHT"
        elif kind == "cond_alpha":
            lines += [f"d{name}_gsyn/dt = {name}_y - {name}_gsyn/{name}_tau_syn : uS",
                      f"d{name}_y/dt = -{name}_y/{name}_tau_syn : uS/ms"]
            on_spike[name] = f"{name}_y += WEIGHT*exp(1)/{name}_tau_syn"
        elif kind == "cond_beta":
            decay, rise = f"{name}_tau_decay", f"{name}_tau_rise"
            lines += [f"d{name}_decaying/dt = -{name}_decaying/{decay} : uS",
                      f"d{name}_rising/dt = -{name}_rising/{rise} : uS",
                      f"{name}_gsyn = {name}_decaying - {name}_rising : uS"]
            peak = f"({decay}*{rise}/({decay} - {rise}))*log({decay}/{rise})"
            scale = f"1/(exp(-{peak}/{decay}) - exp(-{peak}/{rise}))"
            on_spike[name] = f"{name}_decaying += WEIGHT*{scale}; {name}_rising += WEIGHT*{scale}"
            parameters[decay] = (1.7, "ms", "positive")
            parameters[rise] = (0.2, "ms", "positive")
        if kind != "cond_beta":
            parameters[f"{name}_tau_syn"] = (5.0, "ms", "positive")
    synaptic = " + ".join(currents)
    if membrane == "LIF":
        parameters.update({k: v for k, v in lif_parameters(tau_refrac=0.1).items() if not k.startswith("tau_syn")})
        lines.insert(0, f"dv/dt = (v_rest - v)/tau_m + ({synaptic} + i_offset + I_inject)/cm : mV (unless refractory)")
        threshold, reset = "v >= v_thresh", "v = v_reset"
        linear = all(kind == "curr_exp" for _, kind in receptors)
    else:
        parameters.update(adex_parameters())
        lines[:0] = adex_membrane(synaptic).splitlines()
        threshold, reset = ADEX_SPIKE["threshold"], ADEX_SPIKE["reset"]
        linear = False
    weight = "w" if membrane == "LIF" else "weight"            # AdExp has a state variable w
    receptor_code = {name: code.replace("WEIGHT", weight) for name, code in on_spike.items()}
    return EquationModel("\n".join(lines), threshold=threshold, reset=reset, refractory="tau_refrac",
                         parameters=parameters, initial={"v": "v_rest"}, receptors=receptor_code,
                         weight_symbol=weight, method="exact" if linear else "rk4",
                         name=f"PointNeuron({membrane}, {', '.join(f'{n}={k}' for n, k in receptors)})")
