"""The NumPy backend: the executable specification of every step operation.

Vectorised over (batch, neuron) and over synapses; no Python loop over either.
Device backends must agree with it (bit for bit where the arithmetic allows).
Arrays: neuron state (B, N); synaptic state ``syn`` (2, B, N) for the
excitatory and inhibitory receptor; delay ring (D, 2, B*N), one contiguous slot
per step; plastic weights (B, S).
"""

from __future__ import annotations

import numpy as np

from ..connectivity import gather_rows
from ..rng import NOISE, POISSON, after, draw, geometric_steps, philox4x32_10, standard_normal
from .base import Backend
from .numpy_learning import NumpyLearningOps
from .numpy_math import exp_f32, log1p_f64
from .numpy_procedural import NumpyProceduralOps
from .numpy_ring import add_to_ring
from .numpy_synapses import NumpySynapseOps


class NumpySpikes:
    """The spikes of one population in one step.

    mask : (B, N) bool     which neurons spiked
    flat : (n,) int64      compacted list of b * N + i of the spiking neurons, sorted
    """

    __slots__ = ("mask", "flat")

    def __init__(self, batch: int, size: int):
        self.mask = np.zeros((batch, size), dtype=bool)
        self.flat = np.zeros(0, dtype=np.int64)

    def set(self, mask: np.ndarray) -> None:
        self.mask = mask
        self.flat = np.flatnonzero(mask)


