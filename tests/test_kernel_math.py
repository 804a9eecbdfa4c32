"""The kernels' own math: exp_f32 (kernels/exp_f32.h, snnkit/backends/numpy_math.py),
e^x in float32 arithmetic, at most 1 ulp from the correctly rounded value, the same
bits from NumPy and from the devices, and the default ``math="fast"`` of float32 COBA
runs; connect.h's floor/rint/frexp/ldexp, the builtins' results without their calls."""

import numpy as np
import pytest

import snnkit as sk
from snnkit import kernels
from snnkit.backends import BACKENDS
from snnkit.backends.numpy_math import EXP_F32_HI, EXP_F32_LO, exp_f32
from snnkit.bench.models import coba

needs_opencl = pytest.mark.skipif(BACKENDS["opencl"].unavailable_reason() is not None,
                                  reason="OpenCL unavailable")
SPECIAL = np.array([np.nan, -np.inf, np.inf, 0.0, -0.0, -1e-30, 1e-30, -200.0, 200.0, EXP_F32_LO, EXP_F32_HI,
                    np.nextafter(EXP_F32_LO, np.float32(-np.inf)), np.nextafter(EXP_F32_HI, np.float32(np.inf)),
                    -0.34657359, 0.34657359, -0.34657362, 0.34657362], np.float32)


def ulps_apart(a, b) -> np.ndarray:
    """Distance in float32 ulps (both finite, same sign: e^x > 0)."""
    return np.abs(a.view(np.int32).astype(np.int64) - b.view(np.int32).astype(np.int64))


def correctly_rounded(x):
    return np.exp(x.astype(np.float64)).astype(np.float32)


def test_within_one_ulp_of_the_correctly_rounded_exp():
    rng = np.random.default_rng(3)
    grids = [np.linspace(-87.3, 88.3, 1_000_001, dtype=np.float32),                 # the whole range
             -(np.arange(0, 0x3F800000, 97, dtype=np.uint32).view(np.float32)),      # every 97th float in (-1, 0]
             rng.uniform(-0.2, 0.0, 200_000).astype(np.float32)]                     # COBA's -dt g / cm
    for x in grids:
        distance = ulps_apart(exp_f32(x), correctly_rounded(x))
        assert distance.max() <= 1
        assert 0.8 < np.mean(distance == 0)          # most values are the correctly rounded one


def test_edges_of_the_range_and_special_values():
    y = exp_f32(SPECIAL)
    assert np.isnan(y[0]) and y[1] == 0.0 and y[2] == np.inf
    assert y[3] == y[4] == 1.0 and y[5] == y[6] == 1.0
    assert y[7] == 0.0 and y[8] == np.inf
    assert y[11] == 0.0 and y[12] == np.inf                # just outside [LO, HI]
    inside = np.isfinite(y) & (y > 0)
    assert ulps_apart(y[inside], correctly_rounded(SPECIAL[inside])).max() <= 1
    assert y.dtype == np.float32


@needs_opencl
def test_the_device_gives_the_bits_numpy_gives():
    import pyopencl as cl
    backend = BACKENDS["opencl"](dtype="float32")
    source = kernels.common_headers("opencl", "float") + """
__kernel void apply_exp(const u32 n, __global const float* x, __global float* y)
{ const u32 i = get_global_id(0); if (i < n) y[i] = exp_f32(x[i]); }"""
    program = cl.Program(backend.context, source).build(options=backend.options)
    rng = np.random.default_rng(11)
    x = np.concatenate([SPECIAL, rng.uniform(-100, 100, 50_000), rng.uniform(-0.5, 0.5, 50_000),
                        -rng.exponential(0.05, 50_000)]).astype(np.float32)
    mf = cl.mem_flags
    x_device = cl.Buffer(backend.context, mf.READ_ONLY | mf.COPY_HOST_PTR, hostbuf=x)
    y_device = cl.Buffer(backend.context, mf.WRITE_ONLY, x.nbytes)
    program.apply_exp(backend.queue, (x.size,), None, np.uint32(x.size), x_device, y_device)
    y = np.empty_like(x)
    cl.enqueue_copy(backend.queue, y, y_device)
    expected = exp_f32(x)
    assert np.array_equal(y.view(np.uint32), expected.view(np.uint32))


@needs_opencl
@pytest.mark.parametrize("math", ["fast", "exact"])
def test_coba_runs_alike_on_numpy_and_opencl_in_either_math(math, batch):
    runs = []
    for backend in ("numpy", "opencl"):
        sim = sk.Simulator(coba.build(400).network, backend=backend, batch=batch, dtype="float32", seed=7,
                           math=math)
        sim.run(100.0, progress=False)
        runs.append(sim)
    a, b = runs
    assert a.plan.groups["exc+inh"]["exp"] == ("float32" if math == "fast" else "float64")
    for pop in ("exc", "inh"):
        sa, sb = a.results.spikes[pop], b.results.spikes[pop]
        assert sa.times.size > 0
        for field in ("times", "node_ids", "instances"):
            assert np.array_equal(getattr(sa, field), getattr(sb, field)), (pop, field)
        assert np.array_equal(a.state(pop, "v"), b.state(pop, "v"))


