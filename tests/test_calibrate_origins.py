"""Forecasts from earlier origins (calibrate/origins.py) and the band's step 6: the
linearised refit at an origin is the fit on the periods up to it, and a band widened to
those refits' misses holds more held-out periods of a model that extrapolates wrong,
while a well-specified model's band is barely widened."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from scipy.stats import binomtest

import mktsim
from contribution_fixtures import shaped_history, two_channels, weekly_spend
from mktsim.calibrate.band import series_band
from mktsim.calibrate.fit import Fit
from mktsim.calibrate.origins import (
    RECENT,
    Origins,
    forecast_origins,
    origins_of,
    refit_steps,
)
from mktsim.calibrate.priors import parse_priors
from mktsim.calibrate.simulator import WindowModel
from mktsim.history import estimate_noise, observed_mask

PERIODS, HELD, SAMPLES = 120, 13, 200  # weekly: 107 fitted periods, the last 13 held out
T = np.arange(PERIODS)
FITTED = T < PERIODS - HELD
X = np.column_stack([np.full(PERIODS, 10.0), 10.0 * T / PERIODS])  # level, trend


def _ridge(y: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """The linear model's posterior mode in z on `rows` (prior z ~ N(0, I))."""
    a = X[rows]
    return np.linalg.solve(a.T @ a + np.eye(2), a.T @ y[rows])


def test_the_refit_at_an_origin_is_the_fit_on_the_periods_up_to_it() -> None:
    rng = np.random.default_rng(3)
    y = 2.0 * X[:, 0] + 0.5 * X[:, 1] + 0.03 * (T - 60.0) ** 2 / 60 + rng.normal(0, 1, PERIODS)
    cells = np.flatnonzero(FITTED)
    z = _ridge(y, FITTED)
    origins = cells[-RECENT - 1:-1]
    steps = refit_steps(y[cells] - X[cells] @ z, X[cells], cells, z, origins)
    for o, step in zip(origins, steps, strict=True):
        up_to = FITTED & (np.arange(PERIODS) <= o)
        np.testing.assert_allclose(z + step, _ridge(y, up_to), atol=1e-9)


def test_pairs_are_the_fitted_periods_within_the_horizon_after_each_origin() -> None:
    fitted = FITTED.copy()
    fitted[100] = False  # a missing cell is never scored
    origins = Origins(np.array([95, 105]), np.zeros((2, PERIODS)), 4)
    rows, periods = origins.pairs(fitted)
    assert list(zip(rows.tolist(), periods.tolist(), strict=True)) == [
        (0, 96), (0, 97), (0, 98), (0, 99), (1, 106)]


def _coverage(curvature: float, histories: int, seed: int, ahead: bool
              ) -> tuple[int, int, float]:
    """Held-out observations inside the band, their number and the band's mean width
    there, over `histories` histories of a trend with `curvature` (0: the model's own
    straight line) fitted by a straight line whose predictive samples have the noise's
    sd 1 around its fitted path."""
    rng = np.random.default_rng(seed)
    inside = total = 0
    widths = []
    cells = np.flatnonzero(FITTED)
    origins = cells[-RECENT - 1:-1]
    for _ in range(histories):
        truth = 100.0 + 5.0 * T / PERIODS + curvature * (T / PERIODS) ** 2
        y = truth + rng.normal(0.0, 1.0, PERIODS)
        z = _ridge(y - 100.0, FITTED)
        mean = 100.0 + X @ z
        samples = mean + rng.normal(0.0, 1.0, (SAMPLES, PERIODS))
        steps = refit_steps(y[cells] - mean[cells], X[cells], cells, z, origins)
        band = series_band(y, mean, samples, FITTED, 2,
                           origins=Origins(origins, steps @ X.T, HELD) if ahead else None)
        held = ~FITTED
        inside += int(np.sum((y[held] >= band.low[held]) & (y[held] <= band.high[held])))
        total += int(held.sum())
        widths.append(float(np.mean((band.high - band.low)[held])))
    return inside, total, float(np.mean(widths))


def test_a_trend_the_model_lacks_is_held_by_the_misses_of_earlier_origins() -> None:
    before = binomtest(*_coverage(10.0, 150, 5, ahead=False)[:2]).proportion_ci(0.95)
    after = binomtest(*_coverage(10.0, 150, 5, ahead=True)[:2]).proportion_ci(0.95)
    # measured: 54% of 1,950 held-out weeks without, 70% with; a bend this strong keeps
    # the refits at earlier origins (shorter windows) closer than the last one
    assert before.high < 0.60  # the in-sample conformal factor does not see the bend
    assert after.low > 0.66 and after.low > before.high + 0.05


