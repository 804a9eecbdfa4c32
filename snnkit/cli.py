"""The ``snnkit`` command: run, info, plot, bench, learn, train, sweep."""

from __future__ import annotations

import argparse
import runpy
import sys
from pathlib import Path

import numpy as np

from .cli_format import HelpFormatter


def load_model(target: str):
    """A built-in model name or a script path -> (Network, default duration ms, report or None).

    A script defines ``build()`` returning a Network or an Example, or a
    module-level ``network`` (and optionally ``duration`` in ms).
    """
    from . import examples
    from .model import Network
    if not target.endswith(".py"):
        ex = examples.build(target)
        return ex.network, ex.duration, ex.report
    if not Path(target).is_file():
        from .validation import fail
        fail("model", target, "must be an existing script (no such file) or one of " + ", ".join(examples.names()))
    namespace = runpy.run_path(target, run_name="__snnkit__")
    duration = namespace.get("duration", 1000.0)
    built = namespace["build"]() if callable(namespace.get("build")) else namespace.get("network")
    if isinstance(built, examples.Example):
        return built.network, built.duration, built.report
    if not isinstance(built, Network):
        raise SystemExit(f"snnkit run: {target} must define build() returning a Network "
                         "or a module-level `network` (an snnkit.Network)")
    return built, duration, None


def cmd_run(args) -> int:
    from .io.hdf5 import check_output_path
    from .simulator import Simulator
    if args.output:
        check_output_path(args.output)              # before the model is built
    network, duration, report = load_model(args.model)
    duration = args.duration if args.duration is not None else duration
    sim = Simulator(network, dt=args.dt, batch=args.batch, backend=args.backend, seed=args.seed,
                    dtype=args.dtype, output=args.output, device=args.device)
    print(f"snnkit: {args.model}: {sum(p.size for p in network.populations)} neurons, "
          f"batch {args.batch}, {duration:g} ms on {sim.backend.name} ({sim.backend.device_name})")
    try:
        sim.run(duration, progress=False if args.no_progress else None)
    except KeyboardInterrupt:
        where = f"; {args.output} holds everything recorded up to it" if args.output else ""
        print(f"snnkit run: interrupted at t = {sim.t:g} ms of {duration:g} ms{where}", file=sys.stderr)
        return 130
    res = sim.results
    for pop in res.spikes:
        rate = np.atleast_1d(res.rate(pop))
        spread = f" (instances: {rate.min():.2f} .. {rate.max():.2f})" if rate.size > 1 else ""
        print(f"  {pop:>12s}: {rate.mean():7.2f} Hz{spread}")
    if report is not None:
        report(sim, args.output)
    if args.output:
        print(f"  results written to {args.output}")
    return 0


def cmd_info(args) -> int:
    from . import __version__
    from .backends import BACKENDS
    print(f"snnkit {__version__}")
    for name, cls in BACKENDS.items():
        reason = cls.unavailable_reason()
        if reason:
            print(f"  {name:8s} unavailable: {reason}")
        else:
            print(f"  {name:8s} available: {cls().device_name}")
    if args.network:
        import time
        from .simulator import Simulator
        from .storage_report import format_storage, synapse_storage
        network, _, _ = load_model(args.network)
        start = time.perf_counter()
        sim = Simulator(network, backend=args.backend, dtype=args.dtype, seed=args.seed)
        print(f"\n{args.network} on {args.backend} ({args.dtype}): built in {time.perf_counter() - start:.2f} s; "
              f"synapse storage on the backend:")
        print(format_storage(synapse_storage(sim)))
    return 0


def cmd_plot(args) -> int:
    from .io import load
    from .io.hdf5 import check_output_path
    from .plotting import plot_results
    out = args.output or str(Path(args.file).with_suffix(".png"))
    check_output_path(out)
    plot_results(load(args.file), out, instance=args.instance)
    print(f"wrote {out}")
    return 0


