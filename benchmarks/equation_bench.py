"""Equation-defined models against the hand-written kernels, in one run on this machine.

1. CUBA (snnkit.examples.cuba) with the hand-written LIFCurrExp and with the same
   cell written as equations (IF_curr_exp, exact integration): time per simulated
   second on each backend. The two integrate slightly differently (lif.c splits the
   synaptic decay from the membrane step, the equations' propagator couples them),
   so rates agree statistically, not spike for spike.
2. Compiled-in against loaded parameters (snnkit.parameters): the same CUBA after
   one Population.set (the group leaves PARAMS_SHARED for loaded parameters in the
   full layout), hand-written and generated, on OpenCL.
3. The first compile of a new model on PoCL: Simulator() and its first step for a
   model whose kernel has never been built (no PyOpenCL or PoCL cache entry), and the
   same for a second Simulator of that model (the build is cached on disk).

    OMP_NUM_THREADS=1 python benchmarks/equation_bench.py [--n 4000] [--repeat 3]
        [--backends numpy opencl]

Writes benchmarks/results/equation_bench_<host>.json.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import time
import uuid
from pathlib import Path

import snnkit as sk
from snnkit import distributions as dist
from snnkit.backends import BACKENDS
from snnkit.examples.cuba import CELL, IN_DEGREE, W_EXC, W_INH
from snnkit.modeling import EquationModel


def if_curr_exp(name: str = "IF_curr_exp") -> EquationModel:
    return EquationModel("""
        dv/dt = (v_rest - v)/tau_m + (I_E + I_I + i_offset + I_inject)/cm : mV (unless refractory)
        dI_E/dt = -I_E/tau_syn_E : nA
        dI_I/dt = -I_I/tau_syn_I : nA
    """, threshold="v >= v_thresh", reset="v = v_reset", refractory="tau_refrac",
        parameters={"cm": (1.0, "nF"), "tau_m": (20.0, "ms"), "v_rest": (-65.0, "mV"), "v_reset": (-65.0, "mV"),
                    "v_thresh": (-50.0, "mV"), "tau_refrac": (0.1, "ms"), "i_offset": (0.0, "nA"),
                    "tau_syn_E": (5.0, "ms"), "tau_syn_I": (5.0, "ms")},
        initial={"v": "v_rest"}, receptors={"excitatory": "I_E += w", "inhibitory": "I_I += w"},
        method="exact", name=name)


def cuba(n: int, model) -> sk.Network:
    net = sk.Network(seed=7)
    n_exc = int(round(0.8 * n))
    exc, inh = net.population(n_exc, model, name="exc"), net.population(n - n_exc, model, name="inh")
    p = min(1.0, IN_DEGREE / n)
    for pop in (exc, inh):
        pop.initialize(v=dist.Uniform(CELL["v_reset"], CELL["v_thresh"]))
        net.record(pop, "spikes")
        net.connect(exc, pop, sk.FixedProbability(p, allow_self=True), weight=W_EXC, receptor="excitatory")
        net.connect(inh, pop, sk.FixedProbability(p, allow_self=True), weight=W_INH, receptor="inhibitory")
    return net


def time_run(net, backend: str, duration: float = 1000.0, loaded: bool = False):
    sim = sk.Simulator(net, backend=backend, seed=3)
    sim.run(10.0, progress=False)
    if loaded:                                   # the same values, set again: loaded from now on
        for pop in net.populations:
            pop.set(v_thresh=pop.model.params["v_thresh"] + 0.0)
        sim.run(1.0, progress=False)
    sim.backend.synchronize()
    t0 = time.perf_counter()
    sim.run(duration, progress=False)
    sim.backend.synchronize()
    return time.perf_counter() - t0, sim.results.rate("exc")


def first_compile(n: int = 1000) -> dict:
    """Seconds from Simulator() to the end of the first step, for a never-built model and again."""
    # PoCL keys its cache on the preprocessed text (comments and names gone): a new
    # compiled-in tau_m makes a kernel no cache has seen
    cell = dict(CELL, tau_m=20.0 + uuid.uuid4().int % 10**6 * 1e-9)
    model = if_curr_exp(name=f"fresh_{uuid.uuid4().hex[:8]}")(**cell)
    out = {}
    for label in ("first", "second"):
        t0 = time.perf_counter()
        sim = sk.Simulator(cuba(n, model), backend="opencl", seed=1)
        sim.run(0.1, progress=False)
        sim.backend.synchronize()
        out[label + "_s"] = time.perf_counter() - t0
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=4000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--backends", nargs="+", default=["numpy", "opencl"])
    args = parser.parse_args()
    backends = [b for b in args.backends if not BACKENDS[b].unavailable_reason()]
    models = {"hand-written LIFCurrExp": sk.LIFCurrExp(**CELL), "equations IF_curr_exp": if_curr_exp()(**CELL)}
    rows = []
    for backend in backends:
        times = {label: [] for label in models}
        for _ in range(args.repeat):                 # interleaved: drift hits both alike
            for label, model in models.items():
                seconds, rate = time_run(cuba(args.n, model), backend)
                times[label].append(seconds)
                last_rate = rate
        for label in models:
            rows.append(dict(backend=backend, model=label, n=args.n, seconds_per_s=statistics.median(times[label]),
                             runs=times[label], rate_exc_hz=last_rate))
        hand, ours = (statistics.median(times[label]) for label in models)
        print(f"{backend}: hand {hand:.3f} s, equations {ours:.3f} s per simulated s: ratio {ours / hand:.3f}")
    if "opencl" in backends:
        loaded = {label: [] for label in models}
        shared = {label: [] for label in models}
        for _ in range(args.repeat):
            for label, model in models.items():
                shared[label].append(time_run(cuba(args.n, model), "opencl")[0])
                loaded[label].append(time_run(cuba(args.n, model), "opencl", loaded=True)[0])
        for label in models:
            a, b = statistics.median(shared[label]), statistics.median(loaded[label])
            rows.append(dict(backend="opencl", model=label, n=args.n, parameters="loaded after a change",
                             seconds_per_s=b, runs=loaded[label], compiled_in_seconds_per_s=a))
            print(f"opencl {label}: compiled-in {a:.3f} s, loaded {b:.3f} s per simulated s: ratio {b / a:.3f}")
    compile_times = first_compile() if "opencl" in backends else {}
    if compile_times:
        print(f"first compile of a new model on PoCL: {compile_times['first_s']:.2f} s "
              f"(second Simulator: {compile_times['second_s']:.2f} s)")
    out = Path(__file__).parent / "results" / f"equation_bench_{platform.node() or 'host'}.json"
    out.write_text(json.dumps(dict(host=platform.node(), machine=platform.machine(), rows=rows,
                                   first_compile=compile_times), indent=1))
    print("wrote", out)


if __name__ == "__main__":
    main()
