"""Standard neuron models written as equations (PyNN's names and units where PyNN has the type).

Each is an EquationModel: call it with parameter values, ``IF_curr_alpha(tau_m=15.0)``.
Checked against NEST 3.10 (tests/test_model_library.py, tests/data/nest_library_models.*).
"""

from __future__ import annotations

from functools import lru_cache, wraps

from .model import EquationModel


def library_model(build):
    """A model built once (parsing and integrator derivation are done on first use);
    ``Model(**values)`` returns a copy with those parameter values."""
    cached = lru_cache(maxsize=None)(build)

    @wraps(build)
    def model(**values) -> EquationModel:
        return cached()(**values) if values else cached()
    return model


def lif_parameters(**defaults) -> dict:
    """PyNN's parameters of the integrate-and-fire family, with PyNN's defaults unless
    given: name -> (default, unit, rule)."""
    table = {"cm": (1.0, "nF", "positive"), "tau_m": (20.0, "ms", "positive"), "v_rest": (-65.0, "mV"),
             "v_reset": (-65.0, "mV"), "v_thresh": (-50.0, "mV"), "tau_refrac": (0.1, "ms", "nonnegative"),
             "i_offset": (0.0, "nA"), "tau_syn_E": (5.0, "ms", "positive"), "tau_syn_I": (5.0, "ms", "positive")}
    return {name: (defaults.get(name, spec[0]),) + spec[1:] for name, spec in table.items()}


def alpha_synapses(variable: str, unit: str) -> str:
    """Alpha-shaped synaptic variables ``<variable>_E`` and ``_I`` (in ``unit``): a weight w
    gives ``w t/tau e^(1 - t/tau)``, peaking at w after tau_syn (ALPHA_RECEPTORS)."""
    return "\n".join(f"d{variable}_{r}/dt = y_{r} - {variable}_{r}/tau_syn_{r} : {unit}\n"
                     f"dy_{r}/dt = -y_{r}/tau_syn_{r} : {unit}/ms" for r in "EI")


ALPHA_RECEPTORS = {"excitatory": "y_E += w*exp(1)/tau_syn_E", "inhibitory": "y_I += w*exp(1)/tau_syn_I"}


@library_model
def IF_curr_alpha() -> EquationModel:
    """Leaky integrate-and-fire with alpha-shaped synaptic currents (PyNN IF_curr_alpha,
    NEST iaf_psc_alpha): a weight w (nA) gives the current ``w t/tau e^(1 - t/tau)``,
    peaking at w after tau_syn. Integrated exactly; v is held during refractoriness."""
    return EquationModel(
        "dv/dt = (v_rest - v)/tau_m + (I_E + I_I + i_offset + I_inject)/cm : mV (unless refractory)\n"
        + alpha_synapses("I", "nA"),
        threshold="v >= v_thresh", reset="v = v_reset", refractory="tau_refrac",
        parameters=lif_parameters(tau_syn_E=0.5, tau_syn_I=0.5), initial={"v": "v_rest"},
        receptors=ALPHA_RECEPTORS, method="exact", name="IF_curr_alpha")


@library_model
def IF_curr_exp() -> EquationModel:
    """Leaky integrate-and-fire with exponentially decaying synaptic currents, as NEST's
    iaf_psc_exp integrates it (PyNN IF_curr_exp through pyNN.nest): the decaying
    current is integrated exactly within the step (sk.LIFCurrExp, the hand-written
    kernel, holds it at its decayed value over the step: 1.7% lower PSPs at dt 0.1,
    tau_syn 3 ms). v is held during refractoriness."""
    return EquationModel("""
        dv/dt = (v_rest - v)/tau_m + (I_E + I_I + i_offset + I_inject)/cm : mV (unless refractory)
        dI_E/dt = -I_E/tau_syn_E : nA
        dI_I/dt = -I_I/tau_syn_I : nA
    """, threshold="v >= v_thresh", reset="v = v_reset", refractory="tau_refrac",
        parameters=lif_parameters(), initial={"v": "v_rest"},
        receptors={"excitatory": "I_E += w", "inhibitory": "I_I += w"}, method="exact", name="IF_curr_exp")