def main(argv=None) -> int:
    from . import examples
    parser = argparse.ArgumentParser(prog="snnkit", description="Spiking neural network simulator")
    sub = parser.add_subparsers(dest="command", required=True)
    built = {name: examples.build(name) for name in examples.names()}
    models = "\n".join(f"  {name:12s} {ex.description} ({ex.duration:g} ms)" for name, ex in built.items())
    run = sub.add_parser("run", help="run a built-in model or a script", formatter_class=HelpFormatter,
                         description="Run a built-in model or a script, print the mean rate of every "
                                     "recorded population (Hz per recorded neuron) and write HDF5.",
                         epilog="built-in models:\n" + models + "\n\na script defines build() returning "
                                "an snnkit.Network, or a module-level `network` (and `duration`, ms)")
    run.add_argument("model", help="a script.py or one of: " + ", ".join(examples.names()))
    run.add_argument("--backend", default="numpy", help="numpy, opencl, cupy or auto")
    run.add_argument("--device", default=None, help="device of a device backend (OpenCL: 'P:D' or a name; CUDA: an index)")
    run.add_argument("--batch", type=int, default=1, help="network instances run together")
    run.add_argument("--duration", type=float, default=None, help="biological time, ms (default: the model's)")
    run.add_argument("--dt", type=float, default=0.1, help="time step, ms")
    run.add_argument("--seed", type=int, default=1, help="random seed (Poisson input, noise, initial state, connectivity)")
    run.add_argument("--dtype", default="float32", choices=["float32", "float64"], help="floating-point type")
    run.add_argument("-o", "--output", default=None, help="HDF5 result file (SONATA layout; default: none)")
    run.add_argument("--no-progress", action="store_true", help="never show a progress bar")
    run.set_defaults(func=cmd_run)
    info = sub.add_parser("info", help="backends and devices found; with --network, what a network's "
                                       "synapses occupy")
    info.add_argument("--network", default=None, help="a built-in model or a script (as for run): build it "
                                                      "and report bytes per synapse per table")
    info.add_argument("--backend", default="numpy")
    info.add_argument("--dtype", default="float32", choices=["float32", "float64"])
    info.add_argument("--seed", type=int, default=1)
    info.set_defaults(func=cmd_info)
    plot = sub.add_parser("plot", help="raster, rate and state-trace plot of a result file to PNG",
                          formatter_class=HelpFormatter,
                          description="Plot a result file (also one a run is still writing): spike raster, "
                                      "population rate (Hz per recorded neuron) and recorded state traces.")
    plot.add_argument("file", help="an HDF5 result file (snnkit run -o, Simulator(output=)) or SONATA spikes")
    plot.add_argument("-o", "--output", default=None, help="PNG file (default: FILE with .png)")
    plot.add_argument("--instance", type=int, default=0, help="batch instance to plot")
    plot.set_defaults(func=cmd_plot)
    from .bench.cli import add_parser as add_bench
    add_bench(sub)
    from .learning.cli import add_parser as add_learn
    add_learn(sub)
    from .training.cli import add_parser as add_train
    add_train(sub)
    from .sweeps.cli import add_parser as add_sweep
    add_sweep(sub)
    args = parser.parse_args(argv)
    args.argv = list(sys.argv[1:] if argv is None else argv)
    from .validation import SnnkitValueError
    try:
        return args.func(args)
    except SnnkitValueError as err:
        print(f"snnkit {args.command}: error: {err}", file=sys.stderr)
        return 2
    except ModuleNotFoundError as err:
        top = (err.name or "").split(".")[0]
        if top not in OPTIONAL_PACKAGES:
            raise
        package, extra = OPTIONAL_PACKAGES[top]
        print(f"snnkit {args.command}: error: this needs {package}, which is not installed: "
              f"pip install 'snnkit[{extra}]'", file=sys.stderr)
        return 2


# optional imports -> (the package to install, the snnkit extra that installs it)
OPTIONAL_PACKAGES = {"sklearn": ("scikit-learn", "learn"), "torch": ("PyTorch", "torch"), "pyopencl": ("pyopencl", "opencl"),
                     "cupy": ("cupy", "cuda"), "nengo": ("nengo", "nengo"), "pyNN": ("PyNN", "pynn"),
                     "neo": ("neo", "pynn"), "libsonata": ("libsonata", "test"),
                     "dask": ("dask.distributed", "dask"), "distributed": ("dask.distributed", "dask")}


if __name__ == "__main__":
    sys.exit(main())
