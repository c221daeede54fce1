"""Carryover and saturation of advertising (pure functions on numpy arrays)."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray


def geometric_adstock(
    x: ArrayLike, theta: float, *, normalize: bool = False, window: int | None = None
) -> NDArray[np.float64]:
    """Geometric carryover of a daily series: S_t = sum_{l<L} theta^l x_{t-l}.

    With `window=None` the sum runs over all past days (S_t = x_t + theta S_{t-1}).
    `normalize=True` divides by the sum of the weights (over `window` days, or 1/(1-theta)
    for an unlimited window), as Meridian and PyMC-Marketing do; False is Robyn's convention.
    """
    series = np.asarray(x, dtype=float)
    if not 0.0 <= theta < 1.0:
        raise ValueError(f"theta must be in [0, 1), got {theta}")
    length = len(series) if window is None else int(window)
    weights = theta ** np.arange(length)
    out = np.convolve(series, weights)[: len(series)]
    if normalize:
        out = out / weights.sum() if window is not None else out * (1.0 - theta)
    return out


def daily_retention(retention_per_week: float) -> float:
    """Daily carryover theta from a weekly retention: theta_w ** (1/7)."""
    return float(retention_per_week) ** (1.0 / 7.0)


def step_retention(retention_per_week: float, step_days: int = 1) -> float:
    """Carryover theta per adstock step of `step_days` days: theta_w ** (step_days/7);
    one day's (`daily_retention`) when the step is a day."""
    if step_days == 1:
        return daily_retention(retention_per_week)
    return float(retention_per_week) ** (step_days / 7.0)


def hill(x: ArrayLike, half_saturation: float, shape: float) -> NDArray[np.float64]:
    """Hill saturation x^s / (x^s + K^s), in [0, 1); 0.5 at x = K."""
    v = np.asarray(x, dtype=float)
    ratio = np.power(np.maximum(v, 0.0) / half_saturation, shape)
    return ratio / (1.0 + ratio)


def saturation_curve(x: ArrayLike, half_saturation: float, shape: float = 1.0,
                     curve: str = "hill") -> NDArray[np.float64]:
    """A channel's saturation (0-1) of adstocked exposures x, half at K =
    `half_saturation`, as the engine computes it (`engine.hazards.saturation`): hill
    x^s / (x^s + K^s), logistic (1 - 3^(-x/K)) / (1 + 3^(-x/K)) = tanh(ln 3 x / (2K)),
    exponential 1 - 2^(-x/K)."""
    v = np.maximum(np.asarray(x, dtype=float), 0.0) / half_saturation
    if curve == "hill":
        return hill(x, half_saturation, shape)
    if curve == "logistic":
        return np.tanh(0.5 * np.log(3.0) * v)
    if curve == "exponential":
        return -np.expm1(-np.log(2.0) * v)
    raise ValueError(f"unknown saturation curve {curve!r}")


def logistic_saturation(x: ArrayLike, lam: float) -> NDArray[np.float64]:
    """Logistic saturation (1 - e^{-lam x}) / (1 + e^{-lam x})."""
    e = np.exp(-lam * np.asarray(x, dtype=float))
    return (1.0 - e) / (1.0 + e)


def poisson_reach(grp: ArrayLike) -> NDArray[np.float64]:
    """Share reached at least once, Poisson exposure: 1 - exp(-GRP/100)."""
    return 1.0 - np.exp(-np.asarray(grp, dtype=float) / 100.0)


def nbd_reach(grp: ArrayLike, k: float) -> NDArray[np.float64]:
    """Share reached at least once, NBD exposure with shape k: 1 - (1 + G/(100k))^-k."""
    return 1.0 - np.power(1.0 + np.asarray(grp, dtype=float) / (100.0 * k), -k)
