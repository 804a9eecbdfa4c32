"""How much memory a network will need, known before anything is built.

Two figures, because they are limited by different memories:

* the host peak of the build: the NumPy arrays of the lowered network (float64,
  int64) plus the synapse tables built on the host: a static table from explicit
  wiring is built lean (lower_static_table: its columns and chunks), a plastic or
  synapse-model table with the full sort and its temporaries, and a static table a
  device backend builds itself costs the host a few counts per presynaptic neuron
  (backends/device_connect.py). This is checked against the host's available memory
  on every backend;
* the device arrays: what the backend holds while it runs (float32/float64 state,
  32-bit indices). On the NumPy backend they are host arrays made after the peak;
  on OpenCL and CUDA they are checked against the device's memory.

The per-neuron and per-synapse figures were measured with tracemalloc on this
code (tests/test_memory_estimate.py keeps them within 25 % of the measured peak).
"""

from __future__ import annotations

import numpy as np

from .connectivity import FromList
from .distributions import Distribution, Uniform
from .neurons import NeuronModel
from .validation import NetworkTooLargeError

# host peak of the build
HOST_PER_NEURON = 200            # parameters and derived constants (float64), rng words
HOST_PER_NEURON_INSTANCE = 120   # state, refractory counters, ring (2 slots), spike flags
HOST_PER_SOURCE = 48
HOST_PER_SYNAPSE = 132           # plastic and synapse-model tables: wiring, sort order, CSR table, receptor, projection
HOST_PER_TABLE_SYNAPSE = 12      # a static table built lean from wiring: its columns (10-11 B; 15 with mixed receptors on a device)
HOST_TABLE_WORKSPACE = 17 << 20  # and the temporaries of placing its chunks (lower_static_table, 2^18 synapses each)
HOST_PER_WIRED_SYNAPSE = 32      # wiring a connector makes (pre, post int64; drawn values) where not FromList's own
HOST_PER_PLASTIC_INSTANCE = 12   # per plastic synapse and instance: float64 host copy + device-dtype copy
HOST_PER_RING_SLOT = 2 * 8       # per neuron-instance and ring slot beyond 2 (two receptors, float64)
HOST_PER_GENERATED_ROW = 40      # per pre neuron of a table built on the device: counts, starts, row_ptr
HOST_PER_DRAWN_SYNAPSE = 40      # NumPy's lean table drawn on the host (generation/table.py): table + member parts
HOST_DRAWING_WORKSPACE = 6 << 20  # and the temporaries of drawing it (chunks of rows, blocks of the series)
# device arrays
DEVICE_PER_SYNAPSE = 6           # post index (u32, receptor folded in), delay (u16); + the weight's itemsize
DEVICE_PER_PLASTIC_SYNAPSE = 8   # pre index and the transpose (u32 each); + a weight per instance
DEVICE_PER_NEURON_INSTANCE = 64  # state planes, parameters, spike list, ring (2 slots)


def _max_delay_steps(net, dt: float) -> dict:
    """Largest delay (steps) onto each neuron population, from what is known before wiring."""
    depth = {}
    for proj in net.projections:
        delay = proj.delay
        if delay is None:
            steps = 1
        elif isinstance(delay, Uniform):
            steps = round(delay.high / dt)
        elif isinstance(delay, Distribution):
            steps = 1
        else:
            steps = round(float(np.max(delay)) / dt) if np.size(delay) else 1
        depth[proj.post.name] = max(depth.get(proj.post.name, 1), int(steps))
    return depth


def generated_projections(net, dt: float) -> set:
    """Indices of the projections whose tables a device backend builds itself (the rule
    of builder.lower: every projection of a static table has a device recipe)."""
    from .builder import table_members
    from .generation.recipe import device_recipe
    tables = table_members(net)
    return {k for ks in tables.values() if all(device_recipe(net.projections[k], k, dt) for k in ks) for k in ks}


def estimate(net, batch: int, dt: float = 0.1, itemsize: int = 4, on_device: bool = False,
             host_tables: bool = False) -> dict:
    """{"host_peak": bytes, "device": bytes} of a network before any array is made;
    ``on_device``: the backend builds the static tables it can (Simulator connectivity);
    ``host_tables``: and holds them in host memory (NumPy)."""
    host = device = 0.0
    generated = generated_projections(net, dt) if on_device else set()
    if generated and host_tables:
        host += HOST_DRAWING_WORKSPACE
    if any(k not in generated and p.plasticity is None and p.synapse is None for k, p in enumerate(net.projections)):
        host += HOST_TABLE_WORKSPACE
    depth = _max_delay_steps(net, dt)
    for pop in net.populations:
        if isinstance(pop.model, NeuronModel) or getattr(pop.model, "is_equation_model", False):
            slots = max(2, depth.get(pop.name, 1) + 1)
            host += pop.size * (HOST_PER_NEURON + batch * (HOST_PER_NEURON_INSTANCE
                                                          + (slots - 2) * HOST_PER_RING_SLOT))
            device += pop.size * batch * (DEVICE_PER_NEURON_INSTANCE + slots * 2 * itemsize)
        else:
            host += pop.size * (HOST_PER_SOURCE + 16 * batch)
            device += pop.size * batch * 16
    for k, proj in enumerate(net.projections):
        n = proj.connector.expected_count(proj.pre.size, proj.post.size)
        plastic = proj.plasticity is not None
        if k in generated:
            host += proj.pre.size * HOST_PER_GENERATED_ROW + (n * HOST_PER_DRAWN_SYNAPSE if host_tables else 0)
        elif not plastic and proj.synapse is None:
            host += n * (HOST_PER_TABLE_SYNAPSE + (0 if isinstance(proj.connector, FromList) else HOST_PER_WIRED_SYNAPSE))
        else:
            host += n * (HOST_PER_SYNAPSE + (HOST_PER_PLASTIC_INSTANCE * batch + 16 if plastic else 0))
        device += n * (DEVICE_PER_SYNAPSE + itemsize
                       + (DEVICE_PER_PLASTIC_SYNAPSE + itemsize * (batch - 1) if plastic else 0))
    return {"host_peak": int(host), "device": int(device)}


def host_memory_available() -> int:
    """Bytes the host can still give (MemAvailable), or a huge number where unknown."""
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 2**62


def check_memory(net, batch: int, backend, dt: float = 0.1, on_device: bool = False) -> dict:
    """Raise NetworkTooLargeError if the build would not fit the host, or the arrays the
    device; before anything of the network's size is allocated."""
    need = estimate(net, batch, dt, np.dtype(backend.dtype).itemsize, on_device and backend.builds_connectivity,
                    host_tables=backend.name == "numpy")
    sizes = ", ".join(f"{p.name}: {p.size}" for p in net.populations)
    what = f"(batch = {batch}; populations {sizes}; {len(net.projections)} projections)"
    host = host_memory_available()
    if need["host_peak"] > host:
        raise NetworkTooLargeError(
            f"network size = {need['host_peak'] / 2**30:.2f} GiB (host peak while building) is not allowed: "
            f"it exceeds the {host / 2**30:.2f} GiB of host memory available {what}. Use a smaller "
            f"network or batch.")
    available = backend.memory_available()
    if backend.name != "numpy" and need["device"] > available:
        raise NetworkTooLargeError(
            f"network size = {need['device'] / 2**30:.2f} GiB (device arrays) is not allowed: it exceeds "
            f"the {available / 2**30:.2f} GiB available on {backend.device_name} {what}. Use a smaller "
            f"network or batch.")
    return need
