"""snnkit_pynn: a PyNN backend running on snnkit.

    import snnkit_pynn as sim          # instead of: import pyNN.nest as sim
    sim.setup(timestep=0.1, backend="opencl")

Scripts that choose their simulator through pyNN.utility.get_simulator run with
``python -m snnkit_pynn script.py [script arguments]`` (the module is made
importable as pyNN.snnkit and given as the simulator name).
"""

try:
    import neo  # noqa: F401
    import pyNN  # noqa: F401
except ModuleNotFoundError as missing:                                      # say which extra to install
    raise ModuleNotFoundError(f"snnkit_pynn needs PyNN 0.13 and neo ({missing.name} is not installed): "
                              "pip install 'snnkit[pynn]'", name=missing.name) from None

from pyNN import errors, random, space                                      # noqa: F401
from pyNN.connectors import *                                               # noqa: F401,F403
from pyNN.network import Network                                            # noqa: F401
from pyNN.random import GSLRNG, NumpyRNG, RandomDistribution                # noqa: F401
from pyNN.recording import *                                                # noqa: F401,F403
from pyNN.space import Space                                                # noqa: F401
from pyNN.standardmodels import StandardCellType

from .control import (end, get_current_time, get_max_delay, get_min_delay, get_time_step,  # noqa: F401
                      initialize, num_processes, rank, reset, run, run_for, run_until, setup)
from .populations import Assembly, Population, PopulationView               # noqa: F401
from .procedural_api import connect, create, record, record_gsyn, record_v  # noqa: F401
from .projections import Projection                                         # noqa: F401
from .standardmodels import *                                               # noqa: F401,F403
from .electrodes import *                                                   # noqa: F401,F403
from .composed import (AdExp, AlphaPSR, BetaPSR, CondAlphaPostSynapticResponse,  # noqa: F401
                       CondBetaPostSynapticResponse, CondExpPostSynapticResponse, CurrExpPostSynapticResponse,
                       ExpPSR, LIF, PointNeuron)
from .standardmodels import (IF_cond_exp, IF_curr_delta, IF_curr_exp,       # noqa: F401
                             SpikeSourceArray, SpikeSourcePoisson)


def list_standard_models():
    """The StandardCellType classes this backend simulates (those with an snnkit model;
    the others raise NotImplementedError when made)."""
    from . import composed, standardmodels
    return sorted(name for module in (standardmodels, composed) for name, obj in vars(module).items()
                  if isinstance(obj, type) and issubclass(obj, StandardCellType) and obj.__module__ == module.__name__
                  and not getattr(obj, "snnkit_unsupported", False))


class NativeRNG(NumpyRNG):
    """snnkit draws weights, delays and connections on the host with NumPy, so its
    native generator for PyNN's random distributions is NumpyRNG."""
