"""Serially correlated observation noise: the standardised residuals of a series,
r = (y - mu) / sd period by period, are white noise plus a persistent AR(1) part.

A weekly model that is a little wrong (a level that wanders, a season not quite right)
misses in runs: its residuals are autocorrelated. An independence likelihood then counts
every period as new information (every interval too narrow) and a predictive band
ignores the run the window ends in. Measured on the fits of PyMC-Marketing's example
(docs/calibration.md), the residuals' autocorrelation is small at lag one and stays
about as large at lags two to four (+0.02 +0.13 +0.14 +0.05): white noise plus a slowly
wandering part, which a lag-one AR(1) alone misses. So the correlation of r between
periods d apart is

    rho(d) = share * decay^d   (d > 0),   1 at d = 0

(an ARMA(1, 1): `share` of the variance in an AR(1) with lag-one correlation `decay`,
the rest white; share 1 is the plain AR(1)). Observed cells at irregular periods (a
holdout, missing cells) take the correlation of their distance. The likelihood is the
exact Gaussian density of r under that correlation matrix R = L L' (the residuals
prewhitened, u = L^-1 r, and the Jacobian -log det L), computed by a Kalman filter of
the persistent part (a scalar state, O(n), exact over gaps: a dense Cholesky factor
cost seconds a fit on a loaded machine). (share, decay) are estimated once, by maximum
likelihood from the residuals at the fit's optimum, inside [0, 1] x [0, MAX_DECAY],
and used only where they fit significantly better than independence (a likelihood-ratio
test at 5%); never a negative correlation, which would make the intervals narrower than
independence from a few dozen noisy residuals. The fit uses R in a sandwich (the score's
variance J' R J against the independence curvature J'J: calibrate.fit.sandwich_temper)
and the band conditions the held-out periods' noise on the fitted residuals
(`conditional`). A level that wanders without returning is the random walk of
`estimate_wander` (a local level plus white noise, used where significant against a
constant level and, where the AR part is significant, preferred to it by Akaike's
criterion): the band then forecasts from that level instead (`walk_forecast`), its
variance growing with the horizon after the window.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.float64]
MAX_DECAY = 0.95  # largest lag-one correlation of the persistent part (no unit root)
MIN_PAIRS = 8  # consecutive observed periods needed to estimate the correlation
MAX_SHARE = 0.999  # largest share of the persistent part (some white noise is always left)
SHARES = np.linspace(0.0, MAX_SHARE, 6)  # the estimate's starting grid
DECAYS = np.array([0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, MAX_DECAY])
#: Twice the log-likelihood gain over independence the estimate must show to be used:
#: the 95% quantile of chi-square with two degrees of freedom (share and decay). On white
#: noise the estimate's persistent part alone made a level's variance up to 1.3 times
#: independence's in one history of ten, tempering a well-specified fit for nothing.
SIGNIFICANT = 5.991


@dataclass(frozen=True)
class Serial:
    """The correlation of a series' standardised residuals: `share` of their variance
    in an AR(1) with lag-one correlation `decay` per period, the rest white."""

    share: float = 0.0
    decay: float = 0.0

    @classmethod
    def ar1(cls, phi: float) -> Serial:
        """The plain AR(1) with lag-one correlation phi."""
        return cls(1.0, phi)

    @property
    def independent(self) -> bool:
        return self.share <= 0.0 or self.decay <= 0.0

    def correlation(self, distance: Array) -> Array:
        """rho at each distance in periods (1 at 0)."""
        d = np.abs(np.asarray(distance, float))
        return np.where(d == 0, 1.0, self.share * self.decay ** d)

    def matrix(self, periods: NDArray[np.int_]) -> Array:
        """The correlation matrix of the residuals at `periods`."""
        p = np.asarray(periods, float)
        return self.correlation(p[:, None] - p[None, :])


def _filter(r: Array, periods: NDArray[np.int_], serial: Serial
            ) -> tuple[Array, Array, float, float]:
    """The Kalman filter of the persistent part over the observed periods: the
    innovations of r (last axis) over their sd (u = L^-1 r, L L' = R), each innovation's
    variance, and the persistent part's filtered mean (of the last row's path) and
    variance after the last period."""
    r = np.asarray(r, float)
    share, decay = serial.share, serial.decay
    white = 1.0 - share
    periods = np.asarray(periods)
    u, f = np.empty_like(r), np.empty(r.shape[-1])
    m, p = np.zeros(r.shape[:-1]), share
    for i in range(r.shape[-1]):
        if i:
            step = decay ** (2 * int(periods[i] - periods[i - 1]))
            m, p = m * math.sqrt(step), step * p + share * (1.0 - step)
        f[i] = p + white
        v = r[..., i] - m
        u[..., i] = v / math.sqrt(f[i])
        gain = p / f[i]
        m, p = m + gain * v, p * (1.0 - gain)
    return u, f, m, p


def prewhiten(r: Array, periods: NDArray[np.int_], serial: Serial) -> Array:
    """The innovations u = L^-1 r of standardised residuals `r` (last axis: the observed
    periods `periods`; L L' their correlation matrix): independent standard normals
    under `serial`. A Kalman filter of the persistent part: O(n), exact over gaps."""
    r = np.asarray(r, float)
    if serial.independent or r.shape[-1] < 2:
        return r
    return _filter(r, periods, serial)[0]


def log_jacobian(periods: NDArray[np.int_], serial: Serial) -> float:
    """-log det L: what the prewhitening adds to the log density of r."""
    if serial.independent or len(periods) < 2:
        return 0.0
    f = _filter(np.zeros(len(periods)), periods, serial)[1]
    return -0.5 * float(np.sum(np.log(f)))


def log_density(r: Array, periods: NDArray[np.int_], serial: Serial) -> float:
    """Exact log density of standardised residuals `r` at `periods` under `serial`."""
    u = prewhiten(r, periods, serial)
    return (-0.5 * float(np.dot(u, u)) - 0.5 * u.size * math.log(2 * math.pi)
            + log_jacobian(periods, serial))


def estimate(r: Array, periods: NDArray[np.int_]) -> Serial:
    """Maximum likelihood (share, decay) of standardised residuals `r` at `periods`
    (increasing integers), about their mean and at their own variance: the best of a grid
    over [0, 1] x [0.1, MAX_DECAY], refined by bounded L-BFGS-B; independent with fewer
    than MIN_PAIRS consecutive periods, or when twice its log-likelihood gain over
    independence is below SIGNIFICANT (a likelihood-ratio test at 5%)."""
    from scipy.optimize import minimize

    r, periods = np.asarray(r, float), np.asarray(periods)
    if r.size < 2 or np.sum(np.diff(periods) == 1) < MIN_PAIRS:
        return Serial()
    x = r - r.mean()
    spread = float(np.sqrt(np.mean(x * x)))
    if spread <= 1e-9 * (1.0 + abs(float(r.mean()))):
        return Serial()  # residuals constant: nothing to correlate (not "all persistent")
    x = x / spread

    def cost(v: Array) -> float:
        return -log_density(x, periods, Serial(float(v[0]), float(v[1])))

    grid = [(cost(np.array([s, d])), s, d) for s in SHARES[1:] for d in DECAYS]
    best = min(grid)
    independent = cost(np.zeros(2))
    if independent <= best[0]:
        return Serial()
    found = minimize(cost, np.array(best[1:]), method="L-BFGS-B",
                     bounds=[(0.0, MAX_SHARE), (0.0, MAX_DECAY)])
    share, decay = (found.x if found.fun < best[0] else best[1:])
    if 2.0 * (independent - min(found.fun, best[0])) < SIGNIFICANT:
        return Serial()
    return Serial(float(share), float(decay))


def conditional(r: Array, periods: NDArray[np.int_], future: NDArray[np.int_],
                serial: Serial) -> tuple[Array, Array]:
    """Mean and sd of the standardised residuals at the periods `future` (after the
    last of `periods`) given those observed, `r` at `periods`, under `serial`: a run the
    window ends in carries on, the spread growing with the horizon to the stationary 1."""
    future = np.asarray(future)
    if serial.independent or len(periods) == 0:
        return np.zeros(future.size), np.ones(future.size)
    _, _, m, p = _filter(np.asarray(r, float), periods, serial)
    step = serial.decay ** (future - int(periods[-1])).astype(float)
    var = step * step * p + serial.share * (1.0 - step * step) + 1.0 - serial.share
    return step * float(m), np.sqrt(np.clip(var, 0.0, 1.0))


#: Twice the log-likelihood gain over no wander a random walk must show to be used: the
#: 5% point of the likelihood-ratio test of a variance on its boundary (zero), a 50:50
#: mixture of chi-square with 0 and 1 degrees of freedom; conservative, the estimate's
#: point mass at zero being nearer 70% (3.8% of white series flagged, docs/calibration.md).
WANDER_SIGNIFICANT = 2.706
WANDER_RATIOS = (1e-6, 10.0)  # the range of the walk's step variance over the white's
WALK_AR_ALLOWANCE = 1.0  # log-likelihood: one value fewer, in Akaike's criterion


@dataclass(frozen=True)
class Wander:
    """A random walk in a series' standardised residuals (a local level): `step`, the
    variance it adds per period, in units of the noise model's variance; `gain`, twice
    its log-likelihood gain over a constant level."""

    step: float = 0.0
    gain: float = 0.0
    white: float = 1.0  # the white noise's variance beside it (noise model's units)

    def variance(self, horizon: Array) -> Array:
        """The walk's variance `horizon` periods after the last fitted one (noise
        model's units): step x horizon, zero at or before it."""
        return self.step * np.maximum(np.asarray(horizon, float), 0.0)

    def to_dict(self) -> dict[str, object]:
        """The document's `fit.<kpi>.noise_wander`."""
        return {"step": round(self.step, 5), "gain": round(self.gain, 2),
                "significant": self.step > 0.0}


def _level_filter(r: Array, periods: NDArray[np.int_], ratio: float) -> tuple[float, float]:
    """The Kalman filter of a local level plus white noise over `r` (the level's step
    variance `ratio` times the white's, over gaps `ratio` per period), its first
    observation the level's diffuse start: the white variance profiled out (the mean
    square of the standardised innovations) and the sum of log innovation variances."""
    m, p = float(r[0]), 1.0
    square, logs = 0.0, 0.0
    for i in range(1, r.size):
        p += ratio * float(periods[i] - periods[i - 1])
        f = p + 1.0
        v = float(r[i]) - m
        square += v * v / f
        logs += math.log(f)
        m, p = m + p / f * v, p / f  # p (1 - p / f), f = p + 1
    return square / (r.size - 1), logs


def _level_loglik(r: Array, periods: NDArray[np.int_], ratio: float) -> tuple[float, float]:
    """The profile log-likelihood of the local level (`_level_filter`) and its white
    variance."""
    white, logs = _level_filter(r, periods, ratio)
    n = r.size - 1
    return -0.5 * (n * math.log(max(white, 1e-300)) + logs + n), white


def _walk_ar_filter(r: Array, periods: NDArray[np.int_], ratio: float, serial: Serial
                    ) -> tuple[float, float, tuple[float, float], tuple[float, float, float]]:
    """The Kalman filter of a local level (step variance `ratio` a period) plus `serial`'s
    AR(1) part plus white noise over `r`, all in units of the profiled variance s2, the
    level's start diffuse (exact: the first observation fixes level + AR + white): s2
    (the mean square of the standardised innovations after the first), the sum of their
    log variances, the filtered means (level, AR) after the last period and their
    covariance (level, cross, AR)."""
    share, decay = (0.0, 0.0) if serial.independent else (serial.share, serial.decay)
    white = 1.0 - share
    ml, ma = float(r[0]), 0.0
    pl, pc, pa = share + white, -share, share
    square, logs = 0.0, 0.0
    for i in range(1, r.size):
        gap = float(periods[i] - periods[i - 1])
        d = decay ** gap
        pl, pc, pa = pl + ratio * gap, d * pc, d * d * pa + share * (1.0 - d * d)
        ma *= d
        f = pl + 2.0 * pc + pa + white
        v = float(r[i]) - ml - ma
        square += v * v / f
        logs += math.log(f)
        kl, ka = (pl + pc) / f, (pc + pa) / f
        ml, ma = ml + kl * v, ma + ka * v
        pl, pc, pa = pl - kl * kl * f, pc - kl * ka * f, pa - ka * ka * f
    return square / (r.size - 1), logs, (ml, ma), (pl, pc, pa)


def _walk_ar_loglik(r: Array, periods: NDArray[np.int_], ratio: float, serial: Serial
                    ) -> tuple[float, float]:
    """The profile log-likelihood of `_walk_ar_filter` and its s2."""
    s2, logs, _, _ = _walk_ar_filter(r, periods, ratio, serial)
    n = r.size - 1
    return -0.5 * (n * math.log(max(s2, 1e-300)) + logs + n), s2


def _walk_beats_ar(r: Array, periods: NDArray[np.int_], ratio: float, serial: Serial
                   ) -> bool:
    """Whether the local level of step ratio `ratio` explains `r` better than `serial`'s
    AR(1) part plus white noise does: their profile likelihoods on the same footing
    (`_walk_ar_filter`, the level's start diffuse, the AR's level constant), the walk
    chosen where its Akaike criterion is the lower: it has one value (the step) against
    the AR part's two (share, decay), so it wins unless its log-likelihood falls short
    by WALK_AR_ALLOWANCE or more."""
    walk = _walk_ar_loglik(r, periods, ratio, Serial())[0]
    return walk > _walk_ar_loglik(r, periods, 0.0, serial)[0] - WALK_AR_ALLOWANCE


def walk_forecast(r: Array, periods: NDArray[np.int_], future: NDArray[np.int_],
                  serial: Serial, wander: Wander) -> tuple[Array, Array]:
    """Mean and sd of the standardised residuals at `future` periods (after the last of
    `periods`) under the walk `wander` plus `serial`'s AR(1) part plus white noise: the
    filtered level plus the AR part's decaying run, with the variance s2 (P_T + h q +
    AR's + white), P_T the filtered state's covariance (the local level's full
    forecast)."""
    ratio = wander.step / wander.white
    _, _, (ml, ma), (pl, pc, pa) = _walk_ar_filter(r, periods, ratio, serial)
    share, decay = (0.0, 0.0) if serial.independent else (serial.share, serial.decay)
    h = (np.asarray(future) - int(periods[-1])).astype(float)
    d = decay ** h
    var = (pl + ratio * h + 2.0 * d * pc + d * d * pa + share * (1.0 - d * d)
           + 1.0 - share)
    return ml + d * ma, np.sqrt(wander.white * var)


def estimate_wander(r: Array, periods: NDArray[np.int_],
                    serial: Serial | None = None) -> Wander:
    """The random walk in standardised residuals `r` at `periods` (increasing integers),
    by maximum likelihood of a local level plus white noise (the white variance profiled
    out, the step's ratio to it on [1e-6, 10], log scale); none with fewer than
    MIN_PAIRS consecutive periods or unless twice its gain over a constant level reaches
    WANDER_SIGNIFICANT; with a correlated `serial` (step 4's AR part), only where its
    likelihood also beats that AR part's (`_walk_beats_ar`): one persistence model, the
    likelier, never both."""
    from scipy.optimize import minimize_scalar

    r, periods = np.asarray(r, float), np.asarray(periods)
    if r.size < 3 or np.sum(np.diff(periods) == 1) < MIN_PAIRS:
        return Wander()
    if float(np.std(r)) <= 1e-9 * (1.0 + abs(float(np.mean(r)))):
        return Wander()
    low, high = (math.log(v) for v in WANDER_RATIOS)
    found = minimize_scalar(lambda x: -_level_loglik(r, periods, math.exp(x))[0],
                            bounds=(low, high), method="bounded")
    ratio = math.exp(float(found.x))
    best, white = _level_loglik(r, periods, ratio)
    gain = 2.0 * (best - _level_loglik(r, periods, 0.0)[0])
    if gain < WANDER_SIGNIFICANT:
        return Wander(0.0, max(gain, 0.0))
    serial = serial or Serial()
    if not serial.independent and not _walk_beats_ar(r, periods, ratio, serial):
        return Wander(0.0, gain)
    return Wander(ratio * white, gain, white)
