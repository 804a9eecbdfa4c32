#!/bin/bash
# One call on a lent GPU machine (issue 4): install, the whole suite with CuPy,
# the device benchmark; logs and JSON under $OUT (the device tool brings them back).
#   bash benchmarks/gpu/session.sh [tests|bench|probe ...]   (default: all three)
export PYTHONUNBUFFERED=1 OUT=${OUT:-/tmp/out}
mkdir -p "$OUT"
parts=${*:-tests bench probe kernels}
nvidia-smi --query-gpu=name,memory.total,clocks.sm,clocks.max.sm,driver_version --format=csv | tee "$OUT/gpu.txt"
python3 -m pip install -q --no-deps --no-build-isolation -e . >"$OUT/install.log" 2>&1 || { cat "$OUT/install.log"; exit 1; }
python3 -c "import cupy, snnkit; print('cupy', cupy.__version__, 'snnkit', snnkit.__version__)"
nvidia-smi --query-gpu=timestamp,clocks.sm,clocks.mem,utilization.gpu,power.draw --format=csv,noheader \
  -lms 250 >"$OUT/clocks.log" 2>&1 &
smi=$!
for part in $parts; do
  case $part in
    tests)
      SNNKIT_BACKENDS=numpy,cupy timeout 330 python3 -m pytest -q -rs -p no:cacheprovider --timeout 120 \
        -o addopts="" tests 2>&1 | tee "$OUT/tests.log" | tail -60 ;;
    bench)
      timeout 240 python3 benchmarks/device.py --backend cupy 2>&1 | tee "$OUT/bench.log"
      cp benchmarks/results/device_cupy_*.json "$OUT/" 2>/dev/null ;;
    probe)
      timeout 120 python3 benchmarks/gpu/probe.py 2>&1 | tee "$OUT/probe.log" ;;
    variants)
      timeout 100 python3 benchmarks/gpu/lif_variants.py 2>&1 | tee "$OUT/variants.log"
      timeout 120 ncu --clock-control none --kernel-name lif_step --launch-skip 1 --launch-count 1 \
        --section SpeedOfLight --section MemoryWorkloadAnalysis --section Occupancy \
        python3 benchmarks/gpu/lif_variants.py --once 2>&1 | tail -80 | tee "$OUT/ncu.log" ;;
    kernels)
      timeout 200 python3 benchmarks/gpu/kernels.py 2>&1 | tee "$OUT/kernels.log" ;;
  esac
done
kill $smi 2>/dev/null
