"""Step an EquationModel population in NumPy: the specification of the generic neuron
kernel (the order of one step is lif_step's, DESIGN.md section 2):

1. arriving weights enter the state through the receptors' statements;
2. the integrator's update; variables flagged ``(unless refractory)`` keep their
   value while the neuron is refractory, and the countdown runs;
3. threshold (not tested while refractory), reset of the neurons that spiked, and
   their refractory countdown set (``refractory_convention``).

``lower_arrays`` makes the host arrays of a group (parameters in snnkit's coherent
units, host constants of the integrator, initial state, refractory steps),
``CompiledModel`` the generated functions, ``step`` one step over both. The
Simulator's NumPy backend uses them (snnkit.lower_neurons.lower_equation);
``NumpyEquationGroup`` runs one population on its own.
"""

from __future__ import annotations

import numpy as np
import sympy

from ..distributions import Distribution
from ..lower_neurons import refractory_steps as lif_refractory_steps, sample_parameters
from ..rng import NOISE, UNIFORM, draw, split_seed, standard_normal, uniform01
from .codegen_numpy import numpy_function
from .program import Program


def parameter_arrays(model, pops_values: list, sizes: list, batch: int, rng) -> dict:
    """name -> (1|B, N) float64 in coherent units, over populations (their ``params``)."""
    sampled = sample_parameters(model, model.name, pops_values, sizes, batch, rng)
    return {name: value * model.units[name].scale for name, value in sampled.items()}


def refractory_steps(model, params: dict, dt: float, n: int) -> np.ndarray:
    """The refractory steps of the model's neurons (snnkit.lower_neurons.refractory_steps)."""
    refractory = model.refractory
    tau = params[refractory] if isinstance(refractory, str) else np.full((1, n), refractory or 0.0)
    return lif_refractory_steps(tau, dt, model.refractory_convention)


def host_constants(model, params: dict, dt: float, batch: int, n: int) -> dict:
    if model.update.host_constants is None:
        return {}
    got = model.update.host_constants(params, dt)
    return {k: np.broadcast_to(np.asarray(v, float), np.broadcast_shapes(np.shape(v), (1, n))).copy()
            for k, v in got.items()}


def evaluate_initial(expr, params: dict, state: dict, columns=slice(None)) -> np.ndarray:
    """An initial value given as an expression (EquationModel initial), float64, over the
    parameters and the state already initialized, in the given neuron columns."""
    from .program import Block
    fn, _ = numpy_function(Block([("_initial", expr)], {"value": "_initial"}), "initial")
    values = {k: np.asarray(v, float)[:, columns] for k, v in {**params, **state}.items()}
    return np.asarray(fn(values)["value"], float)


def group_arrays(model, params: dict, dt: float, batch: int, n: int) -> dict:
    """Everything the generated update reads besides the state, float64: parameters, the
    integrator's host constants, the injected current I_inject (nA, 0 until a current
    source writes it) and dt (ms)."""
    arrays = dict(params)
    arrays.update(host_constants(model, params, dt, batch, n))
    arrays["I_inject"] = np.zeros((batch, n))
    arrays["dt"] = np.array(dt)
    return arrays


class CompiledModel:
    """The generated NumPy functions of a model (snnkit.modeling.program): update,
    threshold, reset, receptors."""

    def __init__(self, model):
        self.model = model
        self.program = program = Program(model)
        self.update, self.update_source = numpy_function(program.update, "update")
        self.threshold = numpy_function(program.threshold, "threshold")[0] if program.threshold else None
        self.reset = numpy_function(program.reset, "reset")[0] if program.reset else None
        self.receptors = [numpy_function(b, f"receptor_{r}")[0] if b else None
                          for r, b in zip(model.receptors, program.receive)]


def _namespace(arrays: dict, state: dict, t: float, dtype) -> dict:
    """What the generated functions read; the state arrays themselves, so that updating
    them in place updates what the next function reads."""
    values = dict(arrays)
    values.update(state)
    values["t"] = dtype.type(t)
    return values


def receive(compiled: CompiledModel, receptor: int, arrays: dict, state: dict, weight, t: float, dtype,
            draws: dict | None = None) -> None:
    """Weights (B, n) arriving this step at ``receptor`` (its index) enter the state;
    draws: the step's random draws (noise_draws, uniform_draws)."""
    values = _namespace(arrays, state, t, dtype)
    values.update(draws or {})
    values[compiled.model.weight_symbol] = weight
    for x, new in compiled.receptors[receptor](values).items():
        state[x][...] = new


