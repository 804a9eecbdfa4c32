"""``python -m snnkit_pynn script.py [arguments]``: run a PyNN script that picks its
simulator with pyNN.utility.get_simulator on snnkit, unchanged.

snnkit_pynn is registered as the module ``pyNN.snnkit`` and "snnkit" is put in
front of the script's arguments as the simulator name. The snnkit backend comes
from SNNKIT_PYNN_BACKEND (numpy, opencl, cupy; default numpy).
"""

import runpy
import sys

import pyNN

import snnkit_pynn


def main() -> None:
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    script = sys.argv[1]
    sys.modules["pyNN.snnkit"] = snnkit_pynn
    pyNN.snnkit = snnkit_pynn
    sys.argv = [script, "snnkit", *sys.argv[2:]]
    runpy.run_path(script, run_name="__main__")


if __name__ == "__main__":
    main()
