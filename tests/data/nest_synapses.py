"""NEST 3.10 references for the synapse models (tests/test_synapse_models.py).

Short-term plasticity: one spike_generator drives a parrot_neuron (delay 0.1 ms;
NEST's plastic synapses take no generator input), which drives one iaf_psc_delta
that does not leak (tau_m 1e9 ms) and never fires, through tsodyks_synapse or
tsodyks2_synapse (delay 1 ms); the parrot's spike times are stored (``sent_ms``); V_m, recorded every step, jumps at each arrival by what the synapse
delivered (its weight times the released fraction). Two trains (regular 20 Hz;
irregular: a fixed seeded Poisson train of 25 Hz on the 0.1 ms grid), two parameter
sets (depressing, facilitating), 1 s at dt 0.1 ms.

STDP (stdp_synapse): for each offset in -20..20 ms a pair of parrot_neurons, the
presynaptic one driven at 50, 150, ..., 950 ms, the postsynaptic one at those times
plus the offset (its plastic input arrives at receptor 1, which a parrot does not
repeat); a plastic connection with a dendritic delay of 1.5 or 5 ms, additive (mu 0)
or multiplicative (mu 1) weight dependence; the weights after 1 s and the spike times
the parrots sent; the same for vogels_sprekeler_synapse and stdp_triplet_synapse
(``rules``). NEST applies a potentiation when the next presynaptic spike comes, so
a last presynaptic spike at 1040 ms (FLUSH_MS) makes its weights final.

    python tests/data/nest_synapses.py tests/data/nest_synapses.json
"""

import json
import sys

import nest
import numpy as np

DT, T_STOP, DELAY, WEIGHT = 0.1, 1000.0, 1.0, 2.0
TRAINS = {
    "regular": [round(t, 1) for t in np.arange(10.0, 990.0, 50.0)],
    "irregular": sorted({round(t, 1) for t in np.cumsum(np.random.default_rng(7).exponential(40.0, 60))
                         if 1.0 <= t < 990.0}),
}
PARAMETERS = {
    "tsodyks_synapse": {"depressing": dict(U=0.5, tau_rec=800.0, tau_fac=0.0, tau_psc=3.0),
                        "facilitating": dict(U=0.1, tau_rec=100.0, tau_fac=1000.0, tau_psc=2.0, u=0.05)},
    "tsodyks2_synapse": {"depressing": dict(U=0.5, tau_rec=800.0, tau_fac=0.0),
                         "facilitating": dict(U=0.1, tau_rec=100.0, tau_fac=1000.0, u=0.1)},
}


def amplitudes(model, params, train):
    nest.ResetKernel()
    nest.resolution = DT
    nest.local_num_threads = 1
    cell = nest.Create("iaf_psc_delta", params=dict(C_m=1.0, tau_m=1e9, E_L=0.0, V_m=0.0, V_reset=0.0,
                                                   V_th=1e9, t_ref=0.1, I_e=0.0))
    source = nest.Create("spike_generator", params=dict(spike_times=train))
    parrot = nest.Create("parrot_neuron")
    sent = nest.Create("spike_recorder")
    meter = nest.Create("multimeter", params=dict(record_from=["V_m"], interval=DT))
    nest.Connect(source, parrot, syn_spec=dict(delay=DT))
    nest.Connect(parrot, sent)
    nest.Connect(parrot, cell, syn_spec=dict(synapse_model=model, weight=WEIGHT, delay=DELAY, **params))
    nest.Connect(meter, cell)
    nest.Simulate(T_STOP)
    events = meter.get("events")
    order = np.argsort(events["times"])
    times, v = np.asarray(events["times"])[order], np.asarray(events["V_m"])[order]
    jumps = np.diff(np.concatenate([[0.0], v]))
    arrive = jumps > 1e-6                     # (the leak over tau_m = 1e9 ms: 1e-10 mV a step)
    return dict(sent_ms=np.asarray(sent.get("events")["times"]).round(6).tolist(),
                times_ms=times[arrive].round(6).tolist(), amplitudes=jumps[arrive].tolist())


