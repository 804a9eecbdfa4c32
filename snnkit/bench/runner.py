"""Run the benchmark models on every snnkit backend and device, and on the
installed peers, in one process: build, compile (a 10 ms warm-up) and
simulation timed apart, each result checked by the model's sanity test."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from .. import backends
from ..simulator import Simulator
from .cores import available, threads_of
from .models import get as get_model

PEER_SCRIPTS = {"brian2": ("brian2_peer.py", ["--target", "cython"]),
                "brian2-standalone": ("brian2_peer.py", ["--target", "cpp_standalone"]),
                "brian2-numpy": ("brian2_peer.py", ["--target", "numpy"]),
                "nest": ("nest_peer.py", [])}
PEER_MODULE = {"brian2": "brian2", "brian2-standalone": "brian2", "brian2-numpy": "brian2", "nest": "nest"}


def targets(names) -> list[tuple[str, object, str]]:
    """(backend, device, label) for every device of each available backend in ``names``."""
    out = []
    for name in names:
        cls = backends.BACKENDS[name]
        if cls.unavailable_reason() is not None:
            continue
        if name == "opencl":
            import pyopencl as cl
            for pi, platform in enumerate(cl.get_platforms()):
                for di, device in enumerate(platform.get_devices()):
                    out.append((name, f"{pi}:{di}", f"opencl {device.name.strip()}"))
        elif name == "cupy":
            import cupy
            for i in range(cupy.cuda.runtime.getDeviceCount()):
                out.append((name, i, f"cupy {cupy.cuda.runtime.getDeviceProperties(i)['name'].decode()}"))
        else:
            out.append((name, None, name))
    return out


class Summary:
    """Rates and CVs of a peer's run, in the shape the sanity checks read."""

    def __init__(self, rates: dict, cv: dict):
        self.rates, self.cv = rates, cv

    def rate(self, pop):
        return self.rates[pop]

    def isi_cv(self, pop):
        return self.cv[pop]


