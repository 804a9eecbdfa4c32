"""Synapse models against the hand-written STDP path and the peers, in one run on this machine.

1. Song, Miller & Abbott (2000) as Brian2's example writes it (examples/synapses/STDP.py):
   1000 Poisson inputs at 15 Hz onto one conductance-based LIF through additive STDP,
   for ``--duration`` s. snnkit with the rule as a SynapseModel (the generic path,
   Brian2's on_pre/on_post text; its traces held per neuron, the default, and per
   synapse as Brian2 holds them), snnkit with the hand-written sk.STDP (the same rule:
   all-to-all additive traces), and Brian2 cpp_standalone on the same model text.
   Each reports its time and the final weight distribution (the rule makes it bimodal:
   the fractions below 10% and above 90% of gmax).
2. A 4000-neuron network (3200 excitatory, 800 inhibitory LIF with exponential currents,
   2% connectivity, external Poisson drive) with Tsodyks2 synapses on every excitatory
   connection, 1 s: snnkit on each backend (the synapse state held per presynaptic
   neuron, the default, and per synapse) against NEST 3.10 (tsodyks2_synapse).

    OMP_NUM_THREADS=1 POCL_MAX_PTHREAD_COUNT=1 python benchmarks/synapse_bench.py \\
        [--duration 100] [--backends numpy opencl] [--brian2-python P] [--nest-python P] [--tag _x]

Writes benchmarks/results/synapse_bench_<host><tag>.json.
"""

from __future__ import annotations

import argparse
import json
import platform
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np

import snnkit as sk
from snnkit.modeling import EquationModel, SynapseModel
from snnkit.modeling.synapse_library import Tsodyks2Synapse

# -- 1. Song, Miller & Abbott, Brian2's constants ----------------------------------------
N_INPUTS, RATE_HZ, GMAX = 1000, 15.0, 0.01
D_APRE = 0.01 * GMAX
D_APOST = -0.01 * 1.05 * GMAX
NEURON = EquationModel("""
    dv/dt = (ge*(Ee - v) + El - v)/taum : mV
    dge/dt = -ge/taue : 1
""", threshold="v > vt", reset="v = vr", method="euler",
    parameters={"taum": (10.0, "ms"), "Ee": (0.0, "mV"), "vt": (-54.0, "mV"), "vr": (-60.0, "mV"),
                "El": (-74.0, "mV"), "taue": (5.0, "ms")},
    initial={"v": "vr"}, receptors={"excitatory": "ge += w"}, name="song_neuron")
BRIAN2_RULE = SynapseModel("""
    dApre/dt = -Apre/taupre : 1 (event-driven)
    dApost/dt = -Apost/taupost : 1 (event-driven)
""", on_pre="delivered = w; Apre += dApre; w = clip(w + Apost, 0, gmax)",
    on_post="Apost += dApost; w = clip(w + Apre, 0, gmax)",
    parameters={"taupre": (20.0, "ms"), "taupost": (20.0, "ms"), "dApre": (D_APRE, "weight"),
                "dApost": (D_APOST, "weight"), "gmax": (GMAX, "weight")}, name="brian2_stdp")


def timed_run(net, backend: str, seed: int, duration_ms: float):
    """(simulator, build s, simulation s): building and the first 10 ms (compilation)
    apart from the rest of the run."""
    t0 = time.perf_counter()
    sim = sk.Simulator(net, backend=backend, seed=seed)
    sim.run(10.0, progress=False)
    build = time.perf_counter() - t0
    t0 = time.perf_counter()
    sim.run(duration_ms - 10.0, progress=False)
    return sim, build, time.perf_counter() - t0


def song(backend: str, rule: str, duration_s: float) -> dict:
    net = sk.Network(seed=1)
    inputs = net.population(N_INPUTS, sk.Poisson(rate=RATE_HZ), name="inputs")
    neuron = net.population(1, NEURON, name="neuron")
    weights = sk.Uniform(0.0, GMAX)
    if rule.startswith("generic"):
        model = BRIAN2_RULE.held(per_neuron=rule == "generic")
        proj = net.connect(inputs, neuron, sk.AllToAll(), weight=weights, delay=0.1, synapse=model)
    else:
        proj = net.connect(inputs, neuron, sk.AllToAll(), weight=weights, delay=0.1,
                           plasticity=sk.STDP(tau_plus=20.0, tau_minus=20.0, A_plus=D_APRE, A_minus=-D_APOST,
                                              w_min=0.0, w_max=GMAX))
    net.record(neuron, "spikes")
    sim, build, elapsed = timed_run(net, backend, 2, duration_s * 1000.0)
    w = sim.synapse_values(proj, "w")[0] if rule.startswith("generic") else sim.weights(proj)[2][0]
    return dict(simulator=f"snnkit {backend} {rule}", sim_s=elapsed, build_s=build,
                rate_hz=sim.results.spikes["neuron"].times.size / duration_s, **bimodality(np.asarray(w)))


