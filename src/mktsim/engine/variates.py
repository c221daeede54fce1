"""Compiled random variates: a counter-based generator, exact binomial and hypergeometric
samplers, competing risks, sampling without replacement.

(Variates are random numbers; "draws", elsewhere, are rows of jointly drawn scenario
values, see docs/architecture.md, "Words".)

The generator is SplitMix64 (Steele, Lea & Flood 2014) run as a counter: its whole state
is one uint64, `rs[0]`, a small array the kernel passes to every function that draws.
Variate i of a stream is `mix(key + i * golden_gamma)`, so the numbers depend only on the
stream's key (`engine.rng.span_key`: the population key and the first day of the kernel
call), never on the process or thread that draws them. A uniform is the top 53 bits of a
variate, in [0, 1).

Samplers (exact: what they return has the stated distribution up to the 2^-53 grain of a
uniform; nothing is approximated by a normal or a Poisson):

- `binomial(rs, n, p)`: with p' = min(p, 1 - p), inversion (sequential search from 0) when
  n p' < 30 (`INVERSION_MEAN`), otherwise BTRS, Hormann's transformed rejection with
  squeeze (Hormann 1993, "The generation of binomial random variates", J. Statist.
  Comput. Simul. 46), accepting against the exact log-pmf (log-factorials from a table and
  Stirling's series); returns
  n - Binomial(n, 1 - p) for p > 1/2. About 2 uniforms a variate in BTRS, n p' + 1 steps in
  inversion, whose P(0) = (1 - p)^n is a product of squares for n <= 64 (`POWER_N`).

The one exception, for the calibration's simulated objective only: on a stream flagged
smooth (`smooth_stream`, two words; `Plan.smooth_draws` through the kernel's misc
controls) a binomial with n p' >= 30 is `_binomial_smooth`, an approximate quantile
(Cornish-Fisher with skewness and kurtosis) of one uniform, nondecreasing in p, instead of
BTRS, whose rejections make a replication's later draws shift when a parameter moves.
Means below 30 stay exact inversion, already monotone in p. A normal run's stream has one
word and its numbers are unchanged.

Every function here allocates nothing and is compiled without reference counting
(`engine.jit.no_refcount`): the kernel calls them thousands of times a simulated day. The
binomial's dispatch and its inversion are copied into `binomial` (`engine.jit.inlined`).
- `hypergeometric(rs, good, bad, sample)`: with the smaller side and the smaller sample
  (symmetries), an urn of at most 9 draws when the sample is under 10, otherwise
  Stadlober's ratio-of-uniforms HRUA (Stadlober 1990, as in numpy), again against the
  exact log-pmf; the support is cut 16 standard deviations above the mean.
"""

from __future__ import annotations

import math

import numpy as np

from .jit import inlined, no_refcount

GOLDEN_GAMMA = np.uint64(0x9E3779B97F4A7C15)
#: Binomial means below this are drawn by inversion, as numpy does below 30. Inversion is
#: monotone in p for a fixed uniform, so on common random numbers an outcome moves
#: smoothly with a parameter; the calibration's fit compares parameter values that way,
#: and with rejection sampling from a mean of 10 its Bass intervals covered the truth in
#: 25 of 40 cases instead of 37 (tests/test_calibrate_recovery.py).
INVERSION_MEAN = 30.0
#: P(0) = (1 - p)^n of the inversion is a product of squares up to this n (relative error
#: under (n + 2 log2 n + 1) 2^-53, n of it from rounding 1 - p), and exp(n log1p(-p))
#: above (two calls to the maths library; error about (n p + 1) 2^-53). Either way a count
#: differs from exact arithmetic's only for a uniform within ~1e-14 of a cdf boundary.
POWER_N = 64
_TO_UNIT = 1.0 / 9007199254740992.0  # 2^-53
_HALF_UNIT = 0.5 * _TO_UNIT  # a uniform plus this is in (0, 1], 1 only by rounding
_BELOW_ONE = 1.0 - _TO_UNIT
_SIXTH = 1.0 / 6.0
_THIRD = 1.0 / 3.0
#: below this p, log(1 - p) in the inversion's P(0) = exp(n log(1 - p)) is a six-term
#: series instead of log1p (`_log1m`)
SERIES_P = 2e-3

