"""The AR(1) noise model (calibrate/serial.py): its estimate of the lag-one correlation,
its prewhitened likelihood against the direct multivariate normal density, the
effective sample size it gives a slowly moving effect, and its continuation."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import binomtest, multivariate_normal

from mktsim.calibrate.metrics import autocorrelation
from mktsim.calibrate.serial import (
    MAX_PHI,
    continuation,
    estimate_phi,
    log_density,
    prewhiten,
    whitening_matrix,
)


def _ar1(phi: float, n: int, rng: np.random.Generator) -> np.ndarray:
    """A stationary AR(1) with unit variance and lag-one correlation phi."""
    x = np.empty(n)
    x[0] = rng.standard_normal()
    for t in range(1, n):
        x[t] = phi * x[t - 1] + np.sqrt(1 - phi * phi) * rng.standard_normal()
    return x


def _correlation(periods: np.ndarray, phi: float) -> np.ndarray:
    return phi ** np.abs(periods[:, None] - periods[None, :]).astype(float)


@pytest.mark.parametrize("phi", [0.3, 0.7])
def test_phi_is_recovered_within_its_interval_over_replications(phi: float) -> None:
    # 150 periods (about three years of weeks): the estimate's sd is sqrt((1 - phi^2) / n)
    rng = np.random.default_rng(int(phi * 10))
    n, runs = 150, 200
    estimates = np.array([estimate_phi(_ar1(phi, n, rng), np.arange(n)) for _ in range(runs)])
    se = np.sqrt((1 - phi * phi) / n)
    inside = int(np.sum(np.abs(estimates - phi) <= 1.645 * se))
    # conditional least squares is biased down by about (1 + 3 phi) / n: allowed for
    assert binomtest(inside, runs, 0.9).pvalue > 0.001, inside / runs
    assert abs(estimates.mean() - phi) < (1 + 3 * phi) / n + 3 * estimates.std() / np.sqrt(runs)


def test_independent_noise_gives_phi_near_zero_and_never_below() -> None:
    rng = np.random.default_rng(3)
    estimates = [estimate_phi(rng.standard_normal(150), np.arange(150)) for _ in range(100)]
    assert min(estimates) == 0.0
    assert np.mean(estimates) < 0.05


def test_too_few_consecutive_periods_give_independence() -> None:
    assert estimate_phi(np.ones(6), np.arange(6)) == 0.0
    assert estimate_phi(np.ones(20), np.arange(0, 40, 2)) == 0.0  # no consecutive pair


def test_a_random_walk_is_clipped_below_a_unit_root() -> None:
    walk = np.cumsum(np.random.default_rng(4).standard_normal(300))
    assert estimate_phi(walk, np.arange(300)) == MAX_PHI


@settings(max_examples=40, deadline=None)
@given(phi=st.floats(0.0, 0.9),
       gaps=st.lists(st.integers(1, 4), min_size=1, max_size=12),
       seed=st.integers(0, 2**31 - 1))
def test_prewhitened_log_density_is_the_multivariate_normal_one(phi: float, gaps: list[int],
                                                                 seed: int) -> None:
    # observed at irregular periods (missing cells, a holdout): correlation phi^gap
    periods = np.concatenate([[0], np.cumsum(gaps)])
    r = np.random.default_rng(seed).standard_normal(periods.size)
    direct = multivariate_normal(np.zeros(periods.size), _correlation(periods, phi)).logpdf(r)
    assert log_density(r, periods, phi) == pytest.approx(direct, rel=1e-9, abs=1e-9)


def test_whitening_matrix_whitens_the_correlation_and_matches_prewhiten() -> None:
    periods = np.array([0, 1, 2, 4, 5, 9])
    w = whitening_matrix(periods, 0.6)
    np.testing.assert_allclose(w @ _correlation(periods, 0.6) @ w.T, np.eye(6), atol=1e-12)
    r = np.random.default_rng(5).standard_normal((3, 6))
    np.testing.assert_allclose(prewhiten(r, periods, 0.6), r @ w.T, atol=1e-12)


def test_a_level_shift_is_told_by_the_effective_number_of_periods() -> None:
    # the information about a constant in n periods of AR(1) noise is about
    # n (1 - phi) / (1 + phi): the generalised least squares a posterior sees
    n, phi = 200, 0.6
    ones = prewhiten(np.ones(n), np.arange(n), phi)
    effective = float(ones @ ones)
    assert effective == pytest.approx(n * (1 - phi) / (1 + phi), rel=0.02)
    # and that is the true variance of the mean of such noise
    mean_var = np.ones(n) @ _correlation(np.arange(n), phi) @ np.ones(n) / n ** 2
    assert 1 / effective == pytest.approx(mean_var, rel=0.03)


def test_continuation_starts_at_the_last_deviation_and_spreads_to_the_stationary() -> None:
    paths = continuation(2.0, 0.7, np.arange(1, 14), np.random.default_rng(6), 20_000)
    h = np.arange(1, 14)
    np.testing.assert_allclose(paths.mean(axis=0), 2.0 * 0.7 ** h, atol=0.03)
    np.testing.assert_allclose(paths.std(axis=0), np.sqrt(1 - 0.7 ** (2 * h)), atol=0.02)


def test_autocorrelation_of_an_ar1_falls_as_phi_to_the_lag() -> None:
    x = _ar1(0.6, 20_000, np.random.default_rng(7))
    np.testing.assert_allclose(autocorrelation(x, 4), 0.6 ** np.arange(1, 5), atol=0.03)
    x[::7] = np.nan  # missing cells are left out of their pairs
    np.testing.assert_allclose(autocorrelation(x, 2), [0.6, 0.36], atol=0.04)
