"""Checks shared by the model sanity tests: rates in a range, irregular firing."""

from __future__ import annotations

import numpy as np


def cv_check(cv: float, min_cv: float) -> tuple[bool, str]:
    """The ISI-CV part of a sanity check. A run too short for any neuron to fire 3
    spikes has no CV: the check is skipped with a note instead of failing."""
    if np.isnan(cv):
        return True, "CV not checked (run too short: no neuron fired 3 spikes)"
    return cv >= min_cv, f"CV {cv:.2f}"


def rates_and_cv(results, pops, rate_range_hz, min_cv: float = 0.5) -> tuple[bool, str]:
    """Every population's mean rate inside ``rate_range_hz`` and its mean ISI CV at
    least ``min_cv`` (asynchronous irregular firing has CV near 1)."""
    lo, hi = rate_range_hz
    ok, parts = True, []
    for pop in pops:
        rate = float(np.mean(results.rate(pop)))
        cv_ok, cv_text = cv_check(results.isi_cv(pop), min_cv)
        ok &= bool(lo <= rate <= hi and cv_ok)
        parts.append(f"{pop} {rate:.2f} Hz {cv_text}")
    return ok, "; ".join(parts) + f" (expected {lo:g}-{hi:g} Hz, CV >= {min_cv:g})"
