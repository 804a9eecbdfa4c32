"""Order a nengo model's operators into a Program (program.py).

nengo's dependency graph (sets before increments before reads before updates) says which
operators may run together: operators at the same depth of the graph touch no signal in
conflict, so each depth becomes one stage per kind (all DotIncs, Copies and Resets of a
depth are one NK_LINEAR launch, all neuron populations one NK_NEURONS, ...), as
nengo_ocl's planner merges operators of a type. Host operators end their depth.
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np
from nengo.builder.operator import TimeUpdate
from nengo.builder.probe import SimProbe
from nengo.utils.simulator import operator_dependency_graph

from .codes import NK_FILTER, NK_LINEAR, NK_NEURONS, NK_PROBE, NK_STREAM, NK_TIME
from .heap import Heap
from .host_ops import HostOp, Mirrors
from .lower_elementwise import lower_filter, lower_neurons
from .lower_linear import NotLowerable, lower, merge
from .program import Program, Segment, Stage, Tables


def depths(ops, graph) -> dict:
    """Longest path from a source to each operator."""
    indegree = {op: 0 for op in ops}
    for op in ops:
        for after in graph[op]:
            indegree[after] += 1
    depth = {op: 0 for op in ops}
    ready = [op for op in ops if indegree[op] == 0]
    seen = 0
    while ready:
        op = ready.pop()
        seen += 1
        for after in graph[op]:
            depth[after] = max(depth[after], depth[op] + 1)
            indegree[after] -= 1
            if indegree[after] == 0:
                ready.append(after)
    if seen != len(ops):
        raise ValueError("the operator graph has a cycle")
    return depth


def classify(op, heap: Heap):
    """(kind, lowered) for a device stage, or ("host", None)."""
    if isinstance(op, TimeUpdate):
        return NK_TIME, None
    if type(op) is SimProbe:                 # marks a signal as read; does nothing (probes: NK_PROBE)
        return "none", None
    for kind, lowering in ((NK_LINEAR, lower), (NK_NEURONS, lower_neurons), (NK_FILTER, lower_filter)):
        try:
            return kind, lowering(op, heap)
        except NotLowerable:
            continue
    return "host", None


class Planner:
    def __init__(self, model, dtype, probes):
        self.model = model
        ops = [op for op in model.operators if hasattr(op, "make_step")]
        signals = [s for op in ops for s in op.all_signals]
        signals += [model.sig[p]["in"] for p in probes] + [model.step, model.time]
        self.heap = Heap(signals, dtype, model.dt)
        self.mirrors = Mirrors(self.heap)
        self.tables = Tables()
        self.stages: list[Stage] = []
        self.segments: list[Segment] = []
        self.host_ops: list[HostOp] = []
        self.streamed: list[HostOp] = []
        self.stream_cols = 0
        graph = self.graph = operator_dependency_graph(ops)
        depth = depths(ops, graph)
        self.by_depth = defaultdict(list)
        for op in ops:
            self.by_depth[depth[op]].append(op)
        self.probes = probes
        # lowered before any stage exists: Reset constants must be in the heap first
        self.lowered = {op: classify(op, self.heap) for op in ops}

    def build(self) -> Program:
        segment = Segment(0, 0)
        for d in sorted(self.by_depth):
            groups = defaultdict(list)
            for op in self.by_depth[d]:
                kind, lowered = self.lowered[op]
                if kind == "none":
                    continue
                if kind == "host":
                    host = HostOp(op, self.mirrors, self.model.time)
                    groups[NK_STREAM if host.streamed else "host"].append(host)
                else:
                    groups[kind].append((op, lowered))
            for kind in (NK_TIME, NK_STREAM, NK_LINEAR, NK_NEURONS, NK_FILTER):
                if groups[kind]:
                    self.add(kind, groups[kind])
            if groups["host"]:
                segment.last = len(self.stages)
                self.segments.append(segment)
                self.segments.append(Segment(host=groups["host"]))
                self.host_ops += groups["host"]
                segment = Segment(len(self.stages), len(self.stages))
        probe_groups = self.add_probes()
        segment.last = len(self.stages)
        self.segments.append(segment)
        self.segments = [s for s in self.segments if s.host or s.last > s.first]
        return Program(self.stages, self.tables, self.segments, self.stream_cols,
                       probe_cols=self.probe_cols, probe_groups=probe_groups)

    def add(self, kind, items) -> None:
        t = self.tables
        if kind == NK_TIME:
            for op, _ in items:
                self.stages.append(Stage(NK_TIME, 1, [self.heap.indices(op.step).item(),
                                                      self.heap.indices(op.time).item()], "TimeUpdate"))
        elif kind == NK_LINEAR:
            rows = merge([lowered for _, lowered in items])
            words = [t.int_column(rows.dst), t.int_column(rows.ptr), t.int_column(rows.a), t.int_column(rows.x),
                     t.int_column(rows.keep), t.real_column(rows.scale)]
            self.stages.append(Stage(NK_LINEAR, rows.dst.size, words, label(items)))
        elif kind in (NK_NEURONS, NK_FILTER):
            for subkind in sorted({lowered.subkind for _, lowered in items}):    # one neuron type a stage
                same = [(op, lowered) for op, lowered in items if lowered.subkind == subkind]
                columns = []
                for _, lowered in same:
                    offset = t.real_column(lowered.params)
                    cols = list(lowered.columns)
                    cols[-1] = np.full(cols[0].size, offset)
                    columns.append(cols)
                merged = [np.concatenate(parts) for parts in zip(*columns)]
                words = [t.int_column(c) for c in merged]
                if kind == NK_NEURONS:
                    words = [subkind] + words
                self.stages.append(Stage(kind, merged[0].size, words, label(same)))
        elif kind == NK_STREAM:
            self.add_streams(items)

    def add_streams(self, hosts: list[HostOp]) -> None:
        """Stream stages: operators whose outputs overlap go to separate stages."""
        pending = [(host, *host.stream_columns()) for host in hosts]
        while pending:
            taken, used, rest = [], set(), []
            for entry in pending:
                index = entry[1].tolist()
                if used.isdisjoint(index):
                    taken.append(entry)
                    used.update(index)
                else:
                    rest.append(entry)
            dst, col, inc = [], [], []
            for host, index, is_inc in taken:
                host.stream_first = self.stream_cols
                dst.append(index)
                inc.append(is_inc)
                col.append(self.stream_cols + np.arange(index.size))
                self.stream_cols += index.size
                self.streamed.append(host)
            t = self.tables
            dst = np.concatenate(dst)
            self.stages.append(Stage(NK_STREAM, dst.size, [t.int_column(dst), t.int_column(np.concatenate(col)),
                                                           t.int_column(np.concatenate(inc))],
                                     ", ".join(str(host.op) for host, _, _ in taken)))
            pending = rest

    def add_probes(self) -> int:
        src, col, group = [], [], []
        self.probe_cols = 0
        self.probe_slices = {}
        for g, probe in enumerate(self.probes):
            idx = self.heap.indices(self.model.sig[probe]["in"]).ravel()
            src.append(idx)
            col.append(self.probe_cols + np.arange(idx.size))
            group.append(np.full(idx.size, g))
            self.probe_slices[probe] = slice(self.probe_cols, self.probe_cols + idx.size)
            self.probe_cols += idx.size
        if self.probe_cols:
            t = self.tables
            self.stages.append(Stage(NK_PROBE, self.probe_cols, [t.int_column(np.concatenate(src)),
                                                                 t.int_column(np.concatenate(col)),
                                                                 t.int_column(np.concatenate(group))], "probes"))
        return len(self.probes)


def label(items) -> str:
    names = sorted({type(op).__name__ for op, _ in items})
    return f"{len(items)} ops: " + ", ".join(names)
