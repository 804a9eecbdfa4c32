"""Brian2's CUBA and COBAHH examples (examples/CUBA.py, examples/COBAHH.py, as written
there) timed on Brian2's targets and on the snnkit device, one fresh process per row:

    python perf.py [--sizes 4000 40000] [--targets cython cpp_standalone snnkit-numpy snnkit-opencl]
                   [--examples cuba cobahh] [--duration 1000] [--out perf.json]

At N neurons the connection probability is 80 / N (the examples' 0.02 at 4000: every
neuron keeps its 80 inputs at every size). Each row reports
  build_s: Brian2's code generation and compilation (cython: the first run(10 ms) of a
           fresh process, so the extension cache of ~/.cython may be warm; cpp_standalone:
           everything but the simulation loop, i.e. code generation, the C++ compile and
           the binary's start and teardown), snnkit's translation, connectivity and
           kernel build (its first run(10 ms));
  run_s:   the simulated duration after that (cpp_standalone: the loop as the binary
           timed it);
  spikes:  the spikes of the whole run (statistics, not identity: the targets draw
           connectivity differently).
Threads: Brian2's targets run on one core; snnkit-numpy on one; snnkit-opencl (PoCL) on
all the cores it finds unless POCL_MAX_PTHREAD_COUNT says otherwise (the row records it).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time

ROW = r"""
import json, shutil, sys, tempfile, time
import brian2 as b2
from brian2 import *
example, n, target, duration = sys.argv[1], int(sys.argv[2]), sys.argv[3], float(sys.argv[4])
folder = None
if target.startswith("snnkit"):
    import snnkit_brian2
    set_device("snnkit", backend=target.split("-")[1])
elif target == "cpp_standalone":
    folder = tempfile.mkdtemp(prefix="snnkit_b2perf_")
    set_device("cpp_standalone", directory=folder, build_on_run=False)
else:
    prefs.codegen.target = target
