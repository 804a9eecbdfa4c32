"""Standard synapse models written as SynapseModels (NEST's and PyNN's names).

Each is built once; call it with parameter values, ``Tsodyks2Synapse(U=0.2)``.
Checked against NEST 3.10 (tests/test_synapse_models.py, tests/data/nest_synapses.*).
"""

from __future__ import annotations

from functools import lru_cache, wraps

from .synapse_model import SynapseModel


def library_synapse(build):
    cached = lru_cache(maxsize=None)(build)

    @wraps(build)
    def model(**values) -> SynapseModel:
        return cached()(**values) if values else cached()
    return model


@library_synapse
def TsodyksSynapse() -> SynapseModel:
    """Tsodyks, Uziel & Markram (2000) short-term plasticity with the fraction of
    resources in the active state y (decaying with tau_psc) between the recovered x and
    the inactive z = 1 - x - y (NEST tsodyks_synapse; PyNN's TsodyksMarkramSynapse, with
    tau_psc the target's synaptic time constant). At a spike: u += U (1 - u) (u decays
    with tau_fac; tau_fac = 0: no facilitation), the released fraction u x is delivered
    (times w) and moves from x to y. Between spikes x, y and u evolve exactly. NEST's
    initial state: x = x0, y = y0, u = u0; a first spike at t counts the time from 0."""
    return SynapseModel("""
        dx/dt = (1 - x - y)/tau_rec : 1 (event-driven)
        dy/dt = -y/tau_psc : 1 (event-driven)
        du/dt = -u/tau_fac : 1 (event-driven)
    """, on_pre="u += U*(1 - u); delivered = w*u*x; y += u*x; x -= u*x",
        parameters={"U": (0.5, "1", "nonnegative"), "tau_rec": (800.0, "ms", "positive"),
                    "tau_fac": (0.0, "ms", "nonnegative"), "tau_psc": (3.0, "ms", "positive"),
                    "x0": (1.0, "1", "nonnegative"), "y0": (0.0, "1", "nonnegative"),
                    "u0": (0.0, "1", "nonnegative")},
        initial={"x": "x0", "y": "y0", "u": "u0"}, name="TsodyksSynapse")


@library_synapse
def Tsodyks2Synapse() -> SynapseModel:
    """Short-term depression and facilitation in the form of Tsodyks & Markram (1997) and
    Maass & Markram (2002) (NEST tsodyks2_synapse): the first spike delivers
    ``w u0 x0``; at the n-th spike after it ``u_n = U + u_{n-1} (1 - U) exp(-h/tau_fac)``,
    ``x_n = 1 + (x_{n-1} - x_{n-1} u_{n-1} - 1) exp(-h/tau_rec)`` (h: the time since the
    previous spike) and ``w u_n x_n`` is delivered. The variable x here is what recovers
    (the resources after the last release), so the first spike, which NEST takes from the
    initial values as they are, is told apart by ``first``."""
    return SynapseModel("""
        du/dt = -u/tau_fac : 1 (event-driven)
        dx/dt = (1 - x)/tau_rec : 1 (event-driven)
        first : 1
    """, on_pre="""
        u = (U + u*(1 - U))*(1 - first) + u0*first
        x = x*(1 - first) + x0*first
        delivered = w*u*x
        x = x - u*x
        first = 0
    """, parameters={"U": (0.5, "1", "nonnegative"), "tau_rec": (800.0, "ms", "positive"),
                     "tau_fac": (0.0, "ms", "nonnegative"), "x0": (1.0, "1", "nonnegative"),
                     "u0": (0.5, "1", "nonnegative")},
        initial={"u": "u0", "x": "x0", "first": 1.0}, name="Tsodyks2Synapse")


