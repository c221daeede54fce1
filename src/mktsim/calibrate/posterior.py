"""The posterior: adaptive importance sampling on the simulator, around the fit's optima
and along the ridge its profile follows.

The Laplace approximation of the fit is only a proposal, and first checked: the profile
of each parameter (calibrate.ridge) moves it one prior sd (two where the fall is small,
0.3 where it is large) either side of the optimum, the others to their conditional
optimum, so that it follows a curved ridge (a market's size, innovation and imitation
trade off along one); where its fall implies a wider posterior than the Laplace
curvature, the proposal is widened to it. Draws from a defensive mixture (a Student t,
4 degrees of freedom, around each optimum with the Laplace covariance widened 1.5 times,
the same around each profile point on the ridge, and the prior itself) are weighted by
the real log posterior, evaluated on the simulator's expected path; a second round draws
from a Gaussian fitted to every log posterior evaluated so far (a quadratic by ridge
regression, calibrate.quadratic: half the draws), from the weighted draws' own moments
(widened 1.2 times) and from kernels on the most weighted draws, still mixed with the
prior; every draw of every round is weighted against the mixture of all rounds'
proposals (the balance heuristic). Further rounds, adapted again, run while the
effective sample size stays small (six at most). The
weights are Pareto smoothed (calibrate.psis), whose k-hat says whether they can be
trusted. The weighted draws are then smoothed into equally weighted posterior draws (a
Gaussian kernel that keeps their mean and covariance, Liu and West 2001), spread to at
least the sds of a quadratic fitted to every evaluated log posterior near the best.

The log posterior is the fit's (calibrate.fit.log_posterior_of): tempered for a history
that is one path of the process (calibrate.fit.sandwich_temper). A 90% interval is the
widest of the weighted draws' central 90%, the smoothed draws' and the evaluated points
inside the 90% profile interval, or the joint 90% region when the weights cannot be
trusted (`Posterior.interval`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy.special import gammaln

from .priors import Z_MAX
from .psis import KHAT_LIMIT, pareto_smoothed
from .quadratic import Quadratic, fit_quadratic
from .ridge import FAR_DROP, Residuals, profile

T_DOF = 4.0  # degrees of freedom of the Student t proposals: heavy tails
WIDEN = 1.5  # scale of the first proposal over the Laplace covariance
ADAPT = 1.2  # scale of a later proposal over the weighted draws' covariance
PRIOR_SHARE = 0.25  # share of the first round's draws taken from the prior (defensive)
LATER_PRIOR_SHARE = 0.1  # and of a later round's
#: smallest proposal sd in z (a Laplace curvature inflated by jitter). 0.01, tried for
#: values told to 0.02 in z, broke a 14-value fit from a spreadsheet (its contributions'
#: points moved 2.5 times off the truth) while the contributions' draws were centred on
#: their own mean. At 0.05 no fit from a spreadsheet had trusted weights: its baseline
#: level is told to 0.013-0.02 in z (a numerical Hessian at 0.1 in z, PyMC-Marketing's
#: example), and a proposal 2.5-4 times too wide there, in 14 dimensions, left 2-5
#: effective draws of 500; at 0.02, 60-90.
MIN_SD = 0.02
ROUNDS = 6  # at most: from the third on only while the effective sample size is small


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


def profiled(cov: np.ndarray, sd: np.ndarray) -> np.ndarray:
    """The Laplace covariance with each sd raised to at least the profile's (its
    correlations kept)."""
    cov = floored(cov)
    own = np.sqrt(np.diag(cov))
    scale = np.maximum(1.0, sd / own)
    return cov * np.outer(scale, scale)


RIDGE_SHARE = 0.35  # share of the first round's draws around the profile's points


def first_proposal(modes: list[np.ndarray], cov: np.ndarray,
                   ridge: np.ndarray | None = None, local: np.ndarray | None = None
                   ) -> Proposal:
    """Student t around each optimum (the profiled Laplace covariance widened), around
    each point of the ridge the profile followed (the Laplace covariance `local`
    widened: the ridge's own width there), and the prior."""
    scale = WIDEN ** 2 * floored(cov)
    around = [Component(m, scale, T_DOF) for m in modes]
    ridge = np.zeros((0, len(cov))) if ridge is None else ridge
    on_ridge = [Component(z, WIDEN ** 2 * floored(cov if local is None else local), T_DOF)
                for z in ridge]
    ridge_share = RIDGE_SHARE if on_ridge else 0.0
    shares = [(1 - PRIOR_SHARE - ridge_share) / len(around)] * len(around)
    shares += [ridge_share / max(len(on_ridge), 1)] * len(on_ridge)
    prior = Component(np.zeros(len(cov)), np.eye(len(cov)), None)
    return Proposal((*around, *on_ridge, prior), (*shares, PRIOR_SHARE))


KERNELS = 24  # most weighted draws a later proposal puts a kernel on
KERNEL_SHARE = 0.6  # share of a later round's draws from those kernels


QUADRATIC_SHARE = 0.5  # share of a later round's draws from the fitted quadratic
QUADRATIC_DOF = 8.0  # its Student t's degrees of freedom: near Gaussian, some tail


def next_proposal(z: np.ndarray, w: np.ndarray, widen: float,
                  surface: Quadratic | None = None) -> Proposal:
    """A Student t kernel on each of the most weighted draws (by weight; bandwidth
    Silverman's at the effective sample size, at least half the weighted sd), so that
    the proposal follows a curved or split posterior; a Student t at the weighted
    draws' mean and covariance (widened); the prior; and, when given, a Student t at the
    quadratic fitted to every evaluated log posterior (`surface`, widened: see
    calibrate.quadratic), which takes QUADRATIC_SHARE of the draws from the kernels."""
    mean, cov = weighted_moments(z, w)
    k = z.shape[1]
    cov = floored(cov)
    top = np.argsort(w)[::-1][:KERNELS]
    top = top[w[top] > 0]
    h = max(0.5, bandwidth(effective_size(w), k))
    kernels = tuple(Component(z[i], h * h * cov, T_DOF) for i in top)
    kernel_share = KERNEL_SHARE - (QUADRATIC_SHARE if surface is not None else 0.0)
    shares = kernel_share * w[top] / w[top].sum()
    prior = Component(np.zeros(k), np.eye(k), None)
    fitted = () if surface is None else (
        Component(surface.mean, widen ** 2 * floored(surface.cov), QUADRATIC_DOF),)
    return Proposal((*kernels, *fitted, Component(mean, widen ** 2 * cov, T_DOF), prior),
                    (*shares, *((QUADRATIC_SHARE,) if fitted else ()),
                     1 - KERNEL_SHARE - LATER_PRIOR_SHARE, LATER_PRIOR_SHARE))


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
    ess: float  # effective sample size of the (Pareto smoothed) importance weights
    evaluations: int  # log posterior evaluations on the simulator
    rounds: int
    weighted: tuple[np.ndarray, np.ndarray]  # the importance draws [m, k] and weights [m]
    log_posterior: np.ndarray  # [m] at each importance draw (-inf: outside the range)
    best: float  # the highest log posterior evaluated (the optimum's or a draw's)
    khat: float = 0.0  # Pareto k-hat of the importance weights (psis.pareto_smoothed)
    # the profile's points [p, k] and their log posterior [p] (calibrate.ridge)
    profile: tuple[np.ndarray, np.ndarray] | None = None

    @property
    def trusted(self) -> bool:
        """Whether the importance weights can be trusted: k-hat at most KHAT_LIMIT and
        an effective sample size of at least `trusted_ess`."""
        return self.khat <= KHAT_LIMIT and self.ess >= trusted_ess(self.draws.shape[1])

    def interval(self, j: int) -> tuple[float, float]:
        """The 90% interval of parameter j in z: the widest of the weighted importance
        draws' central 90%, the smoothed draws' and the range of the evaluated points
        (draws and the profile's) inside the 90% profile interval (log posterior within
        PROFILE_DROP of the best: every parameter's profile interval holds them). When
        the weights cannot be trusted (`trusted`), the evaluated points inside the
        joint 90% region (within `joint_drop` of the best) are held too: its projection
        holds each parameter's 90% interval, wider than needed, never narrower."""
        z, w = self.weighted
        order = np.argsort(z[:, j])
        cum = np.cumsum(w[order]) / w.sum()
        low = z[order[min(np.searchsorted(cum, 0.05), len(cum) - 1)], j]
        high = z[order[min(np.searchsorted(cum, 0.95), len(cum) - 1)], j]
        drawn = np.quantile(self.draws[:, j], [0.05, 0.95])
        points, lps = z, self.log_posterior
        if self.profile is not None:
            points = np.concatenate([z, self.profile[0]])
            lps = np.concatenate([lps, self.profile[1]])
        drop = PROFILE_DROP if self.trusted else joint_drop(z.shape[1])
        near = points[lps >= self.best - drop, j]
        if near.size:
            low, high = min(low, near.min()), max(high, near.max())
        return float(min(low, drawn[0])), float(max(high, drawn[1]))


#: half the 90% quantile of chi-square with one degree of freedom: a value whose profile
#: log posterior is within this of the best lies inside its 90% profile interval
PROFILE_DROP = 1.3527717952


def joint_drop(k: int) -> float:
    """Half the 90% quantile of chi-square with k degrees of freedom: the fall of log
    posterior that bounds the joint 90% region of k values."""
    from scipy.stats import chi2

    return float(chi2.ppf(0.9, k) / 2.0)


def trusted_ess(k: int) -> float:
    """Effective sample size below which the importance weights are not trusted."""
    return 2.0 * k + 4.0


def sample(log_post: Callable[[np.ndarray], float], modes: list[np.ndarray],
           cov: np.ndarray, n_draws: int, rng: np.random.Generator,
           residuals: Residuals | None = None) -> Posterior:
    """Adaptive importance sampling of the log posterior (see the module's docstring);
    `residuals`: the tempered standardised residuals whose sum of squares is -2 log
    posterior (near enough), for the profile to follow the ridge."""
    k = len(modes[0])
    at_mode = log_post(modes[0])
    prof = profile(log_post, modes[0], at_mode, floored(cov), residuals)
    ridge = prof.points[prof.log_posterior > at_mode - FAR_DROP]
    first = first_proposal(modes, profiled(cov, prof.sd), ridge, cov)
    all_z, all_lp, log_w, proposals = _rounds(log_post, first, k, rng,
                                              (modes[0], floored(cov)))
    w, khat = pareto_smoothed(log_w)
    ess = effective_size(w)
    mean, wcov = weighted_moments(all_z, w)
    surface = surface_sd(all_z, all_lp)
    if surface is not None:
        wcov = widened(wcov, surface)
    draws = smoothed_draws(all_z, w, n_draws, ess, rng, wcov)
    best = max(at_mode, float(np.max(all_lp)), float(np.max(prof.log_posterior, initial=-np.inf)))
    evaluations = 1 + prof.evaluations + int(np.sum(np.isfinite(all_lp)))
    return Posterior(draws, mean, wcov, ess, evaluations, len(proposals), (all_z, w), all_lp,
                     best, khat, (prof.points, prof.log_posterior))


def _rounds(log_post: Callable[[np.ndarray], float], first: Proposal, k: int,
            rng: np.random.Generator, laplace: tuple[np.ndarray, np.ndarray]
            ) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[Proposal]]:
    """The importance draws of every round, their log posterior and balance-heuristic
    log weights, and the rounds' proposals: from the third round on only while the
    effective sample size is below `enough_ess`. `laplace`: the optimum and the
    Laplace covariance, the centre and the guess of the quadratic fitted to every
    evaluated log posterior (calibrate.quadratic) that later proposals draw from."""
    proposals, zs, logp, counts = [first], [], [], []
    for r in range(ROUNDS):
        z = proposals[-1].draw(round_size(k), rng)
        inside = np.all(np.abs(z) <= Z_MAX, axis=1)  # outside the prior's range: weight 0
        lp = np.full(len(z), -np.inf)
        for i in np.flatnonzero(inside):
            lp[i] = log_post(z[i])
        zs.append(z)
        logp.append(lp)
        counts.append(len(z))
        all_z, all_lp = np.concatenate(zs), np.concatenate(logp)
        log_w = _balance_log_weights(all_z, all_lp, proposals, counts)
        w, _ = pareto_smoothed(log_w)
        if r >= 1 and effective_size(w) >= enough_ess(k):
            break
        if r + 1 < ROUNDS:
            surface = fit_quadratic(all_z, all_lp, *laplace)
            proposals.append(next_proposal(all_z, w, ADAPT, surface))
    return all_z, all_lp, log_w, proposals


