"""The 90% predictive band of a calibrated history (the `bands` of the document).

The steps, each in the series' own units (units, money, a share):

1. Predictive samples: each posterior draw simulated (its own seed, `replications`
   paths), and each path given `NOISE_DRAWS` draws of the series' observation noise
   (the fit's noise model, Gaussian): enough samples for stable 5% and 95% quantiles
   without more simulations (with 5 draws a path the same fit's held-out coverage still
   moved by up to 5 of 13 weeks with the noise seed). Where the fitted residuals show
   the noise's sd growing with the level by another power than the likelihood's
   quasi-Poisson square root (calibrate.noise_power, significant at 5%), the noise is
   drawn with that power, its scale re-estimated from the same residuals
   (`predictive_noise`): a band of the noise's own shape over the level, however the
   fit weighted the periods.
2. The band: the 5% and 95% quantiles of those samples, around their median.
3. A split-conformal correction: the band's width is multiplied by the factor that makes
   the last `RECENT` fitted periods' coverage 90% (with the finite-sample rank
   ceil((n + 1) 0.9)), and never narrowed. A model that misses the history by more than
   its noise model says (a misspecified trend, season or response curve) then gets a band
   as wide as its own misses, which is what the held-out periods will see; a well
   specified one keeps the simulated band (its fitted coverage is already 90% or more).
   The factor is then multiplied by sqrt((n + p) / (n - p)) (n fitted observations, p
   free values): the fit chose its p values to make those n residuals small, and a
   linear model's squared prediction error on new periods is (n + p) / (n - p) times its
   residuals'.
4. The run the window ends in carries on: the fit's noise is correlated between periods
   (calibrate.serial: white noise plus a persistent AR(1)), so a period after the last
   fitted one is sampled from its noise given the fitted periods' standardised
   residuals (at the fit's optimum): shifted by their conditional mean, with their
   conditional spread (growing with the horizon to the noise's own). Those samples'
   median centres the band there; its half-widths are the larger of theirs and the
   independent samples', each times the factor of step 3: the conformal check stays a
   floor, the centre follows the deviation the window ends with.
5. The level keeps wandering after the window: where the fitted periods' standardised
   residuals hold a random walk (calibrate.serial.estimate_wander: a local level plus
   white noise, used where a likelihood-ratio test at 5% prefers it to a constant level
   and, where step 4's AR part is significant, Akaike's criterion prefers it to that
   AR part), the samples after the last fitted period follow the local level's forecast
   instead of step 4's: centred on its filtered level, variance s2 (P_T + h q + 1) at h
   periods ahead (`walk_forecast`), a band that fans out with the horizon as a forecast
   of a wandering level must; persistence is counted once. Residuals without a walk
   leave the band as it was.
6. A forecast misses by more than the fitted periods do: where periods follow a
   series' last observed fitted one (a holdout, or the series' own last weeks missing
   inside the window), their factor is at least the conformal factor of forecasts from
   earlier origins (calibrate.origins: the fit refitted, linearised, on the periods up
   to each of the last year's fitted periods, its forecast of the fitted periods up to
   as many periods ahead scored against the band, all horizons pooled). A level, trend
   or end state the model extrapolates wrong widens the band after that period by what
   such forecasts missed; the band up to it is unchanged, and where no series has a
   period after its last observed one (no holdout, no missing tail) nothing more runs.
   The factor is a floor on half-widths that may already hold step 4's carried or step
   5's walk widths: where those dominate it may widen more than needed (conservative).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

import numpy as np
from numpy.typing import NDArray

from ..history import History, SeriesNoise, estimate_noise
from .fit import Fit
from .origins import RECENT, Origins, forecast_origins
from .result import SeriesBand
from .serial import Serial, Wander, conditional, estimate_wander, walk_forecast
from .simulator import WindowModel

Array = NDArray[np.float64]
LEVEL = 0.90  # the band's nominal coverage
NOISE_DRAWS = 25  # observation-noise draws per simulated path


@dataclass(frozen=True)
class Persistence:
    """How a series' noise carries on after its last fitted period (step 4)."""

    last: int  # index of the last fitted period with an observation
    shift: Array  # [n_periods] expected deviation after it (series units; 0 up to it)
    spread: Array  # [n_periods] factor on the noise's sd after it (1 up to it)
    wander: Wander = field(default_factory=Wander)  # step 5's random walk (none: no growth)

    @classmethod
    def none(cls, n_periods: int) -> Persistence:
        """Independent noise: no shift, the full spread."""
        return cls(n_periods - 1, np.zeros(n_periods), np.ones(n_periods))


