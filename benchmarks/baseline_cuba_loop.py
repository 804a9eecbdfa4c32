"""The reference point of issue 2: CUBA as a straightforward float32 NumPy loop.

One population of N neurons, synapses as CSR rows, propagation with
np.bincount over the targets of this step's spikes. No snnkit code: this is
what a user would write by hand, and snnkit's NumPy backend is measured
against it (benchmarks/cuba_numpy.py).
"""

from __future__ import annotations

import numpy as np


def build(n: int = 4000, seed: int = 1, in_degree: float = 80.0):
    """Random CSR rows with mean in-degree ``in_degree`` (autapses allowed, as in Brian)."""
    rng = np.random.default_rng(seed)
    p = min(1.0, in_degree / n)
    n_exc = int(0.8 * n)
    counts = rng.binomial(n, p, n)                     # synapses per pre neuron
    row_ptr = np.concatenate([[0], np.cumsum(counts)])
    targets = rng.integers(0, n, int(row_ptr[-1]))     # with replacement: duplicates are rare
    return n_exc, row_ptr, targets.astype(np.int64)


def run(n: int = 4000, duration_ms: float = 1000.0, dt: float = 0.1, seed: int = 1):
    n_exc, row_ptr, targets = build(n, seed)
    f = np.float32
    rng = np.random.default_rng(seed + 1)
    v = rng.uniform(-60, -50, n).astype(f)
    ge = np.zeros(n, f)
    gi = np.zeros(n, f)
    refrac = np.zeros(n, np.int32)
    de, di, dm = f(np.exp(-dt / 5)), f(np.exp(-dt / 10)), f(np.exp(-dt / 20))
    we, wi = f(1.62), f(-9.0)
    weights = np.where(np.repeat(np.arange(n), np.diff(row_ptr)) < n_exc, we, wi).astype(f)
    count = 0
    for _ in range(int(round(duration_ms / dt))):
        ge *= de
        gi *= di
        v_inf = f(-49.0) + ge + gi
        v = v_inf + (v - v_inf) * dm
        ref = refrac > 0
        v[ref] = f(-60.0)
        refrac[ref] -= 1
        spiked = np.flatnonzero((v >= f(-50.0)) & ~ref)
        v[spiked] = f(-60.0)
        refrac[spiked] = 50
        count += spiked.size
        if spiked.size:
            idx = np.concatenate([np.arange(row_ptr[i], row_ptr[i + 1]) for i in spiked])
            exc = weights[idx] > 0
            ge += np.bincount(targets[idx[exc]], weights[idx[exc]], minlength=n).astype(f)
            gi += np.bincount(targets[idx[~exc]], weights[idx[~exc]], minlength=n).astype(f)
    return count / n / (duration_ms / 1000.0)


if __name__ == "__main__":
    import time
    t = time.perf_counter()
    rate = run()
    print(f"baseline CUBA 4000: {time.perf_counter() - t:.2f} s, mean rate {rate:.2f} Hz")
