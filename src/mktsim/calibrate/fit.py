"""The fit: maximum a posteriori on the expected path, then a Laplace approximation.

In standard-normal coordinates z (see priors.py) the log posterior is the Gaussian
log-likelihood of the observed cells plus -z.z/2, so it is a sum of squares: the weighted
residuals (y - mu) / sd and z itself. scipy.optimize.least_squares (trust region
reflective, bounded to the prior's 0.1%-99.9% range) minimises it from several starts;
the noise variances are re-estimated between rounds (iteratively reweighted). Every
start's optimum is kept. At the best, each series' residuals give the correlation of its
noise between periods (calibrate.serial: white noise plus a persistent AR(1)); the
likelihood's temper for a history that is one path, and whose noise is that correlated,
is measured there (`sandwich_temper`), and (J'J)^-1 from the tempered Jacobian is the
Laplace covariance the posterior sampler (calibrate.posterior) starts from.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from ..history import SeriesNoise, estimate_noise, observed_mask
from .noise_power import NoisePower, noise_powers
from .priors import Z_MAX
from .serial import Serial, estimate
from .simulator import Paths, WindowModel

IRLS_ROUNDS = 3  # noise re-estimated between least-squares solves
DIFF_STEP = 0.1  # finite-difference step in z: wider than the graininess of counts
#: Step in z of the Laplace curvature's central differences: half a prior sd. The
#: expected path is the mean of R replications whose random numbers do not stay aligned
#: as the values move (a rejection sampler's draws shift), so the residuals jitter by a
#: few hundredths of a noise sd from one z to the next; at a step of 0.1 that jitter
#: made up most of J'J of a weakly identified value (a channel's lift beside an always-on
#: spend), and its interval came out two to three times too narrow.
LAPLACE_STEP = 0.5


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
    # every local search's optimum (z, -log posterior), best first
    optima: list[tuple[np.ndarray, float]] = field(default_factory=list)
    # per series: the likelihood's temper for a history that is one path (sandwich_temper)
    tempers: dict[str, float] = field(default_factory=dict)
    # per series: the correlation of its noise between periods (calibrate.serial)
    serial: dict[str, Serial] = field(default_factory=dict)
    # per series: the power of the level in its noise sd, estimated at the optimum for
    # the predictive band (calibrate.noise_power; the likelihood keeps quasi-Poisson)
    powers: dict[str, NoisePower] = field(default_factory=dict)


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


def serial_correlation(model: WindowModel, mean: Paths, noise: dict[str, SeriesNoise],
                       sim_var: Paths, mask: dict[str, np.ndarray]) -> dict[str, Serial]:
    """Each series' correlation between periods of its standardised residuals around
    `mean` (calibrate.serial.estimate)."""
    out = {}
    for kpi, observed in model.history.series.items():
        m = mask[kpi]
        var = noise[kpi].variance(mean[kpi], sim_var[kpi])[m]
        out[kpi] = estimate((observed[m] - mean[kpi][m]) / np.sqrt(var), np.flatnonzero(m))
    return out


def neg_log_posterior(z: np.ndarray, model: WindowModel, sim_var: Paths,
                      mask: dict[str, np.ndarray], weights: dict[str, float],
                      tempers: dict[str, float] | None = None) -> float:
    """-log posterior in z, the noise scales profiled out (re-estimated at each z); each
    series' log-likelihood times its weight and its temper (1 without)."""
    mean, _ = model.expected(z)
    noise = estimate_noise(model.history, mean, sim_var, mask)
    total = 0.5 * float(np.dot(z, z))
    for kpi, observed in model.history.series.items():
        m = mask[kpi]
        var = noise[kpi].variance(mean[kpi], sim_var[kpi])[m]
        nll = 0.5 * np.sum((observed[m] - mean[kpi][m]) ** 2 / var + np.log(var))
        total += weights.get(kpi, 1.0) * (tempers or {}).get(kpi, 1.0) * float(nll)
    return total


SMOOTH_PERIODS = 7  # periods over which the simulation variance's ratio is averaged