# log k! for k < 126 (exact to double precision), Stirling's series above
_LOG_FACTORIAL = np.array([math.lgamma(k + 1.0) for k in range(126)])
# fc(k) = log k! - [(k + 1/2) log(k + 1) - (k + 1) + log(2 pi) / 2], the tail of Stirling's
# formula at k + 1, for k < 16 (BTRS); the series 1/12 - 1/360 + 1/1260 above
_HALF_LOG_2PI = 0.5 * math.log(2.0 * math.pi)
_STIRLING_TAIL = np.array([math.lgamma(k + 1.0) - ((k + 0.5) * math.log(k + 1.0) - (k + 1.0)
                                                   + _HALF_LOG_2PI) for k in range(16)])
# 1 / x for the steps of the inversion search: a multiplication instead of a division in
# the loop's chain of dependent operations (its slowest link); the probabilities differ
# from those with the division only in the last bit
_N_RECIPROCAL = 256
_RECIPROCAL = np.array([0.0] + [1.0 / x for x in range(1, _N_RECIPROCAL)])
# Acklam's rational approximation of the normal quantile (`normal_quantile`)
_ACKLAM_A = np.array([-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02,
                      1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00])
_ACKLAM_B = np.array([-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
                      6.680131188771972e+01, -1.328068155288572e+01])
_ACKLAM_C = np.array([-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
                      -2.549671010115819e+00, 4.374664141464968e+00, 2.938163982698783e+00])
_ACKLAM_D = np.array([7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00,
                      3.754408661907416e+00])
_ACKLAM_LOW = 0.02425
_HRUA_D1 = 2.0 * math.sqrt(2.0 / math.e)
_HRUA_D2 = 3.0 - 2.0 * math.sqrt(3.0 / math.e)


def new_stream(key: int) -> np.ndarray:
    """The generator state of the stream `key` (a 64-bit integer)."""
    return np.array([key & 0xFFFFFFFFFFFFFFFF], dtype=np.uint64)


@no_refcount
def next_u64(rs: np.ndarray) -> np.uint64:
    """The next 64 random bits of the stream (SplitMix64: add the golden gamma, mix)."""
    z = rs[0] + GOLDEN_GAMMA
    rs[0] = z
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))


@no_refcount
def uniform(rs: np.ndarray) -> float:
    """A uniform double in [0, 1) with 53 random bits."""
    return float(next_u64(rs) >> np.uint64(11)) * _TO_UNIT


@no_refcount
def binomial(rs: np.ndarray, n: int, p: float) -> int:
    """Binomial(n, p), exact; accepts n <= 0 and p outside (0, 1) (NaN counts as 0)."""
    if n <= 0 or not p > 0.0:
        return 0
    if p >= 1.0:
        return n
    if p > 0.5:
        return n - _binomial_low(rs, n, 1.0 - p, True)
    return _binomial_low(rs, n, p, False)


@inlined
def _binomial_low(rs, n, p, upper):
    """Binomial(n, p) for 0 < p <= 1/2; a stream flagged smooth (`smooth_stream`) draws a
    mean of INVERSION_MEAN or more by `_binomial_smooth` instead of BTRS (`upper`: the
    count is subtracted from n, the draw of Binomial(n, 1 - p))."""
    if n * p < INVERSION_MEAN:
        return _binomial_inversion(rs, n, p)
    if rs.shape[0] > 1 and rs[1] != 0:
        return _binomial_smooth(rs, n, p, upper)
    return _binomial_btrs(rs, n, p)


def smooth_stream(rs: np.ndarray) -> np.ndarray:
    """A copy of the generator state `rs` flagged for smooth draws: its binomials with a
    mean of INVERSION_MEAN or more take one uniform each, through `_binomial_smooth`
    (compiled callers build it the same way: two words, the second 1)."""
    return np.array([rs[0], 1], dtype=np.uint64)


