"""Procedural projections on the devices (kernels/procedural.c; the specification is
snnkit/generation/procedural.py): at the build, the rows' synapse counts (what
FixedTotalNumber's rows need, 4 bytes a neuron) and the longest delay (the ring's
depth, one pass over every row); each step, a work-item per spike draws its row and
adds it into the ring."""

from __future__ import annotations

import numpy as np

from ..generation import counters as C
from ..generation import recipe as R
from .device_connect import member_counts


class DeviceProceduralOps:
    """Mixed into DeviceBackend."""

    def _procedural_args(self, s: dict, m: dict, mode: int, **arrays) -> dict:
        rule, param, exclude = m["rule"]
        (wk, (wa, wb, wl, wh)), (dk, (da, db, dl, dh)) = m["weight"], m["delay"]
        key = s["structure_key"]
        return dict(mode=mode, rule=rule, n_pre=s["n_pre"], pre_offset=m["pre_offset"], n_units=m["n_pre"],
                    n_post=s["n_post"], post_offset=m["post_offset"], n_cand=m["n_post"] - exclude,
                    log_q=float(np.log1p(-param)) if rule == R.PROBABILITY else 0.0,
                    exclude=exclude, row_stream=C.stream(m["projection"], C.SPACING if rule == R.TOTAL else C.SKIP),
                    weight_kind=wk, weight_a=wa, weight_b=wb, weight_low=wl, weight_high=wh, delay_kind=dk,
                    delay_a=da, delay_b=db, delay_low=dl, delay_high=dh, dt=m["dt"],
                    uniform_delay=s["uniform_delay"], value_stream=C.stream(m["projection"], C.VALUES),
                    key_lo=key[0], key_hi=key[1],
                    receptor=m["receptor"], n_receptors=s["n_receptors"], batch=s["batch"],
                    **self.clock_args(), **arrays)

    def upload_procedural(self, host: dict) -> dict:
        (m,) = host["generated"]
        counts, _ = member_counts(self, m, host["structure_key"])
        out = dict(host, counts=self.to_device(np.ascontiguousarray(counts, np.uint32)),
                   max_delay_buffer=self.zeros(1, np.uint32))
        longest = host["uniform_delay"]
        if not longest:
            a = self.kernel_arg
            if not hasattr(self, "_dummy"):
                self._dummy, self._dummy_real = self.zeros(1, np.uint32), self.zeros(1, self.dtype)
            if counts.sum():
                self.bind("procedural_rows", m["n_pre"], **self._procedural_args(
                    out, m, 1, depth=1, spike_list=a(self._dummy), spike_count=a(self._dummy),
                    counts=a(out["counts"]), max_delay=a(out["max_delay_buffer"]), ring=a(self._dummy_real)))()
            longest = max(1, int(self.to_host(out["max_delay_buffer"])[0]))
        host.update(n_synapses=int(counts.sum()), max_delay=longest, row_counts=counts)
        out.update(n_synapses=host["n_synapses"], max_delay=longest)
        return out

    def propagate_procedural(self, s: dict, spikes, target: dict, step: int) -> None:
        if "_procedural" not in s:
            a = self.kernel_arg
            s["_procedural"] = self.bind("procedural_rows", self.spike_threads(spikes.capacity), **self._procedural_args(
                s, s["generated"][0], 0, depth=target["ring_depth"], spike_list=a(spikes.list),
                spike_count=a(spikes.count), counts=a(s["counts"]), max_delay=a(s["max_delay_buffer"]),
                ring=a(target["ring"])))
        s["_procedural"](step_offset=self.step_offset(step))