def _balance_log_weights(z: np.ndarray, logp: np.ndarray, proposals: list[Proposal],
                         counts: list[int]) -> np.ndarray:
    """Log importance weights against the mixture of every round's proposal."""
    shares = np.asarray(counts, float) / sum(counts)
    logs = np.array([np.log(s) + p.log_density(z)
                     for p, s in zip(proposals[:len(counts)], shares, strict=True)])
    top = logs.max(axis=0)
    return logp - (top + np.log(np.sum(np.exp(logs - top), axis=0)))


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
SURFACE_REACH = 3.0  # the surface sd at most this times its points' spread (below)
MIN_PRECISION = 0.5  # smallest posterior precision in z the surface may give (prior: 1)
#: The surface's sd is at most this many times the spread of the points it was fitted
#: to. A posterior narrower than the simulation's jitter in the log posterior (a value
#: told to 0.01 in z, whose near points differ by jitter more than by curvature) gives
#: a quadratic with no curvature; clipped to MIN_PRECISION it spread the draws to the
#: prior's width, though every point within reach of the best lay within 0.05 of it.


def surface_sd(z: np.ndarray, lp: np.ndarray) -> np.ndarray | None:
    """Posterior sds in z from a quadratic fitted by least squares to the log posterior
    at every evaluated draw within k/2 + SURFACE_DROP of the best: a curvature measured
    over the whole region the posterior covers, not at one point. Importance sampling
    with a few dozen effective draws places too few of them in the tails and so
    understates the spread; this does not. Never more than SURFACE_REACH times the
    spread of those points: where the log posterior stays near the best, the proposals
    put points there. None with too few points."""
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
    return np.minimum(np.sqrt(np.diag(np.linalg.inv(precision))),
                      SURFACE_REACH * x.std(axis=0))


def widened(cov: np.ndarray, sd: np.ndarray) -> np.ndarray:
    """`cov` with each sd raised to at least `sd` (its correlations kept)."""
    own = np.sqrt(np.maximum(np.diag(cov), 1e-24))
    scale = np.maximum(1.0, sd / own)
    return cov * np.outer(scale, scale)
