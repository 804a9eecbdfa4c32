"""pyNN.nest reference for snnkit_pynn's PointNeuron (tests/test_pynn_cells.py): PyNN
0.13's own scenario test_composed_neuron_model_homogeneous_receptors
(test/system/scenarios/test_cell_types.py) as it is, an AdExp with three alpha
conductance receptors and a LIF with three exponential current receptors, each fed
one spike through each receptor, plus a second run of it with a DC current into both
so that they spike (200 ms at dt 0.1 ms); v and every receptor's variable recorded.
Both with min_delay 0.1 ms: with PyNN's default min_delay="auto", pyNN.nest delivers
SpikeSourceArray spikes 1.4 ms late here (it shifts the times back by the kernel's
min_delay when the source is made, 0.1 ms, but routes them through parrot neurons
with the final min_delay, the smallest delay: 1.5 ms).

    python tests/data/pynn_nest_point_neuron.py tests/data/pynn_nest_point_neuron.json   (PyNN 0.13 + NEST 3.10)
"""

import json
import sys

import numpy as np
from pyNN.parameters import Sequence

RECEPTORS = ["AMPA", "NMDA", "GABAA"]


def scenario(sim, dc_nA: float = 0.0, **setup) -> dict:
    sim.setup(**setup)
    celltype1 = sim.PointNeuron(sim.AdExp(tau_m=10.0, v_rest=-60.0), AMPA=sim.AlphaPSR(tau_syn=1.0, e_syn=0.0),
                                NMDA=sim.AlphaPSR(tau_syn=20.0, e_syn=0.0),
                                GABAA=sim.AlphaPSR(tau_syn=1.5, e_syn=-70.0))
    celltype2 = sim.PointNeuron(sim.LIF(tau_m=10.0, v_rest=-60.0), AMPA=sim.CurrExpPostSynapticResponse(tau_syn=1.0),
                                NMDA=sim.CurrExpPostSynapticResponse(tau_syn=20.0),
                                GABAA=sim.CurrExpPostSynapticResponse(tau_syn=1.5))
    neurons1 = sim.Population(1, celltype1, initial_values={'v': -60.0})
    neurons2 = sim.Population(1, celltype2, initial_values={'v': -60.0})
    neurons = neurons1 + neurons2
    neurons1.record(['spikes', 'v', 'AMPA.gsyn', 'NMDA.gsyn', 'GABAA.gsyn'])
    neurons2.record(['spikes', 'v', 'AMPA.isyn', 'NMDA.isyn', 'GABAA.isyn'])
    checks = dict(tau_m=np.asarray(neurons.get("tau_m"), float).tolist(),
                  gabaa_e_syn=float(neurons1.get("GABAA.e_syn")),
                  gabaa_tau_syn=float(neurons2.get("GABAA.tau_syn")))
    inputs = sim.Population(3, sim.SpikeSourceArray(spike_times=[Sequence([30.0]), Sequence([60.0]),
                                                                 Sequence([90.0])]))
    for post, weights in ((neurons1, (0.01, 0.1, 0.005)), (neurons2, (0.01, -0.1, 0.005))):
        for k, (receptor, w) in enumerate(zip(("AMPA", "GABAA", "NMDA"), weights)):
            sim.Projection(inputs[k:k + 1], post, sim.AllToAllConnector(),
                           synapse_type=sim.StaticSynapse(weight=w, delay=1.5), receptor_type=receptor,
                           label=receptor)
    if dc_nA:
        sim.DCSource(amplitude=dc_nA, start=20.0, stop=180.0).inject_into(neurons)
    sim.run(200.0)
    out = {"checks": checks}
    for pop, variable in ((neurons1, "gsyn"), (neurons2, "isyn")):
        segment = pop.get_data().segments[0]
        part = {"spikes_ms": np.asarray(segment.spiketrains[0].magnitude, float).round(6).tolist()}
        for name in ["v"] + [f"{r}.{variable}" for r in RECEPTORS]:
            part[name] = np.asarray(segment.filter(name=name)[0].magnitude, float)[:, 0].tolist()
        out["adexp" if pop is neurons1 else "lif"] = part
    sim.end()
    return out


if __name__ == "__main__":
    import pyNN.nest as nest_sim
    result = {"as_pynn": scenario(nest_sim, min_delay=0.1), "driven": scenario(nest_sim, dc_nA=1.2, min_delay=0.1)}
    with open(sys.argv[1], "w") as f:
        json.dump(result, f)