@library_model
def IF_cond_exp() -> EquationModel:
    """Leaky integrate-and-fire with exponentially decaying synaptic conductances (PyNN
    IF_cond_exp, NEST iaf_cond_exp): rk4 (NEST: adaptive RKF45; sk.LIFCondExp holds the
    conductances over a step). v is held during refractoriness."""
    return EquationModel("""
        dv/dt = ((v_rest - v)*cm/tau_m + g_E*(e_rev_E - v) + g_I*(e_rev_I - v) + i_offset + I_inject)/cm : mV (unless refractory)
        dg_E/dt = -g_E/tau_syn_E : uS
        dg_I/dt = -g_I/tau_syn_I : uS
    """, threshold="v >= v_thresh", reset="v = v_reset", refractory="tau_refrac",
        parameters={**lif_parameters(), "e_rev_E": (0.0, "mV"), "e_rev_I": (-70.0, "mV")},
        initial={"v": "v_rest"}, receptors={"excitatory": "g_E += w", "inhibitory": "g_I += w"},
        method="rk4", name="IF_cond_exp")


@library_model
def Izhikevich() -> EquationModel:
    """Izhikevich (2003) (PyNN Izhikevich, NEST izhikevich):
    ``dv/dt = 0.04 v^2 + 5 v + 140 - u + I``, ``du/dt = a (b v - u)``; at v >= v_thresh
    (30 mV): v = c, u += d. The currents i_offset and I_inject (nA) enter as
    1000 mV/ms per nA (NEST's pA taken as mV/ms); a weight (mV) jumps v. Forward Euler
    on the values at the start of the step, as NEST's consistent_integration."""
    return EquationModel("""
        dv/dt = k2*v*v + k1*v + k0 - u + r_i*(i_offset + I_inject) : mV
        du/dt = a*(b*v - u) : mV/ms
    """, threshold="v >= v_thresh", reset="v = c; u += d",
        parameters={"a": (0.02, "1/ms"), "b": (0.2, "1/ms"), "c": (-65.0, "mV"), "d": (2.0, "mV/ms"),
                    "v_thresh": (30.0, "mV"), "i_offset": (0.0, "nA"),
                    "k2": (0.04, "1/(mV*ms)"), "k1": (5.0, "1/ms"), "k0": (140.0, "mV/ms"),
                    "r_i": (1000.0, "mV/(ms*nA)")},
        initial={"v": -70.0, "u": -14.0},
        receptors={"excitatory": "v += w", "inhibitory": "v += w"},
        method="euler", name="Izhikevich")


@library_model
def IF_cond_alpha() -> EquationModel:
    """Leaky integrate-and-fire with alpha-shaped synaptic conductances (PyNN IF_cond_alpha,
    NEST iaf_cond_alpha): a weight w (uS) gives the conductance ``w t/tau e^(1 - t/tau)``.
    Integrated with rk4 (NEST: adaptive RKF45); v is held during refractoriness."""
    return EquationModel(
        "dv/dt = ((v_rest - v)*cm/tau_m + g_E*(e_rev_E - v) + g_I*(e_rev_I - v) + i_offset + I_inject)/cm "
        ": mV (unless refractory)\n" + alpha_synapses("g", "uS"),
        threshold="v >= v_thresh", reset="v = v_reset", refractory="tau_refrac",
        parameters={**lif_parameters(tau_syn_E=0.3, tau_syn_I=0.5), "e_rev_E": (0.0, "mV"),
                    "e_rev_I": (-70.0, "mV")},
        initial={"v": "v_rest"}, receptors=ALPHA_RECEPTORS, method="rk4", name="IF_cond_alpha")


def adex_membrane(synaptic: str) -> str:
    """The AdEx membrane (v, g_L, the adaptation current w) with ``synaptic`` the summed
    synaptic current (nA): the equations every AdEx model shares (library, composed)."""
    return (f"dv/dt = (g_L*(v_rest - v) + g_L*delta_T*exp((minimum(v, v_spike) - v_thresh)/delta_T) "
            f"+ {synaptic} - w + i_offset + I_inject)/cm : mV (unless refractory)\n"
            "g_L = cm/tau_m : uS\n"
            "dw/dt = (a*(minimum(v, v_spike) - v_rest) - w)/tau_w : nA\n")


def adex_parameters() -> dict:
    """The AdEx membrane's parameters and PyNN's defaults (no synapse time constants)."""
    out = {k: v for k, v in lif_parameters(cm=0.281, tau_m=9.3667, v_rest=-70.6, v_reset=-70.6,
                                           v_thresh=-50.4).items() if not k.startswith("tau_syn")}
    out.update({"v_spike": (-40.0, "mV"), "delta_T": (2.0, "mV", "positive"), "a": (4.0, "nS"),
                "b": (0.0805, "nA"), "tau_w": (144.0, "ms", "positive")})
    return out


