"""Philox4x32-10 counter-based RNG (Salmon et al. 2011, Random123), in NumPy.

Bit-exact with kernels/philox.h: a draw depends only on (key, counter), so
the NumPy, OpenCL and CUDA backends draw the same numbers for the same network.

snnkit's counter layout: (step, neuron, instance, stream)
    step      the time step k
    neuron    index within the population
    instance  the batch instance's stream id (see Simulator ``seed``)
    stream    16 * population index + purpose (POISSON, NOISE)
and the key is the instance's 64-bit seed split into (low, high) 32-bit words.
"""

from __future__ import annotations

import numpy as np

M0, M1 = np.uint64(0xD2511F53), np.uint64(0xCD9E8D57)   # multipliers
W0, W1 = np.uint64(0x9E3779B9), np.uint64(0xBB67AE85)   # Weyl key increments
MASK32 = np.uint64(0xFFFFFFFF)
SHIFT32 = np.uint64(32)

POISSON, NOISE, UNIFORM = 0, 1, 2    # streams: Poisson; noise 1, 3, ...; rand() 2, 4, ...
STREAMS_PER_POPULATION = 16
SYNAPSE_STREAMS = 0x80000000         # synapse models' rand(): this + 16 x projection index + 2 j


def philox4x32_10(c0, c1, c2, c3, k0, k1):
    """Ten Philox rounds on broadcastable uint32 counters and keys -> 4 uint32 arrays."""
    c0, c1, c2, c3, k0, k1 = (np.asarray(a, dtype=np.uint64) for a in (c0, c1, c2, c3, k0, k1))
    for r in range(10):
        if r:
            k0 = (k0 + W0) & MASK32
            k1 = (k1 + W1) & MASK32
        p0 = M0 * c0                     # 64-bit products of two 32-bit words
        p1 = M1 * c2
        c0, c1, c2, c3 = ((p1 >> SHIFT32) ^ c1 ^ k0, p1 & MASK32,
                          (p0 >> SHIFT32) ^ c3 ^ k1, p0 & MASK32)
    return tuple(x.astype(np.uint32) for x in (c0, c1, c2, c3))


def split_seed(seed: int) -> tuple[int, int]:
    """A 64-bit seed -> (key low word, key high word)."""
    seed = int(seed) & 0xFFFFFFFFFFFFFFFF
    return seed & 0xFFFFFFFF, seed >> 32


def uniform01(x: np.ndarray, dtype=np.float32) -> np.ndarray:
    """uint32 -> uniform in [0, 1): the top 24 bits times 2**-24 (exact in float32)."""
    dtype = np.dtype(dtype).type
    return ((x >> np.uint32(8)).astype(dtype)) * dtype(2.0 ** -24)


def standard_normal(x0: np.ndarray, x1: np.ndarray, dtype=np.float32) -> np.ndarray:
    """Two uint32 words -> one N(0, 1) draw by Box-Muller.

    Computed in float64 and rounded once to ``dtype``, as kernels/philox.h does:
    double-precision log/cos agree across libms far below float32's resolution,
    so every backend draws the same float32 numbers.
    """
    u1 = ((x0 >> np.uint32(8)).astype(np.float64) + 1.0) * 2.0 ** -24     # (0, 1]
    u2 = (x1 >> np.uint32(8)).astype(np.float64) * 2.0 ** -24
    return (np.sqrt(-2.0 * np.log(u1)) * np.cos(2.0 * np.pi * u2)).astype(dtype)


NEVER = 0xFFFFFFFF                   # a Poisson source's next spike step when it has none


def geometric_steps(word_a: np.ndarray, word_b: np.ndarray, log_no_spike: np.ndarray) -> np.ndarray:
    """Two uint32 words -> the number of silent steps before a Bernoulli(p) trial
    succeeds: floor(log u / log(1 - p)), u = ((a >> 5) 2^26 + (b >> 6) + 1) 2^-53 in
    (0, 1] (53 bits), so P(j silent steps) = (1 - p)^j p. ``log_no_spike``: log(1 - p)
    from numpy_math.log1p_f64. Float64 (+inf or NaN where p = 0). As kernels/philox.h."""
    from .backends.numpy_math import log_f64
    u = ((word_a >> np.uint32(5)).astype(np.float64) * 67108864.0 + (word_b >> np.uint32(6)).astype(np.float64)
         + 1.0) * 2.0 ** -53
    with np.errstate(divide="ignore", invalid="ignore"):
        return log_f64(u) / log_no_spike


def after(step, silent: np.ndarray) -> np.ndarray:
    """step + floor(silent) as a uint32 step; NEVER where that reaches NEVER (or is NaN)."""
    base = np.asarray(step, dtype=np.float64)
    fits = silent < NEVER - base
    return np.where(fits, base + np.floor(np.where(fits, silent, 0.0)), NEVER).astype(np.uint32)


def draw(step: int, neuron: np.ndarray, instance: np.ndarray, stream: np.ndarray,
         key_lo: np.ndarray, key_hi: np.ndarray):
    """Philox words for every (instance b, neuron i) of a group in one step.

    ``neuron``, ``stream``: (N,) counter words of each neuron (index within its
    population; 16 x population index + purpose). ``instance``, ``key_lo``,
    ``key_hi``: (B,) per instance. Returns 4 uint32 arrays (B, N).
    """
    return philox4x32_10(step, neuron[None, :], instance[:, None], stream[None, :],
                         key_lo[:, None], key_hi[:, None])
