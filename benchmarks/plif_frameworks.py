"""The open-neuromorphic SNN framework benchmark on this CPU: one Linear + LIF layer,
batch 16, T = 500, forward + backward, per framework installed side by side (snnkit's
fused kernels on its NumPy and OpenCL engines; SpikingJelly's torch backend; snnTorch;
Norse). ``--neurons`` sets n (the benchmark's 16384 makes the Linear layer 4.3 TFLOP a
pass, hours on 2 cores: the LIF layer alone is timed at 16384 too, where the frameworks
differ). Writes benchmarks/results/plif_frameworks_<tag>.{json,md}.

    python benchmarks/plif_frameworks.py --neurons 4096 --tag vm_20261203
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import torch

STEPS, BATCH = 500, 16


def snnkit_layer(engine):
    from snnkit.torch import LIF
    return lambda: LIF(tau=2.0, engine=engine)


def spikingjelly_layer():
    from spikingjelly.activation_based import neuron
    return neuron.LIFNode(tau=2.0, step_mode="m")


class SnnTorchLayer(torch.nn.Module):
    """snnTorch's Leaky (beta = 1 - 1/tau), stepped over T as its tutorials do."""

    def __init__(self):
        super().__init__()
        import snntorch
        self.cell = snntorch.Leaky(beta=0.5)

    def forward(self, x):
        mem = self.cell.init_leaky()
        out = []
        for t in range(x.shape[0]):
            spk, mem = self.cell(x[t], mem)
            out.append(spk)
        return torch.stack(out)


class NorseLayer(torch.nn.Module):
    def __init__(self):
        super().__init__()
        import norse.torch as norse
        self.cell = norse.LIF()

    def forward(self, x):
        return self.cell(x)[0]


FRAMEWORKS = {"snnkit (numpy engine)": snnkit_layer("numpy"), "snnkit (torch engine)": snnkit_layer("torch"),
              "snnkit (opencl engine)": snnkit_layer("opencl"),
              "SpikingJelly (torch)": spikingjelly_layer, "snnTorch": SnnTorchLayer, "Norse": NorseLayer}


def time_pass(model, x, repeats: int) -> float:
    """Median seconds of forward + backward (one untimed pass first)."""
    times = []
    for j in range(repeats + 1):
        for p in model.parameters():
            p.grad = None
        for m in model.modules():                   # SpikingJelly keeps v between calls
            if m.__class__.__module__.startswith("spikingjelly") and hasattr(m, "reset"):
                m.reset()
        inputs = x.clone().requires_grad_()
        started = time.perf_counter()
        model(inputs).sum().backward()
        if j:
            times.append(time.perf_counter() - started)
    return sorted(times)[len(times) // 2]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--neurons", type=int, default=4096)
    parser.add_argument("--lif-neurons", type=int, default=16384)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--tag", default="local")
    parser.add_argument("--only", nargs="*", default=None, help="frameworks whose name starts with one of these")
    args = parser.parse_args()
    torch.manual_seed(0)
    rows = []
    for name, make in FRAMEWORKS.items():
        if args.only and not any(name.startswith(prefix) for prefix in args.only):
            continue
        try:
            layer = make()
        except Exception as error:                      # not installed here
            rows.append(dict(framework=name, error=f"{type(error).__name__}: {error}"))
            continue
        row = dict(framework=name, threads=torch.get_num_threads())
        x = torch.rand(STEPS, BATCH, args.lif_neurons) * 1.5
        row["lif_only_s"] = time_pass(layer, x, args.repeats)
        model = torch.nn.Sequential(torch.nn.Linear(args.neurons, args.neurons), make())
        x = torch.rand(STEPS, BATCH, args.neurons)
        row["linear_lif_s"] = time_pass(model, x, args.repeats)
        rows.append(row)
        print(json.dumps(row), flush=True)
    out = Path(__file__).parent / "results" / f"plif_frameworks_{args.tag}"
    meta = dict(steps=STEPS, batch=BATCH, neurons=args.neurons, lif_neurons=args.lif_neurons, repeats=args.repeats,
                torch=torch.__version__)
    out.with_suffix(".json").write_text(json.dumps(dict(meta, rows=rows), indent=1))
    lines = [f"T = {STEPS}, batch {BATCH}, forward + backward, medians of {args.repeats}, torch {torch.__version__}, "
             f"{rows[0].get('threads', '?')} threads", "",
             f"| framework | LIF layer alone, n = {args.lif_neurons} (s) | Linear + LIF, n = {args.neurons} (s) |",
             "|---|---|---|"]
    for r in rows:
        if "error" in r:
            lines.append(f"| {r['framework']} | not run: {r['error'][:60]} | |")
        else:
            lines.append(f"| {r['framework']} | {r['lif_only_s']:.3f} | {r['linear_lif_s']:.3f} |")
    out.with_suffix(".md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
