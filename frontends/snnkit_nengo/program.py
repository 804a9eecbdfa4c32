"""A nengo operator program as tables (kernels/nengo.h): stage records, u32 columns in
``ints``, parameters in ``reals``. Built once per Simulator; runs on any backend."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .codes import STAGE_WORDS


@dataclass
class Stage:
    """One stage: a kind, its item count and the offsets of its columns in ``ints``."""
    kind: int
    count: int
    words: list = field(default_factory=list)
    label: str = ""

    def record(self) -> np.ndarray:
        words = [self.kind, self.count] + list(self.words)
        return np.array(words + [0] * (STAGE_WORDS - len(words)), np.uint32)


class Tables:
    """Append-only u32 and real tables."""

    def __init__(self):
        self.ints: list[np.ndarray] = []
        self.reals: list[np.ndarray] = []
        self.n_ints = 0
        self.n_reals = 0

    def int_column(self, values) -> int:
        values = np.asarray(values, np.int64).ravel()
        if values.size and (values.min() < 0 or values.max() >= 2 ** 32):
            raise OverflowError("a nengo program table entry does not fit in u32")
        self.ints.append(values.astype(np.uint32))
        self.n_ints += values.size
        return self.n_ints - values.size

    def real_column(self, values) -> int:
        values = np.asarray(values, np.float64).ravel()
        self.reals.append(values)
        self.n_reals += values.size
        return self.n_reals - values.size

    def arrays(self, dtype) -> tuple[np.ndarray, np.ndarray]:
        ints = np.concatenate(self.ints) if self.ints else np.zeros(0, np.uint32)
        reals = np.concatenate(self.reals).astype(dtype) if self.reals else np.zeros(0, dtype)
        # device arrays may not be empty
        return (ints if ints.size else np.zeros(1, np.uint32)), (reals if reals.size else np.zeros(1, dtype))


@dataclass
class Segment:
    """Part of a step: device stages [first, last), or host operators (HostOp list)."""
    first: int = 0
    last: int = 0
    host: list = field(default_factory=list)


@dataclass
class Program:
    """Everything a backend needs to run the steps: stage records, tables, the order
    of device and host segments within a step, and stream / probe column counts."""
    stages: list
    tables: Tables
    segments: list
    stream_cols: int
    probe_cols: int
    probe_groups: int

    def stage_records(self) -> np.ndarray:
        if not self.stages:
            return np.zeros(STAGE_WORDS, np.uint32)
        return np.concatenate([s.record() for s in self.stages])

    def describe(self) -> str:
        return "\n".join(f"{i:3d} kind {s.kind} x{s.count} {s.label}" for i, s in enumerate(self.stages))