def bimodality(w: np.ndarray) -> dict:
    return dict(low_fraction=float(np.mean(w < 0.1 * GMAX)), high_fraction=float(np.mean(w > 0.9 * GMAX)))


BRIAN2_SCRIPT = """
import json, sys, time, tempfile
import numpy as np
from brian2 import *
set_device('cpp_standalone', directory=tempfile.mkdtemp())
prefs.devices.cpp_standalone.openmp_threads = 0
N = 1000; taum = 10*ms; taupre = 20*ms; taupost = taupre; Ee = 0*mV; vt = -54*mV; vr = -60*mV
El = -74*mV; taue = 5*ms; F = 15*Hz; gmax = .01; dApre = .01; dApost = -dApre * taupre / taupost * 1.05
dApost *= gmax; dApre *= gmax
eqs = '''dv/dt = (ge * (Ee-v) + El - v) / taum : volt
dge/dt = -ge / taue : 1'''
inputs = PoissonGroup(N, rates=F)
neurons = NeuronGroup(1, eqs, threshold='v>vt', reset='v = vr', method='euler')
neurons.v = vr
S = Synapses(inputs, neurons, '''w : 1
dApre/dt = -Apre / taupre : 1 (event-driven)
dApost/dt = -Apost / taupost : 1 (event-driven)''',
             on_pre='''ge += w
Apre += dApre
w = clip(w + Apost, 0, gmax)''', on_post='''Apost += dApost
w = clip(w + Apre, 0, gmax)''')
S.connect()
S.w = 'rand() * gmax'
spikes = SpikeMonitor(neurons)
t0 = time.perf_counter()
run(DURATION*second)
total = time.perf_counter() - t0
w = np.asarray(S.w)
print(json.dumps(dict(simulator="brian2 cpp_standalone", sim_s=device._last_run_time, build_s=total - device._last_run_time,
                      rate_hz=spikes.num_spikes / DURATION, low_fraction=float(np.mean(w < 0.1 * gmax)),
                      high_fraction=float(np.mean(w > 0.9 * gmax)))))
"""


def brian2_song(python: str, duration_s: float) -> dict:
    script = BRIAN2_SCRIPT.replace("DURATION", repr(float(duration_s)))
    out = subprocess.run([python, "-c", script], capture_output=True, text=True, timeout=3600)
    lines = [line for line in out.stdout.splitlines() if line.startswith("{")]
    if not lines:
        return dict(simulator="brian2 cpp_standalone", error=out.stderr[-2000:])
    return json.loads(lines[-1])


# -- 2. a 4000-neuron network with Tsodyks2 synapses on its excitatory connections --------
N_EXC, N_INH, P_CONNECT, N_EXT, EXT_RATE_HZ = 3200, 800, 0.02, 100, 10.0
W_EXC_NA, W_INH_NA, W_EXT_NA, DELAY_MS = 0.6, -1.6, 0.45, 1.5
TSODYKS = dict(U=0.2, tau_rec=200.0, tau_fac=0.0, u0=0.2)
CELL = dict(cm=0.25, tau_m=10.0, v_rest=-65.0, v_reset=-65.0, v_thresh=-50.0, tau_refrac=2.0,
            tau_syn_E=2.0, tau_syn_I=5.0)


def tm_network(backend: str, per_neuron: bool = True) -> dict:
    net = sk.Network(seed=3)
    exc = net.population(N_EXC, sk.LIFCurrExp(**CELL), name="exc")
    inh = net.population(N_INH, sk.LIFCurrExp(**CELL), name="inh")
    rule = Tsodyks2Synapse(**TSODYKS).held(per_neuron)
    for pre, w, synapse in ((exc, W_EXC_NA, rule), (inh, W_INH_NA, None)):
        for post in (exc, inh):
            net.connect(pre, post, sk.FixedProbability(P_CONNECT), weight=w, delay=DELAY_MS,
                        receptor="excitatory" if w > 0 else "inhibitory", synapse=synapse)
    for post in (exc, inh):                  # each neuron its own Poisson drive, as NEST's poisson_generator
        ext = net.population(post.size, sk.Poisson(rate=EXT_RATE_HZ * N_EXT), name=f"ext_{post.name}")
        net.connect(ext, post, sk.OneToOne(), weight=W_EXT_NA, delay=DELAY_MS)
    net.record(exc, "spikes")
    net.record(inh, "spikes")
    sim, build, elapsed = timed_run(net, backend, 4, 1000.0)
    res = sim.results
    return dict(simulator=f"snnkit {backend}" + ("" if per_neuron else " per-synapse state"), sim_s=elapsed,
                build_s=build, exc_hz=res.spikes["exc"].times.size / N_EXC, inh_hz=res.spikes["inh"].times.size / N_INH)


