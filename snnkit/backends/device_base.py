"""What every device backend shares: upload policy, the step ops as bound
kernels, spike sets and record buffers. A concrete backend (OpenCL, CuPy)
supplies arrays (``zeros``, ``to_device``, ``to_host``), compilation and
launching (``bind``), and how a kernel takes an array (``kernel_arg``).

Spikes stay on the device: each group has a compacted spike list and a
double-buffered count (the producer of step k zeroes the count of step k+1),
so nothing is read back inside the step loop; the producer also appends to the
group's spike record (kernels/spikes.h) and propagates each spike through the
group's first outgoing table itself (kernels/propagate.h), so CUBA's step is
one launch. Further outgoing tables use the propagate kernel. Each op binds its kernel on first use
(every argument set once) and keeps it in the group / table dict; a step sets
only its scalars and launches.
"""

from __future__ import annotations

from abc import abstractmethod

import numpy as np

from .. import kernels
from .base import Backend
from .device_synapses import DeviceSynapseOps
from .device_equations import DeviceEquationOps, pack_planes
from .device_connect import generate_table
from .device_procedural import DeviceProceduralOps
from .device_packing import folded_post_index, lean_column, pack_lif
from .device_learning import DeviceLearningOps
from .device_records import DeviceRecordOps
from .device_stdp import DeviceSTDPOps

INDEX_KEYS = {"row_ptr", "post_index", "receptor", "delay", "col_ptr", "col_syn", "pre_index", "event_neuron",
              "rng_neuron", "rng_stream", "key_lo", "key_hi", "instance"}
HOST_ONLY = {"projection", "pre_global", "event_step", "rate_hz", "cm", "window_start", "window_stop",
             "base_probability"}
# per-neuron LIF state, uploaded in padded planes (padded_lif_state)
LIF_STATE = {"v", "refrac", "theta", "syn", "ring", "i_inject"}
# work-groups of the propagate and spike_times kernels: each takes spikes g, g + groups, ...
# and shares a spike's row among its work-items (kernels/propagate.h); 1024 groups of 256
# fill any current GPU, and a spike needs no more than one group
MAX_SPIKE_GROUPS = 1024
# LIF parameters reach the device only packed into one array (pack_lif)
PACKED = set(kernels.LIF_PARAMS) | {"decay_syn", "e_rev", "refrac_steps"}


def receptor_planes(group: dict) -> int:
    """The receptor planes of a group's delay ring (LIF: 2; an equation model: its receptors)."""
    return int(group.get("n_receptors", 2))


class KernelArguments:
    """The arguments of one kernel by manifest name: checked once, scalars converted
    to the kernel's types (u32, real); ``values`` in signature order."""

    def __init__(self, name: str, args: dict, real_type):
        params = kernels.MANIFEST[name][1]
        names = [p for p, _ in params]
        if set(args) != set(names):
            raise TypeError(f"kernel {name}: missing arguments {sorted(set(names) - set(args))}, "
                            f"unknown {sorted(set(args) - set(names))}")
        self.index = {p: i for i, p in enumerate(names)}
        self.kind = dict(params)
        self.real_type = real_type
        self.values = [self.convert(p, args[p]) for p in names]

    def convert(self, param: str, value):
        kind = self.kind[param]
        if kind == "u32":
            return np.uint32(value)
        if kind == "real":
            return self.real_type(value)
        if kind == "f64":
            return np.float64(value)
        return value

    def update(self, scalars: dict) -> list:
        """Set new scalar values; return (index, value) of each."""
        changed = []
        for param, value in scalars.items():
            i = self.index[param]
            self.values[i] = self.convert(param, value)
            changed.append((i, self.values[i]))
        return changed


class DeviceSpikes:
    """Compacted spike list (capacity B*N), spike_count[2], and the record its
    producer appends to (None: not recorded)."""

    __slots__ = ("list", "count", "capacity", "record")

    def __init__(self, backend, capacity: int):
        self.capacity = capacity
        self.list = backend.zeros(max(1, capacity), np.uint32)
        self.count = backend.zeros(2, np.uint32)
        self.record = None


