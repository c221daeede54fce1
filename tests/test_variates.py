"""The kernel's generator and exact samplers against scipy's distributions: goodness of
fit, mean and variance within their intervals, edge cases, reproducibility."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numba import njit
from scipy import stats

from mktsim.engine.rng import MASK64, span_key, splitmix64
from mktsim.engine.variates import (
    POWER_N,
    SERIES_P,
    _log1m,
    _power,
    binomial,
    hypergeometric,
    new_stream,
    next_u64,
    split_without_replacement,
    uniform,
)

VARIATES = 200_000


@njit
def _binomials(rs, n, p, size):
    out = np.empty(size, dtype=np.int64)
    for i in range(size):
        out[i] = binomial(rs, n, p)
    return out


@njit
def _hypergeometrics(rs, good, bad, sample, size):
    out = np.empty(size, dtype=np.int64)
    for i in range(size):
        out[i] = hypergeometric(rs, good, bad, sample)
    return out


@njit
def _uniforms(rs, size):
    out = np.empty(size)
    for i in range(size):
        out[i] = uniform(rs)
    return out


def _chi_square_p(draws, dist):
    """p-value of a chi-square test of `draws` against the discrete `dist`, over the
    values each expected at least 20 times (the tails pooled into their end bins)."""
    lo, hi = int(dist.ppf(1e-7)), int(dist.isf(1e-7)) + 1
    support = np.arange(lo, hi + 1)
    expected = dist.pmf(support) * len(draws)
    keep = expected >= 20
    edges = support[keep]
    observed = np.bincount(np.clip(draws, edges[0], edges[-1]) - edges[0],
                           minlength=len(edges))
    exp = dist.pmf(edges) * len(draws)
    exp[0] = dist.cdf(edges[0]) * len(draws)
    exp[-1] = dist.sf(edges[-1] - 1) * len(draws)
    if len(edges) < 2:  # (almost) a point mass
        return 1.0
    return stats.chisquare(observed, exp * observed.sum() / exp.sum()).pvalue


def _check_moments(draws, dist):
    """Sample mean and variance within 5 standard errors of the distribution's (the
    variance's from the distribution's fourth moment)."""
    n = len(draws)
    with np.errstate(divide="ignore", invalid="ignore"):
        mean, var, kurtosis = (float(x) for x in dist.stats(moments="mvk"))
    assert abs(draws.mean() - mean) <= 5 * np.sqrt(var / n) + 1e-12, (draws.mean(), mean)
    if var == 0:
        assert draws.var() == 0
        return
    se_var = var * np.sqrt((kurtosis + 2.0) / n)  # Var(s^2) ~ (mu4 - sigma^4) / n
    assert abs(draws.var() - var) <= 5 * se_var, (draws.var(), var)


BINOMIAL_CASES = [
    (1, 0.3), (5, 0.5), (20, 0.3), (19, 0.5), (20, 0.5),  # inversion; BTRS from n p = 10
    (100, 0.1), (1000, 0.02), (60, 0.25), (50, 0.9), (200, 0.7),  # BTRS; p > 1/2 mirrored
    (10**6, 0.37), (10**9, 3e-9), (2**40, 1e-6), (10**7, 1e-12), (7, 0.999),
    (POWER_N, 0.4), (POWER_N + 1, 0.4), (3, 0.45),  # P(0) as a power, and past it
]


@pytest.mark.parametrize(("n", "p"), BINOMIAL_CASES)
def test_binomial_matches_scipy(n, p):
    draws = _binomials(new_stream(splitmix64(n) ^ int(p * 1e9)), n, p, VARIATES)
    dist = stats.binom(n, p)
    assert draws.min() >= 0 and draws.max() <= n
    _check_moments(draws, dist)
    assert _chi_square_p(draws, dist) > 1e-4


HYPERGEOMETRIC_CASES = [
    (5, 10, 3), (3, 4, 7), (30, 50, 40), (50, 50, 95), (1000, 5, 500), (7, 993, 600),
    (10**6, 10**6, 10**5), (3, 10**6, 10**4), (40, 60, 9), (40, 60, 10), (10**5, 300, 2500),
]


@pytest.mark.parametrize(("good", "bad", "sample"), HYPERGEOMETRIC_CASES)
def test_hypergeometric_matches_scipy(good, bad, sample):
    draws = _hypergeometrics(new_stream(splitmix64(good * 7 + bad * 3 + sample)), good, bad,
                             sample, VARIATES)
    dist = stats.hypergeom(good + bad, good, sample)
    assert draws.min() >= max(0, sample - bad) and draws.max() <= min(good, sample)
    _check_moments(draws, dist)
    assert _chi_square_p(draws, dist) > 1e-4


def test_edge_cases_take_no_draw():
    rs = new_stream(12345)
    before = rs.copy()
    assert binomial(rs, 0, 0.5) == 0
    assert binomial(rs, -3, 0.5) == 0
    assert binomial(rs, 10, 0.0) == 0
    assert binomial(rs, 10, -0.1) == 0
    assert binomial(rs, 10, float("nan")) == 0
    assert binomial(rs, 10, 1.0) == 10
    assert binomial(rs, 10, 1.5) == 10
    assert binomial(rs, 2**62, 1.0) == 2**62
    assert hypergeometric(rs, 0, 10, 5) == 0
    assert hypergeometric(rs, 10, 0, 5) == 5
    assert hypergeometric(rs, 10, 5, 0) == 0
    assert hypergeometric(rs, 10, 5, 15) == 10
    assert hypergeometric(rs, 10, 5, 99) == 10
    assert list(rs) == list(before)  # nothing was drawn


def test_very_large_and_very_small():
    rs = new_stream(99)
    for n in (10**15, 2**62):  # exact below 2^53; above, on the grid of doubles
        z = (_binomials(rs, n, 0.3, 20_000) - 0.3 * n) / np.sqrt(n * 0.21)
        assert abs(z.mean()) < 0.05 and abs(z.std() - 1) < 0.03 and np.abs(z).max() < 6
    assert _binomials(rs, 10**9, 1e-15, 10_000).sum() <= 3  # mean 1e-2 in all
    assert _binomials(rs, 10**9, 1 - 1e-15, 10_000).min() >= 10**9 - 1
    assert np.all(_hypergeometrics(rs, 10**12, 10**12, 10**6, 100) > 0)


def test_stream_is_splitmix64_and_reproducible():
    """Draw i + 1 of the stream of key k is the SplitMix64 finaliser of k + i * gamma."""
    key = span_key(0xDEADBEEF, 17)
    rs = new_stream(key)
    gamma = 0x9E3779B97F4A7C15
    first = [int(next_u64(rs)) for _ in range(5)]
    assert first == [splitmix64((key + i * gamma) & MASK64) for i in range(5)]
    u = _uniforms(new_stream(key), 5)
    assert list(u) == [(x >> 11) / 2.0**53 for x in first]
    a = _binomials(new_stream(key), 500, 0.3, 100)
    b = _binomials(new_stream(key), 500, 0.3, 100)
    assert np.array_equal(a, b)
    assert span_key(1, 2) != span_key(1, 3) != span_key(2, 2)


def test_uniforms_are_uniform():
    u = _uniforms(new_stream(7), VARIATES)
    assert u.min() >= 0.0 and u.max() < 1.0
    assert stats.kstest(u, "uniform").pvalue > 1e-4


def test_split_without_replacement_is_multivariate_hypergeometric():
    counts = np.array([300, 0, 5000, 20, 1], dtype=np.int64)
    out = np.zeros(5, dtype=np.int64)
    rs = new_stream(3)
    draws = np.empty((20_000, 5), dtype=np.int64)
    for i in range(len(draws)):
        split_without_replacement(rs, counts, 5, 800, out)
        draws[i] = out
    assert np.all(draws.sum(axis=1) == 800) and np.all(draws <= counts)
    total = counts.sum()
    mean = 800 * counts / total
    var = 800 * counts / total * (1 - counts / total) * (total - 800) / (total - 1)
    se = np.sqrt(var / len(draws)) + 1e-12
    assert np.all(np.abs(draws.mean(axis=0) - mean) <= 5 * se)
    assert np.allclose(draws.var(axis=0), var, rtol=0.05, atol=1e-9)


def _inversion_reference(rs, n, p):
    """The sequential search of the cdf from 0 in plain Python, with P(0) always computed:
    what the compiled inversion (its quick zeros and 1/x table included) must return for
    the same stream, draw for draw."""
    import math

    from mktsim.engine.variates import uniform

    s = p / (1.0 - p)
    first = math.exp(n * math.log1p(-p))
    while True:
        u, f, x = uniform(rs), first, 0
        while u > f:
            u -= f
            x += 1
            f *= (n + 1) * s / x - s
            if f < 1e-300 or x > n:
                break
        else:
            return x


@pytest.mark.parametrize("n, p", [(10**6, 1e-8), (10**5, 2e-6), (400, 0.001), (50, 0.02),
                                  (3_000, 0.0005), (12, 0.2), (10**7, 2e-6), (200, 0.1),
                                  (POWER_N, 0.3), (2, 0.45), (30, 0.4)])
def test_inversion_equals_the_plain_search_draw_for_draw(n, p):
    ours, plain = new_stream(77), new_stream(77)
    got = [binomial(ours, n, p) for _ in range(3000)]
    expected = [_inversion_reference(plain, n, p) for _ in range(3000)]
    # (the table's 1/x could move a probability by its last bit, and a uniform within
    # that of a boundary give another count: far too rare to meet in these draws)
    assert got == expected
    assert ours[0] == plain[0]  # the same uniforms used


@settings(max_examples=300, deadline=None)
@given(n=st.integers(-5, 2**40), p=st.floats(-0.5, 1.5), key=st.integers(0, MASK64))
def test_binomial_stays_between_zero_and_n(n, p, key):
    """0 <= Binomial(n, p) <= n on every path (inversion with P(0) as a power or through
    exp, BTRS, mirrored for p > 1/2), and 0 for n <= 0."""
    rs = new_stream(key)
    for _ in range(20):
        x = binomial(rs, n, p)
        assert 0 <= x <= max(n, 0)


@settings(max_examples=200, deadline=None)
@given(n=st.integers(1, POWER_N), p=st.floats(1e-6, 0.45), key=st.integers(0, MASK64))
def test_small_n_inversion_is_the_plain_search(n, p, key):
    """For n up to POWER_N (and n p < 30: inversion) P(0) = (1 - p)^n is computed by
    squaring; it draws what the plain search from exp(n log1p(-p)) draws, uniform for
    uniform."""
    ours, plain = new_stream(key), new_stream(key)
    got = [binomial(ours, n, p) for _ in range(50)]
    assert got == [_inversion_reference(plain, n, p) for _ in range(50)]


@njit
def _numba_power(q, n):
    return q ** n


@settings(max_examples=300, deadline=None)
@given(q=st.floats(0.5, 1.0), n=st.integers(0, POWER_N))
def test_power_is_numbas_power_bit_for_bit(q, n):
    """The inversion's P(0) = (1 - p)^n without a branch per bit of n: the same products
    in the same order as numba's q ** n, so the same double exactly."""
    assert _power(q, n) == _numba_power(q, n)


