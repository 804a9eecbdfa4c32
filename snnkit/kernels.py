"""Assemble kernel sources for a dialect, and the manifest the device backends launch through.

A kernel's full text is ``prelude_<dialect>.h`` + generated definitions (the
``real`` type, parameter indices, compile-time switches) + ``clock.h`` + ``philox.h`` +
``spikes.h`` + ``layout.h`` + ``propagate.h`` + the op file's own headers + code
generated from a model (``generated``: snnkit/modeling/codegen_c.py, for the generic
neuron kernel neuron.c) + the op file, with ``#line`` markers so compiler messages
point at kernels/<file> or at the generated model. The text is the cache key. ``SNNKIT_DUMP_KERNELS=dir`` writes every assembled
source there.
"""

from __future__ import annotations

import hashlib
import os
from functools import lru_cache
from pathlib import Path

import numpy as np

from .rng import NOISE, POISSON, UNIFORM

# every spike producer's arguments end alike: its spike list and count, its record
# (kernels/spikes.h) and its fused outgoing table (kernels/propagate.h)
PRODUCER_TAIL = [
    ("spike_list", "ptr"), ("spike_count", "ptr"), ("record", "u32"), ("rec_step", "ptr"), ("rec_id", "ptr"),
    ("rec_count", "ptr"), ("out_fused", "u32"), ("out_n_post", "u32"), ("out_n_receptors", "u32"),
    ("out_depth", "u32"),
    ("out_uniform_receptor", "u32"), ("out_uniform_delay", "u32"), ("out_n_synapses", "u32"),
    ("out_plastic", "u32"), ("out_row_ptr", "ptr"), ("out_post_index", "ptr"), ("out_receptor", "ptr"),
    ("out_delay", "ptr"), ("out_weight", "ptr"), ("out_ring", "ptr")]

# the most work-items in a work-group (CUDA block) any backend launches; per-neuron
# state planes are padded to a multiple of it (kernels/layout.h, plane_stride)
GROUP_SIZE = 256


