"""Host arrays packed the way the device kernels read them: the per-neuron LIF
parameters as one array (pack_lif), a static table's delay column in its smallest type
(lean_column) and its receptors folded into its post indices (folded_post_index)."""

from __future__ import annotations

import numpy as np

from .. import kernels
from ..validation import fail
from .device_equations import pack_planes


def lean_column(table: dict, key: str) -> np.ndarray:
    """A static table's delay column (u16, steps) as the device stores it: one placeholder
    where every synapse has the same delay (the kernels take it from uniform_delay and
    never read the column: kernels/propagate.h)."""
    values = np.asarray(table[key])
    if not values.size or table["uniform_delay"]:
        return np.zeros(1, np.uint16)
    if values.max() > 65535:
        fail("delay", f"{int(values.max())} steps", "must be at most 65535 steps on a device backend "
             "(use a larger dt)")
    return values.astype(np.uint16, copy=False)


def folded_post_index(table: dict) -> np.ndarray:
    """A static table's post indices as the device stores them (u32): where receptors are
    mixed, each synapse's receptor plane folded in (receptor x plane_stride(batch x n_post)
    + post: kernels/propagate.h), so no receptor column is stored."""
    post = np.asarray(table["post_index"])
    if table["uniform_receptor"] < table["n_receptors"] or not post.size:
        return post.view(np.uint32) if post.dtype == np.int32 else post.astype(np.uint32)
    plane = kernels.plane_stride(table["batch"] * table["n_post"])
    if table["n_receptors"] * plane >= 2**32:
        fail("synapse table", f"{table['n_receptors']} receptors x {plane} targets", "must fit 32-bit indices")
    folded, receptor = np.empty(post.size, np.uint32), np.asarray(table["receptor"])
    for a in range(0, post.size, 1 << 20):                 # a chunk at a time: no full-size temporaries
        b = a + (1 << 20)
        folded[a:b] = receptor[a:b].astype(np.uint32) * np.uint32(plane) + post[a:b].astype(np.uint32)
    return folded


def pack_lif(g: dict, dtype, full: bool = False) -> dict:
    """All per-neuron LIF parameters as one host array (n_params, rows, N), rows = 1 or
    batch; (n_params, 1, 1) when every neuron and instance has the same values
    (full: always (n_params, batch, N); pack_planes)."""
    n, batch = g["size"], g["batch"]
    zero = np.zeros((1, n))
    pairs = {"decay_syn_E": ("decay_syn", 0), "decay_syn_I": ("decay_syn", 1),
             "e_rev_E": ("e_rev", 0), "e_rev_I": ("e_rev", 1)}
    planes = []
    for name in kernels.LIF_PARAMS:
        if name in pairs:
            key, row = pairs[name]
            planes.append(g[key][row] if key in g else zero)
        else:
            planes.append(g.get(name, zero))
    packed = pack_planes(planes, g["refrac_steps"], batch, n, dtype, full)
    packed.pop("uniform")
    return packed
