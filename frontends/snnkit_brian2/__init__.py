"""snnkit_brian2: Brian2 scripts on snnkit (NumPy, OpenCL, CUDA) with one added line.

    import snnkit_brian2
    set_device("snnkit", backend="opencl")

Importing the package registers the device ``"snnkit"`` with Brian2
(snnkit_brian2.device). What it runs, and what it refuses with a
NotImplementedError naming the feature and the object: the README's
"Brian2 scripts" section.
"""

from brian2.devices.device import all_devices

from .batch import run_batch
from .code import Unsupported
from .device import SnnkitDevice

snnkit_device = SnnkitDevice()
all_devices["snnkit"] = snnkit_device

__all__ = ["SnnkitDevice", "Unsupported", "run_batch", "snnkit_device"]