def test_fast_and_exact_differ_by_rounding_only():
    """One step from the same state: v differs by at most an ulp or two of the decay."""
    sims = {}
    for math in ("fast", "exact"):
        sims[math] = sk.Simulator(coba.build(400).network, backend="numpy", dtype="float32", seed=7, math=math)
        sims[math].run(50.0, progress=False)
    fast, exact = (sims[m].state("exc", "v") for m in ("fast", "exact"))
    assert not np.array_equal(fast, exact)            # the maths do differ ...
    assert np.allclose(fast, exact, rtol=0, atol=0.05)                # ... by rounding, mV, after 500 steps
    f_rate, e_rate = (np.mean(sims[m].results.rate("exc")) for m in ("fast", "exact"))
    assert abs(f_rate - e_rate) <= 0.1 * e_rate + 1.0


def test_float64_runs_keep_the_double_exp_and_bad_math_is_refused():
    sim = sk.Simulator(coba.build(100).network, backend="numpy", dtype="float64", seed=1)
    assert sim.plan.groups["exc+inh"]["exp"] == "float64"
    with pytest.raises(ValueError, match="math.*'fastest'.*\"fast\" or \"exact\""):
        sk.Simulator(coba.build(100).network, math="fastest")


@needs_opencl
def test_connect_rounding_helpers_give_the_builtins_results():
    """floor_f64, rint_f64, frexp_f64, ldexp_f64 (kernels/connect.h) against NumPy's floor,
    rint, frexp and ldexp, bit for bit, edge cases included."""
    import pyopencl as cl
    backend = BACKENDS["opencl"](dtype="float32")
    source = kernels.common_headers("opencl", "float") + kernels._read("connect.h") + """
__kernel void helpers(const u32 n, __global const double* x, __global const int* k, __global double* out,
                      __global int* e)
{ const u32 i = get_global_id(0); if (i >= n) return;
  out[4 * i] = floor_f64(x[i]); out[4 * i + 1] = rint_f64(x[i]);
  int ex; out[4 * i + 2] = frexp_f64(x[i], &ex); e[i] = ex;
  out[4 * i + 3] = ldexp_f64(out[4 * i + 2], k[i]); }"""
    program = cl.Program(backend.context, source).build(options=backend.options)
    rng = np.random.default_rng(5)
    special = [0.0, -0.0, 0.5, -0.5, 1.5, 2.5, -2.5, -0.3, 0.3, 0.49999999999999994, 2.0**52, -2.0**52,
               2.0**52 - 0.5, -(2.0**52 - 0.5), 2.0**53 + 2, 1e300, -1e300, 5e-324, 2.2250738585072014e-308,
               np.inf, -np.inf, np.nan, 1.7976931348623157e308]
    x = np.concatenate([special, rng.normal(0, 10, 20000), rng.uniform(-3, 3, 20000) // 0.5 * 0.5,
                        rng.uniform(0, 1, 20000), 10.0 ** rng.uniform(-300, 300, 20000)]).astype(np.float64)
    k = rng.integers(-1100, 1100, x.size).astype(np.int32)
    k[: len(special)] = 3
    mf = cl.mem_flags
    buffers = [cl.Buffer(backend.context, mf.READ_ONLY | mf.COPY_HOST_PTR, hostbuf=a) for a in (x, k)]
    out_device = cl.Buffer(backend.context, mf.WRITE_ONLY, 4 * x.nbytes)
    e_device = cl.Buffer(backend.context, mf.WRITE_ONLY, k.nbytes)
    program.helpers(backend.queue, (x.size,), None, np.uint32(x.size), *buffers, out_device, e_device)
    out, e = np.empty(4 * x.size), np.empty_like(k)
    cl.enqueue_copy(backend.queue, out, out_device)
    cl.enqueue_copy(backend.queue, e, e_device)
    out = out.reshape(-1, 4)
    m, e_numpy = np.frexp(x)
    finite = np.isfinite(x)
    with np.errstate(over="ignore"):
        for column, expected in ((0, np.floor(x)), (1, np.rint(x)), (2, m), (3, np.ldexp(m, k))):
            same = out[:, column].view(np.int64) == expected.view(np.int64)
            assert np.all(same | (np.isnan(out[:, column]) & np.isnan(expected))), column
    assert np.array_equal(e[finite], e_numpy[finite])


