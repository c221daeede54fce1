"""The fit: maximum a posteriori on the expected path, then a Laplace approximation.

In standard-normal coordinates z (see priors.py) the log posterior is the Gaussian
log-likelihood of the observed cells plus -z.z/2, so it is a sum of squares: the weighted
residuals (y - mu) / sd and z itself. scipy.optimize.least_squares (trust region
reflective, bounded to the prior's 0.1%-99.9% range) minimises it from several starts;
the noise variances are re-estimated between rounds (iteratively reweighted). The
posterior covariance of z is (J'J)^-1 from the Jacobian at the optimum.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from ..history import SeriesNoise, estimate_noise, observed_mask
from .priors import Z_MAX
from .simulator import Paths, WindowModel

ROUNDS = 2
DIFF_STEP = 0.02  # finite-difference step in z (smaller steps see the counts' graininess)


@dataclass(frozen=True)
class FitSettings:
    """How the fit runs."""

    holdout: int = 0
    weights: dict[str, float] | None = None
    starts: int = 3
    max_evaluations: int = 60  # per start and round, in units of Jacobian-sized steps


@dataclass(frozen=True)
class Fit:
    """The optimum in z, its posterior covariance, and the noise at the optimum."""

    z: NDArray[np.float64]
    cov: NDArray[np.float64]
    noise: dict[str, SeriesNoise]
    mean: Paths
    sim_var: Paths
    cost: float
    converged: bool


def residuals(z: np.ndarray, model: WindowModel, noise: dict[str, SeriesNoise],
              sim_var: Paths, mask: dict[str, np.ndarray],
              weights: dict[str, float]) -> np.ndarray:
    """Weighted standardised residuals of the observed cells, then the prior's z."""
    mean, _ = model.expected(z)
    parts = []
    for kpi, observed in model.history.series.items():
        m = mask[kpi]
        var = noise[kpi].variance(mean[kpi][m], sim_var[kpi][m])
        parts.append(np.sqrt(weights.get(kpi, 1.0)) * (observed[m] - mean[kpi][m]) /
                     np.sqrt(var))
    parts.append(np.asarray(z, dtype=float))
    return np.concatenate(parts)


def fit(model: WindowModel, settings: FitSettings, rng: np.random.Generator) -> Fit:
    """Multi-start bounded least squares with reweighting rounds; Laplace covariance."""
    from scipy.optimize import least_squares

    k = len(model.priors)
    weights = settings.weights or {}
    mask = observed_mask(model.history, settings.holdout)
    starts = [np.zeros(k), *rng.uniform(-1.5, 1.5, size=(max(0, settings.starts - 1), k))]
    best = None
    for round_ in range(ROUNDS):
        candidates = starts if round_ == 0 else [best.x]  # type: ignore[union-attr]
        origin = np.zeros(k) if best is None else best.x
        mean, sim_var = model.expected(origin)
        noise = estimate_noise(model.history, mean, sim_var, mask)
        results = [least_squares(residuals, x0, args=(model, noise, sim_var, mask, weights),
                                 bounds=(-Z_MAX, Z_MAX), method="trf", diff_step=DIFF_STEP,
                                 x_scale=1.0, max_nfev=settings.max_evaluations)
                   for x0 in candidates]
        best = min(results, key=lambda r: r.cost)
    assert best is not None
    mean, sim_var = model.expected(best.x)
    noise = estimate_noise(model.history, mean, sim_var, mask)
    jac = np.asarray(best.jac)
    cov = np.linalg.pinv(jac.T @ jac)
    return Fit(best.x, cov, noise, mean, sim_var, float(best.cost), bool(best.status > 0))