ADEX_SPIKE = dict(threshold="v >= v_spike", reset="v = v_reset; w += b", refractory="tau_refrac")
CONDUCTANCE_CURRENTS = "g_E*(e_rev_E - v) + g_I*(e_rev_I - v)"


@library_model
def EIF_cond_exp_isfa_ista() -> EquationModel:
    """Adaptive exponential integrate-and-fire, AdEx (Brette & Gerstner 2005; PyNN
    EIF_cond_exp_isfa_ista, NEST aeif_cond_exp) with exponential conductances. The
    spike is at v >= v_spike; v is clamped at v_reset for tau_refrac; the adaptation
    current w (nA) jumps by b. Integrated with rk4 (NEST: adaptive RKF45); v in the
    exponential is capped at v_spike, as NEST does, and so is the v that drives w: in
    the step that crosses v_spike, rk4's stages overshoot by orders of magnitude (the
    exponential is stiff there) and would throw w far off."""
    return EquationModel(adex_membrane(CONDUCTANCE_CURRENTS) + """
        dg_E/dt = -g_E/tau_syn_E : uS
        dg_I/dt = -g_I/tau_syn_I : uS
    """, **ADEX_SPIKE, parameters=_adex_conductance_parameters(), initial={"v": "v_rest"},
        receptors={"excitatory": "g_E += weight", "inhibitory": "g_I += weight"},
        weight_symbol="weight", method="rk4", name="EIF_cond_exp_isfa_ista")


@library_model
def EIF_cond_alpha_isfa_ista() -> EquationModel:
    """AdEx (as EIF_cond_exp_isfa_ista) with alpha-shaped synaptic conductances (PyNN
    EIF_cond_alpha_isfa_ista, NEST aeif_cond_alpha): a weight w (uS) gives the
    conductance ``w t/tau e^(1 - t/tau)``. Integrated with rk4."""
    return EquationModel(adex_membrane(CONDUCTANCE_CURRENTS) + alpha_synapses("g", "uS"), **ADEX_SPIKE,
        parameters=_adex_conductance_parameters(), initial={"v": "v_rest"},
        receptors={"excitatory": "y_E += weight*exp(1)/tau_syn_E", "inhibitory": "y_I += weight*exp(1)/tau_syn_I"},
        weight_symbol="weight", method="rk4", name="EIF_cond_alpha_isfa_ista")


def _adex_conductance_parameters() -> dict:
    """AdEx with PyNN's two conductance receptors: the membrane's, tau_syn_E/I, e_rev_E/I."""
    synapses = {k: v for k, v in lif_parameters().items() if k.startswith("tau_syn")}
    return {**adex_parameters(), **synapses, "e_rev_E": (0.0, "mV"), "e_rev_I": (-80.0, "mV")}


# Traub & Miles' rate functions (1/ms) of u = v - v_offset, as NEST's hh_cond_exp_traub
TRAUB_RATES = """
    u = v - v_offset : mV
    alpha_m = 0.32/(mV*ms)*(13*mV - u)/(exp((13*mV - u)/(4*mV)) - 1) : 1/ms
    beta_m = 0.28/(mV*ms)*(u - 40*mV)/(exp((u - 40*mV)/(5*mV)) - 1) : 1/ms
    alpha_h = 0.128/ms*exp((17*mV - u)/(18*mV)) : 1/ms
    beta_h = 4/ms/(1 + exp((40*mV - u)/(5*mV))) : 1/ms
    alpha_n = 0.032/(mV*ms)*(15*mV - u)/(exp((15*mV - u)/(5*mV)) - 1) : 1/ms
    beta_n = 0.5/ms*exp((10*mV - u)/(40*mV)) : 1/ms
"""


