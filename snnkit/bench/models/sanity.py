"""Checks shared by the model sanity tests: rates in a range, irregular firing."""

from __future__ import annotations

import numpy as np


def rates_and_cv(results, pops, rate_range_hz, min_cv: float = 0.5) -> tuple[bool, str]:
    """Every population's mean rate inside ``rate_range_hz`` and its mean ISI CV at
    least ``min_cv`` (asynchronous irregular firing has CV near 1)."""
    lo, hi = rate_range_hz
    ok, parts = True, []
    for pop in pops:
        rate = float(np.mean(results.rate(pop)))
        cv = results.isi_cv(pop)
        good = lo <= rate <= hi and (np.isnan(cv) or cv >= min_cv)
        ok &= bool(good) and not np.isnan(cv)
        parts.append(f"{pop} {rate:.2f} Hz CV {cv:.2f}")
    return ok, "; ".join(parts) + f" (expected {lo:g}-{hi:g} Hz, CV >= {min_cv:g})"
