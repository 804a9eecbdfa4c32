"""Plasticity rules written as synapse models against their references: NEST's
stdp_synapse, vogels_sprekeler_synapse and stdp_triplet_synapse by NEST's pair protocol
(tests/data/nest_synapses.json), and sk.STDP's hand-written kernels against the same
rule re-expressed (PairSTDPSynapse)."""

import numpy as np
import pytest

import snnkit as sk

from .test_synapse_models import PARROT, REF


def pair_protocol(ref, rule, w0, delay):
    """NEST's pair protocol (tests/data/nest_synapses.py): parrots that spike at NEST's
    times, the plastic connection into the postsynaptic parrot's non-spiking receptor;
    returns the synapse weights after the run."""
    n = len(ref["pre_ms"])
    net = sk.Network()
    pre = net.population(n, sk.SpikeTimes(ref["pre_ms"]), name="pre")
    post_drive = net.population(n, sk.SpikeTimes([[t - 1.0 for t in times] for times in ref["post_ms"]]),
                                name="post_drive")
    post = net.population(n, PARROT, name="post")
    net.connect(post_drive, post, sk.OneToOne(), weight=1.0, delay=1.0, receptor="drive")
    proj = net.connect(pre, post, sk.OneToOne(), weight=w0, delay=delay, receptor="plastic", synapse=rule)
    net.record(post, "spikes")
    sim = sk.Simulator(net, dtype="float64").run(REF["t_stop_ms"] + 50.0)
    spikes = sim.results.spikes["post"]
    assert np.allclose(np.sort(spikes.times[spikes.node_ids == 0]), ref["post_ms"][0])
    return sim.synapse_values(proj, "w")[0]


@pytest.mark.parametrize("run", sorted(REF["stdp"]["runs"]))
def test_stdp_synapse_weights_equal_nest_with_the_dendritic_delay(run):
    """NEST's stdp_synapse, pairs at offsets -20..20 ms, delay 1.5 and 5 ms (all dendritic):
    the weights after 1 s within 1e-6 relative (measured: equal to 7e-16); with the delay
    a postsynaptic spike up to the delay before the presynaptic one still potentiates (the
    sign changes at -delay, not at 0), and at exactly -delay nothing pairs."""
    from snnkit.modeling.synapse_library import STDPSynapse
    ref, stdp = REF["stdp"]["runs"][run], REF["stdp"]["parameters"]
    case = REF["stdp"]["cases"][run.split("_delay_")[0]]
    delay = float(run.split("_delay_")[1])
    rule = STDPSynapse(tau_plus=stdp["tau_plus"], tau_minus=stdp["tau_minus"], lambda_=stdp["lambda_"],
                       alpha=stdp["alpha"], w_max=stdp["Wmax"], **case)
    weights = pair_protocol(ref, rule, stdp["w0"], delay)
    assert np.allclose(weights, ref["weights"], rtol=1e-6, atol=0), np.max(np.abs(weights / ref["weights"] - 1))
    offsets = np.array(REF["stdp"]["offsets_ms"])
    assert np.all(weights[offsets > -delay] > stdp["w0"]) and np.all(weights[offsets < -delay] < stdp["w0"])


@pytest.mark.parametrize("delay", ["1.5", "5.0"])
@pytest.mark.parametrize("nest_model", ["vogels_sprekeler_synapse", "stdp_triplet_synapse"])
def test_pair_rules_equal_nest(nest_model, delay):
    """vogels_sprekeler_synapse and stdp_triplet_synapse by NEST's pair protocol: the
    weights within 1e-6 relative."""
    from snnkit.modeling.synapse_library import TripletSTDPSynapse, VogelsSprekelerSynapse
    spec = REF["rules"][nest_model]
    p, neuron, ref = spec["synapse"], spec["neuron"], spec["runs"][f"delay_{delay}"]
    if nest_model == "vogels_sprekeler_synapse":
        rule = VogelsSprekelerSynapse(tau=p["tau"], eta=p["eta"], alpha=p["alpha"], w_max=p["Wmax"],
                                      tau_minus=neuron["tau_minus"])
    else:
        rule = TripletSTDPSynapse(tau_plus=p["tau_plus"], tau_plus_triplet=p["tau_plus_triplet"], A_plus=p["Aplus"],
                                  A3_plus=p["Aplus_triplet"], A_minus=p["Aminus"], A3_minus=p["Aminus_triplet"],
                                  w_max=p["Wmax"], tau_minus=neuron["tau_minus"],
                                  tau_minus_triplet=neuron["tau_minus_triplet"])
    weights = pair_protocol(ref, rule, spec["w0"], float(delay))
    assert np.allclose(weights, ref["weights"], rtol=1e-6, atol=0), np.max(np.abs(weights / ref["weights"] - 1))
    assert np.ptp(weights) > 0.01 * spec["w0"]                   # the protocol does change them


@pytest.mark.parametrize("dependence, pairing, x_target, a_minus", [
    ("additive", "all", 0.0, 0.025), ("multiplicative", "all", 0.0, 0.025), ("additive", "nearest", 0.0, 0.025),
    ("additive", "all", 0.3, 0.025), ("multiplicative", "nearest", 0.4, 0.0)])     # the last: Diehl & Cook's
def test_pair_stdp_re_expressed_gives_the_hand_written_weights(dependence, pairing, x_target, a_minus):
    """sk.STDP (the hand-written kernels) against PairSTDPSynapse with delay 2a steps and
    axonal_delay a (both then pair the same spikes): the same spikes, and in float64 the
    weights within 1e-9 relative (the traces: a product per step there, exp of the
    elapsed time here)."""
    from snnkit.modeling.synapse_library import PairSTDPSynapse
    rule = sk.STDP(tau_plus=15.0, tau_minus=25.0, A_plus=0.02, A_minus=a_minus, w_max=1.0,
                   weight_dependence=dependence, pairing=pairing, x_target=x_target)

    def run(generic):
        net = sk.Network(seed=6)
        source = net.population(40, sk.Poisson(rate=25.0), name="source")
        drive = net.population(4, sk.Poisson(rate=60.0), name="drive")
        cell = net.population(4, sk.LIF(tau_m=10.0, v_rest=-65.0, v_reset=-65.0, v_thresh=-60.0,
                                        tau_refrac=2.0), name="cell")
        net.connect(drive, cell, sk.OneToOne(), weight=6.0, delay=0.1)
        kwargs = dict(synapse=PairSTDPSynapse(rule), axonal_delay=0.3) if generic else dict(plasticity=rule)
        proj = net.connect(source, cell, sk.AllToAll(), weight=0.5, delay=0.6, **kwargs)
        net.record(cell, "spikes")
        sim = sk.Simulator(net, dtype="float64", seed=3).run(500.0)
        return sim.results.spikes["cell"], sim.weights(proj)[2][0]
    (spikes_hand, w_hand), (spikes_generic, w_generic) = run(False), run(True)
    assert spikes_hand.times.size > 25 and np.array_equal(spikes_hand.times, spikes_generic.times)
    assert np.ptp(w_hand) > 0.05                                      # the rule moved them from 0.5
    assert np.allclose(w_generic, w_hand, rtol=1e-9, atol=1e-12), np.max(np.abs(w_generic - w_hand))


def test_diehl_cook_is_the_pair_rule_without_depression():
    from snnkit.modeling.synapse_library import DiehlCookSynapse
    model = DiehlCookSynapse(eta=0.001, x_target=0.3)
    assert model.params["A_minus"] == 0.0 and model.params["x_target"] == 0.3
    assert model.name == "PairSTDPSynapse(multiplicative, nearest)"
