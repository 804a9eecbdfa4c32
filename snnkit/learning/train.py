"""Training a Diehl & Cook network without labels, many samples at once.

Each batch instance is one presentation of one image: the inputs fire at rates
proportional to its pixels (kernels/learning.c: image_rates), the state is reset
(Simulator.reset_state: v, conductances, refractoriness, spikes in flight, traces
and spike counts, on the device), the network runs for ``presentation_ms``, then the
instances' weight and threshold changes are combined (snnkit.learning.shared) and
each neuron's input weights are scaled to sum to ``weight_sum * n_inputs``
(kernels/learning.c: normalize_incoming). An instance whose neurons spiked fewer than
``min_spikes`` times is shown its image again at a higher rate (Diehl & Cook's rule);
only its accepted presentation counts.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

from ..simulator import Simulator
from ..validation import check_count, fail
from .config import DiehlCook
from .network import build, initial_weights
from .shared import SharedAcrossInstances


@dataclass
class Presenter:
    """A Simulator of a Diehl & Cook network and the device arrays that feed it images."""
    sim: Simulator
    handles: object
    images: object
    sample_index: object
    gain_hz: object
    cfg: DiehlCook
    presentations: int = 0

    @classmethod
    def make(cls, cfg, images: np.ndarray, batch: int, weights, theta, learning: bool, backend, seed: int,
             dtype="float32", device=None, extend=None) -> "Presenter":
        """``extend(handles)``, when given, adds to the network before it is simulated
        (snnkit.learning.readout: the output layer)."""
        images = np.asarray(images, float).reshape(len(images), -1)
        handles = build(cfg, images.shape[1], batch, weights, theta, learning, seed)
        if extend is not None:
            extend(handles)
        sim = Simulator(handles.network, dt=cfg.dt, batch=batch, backend=backend, seed=seed, dtype=dtype,
                        device=device)
        be = sim.backend
        uploaded = be.upload({"images": images, "gain_hz": np.zeros(batch)})
        sample_index = be.upload({"sample_index": np.zeros(batch, np.uint32)})["sample_index"]
        return cls(sim, handles, uploaded["images"], sample_index, uploaded["gain_hz"], cfg)

    def present(self, sample_index: np.ndarray, gain_hz: np.ndarray) -> np.ndarray:
        """Show image sample_index[b] to instance b at gain_hz[b] (0: silent) from a reset
        state; return the excitatory spike counts (B, n_neurons)."""
        be, sim = self.sim.backend, self.sim
        be.assign(self.sample_index, np.asarray(sample_index, np.uint32))
        be.assign(self.gain_hz, gain_hz)
        group, offset, _ = sim.plan.placement[self.handles.inputs.name]
        be.image_rates(sim.groups[group], offset, self.images, self.sample_index, self.gain_hz)
        sim.reset_state()
        sim.run(self.cfg.presentation_ms, progress=False)
        self.presentations += int(np.count_nonzero(gain_hz))
        return sim.spike_counts(self.handles.exc)

    def present_until_active(self, sample_index: np.ndarray, valid: np.ndarray, after=None) -> np.ndarray:
        """Present, and present again at a higher rate (1 + boost per attempt) to the
        instances whose neurons spiked fewer than min_spikes times, up to max_attempts;
        ``after(accepted)`` runs after each attempt. Returns each instance's accepted counts."""
        cfg = self.cfg
        pending = np.asarray(valid, bool).copy()
        counts = np.zeros((len(pending), cfg.n_neurons), np.int64)
        for attempt in range(cfg.max_attempts):
            gain = np.where(pending, cfg.max_rate_hz * (1.0 + cfg.boost * attempt), 0.0)
            got = self.present(sample_index, gain)
            enough = got.sum(axis=1) >= cfg.min_spikes
            accepted = pending & (enough | (attempt == cfg.max_attempts - 1))
            counts[accepted] = got[accepted]
            if after is not None:
                after(accepted)
            pending &= ~accepted
            if not pending.any():
                break
        return counts


def batches(n: int, batch: int, order: np.ndarray | None = None):
    """Per batch of ``order`` (default 0..n-1): (index (batch,), the sample of each
    instance, padded with 0; valid (batch,) bool, the instances that hold one; chosen,
    the samples of this batch)."""
    order = np.arange(n) if order is None else order
    for first in range(0, n, batch):
        chosen = order[first:first + batch]
        index = np.zeros(batch, np.int64)
        index[:chosen.size] = chosen
        yield index, np.arange(batch) < chosen.size, chosen