@pytest.mark.parametrize("ahead", [False, True])
def test_a_well_specified_trend_keeps_a_90_percent_band(ahead: bool) -> None:
    inside, total, _ = _coverage(0.0, 150, 7, ahead)
    ci = binomtest(inside, total).proportion_ci(0.95)
    assert ci.low <= 0.93 and ci.high >= 0.88


def test_a_well_specified_trend_is_barely_widened() -> None:
    without = _coverage(0.0, 60, 9, ahead=False)[2]
    with_origins = _coverage(0.0, 60, 9, ahead=True)[2]
    assert with_origins < 1.06 * without


WEEKS, HOLD = 30, 4
KOL = "channels.kol.awareness.per_year"
SOCIAL = "channels.social.awareness.per_year"


def _window(tmp_path: Path) -> tuple[WindowModel, Fit]:
    """A real two-channel window of WEEKS weeks whose history is the model's mean path at
    other values, with noise; a Fit at z = (0.3, -0.2), its noise estimated there (the
    refit is linearised about any z: it need not be the optimum)."""
    loaded = mktsim.load(two_channels(tmp_path)).loaded
    priors = parse_priors((f"{KOL}=0.05:0.5", f"{SOCIAL}=0.1:0.9"), None, loaded.source)
    blank = shaped_history(WEEKS, weekly_spend(WEEKS))
    truth, _ = WindowModel(loaded, "actual", blank, priors, 2, 5).expected(np.array([0.8, 0.4]))
    rng = np.random.default_rng(2)
    history = replace(blank, series={k: v * rng.normal(1.0, 0.03, WEEKS)
                                     for k, v in truth.items()})
    model = WindowModel(loaded, "actual", history, priors, 2, 5)
    z = np.array([0.3, -0.2])
    mean, sim_var = model.expected(z)
    noise = estimate_noise(history, mean, sim_var, observed_mask(history, HOLD))
    fit = Fit(z, np.eye(2), noise, mean, sim_var, 0.0, True,
              tempers={"revenue": 0.5, "units": 0.8})
    return model, fit


def _direct_moves(model: WindowModel, fit: Fit, fitted: dict[str, np.ndarray],
                  weights: dict[str, float], kpi: str, origins: np.ndarray) -> np.ndarray:
    """The linearised refit at each origin computed plainly: Jacobians by forward
    differences of 0.1 in z, rows weighed by sqrt(weight x temper) over the noise's sd."""
    z = fit.z
    moved = [model.expected(z + 0.1 * e)[0] for e in np.eye(len(z))]
    jac = {k: np.column_stack([(m[k] - fit.mean[k]) / 0.1 for m in moved]) for k in fit.mean}
    r, g, periods = [], [], []
    for k, y in model.history.series.items():
        cells = np.flatnonzero(fitted[k])
        sd = np.sqrt(fit.noise[k].variance(fit.mean[k], fit.sim_var[k]))[cells]
        w = np.sqrt(weights[k] * fit.tempers[k])
        r += list(w * (y[cells] - fit.mean[k][cells]) / sd)
        g += list(w * jac[k][cells] / sd[:, None])
        periods += list(cells)
    r_, g_, p_ = np.array(r), np.array(g), np.array(periods)

    def refit(rows: np.ndarray) -> np.ndarray:
        a = g_[rows]
        return np.linalg.solve(a.T @ a + np.eye(len(z)), a.T @ r_[rows] - z)

    full = refit(np.ones(len(r_), bool))
    return np.array([refit(p_ <= o) - full for o in origins]) @ jac[kpi].T


def test_forecast_origins_of_a_real_window(tmp_path: Path) -> None:
    """Nothing runs where every series is observed to the window's end; with a holdout
    each series' moves are the linearised refits weighed by weight x temper; a series
    whose own last weeks are missing inside the window gets forecasts too."""
    model, fit = _window(tmp_path)
    before = model.evaluations
    assert forecast_origins(model, fit, observed_mask(model.history, 0), {"units": 3.0}) == {}
    assert model.evaluations == before  # no simulation
    weights = {"revenue": 2.0, "units": 0.5}
    fitted = observed_mask(model.history, HOLD)
    found = forecast_origins(model, fit, fitted, weights)
    assert set(found) == {"revenue", "units"}
    for kpi, o in found.items():
        assert o.horizon == HOLD
        np.testing.assert_array_equal(o.origins, origins_of(fitted[kpi]))
        np.testing.assert_allclose(
            o.moves, _direct_moves(model, fit, fitted, weights, kpi, o.origins), rtol=1e-9,
            atol=1e-9 * np.abs(o.moves).max())
    assert np.abs(found["revenue"].moves).max() > 0
    tail = observed_mask(model.history, 0)
    tail["units"][-2:] = False  # units' last two weeks missing inside the window
    only = forecast_origins(model, fit, tail, weights)
    assert set(only) == {"units"} and only["units"].horizon == 2
