#!/usr/bin/env bash
# nengo's own test suite against snnkit_nengo, on each backend named (default: reference numpy opencl).
#
#   bash benchmarks/nengo_suite/run.sh [backend ...] [-- pytest arguments]
#
# "reference" runs nengo's own Simulator through the same plugin (the baseline). nengo's
# plugin and tests need pytest < 8 and numpy < 2.4, so they run in a venv of their own:
# $NENGO_SUITE_VENV if set (made if missing), else one in a temporary folder. Every test
# that uses the Simulator fixture runs, with nengo's default neuron types (pytest.ini);
# unsupported tests are listed there with reasons. Prints pass/fail/skip counts and times.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
backends=()
while [ $# -gt 0 ] && [ "$1" != "--" ]; do backends+=("$1"); shift; done
[ "${1:-}" = "--" ] && shift
[ ${#backends[@]} -eq 0 ] && backends=(reference numpy opencl)
venv="${NENGO_SUITE_VENV:-$(mktemp -d)/venv}"
if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q "nengo==4.1.*" "pytest<8" "numpy<2.4" pytest-allclose pytest-plt pytest-rng \
        matplotlib scipy "pyopencl[pocl]" h5py tqdm sympy
fi
# NENGO_SUITE_INSTALL_ONLY=1: make the venv and stop (CI makes it while other tests run)
[ -n "${NENGO_SUITE_INSTALL_ONLY:-}" ] && exit 0
"$venv/bin/pip" install -q --no-deps -e "$root"
cd "$here"

run_backend() {   # backend, pytest arguments...: the suite on one backend; prints its summary line
    local backend=$1 start rc; shift
    start=$(date +%s)
    set +e
    SNNKIT_NENGO_BACKEND="$backend" "$venv/bin/python" -m pytest --pyargs nengo -p snnkit_nengo_plugin -q \
        -p no:cacheprovider -rfE "$@" > "$here/last_$backend.log" 2>&1
    rc=$?
    set -e
    echo "$backend: $(tail -n 1 "$here/last_$backend.log") [wall $(( $(date +%s) - start )) s]"
    grep -E "^(FAILED|ERROR)" "$here/last_$backend.log" || true
    return $rc
}

# NENGO_SUITE_PARALLEL=1: the backends run side by side (CI: faster; the times then overlap)
status=0
declare -A pids=()
for backend in "${backends[@]}"; do
    if [ -n "${NENGO_SUITE_PARALLEL:-}" ]; then
        run_backend "$backend" "$@" > "$here/last_$backend.summary" &
        pids[$backend]=$!
    else
        rc=0; run_backend "$backend" "$@" || rc=$?
        if [ "$rc" -ne 0 ] && [ "$backend" != "reference" ]; then status=1; fi
    fi
done
for backend in "${!pids[@]}"; do
    rc=0; wait "${pids[$backend]}" || rc=$?
    cat "$here/last_$backend.summary"; rm -f "$here/last_$backend.summary"
    if [ "$rc" -ne 0 ] && [ "$backend" != "reference" ]; then status=1; fi
done
exit $status
