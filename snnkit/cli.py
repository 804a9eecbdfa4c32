"""The ``snnkit`` command: run, info, plot, bench, learn."""

from __future__ import annotations

import argparse
import runpy
import sys
from pathlib import Path

import numpy as np


def load_model(target: str):
    """A built-in model name or a script path -> (Network, default duration ms).

    A script defines ``build()`` returning a Network or an Example, or a
    module-level ``network`` (and optionally ``duration`` in ms).
    """
    from . import examples
    from .model import Network
    if not target.endswith(".py"):
        ex = examples.build(target)
        return ex.network, ex.duration
    namespace = runpy.run_path(target, run_name="__snnkit__")
    duration = namespace.get("duration", 1000.0)
    built = namespace["build"]() if callable(namespace.get("build")) else namespace.get("network")
    if isinstance(built, examples.Example):
        return built.network, built.duration
    if not isinstance(built, Network):
        raise SystemExit(f"snnkit run: {target} must define build() returning a Network "
                         "or a module-level `network` (an snnkit.Network)")
    return built, duration


def cmd_run(args) -> int:
    from .simulator import Simulator
    network, duration = load_model(args.model)
    duration = args.duration if args.duration is not None else duration
    sim = Simulator(network, dt=args.dt, batch=args.batch, backend=args.backend, seed=args.seed,
                    dtype=args.dtype, output=args.output, device=args.device)
    print(f"snnkit: {args.model}: {sum(p.size for p in network.populations)} neurons, "
          f"batch {args.batch}, {duration:g} ms on {sim.backend.name} ({sim.backend.device_name})")
    sim.run(duration, progress=False if args.no_progress else None)
    res = sim.results
    for pop in res.spikes:
        rate = np.atleast_1d(res.rate(pop))
        spread = f" (instances: {rate.min():.2f} .. {rate.max():.2f})" if rate.size > 1 else ""
        print(f"  {pop:>12s}: {rate.mean():7.2f} Hz{spread}")
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
    return 0


def cmd_plot(args) -> int:
    from .io import load
    from .plotting import plot_results
    out = args.output or str(Path(args.file).with_suffix(".png"))
    plot_results(load(args.file), out, instance=args.instance)
    print(f"wrote {out}")
    return 0


def main(argv=None) -> int:
    from . import examples
    parser = argparse.ArgumentParser(prog="snnkit", description="Spiking neural network simulator")
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="run a built-in model or a script")
    run.add_argument("model", help="a script.py or one of: " + ", ".join(examples.names()))
    run.add_argument("--backend", default="numpy", help="numpy, opencl, cupy or auto (default numpy)")
    run.add_argument("--device", default=None, help="device of a device backend (OpenCL: 'P:D' or a name; CUDA: an index)")
    run.add_argument("--batch", type=int, default=1, help="network instances run together")
    run.add_argument("--duration", type=float, default=None, help="biological time, ms")
    run.add_argument("--dt", type=float, default=0.1, help="time step, ms")
    run.add_argument("--seed", type=int, default=1)
    run.add_argument("--dtype", default="float32", choices=["float32", "float64"])
    run.add_argument("-o", "--output", default=None, help="HDF5 result file (SONATA layout)")
    run.add_argument("--no-progress", action="store_true", help="never show a progress bar")
    run.set_defaults(func=cmd_run)
    info = sub.add_parser("info", help="backends and devices found")
    info.set_defaults(func=cmd_info)
    plot = sub.add_parser("plot", help="raster + rate plot of a result file to PNG")
    plot.add_argument("file")
    plot.add_argument("-o", "--output", default=None)
    plot.add_argument("--instance", type=int, default=0)
    plot.set_defaults(func=cmd_plot)
    from .bench.cli import add_parser as add_bench
    add_bench(sub)
    from .learning.cli import add_parser as add_learn
    add_learn(sub)
    args = parser.parse_args(argv)
    from .validation import SnnkitValueError
    try:
        return args.func(args)
    except SnnkitValueError as err:
        print(f"snnkit: error: {err}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
