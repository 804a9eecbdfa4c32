"""CUBA in Brian2 (its own example's equations), for comparison with snnkit.

Same parameters as snnkit.examples.cuba: 80 % excitatory, mean in-degree 80
(p = 80 / N, autapses allowed), v0 uniform in [Vr, Vt], we = 1.62 mV,
wi = -9 mV, refractory 5 ms, dt 0.1 ms, 'exact' integration. Runs in Brian2's
own environment (it needs Python >= 3.13 for 2.11):

    python benchmarks/peers/brian2_cuba.py --target cython --sizes 4000 40000 --repeat 3

Prints one JSON line per run: target, neurons, build (codegen + compile + a 10 ms
warm-up run) and simulation time of 1 s biological time, mean rate.
"""

import argparse
import json
import time


def run(n: int, target: str, seed: int) -> dict:
    import brian2 as b2
    b2.start_scope()
    b2.prefs.codegen.target = target
    b2.seed(seed)
    b2.defaultclock.dt = 0.1 * b2.ms
    taum, taue, taui = 20 * b2.ms, 5 * b2.ms, 10 * b2.ms
    Vt, Vr, El = -50 * b2.mV, -60 * b2.mV, -49 * b2.mV
    eqs = """
    dv/dt  = (ge+gi-(v-El))/taum : volt (unless refractory)
    dge/dt = -ge/taue : volt
    dgi/dt = -gi/taui : volt
    """
    t0 = time.perf_counter()
    P = b2.NeuronGroup(n, eqs, threshold="v>Vt", reset="v = Vr", refractory=5 * b2.ms, method="exact")
    P.v = "Vr + rand() * (Vt - Vr)"
    n_exc = int(0.8 * n)
    p = min(1.0, 80.0 / n)
    Ce = b2.Synapses(P, P, on_pre="ge += 1.62*mV")
    Ci = b2.Synapses(P, P, on_pre="gi += -9*mV")
    Ce.connect(f"i<{n_exc}", p=p)
    Ci.connect(f"i>={n_exc}", p=p)
    s_mon = b2.SpikeMonitor(P)
    net = b2.Network(P, Ce, Ci, s_mon)
    net.run(10 * b2.ms, namespace=locals())
    t1 = time.perf_counter()
    net.run(1 * b2.second, namespace=locals())
    t2 = time.perf_counter()
    rate = (s_mon.num_spikes / n) / 1.01
    return dict(simulator=f"brian2 {b2.__version__}", target=target, neurons=n, build_s=t1 - t0,
                sim_s=t2 - t1, rate_hz=rate)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--target", default="cython", choices=["cython", "numpy"])
    parser.add_argument("--sizes", type=int, nargs="+", default=[4000, 40000])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    for n in args.sizes:
        for seed in range(1, args.repeat + 1):
            print(json.dumps(run(n, args.target, seed)), flush=True)


if __name__ == "__main__":
    main()
