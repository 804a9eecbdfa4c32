"""Which neurons each MPI rank owns: every population is cut into R contiguous blocks,
rank r taking block r (sizes differ by at most one), so every rank holds a share of
every population and the cut does not depend on how populations are grouped.

A rank keeps each neuron's global identity (its counter words ``rng_neuron``), so its
noise and Poisson draws are the ones a single process makes for that neuron; its
synapse tables hold every presynaptic row but only the synapses onto its own neurons.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import numpy as np

from ..validation import fail

ENVIRONMENT = "SNNKIT_PARTITION"      # "mpi": partition every Simulator over MPI.COMM_WORLD


def block(n: int, rank: int, size: int) -> tuple[int, int]:
    """[lo, hi) of rank ``rank``'s block of ``n`` items cut into ``size`` blocks."""
    base, extra = divmod(n, size)
    lo = rank * base + min(rank, extra)
    return lo, lo + base + (rank < extra)


@dataclass
class Partition:
    """One rank's place: its communicator (mpi4py), rank and the number of ranks."""

    comm: object
    rank: int
    size: int

    def owned(self, n: int) -> tuple[int, int]:
        """[lo, hi) of the neurons of a population of ``n`` that this rank owns."""
        return block(n, self.rank, self.size)

    def owned_by(self, n: int, rank: int) -> tuple[int, int]:
        return block(n, rank, self.size)

    @property
    def root(self) -> bool:
        return self.rank == 0


def partition_of(comm) -> Partition | None:
    """The Simulator's ``comm``: None (single process, unless SNNKIT_PARTITION=mpi),
    "mpi" (mpi4py's COMM_WORLD) or an mpi4py communicator; False never partitions."""
    if comm is False:
        return None
    if comm is None:
        wanted = os.environ.get(ENVIRONMENT, "")
        if wanted not in ("", "mpi"):
            fail(ENVIRONMENT, wanted, 'must be "mpi" or unset')
        if not wanted:
            return None
        comm = "mpi"
    if isinstance(comm, str):
        if comm != "mpi":
            fail("comm", comm, 'must be None, False, "mpi" or an mpi4py communicator')
        try:
            from mpi4py import MPI
        except ImportError:
            fail("comm", comm, "needs mpi4py (pip install 'snnkit[mpi]') and an MPI library")
        comm = MPI.COMM_WORLD
    if not (hasattr(comm, "Get_rank") and hasattr(comm, "Allgatherv")):
        fail("comm", comm, 'must be None, False, "mpi" or an mpi4py communicator')
    return Partition(comm, int(comm.Get_rank()), int(comm.Get_size()))


def owned_columns(partition: Partition, populations: list) -> np.ndarray:
    """The global group indices this rank owns in a group of ``populations`` (in order)."""
    parts, offset = [], 0
    for pop in populations:
        lo, hi = partition.owned(pop.size)
        parts.append(np.arange(offset + lo, offset + hi, dtype=np.int64))
        offset += pop.size
    return np.concatenate(parts) if parts else np.zeros(0, np.int64)
