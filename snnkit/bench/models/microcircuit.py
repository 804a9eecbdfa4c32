"""Potjans & Diesmann (2014) cortical microcircuit: 77,169 current-based LIF
neurons in 8 populations (layers 2/3, 4, 5, 6; excitatory and inhibitory) with
about 0.3e9 synapses at full scale.

Parameters of the paper as in NEST's microcircuit example: iaf_psc_exp with
C_m 250 pF, tau_m 10 ms, tau_syn 0.5 ms, E_L = V_reset = -65 mV, threshold
-50 mV, refractory 2 ms, initial v ~ N(-58, 10) mV; connection probabilities
C_ab turned into fixed total numbers K_ab = ln(1 - C_ab) / ln(1 - 1 / (N_a N_b))
of randomly drawn synapses (multapses allowed, autapses not); weights from a
mean PSP of 0.15 mV (87.8 pA), relative s.d. 0.1, inhibitory -4x, L4e -> L2/3e
2x; delays N(1.5, 0.75) ms excitatory and N(0.75, 0.375) ms inhibitory, at least
one step.

External input. The paper's K_ext Poisson inputs at 8 Hz per neuron (12.8 to
23.2 kHz in all) are taken in their diffusion limit, as the Brunel model does:
the mean current w_ext tau_syn K_ext nu_bg as i_offset and white noise with the
stationary membrane variance of the filtered shot noise,
(w_ext tau_syn / C_m)^2 K_ext nu_bg tau_m / 2 * tau_m / (tau_m + tau_syn),
as noise_sigma. (A Poisson source per neuron cannot carry 1.3-2.3 spikes per
0.1 ms step.) This is the one difference from the paper.

Scaling (``build(n)``: scale s = n / 77169): neuron numbers and in-degrees are
both scaled by s, as NEST's example does with N_scaling = K_scaling = s; the
recurrent weights grow by 1 / sqrt(s), which keeps the input variance, and a
DC current restores the mean input, (1 - sqrt(s)) sum_b w_ab K_ab nu_b tau_syn
with the full-scale rates nu_b (the external drive is not scaled: its mean and
variance are set directly). Mean rates are then close to the full-scale ones.

Sanity: every population's mean rate within a factor 2 (plus 0.5 Hz) of the
full-scale rates of NEST's reference run (FULL_RATES_HZ, which reproduce the
paper's Fig. 6), which at full scale is the published comparison, and at
reduced scale the documented approximation of it.
"""

from __future__ import annotations

import math

import numpy as np

from ... import distributions as dist
from ...connectivity import FixedTotalNumber
from ...examples import Example
from ...model import Network
from ...neurons import LIFCurrExp

POPULATIONS = ("L23e", "L23i", "L4e", "L4i", "L5e", "L5i", "L6e", "L6i")
FULL_N = np.array([20683, 5834, 21915, 5479, 4850, 1065, 14395, 2948])
FULL_SIZE = int(FULL_N.sum())                       # 77169
SIZES = (7717,)                                     # scale 0.1
DURATION_MS = 1000.0
PEERS = ()
# connection probabilities, [target, source]
CONN_PROBS = np.array([
    [0.1009, 0.1689, 0.0437, 0.0818, 0.0323, 0.0, 0.0076, 0.0],
    [0.1346, 0.1371, 0.0316, 0.0515, 0.0755, 0.0, 0.0042, 0.0],
    [0.0077, 0.0059, 0.0497, 0.135, 0.0067, 0.0003, 0.0453, 0.0],
    [0.0691, 0.0029, 0.0794, 0.1597, 0.0033, 0.0, 0.1057, 0.0],
    [0.1004, 0.0622, 0.0505, 0.0057, 0.0831, 0.3726, 0.0204, 0.0],
    [0.0548, 0.0269, 0.0257, 0.0022, 0.06, 0.3158, 0.0086, 0.0],
    [0.0156, 0.0066, 0.0211, 0.0166, 0.0572, 0.0197, 0.0396, 0.2252],
    [0.0364, 0.001, 0.0034, 0.0005, 0.0277, 0.008, 0.0658, 0.1443]])
K_EXT = np.array([1600, 1500, 2100, 1900, 2000, 1900, 2900, 2100])
BG_RATE_HZ = 8.0
# mean rates of the full-scale network (NEST's microcircuit example, its reference run)
FULL_RATES_HZ = np.array([0.971, 2.868, 4.746, 5.396, 8.142, 9.078, 0.991, 7.523])

C_M, TAU_M, TAU_SYN = 250.0, 10.0, 0.5              # pF, ms, ms
E_L, V_TH, T_REF = -65.0, -50.0, 2.0                # mV, mV, ms
PSP_MV, G, W_REL_SD = 0.15, -4.0, 0.1
DELAY_E, DELAY_I, DELAY_REL_SD = 1.5, 0.75, 0.5      # ms
DT = 0.1                                            # ms, the step the delays are bounded by


