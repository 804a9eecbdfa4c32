"""snnkit: spiking neural networks on NumPy, OpenCL and CUDA, with SONATA HDF5 output.

    import snnkit as sk
    net = sk.Network()
    exc = net.population(100, sk.LIFCurrExp(tau_m=20.0), name="exc")
    net.record(exc, "spikes")
    sim = sk.Simulator(net, dt=0.1, seed=1, output="out.h5").run(1000.0)
    print(sim.results.rate("exc"))
"""

__version__ = "0.1.0"

from .connectivity import (AllToAll, Connector, FixedInDegree, FixedOutDegree, FixedProbability, FixedTotalNumber,
                           FromList, OneToOne)
from .currents import StepCurrent
from .distributions import Distribution, Exponential, LogNormal, Normal, NormalClipped, Uniform
from .io import load
from .model import Monitor, Network, Population, Projection
from .neurons import IF, LIF, AdaptiveLIF, LIFCondExp, LIFCurrExp, NeuronModel
from .plasticity import STDP
from .results import Results
from .simulator import Simulator
from .sources import InhomogeneousPoisson, Poisson, SpikeTimes
from .sweeps import load_sweep, sweep
from .validation import NetworkTooLargeError, SnnkitValueError

__all__ = [
    "AllToAll", "Connector", "FixedInDegree", "FixedOutDegree", "FixedProbability", "FixedTotalNumber", "FromList", "OneToOne",
    "Distribution", "Exponential", "LogNormal", "Normal", "NormalClipped", "Uniform",
    "load", "Monitor", "Network", "Population", "Projection",
    "IF", "LIF", "AdaptiveLIF", "LIFCondExp", "LIFCurrExp", "NeuronModel", "STDP", "Results",
    "Simulator", "Poisson", "InhomogeneousPoisson", "SpikeTimes", "StepCurrent", "NetworkTooLargeError", "SnnkitValueError",
    "sweep", "load_sweep",
]
