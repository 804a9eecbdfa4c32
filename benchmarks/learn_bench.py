"""Training throughput of the Diehl & Cook digits network (issue 8): samples learned per
second on each backend, batch 1 against batch 64, in one run; optionally the full
train-label-test run with its held-out accuracy.

    python benchmarks/learn_bench.py [--backends numpy,opencl,cupy] [--batches 1,64]
        [--samples 256] [--full] [--digits-npz FILE] [--out results.json]

Throughput: the same number of training samples (the first --samples of the training
split, repeats at a higher rate included in the time but not in the count) after one
warm-up batch, so that kernel compilation is not timed. --digits-npz reads the split
from a file written by --write-digits-npz (for machines without scikit-learn).
"""

from __future__ import annotations

import argparse
import json
import platform
import time
from pathlib import Path

import numpy as np

from snnkit.backends import BACKENDS
from snnkit.learning import Split, digits
from snnkit.learning.classifier import fit
from snnkit.learning.cli import DIGITS_DEFAULTS, DIGITS_EPOCHS, DIGITS_EVAL_MS
from snnkit.learning.config import DiehlCook
from snnkit.learning.train import train


def load_split(npz):
    if npz is None:
        return digits(0.25, 0)
    with np.load(npz) as f:
        return Split(f["train_images"], f["train_labels"], f["test_images"], f["test_labels"], str(f["description"]))


def throughput(cfg, images, backend, batch, samples):
    train(cfg, images[:batch], batch=batch, epochs=1, backend=backend, seed=0, progress=False)   # warm-up
    _, _, log = train(cfg, images[:samples], batch=batch, epochs=1, backend=backend, seed=0, progress=False)
    return dict(samples=log.samples, presentations=log.presentations, seconds=log.seconds,
                samples_per_second=log.samples_per_second)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--backends", default="numpy,opencl,cupy")
    ap.add_argument("--batches", default="1,64")
    ap.add_argument("--samples", type=int, default=256)
    ap.add_argument("--full", action="store_true", help="also train, label and test (3 epochs) per backend")
    ap.add_argument("--epochs", type=int, default=DIGITS_EPOCHS)
    ap.add_argument("--seeds", default="0", help="full runs: one per seed (split, initial weights, spikes)")
    ap.add_argument("--digits-npz", default=None)
    ap.add_argument("--write-digits-npz", default=None)
    ap.add_argument("--out", default=None)
    args = ap.parse_args()
    split = load_split(args.digits_npz)
    if args.write_digits_npz:
        np.savez_compressed(args.write_digits_npz, train_images=split.train_images, train_labels=split.train_labels,
                            test_images=split.test_images, test_labels=split.test_labels,
                            description=split.description)
        return
    cfg = DiehlCook(**DIGITS_DEFAULTS)
    out = dict(machine=platform.node(), processor=platform.processor(), config=cfg.as_dict(),
               split=split.description, rows=[])
    for name in args.backends.split(","):
        reason = BACKENDS[name].unavailable_reason()
        if reason:
            print(f"{name}: skipped ({reason})")
            continue
        device = BACKENDS[name]().device_name
        for batch in (int(b) for b in args.batches.split(",")):
            samples = max(batch, args.samples if batch > 1 else min(args.samples, 64))
            row = dict(backend=name, device=device, batch=batch, **throughput(cfg, split.train_images, name, batch,
                                                                              samples))
            out["rows"].append(row)
            print(f"{name:7s} batch {batch:3d}: {row['samples_per_second']:8.1f} samples/s "
                  f"({row['samples']} samples, {row['presentations']} presentations, {row['seconds']:.2f} s)",
                  flush=True)
        for seed in (int(s) for s in args.seeds.split(",")) if args.full else ():
            t0 = time.perf_counter()
            data = split if seed == 0 or args.digits_npz else digits(0.25, seed)
            model = fit(data, cfg, 64, args.epochs, name, seed, DIGITS_EVAL_MS, progress=False, log=lambda *_: None)
            row = dict(model.info, backend=name, device=device, full_run=True, test_accuracy=model.test_accuracy,
                       train_accuracy=model.train_accuracy, seconds=time.perf_counter() - t0)
            out["rows"].append(row)
            print(f"{name:7s} full, seed {seed}: held-out {model.test_accuracy:.1%}, train {model.train_accuracy:.1%}, "
                  f"{row['seconds']:.1f} s (training {row['train_samples_per_second']:.0f} samples/s)", flush=True)
    if args.out:
        Path(args.out).parent.mkdir(parents=True, exist_ok=True)
        Path(args.out).write_text(json.dumps(out, indent=1))
        print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
