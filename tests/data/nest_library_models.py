"""NEST 3.10 references for the equation-defined model library (tests/test_model_library.py).

Each model gets the same drive: a DC step (from 100 ms to 800 ms) and an
excitatory and an inhibitory spike train through static synapses (delay 1 ms),
for 1 s at dt 0.1 ms; V_m is recorded every step and the spike times kept.

    python tests/data/nest_library_models.py tests/data/nest_library_models.json
"""

import json
import sys

import nest
import numpy as np

DT, T_STOP = 0.1, 1000.0
EXC_TIMES = [round(t, 1) for t in np.arange(20.0, 980.0, 13.7)]
INH_TIMES = [round(t, 1) for t in np.arange(35.0, 980.0, 41.3)]

MODELS = {
    # name: (nest model, parameters, DC pA, excitatory weight, inhibitory weight)
    "iaf_psc_alpha": ("iaf_psc_alpha", dict(C_m=250.0, tau_m=10.0, t_ref=2.0, E_L=-70.0, V_reset=-70.0,
                                             V_th=-55.0, tau_syn_ex=2.0, tau_syn_in=5.0, I_e=0.0),
                      400.0, 300.0, -400.0),
    "aeif_cond_exp": ("aeif_cond_exp", dict(C_m=281.0, g_L=30.0, E_L=-70.6, V_reset=-60.0, V_th=-50.4,
                                             Delta_T=2.0, V_peak=0.0, a=4.0, b=80.5, tau_w=144.0, t_ref=0.1,
                                             E_ex=0.0, E_in=-80.0, tau_syn_ex=0.2, tau_syn_in=2.0, I_e=0.0),
                      800.0, 20.0, -20.0),
    "iaf_cond_alpha": ("iaf_cond_alpha", dict(C_m=250.0, g_L=16.6667, E_L=-70.0, V_reset=-60.0, V_th=-55.0,
                                               t_ref=2.0, E_ex=0.0, E_in=-85.0, tau_syn_ex=0.2, tau_syn_in=2.0,
                                               I_e=0.0),
                       350.0, 30.0, -30.0),
    "izhikevich": ("izhikevich", dict(a=0.02, b=0.2, c=-65.0, d=8.0, V_th=30.0, I_e=0.0,
                                      consistent_integration=True),
                   10.0, 4.0, -4.0),
    "aeif_cond_alpha": ("aeif_cond_alpha", dict(C_m=281.0, g_L=30.0, E_L=-70.6, V_reset=-60.0, V_th=-50.4,
                                                 Delta_T=2.0, V_peak=0.0, a=4.0, b=80.5, tau_w=144.0, t_ref=0.1,
                                                 E_ex=0.0, E_in=-80.0, tau_syn_ex=0.2, tau_syn_in=2.0, I_e=0.0),
                        800.0, 20.0, -20.0),
    "hh_cond_exp_traub": ("hh_cond_exp_traub", dict(C_m=200.0, g_Na=20000.0, g_K=6000.0, g_L=10.0, E_Na=50.0,
                                                     E_K=-90.0, E_L=-60.0, V_T=-63.0, E_ex=0.0, E_in=-80.0,
                                                     tau_syn_ex=5.0, tau_syn_in=10.0, t_ref=2.0, I_e=0.0),
                          400.0, 20.0, -20.0),
    "iaf_cond_exp_sfa_rr": ("iaf_cond_exp_sfa_rr", dict(C_m=289.5, g_L=28.95, E_L=-70.0, V_reset=-70.0,
                                                         V_th=-57.0, t_ref=0.5, E_ex=0.0, E_in=-75.0,
                                                         tau_syn_ex=1.5, tau_syn_in=10.0, tau_sfa=110.0,
                                                         E_sfa=-70.0, q_sfa=14.48, tau_rr=1.97, E_rr=-70.0,
                                                         q_rr=3214.0, I_e=0.0),
                            500.0, 20.0, -20.0),
}
# state variables recorded besides V_m (and their values before the first step)
EXTRA = {"hh_cond_exp_traub": ["Act_m", "Inact_h", "Act_n"], "iaf_cond_exp_sfa_rr": ["g_sfa", "g_rr"],
         "aeif_cond_alpha": ["w"]}


def run(name):
    model, params, dc, w_exc, w_inh = MODELS[name]
    nest.ResetKernel()
    nest.resolution = DT
    nest.local_num_threads = 1
    neuron = nest.Create(model, params=params)
    if name == "izhikevich":
        neuron.set(V_m=-70.0, U_m=0.2 * -70.0)
    dc_gen = nest.Create("dc_generator", params=dict(amplitude=dc, start=100.0, stop=800.0))
    exc = nest.Create("spike_generator", params=dict(spike_times=EXC_TIMES))
    inh = nest.Create("spike_generator", params=dict(spike_times=INH_TIMES))
    extra = EXTRA.get(name, [])
    initial = {x: float(neuron.get(x)) for x in ["V_m"] + extra}
    meter = nest.Create("multimeter", params=dict(record_from=["V_m"] + extra, interval=DT))
    spikes = nest.Create("spike_recorder")
    nest.Connect(dc_gen, neuron)
    nest.Connect(exc, neuron, syn_spec=dict(weight=w_exc, delay=1.0))
    nest.Connect(inh, neuron, syn_spec=dict(weight=w_inh, delay=1.0))
    nest.Connect(meter, neuron)
    nest.Connect(neuron, spikes)
    nest.Simulate(T_STOP)
    events = meter.get("events")
    order = np.argsort(events["times"])
    return dict(nest_model=model, params=params, dc_pA=dc, dc_start_ms=100.0, dc_stop_ms=800.0,
                w_exc=w_exc, w_inh=w_inh, delay_ms=1.0,
                times_ms=np.asarray(events["times"])[order].round(6).tolist(),
                v_mV=np.asarray(events["V_m"])[order].tolist(),
                spikes_ms=np.asarray(spikes.get("events")["times"]).round(6).tolist(), initial=initial,
                **{x: np.asarray(events[x])[order].tolist() for x in extra})


out = {"nest_version": nest.__version__, "dt_ms": DT, "t_stop_ms": T_STOP, "exc_times_ms": EXC_TIMES,
       "inh_times_ms": INH_TIMES, "models": {name: run(name) for name in MODELS}}
with open(sys.argv[1], "w") as f:            # (NEST prints its banner on stdout)
    json.dump(out, f)
