"""The correlated noise model (calibrate/serial.py): its estimates (an AR(1), white noise
plus a wandering level), its prewhitened likelihood against the direct multivariate
normal density, the effective sample size it gives a slowly moving effect, and its
conditional continuation."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import binomtest, multivariate_normal

from mktsim.calibrate.metrics import autocorrelation
from mktsim.calibrate.serial import (
    MAX_DECAY,
    Serial,
    conditional,
    estimate,
    log_density,
    prewhiten,
)


def _ar1(phi: float, n: int, rng: np.random.Generator) -> np.ndarray:
    """A stationary AR(1) with unit variance and lag-one correlation phi."""
    x = np.empty(n)
    x[0] = rng.standard_normal()
    for t in range(1, n):
        x[t] = phi * x[t - 1] + np.sqrt(1 - phi * phi) * rng.standard_normal()
    return x


@pytest.mark.parametrize("phi", [0.3, 0.7])
def test_phi_of_an_ar1_is_recovered_within_its_interval_over_replications(phi: float) -> None:
    # 150 periods (about three years of weeks): the lag-one estimate's sd is about
    # sqrt((1 - phi^2) / n); the model's lag-one correlation is share * decay
    rng = np.random.default_rng(int(phi * 10))
    n, runs = 150, 80
    found = [estimate(_ar1(phi, n, rng), np.arange(n)) for _ in range(runs)]
    lag1 = np.array([f.share * f.decay for f in found])
    se = np.sqrt((1 - phi * phi) / n)
    inside = int(np.sum(np.abs(lag1 - phi) <= 1.645 * se))
    assert binomtest(inside, runs, 0.9).pvalue > 0.001, inside / runs
    # maximum likelihood about the residuals' own mean is biased down by about
    # (1 + 3 phi) / n: allowed for
    assert abs(lag1.mean() - phi) < (1 + 3 * phi) / n + 3 * lag1.std() / np.sqrt(runs)
    assert np.median([f.share for f in found]) > 0.8  # an AR(1) is mostly persistent


def test_white_noise_plus_a_wandering_level_is_told_apart() -> None:
    # what misspecified weekly fits show: small lag-one, about as large at lags 2-4
    rng = np.random.default_rng(8)
    n, share, decay = 160, 0.3, 0.9
    shares, lag1 = [], []
    for _ in range(40):
        x = np.sqrt(share) * _ar1(decay, n, rng) + np.sqrt(1 - share) * rng.standard_normal(n)
        found = estimate(x, np.arange(n))
        shares.append(found.share)
        lag1.append(found.share * found.decay)
    assert 0.15 < np.median(shares) < 0.6
    assert np.median(lag1) == pytest.approx(share * decay, abs=0.08)


def test_independent_noise_gives_little_correlation_and_never_a_negative_one() -> None:
    rng = np.random.default_rng(3)
    found = [estimate(rng.standard_normal(150), np.arange(150)) for _ in range(40)]
    lag1 = np.array([f.share * f.decay for f in found])
    assert lag1.min() >= 0.0
    assert np.mean(lag1) < 0.06
    assert np.mean([f.independent for f in found]) > 0.85  # the likelihood-ratio test


@pytest.mark.parametrize("level", [0.0, 0.3, -250.0])
def test_constant_residuals_are_independent_not_all_persistent(level: float) -> None:
    """A series the model fits exactly (or off by a constant) leaves nothing to correlate:
    its deviations are all zero, and any correlation would raise the likelihood through
    the determinant alone (it was read as share 1, decay 0.95)."""
    assert estimate(np.full(40, level), np.arange(40)).independent
    assert estimate(np.full(40, level) + 1e-13, np.arange(40)).independent


def test_too_few_consecutive_periods_give_independence() -> None:
    assert estimate(np.ones(6), np.arange(6)).independent
    assert estimate(np.ones(20), np.arange(0, 40, 2)).independent  # no consecutive pair


def test_a_random_walk_is_held_below_a_unit_root() -> None:
    walk = np.cumsum(np.random.default_rng(4).standard_normal(300))
    assert estimate(walk, np.arange(300)).decay <= MAX_DECAY


@settings(max_examples=40, deadline=None)
@given(share=st.floats(0.0, 1.0), decay=st.floats(0.0, 0.9),
       gaps=st.lists(st.integers(1, 4), min_size=1, max_size=12),
       seed=st.integers(0, 2**31 - 1))
def test_prewhitened_log_density_is_the_multivariate_normal_one(
        share: float, decay: float, gaps: list[int], seed: int) -> None:
    # observed at irregular periods (missing cells, a holdout): correlation of the gap
    periods = np.concatenate([[0], np.cumsum(gaps)])
    corr = Serial(share, decay)
    r = np.random.default_rng(seed).standard_normal(periods.size)
    matrix = corr.matrix(periods)
    direct = multivariate_normal(np.zeros(periods.size), matrix, allow_singular=True).logpdf(r)
    assert log_density(r, periods, corr) == pytest.approx(direct, rel=1e-7, abs=1e-7)


def test_prewhitening_is_the_inverse_cholesky_factor_of_the_correlation() -> None:
    periods = np.array([0, 1, 2, 4, 5, 9])
    corr = Serial(0.7, 0.6)
    low = np.linalg.cholesky(corr.matrix(periods))
    r = np.random.default_rng(5).standard_normal((3, 6))
    np.testing.assert_allclose(prewhiten(r, periods, corr), np.linalg.solve(low, r.T).T,
                               atol=1e-10)


def test_a_level_is_told_by_the_effective_number_of_periods() -> None:
    # the information about a constant in n periods of AR(1) noise is about
    # n (1 - phi) / (1 + phi): the generalised least squares a posterior sees
    n, phi = 200, 0.6
    ones = prewhiten(np.ones(n), np.arange(n), Serial.ar1(phi))
    effective = float(ones @ ones)
    assert effective == pytest.approx(n * (1 - phi) / (1 + phi), rel=0.02)
    # and that is the true variance of the mean of such noise
    mean_var = np.ones(n) @ Serial.ar1(phi).matrix(np.arange(n)) @ np.ones(n) / n ** 2
    assert 1 / effective == pytest.approx(mean_var, rel=0.03)


def test_an_ar1_carries_its_last_deviation_and_spreads_to_the_stationary() -> None:
    periods, r = np.arange(50), np.random.default_rng(6).standard_normal(50)
    r[-1] = 2.0
    h = np.arange(1, 14)
    mean, sd = conditional(r, periods, 49 + h, Serial.ar1(0.7))
    np.testing.assert_allclose(mean, 2.0 * 0.7 ** h, atol=1e-9)  # Markov: the last only
    np.testing.assert_allclose(sd, np.sqrt(1 - 0.7 ** (2 * h)), atol=1e-9)


def test_a_wandering_level_is_read_from_the_recent_residuals_not_the_last() -> None:
    # white noise plus a persistent part: a run of residuals at +1 moves the forecast
    # more than one residual at +3 after zeros, which an AR(1) would carry at 0.95 x 3
    periods, corr = np.arange(60), Serial(0.3, 0.95)
    run = np.concatenate([np.zeros(40), np.ones(20)])
    spike = np.concatenate([np.zeros(59), [3.0]])
    after = np.arange(60, 73)
    run_mean, sd = conditional(run, periods, after, corr)
    spike_mean, _ = conditional(spike, periods, after, corr)
    assert np.all(run_mean > 0.3) and np.all(np.diff(run_mean) < 0)
    assert np.all(spike_mean < run_mean) and spike_mean[0] < 0.2 * 3.0
    assert np.all(sd < 1) and np.all(np.diff(sd) > 0)


def test_independence_changes_nothing() -> None:
    r = np.random.default_rng(9).standard_normal(30)
    np.testing.assert_array_equal(prewhiten(r, np.arange(30), Serial()), r)
    mean, sd = conditional(r, np.arange(30), np.arange(30, 35), Serial())
    assert not mean.any() and np.all(sd == 1)


def test_autocorrelation_of_an_ar1_falls_as_phi_to_the_lag() -> None:
    x = _ar1(0.6, 20_000, np.random.default_rng(7))
    np.testing.assert_allclose(autocorrelation(x, 4), 0.6 ** np.arange(1, 5), atol=0.03)
    x[::7] = np.nan  # missing cells are left out of their pairs
    np.testing.assert_allclose(autocorrelation(x, 2), [0.6, 0.36], atol=0.04)


def test_the_sandwich_tempers_a_level_by_its_effective_share_of_periods() -> None:
    # the fit's temper under correlated residuals (calibrate.fit.sandwich_temper's HAC
    # part): a level told by n periods of AR(1) noise carries about (1 - phi) / (1 + phi)
    # of the independence likelihood's information
    from mktsim.calibrate.fit import _hac, _largest_ratio

    n, phi = 200, 0.6
    rows, mask = np.ones((n, 1)), {"y": np.ones(n, dtype=bool)}
    temper = 1.0 / _largest_ratio(rows, _hac(rows, mask, {"y": Serial.ar1(phi)}))
    assert temper == pytest.approx((1 - phi) / (1 + phi), rel=0.03)
    assert 1.0 / _largest_ratio(rows, _hac(rows, mask, {"y": Serial()})) == pytest.approx(1.0)