def persistence(observed: Array, mean: Array, sd: Array, fitted: NDArray[np.bool_],
                serial: Serial) -> Persistence:
    """The continuation of the standardised residuals (observed - mean) / sd of the
    fitted periods after the last of them: under their correlation `serial` (step 4),
    with the variance of their random walk, if any, added (step 5)."""
    n = observed.size
    cells = np.flatnonzero(fitted & np.isfinite(observed))
    if cells.size == 0:
        return Persistence.none(n)
    r = (observed[cells] - mean[cells]) / sd[cells]
    wander = estimate_wander(r, cells, serial)
    if serial.independent and wander.step <= 0.0:
        return Persistence(n - 1, np.zeros(n), np.ones(n), wander)
    last = int(cells[-1])
    after = np.arange(last + 1, n)
    shift, spread = np.zeros(n), np.ones(n)
    if wander.step > 0.0:
        mean_after, sd_after = walk_forecast(r, cells, after, Serial(), wander)
    else:
        mean_after, sd_after = conditional(r, cells, after, serial)
    shift[after] = mean_after * sd[after]
    spread[after] = sd_after
    return Persistence(last, shift, spread, wander)


def predictive_noise(history: History, result: Fit, fitted: dict[str, NDArray[np.bool_]]
                     ) -> dict[str, SeriesNoise]:
    """Each series' observation noise for the band: the fit's, or where the power of the
    level in its sd differs significantly from the likelihood's (`Fit.powers`), that
    power with its scale re-estimated from the residuals of the `fitted` cells."""
    powers = {kpi: p.power for kpi, p in result.powers.items() if p.used}
    if not powers:
        return result.noise
    own = estimate_noise(history, result.mean, result.sim_var, fitted, powers)
    return {kpi: own[kpi] if kpi in powers else noise for kpi, noise in result.noise.items()}


def predictive_samples(model: WindowModel, result: Fit, zs: np.ndarray,
                       rng: np.random.Generator, replications: int = 1,
                       carry: dict[str, Persistence] | None = None,
                       noise: dict[str, SeriesNoise] | None = None
                       ) -> dict[str, tuple[Array, Array]]:
    """{kpi: (independent, carried)}, each [draws * replications * NOISE_DRAWS,
    n_periods]: simulated paths of each posterior draw plus Gaussian observation noise
    (`noise`, the fit's without), in the series' units; `carried` with the same draws
    continuing the fitted window's last deviation (`carry`, step 4; without: the same as
    independent)."""
    noise = noise or result.noise
    sims: dict[str, list[Array]] = {k: [] for k in model.history.series}
    carried: dict[str, list[Array]] = {k: [] for k in model.history.series}
    for i, z in enumerate(zs):
        seed = int(np.random.SeedSequence(model.seed, spawn_key=(33, i)).generate_state(1)[0])
        for kpi, paths in model.paths(z, replications=replications, seed=seed).items():
            keep = (carry or {}).get(kpi) or Persistence.none(paths.shape[-1])
            for path in paths:
                draws = rng.normal(0.0, 1.0, (NOISE_DRAWS, path.size)) * np.sqrt(
                    noise[kpi].variance(path))
                sims[kpi].append(path + draws)
                carried[kpi].append(path + keep.shift + keep.spread * draws)
    return {kpi: (np.concatenate(s), np.concatenate(carried[kpi]))
            for kpi, s in sims.items()}


def conformity(observed: Array, mid: Array, low: Array, high: Array) -> Array:
    """How far each observation lies out relative to its side of the band: 1 on an edge,
    below 1 inside (NaN where the observation is missing)."""
    above = (observed - mid) / np.maximum(high - mid, 1e-12)
    below = (mid - observed) / np.maximum(mid - low, 1e-12)
    return np.where(observed >= mid, above, below)


def conformal_factor(scores: Array, level: float = LEVEL) -> float:
    """The factor (at least 1) by which a band must widen so that a share `level` of
    these conformity scores fall inside it: their ceil((n + 1) level)-th smallest."""
    scores = np.sort(scores[np.isfinite(scores)])
    n = scores.size
    if n == 0:
        return 1.0
    rank = min(n, math.ceil((n + 1) * level))
    return max(1.0, float(scores[rank - 1]))


