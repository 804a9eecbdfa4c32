"""The Backend interface: the operations of one time step, on a backend's arrays.

The builder lowers a model to host (NumPy) arrays grouped in plain dicts;
``upload`` turns each dict into the backend's arrays. The Simulator then calls,
every step k, in this order (DESIGN.md section 2):

1. ``deliver``      ring slot k % D -> synaptic state, slot cleared
2. ``lif_step``     fused neuron update; sources: ``poisson_step``, ``spike_times_step``
3. ``propagate``    spikes of step k -> ring slots (k + delay) % D of the targets
4. ``stdp_step``    trace decay, pre- and post-triggered weight updates, clipping
5. ``record_*``     spikes and sampled state into record buffers; drained in chunks

A spike set is backend-specific (``new_spikes``): the Simulator never reads it.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import ClassVar

import numpy as np


class Backend(ABC):
    """One place where the arrays live and the step operations run."""

    name: ClassVar[str]
    builds_connectivity: ClassVar[bool] = False      # static random tables built on the device

    @classmethod
    @abstractmethod
    def unavailable_reason(cls) -> str | None:
        """None if the backend can run here, else a sentence saying why not."""

    @classmethod
    def is_available(cls) -> bool:
        return cls.unavailable_reason() is None

    @classmethod
    def good_for_auto(cls) -> bool:
        """Whether backend='auto' should pick this backend when it is available."""
        return True

    def __init__(self, dtype=np.float32):
        self.dtype = np.dtype(dtype)
        if self.dtype not in (np.float32, np.float64):
            from ..validation import fail
            fail("dtype", str(dtype), "must be float32 or float64")

    def capture_steps(self, issue_steps, first: int, n_steps: int):
        """Capture the launches of steps first .. first + n_steps - 1 (``issue_steps()`` issues
        them) as a sequence the device replays for any n_steps consecutive steps
        (snnkit.step_sequences); None where the backend has no such thing (NumPy)."""
        return None

    # -- memory ------------------------------------------------------------
    @property
    @abstractmethod
    def device_name(self) -> str: ...

    @abstractmethod
    def memory_available(self) -> int:
        """Bytes that arrays may use on this backend's device."""

    @abstractmethod
    def upload(self, host: dict) -> dict:
        """Copy a dict of host arrays (float arrays cast to ``dtype``) to the device."""

    @abstractmethod
    def to_host(self, array) -> np.ndarray: ...

    def synchronize(self) -> None:
        """Wait for queued device work (nothing to wait for on the host)."""

    def assign(self, array, values) -> None:
        """Overwrite a (device) array with host values (broadcast to its shape)."""
        np.copyto(array, values, casting="unsafe")

    @abstractmethod
    def zeros(self, shape, dtype):
        """A device array of zeros."""

    def kernel_arg(self, array):
        """What a kernel launch takes for a device array."""
        return array

    def buffer_and_offset(self, array):
        """(kernel argument, element offset) of a possibly sliced device array."""
        return array, 0

    def prepare(self, groups: dict, synapses: list, fuse: bool = True) -> None:
        """Called once after upload, before the first step: a backend may plan
        across groups and tables here (device backends fuse propagation, unless ``fuse``
        is False: a partitioned run's tables read the whole network's spikes)."""

    @abstractmethod
    def new_spikes(self, batch: int, size: int):
        """An empty spike set for a population of ``size`` neurons x ``batch`` instances."""

    def spike_flat(self, spikes, step: int) -> np.ndarray:
        """A spike set's spikes of ``step`` as a host int64 array of b * N + i, sorted (a partitioned
        run sends them to the other ranks: snnkit.parallel.exchange)."""
        raise NotImplementedError(f"the {self.name} backend cannot exchange spikes between ranks")

    def load_spikes(self, spikes, flat: np.ndarray, size: int, step: int) -> None:
        """Make a spike set (of ``size`` neurons) hold, as ``step``'s, the spikes ``flat`` (host int64 b * N + i,
        sorted): the whole network's spikes of a step, gathered from the ranks."""
        raise NotImplementedError(f"the {self.name} backend cannot exchange spikes between ranks")

    # -- the step ------------------------------------------------------------
    @abstractmethod
    def deliver(self, group: dict, step: int) -> None: ...

    @abstractmethod
    def lif_step(self, group: dict, spikes, step: int) -> None: ...

    @abstractmethod
    def poisson_step(self, group: dict, spikes, step: int) -> None: ...

    @abstractmethod
    def spike_times_step(self, group: dict, first: int, last: int, spikes, step: int) -> None:
        """Emit the events [first, last) of the group's sorted event list."""

    @abstractmethod
    def propagate(self, synapses: dict, spikes, target: dict, step: int) -> None: ...

    @abstractmethod
    def stdp_step(self, synapses: dict, pre_spikes, post_spikes, step: int) -> None: ...

    # -- recording -----------------------------------------------------------
    @abstractmethod
    def new_spike_record(self, batch: int, size: int, min_interval: int = 1):
        """A buffer that collects the spikes of one group, step after step; no neuron
        spikes twice within ``min_interval`` steps."""

    @abstractmethod
    def new_state_record(self, indices: np.ndarray, batch: int):
        """A buffer that collects samples of ``array[:, indices]`` (B, n)."""

    def attach_spike_record(self, spikes, record) -> None:
        """Called before the first step: a backend may let the producer of ``spikes``
        write straight into ``record`` (then record_spikes only counts the step)."""

    @abstractmethod
    def record_spikes(self, spikes, record, step: int) -> None:
        """Append this step's spikes to ``record``."""

    @abstractmethod
    def record_state(self, array, record) -> None:
        """Append a sample of ``array[:, record's indices]``."""

    @abstractmethod
    def drain_spikes(self, record, size: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Empty ``record``: host (step int64, node_id int64, instance int64), sorted by step then id."""

    @abstractmethod
    def drain_state(self, record) -> np.ndarray:
        """Empty ``record``: host array (T, B, n)."""
