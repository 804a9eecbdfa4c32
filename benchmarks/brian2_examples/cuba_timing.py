"""Brian2's CUBA example (examples/CUBA.py, 4000 neurons, 1 s) timed on Brian2's runtime
targets and on the snnkit device: ``python cuba_timing.py TARGET [N]`` with TARGET one of
numpy, cython (Brian2), snnkit-numpy, snnkit-opencl. Prints the wall time of run(), the
spike count, and (snnkit) the time of translation + kernel build inside it."""

import sys
import time

from brian2 import NeuronGroup, SpikeMonitor, Synapses, defaultclock, ms, mV, prefs, run, second, seed, set_device

target = sys.argv[1]
n = int(sys.argv[2]) if len(sys.argv) > 2 else 4000
if target.startswith("snnkit"):
    import snnkit_brian2  # noqa: F401
    set_device("snnkit", backend=target.split("-")[1])
else:
    prefs.codegen.target = target
seed(7)
defaultclock.dt = 0.1 * ms
taum, taue, taui, Vt, Vr, El = 20 * ms, 5 * ms, 10 * ms, -50 * mV, -60 * mV, -49 * mV
eqs = """dv/dt = (ge+gi-(v-El))/taum : volt (unless refractory)
dge/dt = -ge/taue : volt
dgi/dt = -gi/taui : volt"""
P = NeuronGroup(n, eqs, threshold="v>Vt", reset="v = Vr", refractory=5 * ms, method="exact")
P.v = "Vr + rand() * (Vt - Vr)"
we, wi = (60 * 0.27 / 10) * mV, (-20 * 4.5 / 10) * mV
Ce, Ci = Synapses(P, P, on_pre="ge += we"), Synapses(P, P, on_pre="gi += wi")
Ce.connect("i<%d" % (n * 4 // 5), p=0.02)
Ci.connect("i>=%d" % (n * 4 // 5), p=0.02)
s_mon = SpikeMonitor(P)
start = time.perf_counter()
run(10 * ms)                              # code generation / compilation / translation + kernel build
first = time.perf_counter() - start
start = time.perf_counter()
run(1 * second)
print(f"{target} N={n}: first run(10 ms) {first:.2f} s, run(1 s) {time.perf_counter() - start:.2f} s, "
      f"{s_mon.num_spikes} spikes")
