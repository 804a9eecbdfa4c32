"""``snnkit sweep SCRIPT``: a parameter grid of a network script over Dask (or in this
process), into one HDF5 file indexed by parameter values.

The script defines ``network(**parameters)`` (each parameter an array, one value per
batch instance: snnkit.sweep's network factory) and may define ``parameters`` (name ->
values), ``duration`` (ms) and ``measure(simulator)``; ``--param`` adds to or replaces
the script's parameters: ``rate=5,10,20`` (a list) or ``rate=5:50:10`` (10 values from
5 to 50, both included). The grid's last name varies fastest: --param names come first,
in their order, then the script's others, so a parameter the network's structure
depends on (a weight given as one number: the points of a batch must share it) is
given with --param, or batch is 1.
"""

from __future__ import annotations

import runpy
import time
from pathlib import Path

import numpy as np

from ..cli_format import HelpFormatter
from ..validation import fail


def add_parser(sub) -> None:
    sweep = sub.add_parser("sweep", help="a parameter grid of a network script over Dask, into one HDF5 file",
                           formatter_class=HelpFormatter, description=__doc__)
    sweep.add_argument("script", help="a .py defining network(**parameters) -> snnkit.Network")
    sweep.add_argument("--param", action="append", default=[], metavar="NAME=VALUES",
                       help="a parameter's values: a,b,c or start:stop:count (repeatable)")
    sweep.add_argument("--factory", default="network", help="the script's network factory")
    sweep.add_argument("--duration", type=float, default=None, help="ms per point (default: the script's)")
    sweep.add_argument("--batch", type=int, default=16, help="points per Simulator (its batch instances)")
    sweep.add_argument("-o", "--output", default="sweep.h5", help="the sweep's HDF5 file (a rerun resumes it)")
    sweep.add_argument("--overwrite", action="store_true", help="replace another sweep in --output")
    where = sweep.add_mutually_exclusive_group()
    where.add_argument("--workers", type=int, default=None, help="a LocalCluster of this many processes "
                                                                 "(default: the CPU count)")
    where.add_argument("--scheduler", default=None, help="the address of a running Dask scheduler")
    where.add_argument("--serial", action="store_true", help="no Dask: the batches one after another here")
    sweep.add_argument("--retries", type=int, default=2, help="reruns of a failed batch")
    sweep.add_argument("--backend", default="numpy", help="numpy, opencl, cupy or auto (on every worker)")
    sweep.add_argument("--dt", type=float, default=0.1, help="time step, ms")
    sweep.add_argument("--dtype", default="float32", choices=["float32", "float64"])
    sweep.add_argument("--seed", type=int, default=0, help="point j runs with seed + j")
    sweep.add_argument("--no-progress", action="store_true")
    sweep.set_defaults(func=cmd_sweep)


def parse_values(text: str) -> np.ndarray:
    """'a,b,c' -> those numbers; 'start:stop:count' -> count values from start to stop."""
    try:
        if ":" in text:
            start, stop, count = text.split(":")
            if int(count) < 1:
                raise ValueError
            return np.linspace(float(start), float(stop), int(count))
        return np.array([float(v) for v in text.split(",")])
    except ValueError:
        fail("--param", text, "must be values a,b,c or start:stop:count (count >= 1)")


def parameters_from(script_parameters, items: list) -> dict:
    """The --param names in their order, then the script's other parameters: the last
    name varies fastest, so a parameter the network's structure depends on (which the
    points of one batch must share) goes first."""
    parameters = {}
    for item in items:
        name, sep, text = item.partition("=")
        if not sep or not name.isidentifier():
            fail("--param", item, "must be NAME=VALUES (a,b,c or start:stop:count)")
        parameters[name] = parse_values(text)
    for name, values in dict(script_parameters or {}).items():
        parameters.setdefault(name, values)
    if not parameters:
        fail("--param", "none", "is needed: the script defines no `parameters` to sweep")
    return parameters


def cmd_sweep(args) -> int:
    from . import parameter_grid, sweep
    if not Path(args.script).is_file() or not args.script.endswith(".py"):
        fail("script", args.script, "must be an existing .py file")
    namespace = runpy.run_path(args.script, run_name="__snnkit_sweep__")
    factory = namespace.get(args.factory)
    if not callable(factory):
        fail("--factory", args.factory, f"must name a function of {args.script}: network(**parameters) -> Network")
    parameters = parameters_from(namespace.get("parameters"), args.param)
    duration = args.duration if args.duration is not None else namespace.get("duration")
    if duration is None:
        fail("--duration", None, f"is needed: {args.script} defines no `duration` (ms)")
    client = "serial" if args.serial else None
    if args.scheduler:
        from dask.distributed import Client
        client = Client(args.scheduler)
    points = len(parameter_grid(parameters)[1])
    print(f"snnkit sweep {args.script}: {points} points over {', '.join(parameters)}, {duration:g} ms each, "
          f"batch {args.batch}, on " + ("this process" if args.serial else args.scheduler or
                                        f"a LocalCluster of {args.workers or 'all CPU'} workers")
          + f", backend {args.backend}")
    began = time.perf_counter()
    results = sweep(factory, parameters, float(duration), batch=args.batch, out=args.output, seed=args.seed,
                    client=client, n_workers=args.workers, retries=args.retries, measure=namespace.get("measure"),
                    overwrite=args.overwrite, progress=False if args.no_progress else None, backend=args.backend,
                    dt=args.dt, dtype=args.dtype)
    print(f"  {int(results.done.sum())} of {len(results)} points done in {time.perf_counter() - began:.1f} s")
    for population, rates in results.rates.items():
        rates = np.asarray(rates, float).reshape(len(results), -1).mean(axis=1)
        print(f"  {population:>12s}: {np.nanmin(rates):.2f} .. {np.nanmax(rates):.2f} Hz over the points")
    print(f"  results written to {args.output} (snnkit.load_sweep)")
    return 0
