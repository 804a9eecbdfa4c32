"""``snnkit bench [models] [--backends ...] [--peers ...] [--sizes ...] [--repeat N]``."""

from __future__ import annotations

import platform
import time
from pathlib import Path

from ..cli_format import HelpFormatter
from ..validation import fail
from . import cores
from . import models as model_registry
from .report import markdown, write
from .runner import PEER_SCRIPTS, run_bench, targets


def add_parser(sub) -> None:
    bench = sub.add_parser("bench", help="time the benchmark models on every backend, device and peer",
                           formatter_class=HelpFormatter)
    bench.add_argument("models", nargs="*", default=None,
                       help=f"any of {', '.join(model_registry.NAMES)}, micro (default: all models)")
    bench.add_argument("--backends", nargs="+", default=["numpy", "opencl", "cupy"],
                       help="snnkit backends (each of their devices is timed; unavailable ones are skipped)")
    bench.add_argument("--peers", nargs="*", default=[], help=f"peer simulators: {', '.join(PEER_SCRIPTS)}")
    bench.add_argument("--peer-python", nargs="*", default=[], metavar="PEER=PYTHON",
                       help="the interpreter of a peer, e.g. brian2=/opt/b2/bin/python "
                            "(else SNNKIT_BRIAN2_PYTHON / SNNKIT_NEST_PYTHON, else this one)")
    bench.add_argument("--sizes", type=int, nargs="+", default=None, help="neurons (default: each model's)")
    bench.add_argument("--scale", type=float, nargs="+", default=None,
                       help="sizes as fractions of each model's full size (microcircuit: 77169 neurons; "
                            "the others: their largest default size), e.g. --scale 0.1")
    bench.add_argument("--repeat", type=int, default=3)
    bench.add_argument("--duration", type=float, default=None, help="biological ms (default: each model's)")
    bench.add_argument("--full", action="store_true", help="micro: GPU sizes instead of the quick CPU ones")
    bench.add_argument("--cores", type=int, nargs="+", default=None,
                       help="cores for snnkit and every peer alike (PoCL threads, Brian2 cpp_standalone's "
                            "OpenMP threads, NEST's local threads), e.g. --cores 2 1 for both columns "
                            "(default: every core this process may use)")
    bench.add_argument("--out", default="benchmarks/results", help="folder for JSON, Markdown and PNG")
    bench.set_defaults(func=cmd_bench)


def cmd_bench(args) -> int:
    def split(items):                     # "--peers brian2,nest" and "--peers brian2 nest" alike
        return [x for item in items for x in item.split(",") if x]
    args.peers, args.backends = split(args.peers), split(args.backends)
    names = split(args.models) or list(model_registry.NAMES)
    for name in names:
        if name != "micro":
            model_registry.get(name)
    for peer in args.peers:
        if peer not in PEER_SCRIPTS:
            fail("--peers", peer, "must be one of " + ", ".join(PEER_SCRIPTS))
    for scale in args.scale or ():
        if not 0 < scale <= 1:
            fail("--scale", scale, "must be in (0, 1]")
    if args.scale and args.sizes:
        fail("--scale", args.scale, "cannot be combined with --sizes")
    if args.repeat < 1:
        fail("--repeat", args.repeat, "must be >= 1")
    pythons = {}
    for item in args.peer_python:
        peer, sep, python = item.partition("=")
        if not sep:
            fail("--peer-python", item, "must be PEER=/path/to/python")
        pythons[peer] = python
    usable = len(cores.available())
    counts = args.cores or [usable]
    for count in counts:
        if not 1 <= count <= usable:
            fail("--cores", count, f"must be between 1 and {usable}, the cores this process may use")
    stem = f"bench_{platform.node() or 'host'}_{time.strftime('%Y%m%d_%H%M%S')}"
    models = [n for n in names if n != "micro"]
    if len(counts) > 1 and models:
        result = cores.run_each(getattr(args, "argv", [])[1:], counts)
    else:
        cores.pin(counts[0])
        result = run_bench(models, args.backends, args.peers, args.sizes, args.repeat, args.duration, pythons,
                           scales=args.scale, cores=counts[0]) \
            if models else dict(meta={}, rows=[], skipped=[])
    if "micro" in names:
        from .micro import run_micro
        result["micro"] = [run_micro(b, d, quick=not args.full) for b, d, _ in targets(args.backends)]
    if models:
        paths = write(result, Path(args.out), stem)
        print(markdown(result))
        print("wrote " + ", ".join(map(str, paths)))
    else:
        import json
        path = Path(args.out) / f"{stem}_micro.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(result, indent=2) + "\n")
        print(json.dumps(result["micro"], indent=2))
        print(f"wrote {path}")
    bad = [r for r in result["rows"] if not r["sanity_ok"]]
    return 1 if bad else 0