def row(model: str, n: int, simulator: str, runs: list, baseline: str, cores: int = 1) -> dict:
    sims = [r["sim_s"] for r in runs]
    checks = [r["sanity"] for r in runs]
    return dict(model=model, neurons=n, simulator=simulator, repeat=len(runs), cores=cores,
                threads=runs[0].get("threads", threads_of(simulator, cores)),
                build_s=statistics.median(r["build_s"] for r in runs),
                build_peak_mb=max(r.get("build_peak_mb", float("nan")) for r in runs),
                compile_s=statistics.median(r.get("compile_s", 0.0) for r in runs),
                sim_s=statistics.median(sims), sim_s_min=min(sims), sim_s_max=max(sims),
                rtf=statistics.median(sims) / (runs[0]["duration_ms"] / 1000.0),
                sanity_ok=all(ok for ok, _ in checks), sanity=checks[len(checks) // 2][1], baseline=baseline,
                **({"stepping": [r["stepping"] for r in runs]} if "stepping" in runs[0] else {}))


def rss_bytes() -> int:
    """This process's resident memory now (0 where /proc is missing)."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


class PeakRSS:
    """The most resident memory above the starting level while the block runs (sampled
    every 5 ms by a thread)."""

    def __enter__(self):
        import threading
        self.start = self.peak = rss_bytes()
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def _sample(self):
        while not self._done.wait(0.005):
            self.peak = max(self.peak, rss_bytes())

    def __exit__(self, *exc):
        self._done.set()
        self._thread.join()
        self.peak = max(self.peak, rss_bytes())
        self.added = self.peak - self.start


def time_snnkit(model: str, n: int, backend: str, device, seed: int, duration_ms: float) -> dict:
    mod = get_model(model)
    t0 = time.perf_counter()
    with PeakRSS() as memory:
        example = mod.build(n)
        sim = Simulator(example.network, backend=backend, device=device, seed=seed)
        sim.backend.synchronize()
    t1 = time.perf_counter()
    sim.run(10.0, progress=False)
    sim.backend.synchronize()
    t2 = time.perf_counter()
    sim.run(duration_ms, progress=False)
    sim.backend.synchronize()
    t3 = time.perf_counter()
    outcome = mod.summarize(sim) if hasattr(mod, "summarize") else sim.results
    sequences = sim.sequences          # how the steps ran: the trial's figures and choice
    stepping = dict(program=sequences.program is not None, why_not=sequences.why_not,
                    measured_us={k: round(v, 2) for k, v in sequences.measured_us.items()})
    return dict(build_s=t1 - t0, build_peak_mb=memory.added / 2**20, compile_s=t2 - t1, sim_s=t3 - t2,
                duration_ms=duration_ms, sanity=mod.sanity(outcome, n), stepping=stepping)


def peer_python(peer: str, given: dict) -> str | None:
    """The interpreter that runs ``peer``: --peer-python, SNNKIT_<PEER>_PYTHON, or this one
    if it can import the peer; None if none can."""
    key = PEER_MODULE[peer]
    candidates = [given.get(peer), given.get(key), os.environ.get(f"SNNKIT_{key.upper()}_PYTHON"), sys.executable]
    for python in filter(None, candidates):
        probe = subprocess.run([python, "-c", f"import {key}"], capture_output=True)
        if probe.returncode == 0:
            return python
    return None


def time_peer(peer: str, python: str, model: str, sizes, repeat: int, duration_ms: float,
              cores: int = 1) -> list[dict]:
    """The peer's runs, with ``cores`` threads where it has them (bench/cores.py)."""
    script, extra = PEER_SCRIPTS[peer]
    cmd = [python, str(Path(__file__).parent / "peers" / script), "--model", model, "--sizes",
           *map(str, sizes), "--repeat", str(repeat), "--duration", str(duration_ms), "--threads", str(cores),
           *extra]
    env = dict(os.environ, OMP_NUM_THREADS=str(cores))
    done = subprocess.run(cmd, capture_output=True, text=True, cwd=tempfile.gettempdir(), env=env)
    if done.returncode != 0:
        raise RuntimeError(f"peer {peer} failed on {model}:\n{done.stderr[-2000:]}")
    mod = get_model(model)
    runs = []
    for line in done.stdout.splitlines():
        if line.startswith("{"):
            r = json.loads(line)
            r["duration_ms"] = duration_ms
            outcome = mod.from_peer(r) if hasattr(mod, "from_peer") else Summary(r["rates"], r["cv"])
            r["sanity"] = mod.sanity(outcome, r["neurons"])
            runs.append(r)
    return runs


def model_sizes_for(mod, sizes, scales) -> list[int]:
    """Sizes given, or scales of the model's full size (FULL_SIZE, else its largest default), or its defaults."""
    if scales:
        full = getattr(mod, "FULL_SIZE", max(mod.SIZES))
        return [max(1, int(round(s * full))) for s in scales]
    return list(sizes or mod.SIZES)


def run_bench(models, backend_names, peers, sizes, repeat: int, duration_ms, peer_pythons: dict,
              log=print, scales=None, cores: int = 1) -> dict:
    """Every model x size on every target and peer, ``cores`` each (this process pinned to
    them: bench/cores.py). Returns dict(meta, rows, skipped)."""
    rows, skipped = [], []
    found = targets(backend_names)
    for model in models:
        mod = get_model(model)
        model_sizes = model_sizes_for(mod, sizes, scales)
        duration = duration_ms or mod.DURATION_MS
        baseline = found[0][2] if found else None
        for n in model_sizes:
            for backend, device, label in found:
                runs = [time_snnkit(model, n, backend, device, seed, duration) for seed in range(1, repeat + 1)]
                rows.append(row(model, n, f"snnkit {label}", runs, baseline, cores))
                log(format_row(rows[-1]))
        for peer in peers:
            if PEER_MODULE[peer] not in mod.PEERS:
                skipped.append(f"{peer}: no {model} implementation in snnkit/bench/peers")
                continue
            python = peer_python(peer, peer_pythons)
            if python is None:
                skipped.append(f"{peer}: not installed (give --peer-python {peer}=/path/to/python)")
                continue
            runs = time_peer(peer, python, model, model_sizes, repeat, duration, cores)
            for n in model_sizes:
                mine = [r for r in runs if r["neurons"] == n]
                rows.append(row(model, n, mine[0]["simulator"], mine, baseline, cores))
                log(format_row(rows[-1]))
    add_ratios(rows)
    return dict(meta=meta(), rows=rows, skipped=sorted(set(skipped)))


def add_ratios(rows: list) -> None:
    """ratio = sim time / the baseline's sim time on the same model, size and cores."""
    for r in rows:
        base = [b for b in rows if b["model"] == r["model"] and b["neurons"] == r["neurons"]
                and b.get("cores") == r.get("cores") and b["simulator"] == f"snnkit {r['baseline']}"]
        r["ratio_to_baseline"] = r["sim_s"] / base[0]["sim_s"] if base else None


def format_row(r: dict) -> str:
    return (f"{r['model']:>7s} {r['neurons']:>7d}  {r['simulator']:<42s} {r.get('cores', 1)} cores "
            f"{r.get('threads', 1)} threads  sim {r['sim_s']:8.3f} s "
            f"(min {r['sim_s_min']:.3f}, max {r['sim_s_max']:.3f})  build {r['build_s']:6.2f} s "
            f"(+{r.get('build_peak_mb', float('nan')):.0f} MB)  "
            f"compile {r['compile_s']:6.2f} s  {'ok ' if r['sanity_ok'] else 'BAD'} {r['sanity']}")


def meta() -> dict:
    import platform

    import numpy as np

    from .. import __version__
    return dict(date=time.strftime("%Y-%m-%d %H:%M"), host=platform.node(), machine=platform.machine(),
                processor=platform.processor(), cpus=os.cpu_count(), python=platform.python_version(),
                numpy=np.__version__, snnkit=__version__, omp_threads=os.environ.get("OMP_NUM_THREADS"),
                cores_available=len(available()))
