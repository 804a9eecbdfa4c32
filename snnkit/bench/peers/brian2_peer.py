"""CUBA, COBA, Brunel and STDP (Song et al.) in Brian2, with the parameters of snnkit/bench/models
(see each model's docstring; differences: Brian2 draws its own connectivity
and initial state from its own RNG, so rates agree statistically).

    python brian2_peer.py --model cuba --target cython --sizes 4000 --repeat 3 --duration 1000

--target cpp_standalone generates, compiles and runs a C++ project per run:
build_s is all of that but the simulation loop, sim_s the loop as the binary
timed it.
"""

import os
import shutil
import sys
import tempfile
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import main, mean_cv  # noqa: E402
from equation_models import brian2_adex, brian2_izhikevich  # noqa: E402


def build(b2, model: str, n: int):
    ms, mV, nS = b2.ms, b2.mV, b2.nS
    n_exc = int(round(0.8 * n))
    if model in ("izhikevich", "adex"):
        P, objects, n_exc = (brian2_izhikevich if model == "izhikevich" else brian2_adex)(b2, n)
        mon = b2.SpikeMonitor(P)
        return b2.Network(*objects, mon), _outcome(b2, mon, n, n_exc)
    if model == "cuba":
        eqs = """dv/dt = (ge + gi - (v - El)) / taum : volt (unless refractory)
                 dge/dt = -ge / taue : volt
                 dgi/dt = -gi / taui : volt"""
        ns = dict(taum=20 * ms, taue=5 * ms, taui=10 * ms, El=-49 * mV)
        P = b2.NeuronGroup(n, eqs, threshold="v > -50*mV", reset="v = -60*mV", refractory=5 * ms,
                           method="exact", namespace=ns)
        P.v = "-60*mV + rand() * 10*mV"
        on_e, on_i, p = "ge += 1.62*mV", "gi += -9*mV", min(1.0, 80.0 / n)
    elif model == "coba":
        eqs = """dv/dt = (gl * (El - v) + ge * (Ee - v) + gi * (Ei - v)) / C : volt (unless refractory)
                 dge/dt = -ge / taue : siemens
                 dgi/dt = -gi / taui : siemens"""
        ns = dict(gl=10 * nS, El=-60 * mV, Ee=0 * mV, Ei=-80 * mV, C=200 * b2.pF, taue=5 * ms, taui=10 * ms)
        P = b2.NeuronGroup(n, eqs, threshold="v > -50*mV", reset="v = -60*mV", refractory=5 * ms,
                           method="exponential_euler", namespace=ns)
        P.v = "-60*mV + rand() * 10*mV"
        P.ge = "(randn() * 1.5 + 4) * 10*nS"
        P.gi = "(randn() * 12 + 20) * 10*nS"
        on_e, on_i, p = "ge += 6*nS", "gi += 67*nS", min(1.0, 80.0 / n)
    else:  # brunel: diffusion-limit external drive, as snnkit/bench/models/brunel.py
        eqs = """dv/dt = (mu - v) / tau + sigma * sqrt(2 / tau) * xi : volt (unless refractory)"""
        ns = dict(tau=20 * ms, mu=40 * mV, sigma=2.0 / 2 ** 0.5 * mV)
        P = b2.NeuronGroup(n, eqs, threshold="v >= 20*mV", reset="v = 10*mV", refractory=2 * ms,
                           method="euler", namespace=ns)
        P.v = "rand() * 20*mV"
        on_e, on_i, p = "v += 0.1*mV", "v += -0.5*mV", None
    Ce = b2.Synapses(P, P, on_pre=on_e)
    Ci = b2.Synapses(P, P, on_pre=on_i)
    if p is not None:
        Ce.connect(f"i < {n_exc}", p=p)
        Ci.connect(f"i >= {n_exc}", p=p)
    else:  # fixed in-degree 1000 / 250, delay 1.5 ms
        rng = np.random.default_rng()
        pre_e = np.concatenate([rng.choice(n_exc, 1000, replace=False) for _ in range(n)])
        pre_i = np.concatenate([n_exc + rng.choice(n - n_exc, 250, replace=False) for _ in range(n)])
        Ce.connect(i=pre_e, j=np.repeat(np.arange(n), 1000))
        Ci.connect(i=pre_i, j=np.repeat(np.arange(n), 250))
        Ce.delay = Ci.delay = 1.5 * ms
    mon = b2.SpikeMonitor(P)
    return b2.Network(P, Ce, Ci, mon), _outcome(b2, mon, n, n_exc)


