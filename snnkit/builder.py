"""Lower a Network to flat host arrays: neuron groups and synapse tables.

Everything here runs once, on the host, before the first step. Float arrays
are float64 here and cast to the backend's dtype on upload; per-neuron
constants (decay factors, refractory steps) are computed here in float64.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field

import numpy as np

from .distributions import Distribution
from .lower_neurons import lower_lif, lower_poisson, lower_spike_times
from .lower_static_table import lean_table
from .lower_synapses import lower_table, realize_wiring, recipe_delay_bound, recipe_table
from .generation.procedural import procedural_recipe
from .generation.recipe import device_recipe
from .model import Network, Population
from .neurons import NeuronModel
from .rng import split_seed
from .sources import Poisson
from .validation import broadcast_per_neuron

@dataclass
class Seeds:
    """Per-instance random streams (see Simulator ``seed``)."""

    key_lo: np.ndarray        # (B,) uint32
    key_hi: np.ndarray        # (B,) uint32
    instance: np.ndarray      # (B,) uint32 counter word
    state_keys: list          # (seed, instance word) of each instance: its initial-state streams
    structure: np.random.Generator
    structure_key: tuple      # (low, high) words of the structure seed: connectivity's counters

    @classmethod
    def make(cls, seed, batch: int, structure_seed=None) -> "Seeds":
        """seed: as validation.check_seeds returns it (one int, or one per instance; the
        Simulator checks it before any work)."""
        if np.ndim(seed) == 0:
            seeds = [int(seed)] * batch
            instance = np.arange(batch, dtype=np.uint32)       # independent instances
        else:
            seeds = [int(s) for s in seed]
            instance = np.zeros(batch, dtype=np.uint32)          # instance b == a run with seed[b]
        lo, hi = zip(*(split_seed(s) for s in seeds)) if batch else ((), ())
        base = seeds[0] if structure_seed is None and seeds else (structure_seed or 0)
        return cls(np.array(lo, np.uint32), np.array(hi, np.uint32), instance,
                   [(s, int(w)) for s, w in zip(seeds, instance)],
                   np.random.default_rng([int(base), 0]), split_seed(int(base)))

    def state_rng(self, instance: int, population: int, variable: str) -> np.random.Generator:
        """The generator of one (instance, population, variable): its draws do not depend on
        the batch size or on other populations, so instance b of any batch starts alike."""
        seed, word = self.state_keys[instance]
        return np.random.default_rng([seed, 1, word, population, zlib.crc32(variable.encode())])

    def initial(self, value, batch: int, size: int, population: int = 0, variable: str = "v") -> np.ndarray:
        """An initial-state value -> (B, N) float64; distributions drawn per instance."""
        if not isinstance(value, Distribution):
            return np.broadcast_to(broadcast_per_neuron("initial value", value, size, batch),
                                   (batch, size)).copy()
        return np.concatenate([value.sample(self.state_rng(b, population, variable), (1, size))
                               for b in range(batch)]) if batch else np.zeros((0, size))


@dataclass
class Plan:
    """A lowered network: what the Simulator uploads and steps."""

    dt: float
    batch: int
    groups: dict = field(default_factory=dict)        # group name -> dict of arrays + static entries
    synapses: list = field(default_factory=list)      # synapse tables (dicts)
    placement: dict = field(default_factory=dict)     # population -> (group name, offset, size)
    table_of: dict = field(default_factory=dict)      # projection index -> table index
    partition: object = None                          # parallel.Partition of a partitioned run, else None
    global_placement: dict = field(default_factory=dict)   # a partitioned run's placement in the whole network


def group_key(pop: Population) -> tuple:
    """Populations with equal keys are lowered into one group."""
    if isinstance(pop.model, NeuronModel):
        return ("lif", type(pop.model).__name__, pop.model.method, pop.model.refractory_convention)
    if getattr(pop.model, "is_equation_model", False):      # copies of one model share its equations
        return ("equation", id(pop.model.equations))
    if isinstance(pop.model, Poisson):                       # InhomogeneousPoisson too
        return ("Poisson",)
    return (type(pop.model).__name__,)


def table_members(net: Network) -> dict[tuple, list]:
    """Projection indices by the synapse table they share: static projections between the
    same two groups share one (receptor per synapse); plastic, synapse-model and
    procedural projections have their own."""
    tables: dict[tuple, list] = {}
    for k, proj in enumerate(net.projections):
        shared = proj.plasticity is None and proj.synapse is None and not proj.procedural
        key = (group_key(proj.pre), group_key(proj.post)) if shared else ("own", k)
        tables.setdefault(key, []).append(k)
    return tables


def lower(net: Network, dt: float, batch: int, seeds: Seeds, generate_on_device: bool = False,
          dtype=np.float64, math: str = "fast", partition=None) -> Plan:
    """``generate_on_device``: static tables whose projections all have a device recipe
    (snnkit.generation.recipe) are left as recipes, for the backend to build; ``dtype``:
    the backend's, in which static tables built here hold their weights; ``math``:
    Simulator's (float32 exp in conductance-based LIF groups where "fast"); ``partition``:
    a rank's place (snnkit.parallel): its groups hold its own neurons, its tables every
    presynaptic row but only the synapses onto its neurons, random rules drawn for them
    alone on the host (generation/table.py)."""
    plan = Plan(dt=dt, batch=batch, partition=partition)
    if partition is not None:
        from .parallel import slicing
        slicing.check_partitionable(net)
        generate_on_device = True                # recipes, built here for the rank's posts
    exp_f32 = math == "fast" and np.dtype(dtype) == np.float32
    members: dict[tuple, list] = {}
    for index, pop in enumerate(net.populations):
        members.setdefault(group_key(pop), []).append((index, pop))
    names = {}
    for key, entries in members.items():
        name = names[key] = "+".join(p.name for _, p in entries)
        offset = 0
        for _, pop in entries:
            plan.placement[pop.name] = (name, offset, pop.size)
            offset += pop.size
    tables = table_members(net)
    plan.table_of = {k: key for key, ks in tables.items() for k in ks}
    recipes = {k: device_recipe(proj, k, dt) for k, proj in enumerate(net.projections)} if generate_on_device else {}
    recipes.update({k: procedural_recipe(proj, k, dt) for k, proj in enumerate(net.projections) if proj.procedural})
    generated = {key for key, ks in tables.items() if all(recipes.get(k) for k in ks)}
    # connectivity before the groups: the delays fix each target group's ring depth
    wiring = {k: realize_wiring(net.projections[k], k, dt, seeds)
              for key, ks in tables.items() if key not in generated for k in ks}
    if partition is not None:
        wiring = {k: slicing.restrict_wiring(w, *partition.owned(net.projections[k].post.size))
                  for k, w in wiring.items()}
    longest = {k: w.longest for k, w in wiring.items() if w.size}
    longest.update({k: recipe_delay_bound(recipes[k]) for key in generated for k in tables[key]})
    for key, entries in members.items():
        indices, pops = [i for i, _ in entries], [p for _, p in entries]
        depth = max([2] + [longest[k] + 1 for k, proj in enumerate(net.projections)
                           if proj.post in pops and k in longest])
        injected = any(inj.target in pops for inj in net.injections)
        if key[0] == "lif":
            group = lower_lif(pops, indices, dt, batch, seeds, depth, injected, exp_f32)
        elif key[0] == "equation":
            from .lower_equations import lower_equation          # (imports sympy)
            group = lower_equation(pops, indices, dt, batch, seeds, depth, injected)
        elif key[0] == "Poisson":
            group = lower_poisson(pops, indices, dt, batch, seeds)
        else:
            group = lower_spike_times(pops, dt)
        group.update(name=names[key], batch=batch, key_lo=seeds.key_lo, key_hi=seeds.key_hi,
                     instance=seeds.instance)
        plan.groups[names[key]] = group
    if partition is not None:
        from .parallel.lowering import localize_groups
        whole = localize_groups(plan, members, partition)
    keys = list(tables)
    for key, ks in tables.items():
        proj = net.projections[ks[0]]
        entries = [(k, net.projections[k], wiring.get(k), plan.placement[net.projections[k].pre.name][1],
                    plan.placement[net.projections[k].post.name][1]) for k in ks]
        pre_group, post_group = (plan.groups[plan.placement[p.name][0]] for p in (proj.pre, proj.post))
        if partition is not None:
            pre_group = whole[plan.placement[proj.pre.name][0]]              # every presynaptic row
            entries = [(k, p, w, plan.global_placement[p.pre.name][1], qo) for k, p, w, _, qo in entries]
        if key in generated and partition is not None:
            from .parallel.lowering import rank_table
            plan.synapses.append(rank_table(entries, [recipes[k] for k in ks], pre_group, post_group, batch,
                                            seeds.structure_key, partition, dtype))
        elif key in generated:
            plan.synapses.append(recipe_table(entries, [recipes[k] for k in ks], pre_group, post_group, batch,
                                              seeds.structure_key, procedural=proj.procedural))
        elif proj.synapse is not None:
            from .lower_synapse_models import lower_synapse_model      # (imports sympy)
            entries = [(k, p, w.full(), po, qo) for k, p, w, po, qo in entries]
            plan.synapses.append(lower_synapse_model(entries, pre_group, post_group, dt, batch, seeds.structure))
        elif proj.plasticity is not None:
            plan.synapses.append(lower_table(entries, pre_group, post_group, dt, batch))
        else:
            plan.synapses.append(lean_table(entries, pre_group, post_group, dtype))
    plan.table_of = {k: keys.index(key) for k, key in plan.table_of.items()}
    return plan


def fit_ring_depths(plan: Plan) -> None:
    """Deepen a target group's delay ring to the longest delay a table built on the device
    drew (before the group is uploaded; recipe_delay_bound gave 1 step for drawn delays)."""
    for syn in plan.synapses:
        if "generated" not in syn:
            continue
        group = plan.groups[syn["post"]]
        depth = syn["max_delay"] + 1
        if depth > group["ring_depth"]:
            group["ring"] = np.zeros((depth,) + group["ring"].shape[1:])
            group["ring_depth"] = depth
