"""Random values for parameters, initial state, weights and delays.

A distribution is drawn on the host, at build time, from the network's
NumPy generator; pass one wherever a scalar or an array is accepted::

    net.connect(exc, inh, sk.FixedProbability(0.02), weight=sk.Normal(0.1, 0.02))
"""

from __future__ import annotations

import numpy as np

from .validation import check_finite, check_positive, fail


class Distribution:
    """Base class: ``sample(rng, shape)`` returns float64 values."""

    def sample(self, rng: np.random.Generator, shape) -> np.ndarray:
        raise NotImplementedError

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in vars(self).items())
        return f"{type(self).__name__}({args})"


class Uniform(Distribution):
    """Uniform on [low, high)."""

    def __init__(self, low: float, high: float):
        check_finite("low", low)
        check_finite("high", high)
        if high < low:
            fail("high", high, f"must be >= low = {low}")
        self.low, self.high = float(low), float(high)

    def sample(self, rng, shape):
        return rng.uniform(self.low, self.high, shape)


class Normal(Distribution):
    """Gaussian with mean ``mu`` and standard deviation ``sigma``."""

    def __init__(self, mu: float, sigma: float):
        check_finite("mu", mu)
        check_positive("sigma", sigma)
        self.mu, self.sigma = float(mu), float(sigma)

    def sample(self, rng, shape):
        return rng.normal(self.mu, self.sigma, shape)


class NormalClipped(Normal):
    """Gaussian redrawn until it lies in [low, high] (PyNN's normal_clipped)."""

    def __init__(self, mu: float, sigma: float, low: float = -np.inf, high: float = np.inf):
        super().__init__(mu, sigma)
        if not low < high:
            fail("high", high, f"must be > low = {low}")
        self.low, self.high = float(low), float(high)

    def sample(self, rng, shape):
        out = rng.normal(self.mu, self.sigma, shape)
        bad = (out < self.low) | (out > self.high)
        while np.any(bad):
            out[bad] = rng.normal(self.mu, self.sigma, int(bad.sum()))
            bad = (out < self.low) | (out > self.high)
        return out


class Exponential(Distribution):
    """Exponential with mean ``scale``."""

    def __init__(self, scale: float):
        check_positive("scale", scale)
        self.scale = float(scale)

    def sample(self, rng, shape):
        return rng.exponential(self.scale, shape)


class LogNormal(Distribution):
    """exp(N(mu, sigma)): ``mu`` and ``sigma`` of the underlying normal."""

    def __init__(self, mu: float, sigma: float):
        check_finite("mu", mu)
        check_positive("sigma", sigma)
        self.mu, self.sigma = float(mu), float(sigma)

    def sample(self, rng, shape):
        return rng.lognormal(self.mu, self.sigma, shape)


def realize(value, rng: np.random.Generator, shape) -> np.ndarray:
    """A scalar, an array or a Distribution -> float64 array broadcastable to ``shape``."""
    if isinstance(value, Distribution):
        return np.asarray(value.sample(rng, shape), dtype=float)
    return np.asarray(value, dtype=float)
