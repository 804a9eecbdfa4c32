"""snnkit_nengo against nengo's reference Simulator and nengo_ocl, in one run.

Models (issue 7): one ensemble of 1000 LIF neurons driven by cos(8t), and a chain of 10
ensembles of 500 LIF neurons (each connected to the next with a 5 ms synapse); 1 s of
simulated time at dt = 0.1 ms, probes on the decoded outputs (10 ms filter). Build time
and run time (the second of two runs, so compilation is not counted in run time; the
first run's time is reported too) per simulator.

    python benchmarks/nengo_bench.py [--sims reference,numpy,opencl,nengo_ocl] [--out results.json]
"""

from __future__ import annotations

import argparse
import json
import platform
import time
from pathlib import Path

import nengo
import numpy as np

DT = 1e-4
T = 1.0


def single_ensemble(n=1000, seed=1):
    with nengo.Network(seed=seed) as net:
        stim = nengo.Node(lambda t: np.cos(8 * t))
        ens = nengo.Ensemble(n, 1)
        nengo.Connection(stim, ens)
        net.probe = nengo.Probe(ens, synapse=0.01)
    return net


def chain(length=10, n=500, seed=1):
    with nengo.Network(seed=seed) as net:
        stim = nengo.Node(lambda t: np.cos(8 * t))
        ensembles = [nengo.Ensemble(n, 1) for _ in range(length)]
        nengo.Connection(stim, ensembles[0])
        for pre, post in zip(ensembles[:-1], ensembles[1:]):
            nengo.Connection(pre, post, synapse=0.005)
        net.probe = nengo.Probe(ensembles[-1], synapse=0.01)
    return net


def simulator(name):
    if name == "reference":
        return lambda net: nengo.Simulator(net, dt=DT, progress_bar=False)
    if name == "nengo_ocl":
        import nengo_ocl
        import pyopencl as cl
        from snnkit.backends.pocl_cpu import name_cpu_for_pocl
        name_cpu_for_pocl()                      # PoCL on a CPU its LLVM does not know
        context = cl.Context([cl.get_platforms()[0].get_devices()[0]])
        return lambda net: nengo_ocl.Simulator(net, dt=DT, context=context, progress_bar=False)
    import snnkit_nengo
    return lambda net: snnkit_nengo.Simulator(net, dt=DT, backend=name, progress_bar=False)


def measure(name, make_net):
    net = make_net()
    start = time.perf_counter()
    sim = simulator(name)(net)
    build_s = time.perf_counter() - start
    with sim:
        start = time.perf_counter()
        sim.run(T)
        first_s = time.perf_counter() - start
        out_first = np.array(sim.data[net.probe])
        sim.reset()
        start = time.perf_counter()
        sim.run(T)
        run_s = time.perf_counter() - start
        out = np.array(sim.data[net.probe])
    return dict(build_s=build_s, first_run_s=first_s, run_s=run_s, rms_output=float(np.sqrt(np.mean(out ** 2))),
                repeatable=bool(np.allclose(out, out_first)), output=out[::100, 0].tolist())


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sims", default="reference,numpy,opencl,nengo_ocl")
    parser.add_argument("--out", default=None)
    args = parser.parse_args(argv)
    models = {"ensemble_1000": single_ensemble, "chain_10x500": chain}
    results = {"machine": platform.processor() or platform.machine(), "dt": DT, "t_sim": T, "models": {}}
    for model, make_net in models.items():
        rows = results["models"][model] = {}
        for name in args.sims.split(","):
            try:
                rows[name] = measure(name, make_net)
            except Exception as error:                       # a peer that is not installed or fails
                rows[name] = {"error": f"{type(error).__name__}: {error}"}
            r = rows[name]
            print(f"{model:14s} {name:10s} " + (f"build {r['build_s']:6.2f} s  first run {r['first_run_s']:6.2f} s  "
                                                 f"run {r['run_s']:6.2f} s" if "run_s" in r else r["error"]),
                  flush=True)
        ref = rows.get("reference", {}).get("output")
        for r in rows.values():
            if ref is not None and "output" in r:
                r["max_abs_diff_vs_reference"] = float(np.max(np.abs(np.array(r["output"]) - np.array(ref))))
    for model, rows in results["models"].items():
        for base in ("reference", "nengo_ocl"):
            if "run_s" not in rows.get(base, {}):
                continue
            for name, r in rows.items():
                if "run_s" in r and name not in ("reference", "nengo_ocl"):
                    print(f"{model}: {name} is {rows[base]['run_s'] / r['run_s']:.1f}x as fast as {base}")
    if args.out:
        Path(args.out).write_text(json.dumps(results, indent=1))
    return results


if __name__ == "__main__":
    main()
