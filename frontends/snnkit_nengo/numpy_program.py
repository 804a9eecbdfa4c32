"""The NumPy specification of kernels/nengo.h: each stage kind, whole stage at a time.

Operation for operation what the kernels do per item (and nengo's step functions do per
operator), so that device results can be compared with it element by element.
"""

from __future__ import annotations

import numpy as np

from .codes import (NF_GENERAL, NF_NO_D, NF_NO_X, NF_ONE_X, NK_FILTER, NK_LINEAR, NK_NEURONS, NK_PROBE,
                    NK_STREAM, NK_TIME, NT_LIF, NT_LIF_RATE, NT_RECTIFIED_LINEAR, NT_SIGMOID,
                    NT_SPIKING_RECTIFIED_LINEAR, NT_TANH)
from .program import Program


class NumpyProgram:
    """Runs a Program on host arrays."""

    def __init__(self, program: Program, heap: np.ndarray, dt: float):
        self.program = program
        self.dtype = heap.dtype
        self.real = self.dtype.type
        self.dt = self.real(dt)
        self.ints, self.reals = program.tables.arrays(self.dtype)
        self.heap = heap.copy()
        self.stream = np.zeros((1, max(1, program.stream_cols)), self.dtype)
        self.probe_out = np.zeros((1, max(1, program.probe_cols)), self.dtype)
        self.mask = np.zeros((1, max(1, program.probe_groups)), np.uint32)
        self.plans = [self.plan(stage) for stage in program.stages]

    # -- host I/O ----------------------------------------------------------------------
    def load_heap(self, heap: np.ndarray) -> None:
        self.heap[...] = heap

    def read_heap(self) -> np.ndarray:
        return self.heap.copy()

    def gather(self, index: np.ndarray) -> np.ndarray:
        return self.heap[index]

    def scatter(self, index: np.ndarray, values: np.ndarray) -> None:
        self.heap[index] = values

    def begin_chunk(self, stream: np.ndarray, mask: np.ndarray) -> None:
        """Stream values (n_steps, stream_cols) and probe mask (n_steps, groups) of a chunk."""
        self.stream = stream.astype(self.dtype)
        self.mask = mask
        if self.probe_out.shape[0] < mask.shape[0]:
            self.probe_out = np.zeros((mask.shape[0], self.probe_out.shape[1]), self.dtype)

    def probes(self, n_steps: int) -> np.ndarray:
        return self.probe_out[:n_steps].copy()

    def run(self, first: int, last: int, k0: int, n_steps: int) -> None:
        for k in range(k0, k0 + n_steps):
            for s in range(first, last):
                self.plans[s](k)

    # -- stages ------------------------------------------------------------------------
    def column(self, offset: int, count: int) -> np.ndarray:
        return self.ints[offset:offset + count].astype(np.int64)

    def plan(self, stage):
        """A function of the step row k running ``stage`` (its columns looked up once)."""
        kind, n, w = stage.kind, stage.count, stage.words
        heap, col = self.heap, self.column
        if kind == NK_TIME:
            step_at, time_at = w[0], w[1]

            def time(k):
                heap[step_at] = heap[step_at] + 1
                heap[time_at] = heap[step_at] * self.dt
            return time
        if kind == NK_LINEAR:
            return self.plan_linear(col(w[0], n), col(w[1], n + 1), w[2], w[3], col(w[4], n).astype(bool),
                                    self.reals[w[5]:w[5] + n])
        if kind == NK_NEURONS:
            return self.plan_neurons(w[0], *(col(x, n) for x in w[1:6]))
        if kind == NK_FILTER:
            return self.plan_filters(*(col(x, n) for x in w[:5]))
        if kind == NK_STREAM:
            dst, src, inc = col(w[0], n), col(w[1], n), col(w[2], n).astype(bool)

            def stream(k):
                value = self.stream[k, src]
                heap[dst] = np.where(inc, heap[dst] + value, value)
            return stream
        if kind == NK_PROBE:
            src, dst, group = col(w[0], n), col(w[1], n), col(w[2], n)

            def probe(k):
                sampled = self.mask[k, group] != 0
                self.probe_out[k, dst[sampled]] = heap[src[sampled]]
            return probe
        raise ValueError(f"stage kind {kind}")

    def plan_linear(self, dst, ptr, a_at, x_at, keep, scale):
        heap = self.heap
        counts = np.diff(ptr)
        a = self.column(a_at, ptr[-1])
        x = self.column(x_at, ptr[-1])
        row = np.repeat(np.arange(dst.size), counts)
        term_scale = scale[row]
        plain = bool(np.all(scale == 1))

        def linear(k):
            terms = heap[a] * heap[x] if plain else (term_scale * heap[a]) * heap[x]
            # bincount sums each row's terms in order from 0, like the kernel's loop (in float64)
            acc = np.bincount(row, weights=terms, minlength=dst.size).astype(self.dtype)
            heap[dst] = np.where(keep, heap[dst] + acc, acc)
        return linear

    def plan_neurons(self, code, j_at, out_at, s0, s1, p_at):
        heap, reals, dt, one = self.heap, self.reals, self.dt, self.real(1)
        tau_rc, tau_ref, min_voltage, amplitude, decay_dt = (reals[p_at + i] for i in range(5))

        def neurons(k):
            J = heap[j_at]
            if code == NT_LIF:
                refractory_time = heap[s1] - dt
                delta_t = np.minimum(np.maximum(dt - refractory_time, 0), dt)
                v = heap[s0]
                # kernels/nengo.h: the host's expm1(-dt / tau_rc) unless refractory ends in this step
                decay = np.where(delta_t == 0, 0, decay_dt)
                partial = (delta_t != dt) & (delta_t != 0)
                if partial.any():
                    decay[partial] = np.expm1(-delta_t[partial] / tau_rc[partial])
                v = v - (J - v) * decay
                spiked = v > one
                heap[out_at] = np.where(spiked, amplitude / dt, 0)
                if spiked.any():
                    refractory_time[spiked] = tau_ref[spiked] + (dt + tau_rc[spiked] * np.log1p(
                        -(v[spiked] - one) / (J[spiked] - one)))
                v = np.where(v < min_voltage, min_voltage, v)
                heap[s0] = np.where(spiked, 0, v)
                heap[s1] = refractory_time
            elif code == NT_LIF_RATE:
                j = J - one
                with np.errstate(divide="ignore", invalid="ignore"):
                    rate = amplitude / (tau_ref + tau_rc * np.log1p(one / j))
                heap[out_at] = np.where(j > 0, rate, 0)
            elif code == NT_RECTIFIED_LINEAR:
                heap[out_at] = amplitude * np.maximum(0, J)
            elif code == NT_SPIKING_RECTIFIED_LINEAR:
                v = heap[s0] + np.maximum(J, 0) * dt
                n_spikes = np.floor(v)
                heap[out_at] = (amplitude / dt) * n_spikes
                heap[s0] = v - n_spikes
            elif code == NT_SIGMOID:
                heap[out_at] = (one / tau_ref) / (one + np.exp(-J))
            elif code == NT_TANH:
                heap[out_at] = (one / tau_ref) * np.tanh(J)
        return neurons

    def plan_filters(self, in_at, out_at, x0, xs, p_at):
        heap, reals = self.heap, self.reals
        groups = []
        for offset in np.unique(p_at):                 # one group per operator (same parameters)
            sel = p_at == offset
            kind, n, inc = int(reals[offset]), int(reals[offset + 1]), bool(reals[offset + 2])
            A = reals[offset + 3:offset + 3 + n * n].reshape(n, n)
            B = reals[offset + 3 + n * n:offset + 3 + n * n + n]
            C = reals[offset + 3 + n * n + n:offset + 3 + n * n + 2 * n]
            D = reals[offset + 3 + n * n + 2 * n]
            X = x0[sel][None, :] + xs[sel][None, :] * np.arange(n)[:, None]
            groups.append((kind, n, inc, A, B, C, D, in_at[sel], out_at[sel], X))

        def filters(k):
            for kind, n, inc, A, B, C, D, u_i, out_i, X_i in groups:
                u = heap[u_i]
                if kind == NF_NO_X:
                    y = D * u
                elif kind == NF_ONE_X:
                    x = heap[X_i[0]] * A[0, 0]
                    x = x + B[0] * u            # OneX keeps b = C * B in B's place
                    heap[X_i[0]] = x
                    y = x
                else:
                    X = heap[X_i]
                    y = np.zeros_like(u)
                    if kind == NF_GENERAL:
                        for r in range(n):
                            y = y + C[r] * X[r]
                        y = y + D * u
                    nxt = np.zeros_like(X)
                    for r in range(n):
                        acc = np.zeros_like(u)
                        for c in range(n):
                            acc = acc + A[r, c] * X[c]
                        nxt[r] = acc + B[r] * u
                    heap[X_i] = nxt
                    if kind == NF_NO_D:
                        for r in range(n):
                            y = y + C[r] * nxt[r]
                heap[out_i] = heap[out_i] + y if inc else y
        return filters

