"""Run PyNN 0.13's backend-independent system scenarios (test/system/scenarios in its
source distribution) against snnkit_pynn, or against pyNN.nest for the baseline: every
scenario PyNN runs with pyNN.nest, with the simulator swapped.

    python benchmarks/pynn_scenarios/run.py PYNN_SOURCE_DIR snnkit [numpy|opencl] [-- pytest args]
    python benchmarks/pynn_scenarios/run.py PYNN_SOURCE_DIR nest            (where pyNN.nest runs)

PYNN_SOURCE_DIR: the unpacked PyNN-0.13.0 sdist (pip download --no-deps --no-binary :all:
PyNN==0.13.0). Prints pytest's summary; the scenarios run in a copy, unchanged but for
the simulator list of their ``run_with_simulators`` decorator.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

FIXTURES = '''
def run_with_simulators(*sim_names):
    """(patched by snnkit's benchmarks/pynn_scenarios/run.py) the scenarios pyNN.nest runs,
    on SIMULATOR"""
    wanted = "SIMULATOR"
    if "nest" not in sim_names:
        return pytest.mark.skip(reason="not a pyNN.nest scenario")
    return pytest.mark.parametrize("sim", [pytest.param(LazySimulator(wanted), id=wanted)])
'''

CONFTEST = '''
import sys
if "SIMULATOR" == "snnkit":
    import pyNN
    import snnkit_pynn
    sys.modules["pyNN.snnkit"] = snnkit_pynn
    pyNN.snnkit = snnkit_pynn
'''


def main() -> None:
    source, simulator = Path(sys.argv[1]), sys.argv[2]
    rest = sys.argv[3:]
    backend = rest.pop(0) if rest and rest[0] in ("numpy", "opencl", "cupy") else "numpy"
    extra = rest[rest.index("--") + 1:] if "--" in rest else []
    with tempfile.TemporaryDirectory() as work:
        target = Path(work) / "scenarios"
        shutil.copytree(source / "test" / "system" / "scenarios", target)
        fixtures = (target / "fixtures.py").read_text()
        start = fixtures.index("def run_with_simulators(")
        fixtures = fixtures[:start] + FIXTURES.replace("SIMULATOR", simulator)
        (target / "fixtures.py").write_text(fixtures)
        (target / "conftest.py").write_text(CONFTEST.replace("SIMULATOR", simulator))
        env = dict(os.environ, SNNKIT_PYNN_BACKEND=backend, MPLBACKEND="Agg")
        out = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:nengo",
                              "-rf", "--tb=line",
                              str(target), *extra], cwd=work, env=env)
        sys.exit(out.returncode)


if __name__ == "__main__":
    main()
