"""Pair-based spike-timing-dependent plasticity with traces."""

from __future__ import annotations

from .validation import check_choice, check_finite, check_nonnegative, check_positive, fail


class STDP:
    """Pair-based STDP with exponential traces.

    Each presynaptic neuron keeps a trace x (decays with ``tau_plus``), each
    postsynaptic neuron a trace y (decays with ``tau_minus``). Per step, after
    propagation: traces decay; on a presynaptic spike ``w -= dep(w) * y``;
    on a postsynaptic spike ``w += pot(w) * (x - x_target)``; then the spiking neurons' traces
    jump (``x += 1`` for ``pairing="all"``, ``x = 1`` for ``pairing="nearest"``);
    w is clipped to [w_min, w_max]. A pre spike followed by a post spike dt_ms
    later thus changes w by ``pot(w) * exp(-dt_ms / tau_plus)``; spikes in the
    same step do not pair. Spike times are the presynaptic emission times
    (axonal delays do not enter the rule).

    Parameters
    ----------
    tau_plus, tau_minus : float
        Trace time constants, ms.
    A_plus, A_minus : float, >= 0
        ``weight_dependence="additive"``: the weight change per unit trace, in
        weight units (``pot = A_plus``, ``dep = A_minus``).
        ``"multiplicative"``: dimensionless (``pot = A_plus (w_max - w)``,
        ``dep = A_minus (w - w_min)``).
    w_min, w_max : float
        Weight bounds, in the weight units of the projection.
    weight_dependence : {"additive", "multiplicative"}
    pairing : {"all", "nearest"}
    x_target : float
        The presynaptic trace a postsynaptic spike compares with (Diehl & Cook 2015's
        x_tar): synapses whose trace is below it are depressed when the target spikes,
        so that inputs which rarely precede its spikes fade. Default 0 (the pair rule).
        With ``A_minus = 0`` there is no presynaptic update at all: the rule is Diehl &
        Cook's postsynaptic-trace rule, and a weight is clipped only when it changes.
    """

    def __init__(self, tau_plus=20.0, tau_minus=20.0, A_plus=0.01, A_minus=0.012,
                 w_min=0.0, w_max=1.0, weight_dependence="additive", pairing="all", x_target=0.0):
        check_positive("STDP.tau_plus", tau_plus)
        check_positive("STDP.tau_minus", tau_minus)
        check_nonnegative("STDP.A_plus", A_plus)
        check_nonnegative("STDP.A_minus", A_minus)
        check_finite("STDP.w_min", w_min)
        check_finite("STDP.w_max", w_max)
        if w_max < w_min:
            fail("STDP.w_max", w_max, f"must be >= w_min = {w_min}")
        check_choice("STDP.weight_dependence", weight_dependence, ("additive", "multiplicative"))
        check_choice("STDP.pairing", pairing, ("all", "nearest"))
        check_finite("STDP.x_target", x_target)
        self.tau_plus, self.tau_minus = float(tau_plus), float(tau_minus)
        self.A_plus, self.A_minus = float(A_plus), float(A_minus)
        self.w_min, self.w_max = float(w_min), float(w_max)
        self.weight_dependence = weight_dependence
        self.pairing = pairing
        self.x_target = float(x_target)

    def __repr__(self) -> str:
        return "STDP(" + ", ".join(f"{k}={v!r}" for k, v in vars(self).items()) + ")"