NEST_SCRIPT = """
import json, time
import nest
nest.set_verbosity("M_ERROR")
nest.ResetKernel(); nest.resolution = 0.1; nest.local_num_threads = 1; nest.rng_seed = 5
cell = dict(C_m=CELL["cm"] * 1000.0, tau_m=CELL["tau_m"], E_L=CELL["v_rest"], V_reset=CELL["v_reset"],
            V_th=CELL["v_thresh"], t_ref=CELL["tau_refrac"], tau_syn_ex=CELL["tau_syn_E"], tau_syn_in=CELL["tau_syn_I"],
            V_m=CELL["v_rest"])
t0 = time.perf_counter()
ext = nest.Create("poisson_generator", params=dict(rate=EXT_RATE_HZ * N_EXT))
exc = nest.Create("iaf_psc_exp", N_EXC, params=cell)
inh = nest.Create("iaf_psc_exp", N_INH, params=cell)
tm = dict(synapse_model="tsodyks2_synapse", weight=W_EXC_NA * 1000.0, delay=DELAY_MS, U=TSODYKS["U"],
          tau_rec=TSODYKS["tau_rec"], tau_fac=TSODYKS["tau_fac"], u=TSODYKS["u0"])
conn = dict(rule="pairwise_bernoulli", p=P_CONNECT)
for post in (exc, inh):
    nest.Connect(exc, post, conn, tm)
    nest.Connect(inh, post, conn, dict(weight=W_INH_NA * 1000.0, delay=DELAY_MS))
    nest.Connect(ext, post, syn_spec=dict(weight=W_EXT_NA * 1000.0, delay=DELAY_MS))
rec_e, rec_i = nest.Create("spike_recorder"), nest.Create("spike_recorder")
nest.Connect(exc, rec_e); nest.Connect(inh, rec_i)
nest.Simulate(10.0)
build = time.perf_counter() - t0
t0 = time.perf_counter()
nest.Simulate(990.0)
elapsed = time.perf_counter() - t0
print(json.dumps(dict(simulator="nest " + nest.__version__, sim_s=elapsed, build_s=build,
                      exc_hz=rec_e.n_events / N_EXC, inh_hz=rec_i.n_events / N_INH)))
"""


def nest_tm(python: str) -> dict:
    constants = dict(CELL=CELL, EXT_RATE_HZ=EXT_RATE_HZ, N_EXT=N_EXT, N_EXC=N_EXC, N_INH=N_INH, W_EXC_NA=W_EXC_NA,
                     W_INH_NA=W_INH_NA, W_EXT_NA=W_EXT_NA, DELAY_MS=DELAY_MS, TSODYKS=TSODYKS, P_CONNECT=P_CONNECT)
    script = "".join(f"{k} = {v!r}\n" for k, v in constants.items()) + textwrap.dedent(NEST_SCRIPT)
    out = subprocess.run([python, "-c", script], capture_output=True, text=True, timeout=3600)
    lines = [line for line in out.stdout.splitlines() if line.startswith("{")]
    return json.loads(lines[-1]) if lines else dict(simulator="nest", error=out.stderr[-2000:])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=float, default=100.0, help="Song-Miller-Abbott, biological s")
    parser.add_argument("--backends", nargs="+", default=["numpy", "opencl"])
    parser.add_argument("--brian2-python", default=None)
    parser.add_argument("--nest-python", default=None)
    parser.add_argument("--tag", default="", help="appended to the results file's name")
    args = parser.parse_args()
    rows = {"song_miller_abbott": [], "tsodyks_network": []}
    for backend in args.backends:
        for rule in ("generic", "generic-per-synapse", "hand-written"):
            rows["song_miller_abbott"].append(song(backend, rule, args.duration))
            print(rows["song_miller_abbott"][-1], flush=True)
    if args.brian2_python:
        rows["song_miller_abbott"].append(brian2_song(args.brian2_python, args.duration))
        print(rows["song_miller_abbott"][-1], flush=True)
    for backend in args.backends:
        for per_neuron in (True, False):
            rows["tsodyks_network"].append(tm_network(backend, per_neuron))
            print(rows["tsodyks_network"][-1], flush=True)
    if args.nest_python:
        rows["tsodyks_network"].append(nest_tm(args.nest_python))
        print(rows["tsodyks_network"][-1], flush=True)
    out = Path(__file__).parent / "results" / f"synapse_bench_{platform.node() or 'host'}{args.tag}.json"
    meta = dict(date=time.strftime("%Y-%m-%d %H:%M"), python=sys.version.split()[0], numpy=np.__version__,
                duration_s=args.duration)
    out.write_text(json.dumps(dict(meta=meta, **rows), indent=1))
    print("wrote", out)


if __name__ == "__main__":
    main()