@no_refcount
def normal_quantile(u: float) -> float:
    """The standard normal's quantile at u in (0, 1) (Acklam's rational approximation, one
    rational function in the middle and one in each tail; within 2e-5 of the exact
    quantile, tests/test_smooth_binomial.py: a shift of a count by at most 2e-5 sd, which
    the binomial's steps of one hide)."""
    if u < _ACKLAM_LOW:
        t = math.sqrt(-2.0 * math.log(u))
        return _acklam_tail(t)
    if u > 1.0 - _ACKLAM_LOW:
        t = math.sqrt(-2.0 * math.log(1.0 - u))
        return -_acklam_tail(t)
    q = u - 0.5
    r = q * q
    a, b = _ACKLAM_A, _ACKLAM_B
    return ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q
            / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1.0))


@no_refcount
def _acklam_tail(t):
    """The lower tail of `normal_quantile`, t = sqrt(-2 log u)."""
    c, d = _ACKLAM_C, _ACKLAM_D
    return ((((((c[0] * t + c[1]) * t + c[2]) * t + c[3]) * t + c[4]) * t + c[5])
            / ((((d[0] * t + d[1]) * t + d[2]) * t + d[3]) * t + 1.0))


@no_refcount
def binomial_quantile_approx(n: int, p: float, u: float) -> int:
    """Binomial(n, p)'s quantile at u in (0, 1), approximately, for n p (1 - p) >= 10 or
    so: the Cornish-Fisher expansion of the normal quantile z with the skewness and
    excess-kurtosis terms, mean + sd w, with the continuity correction, clipped to 0..n.
    Nondecreasing in u; the count it returns moves by steps of one as p or u move."""
    nf = float(n)
    q = 1.0 - p
    var = nf * p * q
    sd = math.sqrt(var)
    z = normal_quantile(u)
    g = (q - p) / sd  # skewness
    k = (1.0 - 6.0 * p * q) / var  # excess kurtosis
    z2 = z * z
    w = (z + g * (z2 - 1.0) * _SIXTH + k * z * (z2 - 3.0) / 24.0
         - g * g * z * (2.0 * z2 - 5.0) / 36.0)
    x = math.ceil(nf * p + sd * w - 0.5)
    return int(min(max(x, 0.0), nf))


@inlined
def _binomial_smooth(rs, n, p, upper):
    """Binomial(n, p) from one uniform by `binomial_quantile_approx` (n p >= INVERSION_MEAN,
    p <= 1/2): for a fixed uniform the count is nondecreasing in p, and every draw takes
    exactly one uniform, so on common random numbers an outcome and all the draws after it
    move smoothly with a parameter (BTRS's rejections shift the later draws instead). An
    approximation, for the calibration's simulations only (`calibrate.simulator`).
    `upper`: the caller returns n minus this count (its p above 1/2), so the count is
    taken at 1 - u, n - Q(n, p, 1 - u) being Binomial(n, 1 - p)'s quantile at u: a count
    nondecreasing in the caller's p through 1/2 too. u is kept below 1 (a uniform plus
    half a unit can round up to 1)."""
    u = min(uniform(rs) + _HALF_UNIT, _BELOW_ONE)
    return binomial_quantile_approx(n, p, 1.0 - u if upper else u)


@inlined
def _binomial_inversion(rs, n, p):
    """Sequential search of the cdf from 0 (n p < INVERSION_MEAN): P(0) = (1 - p)^n, then
    P(x) / P(x - 1) = ((n + 1) / x - 1) p / (1 - p), with 1 / x from a table. A search
    that runs out of mass (rounding left u above what remains, where P(x) < 1e-300)
    starts again.

    A uniform below a bound of P(0) is a 0 at once, without a division, nor the power or
    exp and log1p of P(0): for p <= 1/2, log(1 - p) >= -p - p^2, so with y = n p (1 + p),
    P(0) = (1 - p)^n >= e^-y >= 1 - y + y^2 / 2 - y^3 / 6 (a margin of 1e-12 under it
    covers rounding), and the result is the full search's."""
    y = n * p * (1.0 + p)
    quick = 1.0 - y * (1.0 - y * (0.5 - y * _SIXTH)) - 1e-12
    u = uniform(rs)
    if u <= quick:
        return 0
    q = 1.0 - p
    s = p / q
    a = (n + 1) * s
    first = _power(q, n) if n <= POWER_N else math.exp(n * _log1m(p))  # P(0)
    while True:
        f = first
        x = 0
        while u > f:
            u -= f
            x += 1
            f *= (a * _RECIPROCAL[x] if x < _N_RECIPROCAL else a / x) - s
            if f < 1e-300 or x > n:
                break
        else:
            return x
        u = uniform(rs)
        if u <= quick:
            return 0


