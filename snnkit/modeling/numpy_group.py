"""Step an EquationModel population in NumPy: the specification of the generic neuron
kernel (the order of one step is lif_step's, DESIGN.md section 2):

1. arriving weights enter the state through the receptors' statements;
2. the integrator's update; variables flagged ``(unless refractory)`` keep their
   value while the neuron is refractory, and the countdown runs;
3. threshold (not tested while refractory), reset of the neurons that spiked, and
   their refractory countdown set (``refractory_convention``).
"""

from __future__ import annotations

import numpy as np
import sympy

from ..distributions import Distribution
from ..validation import broadcast_per_neuron
from .codegen_numpy import numpy_function


class NumpyEquationGroup:
    """``n`` neurons of ``model`` in ``batch`` instances; state (B, n) in ``dtype``.

    values: parameter values overriding the model's (as the model takes them);
    rng: the generator for distributions (parameters and initial values).
    """

    def __init__(self, model, n: int, dt: float, batch: int = 1, dtype=np.float64, rng=None, **values):
        self.model, self.n, self.dt, self.batch = model, n, float(dt), batch
        self.dtype = np.dtype(dtype)
        rng = rng or np.random.default_rng(0)
        model = model(**values) if values else model
        self.params = {}
        for name, value in model.params.items():
            if isinstance(value, Distribution):
                value = value.sample(rng, (n,))
            scale = model.units[name].scale            # to snnkit's coherent units
            self.params[name] = broadcast_per_neuron(f"{model.name}.{name}", value, n, batch) * scale
        self.constants = {}
        if model.update.host_constants is not None:
            self.constants = {k: np.broadcast_to(v, (batch, n)) if np.ndim(v) else np.full((batch, n), v)
                              for k, v in model.update.host_constants(self.params, self.dt).items()}
        self.values = {k: v.astype(self.dtype) for k, v in {**self.params, **self.constants}.items()}
        self.values["dt"] = self.dtype.type(self.dt)
        self.state = {}
        for x, init in model.initial.items():
            if isinstance(init, str):
                init = self.params[init]
            elif isinstance(init, Distribution):
                init = init.sample(rng, (batch, n))
            self.state[x] = np.broadcast_to(np.asarray(init, float), (batch, n)).astype(self.dtype)
        refractory = model.refractory
        tau = self.params[refractory] if isinstance(refractory, str) else np.full((1, n), refractory or 0.0)
        steps = np.round(tau / self.dt).astype(np.int32)
        self.refrac_steps = np.maximum(steps - 1, 0) if model.refractory_convention == "brian2" else steps
        self.refrac = np.zeros((batch, n), np.int32)
        self.step_count = 0
        self._update, self.update_source = numpy_function(model.update.steps, model.update.outputs, "update")
        self._threshold = None
        if model.threshold is not None:
            self._threshold, _ = numpy_function([("_spiked", model.threshold)], {"spiked": "_spiked"},
                                                "threshold")
        self._reset = self._statements(model.reset, "reset")
        self._receptors = {r: self._statements(s, f"receptor_{r}") for r, s in model.receptors.items()}

    @staticmethod
    def _statements(statements, name: str):
        """Statements run one after another (each sees the ones before it)."""
        steps, latest = [], {}
        for k, st in enumerate(statements):
            value = st.value().xreplace({sympy.Symbol(t, real=True): sympy.Symbol(v, real=True)
                                         for t, v in latest.items()})
            steps.append((f"_{st.target}_{k}", value))
            latest[st.target] = f"_{st.target}_{k}"
        return numpy_function(steps, latest, name)[0] if steps else None

    def _namespace(self, mask=None) -> dict:
        values = dict(self.values)
        values.update(self.state)
        values["t"] = self.dtype.type(self.step_count * self.dt)
        if mask is not None:
            shape = (self.batch, self.n)
            values = {k: (np.broadcast_to(v, shape)[mask] if np.ndim(v) == 2 else v) for k, v in values.items()}
        return values

    def receive(self, receptor: str, weight) -> None:
        """Weights (B, n; in the receptor's unit) arriving this step enter the state."""
        values = self._namespace()
        values["w"] = np.broadcast_to(np.asarray(weight, self.dtype), (self.batch, self.n))
        for x, new in self._receptors[receptor](values).items():
            self.state[x] = np.asarray(new, self.dtype)

    def step(self) -> np.ndarray:
        """Advance one step; returns the (B, n) mask of neurons that spiked."""
        new = self._update(self._namespace())
        held = self.refrac > 0
        for x, value in new.items():
            value = np.broadcast_to(np.asarray(value, self.dtype), (self.batch, self.n))
            self.state[x] = np.where(held, self.state[x], value) if x in self.model.held else value.copy()
        self.refrac -= held
        spiked = np.zeros((self.batch, self.n), bool)
        if self._threshold is not None:
            spiked = np.broadcast_to(self._threshold(self._namespace())["spiked"], spiked.shape) & ~held
        if spiked.any() and self._reset is not None:
            for x, value in self._reset(self._namespace(spiked)).items():
                self.state[x][spiked] = value
        self.refrac = np.where(spiked, self.refrac_steps, self.refrac).astype(np.int32)
        self.step_count += 1
        return spiked