@library_synapse
def STDPSynapse() -> SynapseModel:
    """Pair-based STDP as NEST's stdp_synapse (Guetig et al. 2003's weight dependence):
    every pair of a presynaptic and a postsynaptic spike, with traces apre (NEST's
    Kplus, tau_plus) and apost (the target's K_minus, tau_minus; a parameter here, a
    neuron's in NEST). A postsynaptic spike reaching the synapse potentiates,
    ``w -> w_max min(1, w/w_max + lambda_ (1 - w/w_max)^mu_plus apre)``; a presynaptic
    one depresses, ``w -> w_max max(0, w/w_max - alpha lambda_ (w/w_max)^mu_minus apost)``,
    and transmits the depressed weight. mu 0: additive, 1: multiplicative (PyNN's
    weight dependences on a SpikePairRule, as pyNN.nest maps them: Additive mu 0, 0;
    Multiplicative 1, 1; AdditivePotentiationMultiplicativeDepression 0, 1; Gutig
    mu_plus, mu_minus). With the
    delay all dendritic (the default), a postsynaptic spike is seen at the synapse the
    delay after it happened, as in NEST; one seen at the time of a presynaptic spike
    potentiates with the trace before that spike and is not in the trace it depresses
    by (NEST's order: event_order "post_pre")."""
    return SynapseModel("""
        dapre/dt = -apre/tau_plus : 1 (event-driven)
        dapost/dt = -apost/tau_minus : 1 (event-driven)
        lastpost : ms
    """, on_post="""
        w = w_max*minimum(w/w_max + lambda_*(1 - w/w_max)**mu_plus*apre, 1)
        apost += 1
        lastpost = t
    """, on_pre="""
        w = w_max*maximum(w/w_max - alpha*lambda_*(w/w_max)**mu_minus*(apost - int(lastpost == t)), 0)
        apre += 1
    """, parameters={"tau_plus": (20.0, "ms", "positive"), "tau_minus": (20.0, "ms", "positive"),
                     "lambda_": (0.01, "1", "nonnegative"), "alpha": (1.0, "1", "nonnegative"),
                     "mu_plus": (1.0, "1", "nonnegative"), "mu_minus": (1.0, "1", "nonnegative"),
                     "w_max": (100.0, "weight", "positive")},
        initial={"lastpost": -1e9}, event_order="post_pre", name="STDPSynapse")


@library_synapse
def SimpleStochasticSynapse() -> SynapseModel:
    """Each presynaptic spike is transmitted with probability p, else nothing arrives
    (PyNN SimpleStochasticSynapse, NEST bernoulli_synapse); one Philox draw per synapse
    and spike, so every backend transmits the same spikes."""
    return SynapseModel("", on_pre="delivered = w*int(rand() < p)",
                        parameters={"p": (0.5, "1", "nonnegative")}, name="SimpleStochasticSynapse")


@library_synapse
def VogelsSprekelerSynapse() -> SynapseModel:
    """Inhibitory plasticity of Vogels, Sprekeler et al. (2011) (NEST
    vogels_sprekeler_synapse): every pair potentiates, by eta times the other side's
    trace (tau; the target's trace has tau_minus, a neuron's parameter in NEST), and each
    presynaptic spike depresses by alpha eta, so the target's rate settles where the
    two balance. Weights are magnitudes in [0, w_max] (NEST returns |w|)."""
    return SynapseModel("""
        dapre/dt = -apre/tau : 1 (event-driven)
        dapost/dt = -apost/tau_minus : 1 (event-driven)
        lastpost : ms
    """, on_post="""
        w = minimum(abs(w) + eta*apre, w_max)
        apost += 1
        lastpost = t
    """, on_pre="""
        w = minimum(abs(w) + eta*(apost - int(lastpost == t)), w_max)
        w = maximum(w - alpha*eta, 0)
        apre += 1
    """, parameters={"tau": (20.0, "ms", "positive"), "tau_minus": (20.0, "ms", "positive"),
                     "eta": (0.001, "weight", "nonnegative"), "alpha": (0.12, "1", "nonnegative"),
                     "w_max": (1.0, "weight", "positive")},
        initial={"lastpost": -1e9}, event_order="post_pre", name="VogelsSprekelerSynapse")


@library_synapse
def TripletSTDPSynapse() -> SynapseModel:
    """The triplet rule of Pfister & Gerstner (2006) (NEST stdp_triplet_synapse, all-to-all):
    a postsynaptic spike potentiates by ``apre (A_plus + A3_plus apost3)`` (apost3: the
    slow postsynaptic trace before this spike), a presynaptic one depresses by
    ``apost (A_minus + A3_minus apre3)`` (apre3: the slow presynaptic trace before it);
    w within [0, w_max]. Traces: apre (tau_plus), apre3 (tau_plus_triplet), apost
    (tau_minus), apost3 (tau_minus_triplet; the last two are a neuron's in NEST)."""
    return SynapseModel("""
        dapre/dt = -apre/tau_plus : 1 (event-driven)
        dapre3/dt = -apre3/tau_plus_triplet : 1 (event-driven)
        dapost/dt = -apost/tau_minus : 1 (event-driven)
        dapost3/dt = -apost3/tau_minus_triplet : 1 (event-driven)
        lastpost : ms
    """, on_post="""
        w = minimum(w + apre*(A_plus + A3_plus*apost3), w_max)
        apost += 1
        apost3 += 1
        lastpost = t
    """, on_pre="""
        w = maximum(w - (apost - int(lastpost == t))*(A_minus + A3_minus*apre3), 0)
        apre += 1
        apre3 += 1
    """, parameters={"tau_plus": (16.8, "ms", "positive"), "tau_plus_triplet": (101.0, "ms", "positive"),
                     "tau_minus": (33.7, "ms", "positive"), "tau_minus_triplet": (125.0, "ms", "positive"),
                     "A_plus": (5e-10, "weight", "nonnegative"), "A3_plus": (6.2e-3, "weight", "nonnegative"),
                     "A_minus": (7e-3, "weight", "nonnegative"), "A3_minus": (2.3e-4, "weight", "nonnegative"),
                     "w_max": (100.0, "weight", "positive")},
        initial={"lastpost": -1e9}, event_order="post_pre", name="TripletSTDPSynapse")