@inlined
def _power(q, n):
    """q ** n for 0 <= n <= POWER_N: the products of numba's q ** n (binary powering,
    r *= q^(2^i) for each bit i of n) in the same order, without its branch per bit. A
    bit that is 0 multiplies r by 1.0, which leaves it exactly as it is, so the result is
    the same bits; the squarings past n's top bit go unused. The branches' mispredictions
    (n changes from one variate to the next) cost more than the few extra products."""
    r = 1.0
    for _ in range(7):  # 2^7 > POWER_N
        r *= q if n & 1 else 1.0
        n >>= 1
        q *= q
    return r


@inlined
def _log1m(p):
    """log(1 - p) for 0 < p <= 1/2: below SERIES_P the series -(p + p^2/2 + ... + p^6/6),
    whose remainder is under p^6 / 7 < 1e-17 of it there (rounding's few 2^-53 dominate,
    as in log1p), else log1p. The series is a few multiplications, log1p a call."""
    if p < SERIES_P:
        return -p * (1.0 + p * (0.5 + p * (_THIRD + p * (0.25 + p * (0.2 + p * _SIXTH)))))
    return math.log1p(-p)


@no_refcount
def _stirling_tail(k):
    """fc(k) = log k! - log(sqrt(2 pi) (k + 1)^(k + 1/2) e^-(k + 1)), k >= 0 (a float)."""
    if k < 16.0:
        return _STIRLING_TAIL[int(k)]
    k1 = k + 1.0
    k1sq = k1 * k1
    return (1.0 / 12.0 - (1.0 / 360.0 - 1.0 / 1260.0 / k1sq) / k1sq) / k1


@inlined
def _binomial_btrs(rs, n, p):
    """BTRS (Hormann 1993) for n p >= INVERSION_MEAN, p <= 1/2: transformed rejection from a
    table-mountain hat, a squeeze box accepting most pairs at once, and otherwise the
    exact log-ratio log f(k) / f(m) of the pmf to its mode m, written in k - m with log1p
    so that it stays accurate for large n (exact for n < 2^53, where every count is a
    double)."""
    nf = float(n)
    q = 1.0 - p
    spq = math.sqrt(nf * p * q)
    b = 1.15 + 2.53 * spq
    a = -0.0873 + 0.0248 * b + 0.01 * p
    c = nf * p + 0.5
    v_r = 0.92 - 4.2 / b
    alpha = m = tails_m = -1.0  # the hat's scale, the mode, fc(m) + fc(n - m): once a
    while True:  # pair falls outside the squeeze (most are accepted without them)
        u = uniform(rs) - 0.5
        v = uniform(rs)
        us = 0.5 - abs(u)
        if us <= 0.0:
            continue
        k = math.floor((2.0 * a / us + b) * u + c)
        if us >= 0.07 and v <= v_r:
            return k
        if k < 0 or k > nf:
            continue
        if tails_m < 0.0:
            alpha = (2.83 + 5.1 / b) * spq
            m = math.floor((nf + 1.0) * p)
            tails_m = _stirling_tail(m) + _stirling_tail(nf - m)
        v = math.log(v * alpha / (a / (us * us) + b))
        d = k - m
        bound = (-(m + 0.5) * math.log1p(d / (m + 1.0))
                 - (nf - m + 0.5) * math.log1p(-d / (nf - m + 1.0))
                 + d * math.log1p(((nf + 2.0) * p - k - 1.0) / ((k + 1.0) * q))
                 + tails_m - _stirling_tail(k) - _stirling_tail(nf - k))
        if v <= bound:
            return k


@no_refcount
def _log_factorial(k):
    """log k! for an integer k >= 0."""
    if k < 126:
        return _LOG_FACTORIAL[k]
    x = float(k)
    return ((x + 0.5) * math.log(x) - x + _HALF_LOG_2PI
            + (1.0 / 12.0 - 1.0 / (360.0 * x * x)) / x)


