"""Shared fixtures: every test that takes ``backend`` runs on each available backend.

SNNKIT_BACKENDS=numpy,opencl restricts (or names) the backends; a backend named
there that cannot run here is skipped with its reason.
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
