"""Spike exchange between the ranks of a partitioned run.

Each rank steps its own neurons; a table on a rank holds every presynaptic row, so it
needs the spikes of every rank's neurons. A spike of step k reaches its targets at step
k + d, d >= the network's shortest delay D (in steps), so the spikes of D consecutive
steps can be exchanged together after the last of them: the delay rings already hold
what arrives within the window. Every rank then propagates the window's spikes step by
step, in order, each with its own step, into ring slots that no step has delivered yet;
the additions into each slot come in the single-process order (by step, then by table
and row), so the rings hold the same sums, bit for bit.

A plastic projection updates its weights at presynaptic spikes of their own step: with
one, the window is one step. One exchange is two collectives: Allgather of the spike
counts of each (step, group), Allgatherv of the spikes (int64 b * N + i, whole-network
group index i), sorted on arrival (ranks own disjoint blocks).
"""

from __future__ import annotations

import time

import numpy as np

MAX_WINDOW = 1024          # steps buffered at most (memory), whatever the shortest delay


class SpikeExchange:
    """Collects the local spikes of the groups that feed tables, exchanges them every
    ``window`` steps, loads each step's whole-network spikes and runs ``propagate(step)``.

    local: group -> the rank's spike set; presynaptic: group -> the whole-network spike set
    the tables read; columns: group -> the global indices of the rank's neurons."""

    def __init__(self, partition, backend, local: dict, presynaptic: dict, columns: dict, sizes: dict,
                 window: int, propagate):
        self.partition, self.backend = partition, backend
        self.local, self.presynaptic, self.columns, self.sizes = local, presynaptic, columns, sizes
        self.groups = list(presynaptic)
        self.window = max(1, min(int(window), MAX_WINDOW))
        self.propagate = propagate
        self.pending = []                   # (step, [global flat per group])
        self.exchanges = 0
        self.bytes_received = 0
        self.seconds = 0.0

    def after_update(self, step: int) -> None:
        """Called each step once the neurons are updated: buffer the rank's spikes; at a
        window's end (or with a window of one) exchange and propagate."""
        if not self.groups:
            self.propagate(step)
            return
        self.pending.append((step, [self._global_flat(g, step) for g in self.groups]))
        if len(self.pending) >= self.window:
            self.flush()

    def flush(self) -> None:
        """Exchange and propagate every buffered step (at window ends and when a run ends:
        the next run may change what a step reads)."""
        if not self.pending:
            return
        started = time.perf_counter()
        comm, n_groups = self.partition.comm, len(self.groups)
        counts = np.array([flat.size for _, flats in self.pending for flat in flats], np.int64)
        payload = np.concatenate([flat for _, flats in self.pending for flat in flats]) if counts.sum() else \
            np.zeros(0, np.int64)
        all_counts = np.empty((self.partition.size, counts.size), np.int64)
        comm.Allgather(counts, all_counts)
        per_rank = all_counts.sum(axis=1)
        received = np.empty(int(per_rank.sum()), np.int64)
        comm.Allgatherv(payload, [received, per_rank])
        self.exchanges += 1
        self.bytes_received += received.nbytes + all_counts.nbytes
        rank_start = np.concatenate([[0], np.cumsum(per_rank)[:-1]])
        # offsets of each (rank, step, group) piece within the received buffer
        piece_start = rank_start[:, None] + np.concatenate(
            [np.zeros((self.partition.size, 1), np.int64), np.cumsum(all_counts, axis=1)[:, :-1]], axis=1)
        self.seconds += time.perf_counter() - started
        for j, (step, _) in enumerate(self.pending):
            for g, name in enumerate(self.groups):
                column = j * n_groups + g
                pieces = [received[s:s + c] for s, c in zip(piece_start[:, column], all_counts[:, column])]
                flat = np.sort(np.concatenate(pieces)) if len(pieces) > 1 else pieces[0]
                self.backend.load_spikes(self.presynaptic[name], flat, self.sizes[name], step)
            self.propagate(step)
        self.pending.clear()

    def _global_flat(self, group: str, step: int) -> np.ndarray:
        """The rank's spikes of ``group`` this step as whole-network b * N + i (int64, sorted)."""
        flat = self.backend.spike_flat(self.local[group], step)
        cols = self.columns[group]
        b, i = np.divmod(flat, max(1, cols.size))
        return b * self.sizes[group] + cols[i]

    def report(self) -> dict:
        """Exchanges so far, bytes each rank received, seconds in the collectives."""
        return dict(window_steps=self.window, exchanges=self.exchanges, bytes_received=self.bytes_received,
                    seconds=self.seconds)
