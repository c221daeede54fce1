"""Serially correlated observation noise: an AR(1) process on a series' standardised
residuals, (y - mu) / sd, period by period.

A weekly model that is a little wrong (a level that wanders, a season not quite right)
misses in runs: its residuals are autocorrelated. An independence likelihood then counts
every period as new information (every interval too narrow) and a predictive band that
ignores the run the window ends in. Here the standardised residuals r of the observed
cells, at periods t_1 < t_2 < ..., are a stationary AR(1) with unit variance and lag-one
correlation `phi` per period, observed at those periods (a gap of d periods: correlation
phi^d, the process being Markov). Its exact Gaussian log density is that of the
prewhitened residuals (Prais-Winsten, generalised least squares):

    u_1 = r_1,   u_i = (r_i - a_i r_{i-1}) / b_i,   a_i = phi^d_i,  b_i = sqrt(1 - a_i^2)

independent standard normals, with the Jacobian -sum log b_i. Their sum of squares is what
the fit's least squares, Laplace curvature and posterior sampler see, so the posterior's
spread follows the effective number of observations ((1 - phi) / (1 + phi) times the
periods for a slowly moving effect). `phi` is estimated once, from the residuals at the
fit's optimum (conditional least squares over consecutive periods), and never below 0:
a negative estimate from a few dozen noisy residuals would make the intervals narrower
than independence, which no misspecification justifies.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.float64]
MAX_PHI = 0.95  # largest lag-one correlation used (a unit root is no stationary noise)
MIN_PAIRS = 8  # consecutive residual pairs needed to estimate phi (fewer: 0)


def estimate_phi(r: Array, periods: NDArray[np.int_]) -> float:
    """Lag-one correlation per period of standardised residuals `r` observed at
    `periods` (increasing integers): sum r_t r_{t-1} / sum r_{t-1}^2 over consecutive
    periods, clipped to [0, MAX_PHI]; 0 with fewer than MIN_PAIRS pairs."""
    r, periods = np.asarray(r, float), np.asarray(periods)
    pairs = np.flatnonzero(np.diff(periods) == 1)
    if pairs.size < MIN_PAIRS:
        return 0.0
    before, after = r[pairs], r[pairs + 1]
    denominator = float(np.dot(before, before))
    if denominator <= 0:
        return 0.0
    return float(np.clip(np.dot(before, after) / denominator, 0.0, MAX_PHI))


def steps(periods: NDArray[np.int_], phi: float) -> tuple[Array, Array]:
    """(a, b) of the prewhitening at each observed period: a_i = phi^d_i (0 for the
    first), b_i = sqrt(1 - a_i^2) (1 for the first)."""
    periods = np.asarray(periods)
    a = np.zeros(periods.size)
    if phi > 0 and periods.size > 1:
        a[1:] = phi ** np.diff(periods).astype(float)
    return a, np.sqrt(1.0 - a * a)


def prewhiten(r: Array, periods: NDArray[np.int_], phi: float) -> Array:
    """The innovations u of standardised residuals `r` (last axis: the observed periods
    `periods`): independent standard normals when r is the AR(1) of the module."""
    if phi <= 0:
        return np.asarray(r, float)
    r = np.asarray(r, float)
    a, b = steps(periods, phi)
    previous = np.concatenate([np.zeros_like(r[..., :1]), r[..., :-1]], axis=-1)
    return (r - a * previous) / b


def whitening_matrix(periods: NDArray[np.int_], phi: float) -> Array:
    """The matrix W with prewhiten(r) = W r (lower bidiagonal)."""
    a, b = steps(periods, phi)
    n = a.size
    w = np.diag(1.0 / b)
    if n > 1:
        w[np.arange(1, n), np.arange(n - 1)] = -a[1:] / b[1:]
    return w


def log_jacobian(periods: NDArray[np.int_], phi: float) -> float:
    """-sum log b_i: what the prewhitening adds to the log density of r."""
    return -float(np.sum(np.log(steps(periods, phi)[1])))


def log_density(r: Array, periods: NDArray[np.int_], phi: float) -> float:
    """Exact log density of standardised residuals `r` at `periods` under the AR(1)."""
    u = prewhiten(r, periods, phi)
    return (-0.5 * float(np.dot(u, u)) - 0.5 * u.size * math.log(2 * math.pi)
            + log_jacobian(periods, phi))


def continuation(last: float, phi: float, horizon: Array, rng: np.random.Generator,
                 size: int) -> Array:
    """`size` paths [size, len(horizon)] of the standardised residuals `horizon` periods
    after one equal to `last`: mean phi^h last, variance 1 - phi^2h (the AR's own spread
    growing with the horizon to the stationary 1)."""
    h = np.asarray(horizon, float)
    decay = phi ** h if phi > 0 else np.zeros_like(h)
    return decay * last + np.sqrt(1.0 - decay * decay) * rng.standard_normal((size, h.size))
