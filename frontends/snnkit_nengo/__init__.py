"""snnkit_nengo: run nengo models on snnkit's backends by swapping the Simulator.

    import snnkit_nengo
    with snnkit_nengo.Simulator(model, backend="opencl") as sim:
        sim.run(1.0)

Registered as the nengo backend "snnkit" (entry point ``nengo.backends``).
"""

try:
    import nengo  # noqa: F401
except ModuleNotFoundError as missing:                                      # say which extra to install
    raise ModuleNotFoundError("snnkit_nengo needs nengo (not installed): pip install 'snnkit[nengo]'",
                              name=missing.name) from None

from snnkit import __version__

from .simulator import Simulator

__all__ = ["Simulator", "__version__"]
