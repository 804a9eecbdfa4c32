"""NEST 3.10 reference for the GIF model (tests/test_model_library.py): gif_cond_exp
is stochastic, so the reference is statistics. Four groups of N unconnected neurons,
each group one drive: three DC levels, and a lower DC with a regular excitatory and a
regular inhibitory spike train (delay 1 ms). For T seconds at dt 0.1 ms, counted from
WARMUP_MS on (the adaptation starts at zero and needs ~100 ms to settle): each group's
rate (mean over neurons, and its standard deviation across neurons), the mean
coefficient of variation of the inter-spike intervals, and the time-averaged mean of
the moving threshold E_sfa and the spike-triggered current I_stc.

    python tests/data/nest_gif.py tests/data/nest_gif.json
"""

import json
import sys

import nest
import numpy as np

DT, T_STOP, N, WARMUP_MS = 0.1, 5000.0, 200, 300.0
EXC_PERIOD_MS, INH_PERIOD_MS = 7.0, 11.0
PARAMS = dict(C_m=250.0, g_L=25.0, E_L=-65.0, V_reset=-60.0, t_ref=4.0, V_T_star=-50.0, Delta_V=1.0,
              lambda_0=5.0, tau_stc=[1.0, 10.0, 100.0], q_stc=[50.0, 20.0, 5.0],
              tau_sfa=[1.0, 10.0, 100.0], q_sfa=[2.0, 1.0, 0.5], E_ex=0.0, E_in=-80.0,
              tau_syn_ex=5.0, tau_syn_in=10.0, I_e=0.0)
# group: (DC pA, excitatory weight nS, inhibitory weight nS)
GROUPS = {"dc400": (400.0, 0.0, 0.0), "dc450": (450.0, 0.0, 0.0), "dc600": (600.0, 0.0, 0.0),
          "dc350_trains": (350.0, 3.0, 2.0)}


def run(name):
    dc, w_exc, w_inh = GROUPS[name]
    nest.ResetKernel()
    nest.resolution = DT
    nest.local_num_threads = 1
    nest.rng_seed = 12345
    cells = nest.Create("gif_cond_exp", N, params=dict(PARAMS, I_e=dc))
    spikes = nest.Create("spike_recorder")
    nest.Connect(cells, spikes)
    meter = nest.Create("multimeter", params=dict(record_from=["E_sfa", "I_stc"], interval=1.0,
                                                  start=WARMUP_MS))
    nest.Connect(meter, cells)
    if w_exc:
        exc = nest.Create("spike_generator", params=dict(spike_times=np.arange(EXC_PERIOD_MS, T_STOP, EXC_PERIOD_MS).round(1)))
        inh = nest.Create("spike_generator", params=dict(spike_times=np.arange(INH_PERIOD_MS, T_STOP, INH_PERIOD_MS).round(1)))
        nest.Connect(exc, cells, syn_spec=dict(weight=w_exc, delay=1.0))
        nest.Connect(inh, cells, syn_spec=dict(weight=-w_inh, delay=1.0))
    nest.Simulate(T_STOP)
    events = spikes.get("events")
    senders, times = np.asarray(events["senders"]), np.asarray(events["times"])
    senders, times = senders[times >= WARMUP_MS], times[times >= WARMUP_MS]
    first = cells.tolist()[0]
    rates, cvs = [], []
    for i in range(N):
        mine = np.sort(times[senders == first + i])
        rates.append(mine.size / ((T_STOP - WARMUP_MS) / 1000.0))
        if mine.size > 2:
            isi = np.diff(mine)
            cvs.append(isi.std() / isi.mean())
    recorded = meter.get("events")
    return dict(dc_pA=dc, w_exc_nS=w_exc, w_inh_nS=w_inh, rate_hz_mean=float(np.mean(rates)),
                rate_hz_sd=float(np.std(rates)), cv_mean=float(np.mean(cvs)),
                e_sfa_mV_mean=float(np.mean(recorded["E_sfa"])), i_stc_pA_mean=float(np.mean(recorded["I_stc"])))


out = {"nest_version": nest.__version__, "dt_ms": DT, "t_stop_ms": T_STOP, "n_per_group": N, "warmup_ms": WARMUP_MS, "params": PARAMS,
       "exc_period_ms": EXC_PERIOD_MS, "inh_period_ms": INH_PERIOD_MS,
       "groups": {name: run(name) for name in GROUPS}}
with open(sys.argv[1], "w") as f:            # (NEST prints its banner on stdout)
    json.dump(out, f, indent=1)