def _outcome(b2, mon, n: int, n_exc: int):
    def outcome(seconds: float) -> dict:
        trains = mon.spike_trains()
        counts = [len(trains[i]) for i in range(n)]
        rates = dict(exc=sum(counts[:n_exc]) / n_exc / seconds, inh=sum(counts[n_exc:]) / (n - n_exc) / seconds)
        cv = dict(exc=mean_cv([trains[i] / b2.ms for i in range(n_exc)]),
                  inh=mean_cv([trains[i] / b2.ms for i in range(n_exc, n)]))
        return dict(rates=rates, cv=cv)
    return outcome


def build_stdp(b2, n: int):
    """Song, Miller & Abbott (2000) as snnkit/bench/models/stdp.py (Brian2's STDP example)."""
    ms, mV, Hz = b2.ms, b2.mV, b2.Hz
    gmax = 0.01
    ns = dict(taum=10 * ms, Ee=0 * mV, vt=-54 * mV, vr=-60 * mV, El=-74 * mV, taue=5 * ms, gmax=gmax,
              taupre=20 * ms, taupost=20 * ms, dApre=0.01 * gmax, dApost=-1.05 * 0.01 * gmax)
    inputs = b2.PoissonGroup(n, rates=15 * Hz)
    neuron = b2.NeuronGroup(1, """dv/dt = (ge * (Ee - vr) + El - v) / taum : volt
                                  dge/dt = -ge / taue : 1""",
                            threshold="v >= vt", reset="v = vr", method="exact", namespace=ns)
    neuron.v = "vr"
    S = b2.Synapses(inputs, neuron, """w : 1
                                       dApre/dt = -Apre / taupre : 1 (event-driven)
                                       dApost/dt = -Apost / taupost : 1 (event-driven)""",
                    on_pre="""ge += w
                              Apre += dApre
                              w = clip(w + Apost, 0, gmax)""",
                    on_post="""Apost += dApost
                               w = clip(w + Apre, 0, gmax)""", namespace=ns)
    S.connect()
    S.w = "rand() * gmax"
    mon = b2.SpikeMonitor(neuron)

    def outcome(seconds: float) -> dict:
        return dict(rates=dict(neuron=mon.num_spikes / seconds), cv=dict(neuron=float("nan")),
                    weights=(np.asarray(S.w) / gmax).tolist())
    return b2.Network(inputs, neuron, S, mon), outcome


def run(model: str, n: int, duration_ms: float, seed: int, target: str, threads: int = 1) -> dict:
    """One run; cpp_standalone with ``threads`` OpenMP threads (the runtime targets have
    one), its project folder deleted after."""
    import brian2 as b2
    standalone = target == "cpp_standalone"
    project = tempfile.mkdtemp(prefix="snnkit_brian2_") if standalone else None
    if standalone:
        b2.set_device("cpp_standalone", directory=project, build_on_run=False)
        b2.prefs.devices.cpp_standalone.openmp_threads = threads if threads > 1 else 0
    else:
        b2.prefs.codegen.target = target
    b2.start_scope()
    b2.seed(seed)
    b2.defaultclock.dt = 0.1 * b2.ms
    t0 = time.perf_counter()
    net, outcome = build_stdp(b2, n) if model == "stdp" else build(b2, model, n)
    net.run(10 * b2.ms)                    # code generation, compilation, first steps
    t1 = time.perf_counter()
    net.run(duration_ms * b2.ms)
    t2 = time.perf_counter()
    if standalone:                         # everything is generated, compiled and run here
        b2.device.build(compile=True, run=True)
        total = time.perf_counter() - t0
        sim_s = b2.device._last_run_time   # the main loop of the last run, timed inside the binary
        build_s = total - sim_s
    else:
        build_s, sim_s = t1 - t0, t2 - t1
    row = dict(simulator=f"brian2 {b2.__version__} {target}", model=model, neurons=n, build_s=build_s,
               sim_s=sim_s, threads=threads if standalone else 1, **outcome((duration_ms + 10.0) / 1000.0))
    if standalone:
        b2.device.reinit()
        b2.device.activate()
        b2.set_device("runtime")
        shutil.rmtree(project, ignore_errors=True)        # about 25 MB of generated code and binaries
    return row


if __name__ == "__main__":
    main(run, ["cuba", "coba", "brunel", "stdp", "izhikevich", "adex"], targets=["cython", "numpy", "cpp_standalone"])
