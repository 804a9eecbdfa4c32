"""pytest plugin for running nengo's own test suite against snnkit_nengo (run.sh).

nengo's repository conftest is not in the wheel, and a conftest.py beside pytest.ini is
not read for --pyargs tests, so its settings are made here: no decoder cache, full
exceptions, no progress bars. The backend comes from SNNKIT_NENGO_BACKEND
(numpy, opencl, cupy; "reference" runs nengo's own Simulator for the baseline).
"""

import os

import nengo
from nengo.rc import rc


def pytest_configure(config):
    rc.set("decoder_cache", "enabled", "False")
    rc.set("exceptions", "simplified", "False")
    rc.set("nengo.Simulator", "fail_fast", "True")
    rc.set("progress", "progress_bar", "False")


def load_simulator(request):
    backend = os.environ.get("SNNKIT_NENGO_BACKEND", "numpy")
    if backend == "reference":
        return nengo.Simulator
    import snnkit_nengo
    return snnkit_nengo.Simulator
