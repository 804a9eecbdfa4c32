"""Checks that keep a run honest: values that do not fit the dtype, unstable explicit
steps, state gone non-finite (the watchdog), models changed after they were built."""

from __future__ import annotations

import warnings

import numpy as np

from .distributions import Distribution
from .neurons import NeuronModel
from .recording import state_array
from .validation import fail


class StabilityWarning(UserWarning):
    """An explicit integration step that is unstable for the given time constants."""


class NonFiniteStateError(RuntimeError):
    """A state variable became NaN or infinite during a run (the watchdog stopped it)."""


def check_dtype_range(plan, network, dtype) -> None:
    """Refuse parameters (and the membrane's steady state they imply) that overflow ``dtype``
    before anything is uploaded: they would turn v into NaN on the first step."""
    limit = float(np.finfo(dtype).max)
    for pop in network.populations:
        if not isinstance(pop.model, NeuronModel):
            continue
        group, offset, size = plan.placement[pop.name]
        g = plan.groups[group]
        label = type(pop.model).__name__
        for name in pop.model.defaults:
            value = g.get(name)
            if isinstance(value, np.ndarray) and value.ndim == 2:
                value = value[:, offset:offset + size]
            elif not isinstance(pop.model.params.get(name), Distribution):
                value = np.asarray(pop.model.params.get(name, 0.0), float)
            else:
                continue
            if np.any(np.abs(value) > limit):
                fail(f"{label}.{name}", float(np.max(np.abs(value))), f"must fit {np.dtype(dtype).name} "
                     f"(|value| <= {limit:.3g})")
        v_inf = np.abs(g["v_rest"]) + np.abs(np.where(np.isfinite(g["r_m"]), g["r_m"], g["dt_over_cm"])) \
            * np.abs(g["i_offset"])
        if np.any(v_inf[..., offset:offset + size] > limit):
            fail(f"{label}.i_offset", float(np.max(np.abs(g["i_offset"]))),
                 f"drives v to {float(np.max(v_inf)):.3g} mV, beyond {np.dtype(dtype).name}'s range "
                 f"({limit:.3g}); use a physical value (nA)")
    for syn in plan.synapses:
        for member in syn.get("generated", ()):            # drawn on the device: its values' bounds
            _, (a, b, low, high) = member["weight"]
            reach = max(abs(a), abs(b), abs(low) if np.isfinite(low) else 0.0, abs(high) if np.isfinite(high) else 0.0)
            if reach > limit:
                fail("Projection.weight", reach, f"must fit {np.dtype(dtype).name} (|value| <= {limit:.3g})")
        weight = syn.get("weight")
        if weight is not None and weight.size and np.max(np.abs(weight)) > limit:
            fail("Projection.weight", float(np.max(np.abs(weight))), f"must fit {np.dtype(dtype).name} "
                 f"(|value| <= {limit:.3g})")


def warn_unstable_steps(network, dt: float) -> None:
    """Forward Euler on tau_m dv/dt = -v is unstable for dt/tau_m > 2 (and oscillates
    for dt/tau_m > 1): warn, naming the population."""
    for pop in network.populations:
        model = pop.model
        if not isinstance(model, NeuronModel) or model.method != "euler" or not model.leaky:
            continue
        tau = model.params.get("tau_m")
        if isinstance(tau, Distribution) or tau is None:
            continue
        ratio = dt / float(np.min(tau))
        if ratio > 2.0:
            warnings.warn(f"population {pop.name!r}: {type(model).__name__}.tau_m = {float(np.min(tau)):g} ms "
                          f"with method='euler' and dt = {dt:g} ms gives dt/tau_m = {ratio:.3g} > 2: the "
                          f"forward-Euler step is unstable (v diverges, spurious spikes); use method='exact' "
                          f"or dt < {2 * float(np.min(tau)):g} ms", StabilityWarning, stacklevel=3)


WATCHED = ("v", "syn_E", "syn_I", "theta")


def check_finite_state(sim) -> None:
    """The watchdog, run when records are drained: stop a run whose neuron state has
    gone non-finite, naming the population, variable, neuron, instance and time."""
    for name, g in sim.groups.items():
        if g["kind"] not in ("lif", "equation"):
            continue
        host = sim.plan.groups[name]
        if not getattr(host.get("model"), "finite_state", True):
            continue                                  # NaN and infinity allowed (EquationModel)
        for var in (g["state"] if g["kind"] == "equation" else WATCHED):
            if var in ("syn_E", "syn_I") and host.get("synapse") == "delta":
                continue
            values = np.asarray(sim.backend.to_host(state_array(g, var)))
            if np.all(np.isfinite(values)):
                continue
            instance, column = (int(i[0]) for i in np.nonzero(~np.isfinite(values)))
            pop, neuron = next((p, column - off) for p, (grp, off, size) in sim.plan.placement.items()
                               if grp == name and off <= column < off + size)
            where = f"; {sim.output} holds everything recorded up to it" if sim.output else \
                "; sim.results holds everything recorded up to it"
            raise NonFiniteStateError(
                f"population {pop!r}: {var} = {values[instance, column]} (not finite) in neuron {neuron} of "
                f"instance {instance}, found at t = {sim.t:g} ms (checked each time records are drained; it "
                f"may have happened up to {sim.flush_seconds:g} s of wall-clock time earlier){where}. "
                f"Check the parameters (an unstable method='euler' step, a huge weight or current)")