def _exact_log1m(p: float):
    """log(1 - p) as an exact rational: the series to 40 terms (for p < 0.01 its remainder
    is far below a double's grain)."""
    from fractions import Fraction

    total, term = Fraction(0), Fraction(1)
    for k in range(1, 40):
        term *= Fraction(p)
        total -= term / k
    return total


@pytest.mark.parametrize("p", [*np.geomspace(1e-15, SERIES_P * 0.999, 400),
                               SERIES_P, SERIES_P * 1.5])
def test_log1m_is_as_accurate_as_log1p(p):
    """The inversion's log(1 - p): a series below SERIES_P, log1p above, within two units
    of 2^-53 (relative) of the exact value on both sides of the switch."""
    from fractions import Fraction

    exact = _exact_log1m(float(p))
    error = abs((Fraction(_log1m(float(p))) - exact) / exact)
    assert error <= Fraction(2, 2**53)


@settings(max_examples=200, deadline=None)
@given(n=st.integers(POWER_N + 1, 10**9), mean=st.floats(1e-3, 29.0),
       key=st.integers(0, MASK64))
def test_large_n_inversion_is_the_plain_search(n, mean, key):
    """Past POWER_N, P(0) = exp(n log(1 - p)) takes log(1 - p) from a series for small p
    (`SERIES_P`): it draws what the plain search from exp(n log1p(-p)) draws, uniform for
    uniform."""
    p = min(mean / n, 0.45)
    ours, plain = new_stream(key), new_stream(key)
    got = [binomial(ours, n, p) for _ in range(50)]
    assert got == [_inversion_reference(plain, n, p) for _ in range(50)]