def path_variance(model: WindowModel, z: np.ndarray) -> tuple[Paths, Paths]:
    """Expected path at z and the variance of an observed path around it: the variance
    between the R replications, smoothed (its ratio to the series' base variance, 1 for
    shares and the mean for counts and money, averaged over SMOOTH_PERIODS periods: a
    variance from a few replications is too rough to weigh single periods by), times
    1 + 1/R (the error of the R-path mean)."""
    from ..history import noise_of
    from ..history.observe import base_variance

    mean, raw = model.expected(z)
    out = {}
    for kpi, var in raw.items():
        kernel = np.ones(max(1, min(SMOOTH_PERIODS, len(var))))
        base = base_variance(noise_of(model.history, kpi), mean[kpi])
        ratio = np.convolve(var / base, kernel, "same") / np.convolve(
            np.ones(len(var)), kernel, "same")
        out[kpi] = ratio * base * (1.0 + 1.0 / max(model.replications, 1))
    return mean, out


def jacobian(model: WindowModel, z: np.ndarray, noise: dict[str, SeriesNoise],
             sim_var: Paths, mask: dict[str, np.ndarray], weights: dict[str, float],
             step: float = LAPLACE_STEP) -> np.ndarray:
    """Central differences of the standardised residuals at `step` in z (one-sided, over
    the step actually taken, where the prior's range ends): the Laplace curvature J'J."""
    cols = []
    for j in range(len(z)):
        up, down = z.copy(), z.copy()
        up[j] = min(z[j] + step, Z_MAX)
        down[j] = max(z[j] - step, -Z_MAX)
        cols.append((residuals(up, model, noise, sim_var, mask, weights)
                     - residuals(down, model, noise, sim_var, mask, weights))
                    / (up[j] - down[j]))
    return np.column_stack(cols)


def forward_jacobian(z: np.ndarray, model: WindowModel, noise: dict[str, SeriesNoise],
                     sim_var: Paths, mask: dict[str, np.ndarray], weights: dict[str, float]
                     ) -> np.ndarray:
    """Forward differences of the standardised residuals at a step of DIFF_STEP in z
    (backwards at the upper bound). scipy's own `diff_step` is relative to |z|, so it
    shrinks to 1e-8 at z = 0 (the prior's median, where the search often starts), below
    the graininess of simulated counts: the Jacobian came out zero there."""
    base = residuals(z, model, noise, sim_var, mask, weights)
    return np.column_stack([(residuals(z + step, model, noise, sim_var, mask, weights) - base)
                            / step[j] for j, step in enumerate(difference_steps(z))])


def difference_steps(z: np.ndarray) -> list[np.ndarray]:
    """The finite-difference steps of a Jacobian at z: one per coordinate j, DIFF_STEP
    (in z) along j, backwards where forwards would leave the prior's range (Z_MAX)."""
    steps = []
    for j in range(len(z)):
        step = np.zeros(len(z))
        step[j] = DIFF_STEP if z[j] + DIFF_STEP <= Z_MAX else -DIFF_STEP
        steps.append(step)
    return steps


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


SANDWICH_PATHS = 24  # single paths simulated at the optimum to measure their deviations
MIN_TEMPER = 0.02


def sandwich_temper(model: WindowModel, z: np.ndarray, jac: np.ndarray, mean: Paths,
                    noise: dict[str, SeriesNoise], sim_var: Paths,
                    mask: dict[str, np.ndarray], serial: dict[str, Serial] | None = None
                    ) -> float:
    """The likelihood's temper for a history that is one path of the process: the
    independence likelihood's curvature H = J'J against the variance V of its score
    over SANDWICH_PATHS simulated single paths at the optimum (their deviations from
    their mean, whose persistence in time and across series a path really has; times
    1 + 1/R for the error of the R-path mean) plus the observation noise's own part;
    1 / (largest eigenvalue of H^-1 V), clipped to [MIN_TEMPER, 1]: the magnitude
    adjustment of a composite likelihood (Ribatet, Cooley and Davison 2012) in the
    direction where the independence likelihood overstates the information most.
    `jac`: the Jacobian of the standardised residuals, the k prior rows last. The same
    against the variance of the score under the history's own residuals' correlation
    between periods (`serial`, a HAC sandwich: J' R J), and the more cautious of the
    two tempers is taken: the paths show how the model's own path persists, the
    residuals how the model misses the history."""
    k = len(z)
    rows = jac[:-k]
    seed = int(np.random.SeedSequence(model.seed, spawn_key=(34,)).generate_state(1)[0])
    paths = model.paths(z, replications=SANDWICH_PATHS, seed=seed)
    deviations, own = [], []
    for kpi in model.history.series:
        m = mask[kpi]
        var = noise[kpi].variance(mean[kpi], sim_var[kpi])[m]
        path = paths[kpi][:, m]
        deviations.append((path - path.mean(axis=0)) / np.sqrt(var))
        own.append(noise[kpi].variance(mean[kpi])[m] / var)
    scores = np.concatenate(deviations, axis=1) @ rows  # [paths, k]
    # the history's own path, plus the error of the mean of R paths the fit compares it
    # with (the same seeds at every parameter value: it persists like a path's)
    mean_error = 1.0 + 1.0 / max(model.replications, 1)
    v = mean_error * np.atleast_2d(np.cov(scores, rowvar=False)) + rows.T @ (
        rows * np.concatenate(own)[:, None])
    spread = max(_largest_ratio(rows, v), _largest_ratio(rows, _hac(rows, mask, serial)))
    if not np.isfinite(spread) or spread <= 0:
        return 1.0
    return float(np.clip(1.0 / spread, MIN_TEMPER, 1.0))


