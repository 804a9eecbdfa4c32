"""Brian2 reference for the refractory convention (tests/test_lif_analytic.py).

Brian2's tutorial neuron (part 1, "refractoriness"): dv/dt = (1 - v)/tau (unless
refractory), tau = 10 ms, threshold v > 0.8, reset v = 0, refractory 5 ms, dt 0.1 ms,
100 ms, and the same with v >= 0.8 (snnkit's threshold test). Run with Brian2 2.11:

    python tests/data/brian2_refractory.py > tests/data/brian2_refractory.json
"""

import json

import brian2 as b2

b2.prefs.codegen.target = "numpy"
b2.defaultclock.dt = 0.1 * b2.ms
out = {"brian2_version": b2.__version__, "dt_ms": 0.1, "duration_ms": 100.0}
for label, threshold in (("greater", "v > 0.8"), ("greater_equal", "v >= 0.8")):
    b2.start_scope()
    tau = 10 * b2.ms
    group = b2.NeuronGroup(1, "dv/dt = (1 - v)/tau : 1 (unless refractory)", threshold=threshold,
                           reset="v = 0", refractory=5 * b2.ms, method="exact")
    monitor = b2.SpikeMonitor(group)
    b2.run(100 * b2.ms)
    out[label] = [round(float(t / b2.ms), 6) for t in monitor.t]
print(json.dumps(out, indent=1))