def noise_draws(compiled: CompiledModel, k: int, streams: dict, dtype) -> dict:
    """The standard normal draws of step k for every noisy variable: Philox words of
    (step, neuron, instance, stream), as the hand-written LIF's noise (its first noisy
    variable draws exactly what LIF's noise does); two variables a counter, streams
    NOISE, NOISE + 2, ... of the population. streams: rng_neuron, rng_stream (N,);
    instance, key_lo, key_hi (B,)."""
    out = {}
    for j, name in enumerate(compiled.model.update.noise_inputs):
        words = draw(k, streams["rng_neuron"], streams["instance"], streams["rng_stream"] + NOISE + 2 * (j // 2),
                     streams["key_lo"], streams["key_hi"])
        out[name] = standard_normal(words[2 * (j % 2)], words[2 * (j % 2) + 1], dtype)
    return out


def uniform_draws(compiled: CompiledModel, k: int, streams: dict, dtype) -> dict:
    """The uniform draws in [0, 1) of step k for every rand() of the model: four a Philox
    counter, streams UNIFORM, UNIFORM + 2, ... of the population (noise_draws' are odd)."""
    out = {}
    for j, name in enumerate(compiled.program.uniform_inputs):
        words = draw(k, streams["rng_neuron"], streams["instance"], streams["rng_stream"] + UNIFORM + 2 * (j // 4),
                     streams["key_lo"], streams["key_hi"])
        out[name] = uniform01(words[j % 4], dtype)
    return out


def step(compiled: CompiledModel, arrays: dict, state: dict, refrac: np.ndarray, refrac_steps: np.ndarray,
         t: float, dtype, noise: dict | None = None) -> np.ndarray:
    """One step of the update, refractoriness, threshold and reset, in place; returns the
    (B, n) mask of the neurons that spiked. noise: the step's draws (noise_draws). As
    kernels/neuron.c, the reset is computed for every neuron and kept where one spiked."""
    values = _namespace(arrays, state, t, dtype)
    values.update(noise or {})
    new = compiled.update(values)
    held = refrac > 0
    for x, value in new.items():
        if x in compiled.model.held:
            np.copyto(state[x], value, where=~held, casting="unsafe")
        else:
            np.copyto(state[x], value, casting="unsafe")
    refrac -= held
    if compiled.threshold is None:
        return np.zeros(refrac.shape, bool)
    spiked = np.broadcast_to(compiled.threshold(values)["spiked"], refrac.shape) & ~held
    if compiled.reset is not None and spiked.any():
        for x, value in compiled.reset(values).items():      # statements see each other: SSA
            np.copyto(state[x], value, where=spiked, casting="unsafe")
    np.copyto(refrac, refrac_steps, where=spiked)
    return spiked


class NumpyEquationGroup:
    """``n`` neurons of ``model`` in ``batch`` instances, stepped on their own; state
    (B, n) in ``dtype``. values: parameter values overriding the model's; rng: the
    generator for distributions (parameters and initial values)."""

    def __init__(self, model, n: int, dt: float, batch: int = 1, dtype=np.float64, rng=None, seed: int = 0,
                 **values):
        self.model, self.n, self.dt, self.batch = model, n, float(dt), batch
        self.dtype = np.dtype(dtype)
        rng = rng or np.random.default_rng(0)
        model = model(**values) if values else model
        self.params = parameter_arrays(model, [model.params], [n], batch, rng)
        # arrays["I_inject"] (nA): set it to inject a current
        self.arrays = {k: v.astype(self.dtype) for k, v in group_arrays(model, self.params, self.dt, batch,
                                                                       n).items()}
        state, pending = {}, []
        for x, init in model.initial.items():
            if isinstance(init, str):
                init = self.params[init]
            elif isinstance(init, Distribution):
                init = init.sample(rng, (batch, n))
            elif isinstance(init, sympy.Expr):
                pending.append((x, init))
                init = 0.0
            state[x] = np.broadcast_to(np.asarray(init, float), (batch, n)).copy()
        for x, expr in pending:
            state[x][...] = evaluate_initial(expr, self.params, state)
        self.state = {x: v.astype(self.dtype) for x, v in state.items()}
        self.refrac_steps = refractory_steps(model, self.params, self.dt, n)
        self.refrac = np.zeros((batch, n), np.int32)
        self.step_count = 0
        self.compiled = CompiledModel(model)
        self.update_source = self.compiled.update_source
        lo, hi = split_seed(seed)              # noise: instance b draws with counter word b
        self.streams = dict(rng_neuron=np.arange(n, dtype=np.uint32), rng_stream=np.zeros(n, np.uint32),
                            instance=np.arange(batch, dtype=np.uint32), key_lo=np.full(batch, lo, np.uint32),
                            key_hi=np.full(batch, hi, np.uint32))

    def receive(self, receptor: str, weight) -> None:
        """Weights (B, n; in the receptor's unit) arriving this step enter the state."""
        weight = np.broadcast_to(np.asarray(weight, self.dtype), (self.batch, self.n))
        receive(self.compiled, list(self.model.receptors).index(receptor), self.arrays, self.state, weight,
                self.step_count * self.dt, self.dtype,
                uniform_draws(self.compiled, self.step_count, self.streams, self.dtype))

    def step(self) -> np.ndarray:
        """Advance one step; returns the (B, n) mask of neurons that spiked."""
        noise = noise_draws(self.compiled, self.step_count, self.streams, self.dtype)
        noise.update(uniform_draws(self.compiled, self.step_count, self.streams, self.dtype))
        spiked = step(self.compiled, self.arrays, self.state, self.refrac, self.refrac_steps,
                      self.step_count * self.dt, self.dtype, noise)
        self.step_count += 1
        return spiked
