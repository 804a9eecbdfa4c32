"""NEST 3.10 references for composed neurons (snnkit.modeling.composed; PyNN's
PointNeuron): NEST's multisynapse models, whose receptor ports 1, 2, 3 PyNN names
(AMPA, NMDA, GABAA ...). Each gets a DC step (100 to 800 ms) and one spike train per
receptor through static synapses (delay 1 ms), for 1 s at dt 0.1 ms; V_m and each
receptor's conductance or current are recorded every step and the spikes kept.

    python tests/data/nest_point_neuron.py tests/data/nest_point_neuron.json
"""

import json
import sys

import nest
import numpy as np

DT, T_STOP = 0.1, 1000.0
TRAINS = [[round(t, 1) for t in np.arange(start, 980.0, step)] for start, step in ((20.0, 13.7), (35.0, 41.3),
                                                                                     (50.0, 29.1))]
MODELS = {
    # name: (nest model, parameters, DC pA, weight per receptor (pA or nS), recorded per receptor)
    "iaf_psc_exp_multisynapse": (
        "iaf_psc_exp_multisynapse", dict(C_m=250.0, tau_m=10.0, t_ref=2.0, E_L=-60.0, V_reset=-65.0, V_th=-50.0,
                                         tau_syn=[1.0, 20.0, 1.5], I_e=0.0),
        250.0, [300.0, 60.0, -400.0], "I_syn"),
    "aeif_cond_alpha_multisynapse": (
        "aeif_cond_alpha_multisynapse", dict(C_m=281.0, g_L=28.1, E_L=-60.0, V_reset=-60.0, V_th=-50.4,
                                             Delta_T=2.0, V_peak=0.0, a=4.0, b=80.5, tau_w=144.0, t_ref=0.1,
                                             E_rev=[0.0, 0.0, -70.0], tau_syn=[1.0, 20.0, 1.5], I_e=0.0),
        600.0, [10.0, 2.0, 15.0], "g"),
    "aeif_cond_beta_multisynapse": (
        "aeif_cond_beta_multisynapse", dict(C_m=281.0, g_L=28.1, E_L=-60.0, V_reset=-60.0, V_th=-50.4,
                                            Delta_T=2.0, V_peak=0.0, a=4.0, b=80.5, tau_w=144.0, t_ref=0.1,
                                            E_rev=[0.0, -80.0, 0.0], tau_rise=[0.2, 0.5, 2.0],
                                            tau_decay=[1.7, 10.0, 30.0], I_e=0.0),
        600.0, [10.0, 8.0, 1.5], "g"),
}


def run(name):
    model, params, dc, weights, variable = MODELS[name]
    nest.ResetKernel()
    nest.resolution = DT
    nest.local_num_threads = 1
    neuron = nest.Create(model, params=params)
    neuron.set(V_m=params["E_L"])
    recorded = ["V_m"] + [f"{variable}_{k + 1}" for k in range(len(weights))]
    meter = nest.Create("multimeter", params=dict(record_from=recorded, interval=DT))
    spikes = nest.Create("spike_recorder")
    dc_gen = nest.Create("dc_generator", params=dict(amplitude=dc, start=100.0, stop=800.0))
    nest.Connect(dc_gen, neuron)
    for k, (train, w) in enumerate(zip(TRAINS, weights)):
        gen = nest.Create("spike_generator", params=dict(spike_times=train))
        nest.Connect(gen, neuron, syn_spec=dict(weight=w, delay=1.0, receptor_type=k + 1))
    nest.Connect(meter, neuron)
    nest.Connect(neuron, spikes)
    nest.Simulate(T_STOP)
    events = meter.get("events")
    order = np.argsort(events["times"])
    return dict(nest_model=model, params=params, dc_pA=dc, weights=weights, delay_ms=1.0,
                times_ms=np.asarray(events["times"])[order].round(6).tolist(),
                recorded={x: np.asarray(events[x])[order].tolist() for x in recorded},
                spikes_ms=np.asarray(spikes.get("events")["times"]).round(6).tolist())


out = {"nest_version": nest.__version__, "dt_ms": DT, "t_stop_ms": T_STOP, "trains_ms": TRAINS,
       "dc_start_ms": 100.0, "dc_stop_ms": 800.0, "models": {name: run(name) for name in MODELS}}
with open(sys.argv[1], "w") as f:            # (NEST prints its banner on stdout)
    json.dump(out, f)
