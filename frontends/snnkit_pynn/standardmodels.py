"""PyNN standard cell and synapse types, translated to snnkit (current sources:
electrodes.py).

snnkit uses PyNN's units (ms, mV, nA, nF, uS) and PyNN's parameter names, so the
translation tables are the identity; what differs is which snnkit model a cell type
becomes (``snnkit_model``): IF_curr_delta the hand-written sk.LIF, the rest the
equation library's models, integrated as NEST integrates them. Types snnkit cannot
simulate are present but raise NotImplementedError when used, saying why.
"""

from __future__ import annotations

import logging
import math

import numpy as np
from pyNN.parameters import ArrayParameter, Sequence
from pyNN.standardmodels import build_translations, cells, synapses

import snnkit as sk

from .simulator import state

logger = logging.getLogger("PyNN")


def identity(names):
    return build_translations(*[(n, n) for n in names])


def native(pop, names) -> dict:
    """The population's values of ``names`` as float arrays (one per neuron)."""
    return {n: np.asarray(pop._parameters[n], dtype=float) * np.ones(pop.size) for n in names}


def _lif(model_class):
    def snnkit_model(self, pop, dt):
        return model_class(**native(pop, self.default_parameters))
    return snnkit_model


class IF_curr_delta(cells.IF_curr_delta):
    __doc__ = cells.IF_curr_delta.__doc__
    translations = identity(cells.IF_curr_delta.default_parameters)
    snnkit_model = _lif(sk.LIF)


class SpikeSourcePoisson(cells.SpikeSourcePoisson):
    __doc__ = cells.SpikeSourcePoisson.__doc__
    translations = identity(cells.SpikeSourcePoisson.default_parameters)

    def snnkit_model(self, pop, dt):
        p = native(pop, self.default_parameters)
        stop = p["start"] + p["duration"]
        stop = np.where(p["duration"] >= 1e9, math.inf, stop)     # PyNN's "for ever" is 1e10 ms
        return sk.Poisson(p["rate"], start=p["start"], stop=stop)


class SpikeSourceArray(cells.SpikeSourceArray):
    __doc__ = cells.SpikeSourceArray.__doc__
    translations = identity(cells.SpikeSourceArray.default_parameters)

    @staticmethod
    def trains(pop) -> list:
        trains = pop._parameters["spike_times"]
        if isinstance(trains, Sequence):
            trains = [trains] * pop.size
        return [np.asarray(t.value if isinstance(t, Sequence) else t, dtype=float) for t in trains]

    def check(self, pop) -> None:
        """Unsorted times are refused, as pyNN.nest does (NEST refuses them)."""
        from pyNN.errors import InvalidParameterValueError
        for train in self.trains(pop):
            if np.any(np.diff(train) < 0):
                raise InvalidParameterValueError("Spike times given to SpikeSourceArray must be in increasing "
                                                 f"order, got {train.tolist()[:8]}")

    def snnkit_model(self, pop, dt):
        return sk.SpikeTimes([on_grid(train, dt) for train in self.trains(pop)])


def on_grid(times, dt: float) -> np.ndarray:
    """Spike times as pyNN.nest delivers them to a neuron: a time within a step counts at
    its end (NEST's precise spike_generator feeds on-grid models the step that holds the
    time), one on the grid where it is."""
    return np.ceil(np.round(np.asarray(times, float) / dt, 6)) * dt


def unsupported(base, why: str):
    """A cell or synapse type of PyNN's standard library that snnkit does not simulate."""
    class Unsupported(base):
        __doc__ = base.__doc__
        snnkit_unsupported = True

        def __init__(self, *args, **kwargs):
            raise NotImplementedError(f"{base.__name__} is not available in snnkit_pynn: {why}")
    Unsupported.__name__ = Unsupported.__qualname__ = base.__name__
    return Unsupported


# -- the cell types of snnkit's equation library (snnkit.modeling.library), PyNN's names and units --

