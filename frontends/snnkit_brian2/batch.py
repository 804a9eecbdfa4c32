"""N instances of a Brian2 script in one snnkit batch: a parameter sweep in one run.

    from brian2 import *
    import snnkit_brian2

    def instance(tau, w):                 # builds and runs one network, as a script does
        G = NeuronGroup(100, "dv/dt = (I - v)/tau : volt", threshold="v > 10*mV", reset="v = 0*mV")
        ...
        M = SpikeMonitor(G)
        run(1*second)
        return M                          # the objects to read once the batch has run

    monitors = snnkit_brian2.run_batch(instance, [dict(tau=10*ms, w=1*mV), dict(tau=20*ms, w=2*mV)],
                                       seed=1, backend="opencl")

``run_batch`` calls the function once per parameter set with the snnkit device
collecting instead of running: each ``run()`` is translated (snnkit_brian2.network)
and kept. The instances must build the same network: the same groups, sizes,
equations, synapses (i, j, delays) and monitors; what may differ is every
constant (a namespace value such as ``tau``: it becomes a per-instance
parameter of the snnkit model), every group variable's value (initial state,
per-neuron parameters), PoissonGroup rates, and a pathway's weights by one
factor per instance (``on_pre="v += w"``). Then one snnkit Simulator runs all of
them as one batch (instance b of the batch is the call with parameters[b]), and
each instance's state and recordings are written back into its own Brian2
objects, which the function returned. ``brian2.seed(seed)`` is called before each
instance, so random connectivity (``connect(p=...)``) and random initial values
are the same in every instance; the simulation's own random numbers (Poisson
inputs, noise) are independent between instances (snnkit's batch streams).

Each function may call ``run()`` once, and reads its monitors only after
``run_batch`` returns (inside the function, after ``run()``, they are still empty).
"""

from __future__ import annotations

import io
import tokenize

import numpy as np

from .code import unsupported
from .network import RunPieces, build_network, simulator, write_back

SCALE = "_wscale"
SWEPT = "_swept"
# a minus after one of these tokens is a sign
UNARY_AFTER = {"(", "[", ",", "=", "+", "-", "*", "/", "<", ">", ":", "**", "==", "<=", ">=", "!=", "+=", "-=",
               "*=", "/=", "and", "or", "not"}


class Collector:
    """The runs the device collected while run_batch calls the instances' functions."""

    def __init__(self):
        self.runs = []              # (instance, net, RunPieces, t_end seconds)
        self.current = None         # the instance now being called

    def add(self, net, namespace: dict, t_end: float) -> None:
        if any(instance == self.current for instance, _, _, _ in self.runs):
            raise unsupported("a second run() in one instance of run_batch (each instance runs once)", net)
        self.runs.append((self.current, net, RunPieces(net, namespace), t_end))


def run_batch(function, parameters, seed: int | None = None, **options):
    """Call ``function(**parameters[b])`` for every b with the snnkit device collecting, run
    all of them as one snnkit batch, and return the list of what the calls returned (their
    monitors and groups hold the results). options: as set_device("snnkit", ...)."""
    import brian2
    from .device import SnnkitDevice
    parameters = list(parameters)
    if not parameters:
        raise ValueError("run_batch: parameters is empty; give one dict of keyword arguments per instance")
    for b, p in enumerate(parameters):
        if not isinstance(p, dict):
            raise ValueError(f"run_batch: parameters[{b}] is {p!r}; each must be a dict of the function's "
                             f"keyword arguments")
    previous = brian2.get_device()
    brian2.set_device("snnkit", **options)
    device = brian2.get_device()
    assert isinstance(device, SnnkitDevice)
    device.collector = collector = Collector()
    try:
        returned = []
        for b, p in enumerate(parameters):
            collector.current = b
            if seed is not None:
                brian2.seed(seed)
            returned.append(function(**p))
    finally:
        device.collector = None
        if previous is not device:
            brian2.set_device(previous, build_on_run=previous.build_on_run)
    runs = collector.runs
    if len(runs) != len(parameters):
        missing = sorted(set(range(len(parameters))) - {b for b, _, _, _ in runs})
        raise ValueError(f"run_batch: instance {missing[0]} (parameters {parameters[missing[0]]!r}) did not call "
                         f"run(); each instance must run once")
    pieces = [p for _, _, p, _ in runs]
    network, populations, renames = merged_network(pieces)
    sim = simulator(network, pieces[0], device.options, seed, device.run_count, batch=len(pieces))
    sim.run(pieces[0].n_steps * pieces[0].dt_ms, progress=None)
    device.run_count += 1
    device.last_simulator = sim
    for b, (_, net, piece, t_end) in enumerate(runs):
        write_back(sim, piece, populations, instance=b, rename=renames[b])
        device.finish_run(net, t_end)
    return returned


