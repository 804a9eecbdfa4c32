"""Raster and population-rate plots of a result file (matplotlib, Agg)."""

from __future__ import annotations

import numpy as np


def plot_results(results, path, instance: int = 0, bin_ms: float = 5.0) -> None:
    """Write a PNG: spike raster of every population (stacked) over the population rate."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (ax_raster, ax_rate) = plt.subplots(2, 1, figsize=(9, 6), sharex=True,
                                             gridspec_kw={"height_ratios": [3, 1]})
    duration = max(results.duration, bin_ms)
    edges = np.arange(0.0, duration + bin_ms, bin_ms)
    offset = 0
    for pop, data in results.spikes.items():
        times, ids = data.of_instance(instance)
        ax_raster.plot(times, ids + offset, ".", markersize=1.5, label=pop)
        counts, _ = np.histogram(times, edges)
        rate = counts / max(data.size, 1) / (bin_ms / 1000.0)
        ax_rate.plot(edges[:-1] + bin_ms / 2, rate, label=pop)
        offset += data.size
    ax_raster.set_ylabel("neuron")
    ax_raster.set_title(f"snnkit: {results.attrs.get('backend', '')}, instance {instance}")
    if results.spikes:
        ax_raster.legend(loc="upper right", markerscale=6, fontsize="small")
    ax_rate.set_xlabel("time (ms)")
    ax_rate.set_ylabel(f"rate (Hz, {bin_ms:g} ms bins)")
    ax_rate.set_xlim(0, duration)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
