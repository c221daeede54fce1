"""Conditioning replications on actuals: sequential importance resampling over whole
paths (a one-step particle filter).

Each replication is weighted by the likelihood of the actuals given its own simulated
periods, under the observation noise model of `calibrate` (`mktsim.history.observe`,
the noise scales estimated from the actuals against the replications' mean path), then
the replications are resampled by weight (systematic resampling, seeded). The future of a
path given its past is the simulated continuation, so the resampled paths after the as-of
day are draws of the future given the actuals.

When the actuals are more informative than the replications can represent (weekly sales
pin the state down much more tightly than the spread of N replications), the weights
collapse onto a handful of paths. The likelihood is then tempered: raised to the power
`beta` in (0, 1], the largest for which the effective sample size reaches
`ESS_TARGET_SHARE` of the replications, which is the same as widening every observation's
noise by 1 / sqrt(beta). `beta = 1` is the exact conditioning; a smaller `beta` is
reported and warned about (more replications sharpen it).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

from ..history import (
    History,
    Noise,
    SeriesNoise,
    estimate_noise,
    log_likelihood,
    observed_mask,
    period_values,
)

# a share without a sample size is read as at least this noisy (variance; sd 0.3 points)
SHARE_FLOOR = 1e-5
# tempering keeps at least this share of the replications effective
ESS_TARGET_SHARE = 0.1


@dataclass(frozen=True)
class Conditioning:
    """Weights of the replications given the actuals, and the resampled indices."""

    log_likelihood: np.ndarray  # [R] of the actuals under each replication
    weights: np.ndarray  # [R], sum 1
    indices: np.ndarray  # [R] resampled replication indices
    noise: dict[str, float]  # estimated noise scale per series
    beta: float = 1.0  # power of the likelihood (1: exact; < 1: tempered)

    @property
    def ess(self) -> float:
        """Effective sample size (sum w)^2 / sum w^2."""
        return effective_sample_size(self.weights)

    @property
    def replications(self) -> int:
        """R."""
        return int(self.weights.size)


def condition(actuals: History, daily: np.ndarray, seed: int, money_unit: float,
              beta: float | None = None) -> Conditioning:
    """Weights and resampled indices of the replications `daily` [R, K, D] given the
    actuals (day 0 of `daily` is the actuals' first day). `beta`: a fixed power of the
    likelihood instead of the adaptive one (1 = exact). `money_unit`: money per unit sold
    (the mean list price), the grain of a money series (see `kernel_noise`)."""
    simulated = period_values(daily, actuals)
    mask = observed_mask(actuals, 0)
    mu = {k: v.mean(axis=0) for k, v in simulated.items()}
    var = {k: v.var(axis=0, ddof=1) if v.shape[0] > 1 else np.zeros_like(mu[k])
           for k, v in simulated.items()}
    noise = kernel_noise(estimate_noise(actuals, mu, var, mask), money_unit)
    ll = log_likelihood(actuals, simulated, noise, mask)
    if beta is None:
        beta = tempering(ll, ESS_TARGET_SHARE * ll.size)
    weights = normalised(beta * ll)
    rng = np.random.default_rng(np.random.SeedSequence([seed, 0x7A4C]))
    indices = systematic_resample(weights, weights.size, rng)
    return Conditioning(ll, weights, indices, {k: float(n.scale) for k, n in noise.items()},
                        beta)


def kernel_noise(noise: dict[str, SeriesNoise], money_unit: float) -> dict[str, SeriesNoise]:
    """The estimated noise with a floor per series, so that an exactly recorded series
    (whose estimated noise is zero once the replications' own spread is taken out) still
    has a kernel the replications can match: counts at least Poisson, money at least
    Poisson in units of `money_unit` (variance money_unit x mu), a share without sample
    size at least SHARE_FLOOR; surveys keep their binomial noise."""
    floors = {Noise.MONEY: max(money_unit, 1.0), Noise.SHARE: SHARE_FLOOR,
              Noise.COUNT: 1.0}
    return {k: dataclasses.replace(n, scale=max(n.scale, floors.get(n.noise, 0.0)))
            for k, n in noise.items()}


def tempering(log_likelihood: np.ndarray, ess_floor: float, steps: int = 50) -> float:
    """The largest power beta in (0, 1] of the likelihood whose weights keep an effective
    sample size of at least `ess_floor` (bisection; the ESS falls as beta grows)."""
    if effective_sample_size(normalised(log_likelihood)) >= ess_floor:
        return 1.0
    low, high = 0.0, 1.0
    for _ in range(steps):
        mid = 0.5 * (low + high)
        if effective_sample_size(normalised(mid * log_likelihood)) >= ess_floor:
            low = mid
        else:
            high = mid
    return low


def normalised(log_weights: np.ndarray) -> np.ndarray:
    """Weights proportional to exp(log_weights), summing to 1 (uniform when none is
    finite)."""
    lw = np.asarray(log_weights, dtype=float)
    finite = np.isfinite(lw)
    if not finite.any():
        return np.full(lw.size, 1.0 / lw.size)
    w = np.where(finite, np.exp(lw - lw[finite].max()), 0.0)
    return w / w.sum()


def effective_sample_size(weights: np.ndarray) -> float:
    """(sum w)^2 / sum w^2: how many equally weighted replications the weights are worth."""
    w = np.asarray(weights, dtype=float)
    return float(w.sum() ** 2 / np.sum(w * w)) if w.size else 0.0


def systematic_resample(weights: np.ndarray, n: int, rng: np.random.Generator) -> np.ndarray:
    """`n` indices drawn by systematic resampling: one uniform offset, n evenly spaced
    points on the cumulative weights (lower variance than multinomial draws)."""
    cum = np.cumsum(weights)
    cum[-1] = 1.0
    points = (rng.random() + np.arange(n)) / n
    return np.searchsorted(cum, points, side="right").astype(np.int64)
