"""setup / end / run / reset and the state queries."""

from __future__ import annotations

from pyNN import common
from pyNN.common.control import DEFAULT_MAX_DELAY, DEFAULT_MIN_DELAY, DEFAULT_TIMESTEP
from pyNN.recording import get_io

from . import simulator


def setup(timestep=DEFAULT_TIMESTEP, min_delay=DEFAULT_MIN_DELAY, backend="numpy", batch=1, seed=None,
          dtype="float32", output=None, **extra_params):
    """Start a simulation: PyNN's arguments, and snnkit's own.

    backend : "numpy" (default), "opencl", "cupy" or "auto" (SNNKIT_PYNN_BACKEND overrides it,
        for scripts that call setup() without it).
    batch : simulate ``batch`` independent instances of the network at once (snnkit.Simulator);
        recordings returned through PyNN (get_data) are of instance 0.
    seed : seed of snnkit's random streams (Poisson sources, noise); default random.
    dtype : "float32" or "float64".
    output : path of an HDF5 file (SONATA layout) that snnkit writes as it runs.
    """
    max_delay = extra_params.get("max_delay", DEFAULT_MAX_DELAY)
    common.setup(timestep, min_delay, **extra_params)
    state = simulator.state
    state.clear()
    state.dt = timestep
    state.min_delay = timestep if min_delay == "auto" else min_delay
    state.min_delay_auto = min_delay == "auto"
    state.spike_precision = extra_params.get("spike_precision", "on_grid")
    state.max_delay = max_delay
    state.backend, state.batch, state.seed, state.dtype, state.output = backend, batch, seed, dtype, output
    return rank()


def end(compatible_output=True):
    """Write what was asked for with write_on_end. The network and its recordings stay
    readable (get_data after end(), as on pyNN.nest) until the next setup() forgets them."""
    state = simulator.state
    for population, variables, filename in state.write_on_end:
        population.write_data(get_io(filename), variables)
    state.write_on_end = []


run, run_until = common.build_run(simulator)
run_for = run
reset = common.build_reset(simulator)
initialize = common.initialize
get_current_time, get_time_step, _fixed_min_delay, get_max_delay, num_processes, rank = \
    common.build_state_queries(simulator)


def get_min_delay():
    """The minimum delay (ms): setup's, or with min_delay="auto" the smallest delay of the
    network's connections (as pyNN.nest reports it), the time step while there are none."""
    state = simulator.state
    if getattr(state, "min_delay_auto", False):
        delays = [p._delays.min() for p in state.projections if len(p)]
        return float(min(delays)) if delays else state.dt
    return _fixed_min_delay()
