"""The plasticity-only digits classifier (issue 25, item 4): an unsupervised STDP layer
(Diehl & Cook's network and rule) with an output layer trained by the delta rule on
spike counts, held-out accuracy against logistic regression on the raw pixels, on the
same split (sklearn digits, stratified 75/25, seed 0), with the time of each phase.

    python benchmarks/learn_readout.py [--backend opencl] [--seeds 0] [--out results.json]
        [--save DIR] [--layers DIR] [--readout-set NAME=VALUE ...]

It runs what `snnkit learn digits --readout delta` runs (the same defaults), once per
seed (initial weights and spikes; the split stays that of seed 0). --save keeps each
seed's classifier (DIR/seed<S>.h5); --layers takes the STDP layers from such files and
trains only the readout (with --readout-set changes), to compare readouts on one layer.
"""

from __future__ import annotations

import argparse
import json
import platform
import time
from pathlib import Path

from snnkit.learning import LearnedClassifier, digits, logistic_regression_accuracy
from snnkit.learning.classifier import fit, fit_readout
from snnkit.learning.cli import DIGITS_DEFAULTS, DIGITS_EPOCHS, DIGITS_EVAL_MS, READOUT_LAYER, _with_settings
from snnkit.learning.config import DiehlCook
from snnkit.learning.readout import ReadoutConfig


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--backend", default="opencl")
    parser.add_argument("--seeds", default="0")
    parser.add_argument("--out", default=None, help="JSON results (a .md table is written next to it)")
    parser.add_argument("--save", default=None, help="folder for each seed's classifier (seed<S>.h5)")
    parser.add_argument("--layers", default=None, help="folder of such files: reuse their STDP layers")
    parser.add_argument("--readout-set", nargs="*", default=[], metavar="NAME=VALUE")
    args = parser.parse_args(argv)
    split = digits(0.25, 0)
    cfg = DiehlCook(**dict(DIGITS_DEFAULTS, **READOUT_LAYER))
    readout = _with_settings(ReadoutConfig, {}, args.readout_set, "--readout-set")
    baseline = logistic_regression_accuracy(split, 0)
    rows = []
    for seed in (int(s) for s in args.seeds.split(",")):
        began = time.perf_counter()
        if args.layers:
            model = LearnedClassifier.load(Path(args.layers) / f"seed{seed}.h5")
            fit_readout(model, split, readout, args.backend, seed, log=print)
        else:
            model = fit(split, cfg, 64, DIGITS_EPOCHS, args.backend, seed, DIGITS_EVAL_MS, progress=False,
                        readout=readout)
        if args.save:
            Path(args.save).mkdir(parents=True, exist_ok=True)
            model.save(Path(args.save) / f"seed{seed}.h5")
        rows.append(dict(seed=seed, labelled_accuracy=model.test_accuracy, readout_accuracy=model.readout_test_accuracy,
                         readout_epoch_train_accuracy=model.info["readout_epoch_train_accuracy"],
                         stdp_seconds=model.info["train_seconds"], label_seconds=model.info["eval_seconds"],
                         layer_reused=bool(args.layers),
                         readout_train_seconds=model.info["readout_train_seconds"],
                         readout_test_seconds=model.info["readout_test_seconds"],
                         total_seconds=time.perf_counter() - began))
        print(json.dumps(rows[-1]), flush=True)
    result = dict(backend=args.backend, machine=platform.platform(), processor=platform.processor(),
                  split=split.description, logistic_regression_accuracy=baseline, stdp=cfg.as_dict(),
                  readout=readout.as_dict(), runs=rows)
    lines = [f"# Plasticity-only digits classifier, {args.backend} ({platform.processor() or platform.machine()})", "",
             f"{split.description}; logistic regression on the raw pixels: {baseline:.1%}", "",
             "| seed | STDP layer labelled (Diehl & Cook) | delta-rule readout | STDP training (s) | "
             "readout training (s) | in all (s) |", "|---|---|---|---|---|---|"]
    lines += [f"| {r['seed']} | {r['labelled_accuracy']:.1%} | **{r['readout_accuracy']:.1%}** | "
              f"{r['stdp_seconds']:.0f} | {r['readout_train_seconds']:.0f} | {r['total_seconds']:.0f} |" for r in rows]
    print("\n".join(lines))
    if args.out:
        Path(args.out).write_text(json.dumps(result, indent=1))
        Path(args.out).with_suffix(".md").write_text("\n".join(lines) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
