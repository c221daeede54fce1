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

IRLS_ROUNDS = 3  # noise re-estimated between least-squares solves
DIFF_STEP = 0.1  # finite-difference step in z: wider than the graininess of counts


@dataclass(frozen=True)
class FitSettings:
    """How the fit runs."""

    holdout: int = 0
    weights: dict[str, float] | None = None
    starts: int = 3
    max_evaluations: int = 30  # least-squares evaluations per parameter, start and round


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
        var = noise[kpi].variance(mean[kpi], sim_var[kpi])[m]
        parts.append(np.sqrt(weights.get(kpi, 1.0)) * (observed[m] - mean[kpi][m]) /
                     np.sqrt(var))
    parts.append(np.asarray(z, dtype=float))
    return np.concatenate(parts)


def neg_log_posterior(z: np.ndarray, model: WindowModel, sim_var: Paths,
                      mask: dict[str, np.ndarray], weights: dict[str, float]) -> float:
    """-log posterior in z, the noise scales profiled out (re-estimated at each z)."""
    mean, _ = model.expected(z)
    noise = estimate_noise(model.history, mean, sim_var, mask)
    total = 0.5 * float(np.dot(z, z))
    for kpi, observed in model.history.series.items():
        m = mask[kpi]
        var = noise[kpi].variance(mean[kpi], sim_var[kpi])[m]
        nll = 0.5 * np.sum((observed[m] - mean[kpi][m]) ** 2 / var + np.log(var))
        total += weights.get(kpi, 1.0) * float(nll)
    return total


def jacobian(model: WindowModel, z: np.ndarray, noise: dict[str, SeriesNoise],
             sim_var: Paths, mask: dict[str, np.ndarray], weights: dict[str, float]
             ) -> np.ndarray:
    """Central finite differences of the standardised residuals (step DIFF_STEP in z)."""
    cols = []
    for j in range(len(z)):
        step = np.zeros(len(z))
        step[j] = DIFF_STEP
        up = residuals(z + step, model, noise, sim_var, mask, weights)
        down = residuals(z - step, model, noise, sim_var, mask, weights)
        cols.append((up - down) / (2 * DIFF_STEP))
    return np.column_stack(cols)


def forward_jacobian(z: np.ndarray, model: WindowModel, noise: dict[str, SeriesNoise],
                     sim_var: Paths, mask: dict[str, np.ndarray], weights: dict[str, float]
                     ) -> np.ndarray:
    """Forward differences of the standardised residuals at a step of DIFF_STEP in z
    (backwards at the upper bound). scipy's own `diff_step` is relative to |z|, so it
    shrinks to 1e-8 at z = 0 (the prior's median, where the search often starts), below
    the graininess of simulated counts: the Jacobian came out zero there."""
    base = residuals(z, model, noise, sim_var, mask, weights)
    cols = []
    for j in range(len(z)):
        step = np.zeros(len(z))
        step[j] = DIFF_STEP if z[j] + DIFF_STEP <= Z_MAX else -DIFF_STEP
        cols.append((residuals(z + step, model, noise, sim_var, mask, weights) - base)
                    / step[j])
    return np.column_stack(cols)


def screen(model: WindowModel, sim_var: Paths, mask: dict[str, np.ndarray],
           weights: dict[str, float], keep: int, rng: np.random.Generator) -> list[np.ndarray]:
    """The `keep` best of a scrambled Sobol screen of 8 points per parameter over the
    prior's central 98% (and its median): where the local searches start."""
    from scipy.special import ndtri
    from scipy.stats import qmc

    k = len(model.priors)
    n = 1 << int(np.ceil(np.log2(8 * k)))
    u = qmc.Sobol(k, scramble=True, seed=rng).random(n)
    points = [np.zeros(k), *ndtri(0.01 + 0.98 * u)]
    scored = sorted(points, key=lambda z: neg_log_posterior(z, model, sim_var, mask, weights))
    return scored[:keep]