def _library_values(pop, names) -> dict:
    """native() for the library models: PyNN's array parameters (GIF's tau_eta ...) become
    one parameter per element (tau_eta1, tau_eta2, ...), one value per neuron each."""
    out = {}
    for name in names:
        value = pop._parameters[name]
        arrays = (ArrayParameter, Sequence)
        items = value if isinstance(value, np.ndarray) and value.dtype == object else None
        if isinstance(value, arrays) or (items is not None and len(items) and isinstance(items[0], arrays)):
            rows = [np.asarray(v.value, float) for v in (items if items is not None else [value] * pop.size)]
            table = np.vstack(rows) * np.ones((pop.size, 1))
            for k in range(table.shape[1]):
                out[f"{name}{k + 1}"] = table[:, k]
        else:
            out[name] = np.asarray(value, dtype=float) * np.ones(pop.size)
    return out


def _library_cell(base, make, variables: dict, rename: dict | None = None):
    """A PyNN cell type simulated by the library model ``make``; variables: PyNN's
    recordable name -> the model's; rename: PyNN parameter -> the model's."""
    rename = rename or {}

    class LibraryCell(base):
        __doc__ = base.__doc__
        translations = identity(base.default_parameters)
        snnkit_variables = dict(variables)

        def snnkit_model(self, pop, dt):
            values = _library_values(pop, self.default_parameters)
            if "duration" in values:                      # the sources' PyNN window
                stop = values["start"] + values.pop("duration")
                values["stop"] = np.where(stop >= 1e9, math.inf, stop)
            return make()(**{rename.get(k, k): v for k, v in values.items()})
    LibraryCell.__name__ = LibraryCell.__qualname__ = base.__name__
    return LibraryCell


def _library(name):
    from snnkit.modeling import library
    return getattr(library, name)


def _lazy(name):
    return lambda: _library(name)


CURRENT = {"v": "v", "isyn_exc": "I_E", "isyn_inh": "I_I"}
CONDUCTANCE = {"v": "v", "gsyn_exc": "g_E", "gsyn_inh": "g_I"}
# IF_curr_exp and IF_cond_exp as NEST integrates them (iaf_psc_exp exactly, iaf_cond_exp
# by a Runge-Kutta method): the equation library's, not sk.LIFCurrExp / sk.LIFCondExp,
# whose hand-written kernels hold a step's synaptic input at its decayed value
IF_curr_exp = _library_cell(cells.IF_curr_exp, _lazy("IF_curr_exp"), CURRENT)
IF_curr_exp.recordable = ["spikes", "v", "isyn_exc", "isyn_inh"]
IF_cond_exp = _library_cell(cells.IF_cond_exp, _lazy("IF_cond_exp"), CONDUCTANCE)
IF_curr_alpha = _library_cell(cells.IF_curr_alpha, _lazy("IF_curr_alpha"), CURRENT)
IF_cond_alpha = _library_cell(cells.IF_cond_alpha, _lazy("IF_cond_alpha"), CONDUCTANCE)
EIF_cond_exp_isfa_ista = _library_cell(cells.EIF_cond_exp_isfa_ista, _lazy("EIF_cond_exp_isfa_ista"),
                                       dict(CONDUCTANCE, w="w"))
EIF_cond_alpha_isfa_ista = _library_cell(cells.EIF_cond_alpha_isfa_ista, _lazy("EIF_cond_alpha_isfa_ista"),
                                         dict(CONDUCTANCE, w="w"))
HH_cond_exp = _library_cell(cells.HH_cond_exp, _lazy("HH_cond_exp"), dict(CONDUCTANCE, m="m", h="h", n="n"))
Izhikevich = _library_cell(cells.Izhikevich, _lazy("Izhikevich"), {"v": "v", "u": "u"})
IF_cond_exp_gsfa_grr = _library_cell(cells.IF_cond_exp_gsfa_grr, _lazy("IF_cond_exp_gsfa_grr"),
                                     dict(CONDUCTANCE, g_r="g_r", g_s="g_s"))
GIF_cond_exp = _library_cell(cells.GIF_cond_exp, _lazy("GIF_cond_exp"), dict(CONDUCTANCE, i_eta="i_eta", v_t="v_t"))
SpikeSourceGamma = _library_cell(cells.SpikeSourceGamma, _lazy("SpikeSourceGamma"), {})
SpikeSourcePoissonRefractory = _library_cell(cells.SpikeSourcePoissonRefractory,
                                             _lazy("SpikeSourcePoissonRefractory"), {})