OFFSETS_MS = list(range(-20, 21))
PAIR_TIMES_MS = [50.0 + 100.0 * k for k in range(10)]
FLUSH_MS = 1040.0
STDP = dict(tau_plus=20.0, lambda_=0.01, alpha=1.2, Wmax=100.0, w0=50.0, tau_minus=20.0)
STDP_CASES = {"additive": dict(mu_plus=0.0, mu_minus=0.0), "multiplicative": dict(mu_plus=1.0, mu_minus=1.0)}


# other pair-based rules, by the same protocol: (synapse params, post neuron params)
RULES = {
    "vogels_sprekeler_synapse": (dict(tau=20.0, eta=0.05, alpha=0.2, Wmax=10.0), dict(tau_minus=20.0), 5.0),
    "stdp_triplet_synapse": (dict(tau_plus=16.8, tau_plus_triplet=101.0, Aplus=0.5, Aplus_triplet=0.62,
                                  Aminus=0.7, Aminus_triplet=0.23, Wmax=100.0),
                             dict(tau_minus=33.7, tau_minus_triplet=125.0), 50.0),
}


def pair_protocol(delay, synapse_model, synapse_params, neuron_params, w0):
    nest.ResetKernel()
    nest.resolution = DT
    nest.local_num_threads = 1
    n = len(OFFSETS_MS)
    pre = nest.Create("parrot_neuron", n)
    post = nest.Create("parrot_neuron", n, params=neuron_params)
    recorder = nest.Create("spike_recorder")
    for i, offset in enumerate(OFFSETS_MS):
        drive_pre = nest.Create("spike_generator", params=dict(spike_times=PAIR_TIMES_MS + [FLUSH_MS]))
        drive_post = nest.Create("spike_generator", params=dict(spike_times=[t + offset for t in PAIR_TIMES_MS]))
        nest.Connect(drive_pre, pre[i], syn_spec=dict(delay=DT))
        nest.Connect(drive_post, post[i], syn_spec=dict(delay=DT))
    nest.Connect(pre + post, recorder)
    nest.Connect(pre, post, "one_to_one", syn_spec=dict(synapse_model=synapse_model, weight=w0, delay=delay,
                                                       receptor_type=1, **synapse_params))
    nest.Simulate(T_STOP + 50.0)
    events = recorder.get("events")
    senders, times = np.asarray(events["senders"]), np.asarray(events["times"])
    conns = nest.GetConnections(pre, post)
    by_pair = dict(zip(conns.get("source"), conns.get("weight")))
    return dict(weights=[float(by_pair[p]) for p in pre.tolist()],
                pre_ms=[np.sort(times[senders == p]).round(6).tolist() for p in pre.tolist()],
                post_ms=[np.sort(times[senders == p]).round(6).tolist() for p in post.tolist()])


def stdp_weights(delay, case):
    params = dict(tau_plus=STDP["tau_plus"], alpha=STDP["alpha"], Wmax=STDP["Wmax"],
                  **{"lambda": STDP["lambda_"]}, **STDP_CASES[case])
    return pair_protocol(delay, "stdp_synapse", params, dict(tau_minus=STDP["tau_minus"]), STDP["w0"])


out = {"nest_version": nest.__version__, "dt_ms": DT, "t_stop_ms": T_STOP, "delay_ms": DELAY, "weight": WEIGHT,
       "trains_ms": TRAINS, "parameters": PARAMETERS,
       "stdp": {"offsets_ms": OFFSETS_MS, "parameters": STDP, "cases": STDP_CASES,
                "runs": {f"{case}_delay_{delay}": stdp_weights(delay, case) for case in STDP_CASES
                         for delay in (1.5, 5.0)}},
       "rules": {name: {"synapse": params, "neuron": neuron, "w0": w0,
                        "runs": {f"delay_{delay}": pair_protocol(delay, name, params, neuron, w0)
                                 for delay in (1.5, 5.0)}}
                 for name, (params, neuron, w0) in RULES.items()},
       "short_term": {model: {name: {train: amplitudes(model, params, TRAINS[train]) for train in TRAINS}
                              for name, params in sets.items()} for model, sets in PARAMETERS.items()}}
with open(sys.argv[1], "w") as f:            # (NEST prints its banner on stdout)
    json.dump(out, f, indent=1)