class DeviceBackend(DeviceEquationOps, DeviceSynapseOps, DeviceSTDPOps, DeviceRecordOps, DeviceLearningOps,
                    DeviceProceduralOps,
                    Backend):
    """The step ops of a device backend, in terms of bound kernels."""

    # kernels/propagate.h: whether one work-item walks a spike's whole row (CPU devices)
    # instead of the work-items of a group sharing it (GPUs)
    serial_rows = False
    # whether a spike producer walks its first outgoing table itself (one launch less)
    fuse_propagation = True
    builds_connectivity = True           # static random tables built by kernels/connect.c
    # whether kernels read the step from the device's step clock (kernels/clock.h), which
    # lets a captured sequence of steps run at any step (snnkit/step_sequences.py)
    device_clock = False

    def __init__(self, dtype="float32"):
        super().__init__(dtype)
        self.real = "double" if self.dtype == np.float64 else "float"
        self._clock = None
        # the value the device's step clock holds (kernels/clock.h), as the host knows it
        self.clock_value = 0

    @property
    def step_clock(self):
        """The device's step clock: one u32 that every stepped kernel adds to its step_offset."""
        if self._clock is None:
            self._clock = self.zeros(1, np.uint32)
        return self._clock

    def clock_args(self) -> dict:
        """A stepped kernel's step_offset (set again at each launch) and step_clock, to bind it with."""
        return dict(step_offset=0, step_clock=self.kernel_arg(self.step_clock))

    def step_offset(self, step: int) -> int:
        """What a kernel launched for step ``step`` adds to the clock (mod 2^32, as the kernel
        does); without a device clock, the step itself."""
        return (int(step) - (self.clock_value if self.device_clock else 0)) & 0xFFFFFFFF

    def set_clock(self, step: int) -> None:
        """Make the device's step clock hold ``step`` (before a captured sequence replays from it)."""
        self.step_clock.fill(np.uint32(int(step) & 0xFFFFFFFF))
        self.clock_value = int(step) & 0xFFFFFFFF

    def all_switches(self, switches=()) -> tuple:
        """A kernel's own compile-time switches and the backend's."""
        return (tuple(switches) + (("SERIAL_ROWS",) if self.serial_rows else ())
                + (("DEVICE_CLOCK",) if self.device_clock else ()))

    def spike_threads(self, max_spikes: int) -> int:
        """Work-items for a kernel that deals out up to ``max_spikes`` spikes (SPIKE_SLOT in
        kernels/propagate.h): one each, or on GPUs a group each, up to MAX_SPIKE_GROUPS."""
        if self.serial_rows:
            return max(1, int(max_spikes))
        return max(1, min(int(max_spikes), MAX_SPIKE_GROUPS)) * kernels.GROUP_SIZE

    # -- captured step sequences (kernels/clock.h, snnkit/step_sequences.py) ---------
    def capture_steps(self, issue_steps, first: int, n_steps: int):
        """The launches of ``issue_steps()`` for steps first .. first + n_steps - 1, then
        clock_tick(n_steps), captured without running (``_capture``). Each launch of step
        k gets offset k - first, so the sequence runs whichever n_steps steps the clock
        says: ``replay(sequence, step)``. None without a device clock."""
        if not self.device_clock:
            return None
        tick = self.bind("clock_tick", 1, steps=n_steps, step_clock=self.kernel_arg(self.step_clock))
        held = self.clock_value
        self.clock_value = int(first) & 0xFFFFFFFF
        try:
            sequence = self._capture(lambda: (issue_steps(), tick()))
        finally:
            self.clock_value = held
        if sequence is not None:
            sequence.n_steps = n_steps
        return sequence

    def replay(self, sequence, first: int) -> None:
        """Run a captured sequence for steps first .. first + n_steps - 1."""
        if self.clock_value != int(first) & 0xFFFFFFFF:
            self.set_clock(first)
        sequence.launch()
        self.clock_value = (self.clock_value + sequence.n_steps) & 0xFFFFFFFF

    def _capture(self, issue):
        """A replayable record of the launches ``issue()`` makes, none of them run; an
        object with ``launch()``. None: this backend cannot capture."""
        return None

    # -- what a concrete device backend supplies ---------------------------------
    @abstractmethod
    def to_device(self, host: np.ndarray): ...

    @abstractmethod
    def bind(self, name: str, threads: int, switches=(), generated: str = "", **args):
        """Kernel ``name`` with every argument (by manifest name) set once, compiled with
        ``switches`` and a model's ``generated`` code (kernels.assemble); the result is
        called as ``launch(threads=None, **scalars)``."""

    # -- memory ------------------------------------------------------------------
    def upload(self, host: dict) -> dict:
        if host.get("kind") == "equation":
            return self.upload_equation(host)
        if host.get("kind") == "synapse_model":
            return self.upload_synapse_model(host)
        if host.get("procedural"):                      # drawn again each step (device_procedural.py)
            return self.upload_procedural(host)
        if "generated" in host:                         # built here (backends/device_connect.py)
            out = {k: v for k, v in host.items() if k not in ("generated", "structure_key")}
            out.update(generate_table(self, host))
            out.update(n_synapses=host["n_synapses"], max_delay=host["max_delay"])
            return out
        skip = HOST_ONLY | (PACKED | LIF_STATE if host.get("kind") == "lif" else set())
        out = {}
        for key, value in host.items():
            if not isinstance(value, np.ndarray) or key in skip:
                out[key] = value
                continue
            if key == "delay" and host.get("kind") is None:
                value = lean_column(host, key)
            elif key == "receptor" and host.get("kind") is None:
                value = np.zeros(1, np.uint8)                 # folded into post_index
            elif key == "post_index" and host.get("kind") is None and not host.get("plastic"):
                value = folded_post_index(host)
            elif key in INDEX_KEYS:
                value = value.astype(np.uint32)
            elif value.dtype.kind == "f":
                value = value.astype(self.dtype, copy=False)
            out[key] = self.to_device(np.ascontiguousarray(value))
        if host.get("kind") == "lif":
            packed = pack_lif(host, self.dtype)
            shared = ()
            if packed["param_unit"] == 0 and packed["param_stride"] == 0:
                shared = kernels.shared_parameter_switches(packed["params"].ravel(),
                                                           packed["refrac_steps"].flat[0], self.real)
            out.update(packed, params=self.to_device(packed["params"]),
                       refrac_steps=self.to_device(packed["refrac_steps"]),
                       switches=kernels.lif_switches(host) + shared)
            out.update(self.padded_lif_state(host))
        elif host.get("kind") == "poisson":          # (batch, n) like the sources' state (kernels/poisson.c)
            shape = (host.get("batch", len(host["spike_probability"])), host["size"])
            out["spike_probability"] = self.to_device(
                np.ascontiguousarray(np.broadcast_to(host["spike_probability"], shape), self.dtype))
        return out

    def padded_lif_state(self, host: dict) -> dict:
        """A LIF group's state in planes of plane_stride(B*N) values (kernels/layout.h):
        v, refrac, theta (plane,), syn (2, plane), ring (depth, 2, plane); and ``views``,
        the (B, N) arrays of each state variable within them."""
        batch, n = host["batch"], host["size"]
        n_all = batch * n
        plane = kernels.plane_stride(max(1, n_all))
        out = {}
        leading = {"v": (), "theta": (), "refrac": (), "syn": (2,), "ring": host["ring"].shape[:2],
                   "i_inject": ()}
        for key, lead in leading.items():
            padded = np.zeros(lead + (plane,), np.int32 if key == "refrac" else self.dtype)
            padded[..., :n_all] = host[key].reshape(lead + (n_all,))
            out[key] = self.to_device(padded)
        out["views"] = {key: array[:n_all].reshape(batch, n) for key, array in
                        (("v", out["v"]), ("theta", out["theta"]), ("refrac", out["refrac"]),
                         ("i_inject", out["i_inject"]),
                         ("syn_E", out["syn"][0]), ("syn_I", out["syn"][1]))}
        return out

    def set_parameters(self, g: dict, host: dict) -> bool:
        """New parameter values (snnkit.parameters) written over the group's device arrays;
        True when a kernel must be bound again (the layout or the compiled variant changed:
        the first change leaves compiled-in constants for loaded parameters in the full
        (batch, N) layout, which every later change fits)."""
        kind, batch, n = host["kind"], host["batch"], host["size"]
        if kind == "poisson":
            self.assign(g["spike_probability"],
                        np.ascontiguousarray(np.broadcast_to(host["spike_probability"], (batch, n)), self.dtype))
            return False
        if kind == "spike_times":
            g["event_neuron"] = self.to_device(np.ascontiguousarray(host["event_neuron"], np.uint32))
            g.pop("_times", None)
            return True
        if kind == "lif":
            packed, switches, bound = pack_lif(host, self.dtype, full=True), kernels.lif_switches(host), "_lif"
        else:
            planes = [np.asarray(host["arrays"][k], np.float64) for k in g["parameter_rows"]]
            packed = pack_planes(planes, np.asarray(host["refrac_steps"]), batch, n, self.dtype, full=True)
            packed.pop("uniform")
            switches, bound = (), "_neuron"
        if (tuple(g["params"].shape) == packed["params"].shape and tuple(g["switches"]) == switches
                and g["param_plane"] == packed["param_plane"]):
            self.assign(g["params"], packed["params"])
            self.assign(g["refrac_steps"], packed["refrac_steps"])
            return False
        g.update(packed, params=self.to_device(packed["params"]),
                 refrac_steps=self.to_device(packed["refrac_steps"]), switches=switches)
        g.pop(bound, None)
        return True

    def new_spikes(self, batch: int, size: int) -> DeviceSpikes:
        return DeviceSpikes(self, batch * size)

    def read_prefix(self, array, n: int) -> np.ndarray:
        """array[:n] on the host."""
        return self.to_host(array[:n]) if n else np.zeros(0, array.dtype)

    def write_prefix(self, array, values: np.ndarray, start: int = 0) -> None:
        """array[start:start + len(values)] = values."""
        if len(values):
            self.assign(array[start:start + len(values)], values)

    def spike_flat(self, spikes: DeviceSpikes, step: int) -> np.ndarray:
        """The compacted list below spike_count[step & 1], sorted (producers append in any order)."""
        n = int(self.read_prefix(spikes.count, 2)[step & 1])
        return np.sort(self.read_prefix(spikes.list, n).astype(np.int64))

    def load_spikes(self, spikes: DeviceSpikes, flat: np.ndarray, size: int, step: int) -> None:
        self.write_prefix(spikes.list, flat.astype(np.uint32))
        self.write_prefix(spikes.count, np.array([flat.size], np.uint32), step & 1)

    def prepare(self, groups: dict, synapses: list, fuse: bool = True) -> None:
        """Give each spike-producing group its first outgoing table to propagate inline."""
        for s in synapses if fuse else ():
            pre = groups[s["pre"]]
            if s.get("kind") == "synapse_model" or s.get("procedural"):   # their own kernels
                continue
            if self.fuse_propagation and "_out" not in pre and s["n_synapses"]:
                pre["_out"] = (s, groups[s["post"]])
                s["_fused"] = True

    def producer_args(self, g: dict, spikes: DeviceSpikes) -> dict:
        """The arguments every spike producer ends with: spike list and count, its
        record (kernels/spikes.h), and its fused outgoing table (kernels/propagate.h)."""
        a, rec = self.kernel_arg, spikes.record
        if not hasattr(self, "_dummy"):                  # stand-ins for absent buffers
            self._dummy, self._dummy_real = self.zeros(1, np.uint32), self.zeros(1, self.dtype)
        u, r = self._dummy, self._dummy_real
        args = dict(spike_list=a(spikes.list), spike_count=a(spikes.count), record=int(rec is not None),
                    rec_step=a(rec.step if rec else u), rec_id=a(rec.id if rec else u),
                    rec_count=a(rec.count if rec else u))
        s, target = g.get("_out", (None, None))
        if s is None:
            return dict(args, out_fused=0, out_n_post=0, out_n_receptors=2, out_depth=1, out_uniform_receptor=0,
                        out_uniform_delay=1, out_n_synapses=0, out_plastic=0, out_row_ptr=a(u),
                        out_post_index=a(u), out_receptor=a(u), out_delay=a(u), out_weight=a(r),
                        out_ring=a(r))
        return dict(args, out_fused=1, out_n_post=s["n_post"], out_n_receptors=receptor_planes(target),
                    out_depth=target["ring_depth"],
                    out_uniform_receptor=s["uniform_receptor"], out_uniform_delay=s["uniform_delay"],
                    out_n_synapses=s["n_synapses"], out_plastic=int(s["plastic"]),
                    out_row_ptr=a(s["row_ptr"]), out_post_index=a(s["post_index"]),
                    out_receptor=a(s["receptor"]), out_delay=a(s["delay"]), out_weight=a(s["weight"]),
                    out_ring=a(target["ring"]))

    # -- the step -----------------------------------------------------------------
    def deliver(self, g: dict, step: int) -> None:
        """Fused into lif_step (kernels/lif.c reads and clears its ring slot)."""

    def lif_step(self, g: dict, spikes: DeviceSpikes, step: int) -> None:
        if g["batch"] * g["size"] == 0:
            return
        if "_lif" not in g:
            a = self.kernel_arg
            g["_lif"] = self.bind(
                "lif_step", g["batch"] * g["size"], g["switches"], n=g["size"], batch=g["batch"],
                depth=g["ring_depth"], param_plane=g["param_plane"], param_stride=g["param_stride"],
                param_unit=g["param_unit"],
                ring=a(g["ring"]), v_state=a(g["v"]), syn=a(g["syn"]), refrac=a(g["refrac"]),
                theta=a(g["theta"]), params=a(g["params"]), refrac_steps=a(g["refrac_steps"]),
                i_inject=a(g["i_inject"]), rng_neuron=a(g["rng_neuron"]), rng_stream=a(g["rng_stream"]), key_lo=a(g["key_lo"]),
                key_hi=a(g["key_hi"]), instance=a(g["instance"]), **self.clock_args(),
                **self.producer_args(g, spikes))
        g["_lif"](step_offset=self.step_offset(step))

    def poisson_step(self, g: dict, spikes: DeviceSpikes, step: int) -> None:
        if g["batch"] * g["size"] == 0:
            return
        if "_poisson" not in g:
            a = self.kernel_arg
            g["_poisson"] = self.bind(
                "poisson_step", g["batch"] * g["size"], n=g["size"], batch=g["batch"],
                **self.clock_args(), spike_probability=a(g["spike_probability"]),
                next_spike=a(g["next_spike"]), drawn_probability=a(g["drawn_probability"]),
                rng_neuron=a(g["rng_neuron"]), rng_stream=a(g["rng_stream"]), key_lo=a(g["key_lo"]),
                key_hi=a(g["key_hi"]), instance=a(g["instance"]), **self.producer_args(g, spikes))
        g["_poisson"](step_offset=self.step_offset(step))

    def spike_times_step(self, g: dict, first: int, last: int, spikes: DeviceSpikes, step: int) -> None:
        if "_times" not in g:
            g["_times"] = self.bind(
                "spike_times_step", 1, n=g["size"], batch=g["batch"], **self.clock_args(), first=0,
                n_events=0, event_neuron=self.kernel_arg(g["event_neuron"]), **self.producer_args(g, spikes))
        n_events = int(last - first)
        g["_times"](threads=self.spike_threads(n_events * g["batch"]), step_offset=self.step_offset(step),
                    first=int(first), n_events=n_events)

    def propagate(self, s: dict, spikes: DeviceSpikes, target: dict, step: int) -> None:
        if s["n_synapses"] == 0 or s.get("_fused"):      # nothing to do, or done by the producer
            return
        if s.get("procedural"):
            return self.propagate_procedural(s, spikes, target, step)
        if "_propagate" not in s:
            a = self.kernel_arg
            s["_propagate"] = self.bind(
                "propagate", self.spike_threads(spikes.capacity), n_pre=s["n_pre"], n_post=s["n_post"],
                n_receptors=receptor_planes(target),
                batch=target["batch"], **self.clock_args(), depth=target["ring_depth"],
                uniform_receptor=s["uniform_receptor"], uniform_delay=s["uniform_delay"],
                n_synapses=s["n_synapses"], plastic=int(s["plastic"]),
                spike_list=a(spikes.list), spike_count=a(spikes.count), row_ptr=a(s["row_ptr"]),
                post_index=a(s["post_index"]), receptor=a(s["receptor"]), delay=a(s["delay"]),
                weight=a(s["weight"]), ring=a(target["ring"]))
        s["_propagate"](step_offset=self.step_offset(step))
