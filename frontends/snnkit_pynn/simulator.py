"""The module state of the snnkit PyNN backend: IDs, time, and the snnkit
Simulator that the PyNN objects are lowered to at the first run().

PyNN scripts build the whole network before they run it; snnkit compiles a
network once. So populations, projections, current sources and what is
recorded are collected here and turned into an snnkit.Network at the first
``run``; ``reset()`` rebuilds it (new state at t = 0, same structure). Adding
structure or recording after the first run, before a reset, is refused with
NotImplementedError rather than ignored.
"""

from __future__ import annotations

import os

import numpy as np
from pyNN import common

import snnkit as sk

name = "snnkit"

# PyNN names of state variables -> snnkit's
STATE_NAMES = {"v": "v", "gsyn_exc": "syn_E", "gsyn_inh": "syn_I", "isyn_exc": "syn_E", "isyn_inh": "syn_I"}


class ID(int, common.IDMixin):
    def __init__(self, n):
        int.__init__(n)
        common.IDMixin.__init__(self)


class State(common.control.BaseState):
    def __init__(self):
        super().__init__()
        self.mpi_rank, self.num_processes = 0, 1
        self.dt = 0.1
        self.backend, self.batch, self.seed, self.dtype = "numpy", 1, None, "float32"
        self.output = None
        self.clear()

    # -- what PyNN's common code calls ------------------------------------------
    def clear(self):
        self.recorders = set()
        self.populations, self.projections, self.injections = [], [], []
        self.id_counter = 0
        self.segment_counter = -1
        self.write_on_end = []
        self.sim = None
        self.reset()

    def reset(self):
        """Time back to 0; the next run builds the network afresh (initial state)."""
        self.running = False
        self.t = 0.0
        self.t_start = 0.0
        self.segment_counter += 1
        self.sim = None

    def run(self, simtime):
        self.run_until(self.t + simtime)

    def run_until(self, tstop):
        if self.sim is None:
            self.build()
        steps = int(round(tstop / self.dt)) - self.sim.step_count
        if steps > 0:
            self.sim.run(steps * self.dt, progress=False)
        self.t = self.sim.step_count * self.dt
        self.running = True

    # -- lowering to snnkit ------------------------------------------------------
    def require_unbuilt(self, what: str) -> None:
        if self.sim is not None:
            raise NotImplementedError(
                f"snnkit_pynn builds the network at the first run(); {what} after that is not "
                "supported. Do it before the first run(), or after reset().")

    def build(self) -> None:
        net = sk.Network(seed=self.seed)
        sk_pops = {}
        for index, pop in enumerate(self.populations):
            sk_pops[pop] = net.population(pop.size, pop.celltype.snnkit_model(pop, self.dt),
                                          name=f"{index}:{pop.label}")
            from .standardmodels import snnkit_variable
            settable = set(getattr(sk_pops[pop].model, "state_variables", ()))   # (not GIF's v_t, a subexpression)
            initial = {snnkit_variable(pop.celltype, k): v for k, v in pop._initial.items()
                       if snnkit_variable(pop.celltype, k) in settable}
            if initial and not sk_pops[pop].is_source:
                sk_pops[pop].initialize(**initial)
        for proj in self.projections:
            proj._lower(net, sk_pops)
        for source, cells in self.injections:
            source._lower(net, sk_pops, cells)
        for rec in self.recorders:
            rec._lower(net, sk_pops)
        backend = os.environ.get("SNNKIT_PYNN_BACKEND", self.backend)
        self.sim = sk.Simulator(net, dt=self.dt, batch=self.batch, backend=backend,
                                seed=self.seed, dtype=self.dtype, output=self.output)
        self.sk_pops = sk_pops
        for rec in self.recorders:
            rec._built(self.sim)

    def population_index(self, ids: np.ndarray):
        """(population of each ID, index within it) for an array of IDs."""
        firsts = np.array([p.first_id for p in self.populations])
        which = np.searchsorted(firsts, ids, side="right") - 1
        return which, ids - firsts[which]


state = State()