# -- merging the instances --------------------------------------------------------------

def _mismatch(b: int, what: str) -> ValueError:
    return ValueError(f"run_batch: instance {b} builds another network than instance 0 ({what}); the "
                      f"instances may differ in constants, variable values, rates and weights only")


def _numbers(text: str) -> list:
    """The tokens of a model text: ("num", value, start, end) for a number (with its
    unary minus), ("tok", string, start, end) for anything else; offsets into text."""
    line_starts = [0]
    for line in text.splitlines(keepends=True):
        line_starts.append(line_starts[-1] + len(line))
    skip = {tokenize.NEWLINE, tokenize.NL, tokenize.ENDMARKER, tokenize.INDENT, tokenize.DEDENT,
            tokenize.COMMENT}
    out = []
    for tok in tokenize.generate_tokens(io.StringIO(text).readline):
        if tok.type in skip:
            continue
        start = line_starts[tok.start[0] - 1] + tok.start[1]
        end = line_starts[tok.end[0] - 1] + tok.end[1]
        if tok.type == tokenize.NUMBER:
            value = float(tok.string)
            unary = bool(out) and out[-1][:2] == ("tok", "-") and (
                len(out) == 1 or (out[-2][0] == "tok" and out[-2][1] in UNARY_AFTER))
            if unary:
                _, _, start, _ = out.pop()
                value = -value
            out.append(("num", value, start, end))
        else:
            out.append(("tok", tok.string, start, end))
    return out


def swept_texts(texts: list, b_names: str, counter: list) -> tuple:
    """texts: one model text per instance. -> (instance 0's text with every number that
    differs between instances replaced by a parameter, {parameter: (B,) values})."""
    if all(t is None for t in texts):
        return None, {}
    if any(t is None for t in texts):
        raise _mismatch(next(b for b, t in enumerate(texts) if t is None), f"{b_names}: a threshold in one only")
    tokens = [_numbers(t) for t in texts]
    first = tokens[0]
    for b, other in enumerate(tokens[1:], 1):
        if len(other) != len(first) or any(x[0] != y[0] or (x[0] == "tok" and x[1] != y[1])
                                           for x, y in zip(first, other)):
            raise _mismatch(b, f"{b_names}: the equations, threshold or reset differ")
    params, out, at = {}, [], 0
    text = texts[0]
    for k, tok in enumerate(first):
        if tok[0] != "num":
            continue
        values = np.array([tokens[b][k][1] for b in range(len(texts))])
        if np.all(values == values[0]):
            continue
        name = f"{SWEPT}{counter[0]}"
        counter[0] += 1
        params[name] = values
        out += [text[at:tok[2]], name]
        at = tok[3]
    out.append(text[at:])
    return "".join(out), params


def _weight_factors(b: int, w0: np.ndarray, wb: np.ndarray):
    """wb as factor * w0: the factor, or None where they are equal."""
    if np.array_equal(w0, wb):
        return None
    nonzero = w0 != 0
    if not np.array_equal(nonzero, wb != 0) or not nonzero.any():
        raise _mismatch(b, "a pathway's weights are zero on other synapses")
    ratio = wb[nonzero] / w0[nonzero]
    if not np.allclose(ratio, ratio[0], rtol=1e-12, atol=0):
        raise _mismatch(b, "a pathway's weights differ by more than one factor per instance")
    return float(ratio[0])


