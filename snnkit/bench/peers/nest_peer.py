"""CUBA in NEST (iaf_psc_exp), with the parameters of snnkit/bench/models/cuba.py:
cm 200 pF, tau_m 20 ms, E_L -49, threshold -50, reset -60 mV, refractory 5 ms,
tau_syn 5 / 10 ms, weights 16.2 pA / -90 pA, pairwise Bernoulli p = 80 / N with
autapses, delay 0.1 ms, dt 0.1 ms, one thread.

    python nest_peer.py --model cuba --sizes 4000 --repeat 3 --duration 1000
"""

import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import main, mean_cv  # noqa: E402


def run(model: str, n: int, duration_ms: float, seed: int) -> dict:
    import nest
    import numpy as np
    nest.ResetKernel()
    nest.verbosity = nest.VerbosityLevel.ERROR
    nest.SetKernelStatus(dict(resolution=0.1, rng_seed=seed, local_num_threads=1, print_time=False))
    t0 = time.perf_counter()
    cell = dict(C_m=200.0, tau_m=20.0, E_L=-49.0, V_th=-50.0, V_reset=-60.0, t_ref=5.0,
                tau_syn_ex=5.0, tau_syn_in=10.0, I_e=0.0)
    n_exc = int(round(0.8 * n))
    pop = nest.Create("iaf_psc_exp", n, params=cell)
    pop.V_m = nest.random.uniform(-60.0, -50.0)
    exc, inh = pop[:n_exc], pop[n_exc:]
    rule = dict(rule="pairwise_bernoulli", p=min(1.0, 80.0 / n), allow_autapses=True)
    nest.Connect(exc, pop, rule, dict(weight=16.2, delay=0.1))
    nest.Connect(inh, pop, rule, dict(weight=-90.0, delay=0.1))
    rec = nest.Create("spike_recorder")
    nest.Connect(pop, rec)
    nest.Simulate(10.0)
    t1 = time.perf_counter()
    nest.Simulate(duration_ms)
    t2 = time.perf_counter()
    ev = rec.get("events")
    senders, times = np.asarray(ev["senders"]), np.asarray(ev["times"])
    first = pop[0].global_id
    seconds = (duration_ms + 10.0) / 1000.0
    idx = senders - first
    rates = dict(exc=float(np.sum(idx < n_exc)) / n_exc / seconds,
                 inh=float(np.sum(idx >= n_exc)) / (n - n_exc) / seconds)
    order = np.argsort(idx, kind="stable")
    trains = np.split(times[order], np.searchsorted(idx[order], np.arange(1, n)))
    cv = dict(exc=mean_cv(trains[:n_exc]), inh=mean_cv(trains[n_exc:]))
    return dict(simulator=f"nest {nest.__version__}", model="cuba", neurons=n, build_s=t1 - t0, sim_s=t2 - t1,
                rates=rates, cv=cv)


if __name__ == "__main__":
    main(run, ["cuba"])
