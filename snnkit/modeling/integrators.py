"""Integrators: a system of derivatives -> the update of one step, in SSA form.

An update is a list of ``(name, expr)`` assignments, each using only parameters,
the state variables' values at the start of the step, ``dt`` and earlier names,
followed by ``outputs`` (state variable -> the name holding its new value). Some
methods need per-neuron constants computed once on the host (``host_constants``).

Methods
-------
exact              linear time-invariant systems ``x' = A x + b`` (A, b free of the state
                   and of t): ``x <- P x + q`` with ``[[P, q], [0, 1]] = expm([[A, b], [0, 0]] dt)``
                   computed per neuron on the host in float64 (as NEST and Brian2 do), so
                   every case works, equal time constants included.
exponential_euler  conditionally linear systems (``x' = A(y) x + B(y)`` for each x, e.g.
                   Hodgkin-Huxley gates, conductance-based membranes):
                   ``x <- x + (A x + B) dt phi(A dt)``, ``phi(z) = expm1(z)/z``.
euler, rk2, rk4    explicit Runge-Kutta of order 1, 2 (midpoint) and 4.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import sympy

from .expressions import ModelError

METHODS = ("exact", "exponential_euler", "euler", "rk2", "rk4", "heun")
INPUTS = ("I_inject",)       # built-in inputs written between steps (held over a step)
DT = sympy.Symbol("dt", real=True, positive=True)
T = sympy.Symbol("t", real=True)


class phi1(sympy.Function):
    """expm1(z)/z, 1 at z = 0 (exponential Euler's step factor)."""

    @classmethod
    def eval(cls, z):
        if z.is_zero:
            return sympy.Integer(1)


@dataclass
class Update:
    method: str
    steps: list = field(default_factory=list)            # (name, sympy expr)
    outputs: dict = field(default_factory=dict)          # state variable -> name of its new value
    host_constants: object = None                        # callable(values: dict, dt) -> {name: array}
    constant_names: list = field(default_factory=list)
    noise_inputs: list = field(default_factory=list)     # standard normal draws the step needs


def _symbol(name: str) -> sympy.Symbol:
    return sympy.Symbol(name, real=True)


def linear_form(derivatives: dict, state: list):
    """(A, b) if every derivative is linear in the state with coefficients free of the state
    and of t, else None."""
    xs = [_symbol(x) for x in state]
    rows, consts = [], []
    for name in state:
        f = sympy.expand(derivatives[name])
        row = [sympy.diff(f, x) for x in xs]
        if any(coefficient.free_symbols & set(xs) for coefficient in row):
            return None
        # linear in xs with state-free coefficients: the rest is f at xs = 0 (sympy's
        # simplify of f - sum(c x) gave the same, at 0.1 s a call)
        rest = f.xreplace({x: sympy.Integer(0) for x in xs})
        if rest.free_symbols & set(xs) or T in rest.free_symbols or any(T in c.free_symbols for c in row):
            return None
        rows.append(row)
        consts.append(rest)
    return sympy.Matrix(rows), sympy.Matrix(consts)


def expm_batch(m: np.ndarray) -> np.ndarray:
    """expm of a stack of small matrices (K, n, n), float64: scaling and squaring of a
    degree-18 Taylor series (relative error near machine precision for n <= 10)."""
    m = np.asarray(m, dtype=np.float64)
    norm = np.max(np.sum(np.abs(m), axis=-2), axis=-1) if m.size else np.zeros(m.shape[:-2])
    squarings = np.maximum(0, np.ceil(np.log2(np.maximum(norm, 1e-300) / 0.25))).astype(int)
    scaled = m / (2.0 ** squarings)[..., None, None]
    eye = np.broadcast_to(np.eye(m.shape[-1]), m.shape)
    out, term = eye.copy(), eye.copy()
    for k in range(1, 19):
        term = term @ scaled / k
        out = out + term
    for s in range(int(squarings.max(initial=0))):
        again = squarings > s
        out[again] = out[again] @ out[again]
    return out


def _reachable(a: sympy.Matrix) -> np.ndarray:
    """reach[i, j]: x_j can influence x_i's new value (entries of expm(A dt) not always 0)."""
    n = a.shape[0]
    reach = np.eye(n, dtype=bool) | np.array([[a[i, j] != 0 for j in range(n)] for i in range(n)], bool)
    for _ in range(n):
        reach = reach | ((reach.astype(int) @ reach.astype(int)) > 0)
    return reach


def exact(derivatives: dict, state: list, where: str) -> Update:
    # inputs that change from step to step (held over a step) are carried as variables
    # whose derivative is 0, so the propagator covers them too
    symbols = set().union(*[f.free_symbols for f in derivatives.values()]) if derivatives else set()
    inputs = [u for u in INPUTS if _symbol(u) in symbols]
    real = len(state)
    derivatives = dict(derivatives, **{u: sympy.Integer(0) for u in inputs})
    state = list(state) + inputs
    form = linear_form(derivatives, state)
    if form is None:
        raise ModelError(where, "method='exact' needs a linear system with constant coefficients "
                                "(x' = A x + b, A and b free of the state and of t); use "
                                "'exponential_euler', 'rk4', 'rk2' or 'euler'")
    a, b = form
    n = len(state)
    # a variable that no other one drives relaxes on its own: x_inf + (x - x_inf) exp(a dt),
    # with exp(a dt) from the host and x_inf = -(b + inputs)/a computed in the step (as
    # lif_step does)
    alone = [i for i in range(n) if all(a[i, j] == 0 for j in range(real) if j != i)]
    relax = {}
    for i in alone:
        driven = b[i] + sum((a[i, j] * _symbol(state[j]) for j in range(real, n) if j != i), sympy.Integer(0))
        if a[i, i] == 0:
            relax[i] = (None, driven)
        else:
            relax[i] = (sympy.lambdify(sorted(a[i, i].free_symbols | {DT}, key=lambda s: s.name),
                                       sympy.exp(a[i, i] * DT), modules="numpy"), sympy.simplify(-driven / a[i, i]))
    reach = _reachable(a)
    has_b = [bool(np.any([reach[i, j] and b[j] != 0 for j in range(n)])) for i in range(n)]
    params = sorted({s for s in a.free_symbols | b.free_symbols} - {DT}, key=lambda s: s.name)
    entries = [a[i, j] for i in range(n) for j in range(n)] + [b[i] for i in range(n)]
    evaluate = sympy.lambdify(params, entries, modules="numpy")
    coupled = [i for i in range(n) if i not in relax]
    names = {(i, j): f"_P_{state[i]}_{state[j]}" for i in coupled for j in range(n) if reach[i, j]}
    names.update({(i, n): f"_q_{state[i]}" for i in coupled if has_b[i]})
    decay_names = {i: f"_decay_{state[i]}" for i, (fn, _) in relax.items() if fn is not None}

    def host_constants(values: dict, dt: float) -> dict:
        out = {}
        for i, name in decay_names.items():
            fn = relax[i][0]
            args = sorted(a[i, i].free_symbols | {DT}, key=lambda s: s.name)
            out[name] = fn(*[dt if s == DT else values[s.name] for s in args])
        if not names:
            return out
        got = evaluate(*[values[p.name] for p in params])
        shape = np.broadcast_shapes(*[np.shape(v) for v in got])
        m = np.zeros(shape + (n + 1, n + 1))
        for k, value in enumerate(got[:n * n]):
            m[..., k // n, k % n] = value
        for i, value in enumerate(got[n * n:]):
            m[..., i, n] = value
        e = expm_batch(m * dt)
        out.update({name: e[..., i, j] for (i, j), name in names.items()})
        return out

    update = Update("exact", host_constants=host_constants,
                    constant_names=list(names.values()) + list(decay_names.values()))
    for i, x in enumerate(state[:real]):
        if i in relax:
            xs = _symbol(x)
            if relax[i][0] is None:                       # x' = b: a straight line
                update.steps.append((f"_new_{x}", xs + DT * relax[i][1]))
            elif relax[i][1] == 0:                        # decays to 0
                update.steps.append((f"_new_{x}", xs * _symbol(decay_names[i])))
            else:
                update.steps.append((f"_inf_{x}", relax[i][1]))
                inf = _symbol(f"_inf_{x}")
                update.steps.append((f"_new_{x}", inf + (xs - inf) * _symbol(decay_names[i])))
            update.outputs[x] = f"_new_{x}"
            continue
        value = sum((_symbol(names[(i, j)]) * _symbol(state[j]) for j in range(n) if reach[i, j]),
                    sympy.Integer(0))
        if has_b[i]:
            value += _symbol(names[(i, n)])
        update.steps.append((f"_new_{x}", value))
        update.outputs[x] = f"_new_{x}"
    return update


def exponential_euler(derivatives: dict, state: list, where: str) -> Update:
    update = Update("exponential_euler")
    for x in state:
        xs = _symbol(x)
        f = derivatives[x]
        a = sympy.simplify(sympy.diff(f, xs))
        if xs in a.free_symbols:
            raise ModelError(where, f"method='exponential_euler' needs d{x}/dt linear in {x} (conditionally "
                                    f"linear); it is not; use 'rk4', 'rk2' or 'euler'")
        if a == 0:
            value = xs + DT * f
        else:
            update.steps.append((f"_A_{x}", a))
            coefficient = _symbol(f"_A_{x}")
            value = xs + f * DT * phi1(coefficient * DT)
        update.steps.append((f"_new_{x}", value))
        update.outputs[x] = f"_new_{x}"
    return update


def runge_kutta(derivatives: dict, state: list, method: str, substeps: int = 1) -> Update:
    """euler (order 1), rk2 (explicit midpoint) and rk4 (the classical scheme), taking
    ``substeps`` steps of dt / substeps (for stiff moments such as a Hodgkin-Huxley spike)."""
    update = Update(method)
    h = DT / substeps
    current = {x: _symbol(x) for x in state}            # the values the next substep starts from

    for sub in range(substeps):
        tag = "" if substeps == 1 else f"s{sub}_"

        def stage(label: str, at: dict) -> dict:
            """k_label = f(values ``at``) for every state variable, as new SSA names."""
            out = {}
            for x in state:
                name = f"_{tag}{label}_{x}"
                update.steps.append((name, derivatives[x].xreplace(at)))
                out[x] = _symbol(name)
            return out

        def shifted(label: str, k: dict, factor) -> dict:
            at = {}
            for x in state:
                name = f"_{tag}{label}_{x}"
                update.steps.append((name, current[x] + factor * h * k[x]))
                at[_symbol(x)] = _symbol(name)
            return at
        start = {_symbol(x): current[x] for x in state}
        k1 = stage("k1", start)
        if method == "euler":
            final = {x: current[x] + h * k1[x] for x in state}
        elif method == "rk2":
            k2 = stage("k2", shifted("x2", k1, sympy.Rational(1, 2)))
            final = {x: current[x] + h * k2[x] for x in state}
        else:
            k2 = stage("k2", shifted("x2", k1, sympy.Rational(1, 2)))
            k3 = stage("k3", shifted("x3", k2, sympy.Rational(1, 2)))
            k4 = stage("k4", shifted("x4", k3, 1))
            final = {x: current[x] + h / 6 * (k1[x] + 2 * k2[x] + 2 * k3[x] + k4[x]) for x in state}
        last = sub == substeps - 1
        for x in state:
            name = f"_new_{x}" if last else f"_{tag}end_{x}"
            update.steps.append((name, final[x]))
            current[x] = _symbol(name)
    update.outputs = {x: f"_new_{x}" for x in state}
    return update


NOISE_SYMBOL = "xi"


def noise_symbols(derivatives: dict) -> list:
    """The white-noise symbols (``xi``, ``xi_<suffix>``) the system uses, in order of first use."""
    out = []
    for f in derivatives.values():
        for s in sorted(f.free_symbols, key=lambda s: s.name):
            if (s.name == NOISE_SYMBOL or s.name.startswith(NOISE_SYMBOL + "_")) and s not in out:
                out.append(s)
    return out


def _split_noise(derivatives: dict, state: list, noises: list, where: str, additive: bool):
    """drift[x] and diffusion[x] = [(xi, g)] of ``dx/dt = f + sum_k g_k xi_k``."""
    states = {_symbol(y) for y in state}
    drift, diffusion = {}, {}
    for x in state:
        f = sympy.expand(derivatives[x])
        terms = []
        for xi in noises:
            g = sympy.diff(f, xi)
            if set(noises) & g.free_symbols:
                raise ModelError(where, f"the noise of d{x}/dt must enter linearly ({xi} times a factor)")
            if additive and g.free_symbols & states:
                raise ModelError(where, f"the noise of d{x}/dt is multiplicative ({xi} times a function of the "
                                        f"state): integrate it with method='heun' (Stratonovich), not "
                                        f"Euler-Maruyama")
            if g != 0:
                terms.append((xi, g))
        drift[x] = sympy.simplify(f.subs({xi: 0 for xi in noises}))
        if terms:
            diffusion[x] = terms
    return drift, diffusion


def euler_maruyama(derivatives: dict, state: list, method: str, where: str) -> Update:
    """Additive white noise: ``dx/dt = f(x) + sum_k g_k xi_k`` with each g_k free of the
    state. The drift takes an Euler step, the noise ``sqrt(dt) sum_k g_k n_k``, with
    n_k ~ N(0, 1) an input of the step (``noise_inputs``: one per noise symbol, drawn
    from the Philox streams; a symbol used by several equations is one draw for all).
    method="heun": stochastic Heun (Brian2's 'heun'), which also takes multiplicative
    noise, in the Stratonovich sense: a predictor by Euler-Maruyama, then the mean of
    drift and diffusion at the start and at the predictor, with the same draws."""
    if method not in ("auto", "euler", "heun"):
        raise ModelError(where, f"stochastic equations (with {NOISE_SYMBOL}) integrate with method='euler' "
                                f"(Euler-Maruyama) or 'heun', not {method!r}")
    noises = noise_symbols(derivatives)
    drift, diffusion = _split_noise(derivatives, state, noises, where, additive=method != "heun")
    used = [xi for xi in noises if any(xi == s for terms in diffusion.values() for s, _ in terms)]
    inputs = {xi: _symbol(f"_n_{xi.name}") for xi in used}

    def kick(x, at=None):
        terms = sum((g * inputs[xi] for xi, g in diffusion.get(x, [])), sympy.Integer(0))
        return terms.xreplace(at) if at else terms
    if method == "heun":
        update = Update("heun")
        xs = {x: _symbol(x) for x in state}
        for x in state:                         # drift and diffusion at the start, the predictor
            update.steps.append((f"_f0_{x}", drift[x]))
            update.steps.append((f"_g0_{x}", kick(x)))
        for x in state:
            update.steps.append((f"_p_{x}", xs[x] + DT * _symbol(f"_f0_{x}") + sympy.sqrt(DT) * _symbol(f"_g0_{x}")))
        at = {xs[x]: _symbol(f"_p_{x}") for x in state}
        for x in state:
            update.steps.append((f"_f1_{x}", drift[x].xreplace(at)))
            update.steps.append((f"_g1_{x}", kick(x, at)))
            update.steps.append((f"_new_{x}", xs[x] + DT / 2 * (_symbol(f"_f0_{x}") + _symbol(f"_f1_{x}"))
                                 + sympy.sqrt(DT) / 2 * (_symbol(f"_g0_{x}") + _symbol(f"_g1_{x}"))))
            update.outputs[x] = f"_new_{x}"
        update.noise_inputs = [inputs[xi].name for xi in used]
        return update
    update = runge_kutta(drift, state, "euler")
    update.method = "euler_maruyama"
    update.noise_inputs = [inputs[xi].name for xi in used]
    for x in diffusion:
        deterministic = _symbol(update.outputs[x])
        update.steps.append((f"_noisy_{x}", deterministic + sympy.sqrt(DT) * kick(x)))
        update.outputs[x] = f"_noisy_{x}"
    return update


def integrate(derivatives: dict, state: list, method: str, where: str = "equations", substeps: int = 1) -> Update:
    """The update of one step of ``dt`` by ``method`` (one of METHODS, or "auto": exact
    where the system allows it, else exponential_euler, else rk4; Euler-Maruyama for
    equations with the white noise ``xi``); euler, rk2 and rk4 in ``substeps`` steps."""
    if noise_symbols(derivatives):
        return euler_maruyama(derivatives, state, method, where)
    if method == "auto":
        if linear_form(derivatives, state) is not None:
            return exact(derivatives, state, where)
        try:
            return exponential_euler(derivatives, state, where)
        except ModelError:
            return runge_kutta(derivatives, state, "rk4", substeps)
    if method not in METHODS:
        raise ModelError("method", f"{method!r} is not an integrator; known: auto, {', '.join(METHODS)}")
    if method == "exact":
        return exact(derivatives, state, where)
    if method == "heun":
        raise ModelError(where, "method='heun' is for stochastic equations (with xi); use rk2 or rk4")
    if method == "exponential_euler":
        return exponential_euler(derivatives, state, where)
    return runge_kutta(derivatives, state, method, substeps)