class NumpyBackend(NumpyLearningOps, NumpySynapseOps, NumpyProceduralOps, Backend):
    """Runs on the host CPU with NumPy (float32 by default, float64 on request)."""

    name = "numpy"
    builds_connectivity = True           # static random tables drawn lean by generation/table.py

    @classmethod
    def unavailable_reason(cls):
        return None

    def __init__(self, dtype=np.float32, device=None):
        super().__init__(dtype)
        if device not in (None, "cpu", "host"):
            from ..validation import fail
            fail("device", device, "the numpy backend runs on the host CPU only (device None)")

    @property
    def device_name(self) -> str:
        return "host CPU (NumPy)"

    def memory_available(self) -> int:
        from ..memory import host_memory_available
        return host_memory_available()

    def upload(self, host: dict) -> dict:
        if host.get("procedural"):
            return self.upload_procedural(host)
        if "generated" in host:                      # drawn here as a device draws it
            from ..generation.table import build_table
            out = {k: v for k, v in host.items() if k not in ("generated", "structure_key")}
            out.update(build_table(host, self.dtype), n_synapses=host["n_synapses"], max_delay=host["max_delay"])
            return out
        if host.get("lean"):                         # built in this backend's types (lower_static_table)
            return dict(host)

        def convert(value):
            if isinstance(value, np.ndarray) and value.dtype.kind == "f":
                return value.astype(self.dtype)
            if isinstance(value, dict):              # an equation group's arrays and state
                return {key: convert(item) for key, item in value.items()}
            return value.copy() if isinstance(value, np.ndarray) else value
        return {key: convert(value) for key, value in host.items()}

    def set_parameters(self, g: dict, host: dict) -> bool:
        """New parameter values (snnkit.parameters): the host group's derived arrays,
        cast to the working type, replace the group's."""
        kind = host["kind"]
        if kind == "equation":
            g["arrays"].update({k: v.astype(self.dtype) for k, v in host["arrays"].items() if k != "I_inject"})
            g["refrac_steps"] = host["refrac_steps"].copy()
        elif kind == "lif":
            from ..lower_neurons import LIF_DERIVED
            g.update(self.upload({k: host[k] for k in LIF_DERIVED if k in host}))
        elif kind == "poisson":
            g["spike_probability"] = host["spike_probability"].astype(self.dtype)
        else:
            g["event_neuron"] = host["event_neuron"].copy()
        return False

    def to_host(self, array) -> np.ndarray:
        return np.asarray(array)

    def zeros(self, shape, dtype):
        return np.zeros(shape, dtype)

    def new_spikes(self, batch: int, size: int) -> NumpySpikes:
        return NumpySpikes(batch, size)

    def spike_flat(self, spikes: NumpySpikes, step: int) -> np.ndarray:
        return spikes.flat

    def load_spikes(self, spikes: NumpySpikes, flat: np.ndarray, size: int, step: int) -> None:
        mask = np.zeros(spikes.mask.shape, bool)
        mask.reshape(-1)[flat] = True
        spikes.mask, spikes.flat = mask, flat

    # -- 1. delivery -----------------------------------------------------------
    def deliver(self, g: dict, step: int) -> None:
        """Input arriving this step (ring slot step % D) joins the synaptic state."""
        slot = g["ring"][step % g["ring_depth"]]
        syn = g["syn"].reshape(2, -1)
        syn += slot
        slot.fill(0)

    # -- 2. neuron update ------------------------------------------------------
    def lif_step(self, g: dict, spikes: NumpySpikes, step: int) -> None:
        """The fused LIF update: synapses, membrane, refractoriness, threshold, reset."""
        v, syn, refrac = g["v"], g["syn"], g["refrac"]
        synapse = g["synapse"]

        # synaptic state: delta input is a voltage jump used up this step;
        # exponential synapses decay (exact) before the membrane sees them
        if synapse == "delta":
            jump = syn[0] + syn[1]
            syn[...] = 0
        else:
            syn *= g["decay_syn"]

        refractory = refrac > 0
        if synapse == "cond_exp":
            # conductance-based: v relaxes to the conductance-weighted reversal
            # potentials with the effective time constant cm / g_total
            g_total = g["g_leak"] + syn[0] + syn[1]
            v_inf = g["g_leak"] * g["v_rest"] + syn[0] * g["e_rev"][0] + syn[1] * g["e_rev"][1] + g["i_offset"]
            if g["injected"]:
                v_inf += g["i_inject"]
            v_inf /= g_total
            if g["method"] == "exact":
                v -= v_inf
                if g.get("exp") == "float32":        # kernels/exp_f32.h, op for op
                    v *= exp_f32(-g["dt_over_cm"] * g_total)
                else:                                # exp in float64, rounded once (as kernels/lif.c)
                    v *= np.exp((-g["dt_over_cm"] * g_total).astype(np.float64)).astype(self.dtype)
                v += v_inf
            else:
                v += g["dt_over_cm"] * g_total * (v_inf - v)
        else:
            if synapse == "delta":
                current = g["i_offset"]
                if g["injected"]:
                    current = current + g["i_inject"]
            else:
                current = syn[0] + syn[1]
                if g["biased"]:
                    current += g["i_offset"]
                if g["injected"]:
                    current += g["i_inject"]
            if not g["leaky"]:
                # perfect integrator: cm dv/dt = I
                v += current * g["dt_over_cm"]
            else:
                # tau_m dv/dt = v_inf - v with v_inf = v_rest + R_m I held over the step
                v_inf = g["r_m"] * current
                v_inf += g["v_rest"]
                if g["method"] == "exact":
                    v -= v_inf
                    v *= g["decay_m"]
                    v += v_inf
                else:
                    v += g["dt_over_tau_m"] * (v_inf - v)
        if g["noisy"]:
            x0, x1, _, _ = draw(step, g["rng_neuron"], g["instance"], g["rng_stream"] + NOISE,
                                g["key_lo"], g["key_hi"])
            v += g["noise_std"] * standard_normal(x0, x1, self.dtype)
        if synapse == "delta":
            v += jump

        # refractory neurons stay clamped at v_reset and count down
        np.copyto(v, g["v_reset"], where=refractory)
        refrac -= refractory

        # threshold (>=), adapted by theta, which decays back to 0
        if g["adaptive"]:
            g["theta"] *= g["decay_theta"]
            spiked = v >= g["v_thresh"] + g["theta"]
        else:
            spiked = v >= g["v_thresh"]
        if not g["reset_below_threshold"]:     # else the clamp at v_reset already blocks them
            spiked &= ~refractory

        # reset, start the refractory period, raise the threshold
        np.copyto(v, g["v_reset"], where=spiked)
        np.copyto(refrac, g["refrac_steps"], where=spiked)
        if g["adaptive"]:
            np.add(g["theta"], g["d_theta"], out=g["theta"], where=spiked)
        spikes.set(spiked)

    def equation_step(self, g: dict, spikes: NumpySpikes, step: int) -> None:
        """An equation-defined model (snnkit.modeling.numpy_group): the weights arriving
        this step enter through the receptors, then the generated update, refractoriness,
        threshold and reset."""
        from ..modeling import numpy_group
        if "_compiled" not in g:                   # generated once per group
            g["_compiled"] = numpy_group.CompiledModel(g["model"])
        compiled, t = g["_compiled"], step * g["dt"]
        slot = g["ring"][step % g["ring_depth"]]
        shape = g["refrac"].shape
        noise = numpy_group.noise_draws(compiled, step, g, self.dtype)
        noise.update(numpy_group.uniform_draws(compiled, step, g, self.dtype))
        for receptor in range(len(compiled.receptors)):
            arriving = slot[receptor]
            if arriving.any():
                numpy_group.receive(compiled, receptor, g["arrays"], g["state"], arriving.reshape(shape), t,
                                    self.dtype, noise)
        slot.fill(0)
        spikes.set(numpy_group.step(compiled, g["arrays"], g["state"], g["refrac"], g["refrac_steps"], t,
                                    self.dtype, noise))

    def poisson_step(self, g: dict, spikes: NumpySpikes, step: int) -> None:
        """Bernoulli trials with p = rate * dt / 1000 a step, drawn as the geometric
        number of silent steps to the next spike (sources.Poisson): a source whose p
        changed draws its next spike from this step (words 2, 3), a source that fires
        draws the one after (words 0, 1)."""
        p = np.broadcast_to(g["spike_probability"], g["next_spike"].shape)
        next_spike, drawn = g["next_spike"], g["drawn_probability"]
        restart = p != drawn
        if restart.any():
            b, i = np.nonzero(restart)
            words = self._poisson_words(g, step, b, i)
            next_spike[b, i] = after(step, geometric_steps(words[2], words[3], log1p_f64(-p[b, i].astype(float))))
            drawn[b, i] = p[b, i]
        fired = next_spike == step
        if fired.any():
            b, i = np.nonzero(fired)
            words = self._poisson_words(g, step, b, i)
            next_spike[b, i] = after(step + 1, geometric_steps(words[0], words[1],
                                                               log1p_f64(-p[b, i].astype(float))))
        spikes.set(fired)

    @staticmethod
    def _poisson_words(g: dict, step: int, b: np.ndarray, i: np.ndarray):
        """The Philox words of sources (b, i) in a step (counter as rng.draw's)."""
        return philox4x32_10(step, g["rng_neuron"][i], g["instance"][b], g["rng_stream"][i] + POISSON,
                             g["key_lo"][b], g["key_hi"][b])

    def spike_times_step(self, g: dict, first: int, last: int, spikes: NumpySpikes, step: int) -> None:
        """Events [first, last) fire in every batch instance."""
        mask = np.zeros((g["batch"], g["size"]), dtype=bool)
        mask[:, g["event_neuron"][first:last]] = True
        spikes.set(mask)

    # -- 3. propagation --------------------------------------------------------
    def propagate(self, s: dict, spikes: NumpySpikes, target: dict, step: int) -> None:
        """Each spike adds its synapses' weights into ring slot (step + delay) % D of the targets."""
        if spikes.flat.size == 0:
            return
        if s.get("procedural"):
            return self.propagate_procedural(s, spikes.flat, target, step)
        batch_of, pre = np.divmod(spikes.flat, s["n_pre"])
        syn, owner = gather_rows(s["row_ptr"], pre)
        if syn.size == 0:
            return
        if target["batch"] == 1:
            weight = s["weight"][0, syn] if s["plastic"] else s["weight"][syn]
            target_flat = s["post_index"][syn]
        else:
            b = batch_of[owner]
            weight = s["weight"][b, syn] if s["plastic"] else s["weight"][syn]
            target_flat = b * s["n_post"] + s["post_index"][syn]
        ring = target["ring"]                              # (D, receptors (LIF: 2), B * N_post)
        depth, receptors = ring.shape[0], ring.shape[1]
        slot = (step + s["uniform_delay"]) % depth if s["uniform_delay"] else \
            (step + s["delay"][syn].astype(np.int64)) % depth            # (a u16 column: generation/table.py)
        receptor = s["uniform_receptor"] if s["uniform_receptor"] < receptors else s["receptor"][syn]
        add_to_ring(ring, slot, receptor, target_flat, weight)

    # -- 4. plasticity -----------------------------------------------------------
    def stdp_step(self, s: dict, pre_spikes: NumpySpikes, post_spikes: NumpySpikes, step: int) -> None:
        """Pair-based STDP with traces (see snnkit.plasticity.STDP)."""
        x, y, w = s["trace_pre"], s["trace_post"], s["weight"]
        x *= s["decay_plus"]
        y *= s["decay_minus"]
        if pre_spikes.flat.size and s["A_minus"]:
            # presynaptic spike: depression by the postsynaptic trace
            b, pre = np.divmod(pre_spikes.flat, s["n_pre"])
            syn, owner = gather_rows(s["row_ptr"], pre)
            b = b[owner]
            change = s["A_minus"] * y[b, s["post_index"][syn]]
            if s["multiplicative"]:
                change *= w[b, syn] - s["w_min"]
            w[b, syn] = np.clip(w[b, syn] - change, s["w_min"], s["w_max"])
        if post_spikes.flat.size:
            # postsynaptic spike: potentiation by the presynaptic trace (less x_target)
            b, post = np.divmod(post_spikes.flat, s["n_post"])
            k, owner = gather_rows(s["col_ptr"], post)
            syn, b = s["col_syn"][k], b[owner]
            change = s["A_plus"] * (x[b, s["pre_index"][syn]] - s["x_target"])
            if s["multiplicative"]:
                change *= s["w_max"] - w[b, syn]
            w[b, syn] = np.clip(w[b, syn] + change, s["w_min"], s["w_max"])
        # the traces of this step's spikes jump
        for trace, spikes in ((x, pre_spikes), (y, post_spikes)):
            if s["nearest"]:
                np.copyto(trace, 1, where=spikes.mask)
            else:
                trace += spikes.mask

    # -- 5. recording --------------------------------------------------------------
    def new_spike_record(self, batch: int, size: int, min_interval: int = 1) -> list:
        return []

    def new_state_record(self, indices: np.ndarray, batch: int) -> dict:
        return {"indices": np.asarray(indices), "samples": []}

    def new_spike_value_record(self, batch: int, size: int, min_interval: int, arrays: dict) -> dict:
        return {"arrays": arrays, "spikes": [], "values": []}

    def record_spike_values(self, spikes: NumpySpikes, record: dict, step: int) -> None:
        if spikes.flat.size:
            record["spikes"].append((step, spikes.flat))
            record["values"].append([a.reshape(-1)[spikes.flat] for a in record["arrays"].values()])

    def drain_spike_values(self, record: dict, size: int):
        """As drain_spikes, with name -> the values at each spike."""
        names = list(record["arrays"])
        values = [np.concatenate(v) for v in zip(*record["values"])] if record["values"] else \
            [np.zeros(0) for _ in names]
        record["values"] = []
        return self.drain_spikes(record["spikes"], size) + (dict(zip(names, values)),)

    def record_spikes(self, spikes: NumpySpikes, record: list, step: int) -> None:
        if spikes.flat.size:
            record.append((step, spikes.flat))

    def record_state(self, array, record: dict) -> None:
        record["samples"].append(array[:, record["indices"]])

    def drain_spikes(self, buffer: list, size: int):
        """Steps ascend; within a step np.flatnonzero already sorted the ids."""
        if not buffer:
            empty = np.zeros(0, np.int64)
            return empty, empty.copy(), empty.copy()
        steps = np.concatenate([np.full(flat.size, k, np.int64) for k, flat in buffer])
        instance, node = np.divmod(np.concatenate([flat for _, flat in buffer]), size)
        buffer.clear()
        return steps, node, instance

    def drain_state(self, record: dict) -> np.ndarray:
        out = np.stack(record["samples"]) if record["samples"] else np.zeros((0, 0, 0))
        record["samples"].clear()
        return out
