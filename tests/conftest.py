"""Shared fixtures: every test that takes ``backend`` runs on each available backend.

SNNKIT_BACKENDS=numpy,opencl restricts (or names) the backends; a backend named
there that cannot run here is skipped with its reason. ``device``: every device
backend and its tested variants (a backend name, or a factory of a configured one).
"""

from __future__ import annotations

import os

import pytest

from snnkit.backends import BACKENDS


def _backend_names() -> list[str]:
    wanted = os.environ.get("SNNKIT_BACKENDS")
    return [b.strip() for b in wanted.split(",")] if wanted else list(BACKENDS)


def pytest_generate_tests(metafunc):
    if "backend" in metafunc.fixturenames:
        metafunc.parametrize("backend", _backend_names(), indirect=True)
    if "batch" in metafunc.fixturenames:
        metafunc.parametrize("batch", [1, 3])


@pytest.fixture
def backend(request):
    name = request.param
    if name not in BACKENDS:
        pytest.skip(f"backend {name!r} is not part of this snnkit build")
    reason = BACKENDS[name].unavailable_reason()
    if reason:
        pytest.skip(f"backend {name!r} unavailable: {reason}")
    return name


DEVICE_BACKENDS = [name for name in BACKENDS if name != "numpy"]
# kernels/propagate.h has two ways to walk a spike's row: by its own work-item (SERIAL_ROWS,
# what OpenCL uses on a CPU) or shared by a work-group (GPUs); on PoCL both are tested.
# kernels/clock.h: kernels read the step from a device clock (CuPy) or get it as an
# argument (OpenCL's default); OpenCL with device_clock=True tests the former on PoCL
VARIANTS = {"opencl-shared-rows": ("opencl", dict(share_rows=True)),
            "opencl-device-clock": ("opencl", dict(device_clock=True))}


@pytest.fixture(params=DEVICE_BACKENDS + list(VARIANTS))
def device(request):
    name, options = VARIANTS.get(request.param, (request.param, {}))
    reason = BACKENDS[name].unavailable_reason()
    if reason:
        pytest.skip(f"{name} unavailable: {reason}")
    return (lambda dtype: BACKENDS[name](dtype=dtype, **options)) if options else name


@pytest.fixture(params=DEVICE_BACKENDS)
def plain_device(request):
    """each device backend in its default configuration (``device`` adds the variants
    that walk rows and read the step clock otherwise)"""
    reason = BACKENDS[request.param].unavailable_reason()
    if reason:
        pytest.skip(f"{request.param} unavailable: {reason}")
    return request.param
