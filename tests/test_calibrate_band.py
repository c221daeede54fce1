"""The 90% predictive band (calibrate/band.py): a model whose misses are wider than its
noise model still gets a band that holds 90% of fresh observations (split-conformal
widening on the fitted periods), and a well-specified one is not widened much."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import binomtest

from mktsim.calibrate.band import (
    RECENT,
    conformal_factor,
    conformity,
    optimism,
    recent,
    series_band,
)

PERIODS, HELD = 120, 13  # weekly: 107 fitted periods, the last 13 held out
SAMPLES = 200  # predictive samples per band (calibrate: 40 draws x 25 noise draws)


def _held_out_coverage(true_sd: float, histories: int, seed: int
                       ) -> tuple[int, int, float, float]:
    """Held-out observations inside the band, their number, the mean conformal factor
    and the mean band width (in noise-model sds), over `histories` histories whose
    observations have sd `true_sd` around a seasonal path while the model's predictive
    samples have sd 1 around it."""
    rng = np.random.default_rng(seed)
    t = np.arange(PERIODS)
    fitted = t < PERIODS - HELD
    inside = total = 0
    widths, factors = [], []
    for _ in range(histories):
        expected = 100.0 + 10.0 * np.sin(2 * np.pi * t / 52)
        observed = expected + rng.normal(0.0, true_sd, PERIODS)
        samples = expected + rng.normal(0.0, 1.0, (SAMPLES, PERIODS))
        band = series_band(observed, expected, samples, fitted)
        held = ~fitted
        inside += int(np.sum((observed[held] >= band.low[held]) &
                             (observed[held] <= band.high[held])))
        total += int(held.sum())
        widths.append(float(np.mean(band.high - band.low)))
        low, mid, high = np.quantile(samples, [0.05, 0.5, 0.95], axis=0)
        window = recent(fitted)
        factors.append(conformal_factor(conformity(observed[window], mid[window],
                                                   low[window], high[window])))
    return inside, total, float(np.mean(factors)), float(np.mean(widths))


def test_band_of_a_misspecified_model_holds_90_percent_of_fresh_observations():
    # residuals twice the noise model's sd: the unwidened band would hold about 59%
    inside, total, factor, width = _held_out_coverage(2.0, histories=150, seed=1)
    assert binomtest(inside, total, 0.9, alternative="less").pvalue > 0.001, inside / total
    assert binomtest(inside, total, 0.9, alternative="greater").pvalue > 0.001, inside / total
    assert 1.6 < factor < 2.4  # about the ratio of the sds
    assert width < 2 * 1.645 * 2.0 * 1.25  # not much wider than the true 90% band


def test_band_of_a_well_specified_model_is_barely_widened():
    inside, total, factor, width = _held_out_coverage(1.0, histories=150, seed=2)
    assert binomtest(inside, total, 0.9, alternative="less").pvalue > 0.001, inside / total
    assert inside / total < 0.96
    assert factor < 1.15
    assert width < 2 * 1.645 * 1.15


def test_conformity_is_one_on_either_edge_and_below_one_inside():
    mid, low, high = np.array([10.0] * 4), np.array([8.0] * 4), np.array([14.0] * 4)
    observed = np.array([8.0, 14.0, 11.0, 4.0])
    np.testing.assert_allclose(conformity(observed, mid, low, high), [1.0, 1.0, 0.25, 3.0])


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(0.0, 50.0), min_size=1, max_size=80))
def test_widened_band_holds_the_conformal_share_of_its_window(scores):
    scores = np.array(scores)
    factor = conformal_factor(scores)
    assert factor >= 1.0
    n = scores.size
    needed = min(n, math.ceil((n + 1) * 0.9))
    assert int(np.sum(scores <= factor)) >= needed


def test_missing_scores_are_ignored_and_none_leave_the_band_as_it_is():
    assert conformal_factor(np.array([np.nan, np.nan])) == 1.0
    assert conformal_factor(np.array([np.nan, 3.0])) == 3.0


def test_recent_keeps_the_last_set_cells():
    mask = np.zeros(200, dtype=bool)
    mask[10:150:2] = True  # 70 cells, every other period
    window = recent(mask)
    assert int(window.sum()) == RECENT
    assert not (window & ~mask).any()
    assert window[148] and not window[10]


def _regression_coverage(free_values: int, histories: int, seed: int) -> float:
    """Held-out coverage of the band of least-squares fits with 20 regressors on 60
    periods, whose predictive samples use the fitted residuals' spread (as calibrate's
    noise model does), told `free_values` free values."""
    rng = np.random.default_rng(seed)
    n, p, held = 60, 20, 13
    fitted = np.arange(n + held) < n
    inside = total = 0
    for _ in range(histories):
        x = rng.normal(size=(n + held, p))
        observed = x @ rng.normal(size=p) + rng.normal(size=n + held)
        beta = np.linalg.lstsq(x[:n], observed[:n], rcond=None)[0]
        expected = x @ beta
        sd = np.sqrt(np.mean((observed[:n] - expected[:n]) ** 2))
        samples = expected + rng.normal(0.0, sd, (SAMPLES, n + held))
        band = series_band(observed, expected, samples, fitted, free_values)
        inside += int(np.sum((observed[~fitted] >= band.low[~fitted]) &
                             (observed[~fitted] <= band.high[~fitted])))
        total += held
    return inside / total


def test_band_allows_for_the_fit_having_chosen_its_values_on_the_same_periods():
    # residuals of a fit with 20 free values on 60 periods understate new periods' misses
    assert _regression_coverage(0, histories=100, seed=3) < 0.85
    told = _regression_coverage(20, histories=100, seed=3)
    assert 0.86 < told < 0.96, told


def test_optimism_grows_with_the_free_values():
    assert optimism(130, 0) == 1.0
    assert optimism(130, 12) == pytest.approx(math.sqrt(142 / 118))
    assert optimism(130, 12) < optimism(130, 30) < optimism(130, 65) == math.sqrt(3.0)
    assert optimism(10, 9) == math.sqrt(3.0)
