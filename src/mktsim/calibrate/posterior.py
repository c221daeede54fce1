"""The posterior: adaptive importance sampling on the simulator, around the fit's optima.

The Laplace approximation of the fit is only a proposal, and first checked: the log
posterior is evaluated one and 0.3 prior sds either side of the optimum along each
parameter, and where its fall implies a wider posterior than the Laplace curvature, the
proposal is widened to it (a profile check). Draws from a defensive mixture
(a Student t, 4 degrees of freedom, around each optimum with the Laplace covariance
widened 1.5 times, and the prior itself) are weighted by the real log posterior, evaluated
on the simulator's expected path; a second round draws from the weighted draws' own
moments (widened 1.2 times) and from kernels on the most weighted draws (which follow a
curved or split posterior), still mixed with the prior; every draw of every round is
weighted against the mixture of all rounds' proposals (the balance heuristic). Further
rounds, adapted again, run while the effective sample size stays small (four at most).
The weighted draws are then smoothed into equally weighted posterior draws (a Gaussian
kernel that keeps their mean and covariance, Liu and West 2001), spread to at least the
sds of a quadratic fitted to every evaluated log posterior near the best.

The log posterior is the fit's (calibrate.fit.log_posterior_of): tempered for a history
that is one path of the process (calibrate.fit.sandwich_temper). A 90% interval is the
widest of the weighted draws' central 90%, the smoothed draws' and the evaluated draws
inside the 90% profile interval (`Posterior.interval`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy.special import gammaln

from .priors import Z_MAX

T_DOF = 4.0  # degrees of freedom of the Student t proposals: heavy tails
WIDEN = 1.5  # scale of the first proposal over the Laplace covariance
ADAPT = 1.2  # scale of a later proposal over the weighted draws' covariance
PRIOR_SHARE = 0.25  # share of the first round's draws taken from the prior (defensive)
LATER_PRIOR_SHARE = 0.1  # and of a later round's
MIN_SD = 0.05  # smallest proposal sd in z (a Laplace curvature inflated by jitter)
ROUNDS = 4  # at most: from the third on only while the effective sample size is small


def round_size(k: int) -> int:
    """Draws per round for k free parameters."""
    return 16 + 8 * k


def enough_ess(k: int) -> float:
    """Effective sample size below which a further, wider round is drawn."""
    return 8.0 * k + 16.0


@dataclass(frozen=True)
class Component:
    """One Student t (or, with dof None, the standard normal prior) of a proposal."""

    mean: np.ndarray
    scale: np.ndarray  # covariance-like scale matrix
    dof: float | None

    def draw(self, n: int, rng: np.random.Generator) -> np.ndarray:
        """n draws [n, k]."""
        k = len(self.mean)
        if self.dof is None:
            return rng.standard_normal((n, k))
        chol = np.linalg.cholesky(self.scale)
        g = rng.standard_normal((n, k)) @ chol.T
        w = rng.chisquare(self.dof, size=(n, 1)) / self.dof
        return self.mean + g / np.sqrt(w)

    def log_density(self, z: np.ndarray) -> np.ndarray:
        """Log density at each row of z [n, k]."""
        k = z.shape[1]
        if self.dof is None:
            return -0.5 * np.sum(z * z, axis=1) - 0.5 * k * np.log(2 * np.pi)
        chol = np.linalg.cholesky(self.scale)
        sol = np.linalg.solve(chol, (z - self.mean).T)
        maha = np.sum(sol * sol, axis=0)
        nu = self.dof
        log_det = 2.0 * np.sum(np.log(np.diag(chol)))
        return (gammaln((nu + k) / 2) - gammaln(nu / 2) - 0.5 * k * np.log(nu * np.pi)
                - 0.5 * log_det - 0.5 * (nu + k) * np.log1p(maha / nu))


@dataclass(frozen=True)
class Proposal:
    """A mixture of components with their shares (summing to 1)."""

    components: tuple[Component, ...]
    shares: tuple[float, ...]

    def draw(self, n: int, rng: np.random.Generator) -> np.ndarray:
        """n draws [n, k], each component's share of them (rounded)."""
        counts = rng.multinomial(n, np.asarray(self.shares))
        parts = [c.draw(m, rng) for c, m in zip(self.components, counts, strict=True) if m]
        return np.concatenate(parts)

    def log_density(self, z: np.ndarray) -> np.ndarray:
        """Log mixture density at each row of z."""
        logs = np.array([np.log(s) + c.log_density(z)
                         for c, s in zip(self.components, self.shares, strict=True)])
        top = logs.max(axis=0)
        return top + np.log(np.sum(np.exp(logs - top), axis=0))


