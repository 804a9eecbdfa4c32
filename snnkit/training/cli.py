"""``snnkit train``: the PLIF network of Fang et al. (snnkit.torch.network) trained by
backpropagation through time on digits (or MNIST / Fashion-MNIST IDX files in --data),
with learnable or fixed tau; reports held-out accuracy and the learned tau per layer,
saves a torch checkpoint."""

from __future__ import annotations

import json
import time
from pathlib import Path

from ..cli_format import HelpFormatter


def add_parser(sub) -> None:
    train = sub.add_parser("train", help="train the PLIF network (Fang et al. 2021) by surrogate gradients",
                           formatter_class=HelpFormatter)
    train.add_argument("dataset", choices=["digits", "mnist"],
                       help="digits: scikit-learn's 8x8 digits; mnist: the four IDX files in --data "
                            "(MNIST or Fashion-MNIST)")
    train.add_argument("--data", default=None, help="mnist: folder with the IDX files (.gz or not)")
    train.add_argument("--epochs", type=int, default=60)
    train.add_argument("--batch", type=int, default=64)
    train.add_argument("--steps", type=int, default=8, help="T: time steps of direct encoding")
    train.add_argument("--lr", type=float, default=1e-3, help="Adam's learning rate (cosine annealed)")
    train.add_argument("--fixed-tau", action="store_true", help="LIF neurons with tau = --tau (not learned)")
    train.add_argument("--tau", type=float, default=2.0, help="initial (or fixed) tau, in steps")
    train.add_argument("--engine", default="auto", help="auto, numpy, opencl or cupy")
    train.add_argument("--seed", type=int, default=0, help="seeds the split and the initial weights")
    train.add_argument("--test-fraction", type=float, default=0.25, help="digits: held-out fraction")
    train.add_argument("-o", "--output", default="plif_digits.pt", help="checkpoint (torch.save)")
    train.add_argument("--no-progress", action="store_true")
    train.set_defaults(func=cmd_train)


def cmd_train(args) -> int:
    from ..learning import datasets
    from ..validation import fail
    from .fit import fit
    split = datasets.named(args.dataset, args.data, args.test_fraction, args.seed)
    for name in ("epochs", "batch", "steps"):
        if getattr(args, name) < 1:
            fail(f"--{name}", getattr(args, name), "must be a positive integer")
    print(f"snnkit train {args.dataset}: {split.description}; T = {args.steps}, "
          f"{'fixed' if args.fixed_tau else 'learnable'} tau (initial {args.tau}), {args.epochs} epochs")
    started = time.perf_counter()
    result = fit(split, epochs=args.epochs, batch=args.batch, steps=args.steps, lr=args.lr,
                 learn_tau=not args.fixed_tau, init_tau=args.tau, engine=args.engine, seed=args.seed,
                 checkpoint=Path(args.output), progress=False if args.no_progress else None)
    seconds = time.perf_counter() - started
    print(f"  held-out accuracy {result['test_accuracy']:.2%} (training {result['train_accuracy']:.2%}); "
          f"tau per layer {', '.join(f'{t:.3f}' for t in result['taus'])}; "
          f"{result['samples_per_s']:.0f} training samples/s; {seconds:.1f} s")
    print(f"  checkpoint: {args.output}")
    print(json.dumps({k: v for k, v in result.items() if k != "history"}))
    return 0
