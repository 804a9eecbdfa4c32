"""``snnkit learn``: train a Diehl & Cook network on handwritten digits, then label,
evaluate, and save the learned weights (HDF5) and receptive fields (PNG)."""

from __future__ import annotations

import json
from pathlib import Path

from ..cli_format import HelpFormatter
from .config import DiehlCook

# what `snnkit learn digits` trains with: Diehl & Cook's network and rule, with the
# input rate, weight scale, learning rate and x_tar chosen for 64-pixel images
# (README "Learning with plasticity")
DIGITS_DEFAULTS = dict(n_neurons=200, max_rate_hz=200.0, pairing="all", eta=0.002, x_target=1.0,
                       weight_norm="l2", weight_scale=0.45, w_max=5.0)
# with --readout delta the STDP layer feeds a trained output layer instead of being
# labelled: more neurons, and x_tar = 2, which depresses more and learns parts of digits
# rather than whole-digit prototypes (a distributed code, which a linear readout separates
# better: README "A readout trained by plasticity")
READOUT_LAYER = dict(n_neurons=800, x_target=2.0)
DIGITS_EPOCHS = 10
DIGITS_EVAL_MS = 1000.0


def add_parser(sub) -> None:
    learn = sub.add_parser("learn", help="train a Diehl & Cook STDP network on digits (no labels), then test it",
                           formatter_class=HelpFormatter)
    learn.add_argument("dataset", choices=["digits", "mnist"],
                       help="digits: scikit-learn's 8x8 digits; mnist: the IDX files in --data")
    learn.add_argument("--data", default=None, help="mnist: folder with the four MNIST IDX files (.gz or not)")
    learn.add_argument("--neurons", type=int, default=None,
                       help=f"excitatory neurons (default {DIGITS_DEFAULTS['n_neurons']}; "
                            f"{READOUT_LAYER['n_neurons']} with --readout delta)")
    learn.add_argument("--epochs", type=int, default=DIGITS_EPOCHS, help="passes over the training images")
    learn.add_argument("--batch", type=int, default=64, help="samples presented at once (batch instances)")
    learn.add_argument("--backend", default="auto", help="numpy, opencl, cupy or auto")
    learn.add_argument("--device", default=None)
    learn.add_argument("--seed", type=int, default=0, help="seeds the split, initial weights and spikes")
    learn.add_argument("--test-fraction", type=float, default=0.25, help="digits: held-out fraction")
    learn.add_argument("--eval-ms", type=float, default=DIGITS_EVAL_MS, help="presentation time when labelling and testing")
    learn.add_argument("--set", nargs="*", default=[], metavar="NAME=VALUE",
                       help="any DiehlCook parameter, e.g. --set eta=0.001 presentation_ms=150")
    learn.add_argument("--readout", choices=["labels", "delta"], default="labels",
                       help="labels: each neuron labelled by its strongest class (Diehl & Cook); delta: also "
                            "an output layer trained by the delta rule on spike counts (supervised plasticity)")
    learn.add_argument("--readout-set", nargs="*", default=[], metavar="NAME=VALUE",
                       help="any ReadoutConfig parameter, e.g. --readout-set epochs=20 eta=1e-4")
    learn.add_argument("-o", "--output", default="learned_digits.h5", help="HDF5 file of the learned network")
    learn.add_argument("--png", default=None, help="receptive fields PNG (default: next to --output)")
    learn.add_argument("--no-progress", action="store_true")
    learn.set_defaults(func=cmd_learn)


def config_from(args) -> DiehlCook:
    values = dict(DIGITS_DEFAULTS, **(READOUT_LAYER if getattr(args, "readout", "labels") == "delta" else {}))
    if args.neurons is not None:
        values["n_neurons"] = args.neurons
    return _with_settings(DiehlCook, values, args.set, "--set")


def readout_from(args):
    from .readout import ReadoutConfig
    if args.readout != "delta":
        if args.readout_set:
            from ..validation import fail
            fail("--readout-set", " ".join(args.readout_set), "needs --readout delta")
        return None
    return _with_settings(ReadoutConfig, {}, args.readout_set, "--readout-set")


def _with_settings(kind, values: dict, items: list, option: str):
    """kind(**values) with the NAME=VALUE items (JSON values, else strings) applied."""
    values = dict(values)
    for item in items:
        name, _, text = item.partition("=")
        try:
            values[name] = json.loads(text)
        except json.JSONDecodeError:
            values[name] = text
    known = set(kind.__dataclass_fields__)
    unknown = sorted(set(values) - known)
    if unknown:
        from ..validation import fail
        fail(option, unknown[0], f"is not a {kind.__name__} parameter; known: {', '.join(sorted(known))}")
    return kind(**values)


def cmd_learn(args) -> int:
    from . import datasets
    from .baseline import logistic_regression_accuracy
    from .classifier import fit
    from .fields import class_means, own_class_margin, plot_fields
    split = datasets.named(args.dataset, args.data, args.test_fraction, args.seed)
    cfg, readout = config_from(args), readout_from(args)
    print(f"snnkit learn {args.dataset}: {split.description}; {cfg.n_neurons} excitatory neurons, "
          f"batch {args.batch}, {args.epochs} epochs, backend {args.backend}")
    model = fit(split, cfg, args.batch, args.epochs, args.backend, args.seed, args.eval_ms, device=args.device,
                progress=False if args.no_progress else None, readout=readout)
    means = class_means(split.train_images, split.train_labels, split.n_classes)
    margin = own_class_margin(model.weights, model.assignments, means)
    model.info["field_margin_mean"] = float(margin.mean()) if margin.size else float("nan")
    print(f"  held-out accuracy {model.test_accuracy:.1%} (training images {model.train_accuracy:.1%}); "
          f"{model.info['mean_test_spikes']:.1f} spikes per test image")
    if readout is not None:
        print(f"  output layer trained by the delta rule ({readout.epochs} epochs, "
              f"{model.info['readout_train_seconds']:.0f} s): held-out accuracy {model.readout_test_accuracy:.1%}")
    if args.dataset == "digits":
        baseline = logistic_regression_accuracy(split, args.seed)
        model.info["logistic_regression_accuracy"] = baseline
        print(f"  logistic regression on the raw pixels, same split: {baseline:.1%}")
    print(f"  receptive fields: correlation with the own class mean exceeds that with the others "
          f"by {model.info['field_margin_mean']:.2f} on average")
    model.save(args.output)
    png = args.png or str(Path(args.output).with_suffix(".png"))
    plot_fields(model.weights, model.image_shape, png, model.assignments,
                f"snnkit learn {args.dataset}: {cfg.n_neurons} neurons, held-out accuracy {model.test_accuracy:.1%}")
    print(f"  wrote {args.output} and {png}")
    return 0
