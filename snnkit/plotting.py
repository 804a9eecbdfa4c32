"""Raster, population-rate and state-trace plots of a result file (matplotlib, Agg)."""

from __future__ import annotations

import numpy as np

from .results import check_instance
from .validation import SnnkitValueError

MAX_TRACES = 10           # state traces drawn per variable (the first recorded neurons)


def plot_results(results, path, instance: int = 0, bin_ms: float = 5.0) -> list[str]:
    """Write a PNG: spike raster of every population (stacked) over the population rate
    (Hz per recorded neuron), then one panel per recorded state variable (v traces).
    Returns the panels' y-axis labels, top to bottom.

    Raises SnnkitValueError for an instance the results do not hold, or results with
    nothing recorded.
    """
    check_instance(instance, results.batch)
    traces = [(pop, var, tr) for pop, variables in results.traces.items() for var, tr in variables.items()]
    if not results.spikes and not traces:
        raise SnnkitValueError("results hold no recorded spikes or state variables: nothing to plot")
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    spike_panels = 2 if results.spikes else 0
    ratios = ([3, 1] if spike_panels else []) + [1.5] * len(traces)
    fig, axes = plt.subplots(len(ratios), 1, figsize=(9, 3 + 2 * len(ratios)), sharex=True,
                             gridspec_kw={"height_ratios": ratios}, squeeze=False)
    axes = axes[:, 0]
    duration = max(results.duration, bin_ms)
    if spike_panels:
        ax_raster, ax_rate = axes[0], axes[1]
        edges = np.arange(0.0, duration + bin_ms, bin_ms)
        offset = 0
        for pop, data in results.spikes.items():
            times, ids = data.of_instance(instance)
            ax_raster.plot(times, ids + offset, ".", markersize=1.5, label=pop)
            counts, _ = np.histogram(times, edges)
            rate = counts / max(data.n_recorded, 1) / (bin_ms / 1000.0)
            ax_rate.plot(edges[:-1] + bin_ms / 2, rate, label=pop)
            offset += data.size
        ax_raster.set_ylabel("neuron")
        ax_raster.legend(loc="upper right", markerscale=6, fontsize="small")
        ax_rate.set_ylabel(f"rate (Hz, {bin_ms:g} ms bins)")
    for ax, (pop, var, tr) in zip(axes[spike_panels:], traces):
        shown = min(MAX_TRACES, tr.node_ids.size)
        for j in range(shown):
            ax.plot(tr.times, tr.data[:, instance, j], linewidth=0.8, label=f"{pop}[{tr.node_ids[j]}]")
        ax.set_ylabel(f"{pop}.{var} ({tr.unit})" if tr.unit else f"{pop}.{var}")
        if shown > 1:
            ax.legend(loc="upper right", fontsize="x-small", ncol=min(5, shown))
    axes[0].set_title(f"snnkit: {results.attrs.get('backend', '')}, instance {instance}")
    axes[-1].set_xlabel("time (ms)")
    axes[-1].set_xlim(0, duration)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    labels = [ax.get_ylabel() for ax in axes]
    plt.close(fig)
    return labels
