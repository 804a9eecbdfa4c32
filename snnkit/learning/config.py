"""The parameters of a Diehl & Cook (2015) network and of its training.

Units: ms, mV, Hz; conductances (weights) in units of the leak conductance, as in
Diehl & Cook's equations (the neurons get cm = tau_m nF, so g_leak = 1 uS and a
weight of 1 is 1 uS). Defaults are Diehl & Cook's except where said: their network
saw 784 MNIST pixels for 350 ms with 150 ms of rest; the sklearn digits have 64
pixels, so each input fires faster and each weight counts for more.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, fields

from ..validation import check_choice, check_count, check_finite, check_positive, fail


@dataclass
class DiehlCook:
    # network
    n_neurons: int = 100                 # excitatory neurons (as many inhibitory)
    dt: float = 0.5                      # ms
    # input: Poisson rate = pixel (0..1) * max_rate_hz; repeated with a higher rate
    # (times 1 + boost per attempt) while an instance's neurons spike fewer than min_spikes times
    presentation_ms: float = 100.0       # D&C: 350 ms, then 150 ms rest (here: a state reset)
    max_rate_hz: float = 100.0           # D&C: 63.75 Hz for 784 pixels
    min_spikes: int = 5
    boost: float = 0.5
    max_attempts: int = 4
    # excitatory neurons (conductance-based LIF with an adaptive threshold)
    exc_tau_m: float = 100.0
    exc_v_rest: float = -65.0
    exc_v_reset: float = -65.0
    exc_v_thresh: float = -52.0
    exc_tau_refrac: float = 5.0
    exc_e_rev_I: float = -100.0
    d_theta: float = 0.05                # mV per spike
    tau_theta: float = 1e7               # ms
    # inhibitory neurons
    inh_tau_m: float = 10.0
    inh_v_rest: float = -60.0
    inh_v_reset: float = -45.0
    inh_v_thresh: float = -40.0
    inh_tau_refrac: float = 2.0
    inh_e_rev_I: float = -85.0
    tau_syn_E: float = 1.0
    tau_syn_I: float = 2.0
    # lateral inhibition: exc i -> inh i, inh i -> every exc j != i
    w_exc_inh: float = 10.4
    w_inh_exc: float = 17.0
    # input -> exc weights and their plasticity (the postsynaptic-trace rule)
    w_initial_max: float = 0.3           # initial weights uniform in [0, w_initial_max]
    w_max: float = 1.0
    weight_scale: float = 0.1            # per input: each neuron's weights sum to weight_scale * n_inputs
                                         # ("l1", D&C: 78 for 784 pixels), or their root mean square is
                                         # weight_scale ("l2": the norm Oja's rule converges to)
    weight_norm: str = "l1"
    eta: float = 0.01                    # A_plus of the rule
    weight_dependence: str = "multiplicative"   # change times (w_max - w) (D&C, mu = 1), or "additive"
    x_target: float = 0.4
    tau_pre: float = 20.0
    pairing: str = "nearest"             # presynaptic trace: = 1 ("nearest", D&C) or += 1 ("all") per spike
    # batch learning: how the instances' changes are combined after each sample
    combine: str = "sum"                 # "sum" (like samples one after another) or "mean"

    def __post_init__(self):
        for f in fields(self):
            value = getattr(self, f.name)
            label = f"DiehlCook.{f.name}"
            if f.name == "combine":
                check_choice(label, value, ("sum", "mean"))
            elif f.name == "pairing":
                check_choice(label, value, ("nearest", "all"))
            elif f.name == "weight_dependence":
                check_choice(label, value, ("multiplicative", "additive"))
            elif f.name == "weight_norm":
                check_choice(label, value, ("l1", "l2"))
            elif f.name in ("n_neurons", "max_attempts"):
                check_count(label, value, minimum=1)
            elif f.name == "min_spikes":
                check_count(label, value, minimum=0)
            elif f.name.startswith(("tau", "exc_tau", "inh_tau")) or f.name in (
                    "dt", "presentation_ms", "max_rate_hz", "w_max", "weight_scale"):
                if f.name.endswith("refrac"):
                    check_finite(label, value)
                    if value < 0:
                        fail(label, value, "must be >= 0 ms")
                else:
                    check_positive(label, value)
            else:
                check_finite(label, value)
        if self.boost < 0 or self.eta < 0 or self.d_theta < 0 or self.w_initial_max < 0:
            name = next(n for n in ("boost", "eta", "d_theta", "w_initial_max") if getattr(self, n) < 0)
            fail(f"DiehlCook.{name}", getattr(self, name), "must be >= 0")
        if self.w_initial_max > self.w_max:
            fail("DiehlCook.w_initial_max", self.w_initial_max, f"must be <= w_max = {self.w_max}")
        if not math.isclose(self.presentation_ms / self.dt, round(self.presentation_ms / self.dt)):
            fail("DiehlCook.presentation_ms", self.presentation_ms, f"must be a whole number of steps dt = {self.dt}")

    def norm_target(self, n_inputs: int) -> float:
        """What each neuron's input weights are scaled to (normalize_incoming's target)."""
        return self.weight_scale * (n_inputs if self.weight_norm == "l1" else math.sqrt(n_inputs))

    def as_dict(self) -> dict:
        return asdict(self)