# PyNN's other standard types: present, so scripts see NotImplementedError with a reason
IF_facets_hardware1 = unsupported(cells.IF_facets_hardware1, "a hardware model (BrainScaleS) without a "
                                  "software definition in PyNN")
SpikeSourceInhGamma = unsupported(cells.SpikeSourceInhGamma, "not yet (issue 20): use SpikeSourceGamma per "
                                  "interval, or sk.InhomogeneousPoisson")
MultiCompartmentNeuron = unsupported(cells.MultiCompartmentNeuron, "snnkit simulates point neurons")
StochasticTsodyksMarkramSynapse = unsupported(synapses.StochasticTsodyksMarkramSynapse, "not yet (issue 20): "
                                              "TsodyksMarkramSynapse is available")
MultiQuantalSynapse = unsupported(synapses.MultiQuantalSynapse, "not yet (issue 20)")
Vogels2011Rule = unsupported(synapses.Vogels2011Rule, "not yet through PyNN (issue 20); the rule is "
                             "snnkit.modeling.synapse_library.VogelsSprekelerSynapse")
ElectricalSynapse = unsupported(synapses.ElectricalSynapse, "gap junctions are not available")


def snnkit_variable(celltype, name: str):
    """The snnkit variable a PyNN recordable of ``celltype`` is (None: not recordable)."""
    from .simulator import STATE_NAMES
    return getattr(celltype, "snnkit_variables", STATE_NAMES).get(name)


# -- synapses -----------------------------------------------------------------------

def _minimum_delay(self):
    return state.dt if state.min_delay == "auto" else state.min_delay


class StaticSynapse(synapses.StaticSynapse):
    __doc__ = synapses.StaticSynapse.__doc__
    translations = identity(["weight", "delay"])
    _get_minimum_delay = _minimum_delay


class STDPMechanism(synapses.STDPMechanism):
    __doc__ = synapses.STDPMechanism.__doc__
    base_translations = identity(["weight", "delay", "dendritic_delay_fraction"])
    _get_minimum_delay = _minimum_delay

    def snnkit_rule(self):
        """The rule as pyNN.nest runs it: NEST's stdp_synapse (snnkit.modeling.synapse_library's
        STDPSynapse: spikes paired where they reach the synapse, the delay dendritic as
        ``dendritic_delay_fraction`` says), with pyNN.nest's translation: lambda = A_plus,
        alpha = A_minus / A_plus, mu by the weight dependence. One set of parameters per
        projection. A non-zero w_min (which NEST refuses) falls back to the hand-written
        sk.STDP, whose pairing ignores the delay."""
        td, wd = self.timing_dependence, self.weight_dependence
        if self.voltage_dependence is not None:
            raise NotImplementedError("snnkit_pynn: voltage-dependent STDP is not available")
        if not isinstance(td, SpikePairRule):
            raise NotImplementedError(f"snnkit_pynn: timing dependence {type(td).__name__} is not available; "
                                      "use SpikePairRule")
        values = {}
        for part in (td, wd):
            space = part.parameter_space
            space.shape = (1,)
            space.evaluate(simplify=True)
            for name, value in space.items():
                v = np.unique(np.asarray(value, dtype=float))
                if v.size != 1:
                    raise NotImplementedError(f"snnkit_pynn: {name} must be one value per projection")
                values[name] = float(v[0])
        mu = {AdditiveWeightDependence: (0.0, 0.0), MultiplicativeWeightDependence: (1.0, 1.0),
              AdditivePotentiationMultiplicativeDepression: (0.0, 1.0)}.get(type(wd))
        if isinstance(wd, GutigWeightDependence):
            mu = (values["mu_plus"], values["mu_minus"])
        if mu is None:
            raise NotImplementedError(f"snnkit_pynn: weight dependence {type(wd).__name__} is not available")
        if values["w_min"] != 0.0:
            return self._hand_written(values, wd)
        if values["A_plus"] == 0.0 and values["A_minus"] != 0.0:
            raise NotImplementedError("snnkit_pynn: A_plus = 0 with A_minus > 0 has no stdp_synapse form "
                                      "(NEST's alpha = A_minus / A_plus)")
        from snnkit.modeling.synapse_library import STDPSynapse
        return STDPSynapse(tau_plus=values["tau_plus"], tau_minus=values["tau_minus"], lambda_=values["A_plus"],
                           alpha=values["A_minus"] / values["A_plus"] if values["A_plus"] else 0.0,
                           mu_plus=mu[0], mu_minus=mu[1], w_max=values["w_max"])

    @staticmethod
    def _hand_written(values: dict, wd) -> sk.STDP:
        if isinstance(wd, AdditiveWeightDependence):
            # PyNN's A_plus / A_minus are fractions of w_max
            a_plus, a_minus, dependence = values["A_plus"] * values["w_max"], values["A_minus"] * values["w_max"], \
                "additive"
        elif isinstance(wd, MultiplicativeWeightDependence):
            a_plus, a_minus, dependence = values["A_plus"], values["A_minus"], "multiplicative"
        else:
            raise NotImplementedError(f"snnkit_pynn: {type(wd).__name__} with w_min != 0 is not available "
                                      "(NEST's stdp_synapse has no w_min)")
        logger.warning("snnkit_pynn: w_min != 0: the hand-written STDP, which pairs spikes at their emission "
                       "times (the delay does not enter the timing rule)")
        return sk.STDP(tau_plus=values["tau_plus"], tau_minus=values["tau_minus"], A_plus=a_plus,
                       A_minus=a_minus, w_min=values["w_min"], w_max=values["w_max"],
                       weight_dependence=dependence, pairing="all")