@library_model
def HH_cond_exp() -> EquationModel:
    """Hodgkin-Huxley with Traub & Miles' rates (PyNN HH_cond_exp, NEST hh_cond_exp_traub;
    Brette et al. 2007 benchmark 3) and exponential synaptic conductances. A spike is
    the step in which v, above v_offset + 30 mV, starts to fall (NEST: a local maximum
    above that threshold); none is emitted for tau_refrac after one, and nothing is held.
    The gates start at their steady state at the initial v. Integrated with rk4 in two
    substeps a step (NEST: adaptive RKF45): at dt 0.1 ms that is rk4 at 0.05 ms, which
    keeps all 102 of NEST's spikes in a 1 s test within one 0.1 ms step; one rk4 step of 0.1 ms
    is unstable on the sodium upstroke, and exponential Euler (Brian2's choice) loses
    spikes (98 of 102 at 0.05 ms, 101 at 0.01 ms; tests/test_model_library.py)."""
    return EquationModel("""
        dv/dt = (g_leak*(e_rev_leak - v) + gbar_Na*m*m*m*h*(e_rev_Na - v) + gbar_K*n*n*n*n*(e_rev_K - v) + g_E*(e_rev_E - v) + g_I*(e_rev_I - v) + i_offset + I_inject)/cm : mV
        dm/dt = alpha_m*(1 - m) - beta_m*m : 1
        dh/dt = alpha_h*(1 - h) - beta_h*h : 1
        dn/dt = alpha_n*(1 - n) - beta_n*n : 1
        dg_E/dt = -g_E/tau_syn_E : uS
        dg_I/dt = -g_I/tau_syn_I : uS
        falling = g_leak*(e_rev_leak - v) + gbar_Na*m*m*m*h*(e_rev_Na - v) + gbar_K*n*n*n*n*(e_rev_K - v) + g_E*(e_rev_E - v) + g_I*(e_rev_I - v) + i_offset + I_inject : nA
    """ + TRAUB_RATES, threshold="v > v_offset + 30*mV and falling < 0*nA", refractory="tau_refrac",
        parameters={"gbar_Na": (20.0, "uS", "nonnegative"), "gbar_K": (6.0, "uS", "nonnegative"),
                    "g_leak": (0.01, "uS", "nonnegative"), "cm": (0.2, "nF", "positive"),
                    "v_offset": (-63.0, "mV"), "e_rev_Na": (50.0, "mV"), "e_rev_K": (-90.0, "mV"),
                    "e_rev_leak": (-65.0, "mV"), "e_rev_E": (0.0, "mV"), "e_rev_I": (-80.0, "mV"),
                    "tau_syn_E": (0.2, "ms", "positive"), "tau_syn_I": (2.0, "ms", "positive"),
                    "i_offset": (0.0, "nA"), "tau_refrac": (2.0, "ms", "nonnegative")},
        initial={"v": -65.0, "m": "alpha_m/(alpha_m + beta_m)", "h": "alpha_h/(alpha_h + beta_h)",
                 "n": "alpha_n/(alpha_n + beta_n)"},
        receptors={"excitatory": "g_E += w", "inhibitory": "g_I += w"},
        method="rk4", substeps=2, name="HH_cond_exp")


@library_model
def IF_cond_exp_gsfa_grr() -> EquationModel:
    """Leaky integrate-and-fire with exponential conductances, spike-frequency adaptation
    and a relative refractory mechanism (PyNN IF_cond_exp_gsfa_grr, NEST
    iaf_cond_exp_sfa_rr; Muller et al. 2007): at each spike the conductances g_s and
    g_r jump by q_sfa and q_rr and decay with tau_sfa and tau_rr. Integrated exactly
    between the conductance changes is not possible (v's coefficient depends on them):
    rk4."""
    return EquationModel("""
        dv/dt = ((v_rest - v)*cm/tau_m + g_E*(e_rev_E - v) + g_I*(e_rev_I - v) + g_s*(e_rev_sfa - v) + g_r*(e_rev_rr - v) + i_offset + I_inject)/cm : mV (unless refractory)
        dg_E/dt = -g_E/tau_syn_E : uS
        dg_I/dt = -g_I/tau_syn_I : uS
        dg_s/dt = -g_s/tau_sfa : uS
        dg_r/dt = -g_r/tau_rr : uS
    """, threshold="v >= v_thresh", reset="v = v_reset; g_s += q_sfa; g_r += q_rr", refractory="tau_refrac",
        parameters={**lif_parameters(), "e_rev_E": (0.0, "mV"), "e_rev_I": (-70.0, "mV"),
                    "tau_sfa": (100.0, "ms", "positive"), "e_rev_sfa": (-75.0, "mV"), "q_sfa": (15.0, "nS"),
                    "tau_rr": (2.0, "ms", "positive"), "e_rev_rr": (-75.0, "mV"), "q_rr": (3000.0, "nS")},
        initial={"v": "v_rest"}, receptors={"excitatory": "g_E += w", "inhibitory": "g_I += w"},
        method="rk4", name="IF_cond_exp_gsfa_grr")


