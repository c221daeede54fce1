"""The Fourier season scaled by the trend (`market.demand.season_scaling` 1) or added to it
(0), and why it matters a quarter past a growing history's window."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from scipy.optimize import least_squares

from mktsim.model.demand import demand, demand_factors
from mktsim.scenario.demand import Demand, Fourier, Trend

ORIGIN = dt.date(2018, 1, 1)
#: Three years fitted, then the quarter after them (its summer is the season's trough).
FITTED_DAYS, HELD_OUT_DAYS = 3 * 364 + 154, 91


def _demand(growth: float, sin: list[float], cos: list[float], scaling: float) -> Demand:
    return Demand(trend=Trend(origin=ORIGIN, growth_per_year=growth),
                  fourier=Fourier(order=len(sin), sin=sin, cos=cos), season_scaling=scaling)


def _day_of_year(start: dt.date, days: int) -> np.ndarray:
    """Day of the year - 1 of each day from `start` (0 on 1 January)."""
    return np.array([(start + dt.timedelta(days=i)).timetuple().tm_yday - 1
                     for i in range(days)], dtype=float)


def _season(sin: list[float], cos: list[float], start: dt.date, days: int) -> np.ndarray:
    """exp(sum_k sin_k sin(2 pi k t / 365.25) + cos_k cos(...)), built here."""
    angle = 2 * np.pi * _day_of_year(start, days) / 365.25
    return np.exp(sum(a * np.sin(k * angle) + b * np.cos(k * angle)
                      for k, (a, b) in enumerate(zip(sin, cos, strict=True), start=1)))


def test_scaling_one_is_the_product_and_zero_adds_a_fixed_amount() -> None:
    days = 3 * 365
    trend = 1.3 ** (np.arange(days) / 365.25)
    season = _season([0.2], [-0.1], ORIGIN, days)
    plain = demand(Demand(trend=Trend(origin=ORIGIN, growth_per_year=0.3),
                          fourier=Fourier(order=1, sin=[0.2], cos=[-0.1])), ORIGIN, days)
    assert plain == pytest.approx(trend * season, rel=1e-12)  # the default, 1
    product = demand(_demand(0.3, [0.2], [-0.1], 1.0), ORIGIN, days)
    assert product == pytest.approx(trend * season, rel=1e-12)
    added = demand(_demand(0.3, [0.2], [-0.1], 0.0), ORIGIN, days)
    same_day = np.array([10, 10 + 365, 10 + 730])  # one calendar day in three years
    # Added: the season's amount is the origin's, whatever the trend has grown to.
    assert (added - trend)[same_day] == pytest.approx(np.full(3, season[10] - 1.0), rel=1e-9)
    # Scaled: it grows with the trend (x 1.3 a year).
    amount = (product - trend)[same_day]
    assert amount[1:] / amount[:-1] == pytest.approx(trend[same_day][1:] / trend[same_day][:-1],
                                                     rel=1e-9)
    half = demand(_demand(0.3, [0.2], [-0.1], 0.5), ORIGIN, days)
    assert (half - trend)[same_day] == pytest.approx(
        (season[10] - 1.0) * np.sqrt(trend[same_day]), rel=1e-9)


def test_an_added_season_keeps_its_amount_across_a_trend_change_point() -> None:
    """q = 0 with growth 30% a year, then -20% from a change point: D - T is the
    season's amount at the origin, F - 1, on every day, before and after the point."""
    days = 4 * 365
    change = dt.date(2019, 7, 1)
    spec = Demand(trend=Trend(origin=ORIGIN, growth_per_year=0.3,
                              change_points=[{"on": change, "growth_per_year": -0.2}]),
                  fourier=Fourier(order=2, sin=[0.2, 0.05], cos=[-0.1, 0.0]),
                  season_scaling=0.0)
    x = np.arange(days, dtype=float)
    b = (change - ORIGIN).days
    trend = np.exp(np.log(1.3) / 365.25 * np.minimum(x, b)
                   + np.log(0.8) / 365.25 * np.maximum(0.0, x - b))
    season = _season([0.2, 0.05], [-0.1, 0.0], ORIGIN, days)
    assert demand(spec, ORIGIN, days) == pytest.approx(trend + season - 1.0, rel=1e-9)


def test_the_compiled_season_follows_q_under_by_month() -> None:
    """The compiled plan's daily season (by_month x D, `demand_plan`) at q = 0.5 is the
    one at q = 1 times (T + (F - 1) T^0.5) / (T F), the smart band's uneven by_month
    multiplying both, with T and F built here from the drivers' figures."""
    from demand_fixtures import with_demand
    from mktsim.model.compile import compile_plan
    from mktsim.scenario.load import load_text

    text = with_demand()
    plans = {q: compile_plan(load_text(text, overrides=(
        f"market.demand.season_scaling={q}",)).spec, "baseline") for q in (1.0, 0.5)}
    spec = load_text(text).spec
    assert len(set(spec.market.seasonality.by_month)) > 1
    start, days = spec.start_date, len(plans[1.0].season)
    x = (start - dt.date(2024, 1, 1)).days + np.arange(days, dtype=float)
    b = (dt.date(2025, 7, 1) - dt.date(2024, 1, 1)).days
    trend = np.exp(np.log(1.05) / 365.25 * np.minimum(x, b)
                   + np.log(0.98) / 365.25 * np.maximum(0.0, x - b))
    season = _season([0.10, 0.0], [0.05, 0.0], start, days)
    ratio = (trend + (season - 1.0) * np.sqrt(trend)) / (trend * season)
    assert np.ptp(ratio) > 1e-3
    assert plans[0.5].season == pytest.approx(plans[1.0].season * ratio, rel=1e-9)