def merged_network(pieces: list):
    """One snnkit network for every instance's RunPieces. -> (network, populations,
    renames: per instance, its group names -> instance 0's)."""
    base = pieces[0]
    n_batch = len(pieces)
    timed = next((tr for tr in base.neurons.values() if tr.timed), None)
    if timed is not None:
        raise unsupported("run_batch with a TimedArray (one instance a run for now)", timed.group)
    if base.plastic:
        raise unsupported("run_batch with synapses that change at events (plastic synapses run one "
                          "instance a run for now)", base.plastic[0][0].synapses)
    names0 = base.group_names()
    renames = []
    for b, p in enumerate(pieces):
        names = p.group_names()
        if [len(p.neurons), len(p.poisson), len(p.generators)] != \
                [len(base.neurons), len(base.poisson), len(base.generators)]:
            raise _mismatch(b, "another number of groups")
        if (p.first_step, p.n_steps, p.dt_s) != (base.first_step, base.n_steps, base.dt_s):
            raise _mismatch(b, "another dt, start or duration")
        renames.append(dict(zip(names, names0)))
        if len(p.connections) != len(base.connections) or len(p.records) != len(base.records):
            raise _mismatch(b, "another number of synapse pathways or monitors")
        for (name, what, idx), (name0, what0, idx0) in zip(p.records, base.records):
            if renames[b][name] != name0 or what != what0 or not np.array_equal(
                    np.asarray(idx if idx is not None else []), np.asarray(idx0 if idx0 is not None else [])):
                raise _mismatch(b, f"the monitors of {name!r} differ")
        for name, name0 in zip(p.generators, base.generators):
            if p.generators[name] != base.generators[name0]:
                raise _mismatch(b, f"the spike times of {name!r} differ")
    # the pathways: the same synapses, weights by one factor per instance
    receptors, scales = [], {}          # per connection its receptor; post group -> {receptor: (x, scale)}
    for k, (tr, pre, post, i, j, weight, steps) in enumerate(base.connections):
        factors = []
        for b, p in enumerate(pieces):
            tr_b, pre_b, post_b, i_b, j_b, w_b, steps_b = p.connections[k]
            if renames[b][pre_b] != pre or renames[b][post_b] != post or tr_b.target != tr.target \
                    or not (np.array_equal(i, i_b) and np.array_equal(j, j_b) and np.array_equal(steps, steps_b)):
                raise _mismatch(b, f"the synapses of {tr_b.synapses.name!r} (i, j or delays) differ: give "
                                   f"run_batch a seed, or connect them the same way")
            factors.append(_weight_factors(b, weight, w_b))
        if all(f is None for f in factors):
            receptors.append(f"to_{tr.target}")
            continue
        name = f"to_{tr.target}_{k}"
        receptors.append(name)
        scales.setdefault(post, {})[name] = (tr.target, f"{SCALE}{k}",
                                             np.array([1.0 if f is None else f for f in factors]))
    # the neuron groups: constants that differ become parameters, values per instance
    models, initial = {}, {}
    counter = [0]
    for position, (name, tr) in enumerate(base.neurons.items()):
        translations = [list(p.neurons.values())[position] for p in pieces]
        for b, tr_b in enumerate(translations):
            if tr_b.size != tr.size or list(tr_b.held) != list(tr.held) or tr_b.masked != tr.masked:
                raise _mismatch(b, f"the group {tr_b.group.name!r} differs in size or variables")
        parts, params = {}, {}
        for key in tr.parts:
            parts[key], swept = swept_texts([t.parts[key] for t in translations], name, counter)
            params.update(swept)
        receptor_statements = dict(tr.receptors)
        for receptor, (x, scale, values) in scales.get(name, {}).items():
            receptor_statements[receptor] = tr.receptor_statement(x, scale)
            params[scale] = values
            for b, tr_b in enumerate(translations):         # what each instance's pending input adds
                tr_b.receptor_targets[receptor] = (x, float(values[b]))
        model = tr.make_model(parts, receptor_statements, {p: (0.0, "1") for p in params})
        models[name] = model(**{p: v.reshape(n_batch, 1) for p, v in params.items()}) if params else model
        values = [t.initial_values() for t in translations]
        initial[name] = {x: np.stack([v[x] for v in values]) for x in values[0]}
    rates = {}
    for position, name in enumerate(base.poisson):
        stacked = np.stack([list(p.poisson.values())[position] for p in pieces])
        rates[name] = stacked[0] if np.all(stacked == stacked[0]) else stacked
    network, populations, _ = build_network(base, models, initial, rates, receptors)
    return network, populations, renames