GIF_KERNELS = 3          # PyNN's GIF_cond_exp: three eta and three gamma kernels


@library_model
def GIF_cond_exp() -> EquationModel:
    """Generalized integrate-and-fire with escape noise (Mensi et al. 2012, Pozzorini et
    al. 2015; PyNN GIF_cond_exp, NEST gif_cond_exp) and exponential conductances. Three
    spike-triggered currents eta_k (nA; i_eta their sum) and three threshold increments
    gamma_k (mV; the moving threshold v_t = v_t_star + their sum) jump by a_eta_k and
    a_gamma_k at each spike and decay with tau_eta_k and tau_gamma_k. A neuron spikes in a
    step with probability ``1 - exp(-lambda0 exp((v - v_t)/delta_v) dt)`` (one draw per
    neuron and step from the Philox streams); v is reset and held at v_reset for
    tau_refrac. PyNN's array parameters tau_eta, a_eta, tau_gamma, a_gamma are
    tau_eta1..3 and so on here. Integrated by exponential Euler (NEST: adaptive RKF45,
    with the adaptation held over the step)."""
    k = range(1, GIF_KERNELS + 1)
    eta = "\n".join(f"deta{i}/dt = -eta{i}/tau_eta{i} : nA" for i in k)
    gamma = "\n".join(f"dgamma{i}/dt = -gamma{i}/tau_gamma{i} : mV" for i in k)
    parameters = {**lif_parameters(tau_refrac=4.0), "e_rev_E": (0.0, "mV"), "e_rev_I": (-70.0, "mV"),
                  "delta_v": (0.5, "mV", "positive"), "v_t_star": (-48.0, "mV"),
                  "lambda0": (1.0, "Hz", "nonnegative")}
    del parameters["v_thresh"]
    for i, tau in zip(k, (1.0, 10.0, 100.0)):
        parameters.update({f"tau_eta{i}": (tau, "ms", "positive"), f"a_eta{i}": (1.0, "nA"),
                           f"tau_gamma{i}": (tau, "ms", "positive"), f"a_gamma{i}": (1.0, "mV")})
    return EquationModel(f"""
        dv/dt = ((v_rest - v)*cm/tau_m + g_E*(e_rev_E - v) + g_I*(e_rev_I - v) - i_eta + i_offset + I_inject)/cm : mV (unless refractory)
        i_eta = {" + ".join(f"eta{i}" for i in k)} : nA
        v_t = v_t_star + {" + ".join(f"gamma{i}" for i in k)} : mV
        dg_E/dt = -g_E/tau_syn_E : uS
        dg_I/dt = -g_I/tau_syn_I : uS
    """ + eta + "\n" + gamma,
        threshold="rand() < 1 - exp(-lambda0*exp((v - v_t)/delta_v)*dt)",
        reset="v = v_reset; " + "; ".join(f"eta{i} += a_eta{i}; gamma{i} += a_gamma{i}" for i in k),
        refractory="tau_refrac", parameters=parameters, initial={"v": "v_rest"},
        receptors={"excitatory": "g_E += w", "inhibitory": "g_I += w"},
        method="exponential_euler", name="GIF_cond_exp")


# -- SpikingJelly's discrete-time neurons (spikingjelly.activation_based.neuron) ---------------
# One step of the map is one simulation step; x is the input of the step (the weights
# arriving through the receptor "input"), v the membrane; both dimensionless, as there.

def _charge(decay_input: bool, soft_reset: bool, factor: str) -> str:
    """LIFNode.neuronal_charge, with ``factor`` = 1/tau (PLIF: sigmoid(w))."""
    rest = "0" if soft_reset else "v_reset"
    if decay_input:
        return f"v = v + (x - (v - {rest}))*{factor}"
    return f"v = v - (v - {rest})*{factor} + x"