@dataclass
class TrainingLog:
    samples: int = 0                     # training samples learned from (each once per epoch)
    presentations: int = 0               # presentations run, repeats included
    seconds: float = 0.0                 # wall-clock time of the training loop
    spikes_per_sample: list = field(default_factory=list)   # mean excitatory spikes, per batch

    @property
    def samples_per_second(self) -> float:
        return self.samples / self.seconds if self.seconds > 0 else float("nan")


def train(cfg: DiehlCook, images: np.ndarray, batch: int = 64, epochs: int = 1, backend="auto", seed: int = 0,
          dtype="float32", device=None, progress=None, weights=None, theta=None):
    """Learn input weights (n_inputs, n_neurons) and thresholds theta (n_neurons,) from
    ``images`` (n, ...) in [0, 1], without labels. Returns (weights, theta, TrainingLog)."""
    batch = check_count("batch", batch, minimum=1)
    epochs = check_count("epochs", epochs, minimum=0)
    images = np.asarray(images, float).reshape(len(images), -1)
    if images.size == 0:
        fail("images", images.shape, "must hold at least one image")
    if not np.all(np.isfinite(images)) or images.min() < 0 or images.max() > 1:
        fail("images", f"values in [{images.min()}, {images.max()}]", "must be finite pixel values in [0, 1]")
    n_inputs = images.shape[1]
    weights = initial_weights(cfg, n_inputs, seed) if weights is None else np.asarray(weights, float)
    if weights.shape != (n_inputs, cfg.n_neurons):
        fail("weights", weights.shape, f"must be (n_inputs, n_neurons) = {(n_inputs, cfg.n_neurons)}")
    p = Presenter.make(cfg, images, batch, weights, theta, True, backend, seed, dtype, device)
    sim, be = p.sim, p.sim.backend
    table = sim.synapses[sim.plan.table_of[sim.network.projections.index(p.handles.input_exc)]]
    rule = p.handles.input_exc.plasticity
    _, _, start = sim.weights(p.handles.input_exc)
    shared_w = SharedAcrossInstances(be, table["weight"], batch, table["n_synapses"], 0, start[0],
                                     rule.w_min, rule.w_max, cfg.combine)
    group, offset, size = sim.plan.placement[p.handles.exc.name]
    shared_theta = SharedAcrossInstances(be, sim.groups[group]["theta"], batch, sim.plan.groups[group]["size"],
                                         offset, sim.plan.groups[group]["theta"][0, offset:offset + size],
                                         combine=cfg.combine)
    target, squares = cfg.norm_target(n_inputs), cfg.weight_norm == "l2"
    be.normalize_incoming(table, shared_w.reference, target, squares)

    def learn(accepted):
        shared_w.combine(accepted)
        shared_theta.combine(accepted)
        be.normalize_incoming(table, shared_w.reference, target, squares)

    rng = np.random.default_rng(seed)
    log = TrainingLog()
    bar = _bar(epochs * len(images), progress)
    began = time.perf_counter()
    try:
        for _ in range(epochs):
            for index, valid, chosen in batches(len(images), batch, rng.permutation(len(images))):
                counts = p.present_until_active(index, valid, learn)
                log.samples += chosen.size
                log.spikes_per_sample.append(float(counts[:chosen.size].sum(axis=1).mean()))
                if bar is not None:
                    bar.update(chosen.size)
    finally:
        be.synchronize()
        log.seconds = time.perf_counter() - began
        log.presentations = p.presentations
        if bar is not None:
            bar.close()
    learned = shared_w.host()
    pre, post, _ = sim.weights(p.handles.input_exc)
    matrix = np.zeros((n_inputs, cfg.n_neurons))
    matrix[pre, post] = learned
    return matrix, shared_theta.host(), log


def _bar(total: int, progress):
    import sys
    show = sys.stderr.isatty() if progress is None else bool(progress)
    if not show or total == 0:
        return None
    from tqdm import tqdm
    return tqdm(total=total, unit="sample", desc="snnkit learn", file=sys.stderr)
