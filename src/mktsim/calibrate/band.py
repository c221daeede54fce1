"""The 90% predictive band of a calibrated history (the `bands` of the document).

Three steps, each in the series' own units (units, money, a share):

1. Predictive samples: each posterior draw simulated (its own seed, `replications`
   paths), and each path given `NOISE_DRAWS` draws of the series' observation noise
   (the fit's noise model, Gaussian): enough samples for stable 5% and 95% quantiles
   without more simulations (with 5 draws a path the same fit's held-out coverage still
   moved by up to 5 of 13 weeks with the noise seed).
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
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray

from .fit import Fit
from .result import SeriesBand
from .simulator import WindowModel

Array = NDArray[np.float64]
LEVEL = 0.90  # the band's nominal coverage
NOISE_DRAWS = 25  # observation-noise draws per simulated path
RECENT = 52  # fitted periods (the last ones) whose coverage sets the conformal factor


def predictive_samples(model: WindowModel, result: Fit, zs: np.ndarray,
                       rng: np.random.Generator, replications: int = 1
                       ) -> dict[str, Array]:
    """{kpi: [draws * replications * NOISE_DRAWS, n_periods]}: simulated paths of each
    posterior draw plus Gaussian observation noise, in the series' units."""
    sims: dict[str, list[Array]] = {k: [] for k in model.history.series}
    for i, z in enumerate(zs):
        seed = int(np.random.SeedSequence(model.seed, spawn_key=(33, i)).generate_state(1)[0])
        for kpi, paths in model.paths(z, replications=replications, seed=seed).items():
            for path in paths:
                sd = np.sqrt(result.noise[kpi].variance(path))
                sims[kpi].append(path + rng.normal(0.0, 1.0, (NOISE_DRAWS, path.size)) * sd)
    return {kpi: np.concatenate(s) for kpi, s in sims.items()}


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


def series_band(observed: Array, expected: Array, samples: Array,
                fitted: NDArray[np.bool_], free_values: int = 0) -> SeriesBand:
    """The 90% band of one series from its predictive samples, widened by the conformal
    factor of its recent fitted periods and the fit's optimism (`free_values`)."""
    tail = (1.0 - LEVEL) / 2
    low, mid, high = np.quantile(samples, [tail, 0.5, 1.0 - tail], axis=0)
    window = recent(fitted)
    factor = conformal_factor(conformity(observed[window], mid[window], low[window],
                                         high[window]))
    factor *= optimism(int(fitted.sum()), free_values)
    return SeriesBand(observed, expected, mid - factor * (mid - low),
                      mid + factor * (high - mid))


def predictive_bands(model: WindowModel, result: Fit, zs: np.ndarray,
                     rng: np.random.Generator, fitted: dict[str, NDArray[np.bool_]],
                     replications: int = 1) -> dict[str, SeriesBand]:
    """Each series' 90% predictive band (module docstring); `fitted`: the observed cells
    of the fitted periods, per series."""
    samples = predictive_samples(model, result, zs, rng, replications)
    return {kpi: series_band(model.history.series[kpi], result.mean[kpi], s, fitted[kpi],
                             len(model.priors))
            for kpi, s in samples.items()}
