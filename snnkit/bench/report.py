"""The results of ``snnkit bench`` as JSON, a Markdown table and a PNG plot."""

from __future__ import annotations

import json
from pathlib import Path


def markdown(result: dict) -> str:
    m = result["meta"]
    lines = [f"snnkit bench, {m['date']}, {m['host']} ({m['processor'] or m['machine']}, {m['cpus']} CPUs), "
             f"snnkit {m['snnkit']}. Simulation time of the biological duration (median of the repeats, "
             "min-max); build and compile (a 10 ms warm-up) apart; build MB: the most resident memory the "
             "build added (snnkit rows); ratio = time / the baseline's at the same cores; cores: what the run "
             "was pinned to (snnkit and peers alike), threads: what the simulator ran with.", "",
             "| model | neurons | simulator | cores | threads | sim s (min-max) | RTF | ratio | build s | build MB "
             "| compile s | sanity |",
             "|---|---:|---|---:|---:|---|---:|---:|---:|---:|---:|---|"]
    for r in result["rows"]:
        ratio = f"{r['ratio_to_baseline']:.2f}" if r.get("ratio_to_baseline") else "-"
        lines.append(f"| {r['model']} | {r['neurons']} | {r['simulator']} | {r.get('cores', 1)} | "
                     f"{r.get('threads', 1)} | {r['sim_s']:.3f} "
                     f"({r['sim_s_min']:.3f}-{r['sim_s_max']:.3f}) | {r['rtf']:.3f} | {ratio} | "
                     f"{r['build_s']:.2f} | {r.get('build_peak_mb', float('nan')):.0f} | {r['compile_s']:.2f} | {'ok' if r['sanity_ok'] else '**BAD**'}: "
                     f"{r['sanity']} |")
    for line in result.get("skipped", []):
        lines.append(f"\nskipped: {line}")
    return "\n".join(lines) + "\n"


def plot(result: dict, path: Path) -> None:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    models = sorted({r["model"] for r in result["rows"]})
    fig, axes = plt.subplots(1, len(models), figsize=(4.5 * len(models), 3.6), squeeze=False)
    for ax, model in zip(axes[0], models):
        rows = [r for r in result["rows"] if r["model"] == model]
        for sim, cores in sorted({(r["simulator"], r.get("cores", 1)) for r in rows}):
            mine = sorted((r["neurons"], r["sim_s"]) for r in rows
                          if r["simulator"] == sim and r.get("cores", 1) == cores)
            ax.plot([n for n, _ in mine], [t for _, t in mine], "o-", label=f"{sim} ({cores} cores)")
        ax.set(xscale="log", yscale="log", xlabel="neurons", ylabel="simulation time (s)", title=model)
        ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def write(result: dict, out_dir: Path, stem: str) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = [out_dir / f"{stem}.json", out_dir / f"{stem}.md", out_dir / f"{stem}.png"]
    paths[0].write_text(json.dumps(result, indent=2) + "\n")
    paths[1].write_text(markdown(result))
    plot(result, paths[2])
    return paths