def PairSTDPSynapse(rule=None, **values) -> SynapseModel:
    """sk.STDP (snnkit.plasticity: the hand-written kernels' rule) re-expressed as a
    SynapseModel: traces x (tau_plus) and y (tau_minus) jump by 1 (pairing "all") or to 1
    ("nearest"); a presynaptic spike depresses by ``A_minus y`` (times ``w - w_min`` when
    multiplicative), a postsynaptic one potentiates by ``A_plus (x - x_target)`` (times
    ``w_max - w``), w clipped to [w_min, w_max]; spikes in the same step do not pair, and
    the depression comes first, as there; the weight a spike transmits is the one before
    its own update. ``rule``: an sk.STDP whose parameters to take. sk.STDP times the
    spikes where they are emitted; this model where they reach the synapse, so with a
    delay of 2a steps and axonal_delay = a steps the two see the same pairs (the traces
    differ only by rounding: a per-step product there, exp of the elapsed time here)."""
    from ..plasticity import STDP
    rule = rule or STDP()
    model = _pair_stdp(rule.weight_dependence == "multiplicative", rule.pairing == "nearest")
    params = dict(tau_plus=rule.tau_plus, tau_minus=rule.tau_minus, A_plus=rule.A_plus, A_minus=rule.A_minus,
                  w_min=rule.w_min, w_max=rule.w_max, x_target=rule.x_target)
    params.update(values)
    return model(**params)


def DiehlCookSynapse(eta: float = 0.0001, x_target: float = 0.4, tau_pre: float = 20.0, w_max: float = 1.0,
                     weight_dependence: str = "multiplicative", pairing: str = "nearest") -> SynapseModel:
    """Diehl & Cook (2015)'s postsynaptic-trace rule, as snnkit.learning uses it: at a
    postsynaptic spike ``w += eta (x - x_target)`` (times ``w_max - w`` when
    multiplicative), x the presynaptic trace (tau_pre; "nearest": it jumps to 1), and no
    presynaptic update: PairSTDPSynapse with A_minus = 0."""
    from ..plasticity import STDP
    return PairSTDPSynapse(STDP(tau_plus=tau_pre, tau_minus=tau_pre, A_plus=eta, A_minus=0.0, w_min=0.0,
                                w_max=w_max, weight_dependence=weight_dependence, pairing=pairing,
                                x_target=x_target))


@lru_cache(maxsize=None)
def _pair_stdp(multiplicative: bool, nearest: bool) -> SynapseModel:
    jump = "x = 1" if nearest else "x += 1"
    dep = "A_minus*(w - w_min)" if multiplicative else "A_minus"
    pot = "A_plus*(w_max - w)" if multiplicative else "A_plus"
    amplitude = "1" if multiplicative else "weight"         # (as sk.STDP's A_plus, A_minus)
    return SynapseModel("""
        dx/dt = -x/tau_plus : 1 (event-driven)
        dy/dt = -y/tau_minus : 1 (event-driven)
        x_before : 1
        lastpre : ms
    """, on_pre=f"""
        delivered = w
        w = clip(w - {dep}*y, w_min, w_max)
        x_before = x
        {jump}
        lastpre = t
    """, on_post=f"""
        w = clip(w + {pot}*(x + int(lastpre == t)*(x_before - x) - x_target), w_min, w_max)
        {"y = 1" if nearest else "y += 1"}
    """, parameters={"tau_plus": (20.0, "ms", "positive"), "tau_minus": (20.0, "ms", "positive"),
                     "A_plus": (0.01, amplitude, "nonnegative"), "A_minus": (0.012, amplitude, "nonnegative"),
                     "w_min": (0.0, "weight"), "w_max": (1.0, "weight"), "x_target": (0.0, "1")},
        initial={"lastpre": -1e9}, event_order="pre_post",
        name=f"PairSTDPSynapse({'multiplicative' if multiplicative else 'additive'}, "
             f"{'nearest' if nearest else 'all'})")