class ModelSnapshot:
    """What each population's model and initial values were when the Simulator built
    them (or last applied them). ``changes`` returns the parameters changed since, which
    the Simulator applies (snnkit.parameters); it refuses what a built Simulator cannot
    follow: a model of another kind or method, changed initial values, populations,
    projections, monitors, injections or counters added."""

    def __init__(self, network):
        self.network = network
        self.taken = {pop.name: self._take(pop) for pop in network.populations}
        self.counts = self._counts(network)

    @classmethod
    def _take(cls, pop):
        return pop.model, cls._values(pop, copy=True), cls._parameters(pop, copy=True)

    @staticmethod
    def _counts(network) -> dict:
        return {"projections": len(network.projections), "monitors": len(network.monitors),
                "current injections": len(network.injections), "spike counters": len(network.counted)}

    @staticmethod
    def _as_values(values: dict, copy: bool) -> dict:
        as_array = (lambda v: np.array(v, copy=True)) if copy else np.asarray
        return {k: (v if isinstance(v, (Distribution, str, list)) else as_array(v)) for k, v in values.items()}

    @classmethod
    def _values(cls, pop, copy: bool = False) -> dict:
        """What the build fixed: initial values and the integration method."""
        values = {f"initial {k}": v for k, v in pop.initial.items()}
        if hasattr(pop.model, "method"):
            values["method"] = pop.model.method
        return cls._as_values(values, copy)

    @classmethod
    def _parameters(cls, pop, copy: bool = False) -> dict:
        """What a run may change: the model's parameters (a source's rate or times)."""
        from .parameters import current_values
        return cls._as_values(current_values(pop.model), copy)

    @staticmethod
    def _same(before, after) -> bool:
        if isinstance(before, (Distribution, list)) or isinstance(after, (Distribution, list)):
            return before is after
        return (before is not None and after is not None and np.shape(before) == np.shape(after)
                and np.array_equal(before, after))

    def changes(self) -> dict:
        """population name -> {parameter: new value} changed since the build (or the last
        ``accept``); fails on a change the Simulator cannot follow."""
        for what, count in self._counts(self.network).items():
            if count != self.counts[what]:
                fail(f"Network {what}", count, f"changed after the Simulator was built (it has "
                     f"{self.counts[what]}), which would have no effect on it; build a new Simulator")
        out = {}
        for pop in self.network.populations:
            if pop.name not in self.taken:
                fail("Network", f"population {pop.name!r}", "was added after the Simulator was built; "
                     "build a new Simulator for the changed network")
            model, values, parameters = self.taken[pop.name]
            if pop.model is not model and not same_kind(pop.model, model):
                fail(f"population {pop.name!r}.model", pop.model, f"was replaced by a model of another kind "
                     f"than {model!r} after the Simulator was built; change its parameters with "
                     "Population.set, or build a new Simulator")
            now = self._values(pop)
            for key in sorted(set(values) | set(now)):
                before, after = values.get(key), now.get(key)
                if not self._same(before, after):
                    shown = after.item() if isinstance(after, np.ndarray) and after.ndim == 0 else after
                    fail(f"population {pop.name!r}: {key}", shown, "changed after the Simulator was built, "
                         "which would have no effect on it (initial values and the method are fixed when "
                         "the Simulator is built); build a new Simulator")
            from .parameters import current_values
            held = current_values(pop.model)
            changed = {k: held[k] for k, v in self._as_values(held, copy=False).items()
                       if not self._same(parameters.get(k), v)}
            if changed:
                out[pop.name] = changed
        return out

    def accept(self, pop) -> None:
        """The Simulator now holds ``pop``'s current parameters."""
        self.taken[pop.name] = self._take(pop)


def same_kind(a, b) -> bool:
    """Whether a built group of model ``b`` can take ``a``'s parameters: the same class
    and structure (an EquationModel: the same equations, as copies made by calling it)."""
    if type(a) is not type(b):
        return False
    if getattr(a, "is_equation_model", False):
        return a.equations is b.equations
    for attr in ("method", "refractory_convention"):
        if getattr(a, attr, None) != getattr(b, attr, None):
            return False
    return True