# -- log_f64 / log1p_f64 (kernels/log_f64.h) and the Poisson sources' geometric draw --

LOG_SPECIAL = np.array([0.0, -0.0, 1.0, 0.5, 2.0, np.sqrt(2.0), np.nextafter(np.sqrt(2.0), 0), 2.0 ** -53,
                        1 - 2.0 ** -53, 1 + 2.0 ** -52, 5e-324, 1e-310, 2.2250738585072014e-308,
                        1.7976931348623157e308, np.inf, -1.0, np.nan])


def test_log_f64_within_one_ulp_of_numpys_log():
    from snnkit.backends.numpy_math import log_f64
    rng = np.random.default_rng(8)
    x = np.concatenate([rng.uniform(0, 1, 500_000), np.exp(rng.uniform(-745, 709, 500_000)),
                        rng.uniform(0.7, 1.42, 200_000), LOG_SPECIAL[2:14]])
    y, expected = log_f64(x), np.log(x)
    distance = np.abs(y.view(np.int64) - expected.view(np.int64))
    assert distance.max() <= 1 and np.mean(distance == 0) > 0.9
    y = log_f64(LOG_SPECIAL)
    assert y[0] == y[1] == -np.inf and y[2] == 0.0 and y[-3] == np.inf and np.isnan(y[-2]) and np.isnan(y[-1])


def test_log1p_f64_is_accurate_for_small_probabilities():
    from snnkit.backends.numpy_math import log1p_f64
    p = np.concatenate([10.0 ** np.random.default_rng(2).uniform(-15, 0, 100_000), [1e-300, 0.5, 1 - 1e-9]])
    relative = np.abs(log1p_f64(-p) / np.log1p(-p) - 1)
    assert relative.max() < 4e-16
    assert log1p_f64(np.array([-1.0]))[0] == -np.inf and log1p_f64(np.array([-0.0]))[0] == 0.0


@needs_opencl
def test_the_device_logs_and_geometric_steps_are_numpys():
    import pyopencl as cl
    from snnkit.backends.numpy_math import log1p_f64, log_f64
    from snnkit.rng import after, geometric_steps
    backend = BACKENDS["opencl"](dtype="float32")
    source = kernels.common_headers("opencl", "float") + """
__kernel void logs(const u32 n, __global const double* x, __global const double* p, __global const u32* words,
                   __global const u32* base, __global double* out, __global u32* next)
{ const u32 i = get_global_id(0); if (i >= n) return;
  out[2 * i] = log_f64(x[i]); out[2 * i + 1] = log1p_f64(-p[i]);
  next[i] = after_silent_steps(base[i], words[2 * i], words[2 * i + 1], log1p_f64(-p[i])); }"""
    program = cl.Program(backend.context, source).build(options=backend.options)
    rng = np.random.default_rng(13)
    n = 100_000
    x = np.concatenate([LOG_SPECIAL, np.exp(rng.uniform(-745, 709, n - LOG_SPECIAL.size))])
    p = np.concatenate([[0.0, 1.0, 1e-12, 0.5, 1e-300], 10.0 ** rng.uniform(-9, 0, n - 5)])
    words = rng.integers(0, 2 ** 32, 2 * n, dtype=np.uint64).astype(np.uint32)
    words[:4] = [0xFFFFFFFF, 0xFFFFFFFF, 0, 0]                           # u = 1 and u = 2^-53
    base = rng.integers(0, 2 ** 32, n, dtype=np.uint64).astype(np.uint32)
    base[:3] = [0, 0xFFFFFFFE, 0xFFFFFFFF]
    mf = cl.mem_flags
    inputs = [cl.Buffer(backend.context, mf.READ_ONLY | mf.COPY_HOST_PTR, hostbuf=a) for a in (x, p, words, base)]
    out_device = cl.Buffer(backend.context, mf.WRITE_ONLY, 2 * x.nbytes)
    next_device = cl.Buffer(backend.context, mf.WRITE_ONLY, base.nbytes)
    program.logs(backend.queue, (n,), None, np.uint32(n), *inputs, out_device, next_device)
    out, next_step = np.empty(2 * n), np.empty(n, np.uint32)
    cl.enqueue_copy(backend.queue, out, out_device)
    cl.enqueue_copy(backend.queue, next_step, next_device)
    for got, expected in ((out[0::2], log_f64(x)), (out[1::2], log1p_f64(-p))):
        assert np.all((got.view(np.int64) == expected.view(np.int64)) | (np.isnan(got) & np.isnan(expected)))
    expected_next = after(base, geometric_steps(words[0::2], words[1::2], log1p_f64(-p)))
    assert np.array_equal(next_step, expected_next)
    assert next_step[0] == 0xFFFFFFFF                                    # p = 0: never
