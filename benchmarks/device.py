"""Device benchmark (issue 4): on one backend, in one run,

(a) LIF update throughput: neuron-updates/s and achieved GB/s of the fused
    lif_step (bytes counted below) against a measured device-to-device copy;
(b) spike propagation: synaptic events/s (Poisson sources, fan-out 1000);
(c) CUBA 4k, CUBA 400k (same in-degree 80) and a batch of 64 CUBA-4k
    instances, 1 s biological time: real-time factors (wall / biological time).

    python benchmarks/device.py --backend cupy            # on a GPU machine
    python benchmarks/device.py --backend opencl --quick  # small sizes, a smoke test

Writes benchmarks/results/device_<backend>_<device>.json and prints a table.
"""

from __future__ import annotations

import argparse
import json
import platform
import re
import time
from pathlib import Path

import numpy as np

import snnkit as sk
from snnkit.examples import cuba

# bytes the curr_exp LIF kernel moves per neuron update (batch 1, no bias, not adaptive,
# one parameter set for the whole group, so parameters come from cache): reads v, syn_E,
# syn_I, refrac and 2 ring values; writes v, syn_E, syn_I, refrac and clears the 2 ring values
LIF_BYTES = 4 * (4 + 2) + 4 * (4 + 2)


def timed_run(sim, duration_ms: float) -> float:
    sim.run(min(10.0, duration_ms), progress=False)          # builds, first launches
    sim.backend.synchronize()
    t0 = time.perf_counter()
    sim.run(duration_ms, progress=False)
    sim.backend.synchronize()
    return time.perf_counter() - t0


def copy_bandwidth(backend, n_bytes: int) -> float:
    """Device-to-device copy, bytes read + written per second (median of 5)."""
    n = n_bytes // 4
    src = backend.to_device(np.random.default_rng(0).random(n, dtype=np.float32))
    times = []
    for _ in range(5):
        backend.synchronize()
        t0 = time.perf_counter()
        dst = src.copy()
        backend.synchronize()
        times.append(time.perf_counter() - t0)
        del dst
    return 2 * n * 4 / float(np.median(times))


def lif_throughput(backend: str, n: int, steps: int) -> dict:
    net = sk.Network()
    pop = net.population(n, sk.LIFCurrExp(tau_m=20.0, cm=0.2, v_thresh=1e9), name="lif")
    pop.initialize(v=sk.Uniform(-70.0, -50.0))
    sim = sk.Simulator(net, backend=backend, seed=1)
    wall = timed_run(sim, steps * sim.dt)
    updates = n * steps / wall
    return dict(neurons=n, steps=steps, wall_s=wall, updates_per_s=updates,
                gb_per_s=updates * LIF_BYTES / 1e9, bytes_per_update=LIF_BYTES)


def propagation(backend: str, n_src: int, n_tgt: int, fan_out: int, rate_hz: float, duration: float) -> dict:
    net = sk.Network(seed=2)
    src = net.population(n_src, sk.Poisson(rate=rate_hz), name="src")
    tgt = net.population(n_tgt, sk.LIFCurrExp(v_thresh=1e9), name="tgt")
    net.connect(src, tgt, sk.FixedProbability(fan_out / n_tgt), weight=0.001)
    net.record(src, "spikes")
    sim = sk.Simulator(net, backend=backend, seed=1)
    wall = timed_run(sim, duration)
    spikes = sim.results.spikes["src"].times
    spikes = spikes[spikes >= min(10.0, duration)].size
    events = spikes * fan_out
    return dict(sources=n_src, targets=n_tgt, fan_out=fan_out, rate_hz=rate_hz, wall_s=wall,
                events=events, events_per_s=events / wall)


def cuba_rtf(backend: str, n: int, batch: int, duration: float = 1000.0) -> dict:
    sim = sk.Simulator(cuba.build(n).network, backend=backend, batch=batch, seed=1)
    wall = timed_run(sim, duration)
    rate = np.atleast_1d(sim.results.rate("exc"))
    return dict(neurons=n, batch=batch, wall_s=wall, rtf=wall / (duration / 1000.0),
                rate_exc_hz=float(rate.mean()))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--backend", default="cupy")
    parser.add_argument("--quick", action="store_true", help="small sizes (a smoke test on a CPU)")
    args = parser.parse_args()
    q = args.quick
    backend = sk.backends.get_backend(args.backend)
    device = backend.device_name
    result = dict(backend=args.backend, device=device, date=time.strftime("%Y-%m-%d"), host=platform.node(),
                  snnkit=sk.__version__)
    result["copy_gb_per_s"] = copy_bandwidth(backend, (16 if q else 1024) << 20) / 1e9 \
        if hasattr(backend, "to_device") else None
    result["lif"] = lif_throughput(args.backend, 100_000 if q else 4_000_000, 200 if q else 2000)
    result["propagation"] = propagation(args.backend, 2_000 if q else 20_000, 2_000 if q else 20_000,
                                        200 if q else 1000, 50.0, 20.0 if q else 200.0)
    result["cuba"] = [cuba_rtf(args.backend, 4000, 1, 100.0 if q else 1000.0),
                      cuba_rtf(args.backend, 40_000 if q else 400_000, 1, 100.0 if q else 1000.0),
                      cuba_rtf(args.backend, 4000, 8 if q else 64, 100.0 if q else 1000.0)]
    lif, prop = result["lif"], result["propagation"]
    copy = result["copy_gb_per_s"]
    print(f"device: {device} ({args.backend})")
    if copy:
        print(f"copy bandwidth: {copy:.1f} GB/s (read + write)")
    print(f"LIF update: {lif['updates_per_s']:.3g} neuron-updates/s, {lif['gb_per_s']:.1f} GB/s"
          + (f" = {lif['gb_per_s'] / copy:.0%} of copy" if copy else ""))
    print(f"propagation: {prop['events_per_s']:.3g} synaptic events/s")
    base = result["cuba"][0]["wall_s"]
    for row in result["cuba"]:
        print(f"CUBA {row['neurons']:>7} x batch {row['batch']:>2}: RTF {row['rtf']:.3f} "
              f"({row['wall_s'] / base:.2f}x the single 4k instance), rate {row['rate_exc_hz']:.2f} Hz")
    name = re.sub(r"[^A-Za-z0-9]+", "_", device).strip("_")[:40]
    out = Path(__file__).parent / "results" / f"device_{args.backend}_{name}{'_quick' if q else ''}.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
