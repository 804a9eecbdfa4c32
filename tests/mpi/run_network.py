"""One network of the partitioned-run tests (tests/test_mpi.py), run on every rank of
``mpirun -n R python -m mpi4py tests/mpi/run_network.py NAME BACKEND OUT.npz [output.h5]``
(or once, unpartitioned, with R = 0): rank 0 writes the spikes, traces, plastic weights
and spike counts to OUT.npz."""

from __future__ import annotations

import sys

import numpy as np

import snnkit as sk
from snnkit import distributions as dist


def cuba():
    from snnkit.examples.cuba import build
    net = build(1000, record_v=30).network
    return net, 150.0, None


def brunel_delays():
    """Brunel-like, random delays 0.3-2.2 ms (3-22 steps: the window is 3 steps), an
    external Poisson drive, FixedInDegree and FixedProbability, a partial spike monitor."""
    net = sk.Network()
    cell = sk.LIFCurrExp(tau_m=20.0, cm=0.25, v_rest=0.0, v_reset=10.0, v_thresh=20.0, tau_refrac=2.0,
                         tau_syn_E=0.5, tau_syn_I=0.5)
    exc = net.population(400, cell, name="exc")
    inh = net.population(101, cell, name="inh")
    drive = net.population(300, sk.Poisson(rate=dist.Uniform(1500.0, 2500.0)), name="drive")
    for pop in (exc, inh):
        pop.initialize(v=dist.Uniform(0.0, 20.0))
        net.connect(exc, pop, sk.FixedInDegree(40), weight=dist.Normal(0.05, 0.01),
                    delay=dist.Uniform(0.3, 2.2), receptor="excitatory")
        net.connect(inh, pop, sk.FixedProbability(0.1), weight=-0.25, delay=dist.Uniform(0.3, 2.2),
                    receptor="inhibitory")
        net.connect(drive, pop, sk.FixedOutDegree(20), weight=0.06, delay=0.3, receptor="excitatory")
    net.record(exc, "spikes", indices=range(0, 400, 3))
    net.record(inh, "spikes")
    net.record(inh, "v", indices=[100, 3, 50, 0])
    net.count_spikes(exc)
    return net, 120.0, None


def stdp():
    """Poisson inputs onto 3 neurons through STDP (weights compared), and a static
    feedback projection among them with a 1-step delay."""
    net = sk.Network()
    inputs = net.population(200, sk.Poisson(rate=15.0), name="inputs")
    cells = net.population(3, sk.LIFCurrExp(tau_m=10.0, cm=0.2, v_rest=-70.0, v_reset=-70.0, v_thresh=-54.0,
                                             tau_refrac=1.0, tau_syn_E=5.0, tau_syn_I=5.0), name="cells")
    projection = net.connect(inputs, cells, sk.AllToAll(), weight=dist.Uniform(0.0, 0.05),
                             plasticity=sk.STDP(tau_plus=20.0, tau_minus=20.0, A_plus=0.005, A_minus=0.00525,
                                                w_min=0.0, w_max=0.05))
    net.connect(cells, cells, sk.AllToAll(allow_self=False), weight=-0.05, receptor="inhibitory")
    net.record(cells, "spikes")
    return net, 300.0, projection


def microcircuit():
    from snnkit.bench.models.microcircuit import build
    net = build(int(0.1 * 77169)).network
    return net, 30.0, None


def boundary():
    """Spikes whose arrival is exactly a window's end or start: a source spike at step s
    reaches the target at step s + 4 (the window is 4 steps); the target fires in the
    step its input arrives (a delta synapse far above threshold)."""
    net = sk.Network()
    steps = [3, 4, 7, 8, 11, 12, 13, 20]
    source = net.population(4, sk.SpikeTimes([[s * 0.1 for s in steps[j::4]] for j in range(4)]), name="source")
    target = net.population(6, sk.LIF(tau_m=10.0, cm=1.0, v_rest=0.0, v_reset=0.0, v_thresh=1.0,
                                      tau_refrac=0.0), name="target")
    net.connect(source, target, sk.AllToAll(), weight=50.0, delay=0.4)
    net.record(target, "spikes")
    return net, 5.0, None


NETWORKS = dict(cuba=cuba, brunel_delays=brunel_delays, stdp=stdp, microcircuit=microcircuit, boundary=boundary)


def main(name: str, backend: str, out: str, output: str | None = None, batch: int = 1) -> None:
    net, duration, plastic = NETWORKS[name]()
    net.seed = 11
    partitioned = "OMPI_COMM_WORLD_SIZE" in __import__("os").environ or "PMI_SIZE" in __import__("os").environ
    sim = sk.Simulator(net, backend=backend, seed=5, batch=batch, comm="mpi" if partitioned else None,
                       output=output)
    sim.run(duration / 2)
    cells = next(p for p in net.populations if not p.is_source)
    v = sim.state(cells, "v")                    # the whole population's, on every rank
    sim.set_state(cells, "v", v[0] - 0.5 * np.arange(cells.size) / cells.size)
    sim.run(duration / 2)                        # two runs: the exchange window spans a run's end
    res = sim.results
    saved = {"state.v": v, "state.v.end": sim.state(cells, "v")}
    for pop, d in res.spikes.items():
        saved.update({f"{pop}.times": d.times, f"{pop}.nodes": d.node_ids, f"{pop}.instances": d.instances})
    for pop, variables in res.traces.items():
        for var, trace in variables.items():
            saved[f"{pop}.{var}"] = trace.data
            saved[f"{pop}.{var}.nodes"] = trace.node_ids
    if plastic is not None:
        saved.update(zip(("pre", "post", "weight"), sim.weights(plastic)))
    for pop in net.counted:
        saved[f"{pop.name}.counts"] = sim.spike_counts(pop)
    if sim.partition is not None:
        report = sim.exchange.report()
        saved.update(window=report["window_steps"], exchanges=report["exchanges"])
    if sim.partition is None or sim.partition.root:
        np.savez(out, **saved)


if __name__ == "__main__":
    output = sys.argv[4] if len(sys.argv) > 4 and sys.argv[4] not in ("", "-") else None
    main(*sys.argv[1:4], output, *[int(a) for a in sys.argv[5:6]])