seed(11)
defaultclock.dt = 0.1 * ms
p = min(1.0, 80.0 / n)
t0 = time.perf_counter()
if example == "cuba":
    taum, taue, taui = 20 * ms, 5 * ms, 10 * ms
    Vt, Vr, El = -50 * mV, -60 * mV, -49 * mV
    eqs = '''dv/dt  = (ge+gi-(v-El))/taum : volt (unless refractory)
             dge/dt = -ge/taue : volt
             dgi/dt = -gi/taui : volt'''
    P = NeuronGroup(n, eqs, threshold='v>Vt', reset='v = Vr', refractory=5 * ms, method='exact')
    P.v = 'Vr + rand() * (Vt - Vr)'
    P.ge = 0 * mV
    P.gi = 0 * mV
    we, wi = (60 * 0.27 / 10) * mV, (-20 * 4.5 / 10) * mV
    Ce = Synapses(P, P, on_pre='ge += we')
    Ci = Synapses(P, P, on_pre='gi += wi')
    Ce.connect('i<%d' % (n * 4 // 5), p=p)
    Ci.connect('i>=%d' % (n * 4 // 5), p=p)
else:
    area = 20000 * umetre ** 2
    Cm = (1 * ufarad * cm ** -2) * area
    gl = (5e-5 * siemens * cm ** -2) * area
    El, EK, ENa = -60 * mV, -90 * mV, 50 * mV
    g_na = (100 * msiemens * cm ** -2) * area
    g_kd = (30 * msiemens * cm ** -2) * area
    VT = -63 * mV
    taue, taui = 5 * ms, 10 * ms
    Ee, Ei = 0 * mV, -80 * mV
    we, wi = 6 * nS, 67 * nS
    eqs = Equations('''
    dv/dt = (gl*(El-v)+ge*(Ee-v)+gi*(Ei-v)-g_na*(m*m*m)*h*(v-ENa)-g_kd*(n*n*n*n)*(v-EK))/Cm : volt
    dm/dt = alpha_m*(1-m)-beta_m*m : 1
    dn/dt = alpha_n*(1-n)-beta_n*n : 1
    dh/dt = alpha_h*(1-h)-beta_h*h : 1
    dge/dt = -ge*(1./taue) : siemens
    dgi/dt = -gi*(1./taui) : siemens
    alpha_m = 0.32*(mV**-1)*4*mV/exprel((13*mV-v+VT)/(4*mV))/ms : Hz
    beta_m = 0.28*(mV**-1)*5*mV/exprel((v-VT-40*mV)/(5*mV))/ms : Hz
    alpha_h = 0.128*exp((17*mV-v+VT)/(18*mV))/ms : Hz
    beta_h = 4./(1+exp((40*mV-v+VT)/(5*mV)))/ms : Hz
    alpha_n = 0.032*(mV**-1)*5*mV/exprel((15*mV-v+VT)/(5*mV))/ms : Hz
    beta_n = .5*exp((10*mV-v+VT)/(40*mV))/ms : Hz
    ''')
    P = NeuronGroup(n, model=eqs, threshold='v>-20*mV', refractory=3 * ms, method='exponential_euler')
    Pe, Pi = P[:n * 4 // 5], P[n * 4 // 5:]
    Ce = Synapses(Pe, P, on_pre='ge+=we')
    Ci = Synapses(Pi, P, on_pre='gi+=wi')
    Ce.connect(p=p)
    Ci.connect(p=p)
    P.v = 'El + (randn() * 5 - 5)*mV'
    P.ge = '(randn() * 1.5 + 4) * 10.*nS'
    P.gi = '(randn() * 12 + 20) * 10.*nS'
M = SpikeMonitor(P)
run(10 * ms)
t1 = time.perf_counter()
run(duration * ms)
t2 = time.perf_counter()
build_s, run_s = t1 - t0, t2 - t1
if target == "cpp_standalone":
    device.build(directory=folder, compile=True, run=True)
    run_s = device._last_run_time
    build_s = time.perf_counter() - t0 - run_s
print(json.dumps(dict(example=example, neurons=n, target=target, brian2=b2.__version__,
                      build_s=build_s, run_s=run_s, spikes=int(M.num_spikes),
                      synapses=int(len(Ce) + len(Ci)))))
if folder:
    shutil.rmtree(folder, ignore_errors=True)
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[4000, 40000])
    parser.add_argument("--targets", nargs="+",
                        default=["cython", "cpp_standalone", "snnkit-numpy", "snnkit-opencl"])
    parser.add_argument("--examples", nargs="+", default=["cuba", "cobahh"])
    parser.add_argument("--duration", type=float, default=1000.0, help="ms after the first 10 ms")
    parser.add_argument("--timeout", type=float, default=1800.0)
    parser.add_argument("--out", default=None)
    args = parser.parse_args()
    rows = []
    env = dict(os.environ, OMP_NUM_THREADS="1")
    for example in args.examples:
        for n in args.sizes:
            for target in args.targets:
                start = time.perf_counter()
                try:
                    proc = subprocess.run([sys.executable, "-c", ROW, example, str(n), target, str(args.duration)],
                                          capture_output=True, text=True, timeout=args.timeout, env=env)
                    lines = [x for x in proc.stdout.splitlines() if x.startswith("{")]
                    row = json.loads(lines[-1]) if lines else dict(
                        example=example, neurons=n, target=target,
                        error=(proc.stderr.strip().splitlines() or ["?"])[-1][:300])
                except subprocess.TimeoutExpired:
                    row = dict(example=example, neurons=n, target=target, error=f"timeout {args.timeout:g} s")
                row["process_s"] = time.perf_counter() - start
                if target == "snnkit-opencl":
                    row["pocl_threads"] = os.environ.get("POCL_MAX_PTHREAD_COUNT", f"all ({os.cpu_count()})")
                rows.append(row)
                print(json.dumps(row), flush=True)
    print(f"\n{'example':8} {'N':>6} {'target':16} {'build s':>8} {'run s':>8} {'spikes':>9}")
    for r in rows:
        if "error" in r:
            print(f"{r['example']:8} {r['neurons']:>6} {r['target']:16} {r['error']}")
        else:
            print(f"{r['example']:8} {r['neurons']:>6} {r['target']:16} {r['build_s']:8.2f} {r['run_s']:8.2f} "
                  f"{r['spikes']:>9}")
    if args.out:
        with open(args.out, "w") as fh:
            json.dump(dict(machine=platform.node(), cores=os.cpu_count(), duration_ms=args.duration,
                           date=time.strftime("%Y-%m-%d"), rows=rows), fh, indent=1)


if __name__ == "__main__":
    main()
