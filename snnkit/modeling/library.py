"""Standard neuron models written as equations (PyNN's names and units where PyNN has the type).

Each is an EquationModel: call it with parameter values, ``IF_curr_alpha(tau_m=15.0)``.
Checked against NEST 3.10 (tests/test_model_library.py, tests/data/nest_library_models.*).
More models (EIF_cond_alpha, HH, IF_cond_exp_gsfa_grr, GIF, PLIF) follow (issue 18).
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


@library_model
def EIF_cond_exp_isfa_ista() -> EquationModel:
    """Adaptive exponential integrate-and-fire, AdEx (Brette & Gerstner 2005; PyNN
    EIF_cond_exp_isfa_ista, NEST aeif_cond_exp) with exponential conductances. The
    spike is at v >= v_spike; v is clamped at v_reset for tau_refrac; the adaptation
    current w (nA) jumps by b. Integrated with rk4 (NEST: adaptive RKF45); v in the
    exponential is capped at v_spike, as NEST does, and so is the v that drives w: in
    the step that crosses v_spike, rk4's stages overshoot by orders of magnitude (the
    exponential is stiff there) and would throw w far off."""
    return EquationModel("""
        dv/dt = (g_L*(v_rest - v) + g_L*delta_T*exp((minimum(v, v_spike) - v_thresh)/delta_T) + g_E*(e_rev_E - v) + g_I*(e_rev_I - v) - w + i_offset + I_inject)/cm : mV (unless refractory)
        g_L = cm/tau_m : uS
        dw/dt = (a*(minimum(v, v_spike) - v_rest) - w)/tau_w : nA
        dg_E/dt = -g_E/tau_syn_E : uS
        dg_I/dt = -g_I/tau_syn_I : uS
    """, threshold="v >= v_spike", reset="v = v_reset; w += b", refractory="tau_refrac",
        parameters={**lif_parameters(cm=0.281, tau_m=9.3667, v_rest=-70.6, v_reset=-70.6, v_thresh=-50.4),
                    "v_spike": (-40.0, "mV"), "delta_T": (2.0, "mV", "positive"), "a": (4.0, "nS"),
                    "b": (0.0805, "nA"), "tau_w": (144.0, "ms", "positive"), "e_rev_E": (0.0, "mV"),
                    "e_rev_I": (-80.0, "mV")},
        initial={"v": "v_rest"},
        receptors={"excitatory": "g_E += weight", "inhibitory": "g_I += weight"},
        weight_symbol="weight", method="rk4", name="EIF_cond_exp_isfa_ista")