@no_refcount
def hypergeometric(rs: np.ndarray, good: int, bad: int, sample: int) -> int:
    """How many of `good` are in a uniform sample of `sample` from good + bad, exact.

    Accepts a sample outside 0..good + bad (clipped)."""
    total = good + bad
    if sample <= 0 or good <= 0:
        return 0
    if bad <= 0:
        return min(sample, good)
    if sample >= total:
        return good
    n = min(sample, total - sample)  # sample or its complement
    small = min(good, bad)  # count the smaller side
    if n < 10:
        x = _hypergeometric_urn(rs, small, total, n)
    else:
        x = _hypergeometric_hrua(rs, small, total, n)
    if good > bad:
        x = n - x
    if n < sample:
        x = good - x
    return x


@no_refcount
def _hypergeometric_urn(rs, good, total, n):
    """Draw n items one by one (n < 10)."""
    x = 0
    for _ in range(n):
        if uniform(rs) * total < good:
            x += 1
            good -= 1
            if good == 0:
                break
        total -= 1
    return x


@no_refcount
def _hypergeometric_hrua(rs, good, total, n):
    """Stadlober's HRUA: ratio of uniforms under a table-mountain hat, with good <= total / 2
    and n <= total / 2, n >= 10 (names as in Stadlober 1989, p. 82)."""
    bad = total - good
    p = good / total
    q = bad / total
    mu = n * p
    a = mu + 0.5
    var = (total - n) * n * p * q / (total - 1.0)
    c = math.sqrt(var + 0.5)
    h = _HRUA_D1 * c + _HRUA_D2
    m = math.floor((n + 1.0) * (good + 1.0) / (total + 2.0))
    g = (_log_factorial(m) + _log_factorial(good - m) + _log_factorial(n - m)
         + _log_factorial(bad - n + m))
    b = min(float(min(n, good) + 1), math.floor(a + 16.0 * c))
    while True:
        u = 1.0 - uniform(rs)  # in (0, 1]
        v = uniform(rs)
        x = a + h * (v - 0.5) / u
        if x < 0.0 or x >= b:
            continue
        k = math.floor(x)
        t = g - (_log_factorial(k) + _log_factorial(good - k) + _log_factorial(n - k)
                 + _log_factorial(bad - n + k))
        if u * (4.0 - u) - 3.0 <= t:
            return k
        if u * (u - t) >= 1.0:
            continue
        if 2.0 * math.log(u) <= t:
            return k


@inlined
def competing_exits(rs: np.ndarray, n: int, hazards: np.ndarray, k: int,
                    out: np.ndarray) -> int:
    """How many of `n` leave by each of `k` routes with daily hazards; returns total left.

    One multinomial: stay with exp(-L), route i with (h_i / L)(1 - exp(-L)), drawn as
    conditional binomials; a route with zero hazard takes no draw.
    """
    total = 0.0
    for i in range(k):
        out[i] = 0
        total += hazards[i]
    if n <= 0 or total <= 0.0:
        return 0
    leave = -np.expm1(-total)
    remaining = n
    rest = 1.0
    for i in range(k):
        if remaining <= 0 or rest <= 1e-300:
            break
        if hazards[i] <= 0.0:
            continue
        p = hazards[i] / total * leave
        x = binomial(rs, remaining, p / rest)
        out[i] = x
        remaining -= x
        rest -= p
    return n - remaining


@inlined
def split_without_replacement(rs: np.ndarray, counts: np.ndarray, m: int, take: int,
                              out: np.ndarray) -> None:
    """Draw `take` items uniformly without replacement from groups of sizes counts[:m]
    (a multivariate hypergeometric, as conditional hypergeometrics)."""
    total = 0
    for i in range(m):
        total += counts[i]
    if take >= total:
        for i in range(m):
            out[i] = counts[i]
        return
    left = take
    for i in range(m):
        good = counts[i]
        if left <= 0 or good <= 0:
            out[i] = 0
            total -= good
            continue
        x = hypergeometric(rs, good, total - good, left)
        out[i] = x
        left -= x
        total -= good


@inlined
def hill(x: float, k: float, s: float) -> float:
    """Hill saturation x^s / (x^s + K^s)."""
    if x <= 0.0:
        return 0.0
    r = x / k if s == 1.0 else (x / k) ** s  # y^1 is y exactly: no pow for the common shape
    if r > 1e300:  # saturated (also for x = inf): avoid inf / inf
        return 1.0
    return r / (1.0 + r)