PROFILE_STEPS = (1.0, 0.3)  # distances in z of the profile check, preferred first
FAR_DROP = 8.0  # a drop of log posterior beyond which a profile point is too far to use


def profile_sd(log_post: Callable[[np.ndarray], float], mode: np.ndarray, at_mode: float
               ) -> tuple[np.ndarray, int]:
    """Per parameter, the posterior sd the log posterior's fall along its axis implies
    (quadratic: sd = d / sqrt(2 drop), the mean of both sides, from the farthest step
    whose drop is below FAR_DROP), and the evaluations spent: where the Laplace curvature
    is too steep (the jitter of simulated counts in its finite differences) or the
    posterior flat, this is what says so."""
    k = len(mode)
    out, evaluations = np.zeros(k), 0
    for j in range(k):
        for d in PROFILE_STEPS:
            drops = []
            for sign in (-1.0, 1.0):
                z = mode.copy()
                z[j] = np.clip(z[j] + sign * d, -Z_MAX, Z_MAX)
                if abs(z[j] - mode[j]) < 0.5 * d:
                    continue  # the prior's bound is nearer than the step
                drops.append((abs(z[j] - mode[j]), at_mode - log_post(z)))
                evaluations += 1
            sds = [step / np.sqrt(2.0 * max(drop, 1e-3)) for step, drop in drops]
            out[j] = min(float(np.mean(sds)), 2.0) if sds else 1.0
            if all(drop < FAR_DROP for _, drop in drops):
                break
    return out, evaluations


def profiled(cov: np.ndarray, sd: np.ndarray) -> np.ndarray:
    """The Laplace covariance with each sd raised to at least the profile's (its
    correlations kept)."""
    cov = floored(cov)
    own = np.sqrt(np.diag(cov))
    scale = np.maximum(1.0, sd / own)
    return cov * np.outer(scale, scale)


def first_proposal(modes: list[np.ndarray], cov: np.ndarray) -> Proposal:
    """Student t around each optimum (the profiled Laplace covariance widened), and the
    prior."""
    scale = WIDEN ** 2 * floored(cov)
    around = tuple(Component(m, scale, T_DOF) for m in modes)
    share = (1 - PRIOR_SHARE) / len(around)
    prior = Component(np.zeros(len(cov)), np.eye(len(cov)), None)
    return Proposal((*around, prior), (*[share] * len(around), PRIOR_SHARE))


KERNELS = 24  # most weighted draws a later proposal puts a kernel on
KERNEL_SHARE = 0.6  # share of a later round's draws from those kernels


def next_proposal(z: np.ndarray, w: np.ndarray, widen: float) -> Proposal:
    """A Student t kernel on each of the most weighted draws (by weight; bandwidth
    Silverman's at the effective sample size, at least half the weighted sd), so that
    the proposal follows a curved or split posterior; a Student t at the weighted
    draws' mean and covariance (widened); and the prior."""
    mean, cov = weighted_moments(z, w)
    k = z.shape[1]
    cov = floored(cov)
    top = np.argsort(w)[::-1][:KERNELS]
    top = top[w[top] > 0]
    h = max(0.5, bandwidth(effective_size(w), k))
    kernels = tuple(Component(z[i], h * h * cov, T_DOF) for i in top)
    shares = KERNEL_SHARE * w[top] / w[top].sum()
    prior = Component(np.zeros(k), np.eye(k), None)
    return Proposal((*kernels, Component(mean, widen ** 2 * cov, T_DOF), prior),
                    (*shares, 1 - KERNEL_SHARE - LATER_PRIOR_SHARE, LATER_PRIOR_SHARE))


def bandwidth(ess: float, k: int) -> float:
    """Silverman's Gaussian kernel bandwidth, in sds, for `ess` draws in k dimensions."""
    return float(np.clip((4.0 / (max(ess, 1.0) * (k + 2))) ** (1.0 / (k + 4)), 0.1, 0.9))