def recent(mask: NDArray[np.bool_], periods: int = RECENT) -> NDArray[np.bool_]:
    """The last `periods` cells of `mask` that are set."""
    out = np.zeros_like(mask)
    out[np.flatnonzero(mask)[-periods:]] = True
    return out


def optimism(observations: int, free_values: int) -> float:
    """How much wider new periods' misses are than the fitted residuals, as a factor on
    their spread: sqrt((n + p) / (n - p)) for n observations and p free values
    (sqrt(3) once p reaches half of n)."""
    n, p = observations, free_values
    return math.sqrt((n + p) / (n - p)) if n > 2 * p else math.sqrt(3.0)


def ahead_factor(observed: Array, mid: Array, low: Array, high: Array,
                 fitted: NDArray[np.bool_], origins: Origins) -> float:
    """The conformal factor of forecasts from earlier origins (module docstring, step
    6): each fitted period within the horizon after an origin, less the move of the
    mean that the refit at that origin forecasts there, scored against the band; all
    horizons pooled, as the periods after the window are counted together."""
    rows, periods = origins.pairs(fitted & np.isfinite(observed))
    moved = observed[periods] - origins.moves[rows, periods]
    return conformal_factor(conformity(moved, mid[periods], low[periods], high[periods]))


def series_band(observed: Array, expected: Array, samples: Array,
                fitted: NDArray[np.bool_], free_values: int = 0,
                carried: Array | None = None, last: int | None = None,
                origins: Origins | None = None) -> SeriesBand:
    """The 90% band of one series from its predictive samples, widened by the conformal
    factor of its recent fitted periods and the fit's optimism (`free_values`); after
    period `last`, centred on the `carried` samples' median, each half-width the larger
    of theirs and the independent samples' (module docstring, step 4), and the factor
    after the last observed fitted period at least that of the forecasts from earlier
    `origins` (step 6)."""
    tail = (1.0 - LEVEL) / 2
    low, mid, high = np.quantile(samples, [tail, 0.5, 1.0 - tail], axis=0)
    window = recent(fitted)
    factor = conformal_factor(conformity(observed[window], mid[window], low[window],
                                         high[window]))
    factor *= optimism(int(fitted.sum()), free_values)
    ahead = factor if origins is None else max(
        factor, ahead_factor(observed, mid, low, high, fitted, origins))
    below, above = mid - low, high - mid
    period = np.arange(observed.size)
    if carried is not None and last is not None:
        c_low, c_mid, c_high = np.quantile(carried, [tail, 0.5, 1.0 - tail], axis=0)
        after = period > last
        mid = np.where(after, c_mid, mid)
        below = np.where(after, np.maximum(below, c_mid - c_low), below)
        above = np.where(after, np.maximum(above, c_high - c_mid), above)
    cells = np.flatnonzero(fitted)
    factor = np.where(period > (cells[-1] if cells.size else period.size), ahead, factor)
    return SeriesBand(observed, expected, mid - factor * below, mid + factor * above)


def predictive_bands(model: WindowModel, result: Fit, zs: np.ndarray,
                     rng: np.random.Generator, fitted: dict[str, NDArray[np.bool_]],
                     replications: int = 1, weights: dict[str, float] | None = None
                     ) -> dict[str, SeriesBand]:
    """Each series' 90% predictive band (module docstring); `fitted`: the observed cells
    of the fitted periods, per series; `weights`: the fit's weight of each series."""
    noise = predictive_noise(model.history, result, fitted)
    carry = {kpi: persistence(y, result.mean[kpi], np.sqrt(noise[kpi].variance(
        result.mean[kpi], result.sim_var[kpi])), fitted[kpi], result.serial.get(kpi, Serial()))
             for kpi, y in model.history.series.items()}
    samples = predictive_samples(model, result, zs, rng, replications, carry, noise)
    ahead = forecast_origins(model, result, fitted, weights)
    return {kpi: replace(series_band(model.history.series[kpi], result.mean[kpi], s,
                                     fitted[kpi], len(model.priors), c, carry[kpi].last,
                                     ahead.get(kpi)),
                         wander=carry[kpi].wander)
            for kpi, (s, c) in samples.items()}
