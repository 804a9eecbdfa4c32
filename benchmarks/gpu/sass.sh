#!/bin/bash
# The SASS of lif_step as CuPy builds it (issue 4: are its six loads issued together?)
python3 - <<'PY'
import numpy as np
from snnkit import kernels
sw = ("SYN_CURR_EXP", "LEAKY") + kernels.shared_parameter_switches(
    np.array([-65, -65, 1e9, 0, 0.995, 0.005, 0.5, 100, 0, 0.998, 0, 0.98, 0.98, 0, 0, 0], np.float32), 1, "float")
open("/tmp/lif.cu", "w").write(kernels.assemble("lif.c", "cuda", "float", sw))
PY
nvcc -cubin -arch=sm_90 --fmad=false -o /tmp/lif.cubin /tmp/lif.cu
cuobjdump -sass /tmp/lif.cubin | grep -E "LDG|STG|FADD|FMUL|BAR|LDC|FSEL|ISETP|FSETP" | head -45