def _largest_ratio(rows: np.ndarray, v: np.ndarray) -> float:
    """The largest eigenvalue of H^-1 V, H = J'J: how much more a score varies than the
    independence likelihood's curvature says, in the worst direction."""
    return float(np.max(np.real(np.linalg.eigvals(np.linalg.pinv(rows.T @ rows) @ v))))


def _hac(rows: np.ndarray, mask: dict[str, np.ndarray],
         serial: dict[str, Serial] | None) -> np.ndarray:
    """J' R J: the score's variance when each series' standardised residuals have the
    correlation `serial` between periods (block diagonal over the series, in the
    order of the Jacobian's rows)."""
    v, start = np.zeros((rows.shape[1], rows.shape[1])), 0
    for kpi, m in mask.items():
        periods = np.flatnonzero(m)
        block = rows[start:start + periods.size]
        start += periods.size
        v += block.T @ (serial or {}).get(kpi, Serial()).matrix(periods) @ block
    return v


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


def fit(model: WindowModel, settings: FitSettings, rng: np.random.Generator,
        extra_starts: tuple[np.ndarray, ...] = ()) -> Fit:
    """Sobol screen, least squares from its best starts (reweighting rounds, the
    simulation variance re-estimated at the best point), Laplace covariance; every
    start's optimum kept (`Fit.optima`) to show where they disagree. `extra_starts`:
    searched from too (another form's optimum, calibrate.choice)."""
    k = len(model.priors)
    weights = settings.weights or {}
    mask = observed_mask(model.history, settings.holdout)
    sim_var = path_variance(model, np.zeros(k))[1]
    starts = [*screen(model, sim_var, mask, weights, settings.starts, rng), *extra_starts]
    found = [refine(model, z0, sim_var, mask, weights, settings.max_evaluations)
             for z0 in starts]
    scored = sorted(((z, neg_log_posterior(z, model, sim_var, mask, weights), ok)
                     for z, ok in found), key=lambda f: f[1])
    sim_var = path_variance(model, scored[0][0])[1]
    best, converged = refine(model, scored[0][0], sim_var, mask, weights,
                             settings.max_evaluations)
    mean, sim_var = path_variance(model, best)
    noise = estimate_noise(model.history, mean, sim_var, mask)
    powers = noise_powers(model.history, mean, sim_var, mask)
    serial = serial_correlation(model, mean, noise, sim_var, mask)
    jac = jacobian(model, best, noise, sim_var, mask, weights)
    temper = sandwich_temper(model, best, jac, mean, noise, sim_var, mask, serial)
    tempers = {kpi: temper for kpi in model.history.series}
    jac[:-k] *= np.sqrt(temper)
    cov = np.linalg.pinv(jac.T @ jac)
    cost = neg_log_posterior(best, model, sim_var, mask, weights, tempers)
    others = [(z, neg_log_posterior(z, model, sim_var, mask, weights, tempers))
              for z, _, _ in scored[1:]]
    return Fit(best, cov, noise, mean, sim_var, cost, converged,
               [(best, cost), *sorted(others, key=lambda o: o[1])], tempers, serial, powers)


def log_posterior_of(model: WindowModel, result: Fit, settings: FitSettings
                     ) -> Callable[[np.ndarray], float]:
    """The log posterior in z (up to a constant) on the simulator's expected path, as
    the posterior sampler sees it: noise profiled out, each series tempered for a history
    that is one path with correlated noise, the simulation variance of the fit's optimum."""
    mask = observed_mask(model.history, settings.holdout)
    weights = settings.weights or {}

    def log_post(z: np.ndarray) -> float:
        return -neg_log_posterior(z, model, result.sim_var, mask, weights, result.tempers)

    return log_post
