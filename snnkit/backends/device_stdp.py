"""The hand-written pair STDP (snnkit.plasticity.STDP) on a device backend:
kernels/stdp.c's launches for one plastic table, bound once."""

from __future__ import annotations


class DeviceSTDPOps:
    """Mixed into DeviceBackend (it provides bind, kernel_arg, clock_args, step_offset)."""

    def stdp_step(self, s: dict, pre, post, step: int) -> None:
        if "_stdp" not in s:
            s["_stdp"] = self._bind_stdp(s, pre, post)
        for launch, takes_step in s["_stdp"]:
            launch(step_offset=self.step_offset(step)) if takes_step else launch()

    def _bind_stdp(self, s: dict, pre, post) -> list:
        """decay both traces, depress on pre, potentiate on post, then the traces jump."""
        a = self.kernel_arg
        x, y, w = s["trace_pre"], s["trace_post"], s["weight"]
        common = dict(n_pre=s["n_pre"], n_post=s["n_post"], n_synapses=s["n_synapses"],
                      **self.clock_args(), w_min=s["w_min"], w_max=s["w_max"], multiplicative=int(s["multiplicative"]),
                      weight=a(w))
        launches = [(self.bind("trace_decay", x.size, n_values=x.size, decay=s["decay_plus"], trace=a(x)), False),
                    (self.bind("trace_decay", y.size, n_values=y.size, decay=s["decay_minus"], trace=a(y)), False)]
        if s["n_synapses"] and s["A_minus"]:
            launches.append(
                (self.bind("stdp_on_pre", pre.capacity, a_minus=s["A_minus"], spike_list=a(pre.list),
                           spike_count=a(pre.count), row_ptr=a(s["row_ptr"]), post_index=a(s["post_index"]),
                           trace_post=a(y), **common), True))
        if s["n_synapses"]:
            launches += [
                (self.bind("stdp_on_post", post.capacity, a_plus=s["A_plus"], x_target=s["x_target"],
                           spike_list=a(post.list),
                           spike_count=a(post.count), col_ptr=a(s["col_ptr"]), col_syn=a(s["col_syn"]),
                           pre_index=a(s["pre_index"]), trace_pre=a(x), **common), True)]
        launches += [(self.bind("trace_jump", spikes.capacity, **self.clock_args(), nearest=int(s["nearest"]),
                                spike_list=a(spikes.list), spike_count=a(spikes.count), trace=a(trace)), True)
                     for trace, spikes in ((x, pre), (y, post))]
        return launches
