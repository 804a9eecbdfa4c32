"""CUBA, COBA and Brunel in NEST, with the parameters of snnkit/bench/models
(dt 0.1 ms, one thread; NEST draws its own connectivity and initial state):

- cuba: iaf_psc_exp, cm 200 pF, tau_m 20 ms, E_L -49, threshold -50, reset -60 mV,
  refractory 5 ms, tau_syn 5 / 10 ms, weights 16.2 pA / -90 pA, pairwise
  Bernoulli p = 80 / N with autapses, delay 0.1 ms;
- coba: iaf_cond_exp, cm 200 pF, g_L 10 nS, E_L = reset -60, threshold -50 mV,
  refractory 5 ms, tau_syn 5 / 10 ms, E_rev 0 / -80 mV, weights 6 nS / 67 nS,
  initial conductances N(40, 15) nS and N(200, 120) nS, as snnkit's;
- brunel: iaf_psc_delta, fixed in-degrees 1000 / 250 (no autapses, no multapses),
  J 0.1 mV, g 5, delay 1.5 ms, and the paper's external input itself: a Poisson
  generator at C_E nu_ext = 20 kHz per neuron with weight J (snnkit uses its
  diffusion limit; both should give the mean-field rate).

    python nest_peer.py --model cuba --sizes 4000 --repeat 3 --duration 1000
"""

import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import main, mean_cv  # noqa: E402
from equation_models import nest_adex, nest_izhikevich  # noqa: E402


def build(nest, model: str, n: int):
    n_exc = int(round(0.8 * n))
    if model in ("izhikevich", "adex"):
        return (nest_izhikevich if model == "izhikevich" else nest_adex)(nest, n)
    if model == "cuba":
        cell = dict(C_m=200.0, tau_m=20.0, E_L=-49.0, V_th=-50.0, V_reset=-60.0, t_ref=5.0,
                    tau_syn_ex=5.0, tau_syn_in=10.0, I_e=0.0)
        pop = nest.Create("iaf_psc_exp", n, params=cell)
        pop.V_m = nest.random.uniform(-60.0, -50.0)
        rule = dict(rule="pairwise_bernoulli", p=min(1.0, 80.0 / n), allow_autapses=True)
        nest.Connect(pop[:n_exc], pop, rule, dict(weight=16.2, delay=0.1))
        nest.Connect(pop[n_exc:], pop, rule, dict(weight=-90.0, delay=0.1))
    elif model == "coba":
        cell = dict(C_m=200.0, g_L=10.0, E_L=-60.0, V_th=-50.0, V_reset=-60.0, t_ref=5.0,
                    tau_syn_ex=5.0, tau_syn_in=10.0, E_ex=0.0, E_in=-80.0, I_e=0.0)
        pop = nest.Create("iaf_cond_exp", n, params=cell)
        pop.V_m = nest.random.uniform(-60.0, -50.0)
        pop.g_ex = nest.random.normal(40.0, 15.0)
        pop.g_in = nest.random.normal(200.0, 120.0)
        rule = dict(rule="pairwise_bernoulli", p=min(1.0, 80.0 / n), allow_autapses=True)
        nest.Connect(pop[:n_exc], pop, rule, dict(weight=6.0, delay=0.1))
        nest.Connect(pop[n_exc:], pop, rule, dict(weight=-67.0, delay=0.1))
    else:  # brunel, model A, g = 5, eta = 2
        cell = dict(C_m=250.0, tau_m=20.0, E_L=0.0, V_th=20.0, V_reset=10.0, t_ref=2.0, I_e=0.0)
        pop = nest.Create("iaf_psc_delta", n, params=cell)
        pop.V_m = nest.random.uniform(0.0, 20.0)
        nu_ext = 2.0 * 20.0 / (0.1 * 1000 * 20.0) * 1000.0          # eta nu_thr, Hz
        noise = nest.Create("poisson_generator", params=dict(rate=1000 * nu_ext))
        nest.Connect(noise, pop, "all_to_all", dict(weight=0.1, delay=1.5))
        nest.Connect(pop[:n_exc], pop, dict(rule="fixed_indegree", indegree=1000, allow_autapses=False,
                                            allow_multapses=False), dict(weight=0.1, delay=1.5))
        nest.Connect(pop[n_exc:], pop, dict(rule="fixed_indegree", indegree=250, allow_autapses=False,
                                            allow_multapses=False), dict(weight=-0.5, delay=1.5))
    return pop, n_exc


def run(model: str, n: int, duration_ms: float, seed: int, threads: int = 1) -> dict:
    import nest
    import numpy as np
    nest.ResetKernel()
    nest.verbosity = nest.VerbosityLevel.ERROR
    nest.SetKernelStatus(dict(resolution=0.1, rng_seed=seed, local_num_threads=threads, print_time=False))
    t0 = time.perf_counter()
    pop, n_exc = build(nest, model, n)
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
    return dict(simulator=f"nest {nest.__version__}", model=model, neurons=n, build_s=t1 - t0, sim_s=t2 - t1,
                rates=rates, cv=cv, threads=threads)


if __name__ == "__main__":
    main(run, ["cuba", "coba", "brunel", "izhikevich", "adex"])
