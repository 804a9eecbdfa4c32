"""PyNN's composed cell types: ``PointNeuron(LIF(...) or AdExp(...), NAME=<receptor>(...), ...)``
with current or conductance receptors of any names, simulated as one snnkit
EquationModel (snnkit.modeling.composed.point_neuron).

Parameters are flat: the membrane's (``tau_m``) and each receptor's as
``"NAME.param"`` (``pop.get("GABAA.e_syn")``); the receptor's variable records as
``"NAME.gsyn"`` or ``"NAME.isyn"``; a Projection's ``receptor_type`` is a receptor's
name. Every combination of a membrane and receptor kinds runs (pyNN.nest has a NEST
model for some: LIF with current receptors, iaf_psc_exp_multisynapse; AdExp with alpha
or beta conductances, aeif_cond_*_multisynapse).
"""

from __future__ import annotations

import numpy as np
from pyNN.parameters import ParameterSpace
from pyNN.standardmodels import build_translations, cells, receptors


def _identity(names):
    return build_translations(*[(n, n) for n in names])


class LIF(cells.LIF):
    __doc__ = cells.LIF.__doc__
    translations = _identity(cells.LIF.default_parameters)
    snnkit_membrane = "LIF"


class AdExp(cells.AdExp):
    __doc__ = cells.AdExp.__doc__
    translations = _identity(cells.AdExp.default_parameters)
    snnkit_membrane = "AdExp"


def _receptor(base, kind: str, variable: str):
    class Receptor(base):
        __doc__ = base.__doc__
        translations = _identity(base.default_parameters)
        recordable = [variable]
        snnkit_kind = kind
    Receptor.__name__ = Receptor.__qualname__ = base.__name__
    return Receptor


CurrExpPostSynapticResponse = _receptor(receptors.CurrExpPostSynapticResponse, "curr_exp", "isyn")
CondExpPostSynapticResponse = _receptor(receptors.CondExpPostSynapticResponse, "cond_exp", "gsyn")
CondAlphaPostSynapticResponse = _receptor(receptors.CondAlphaPostSynapticResponse, "cond_alpha", "gsyn")
CondBetaPostSynapticResponse = _receptor(receptors.CondBetaPostSynapticResponse, "cond_beta", "gsyn")
ExpPSR, AlphaPSR, BetaPSR = CondExpPostSynapticResponse, CondAlphaPostSynapticResponse, CondBetaPostSynapticResponse


class PointNeuron(cells.PointNeuron):
    __doc__ = cells.PointNeuron.__doc__

    def __init__(self, neuron, **post_synaptic_receptors):
        if not hasattr(neuron, "snnkit_membrane"):
            raise NotImplementedError(f"snnkit_pynn: PointNeuron takes LIF or AdExp, not {type(neuron).__name__}")
        for name, psr in post_synaptic_receptors.items():
            if not hasattr(psr, "snnkit_kind"):
                raise NotImplementedError(f"snnkit_pynn: receptor {name} is a {type(psr).__name__}; available: "
                                          "CurrExp-, CondExp-, CondAlpha-, CondBetaPostSynapticResponse")
        super().__init__(neuron, **post_synaptic_receptors)
        flat = dict(self._flat_items())
        self.default_parameters = flat
        self.translations = _identity(flat)

    def _flat_items(self):
        yield from self.neuron.parameter_space.items()
        for name in self.receptor_types:
            for param, value in self.post_synaptic_receptors[name].parameter_space.items():
                if param != "locations":                 # (multicompartment only)
                    yield f"{name}.{param}", value

    @property
    def conductance_based(self) -> bool:
        """Any conductance receptor (snnkit mixes them with current ones; PyNN refuses)."""
        return any(psr.conductance_based for psr in self.post_synaptic_receptors.values())

    @property
    def native_parameters(self):
        return ParameterSpace(dict(self._flat_items()), self.get_schema())

    def get_schema(self):
        return {k: float for k in self.translations}

    def get_native_names(self, *names):
        return list(names) if names else list(self.translations)

    def reverse_translate(self, native_parameters):
        return native_parameters

    @property
    def snnkit_variables(self) -> dict:
        """PyNN's recordable names -> the composed model's variables."""
        out = {"v": "v"}
        if self.neuron.snnkit_membrane == "AdExp":
            out["w"] = "w"
        for name, psr in self.post_synaptic_receptors.items():
            for variable in psr.recordable:
                out[f"{name}.{variable}"] = f"{name}_{variable}"
        return out

    def snnkit_receptor(self, receptor_type: str) -> str:
        if receptor_type not in self.post_synaptic_receptors:
            raise ValueError(f"receptor_type {receptor_type!r} is not a receptor of this PointNeuron; "
                             f"it has {', '.join(self.receptor_types)}")
        return receptor_type

    def snnkit_model(self, pop, dt):
        from snnkit.modeling.composed import point_neuron
        model = point_neuron(self.neuron.snnkit_membrane,
                             {name: self.post_synaptic_receptors[name].snnkit_kind for name in self.receptor_types})
        values = {name.replace(".", "_"): np.asarray(pop._parameters[name], dtype=float) * np.ones(pop.size)
                  for name in self.translations}
        return model(**values)
