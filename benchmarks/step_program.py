"""Step programs vs launching each step (snnkit/backends/device_program.py): microseconds
per step of the same networks on OpenCL, both modes in one run, written to
benchmarks/results/step_program_<host>_<date>.json. This is the measurement behind
PROGRAM_NEURONS_CPU (snnkit/backends/opencl_backend.py).

    python benchmarks/step_program.py [--quick]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
from pathlib import Path

import snnkit as sk
from snnkit.bench.models import coba, stdp
from snnkit.examples import cuba


def per_step_us(build, mode: str, bio_ms: float) -> tuple[float, str | None]:
    os.environ["SNNKIT_STEP_PROGRAM"] = "1" if mode == "program" else "0"
    sim = sk.Simulator(build(), backend="opencl", dtype="float32", seed=1)
    sim.run(20.0, progress=False)                 # builds, binds, compiles the program
    sim.backend.synchronize()
    start = time.perf_counter()
    sim.run(bio_ms, progress=False)
    sim.backend.synchronize()
    elapsed = time.perf_counter() - start
    return elapsed / round(bio_ms / sim.dt) * 1e6, sim.sequences.mode or f"step by step: {sim.sequences.why_not}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="shorter runs, fewer sizes")
    args = parser.parse_args()
    cases = [("CUBA", n, lambda n=n: cuba.build(n).network) for n in (1000, 4000, 16000, 40000)]
    cases += [("COBA", n, lambda n=n: coba.build(n).network) for n in (4000, 40000)]
    cases += [("STDP (Song et al.: 1 neuron, 1000 Poisson inputs)", 1001, lambda: stdp.build(1000).network)]
    if args.quick:
        cases = [c for c in cases if c[1] <= 4001]
    rows = []
    for model, n, build in cases:
        bio_ms = 200.0 if args.quick else (2000.0 if n <= 4001 else 500.0)
        measured = {mode: per_step_us(build, mode, bio_ms) for mode in ("per_step", "program")}
        steps_us = {mode: us for mode, (us, _) in measured.items()}
        rows.append(dict(model=model, neurons=n, bio_ms=bio_ms, ran_as=measured["program"][1],
                         per_step_us=round(steps_us["per_step"], 2),
                         program_us=round(steps_us["program"], 2),
                         speedup=round(steps_us["per_step"] / steps_us["program"], 2)))
        print(f"{model:40s} {n:6d}  per step {steps_us['per_step']:8.2f} us  program {steps_us['program']:8.2f} us"
              f"  x{rows[-1]['speedup']:.2f}  ({rows[-1]['ran_as']})", flush=True)
    out = Path(__file__).parent / "results" / f"step_program_{platform.node()}_{time.strftime('%Y%m%d_%H%M')}.json"
    out.write_text(json.dumps(dict(cores=os.cpu_count(), processor=platform.processor(), rows=rows), indent=1) + "\n")
    print("wrote", out)


if __name__ == "__main__":
    main()
