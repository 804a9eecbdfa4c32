"""What the peer scripts share: ISI CV from spike trains, the command line, one JSON
line per run."""

import argparse
import json

import numpy as np


def mean_cv(trains) -> float:
    cvs = []
    for t in trains:
        if len(t) >= 3:
            isi = np.diff(np.sort(np.asarray(t, float)))
            if isi.mean() > 0:
                cvs.append(isi.std() / isi.mean())
    return float(np.mean(cvs)) if cvs else float("nan")


def emit(**row) -> None:
    print(json.dumps(row), flush=True)


def main(run, models, targets=None) -> None:
    """Parse --model/--sizes/--repeat/--duration/--threads (and --target when ``targets``),
    then print one JSON line per (size, seed) of ``run(model, n, duration_ms, seed[, target],
    threads=)``."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", required=True, choices=models)
    if targets:
        parser.add_argument("--target", default=targets[0], choices=targets)
    parser.add_argument("--sizes", type=int, nargs="+", required=True)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--duration", type=float, default=1000.0)
    parser.add_argument("--threads", type=int, default=1, help="threads where the simulator has them")
    args = parser.parse_args()
    extra = (args.target,) if targets else ()
    for n in args.sizes:
        for seed in range(1, args.repeat + 1):
            emit(**run(args.model, n, args.duration, seed, *extra, threads=args.threads))