def psc_for_psp(psp_mv: float) -> float:
    """The amplitude (pA) of an exponential current whose PSP peaks at ``psp_mv``."""
    ratio = TAU_M / TAU_SYN
    t_peak = TAU_M * TAU_SYN / (TAU_M - TAU_SYN) * math.log(ratio)
    shape = TAU_M * TAU_SYN / (C_M * (TAU_M - TAU_SYN)) * (math.exp(-t_peak / TAU_M) - math.exp(-t_peak / TAU_SYN))
    return psp_mv / shape


W_MEAN_PA = psc_for_psp(PSP_MV)                     # 87.8 pA


def full_synapse_numbers() -> np.ndarray:
    """K[a, b]: synapses from population b onto a at full scale."""
    pairs = np.outer(FULL_N, FULL_N).astype(float)
    return np.round(np.log1p(-CONN_PROBS) / np.log1p(-1.0 / pairs)).astype(np.int64)


def weight_matrix_pa() -> np.ndarray:
    """Mean weight (pA) from population b onto a."""
    w = np.full((8, 8), W_MEAN_PA)
    w[:, 1::2] *= G
    w[0, 2] *= 2.0                                   # L4e -> L2/3e
    return w


def external_drive() -> tuple[np.ndarray, np.ndarray]:
    """Per population: the mean external current (pA) and the stationary s.d. (mV) of
    the membrane fluctuations it causes (diffusion limit of K_ext Poisson inputs)."""
    rate_per_ms = K_EXT * BG_RATE_HZ / 1000.0
    charge = W_MEAN_PA * TAU_SYN                     # pA ms = fC
    mean_pa = charge * rate_per_ms
    jump_mv = charge / C_M
    sigma_mv = jump_mv * np.sqrt(rate_per_ms * TAU_M / 2.0 * TAU_M / (TAU_M + TAU_SYN))
    return mean_pa, sigma_mv


def scaled(scale: float) -> dict:
    """Neurons, synapse numbers, weights (pA) and DC (pA) of the network at ``scale``."""
    n = np.maximum(1, np.round(FULL_N * scale)).astype(np.int64)
    k_full = full_synapse_numbers()
    synapses = np.round(k_full * scale * scale).astype(np.int64)     # N and in-degree both scaled
    w = weight_matrix_pa()
    in_degree_full = k_full / FULL_N[:, None]
    recurrent_mean_pa = np.sum(w * in_degree_full * FULL_RATES_HZ[None, :], axis=1) * TAU_SYN / 1000.0
    dc_pa = (1.0 - math.sqrt(scale)) * recurrent_mean_pa
    return dict(n=n, synapses=synapses, weights=w / math.sqrt(scale), dc=dc_pa)


def build(n: int = FULL_SIZE) -> Example:
    scale = n / FULL_SIZE
    if not 0 < scale <= 1:
        from ...validation import fail
        fail("n", n, f"must be in [1, {FULL_SIZE}] (the full microcircuit; n = scale * {FULL_SIZE})")
    p = scaled(scale)
    ext_mean, ext_sigma = external_drive()
    net = Network()
    pops = []
    for i, name in enumerate(POPULATIONS):
        cell = LIFCurrExp(cm=C_M / 1000.0, tau_m=TAU_M, v_rest=E_L, v_reset=E_L, v_thresh=V_TH, tau_refrac=T_REF,
                          tau_syn_E=TAU_SYN, tau_syn_I=TAU_SYN, i_offset=(ext_mean[i] + p["dc"][i]) / 1000.0,
                          noise_sigma=float(ext_sigma[i]))
        pop = net.population(int(p["n"][i]), cell, name=name)
        pop.initialize(v=dist.Normal(-58.0, 10.0))
        net.record(pop, "spikes")
        pops.append(pop)
    for a, target in enumerate(pops):
        for b, source in enumerate(pops):
            count = int(p["synapses"][a, b])
            if count == 0:
                continue
            w_na = p["weights"][a, b] / 1000.0
            sd = abs(w_na) * W_REL_SD
            if b % 2 == 0:
                weight = dist.NormalClipped(w_na, sd, low=0.0)
                delay = dist.NormalClipped(DELAY_E, DELAY_E * DELAY_REL_SD, low=DT)
            else:
                weight = dist.NormalClipped(w_na, sd, high=0.0)
                delay = dist.NormalClipped(DELAY_I, DELAY_I * DELAY_REL_SD, low=DT)
            net.connect(source, target, FixedTotalNumber(count), weight=weight, delay=delay,
                        receptor="excitatory" if b % 2 == 0 else "inhibitory")
    total = int(p["synapses"].sum())
    return Example(net, DURATION_MS, f"Potjans & Diesmann (2014) microcircuit at scale {scale:.3g}: "
                                     f"{int(p['n'].sum())} neurons, {total} synapses")


def sanity(results, n: int) -> tuple[bool, str]:
    ok, parts = True, []
    for name, reference in zip(POPULATIONS, FULL_RATES_HZ):
        rate = float(np.mean(results.rate(name)))
        good = reference / 2.0 - 0.5 <= rate <= reference * 2.0 + 0.5
        ok &= good
        parts.append(f"{name} {rate:.2f}{'' if good else '!'}")
    return bool(ok), " ".join(parts) + " Hz (full-scale " + " ".join(f"{r:g}" for r in FULL_RATES_HZ) + \
        ", within x2 +- 0.5 Hz)"
