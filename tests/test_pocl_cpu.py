"""The CPU name given to PoCL where its LLVM does not know the CPU (backends/pocl_cpu.py)."""

import pytest

from snnkit.backends import pocl_cpu


def test_variant_follows_the_cpu_flags():
    avx512 = {"avx512f", "avx512bw", "avx512vl", "avx512dq", "avx512cd", "avx2", "fma", "bmi2", "avx"}
    assert pocl_cpu.variant_cpu(avx512) == "skylake-avx512"
    assert pocl_cpu.variant_cpu({"avx2", "fma", "bmi2", "avx", "f16c"}) == "haswell"
    assert pocl_cpu.variant_cpu({"avx", "f16c"}) == "ivybridge"
    assert pocl_cpu.variant_cpu({"avx"}) == "sandybridge"
    assert pocl_cpu.variant_cpu({"sse4_1", "sse2"}) == "penryn"
    assert pocl_cpu.variant_cpu(set()) == "x86-64"


def test_applied_once_before_any_platform_query():
    from snnkit.backends import opencl_backend
    if opencl_backend.OpenCLBackend.unavailable_reason() is not None:
        pytest.skip("no OpenCL")
    assert pocl_cpu._done                     # the first platform query applied it
    assert pocl_cpu.name_cpu_for_pocl() is None