class SpikePairRule(synapses.SpikePairRule):
    __doc__ = synapses.SpikePairRule.__doc__
    translations = identity(["tau_plus", "tau_minus", "A_plus", "A_minus"])
    possible_models = {"stdp"}


def _weight_dependence(base, names=("w_min", "w_max")):
    """A PyNN weight dependence of an STDPMechanism (its parameters under PyNN's names)."""
    class WeightDependence(base):
        __doc__ = base.__doc__
        translations = identity(list(names))
        possible_models = {"stdp"}
    WeightDependence.__name__ = WeightDependence.__qualname__ = base.__name__
    return WeightDependence


AdditiveWeightDependence = _weight_dependence(synapses.AdditiveWeightDependence)
MultiplicativeWeightDependence = _weight_dependence(synapses.MultiplicativeWeightDependence)
AdditivePotentiationMultiplicativeDepression = _weight_dependence(
    synapses.AdditivePotentiationMultiplicativeDepression)
GutigWeightDependence = _weight_dependence(synapses.GutigWeightDependence, ("w_min", "w_max", "mu_plus", "mu_minus"))


class TsodyksMarkramSynapse(synapses.TsodyksMarkramSynapse):
    """As pyNN.nest: NEST's tsodyks_synapse, whose PSC time constant is the target's
    synaptic one (tau_syn_E or tau_syn_I by receptor): snnkit.modeling.synapse_library's
    TsodyksSynapse, its parameters one value per connection."""
    __doc__ = synapses.TsodyksMarkramSynapse.__doc__
    translations = identity(["weight", "delay", "U", "tau_rec", "tau_facil"])
    _get_minimum_delay = _minimum_delay

    def snnkit_synapse(self, values: dict, tau_psc: np.ndarray):
        from snnkit.modeling.synapse_library import TsodyksSynapse
        return TsodyksSynapse(U=values["U"], tau_rec=values["tau_rec"], tau_fac=values["tau_facil"],
                              tau_psc=tau_psc, u0=0.0)


class SimpleStochasticSynapse(synapses.SimpleStochasticSynapse):
    """Each spike transmitted with probability p (NEST bernoulli_synapse):
    snnkit.modeling.synapse_library's SimpleStochasticSynapse, p per connection."""
    __doc__ = synapses.SimpleStochasticSynapse.__doc__
    translations = identity(["weight", "delay", "p"])
    _get_minimum_delay = _minimum_delay

    def snnkit_synapse(self, values: dict, tau_psc: np.ndarray):
        from snnkit.modeling.synapse_library import SimpleStochasticSynapse as Stochastic
        return Stochastic(p=values["p"])