def plane_stride(count: int) -> int:
    """kernels/layout.h: the padded length of a plane of ``count`` per-neuron values."""
    return -(-count // GROUP_SIZE) * GROUP_SIZE


# the tables and buffers every nengo program kernel takes (kernels/nengo.h: NENGO_ARGS)
NENGO_TAIL = [("ints", "ptr"), ("reals", "ptr"), ("heap", "ptr"), ("stream", "ptr"), ("stream_cols", "u32"),
              ("probe_out", "ptr"), ("probe_cols", "u32"), ("probe_mask", "ptr"), ("probe_groups", "u32")]

# a kernel that needs the step number k gets it from these (kernels/clock.h)
CLOCK = [("step_offset", "u32"), ("step_clock", "ptr")]

# what a synapse model's kernels read of the neurons: the variables they hold for their
# synapses and the neuron variables the event code reads (kernels/synapse.c)
SYNAPSE_NEURON_VALUES = [("pre_held", "ptr"), ("post_held", "ptr"), ("pre_reads", "ptr"), ("post_reads", "ptr")]

# kernel name -> (file, [(argument, kind)]); kind: "u32", "real", "f64" (scalars) or "ptr"
MANIFEST: dict[str, tuple[str, list[tuple[str, str]]]] = {
    "lif_step": ("lif.c", [
        ("n", "u32"), ("batch", "u32"), *CLOCK, ("depth", "u32"), ("param_plane", "u32"),
        ("param_stride", "u32"), ("param_unit", "u32"), ("ring", "ptr"), ("v_state", "ptr"), ("syn", "ptr"),
        ("refrac", "ptr"), ("theta", "ptr"), ("params", "ptr"), ("refrac_steps", "ptr"),
        ("i_inject", "ptr"), ("rng_neuron", "ptr"), ("rng_stream", "ptr"), ("key_lo", "ptr"), ("key_hi", "ptr"),
        ("instance", "ptr"), *PRODUCER_TAIL]),
    "neuron_step": ("neuron.c", [
        ("n", "u32"), ("batch", "u32"), *CLOCK, ("depth", "u32"), ("param_plane", "u32"),
        ("param_stride", "u32"), ("param_unit", "u32"), ("ring", "ptr"), ("state", "ptr"), ("refrac", "ptr"),
        ("params", "ptr"), ("refrac_steps", "ptr"), ("i_inject", "ptr"), ("rng_neuron", "ptr"),
        ("rng_stream", "ptr"), ("key_lo", "ptr"), ("key_hi", "ptr"), ("instance", "ptr"), *PRODUCER_TAIL]),
    "poisson_step": ("poisson.c", [
        ("n", "u32"), ("batch", "u32"), *CLOCK,
        ("spike_probability", "ptr"), ("next_spike", "ptr"), ("drawn_probability", "ptr"), ("rng_neuron", "ptr"),
        ("rng_stream", "ptr"), ("key_lo", "ptr"), ("key_hi", "ptr"), ("instance", "ptr"), *PRODUCER_TAIL]),
    "spike_times_step": ("spike_times.c", [
        ("n", "u32"), ("batch", "u32"), *CLOCK, ("first", "u32"), ("n_events", "u32"),
        ("event_neuron", "ptr"), *PRODUCER_TAIL]),
    "propagate": ("propagate.c", [
        ("n_pre", "u32"), ("n_post", "u32"), ("n_receptors", "u32"), ("batch", "u32"), *CLOCK, ("depth", "u32"),
        ("uniform_receptor", "u32"), ("uniform_delay", "u32"), ("n_synapses", "u32"), ("plastic", "u32"),
        ("spike_list", "ptr"), ("spike_count", "ptr"), ("row_ptr", "ptr"), ("post_index", "ptr"),
        ("receptor", "ptr"), ("delay", "ptr"), ("weight", "ptr"), ("ring", "ptr")]),
    "trace_decay": ("stdp.c", [("n_values", "u32"), ("decay", "real"), ("trace", "ptr")]),
    "stdp_on_pre": ("stdp.c", [
        ("n_pre", "u32"), ("n_post", "u32"), ("n_synapses", "u32"), *CLOCK, ("a_minus", "real"),
        ("w_min", "real"), ("w_max", "real"), ("multiplicative", "u32"), ("spike_list", "ptr"),
        ("spike_count", "ptr"), ("row_ptr", "ptr"), ("post_index", "ptr"), ("trace_post", "ptr"),
        ("weight", "ptr")]),
    "stdp_on_post": ("stdp.c", [
        ("n_pre", "u32"), ("n_post", "u32"), ("n_synapses", "u32"), *CLOCK, ("a_plus", "real"), ("x_target", "real"),
        ("w_min", "real"), ("w_max", "real"), ("multiplicative", "u32"), ("spike_list", "ptr"),
        ("spike_count", "ptr"), ("col_ptr", "ptr"), ("col_syn", "ptr"), ("pre_index", "ptr"),
        ("trace_pre", "ptr"), ("weight", "ptr")]),
    "trace_jump": ("stdp.c", [*CLOCK, ("nearest", "u32"), ("spike_list", "ptr"), ("spike_count", "ptr"),
                              ("trace", "ptr")]),
    # synapse models (kernels/synapse.c with the model's generated code)
    "synapse_history": ("synapse.c", [("capacity", "u32"), ("depth", "u32"), *CLOCK, ("spike_list", "ptr"),
                                      ("spike_count", "ptr"), ("list_ring", "ptr"), ("count_ring", "ptr")]),
    "synapse_pre": ("synapse.c", [
        ("n_pre", "u32"), ("n_post", "u32"), ("batch", "u32"), ("n_synapses", "u32"), *CLOCK, ("delay", "u32"),
        ("history_depth", "u32"), ("ring_depth", "u32"), ("n_receptors", "u32"), ("weight_per_instance", "u32"),
        ("rng_stream", "u32"), ("list_ring", "ptr"), ("count_ring", "ptr"), ("row_ptr", "ptr"), ("post_index", "ptr"),
        ("receptor", "ptr"), ("axonal", "ptr"), ("dendritic", "ptr"), ("weight", "ptr"), ("state", "ptr"),
        ("params", "ptr"), ("key_lo", "ptr"), ("key_hi", "ptr"), ("instance", "ptr"), *SYNAPSE_NEURON_VALUES,
        ("ring", "ptr")]),
    "synapse_post": ("synapse.c", [
        ("n_pre", "u32"), ("n_post", "u32"), ("batch", "u32"), ("n_synapses", "u32"), *CLOCK, ("delay", "u32"),
        ("history_depth", "u32"), ("weight_per_instance", "u32"), ("rng_stream", "u32"), ("list_ring", "ptr"),
        ("count_ring", "ptr"), ("col_ptr", "ptr"), ("col_syn", "ptr"), ("pre_index", "ptr"), ("post_delay", "ptr"),
        ("weight", "ptr"), ("state", "ptr"), ("params", "ptr"), ("key_lo", "ptr"), ("key_hi", "ptr"),
        ("instance", "ptr"), *SYNAPSE_NEURON_VALUES]),
    # resetting state between samples, counting spikes, batch learning (snnkit.learning)
    "fill_real": ("fill.c", [("n_values", "u32"), ("value", "real"), ("values", "ptr")]),
    "fill_u32": ("fill.c", [("n_values", "u32"), ("value", "u32"), ("values", "ptr")]),
    "count_spikes": ("count_spikes.c", [*CLOCK, ("spike_list", "ptr"), ("spike_count", "ptr"), ("counts", "ptr")]),
    "image_rates": ("learning.c", [
        ("n_pixels", "u32"), ("batch", "u32"), ("stride", "u32"), ("offset", "u32"), ("dt_s", "real"),
        ("images", "ptr"), ("sample_index", "ptr"), ("gain_hz", "ptr"), ("spike_probability", "ptr")]),
    "combine_instances": ("learning.c", [
        ("n_values", "u32"), ("batch", "u32"), ("stride", "u32"), ("offset", "u32"), ("scale", "real"),
        ("lo", "real"), ("hi", "real"), ("accept", "ptr"), ("reference", "ptr"), ("values", "ptr")]),
    "normalize_incoming": ("learning.c", [
        ("n_post", "u32"), ("batch", "u32"), ("n_synapses", "u32"), ("squares", "u32"), ("target", "real"),
        ("col_ptr", "ptr"),
        ("col_syn", "ptr"), ("reference", "ptr"), ("weight", "ptr")]),
    "record_state": ("record.c", [
        ("n", "u32"), ("batch", "u32"), ("n_indices", "u32"), ("row", "u32"), ("state_offset", "u32"),
        ("state", "ptr"), ("indices", "ptr"), ("out", "ptr")]),
    "synapse_summed": ("synapse.c", [
        ("n_pre", "u32"), ("n_post", "u32"), ("batch", "u32"), ("n_synapses", "u32"), *CLOCK, ("q", "u32"),
        ("lo", "u32"), ("count", "u32"), ("weight_per_instance", "u32"), ("col_ptr", "ptr"), ("col_syn", "ptr"),
        ("pre_index", "ptr"), ("weight", "ptr"), ("state", "ptr"), ("params", "ptr"), ("pre_held", "ptr"),
        ("post_held", "ptr"), ("pre_reads", "ptr"), ("post_reads", "ptr"), ("target_offset", "u32"),
        ("target", "ptr")]),
    "synapse_every_step": ("synapse.c", [
        ("n_pre", "u32"), ("n_post", "u32"), ("batch", "u32"), ("n_synapses", "u32"), *CLOCK,
        ("weight_per_instance", "u32"), ("pre_index", "ptr"), ("post_index", "ptr"), ("weight", "ptr"),
        ("state", "ptr"), ("params", "ptr"), ("pre_held", "ptr"), ("post_held", "ptr"), ("pre_reads", "ptr"),
        ("post_reads", "ptr")]),
    "record_spike_values": ("record.c", [
        *CLOCK, ("n_values", "u32"), ("capacity", "u32"), ("spike_list", "ptr"), ("spike_count", "ptr"),
        ("state", "ptr"), ("offsets", "ptr"), ("out_step", "ptr"), ("out_id", "ptr"), ("out_values", "ptr"),
        ("out_count", "ptr")]),
    "clock_tick": ("clock.c", [("steps", "u32"), ("step_clock", "ptr")]),
    # multi-step (P)LIF layers for gradient training (snnkit.training.plif)
    "plif_forward": ("plif.c", [
        ("n", "u32"), ("steps", "u32"), ("channels", "u32"), ("inner", "u32"), ("hard", "u32"), ("chunk", "u32"),
        ("v_threshold", "real"), ("v_reset", "real"), ("x", "ptr"), ("k", "ptr"), ("v_init", "ptr"),
        ("h_seq", "ptr"), ("s_seq", "ptr"), ("v_seq", "ptr")]),
    "plif_backward": ("plif.c", [
        ("n", "u32"), ("steps", "u32"), ("channels", "u32"), ("inner", "u32"), ("hard", "u32"), ("chunk", "u32"),
        ("detach_reset", "u32"), ("surrogate", "u32"), ("alpha", "real"), ("v_threshold", "real"),
        ("v_reset", "real"), ("x", "ptr"), ("k", "ptr"), ("v_init", "ptr"), ("h_seq", "ptr"), ("v_seq", "ptr"),
        ("grad_s", "ptr"), ("grad_v", "ptr"), ("grad_x", "ptr"), ("grad_k_part", "ptr"), ("grad_v_init", "ptr")]),
    # the nengo frontend (frontends/snnkit_nengo): a program of stages over one heap (kernels/nengo.h)
    "nengo_steps": ("nengo_steps.c", [
        ("first_stage", "u32"), ("n_stages", "u32"), ("k0", "u32"), ("n_steps", "u32"), ("dt", "real"),
        ("stages", "ptr"), *NENGO_TAIL]),
    "nengo_stage": ("nengo_steps.c", [("stage", "u32"), ("k", "u32"), ("dt", "real"), ("stages", "ptr"),
                                      *NENGO_TAIL]),
    "nengo_gather": ("nengo_io.c", [("n", "u32"), ("index", "ptr"), ("heap", "ptr"), ("out", "ptr")]),
    "nengo_scatter": ("nengo_io.c", [("n", "u32"), ("index", "ptr"), ("values", "ptr"), ("heap", "ptr")]),
    # a static table built on the device (kernels/connect.c; backends/device_connect.py)
    "connect_split": ("connect.c", [
        ("n_draws", "u32"), ("per_item", "u32"), ("n_rows", "u32"), ("st", "u32"), ("key_lo", "u32"),
        ("key_hi", "u32"), ("counts", "ptr")]),
    "connect_choose": ("connect.c", [
        ("n_units", "u32"), ("n", "u32"), ("pool", "u32"), ("exclude", "u32"), ("count_rows", "u32"), ("st", "u32"),
        ("key_lo", "u32"), ("key_hi", "u32"), ("starts", "ptr"), ("out", "ptr"), ("excluded", "ptr"),
        ("counts", "ptr")]),
    "connect_fill": ("connect.c", [
        ("rule", "u32"), ("write", "u32"), ("n_units", "u32"), ("n_cand", "u32"), ("log_q", "f64"), ("exclude", "u32"), ("st", "u32"),
        ("key_lo", "u32"), ("key_hi", "u32"), ("starts", "ptr"), ("counts", "ptr"), ("out", "ptr")]),
    "connect_scatter": ("connect.c", [
        ("n_units", "u32"), ("n", "u32"), ("chosen", "ptr"), ("starts", "ptr"), ("cursor", "ptr"), ("out", "ptr")]),
    "connect_sort": ("connect.c", [("n_units", "u32"), ("starts", "ptr"), ("counts", "ptr"), ("out", "ptr")]),
    "connect_values": ("connect.c", [
        ("n_values", "u32"), ("n_units", "u32"), ("weight_kind", "u32"),
        ("weight_a", "f64"), ("weight_b", "f64"), ("weight_low", "f64"), ("weight_high", "f64"),
        ("delay_kind", "u32"), ("delay_a", "f64"), ("delay_b", "f64"), ("delay_low", "f64"), ("delay_high", "f64"),
        ("dt", "f64"), ("write_delay", "u32"), ("value_stream", "u32"), ("key_lo", "u32"),
        ("key_hi", "u32"), ("starts", "ptr"), ("first", "ptr"), ("post_index", "ptr"), ("weight", "ptr"),
        ("delay", "ptr"), ("max_delay", "ptr")]),
    "procedural_rows": ("procedural.c", [
        ("mode", "u32"), ("rule", "u32"), ("n_pre", "u32"), ("pre_offset", "u32"), ("n_units", "u32"), ("n_post", "u32"),
        ("post_offset", "u32"), ("n_cand", "u32"), ("log_q", "f64"), ("exclude", "u32"), ("row_stream", "u32"),
        ("weight_kind", "u32"), ("weight_a", "f64"), ("weight_b", "f64"), ("weight_low", "f64"),
        ("weight_high", "f64"), ("delay_kind", "u32"), ("delay_a", "f64"), ("delay_b", "f64"), ("delay_low", "f64"),
        ("delay_high", "f64"), ("dt", "f64"), ("uniform_delay", "u32"), ("value_stream", "u32"),
        ("key_lo", "u32"), ("key_hi", "u32"), ("receptor", "u32"), ("n_receptors", "u32"),
        ("batch", "u32"), ("depth", "u32"), *CLOCK, ("spike_list", "ptr"), ("spike_count", "ptr"),
        ("counts", "ptr"), ("max_delay", "ptr"), ("ring", "ptr")]),
    "connect_offset": ("connect.c", [
        ("n_values", "u32"), ("n_units", "u32"), ("offset", "u32"), ("starts", "ptr"), ("first", "ptr"),
        ("post_index", "ptr")]),
}

# op files that need headers beyond the common ones
EXTRA_HEADERS = {"nengo_steps.c": ["nengo.h"], "neuron.c": ["neuron.h"], "connect.c": ["connect.h"],
                 "procedural.c": ["connect.h"]}

# rows of the packed LIF parameter array (params[P_x * param_plane + p])
LIF_PARAMS = ["v_rest", "v_reset", "v_thresh", "i_offset", "decay_m", "dt_over_tau_m", "dt_over_cm",
              "r_m", "d_theta", "decay_theta", "noise_std", "decay_syn_E", "decay_syn_I",
              "e_rev_E", "e_rev_I", "g_leak"]


@lru_cache(maxsize=None)
def kernel_dir() -> Path:
    """kernels/ of the source tree, or the installed package data snnkit.kernel_sources."""
    here = Path(__file__).resolve().parent
    for candidate in (here.parent / "kernels", here / "kernel_sources"):
        if (candidate / "philox.h").is_file():
            return candidate
    from importlib.resources import files
    return Path(str(files("snnkit.kernel_sources")))


def _read(name: str) -> str:
    return f'#line 1 "kernels/{name}"\n' + (kernel_dir() / name).read_text()


def definitions(real: str, switches=()) -> str:
    lines = [f"typedef {real} real;", f"#define GROUP_SIZE {GROUP_SIZE}u"]
    lines += [f"#define P_{name.upper()} {i}" for i, name in enumerate(LIF_PARAMS)]
    lines += [f"#define RNG_POISSON {POISSON}u", f"#define RNG_NOISE {NOISE}u", f"#define RNG_UNIFORM {UNIFORM}u"]
    lines += switch_defines(switches)
    return "\n".join(lines) + "\n"


def switch_defines(switches) -> list[str]:
    """A #define line per compile-time switch ("NAME" or "NAME=value"), sorted."""
    return [f"#define {name} {value or 1}" for name, _, value in
            (switch.partition("=") for switch in sorted(switches))]


def assemble(file: str, dialect: str, real: str = "float", switches=(), generated: str = "") -> str:
    """The full source of one op file for ``dialect`` ("opencl" or "cuda"); ``generated``:
    a model's generated code, placed right before the op file."""
    text = "\n".join([common_headers(dialect, real, switches),
                      *(_read(h) for h in EXTRA_HEADERS.get(file, ())),
                      *([_generated_marker(generated) + generated] if generated else []), _read(file)])
    dump_source(text, Path(file).stem, dialect)
    return text


def common_headers(dialect: str, real: str = "float", switches=(), program: bool = False) -> str:
    """What every kernel source starts with: the prelude, the definitions and the common
    headers; ``program``: for a step program (kernels/program.h)."""
    if dialect not in ("opencl", "cuda"):
        raise ValueError(f"dialect = {dialect!r} is not allowed: must be 'opencl' or 'cuda'")
    # the prelude comes first (pragmas, u32/u64); it reads REAL_IS_DOUBLE to pick its atomics
    flag = "#define REAL_IS_DOUBLE 1\n" if real == "double" else ""
    return "\n".join([flag + _read(f"prelude_{dialect}.h"), '#line 1 "snnkit/kernels.py (definitions)"',
                      definitions(real, tuple(switches) + (("STEP_PROGRAM",) if program else ())),
                      _read("program.h"), _read("clock.h"), _read("select.h"), _read("exp_f32.h"), _read("log_f64.h"),
                      _read("philox.h"), _read("spikes.h"), _read("layout.h"), _read("propagate.h")])


def op_source(file: str) -> str:
    """One op file's text, with #line markers (a step program includes it per variant)."""
    return _read(file)


def dump_source(text: str, stem: str, dialect: str) -> None:
    """SNNKIT_DUMP_KERNELS=dir: write the assembled source to dir."""
    dump = os.environ.get("SNNKIT_DUMP_KERNELS")
    if dump:
        digest = hashlib.sha1(text.encode()).hexdigest()[:10]
        Path(dump).mkdir(parents=True, exist_ok=True)
        (Path(dump) / f"{stem}.{dialect}.{digest}.{'cl' if dialect == 'opencl' else 'cu'}").write_text(text)


def _generated_marker(generated: str) -> str:
    first = generated.split("\n", 1)[0]
    model = first.split("model ", 1)[1].split(":", 1)[0] if first.startswith("/* model ") else "model"
    return f'#line 1 "generated from the equations of {model}"\n'


def literal(value: float, real: str) -> str:
    """``value`` as an exact C literal of type ``real`` (a hexadecimal float, so that the
    compiled constant has the same bits as the parameter array would)."""
    if real == "float":
        return f"({float(np.float32(value)).hex()}f)"
    return f"({float(value).hex()})"


def shared_switches(named: dict, refrac_steps: int, real: str) -> tuple:
    """PARAMS_SHARED and the values of a group whose neurons and instances all have the
    same parameters, compiled in as constants SHARED_<name> (lif.c: PARAM, neuron.h:
    MODEL_PARAM). Constants instead of loads let a CPU compiler (PoCL) vectorise the
    update: a load from a parameter array is loop-invariant, but the work-item loop may
    store to it, as far as LLVM can tell. Empty when a value is not finite (a literal
    would not be portable)."""
    values = {name: float(x) for name, x in named.items()}
    if not all(np.isfinite(list(values.values()))):
        return ()
    switches = ["PARAMS_SHARED", f"SHARED_REFRAC_STEPS={int(refrac_steps)}"]
    switches += [f"SHARED_{name}={literal(x, real)}" for name, x in values.items()]
    return tuple(switches)


def shared_parameter_switches(values, refrac_steps: int, real: str) -> tuple:
    """shared_switches of a LIF group (values in LIF_PARAMS order)."""
    return shared_switches({f"P_{name.upper()}": x for name, x in zip(LIF_PARAMS, values)}, refrac_steps, real)


def lif_switches(group: dict) -> tuple:
    """Compile-time switches of the LIF kernel for one lowered group."""
    switches = ["SYN_" + group["synapse"].upper()]
    if group["method"] == "euler":
        switches.append("METHOD_EULER")
    if group.get("exp") == "float32":
        switches.append("EXP_F32")
    for flag in ("leaky", "adaptive", "noisy", "biased", "injected"):
        if group[flag]:
            switches.append(flag.upper())
    return tuple(switches)