@pytest.mark.parametrize("media", [0.0, 0.4, 1.0])
def test_an_unset_season_scaling_follows_media_scaling(media: float) -> None:
    """An additive form (media added, 0) adds its season to the trend too."""
    trend = Trend(origin=ORIGIN, growth_per_year=0.3)
    fourier = Fourier(order=1, sin=[0.2], cos=[-0.1])
    unset = demand(Demand(trend=trend, fourier=fourier, media_scaling=media), ORIGIN, 800)
    assert unset.tobytes() == demand(_demand(0.3, [0.2], [-0.1], media), ORIGIN,
                                     800).tobytes()
    assert unset.tobytes() != demand(_demand(0.3, [0.2], [-0.1], 1.0 - media), ORIGIN,
                                     800).tobytes()


def _fit(truth: np.ndarray, scaling: float) -> np.ndarray:
    """D of a trend and a two-harmonic season fitted by least squares to `truth` over the
    fitted days, over the fitted and held-out days."""
    days = FITTED_DAYS + HELD_OUT_DAYS

    def path(x: np.ndarray) -> np.ndarray:
        return x[0] * demand(_demand(x[1], list(x[2:4]), list(x[4:6]), scaling), ORIGIN,
                             days)

    def residual(x: np.ndarray) -> np.ndarray:
        return (path(x) - truth)[:FITTED_DAYS] / truth[:FITTED_DAYS]

    return path(least_squares(residual, np.r_[1.0, np.zeros(5)]).x)


def test_a_season_of_fixed_amount_on_a_growing_level_is_extrapolated_low_when_scaled() -> None:
    """A level growing 10% a year with a season of a fixed amount (its trough in summer):
    the season scaled by the trend, fitted over three years, deepens the trough as the
    level grows and forecasts the next quarter low; the season added forecasts it."""
    days = FITTED_DAYS + HELD_OUT_DAYS
    t = np.arange(days)
    doy = np.array([(ORIGIN + dt.timedelta(days=int(i))).timetuple().tm_yday - 1 for i in t])
    angle = 2 * np.pi * doy / 365.25
    truth = 1.1 ** (t / 365.25) + 0.15 * (np.cos(angle) - np.sin(2 * angle))
    held_out = slice(FITTED_DAYS, days)
    scaled = _fit(truth, 1.0)[held_out].sum() / truth[held_out].sum()
    added = _fit(truth, 0.0)[held_out].sum() / truth[held_out].sum()
    assert scaled < 0.985
    assert added == pytest.approx(1.0, abs=0.004)


def test_a_trend_underflowing_to_zero_gives_no_nan() -> None:
    """A trend falling to 0 (below the smallest float) beside a neutral season (F = 1
    exactly, no Fourier amplitude) and a strong one: D is 0 there, never NaN."""
    days = 30 * 365  # ln T = -27.6 a year: below -745 after 27 years
    for sin in ([0.0], [0.5]):
        falling = Demand(trend=Trend(origin=ORIGIN, growth_per_year=-1.0 + 1e-12),
                         fourier=Fourier(order=1, sin=sin, cos=[0.0]), season_scaling=0.0)
        d = demand(falling, ORIGIN, days)
        trend = demand_factors(falling, ORIGIN, days)["trend"]
        assert (trend == 0.0).any()
        assert np.isfinite(d).all()
        assert (d[trend == 0.0] == 0.0).all()


def test_a_falling_trend_under_an_added_season_floors_demand_at_zero() -> None:
    """q = 0 with a trend falling 50% a year: the season's fixed trough amount exceeds the
    trend after a few years, and D is 0 on those days (never negative); elsewhere it is
    T + (F - 1) built from the trend and the Fourier factor."""
    days = 9 * 365
    spec = _demand(-0.5, [0.0], [0.4], 0.0)
    d = demand(spec, ORIGIN, days)
    trend = demand_factors(spec, ORIGIN, days)["trend"]
    doy = np.array([(ORIGIN + dt.timedelta(days=i)).timetuple().tm_yday - 1
                    for i in range(days)])
    season = np.exp(0.4 * np.cos(2 * np.pi * doy / 365.25))
    amount = trend + season - 1.0
    assert (amount < 0).sum() > 100
    assert (d[amount <= 0] == 0.0).all()
    assert d[amount > 0] == pytest.approx(amount[amount > 0], rel=1e-9)


@pytest.mark.parametrize(("overrides", "written"), [((), 1.0),
                                                    (("market.demand.media_scaling=0",), 0.0)])
def test_a_fitted_file_states_the_season_form_it_was_fitted_with(
        overrides: tuple[str, ...], written: float) -> None:
    """The fitted scenario writes `season_scaling` as the fit read it (media_scaling's
    value), so a later default cannot move its forecasts; a value given is kept."""
    from demand_fixtures import DEMAND, with_demand
    from mktsim.calibrate.result import CalibrationResult
    from mktsim.calibrate.writeout import fitted_text
    from mktsim.scenario.load import load_text

    source = with_demand()
    result = CalibrationResult("s.yaml", "h.csv", "steady", "month", 3, 0, [], [], {}, [],
                               {}, np.zeros((3, 0)))
    fitted = load_text(fitted_text(source, result, [], overrides=overrides)).spec
    assert fitted.market.demand.season_scaling == written
    given = with_demand(DEMAND.replace("    fourier:", "    season_scaling: 0.5\n    fourier:"))
    again = load_text(fitted_text(given, result, [], overrides=overrides)).spec
    assert again.market.demand.season_scaling == 0.5
