"""The observation model: what a history row measures of a simulated path, and how
noisy that measurement is.

- A flow's observation is its total over the period's days; a stock's or a share's is
  its level on the period's last day (market share: the engine's share to date).
- Noise, per series:
  - a survey share with a sample size `n` (`<kpi>_n` column): binomial, variance
    p (1 - p) / n, known;
  - a share without `n`: constant variance `s`, estimated;
  - counts, units and money: quasi-Poisson, variance `s * mu` with the dispersion `s`
    estimated (counts and units: at least Poisson, s >= 1); or, where a fit finds the
    residuals grow with the level otherwise (calibrate.noise_power), `s * mu^(2 k)`
    with the power k of the level in the noise's sd (0 constant, 1 proportional);
  and in every series the simulation's own variance between replications (a real history
  is one path of the process, not its mean).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
from numpy.typing import NDArray

from ..kpis import KPI_INDEX, KPIS
from .model import SHARE_KPIS, History

Array = NDArray[np.float64]
TINY = 1e-12
#: The exponent of the level in the noise's sd of counts and money: quasi-Poisson.
DEFAULT_POWER = 0.5


class Noise(StrEnum):
    """Observation noise of one series."""

    SURVEY = "survey"  # binomial p(1-p)/n, n given
    SHARE = "share"  # constant variance, estimated
    COUNT = "count"  # quasi-Poisson, dispersion >= 1 estimated
    MONEY = "money"  # quasi-Poisson in money units, dispersion estimated

    @property
    def floor(self) -> float:
        """Smallest scale allowed for the estimated part of the variance."""
        return 1.0 if self is Noise.COUNT else TINY


def noise_of(history: History, kpi: str) -> Noise:
    """The noise model of a history column."""
    if kpi in SHARE_KPIS:
        return Noise.SURVEY if kpi in history.sample_sizes else Noise.SHARE
    return Noise.MONEY if KPIS[kpi].unit == "money" else Noise.COUNT


def period_values(daily: Array, history: History) -> dict[str, Array]:
    """Observed-series values of simulated daily KPIs.

    `daily`: [..., K, D] (KPI rows in mktsim.kpis order, D = history.days).
    Returns {kpi: [..., n_periods]} for every KPI column of the history."""
    first, last = history.first_days, history.last_days
    out = {}
    for kpi in history.series:
        row = daily[..., KPI_INDEX[kpi], :]
        if KPIS[kpi].kind == "flow":
            cum = np.concatenate([np.zeros((*row.shape[:-1], 1)), np.cumsum(row, -1)], -1)
            out[kpi] = cum[..., last + 1] - cum[..., first]
        else:
            out[kpi] = row[..., last]
    return out


@dataclass(frozen=True)
class SeriesNoise:
    """Variance of one series' observations: `known + scale * base(mu) + sim_var`;
    counts and money: base(mu) = |mu|^(2 power), `power` the exponent of the level in the
    noise's sd (0.5: quasi-Poisson; counts never below Poisson, mu)."""

    noise: Noise
    scale: float
    sample_size: Array | None = None
    power: float = DEFAULT_POWER

    def variance(self, mu: Array, sim_var: Array | float = 0.0) -> Array:
        """Observation variance around the expected value `mu` (same shape)."""
        mu = np.asarray(mu, dtype=float)
        if self.noise is Noise.SURVEY:
            p = np.clip(mu, 1e-6, 1 - 1e-6)
            own = p * (1 - p) / np.asarray(self.sample_size)
        elif self.noise is Noise.SHARE:
            own = np.full_like(mu, self.scale)
        else:
            level = np.maximum(np.abs(mu), 1.0)
            own = self.scale * base_variance(self.noise, mu, self.power)
            if self.noise is Noise.COUNT and self.power != DEFAULT_POWER:
                own = np.maximum(own, level)
        return own + np.asarray(sim_var) + TINY * (1.0 + mu * mu)


def base_variance(noise: Noise, mu: Array, power: float = DEFAULT_POWER) -> Array:
    """What the estimated scale multiplies: 1 for shares, |mu|^(2 power) for counts and
    money (mu at the default power 0.5)."""
    if noise is Noise.SHARE:
        return np.ones_like(mu)
    level = np.maximum(np.abs(mu), 1.0)
    return level if power == DEFAULT_POWER else level ** (2.0 * power)


def estimate_noise(history: History, mu: Mapping[str, Array], sim_var: Mapping[str, Array],
                   mask: Mapping[str, NDArray[np.bool_]],
                   powers: Mapping[str, float] | None = None) -> dict[str, SeriesNoise]:
    """Each series' noise, with its scale estimated from the residuals of the periods in
    `mask` (method of moments on the squared residuals less the simulation variance);
    `powers`: the exponent of the level in a series' noise sd where not the default."""
    out = {}
    for kpi, observed in history.series.items():
        noise = noise_of(history, kpi)
        n = history.sample_sizes.get(kpi)
        if noise is Noise.SURVEY:
            # a missing n in a row falls back to the column's median n
            n = np.where(np.isfinite(n), n, np.nanmedian(n)) if n is not None else None
            out[kpi] = SeriesNoise(noise, 0.0, n)
            continue
        m = mask[kpi]
        power = (powers or {}).get(kpi, DEFAULT_POWER)
        floor = noise.floor if power == DEFAULT_POWER else TINY
        scale = floor
        if m.any():
            excess = (observed[m] - mu[kpi][m]) ** 2 - sim_var[kpi][m]
            scale = max(floor, float(np.mean(excess / base_variance(noise, mu[kpi][m], power))))
        out[kpi] = SeriesNoise(noise, scale, power=power)
    return out


def log_likelihood(history: History, simulated: Mapping[str, Array],
                   noise: Mapping[str, SeriesNoise], mask: Mapping[str, NDArray[np.bool_]],
                   weights: Mapping[str, float] | None = None,
                   sim_var: Mapping[str, Array] | None = None) -> Array:
    """Gaussian log-likelihood of the observed cells in `mask` given simulated values.

    `simulated`: {kpi: [..., n_periods]}, e.g. one row per replication (the weights of a
    particle filter) or the expected path. Returns an array of the leading shape."""
    total: Array | float = 0.0
    for kpi, observed in history.series.items():
        m = mask[kpi]
        if not m.any():
            continue
        sv = sim_var[kpi] if sim_var is not None else 0.0
        var = noise[kpi].variance(simulated[kpi], sv)[..., m]
        mu = simulated[kpi][..., m]
        ll = -0.5 * (((observed[m] - mu) ** 2) / var + np.log(2 * np.pi * var))
        total = total + (weights or {}).get(kpi, 1.0) * ll.sum(axis=-1)
    return np.asarray(total)


def observed_mask(history: History, holdout: int, fitted: bool = True
                  ) -> dict[str, NDArray[np.bool_]]:
    """Observed cells of the fitted periods (or, with fitted=False, of the held-out last
    `holdout` periods), per series. Missing cells drop out of their own series only."""
    cut = history.n_periods - holdout
    inside = np.arange(history.n_periods) < cut
    part = inside if fitted else ~inside
    return {kpi: np.isfinite(v) & part for kpi, v in history.series.items()}
