"""The izhikevich and adex benchmark networks (snnkit/bench/models/izhikevich.py,
adex.py) in Brian2 and NEST. The heterogeneous parameters are drawn as snnkit draws
them (numpy's default_rng(1), the same numbers in every environment); connectivity
of the adex network is each simulator's own draw."""

import numpy as np


def izhikevich_parameters(n: int, seed: int = 1) -> dict:
    """snnkit.bench.models.izhikevich.parameters, repeated here (peers run without snnkit)."""
    rng = np.random.default_rng(seed)
    n_exc = int(round(0.8 * n))
    re, ri = rng.random(n_exc), rng.random(n - n_exc)
    return dict(n_exc=n_exc,
                a=np.concatenate([np.full(n_exc, 0.02), 0.02 + 0.08 * ri]),
                b=np.concatenate([np.full(n_exc, 0.2), 0.25 - 0.05 * ri]),
                c=np.concatenate([-65.0 + 15.0 * re ** 2, np.full(n - n_exc, -65.0)]),
                d=np.concatenate([8.0 - 6.0 * re ** 2, np.full(n - n_exc, 2.0)]),
                sigma=np.concatenate([np.full(n_exc, 5.0), np.full(n - n_exc, 2.0)]),
                w_exc=0.5 * rng.random((n_exc, n)), w_inh=-rng.random((n - n_exc, n)))


def adex_drive(n: int, seed: int = 1) -> np.ndarray:
    return np.random.default_rng(seed).uniform(0.6, 0.9, n)           # nA


def brian2_izhikevich(b2, n: int):
    ms, mV = b2.ms, b2.mV
    p = izhikevich_parameters(n)
    eqs = """dv/dt = (0.04/mV)*v**2/ms + 5*v/ms + 140*mV/ms - u + sigma*sqrt(ms)*xi : volt
             du/dt = a*(b*v - u) : volt/second
             a : Hz
             b : Hz
             c : volt
             d : volt/second
             sigma : volt/second"""
    P = b2.NeuronGroup(n, eqs, threshold="v >= 30*mV", reset="v = c; u += d", method="euler")
    P.a, P.b, P.c = p["a"] / ms, p["b"] / ms, p["c"] * mV
    P.d, P.sigma = p["d"] * mV / ms, p["sigma"] * mV / ms
    P.v = -65 * mV
    P.u = "b*v"
    S = b2.Synapses(P, P, "w : volt", on_pre="v += w", delay=1 * ms)
    pre, post = np.divmod(np.arange(n * n), n)                       # pre-major, as the weights
    S.connect(i=pre, j=post)
    S.w = np.concatenate([p["w_exc"], p["w_inh"]]).ravel() * mV    # (pre, post)
    return P, [P, S], p["n_exc"]


def brian2_adex(b2, n: int):
    ms, mV, nS, nA = b2.ms, b2.mV, b2.nS, b2.nA
    eqs = """dv/dt = (gL*(EL - v) + gL*DeltaT*exp((clip(v, -1*volt, Vspike) - VT)/DeltaT) + ge*(Ee - v) + gi*(Ei - v) - w + I)/C : volt (unless refractory)
             dw/dt = (a*(clip(v, -1*volt, Vspike) - EL) - w)/tauw : amp
             dge/dt = -ge/taue : siemens
             dgi/dt = -gi/taui : siemens
             I : amp"""
    ns = dict(C=0.281 * b2.nF, gL=0.281 * b2.nF / (9.3667 * ms), EL=-70.6 * mV, VT=-50.4 * mV, DeltaT=2 * mV,
              Vspike=-40 * mV, a=4 * nS, tauw=144 * ms, Ee=0 * mV, Ei=-80 * mV, taue=5 * ms, taui=10 * ms)
    P = b2.NeuronGroup(n, eqs, threshold="v >= Vspike", reset="v = -70.6*mV; w += 0.0805*nA", refractory=2 * ms,
                       method="rk4", namespace=ns)
    P.v = -70.6 * mV
    P.I = adex_drive(n) * nA
    n_exc = int(round(0.8 * n))
    p = min(1.0, 80.0 / n)
    Ce = b2.Synapses(P, P, on_pre="ge += 6*nS", delay=1 * ms)
    Ci = b2.Synapses(P, P, on_pre="gi += 67*nS", delay=1 * ms)
    Ce.connect(f"i < {n_exc}", p=p)
    Ci.connect(f"i >= {n_exc}", p=p)
    return P, [P, Ce, Ci], n_exc


def nest_izhikevich(nest, n: int):
    p = izhikevich_parameters(n)
    pop = nest.Create("izhikevich", n, params=dict(V_th=30.0, I_e=0.0))
    pop.set(a=p["a"].tolist(), b=p["b"].tolist(), c=p["c"].tolist(), d=p["d"].tolist(),
            V_m=[-65.0] * n, U_m=(p["b"] * -65.0).tolist())
    n_exc = p["n_exc"]
    for part, std in ((pop[:n_exc], 5.0), (pop[n_exc:], 2.0)):   # a realization per target, redrawn every ms
        noise = nest.Create("noise_generator", params=dict(mean=0.0, std=std, dt=1.0))
        nest.Connect(noise, part)
    weights = np.concatenate([p["w_exc"], p["w_inh"]])               # (pre, post); NEST takes (post, pre)
    nest.Connect(pop, pop, "all_to_all", dict(weight=weights.T, delay=1.0))
    return pop, n_exc


def nest_adex(nest, n: int):
    cell = dict(C_m=281.0, g_L=281.0 / 9.3667, E_L=-70.6, V_reset=-70.6, V_th=-50.4, Delta_T=2.0, V_peak=-40.0,
                a=4.0, b=80.5, tau_w=144.0, t_ref=2.0, E_ex=0.0, E_in=-80.0, tau_syn_ex=5.0, tau_syn_in=10.0)
    pop = nest.Create("aeif_cond_exp", n, params=cell)
    pop.set(I_e=(adex_drive(n) * 1000.0).tolist(), V_m=[-70.6] * n)
    n_exc = int(round(0.8 * n))
    rule = dict(rule="pairwise_bernoulli", p=min(1.0, 80.0 / n), allow_autapses=True)
    nest.Connect(pop[:n_exc], pop, rule, dict(weight=6.0, delay=1.0))
    nest.Connect(pop[n_exc:], pop, rule, dict(weight=-67.0, delay=1.0))
    return pop, n_exc