def _discrete_lif(decay_input: bool, soft_reset: bool, parametric: bool) -> EquationModel:
    factor = "1/(1 + exp(-w))" if parametric else "1/tau"
    parameters = {"v_threshold": (1.0, "1"), "v_reset": (0.0, "1")}
    parameters.update({"w": (0.0, "1")} if parametric else {"tau": (2.0, "1", "positive")})
    name = "ParametricLIFNode" if parametric else "LIFNode"
    return EquationModel("v : 1\nx : 1", update=_charge(decay_input, soft_reset, factor) + "; x = 0",
                         threshold="v >= v_threshold",
                         reset="v = v - v_threshold" if soft_reset else "v = v_reset",
                         parameters=parameters, initial={"v": 0.0 if soft_reset else "v_reset"},
                         receptors={"input": "x += w_in"}, weight_symbol="w_in", method="discrete",
                         name=f"{name}(decay_input={decay_input}, soft_reset={soft_reset})")


_DISCRETE = {}


def SpikingJellyLIF(decay_input: bool = True, soft_reset: bool = False, **values) -> EquationModel:
    """SpikingJelly's LIFNode as a discrete-time map, one step per simulation step:
    ``H = V + (X - (V - V_reset))/tau`` (decay_input=True; else ``V - (V - V_reset)/tau + X``),
    a spike where ``H >= v_threshold``, then the hard reset ``V = V_reset`` or, with
    soft_reset (SpikingJelly's v_reset=None), ``V = H - v_threshold`` (the charge then
    decays to 0). X is what arrives at the receptor "input" in the step; dt is immaterial."""
    key = ("lif", bool(decay_input), bool(soft_reset))
    if key not in _DISCRETE:
        _DISCRETE[key] = _discrete_lif(bool(decay_input), bool(soft_reset), parametric=False)
    return _DISCRETE[key](**values) if values else _DISCRETE[key]


def PLIF(init_tau: float = 2.0, decay_input: bool = True, soft_reset: bool = False, **values) -> EquationModel:
    """SpikingJelly's ParametricLIFNode (Fang et al. 2021): SpikingJellyLIF with 1/tau =
    sigmoid(w), w = -log(init_tau - 1) (the learnable parameter; a per-neuron or
    per-instance w is a value like any other)."""
    import math
    if not init_tau > 1.0:
        from ..validation import fail
        fail("init_tau", init_tau, "must be > 1 (tau = 1/sigmoid(w))")
    key = ("plif", bool(decay_input), bool(soft_reset))
    if key not in _DISCRETE:
        _DISCRETE[key] = _discrete_lif(bool(decay_input), bool(soft_reset), parametric=True)
    return _DISCRETE[key](**dict({"w": -math.log(init_tau - 1.0)}, **values))


# -- spike sources that need a state or a dead time (rand(): snnkit.modeling.expressions) ------

@library_model
def SpikeSourcePoissonRefractory() -> EquationModel:
    """Poisson spikes with a dead time (PyNN SpikeSourcePoissonRefractory, NEST
    poisson_generator_ps with dead_time): no spike for tau_refrac after one, and the
    hazard rate / (1 - rate tau_refrac) keeps the mean rate at ``rate``. Fires only for
    start <= t < stop. t_last: the time of the last spike (ms)."""
    return EquationModel(
        "t_last : ms",
        threshold="t >= start and t < stop and rand() < rate*dt/(1 - rate*tau_refrac)",
        reset="t_last = t", refractory="tau_refrac", refractory_convention="brian2",
        parameters={"rate": (1.0, "Hz", "nonnegative"), "tau_refrac": (0.1, "ms", "nonnegative"),
                    "start": (0.0, "ms", "nonnegative"), "stop": (float("inf"), "ms", "positive_or_inf")},
        initial={"t_last": -1e9}, method="discrete", update="t_last = t_last",
        name="SpikeSourcePoissonRefractory")


@library_model
def SpikeSourceGamma() -> EquationModel:
    """Gamma-process spikes (PyNN SpikeSourceGamma, NEST gamma_sup_generator): every
    alpha-th event of a Poisson process of rate beta, so the intervals are Gamma(alpha,
    beta) distributed (alpha a whole number; events at most one a step, so beta dt << 1).
    Fires only for start <= t < stop. count: the events since the last spike."""
    return EquationModel(
        "count : 1", update="count = count + int(t >= start and t < stop and rand() < beta*dt)",
        threshold="count >= alpha", reset="count = 0",
        parameters={"alpha": (2.0, "1", "positive"), "beta": (1.0, "Hz", "nonnegative"),
                    "start": (0.0, "ms", "nonnegative"), "stop": (float("inf"), "ms", "positive_or_inf")},
        method="discrete", name="SpikeSourceGamma")