def autocorrelation_factors(model: WindowModel, z: np.ndarray,
                            noise: dict[str, SeriesNoise], sim_var: Paths,
                            mask: dict[str, np.ndarray]) -> np.ndarray:
    """Per residual row: sqrt((1 - rho) / (1 + rho)), rho the lag-1 autocorrelation of its
    series' standardised residuals at the optimum (clipped to [0, 0.95]); 1 for the prior
    rows. Scaling the Jacobian's rows by it inflates the covariance by the series' ratio
    of observations to effective observations (AR(1)), since a simulated history's
    deviations from the expected path persist from one period to the next."""
    r = residuals(z, model, noise, sim_var, mask, {})
    out, start = [], 0
    for kpi in model.history.series:
        n = int(mask[kpi].sum())
        part = r[start:start + n]
        start += n
        rho = 0.0
        if n > 2 and np.std(part) > 0:
            rho = float(np.clip(np.corrcoef(part[:-1], part[1:])[0, 1], 0.0, 0.95))
        out.append(np.full(n, np.sqrt((1 - rho) / (1 + rho))))
    out.append(np.ones(len(z)))
    return np.concatenate(out)


def refine(model: WindowModel, z0: np.ndarray, sim_var: Paths, mask: dict[str, np.ndarray],
           weights: dict[str, float], max_evaluations: int) -> tuple[np.ndarray, bool]:
    """Iteratively reweighted least squares from `z0`: the noise scales fixed at the
    current point, scipy.optimize.least_squares (trust region reflective, bounded to
    [-Z_MAX, Z_MAX]) on the whitened residuals, forward differences at a step of DIFF_STEP
    in z (`forward_jacobian`: wider than the graininess of simulated counts); repeated
    while the noise moves."""
    from scipy.optimize import least_squares

    k = len(z0)
    z, converged = np.asarray(z0, dtype=float), False
    for _ in range(IRLS_ROUNDS):
        mean, _ = model.expected(z)
        noise = estimate_noise(model.history, mean, sim_var, mask)
        res = least_squares(residuals, z, args=(model, noise, sim_var, mask, weights),
                            bounds=(-Z_MAX, Z_MAX), method="trf", jac=forward_jacobian,
                            x_scale=1.0, xtol=1e-3, ftol=1e-4, gtol=1e-6,
                            max_nfev=max_evaluations * k)
        moved = float(np.max(np.abs(res.x - z)))
        z, converged = np.asarray(res.x), bool(res.success)
        if moved < 0.05:
            break
    return z, converged


def fit(model: WindowModel, settings: FitSettings, rng: np.random.Generator) -> Fit:
    """Sobol screen, least squares from its best starts (reweighting rounds, the
    simulation variance re-estimated at the best point), Laplace covariance."""
    k = len(model.priors)
    weights = settings.weights or {}
    mask = observed_mask(model.history, settings.holdout)
    _, sim_var = model.expected(np.zeros(k))
    starts = screen(model, sim_var, mask, weights, settings.starts, rng)

    def score(z: np.ndarray) -> float:
        return neg_log_posterior(z, model, sim_var, mask, weights)

    found = [refine(model, z0, sim_var, mask, weights, settings.max_evaluations)
             for z0 in starts]
    best, converged = min(found, key=lambda f: score(f[0]))
    _, sim_var = model.expected(best)
    best, converged = refine(model, best, sim_var, mask, weights, settings.max_evaluations)
    mean, sim_var = model.expected(best)
    noise = estimate_noise(model.history, mean, sim_var, mask)
    jac = jacobian(model, best, noise, sim_var, mask, weights)
    jac *= autocorrelation_factors(model, best, noise, sim_var, mask)[:, None]
    cov = np.linalg.pinv(jac.T @ jac)
    return Fit(best, cov, noise, mean, sim_var,
               neg_log_posterior(best, model, sim_var, mask, weights), converged)