def floored(cov: np.ndarray) -> np.ndarray:
    """A symmetric positive definite covariance, every sd at least MIN_SD."""
    cov = 0.5 * (np.asarray(cov, float) + np.asarray(cov, float).T)
    vals, vecs = np.linalg.eigh(cov)
    cov = (vecs * np.maximum(vals, MIN_SD ** 2)) @ vecs.T
    return 0.5 * (cov + cov.T)


def weighted_moments(z: np.ndarray, w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mean and covariance of rows z under normalised weights w."""
    w = w / w.sum()
    mean = w @ z
    d = z - mean
    return mean, (d * w[:, None]).T @ d


def effective_size(w: np.ndarray) -> float:
    """Kish's effective sample size of importance weights."""
    total = float(w.sum())
    return total * total / float(np.sum(w * w)) if total > 0 else 0.0


@dataclass(frozen=True)
class Posterior:
    """Equally weighted posterior draws in z, and how they were obtained."""

    draws: np.ndarray  # [n, k]
    mean: np.ndarray
    cov: np.ndarray
    ess: float  # effective sample size of the importance weights
    evaluations: int  # log posterior evaluations on the simulator
    rounds: int
    weighted: tuple[np.ndarray, np.ndarray]  # the importance draws [m, k] and weights [m]
    log_posterior: np.ndarray  # [m] at each importance draw (-inf: outside the range)
    best: float  # the highest log posterior evaluated (the optimum's or a draw's)

    def interval(self, j: int) -> tuple[float, float]:
        """The 90% interval of parameter j in z: the widest of the weighted importance
        draws' central 90%, the smoothed draws' and the range of the evaluated draws
        inside the 90% profile interval (log posterior within PROFILE_DROP of the best:
        every parameter's profile interval holds them)."""
        z, w = self.weighted
        order = np.argsort(z[:, j])
        cum = np.cumsum(w[order]) / w.sum()
        low = z[order[min(np.searchsorted(cum, 0.05), len(cum) - 1)], j]
        high = z[order[min(np.searchsorted(cum, 0.95), len(cum) - 1)], j]
        drawn = np.quantile(self.draws[:, j], [0.05, 0.95])
        near = z[self.log_posterior >= self.best - PROFILE_DROP, j]
        if near.size:
            low, high = min(low, near.min()), max(high, near.max())
        return float(min(low, drawn[0])), float(max(high, drawn[1]))


#: half the 90% quantile of chi-square with one degree of freedom: a value whose profile
#: log posterior is within this of the best lies inside its 90% profile interval
PROFILE_DROP = 1.3527717952


def sample(log_post: Callable[[np.ndarray], float], modes: list[np.ndarray],
           cov: np.ndarray, n_draws: int, rng: np.random.Generator) -> Posterior:
    """Adaptive importance sampling of the log posterior (see the module's docstring)."""
    k = len(modes[0])
    size = round_size(k)
    at_mode = log_post(modes[0])
    sd, evaluations = profile_sd(log_post, modes[0], at_mode)
    proposals: list[Proposal] = [first_proposal(modes, profiled(cov, sd))]
    zs: list[np.ndarray] = []
    logp: list[np.ndarray] = []
    counts: list[int] = []
    evaluations, ess = evaluations + 1, 0.0
    w = np.zeros(0)
    for r in range(ROUNDS):
        z = proposals[-1].draw(size, rng)
        inside = np.all(np.abs(z) <= Z_MAX, axis=1)  # outside the prior's range: weight 0
        lp = np.full(len(z), -np.inf)
        for i in np.flatnonzero(inside):
            lp[i] = log_post(z[i])
            evaluations += 1
        zs.append(z)
        logp.append(lp)
        counts.append(len(z))
        all_z, w = _balance_weights(np.concatenate(zs), np.concatenate(logp), proposals,
                                    counts)
        ess = effective_size(w)
        if r >= 1 and ess >= enough_ess(k):
            break
        if r + 1 < ROUNDS:
            proposals.append(next_proposal(all_z, w, ADAPT))
    all_z, all_lp = np.concatenate(zs), np.concatenate(logp)
    mean, wcov = weighted_moments(all_z, w)
    surface = surface_sd(all_z, all_lp)
    if surface is not None:
        wcov = widened(wcov, surface)
    draws = smoothed_draws(all_z, w, n_draws, ess, rng, wcov)
    best = max(at_mode, float(np.max(all_lp)))
    return Posterior(draws, mean, wcov, ess, evaluations, len(proposals), (all_z, w), all_lp,
                     best)


def _balance_weights(z: np.ndarray, logp: np.ndarray, proposals: list[Proposal],
                     counts: list[int]) -> tuple[np.ndarray, np.ndarray]:
    """Normalised importance weights against the mixture of every round's proposal."""
    shares = np.asarray(counts, float) / sum(counts)
    logs = np.array([np.log(s) + p.log_density(z)
                     for p, s in zip(proposals[:len(counts)], shares, strict=True)])
    top = logs.max(axis=0)
    log_q = top + np.log(np.sum(np.exp(logs - top), axis=0))
    log_w = logp - log_q
    finite = np.isfinite(log_w)
    w = np.zeros(len(z))
    if finite.any():
        w[finite] = np.exp(log_w[finite] - log_w[finite].max())
    return z, w / w.sum() if w.sum() > 0 else w


def smoothed_draws(z: np.ndarray, w: np.ndarray, n: int, ess: float,
                   rng: np.random.Generator, cov: np.ndarray) -> np.ndarray:
    """n equally weighted draws: resampled by weight, shrunk toward the weighted mean and
    jittered by a Gaussian kernel (Silverman's bandwidth at the effective sample size) so
    that the weighted mean and covariance are kept, then spread about the mean to `cov`'s
    sds where those are wider; kept inside the prior's range."""
    k = z.shape[1]
    mean, own = weighted_moments(z, w)
    h = bandwidth(ess, k)
    a = np.sqrt(1.0 - h * h)
    picked = z[rng.choice(len(z), size=n, p=w)]
    vals, vecs = np.linalg.eigh(0.5 * (own + own.T))
    root = vecs * np.sqrt(np.maximum(vals, 0.0))
    jitter = rng.standard_normal((n, k)) @ root.T
    draws = a * picked + (1 - a) * mean + h * jitter
    stretch = np.sqrt(np.diag(cov)) / np.maximum(np.sqrt(np.diag(own)), 1e-12)
    return np.clip(mean + (draws - mean) * np.maximum(stretch, 1.0), -Z_MAX, Z_MAX)


SURFACE_DROP = 6.0  # points within k/2 + this of the best log posterior shape the surface
MIN_PRECISION = 0.5  # smallest posterior precision in z the surface may give (prior: 1)


def surface_sd(z: np.ndarray, lp: np.ndarray) -> np.ndarray | None:
    """Posterior sds in z from a quadratic fitted by least squares to the log posterior
    at every evaluated draw within k/2 + SURFACE_DROP of the best: a curvature measured
    over the whole region the posterior covers, not at one point. Importance sampling
    with a few dozen effective draws places too few of them in the tails and so
    understates the spread; this does not. None with too few points."""
    k = z.shape[1]
    ok = np.isfinite(lp)
    ok &= lp >= (lp[ok].max() if ok.any() else 0.0) - (k / 2 + SURFACE_DROP)
    pairs = [(i, j) for i in range(k) for j in range(i, k)]
    if ok.sum() < 2 * (1 + k + len(pairs)):
        return None
    x = z[ok]
    design = np.column_stack([np.ones(len(x)), x, *[x[:, i] * x[:, j] for i, j in pairs]])
    coef, *_ = np.linalg.lstsq(design, lp[ok], rcond=None)
    a = np.zeros((k, k))
    for c, (i, j) in zip(coef[1 + k:], pairs, strict=True):
        a[i, j] = a[j, i] = -c if i != j else -2 * c
    vals, vecs = np.linalg.eigh(0.5 * (a + a.T))
    precision = (vecs * np.maximum(vals, MIN_PRECISION)) @ vecs.T
    return np.sqrt(np.diag(np.linalg.inv(precision)))


def widened(cov: np.ndarray, sd: np.ndarray) -> np.ndarray:
    """`cov` with each sd raised to at least `sd` (its correlations kept)."""
    own = np.sqrt(np.maximum(np.diag(cov), 1e-24))
    scale = np.maximum(1.0, sd / own)
    return cov * np.outer(scale, scale)
