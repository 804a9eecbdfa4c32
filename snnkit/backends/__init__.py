"""Backends: where the arrays live and the step operations run.

``get_backend(name)`` returns an instance; ``"auto"`` picks the best available
one and logs the choice. A backend asked for by name that cannot run here
raises an error that says why -- never a silent fallback.
"""

from __future__ import annotations

import logging

from ..validation import SnnkitValueError
from .base import Backend
from .numpy_backend import NumpyBackend
from .cupy_backend import CupyBackend
from .opencl_backend import OpenCLBackend

log = logging.getLogger("snnkit")

# best first: 'auto' takes the first that is available and good_for_auto()
BACKENDS: dict[str, type[Backend]] = {"cupy": CupyBackend, "opencl": OpenCLBackend, "numpy": NumpyBackend}


class BackendUnavailable(SnnkitValueError):
    """A backend was asked for by name but cannot run here."""


def available() -> dict[str, str | None]:
    """name -> None if usable, else the reason it is not."""
    return {name: cls.unavailable_reason() for name, cls in BACKENDS.items()}


def get_backend(name="auto", dtype="float32", **options) -> Backend:
    if isinstance(name, Backend):
        return name
    if name == "auto":
        for candidate, cls in BACKENDS.items():
            if cls.is_available() and cls.good_for_auto():
                log.info("snnkit: backend 'auto' chose %r", candidate)
                return cls(dtype=dtype, **options)
    if name not in BACKENDS:
        raise SnnkitValueError(f"backend = {name!r} is not allowed: must be 'auto' or one of "
                               + ", ".join(repr(b) for b in BACKENDS))
    reason = BACKENDS[name].unavailable_reason()
    if reason:
        raise BackendUnavailable(f"backend = {name!r} is unavailable here: {reason}")
    return BACKENDS[name](dtype=dtype, **options)


__all__ = ["Backend", "NumpyBackend", "OpenCLBackend", "CupyBackend", "BACKENDS", "BackendUnavailable", "available", "get_backend"]
