"""Demand drivers (`market.demand`): each factor against its closed form, the futures, the
history's driver columns, and the event lift in simulated units."""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import mktsim
from conftest import TINY_SCENARIO
from demand_fixtures import with_demand
from history_fixtures import write_history
from mktsim.engine.montecarlo import simulate
from mktsim.history import History, history_plan, period_values, plan_with_actuals
from mktsim.history.periods import PeriodKind, next_start
from mktsim.kpis import KPI_INDEX
from mktsim.model.compile import compile_plan
from mktsim.model.demand import demand, demand_factors
from mktsim.scenario.demand import Control, Demand, Event, Fourier, Trend
from mktsim.scenario.load import load_text, with_values

DAY = dt.timedelta(days=1)


def _days(start: dt.date, n: int) -> list[dt.date]:
    return [start + i * DAY for i in range(n)]


def _factor(part: object, start: dt.date, n: int, key: str, **history: object
            ) -> np.ndarray:
    fields = {"trend": None, "fourier": None, "controls": {}, "events": {}}
    if isinstance(part, Trend):
        fields["trend"] = part
    elif isinstance(part, Fourier):
        fields["fourier"] = part
    elif isinstance(part, Control):
        fields["controls"] = {"x": part}
    else:
        fields["events"] = {"x": part}
    factors = demand_factors(Demand(**fields), start, n, history.get("history"))  # type: ignore[arg-type]
    return factors[key]


def test_trend_is_compound_growth_from_its_origin() -> None:
    trend = Trend(origin=dt.date(2024, 1, 1), growth_per_year=0.05)
    start = dt.date(2030, 3, 1)  # years after the origin: the same trend continues
    got = _factor(trend, start, 400, "trend")
    want = [1.05 ** ((d - trend.origin).days / 365.25) for d in _days(start, 400)]
    assert got == pytest.approx(want, rel=1e-12)
    before = _factor(trend, dt.date(2023, 12, 30), 3, "trend")
    assert before[2] == 1.0 and before[0] == pytest.approx(1.05 ** (-2 / 365.25))


def test_trend_with_change_points_is_continuous_and_piecewise_compound() -> None:
    on, later = dt.date(2025, 7, 1), dt.date(2026, 2, 1)
    trend = Trend(origin=dt.date(2024, 1, 1), growth_per_year=0.05,
                  change_points=[{"on": on, "growth_per_year": -0.02},
                                 {"on": later, "growth_per_year": 0.3}])
    start = dt.date(2024, 1, 1)
    got = _factor(trend, start, 1000, "trend")

    def closed(d: dt.date) -> float:
        first = (min(d, on) - trend.origin).days
        second = (min(max(d, on), later) - on).days
        third = (max(d, later) - later).days
        return 1.05 ** (first / 365.25) * 0.98 ** (second / 365.25) * 1.3 ** (third / 365.25)

    assert got == pytest.approx([closed(d) for d in _days(start, 1000)], rel=1e-12)
    i = (on - start).days  # no jump: the day-on-day ratio is the growth of the day
    assert got[i] / got[i - 1] == pytest.approx(1.05 ** (1 / 365.25), rel=1e-12)
    assert got[i + 1] / got[i] == pytest.approx(0.98 ** (1 / 365.25), rel=1e-12)


def test_fourier_factor_is_the_exponential_of_its_harmonics() -> None:
    fourier = Fourier(order=2, sin=[0.1, -0.05], cos=[0.05, 0.2])
    start = dt.date(2027, 12, 20)  # across a new year: t restarts at 0 on 1 January
    got = _factor(fourier, start, 30, "fourier")
    want = []
    for d in _days(start, 30):
        t = d.timetuple().tm_yday - 1
        w = 2 * math.pi * t / 365.25
        want.append(math.exp(0.1 * math.sin(w) - 0.05 * math.sin(2 * w)
                             + 0.05 * math.cos(w) + 0.2 * math.cos(2 * w)))
    assert got == pytest.approx(want, rel=1e-12)
    assert got[12] == pytest.approx(math.exp(0.05 + 0.2))  # 1 January: t = 0


def test_elasticity_and_linear_controls_follow_their_step_path() -> None:
    values = {dt.date(2027, 1, 5): 0.8, dt.date(2027, 1, 8): 1.25}
    elastic = Control(effect="elasticity", coefficient=-1.5, reference=1.0, values=values)
    got = _factor(elastic, dt.date(2027, 1, 1), 10, "control.x")
    x = [1.0] * 4 + [0.8] * 3 + [1.25] * 3  # the reference before the first date
    assert got == pytest.approx([v ** -1.5 for v in x], rel=1e-12)
    linear = Control(effect="linear", coefficient=-0.4, reference=2.0,
                     values={dt.date(2027, 1, 3): 3.0, dt.date(2027, 1, 5): 6.0})
    got = _factor(linear, dt.date(2027, 1, 1), 6, "control.x")
    assert got == pytest.approx([1.0, 1.0, 0.6, 0.6, 0.0, 0.0])  # never below 0


@pytest.mark.parametrize(("future", "after"), [("hold", 1.25), ("reference", 1.0)])
def test_control_hold_and_reference_futures(future: str, after: float) -> None:
    control = Control(effect="linear", coefficient=1.0, reference=1.0, future=future,
                      values={dt.date(2027, 1, 1): 0.5, dt.date(2027, 1, 3): 1.25})
    got = _factor(control, dt.date(2027, 1, 1), 7, "control.x")
    # the last value holds for the step before it (2 days), then the future path
    assert got == pytest.approx([0.5, 0.5, 1.25, 1.25] + [after] * 3)


def test_control_repeat_year_repeats_the_value_of_52_weeks_earlier() -> None:
    values = {dt.date(2026, 1, 5) + 7 * i * DAY: 1.0 + 0.01 * i for i in range(52)}
    control = Control(effect="linear", coefficient=1.0, reference=1.0, values=values,
                      future="repeat_year")
    start = dt.date(2026, 1, 5)
    got = _factor(control, start, 4 * 364, "control.x")
    assert got[364:] == pytest.approx(np.tile(got[:364], 3))
    assert got[:7] == pytest.approx([1.0] * 7)
    assert got[357:364] == pytest.approx([1.51] * 7)  # the last week holds its week
    assert got[-1] == pytest.approx(1.51)
    single = Control(effect="linear", coefficient=1.0, reference=1.0, future="repeat_year",
                     values={start + 10 * DAY: 2.0})
    got = _factor(single, start, 3 * 364, "control.x")
    assert (got[:10] == 1.0).all() and (got[10:] == 2.0).all()


def test_event_lift_acts_on_its_days_and_repeats_every_52_weeks() -> None:
    event = Event(lift=0.6, days=7, occurrences={dt.date(2026, 11, 9): 1.0,
                                                 dt.date(2026, 12, 28): 0.5},
                  future="repeat_year")
    start = dt.date(2026, 11, 1)
    got = _factor(event, start, 3 * 364, "event.x")
    want = np.ones(3 * 364)
    for first, intensity in ((8, 1.0), (57, 0.5)):
        for year in range(3):
            lo = first + year * 364
            want[lo:lo + 7] = 1 + 0.6 * intensity
    assert got == pytest.approx(want)
    once = event.model_copy(update={"future": "none"})
    assert _factor(once, start, 3 * 364, "event.x")[364:] == pytest.approx(1.0)


def test_repeat_year_repeats_only_the_last_year_of_occurrences() -> None:
    # 2026 and 2027 both given (the festival moved by a few days): 2028 repeats 2027 only
    event = Event(lift=1.0, days=1, future="repeat_year",
                  occurrences={dt.date(2026, 11, 11): 1.0, dt.date(2027, 11, 11): 1.0})
    got = _factor(event, dt.date(2026, 1, 1), 3 * 366, "event.x")
    on = [dt.date(2026, 1, 1) + int(i) * DAY for i in np.flatnonzero(got > 1)]
    assert on == [dt.date(2026, 11, 11), dt.date(2027, 11, 11), dt.date(2028, 11, 9)]


def test_a_scenario_years_after_the_origin_continues_the_drivers() -> None:
    early = load_text(with_demand()).spec
    later = early.model_copy(update={"start_date": dt.date(2031, 1, 1)})
    a = demand(early, early.start_date, 365 * 6)
    b = demand(later, later.start_date, 365)
    assert b == pytest.approx(a[(later.start_date - early.start_date).days:][:365], rel=1e-12)


@dataclasses.dataclass
class _Columns:
    """The driver part of a history (what demand_factors reads)."""

    start: dt.date
    first_days: np.ndarray
    period_days: np.ndarray
    controls: dict[str, np.ndarray]
    events: dict[str, np.ndarray]


def test_history_columns_replace_the_path_on_every_day_of_their_periods() -> None:
    spec = load_text(with_demand()).spec
    start = spec.start_date
    weeks = _Columns(start + 7 * DAY, np.array([0, 7, 14]), np.array([7, 7, 7]),
                     {"price_index": np.array([0.5, np.nan, 2.0])},
                     {"double11": np.array([np.nan, 1.0, 0.0])})
    plain = demand_factors(spec, start, 35)
    got = demand_factors(spec, start, 35, weeks)
    assert got["control.price_index"][7:14] == pytest.approx(0.5 ** -1.5)
    assert got["control.price_index"][14:21] == pytest.approx(plain["control.price_index"][14:21])
    assert got["control.price_index"][21:28] == pytest.approx(2.0 ** -1.5)
    assert got["event.double11"][14:21] == pytest.approx(1.6)
    assert got["event.double11"][21:28] == pytest.approx(1.0)
    for key in ("trend", "fourier", "control.competitor"):
        assert got[key] == pytest.approx(plain[key])
    outside = np.r_[0:7, 28:35]
    assert got["control.price_index"][outside] == pytest.approx(
        plain["control.price_index"][outside])


def _history(start: dt.date, periods: int, **columns: dict[str, np.ndarray]) -> History:
    dates = [start]
    for _ in range(periods - 1):
        dates.append(next_start(PeriodKind.WEEK, dates[-1]))
    ends = tuple(next_start(PeriodKind.WEEK, d) for d in dates)
    return History("h.csv", PeriodKind.WEEK, tuple(dates), ends, {"units": np.zeros(periods)},
                   **columns)  # type: ignore[arg-type]


def test_the_history_window_plan_follows_the_driver_columns() -> None:
    spec = load_text(with_demand()).spec
    h = _history(dt.date(2026, 11, 2), 4, controls={"competitor": np.array([1, 3, np.nan, 2.])},
                 events={"double11": np.array([0, 0, 1, np.nan])})
    plan = history_plan(spec, next(iter(spec.strategies)), h)
    assert plan.demand is not None
    by_month = plan.demand.by_month
    d = demand(spec, h.start, h.days, h)
    assert plan.season == pytest.approx(by_month * d, rel=1e-12)
    # double11 given as 0 in its own week (2026-11-09): no lift there; competitor 3: 0.9
    plain = demand(spec, h.start, 28, None)
    assert d[7:14] == pytest.approx(plain[7:14] / 1.6 * 0.9, rel=1e-12)
    assert d[21:28] == pytest.approx(plain[21:28], rel=1e-12)  # competitor 2 = reference
    week3 = demand_factors(spec, h.start, 28, h)["event.double11"][14:21]
    assert week3 == pytest.approx(1.6)


def test_track_style_actuals_rebuild_the_season_of_their_days_only() -> None:
    spec = load_text(with_demand()).spec
    plan = compile_plan(spec, next(iter(spec.strategies)))
    h = _history(spec.start_date, 2, controls={"competitor": np.array([4.0, np.nan])})
    followed = plan_with_actuals(plan, h)
    factor = 1 - 0.1 * (4.0 - 2.0)
    assert followed.season[:7] == pytest.approx(plan.season[:7] * factor, rel=1e-12)
    assert followed.season[7:] == pytest.approx(plan.season[7:], rel=1e-15)


def test_no_demand_section_leaves_the_season_as_by_month() -> None:
    spec = load_text(TINY_SCENARIO).spec
    plan = compile_plan(spec, "steady")
    assert plan.demand is None and demand_factors(spec, spec.start_date, 60) == {}
    assert (demand(spec, spec.start_date, 60) == 1.0).all()
    months = [d.month - 1 for d in _days(spec.start_date, 60)]
    assert plan.season.tobytes() == np.asarray(spec.market.seasonality.by_month)[months].tobytes()


growth = st.floats(-0.9, 3.0)
coefficients = st.lists(st.floats(-1.0, 1.0), min_size=2, max_size=2)


@settings(max_examples=60, deadline=None)
@given(g=growth, g2=growth, sin=coefficients, cos=coefficients, lift=st.floats(-0.99, 5.0),
       coefficient=st.floats(-3.0, 3.0), level=st.floats(0.05, 20.0),
       intensity=st.floats(0.0, 1.0), start=st.dates(dt.date(2000, 1, 1), dt.date(2060, 1, 1)))
def test_demand_is_positive_unless_an_event_removes_all_of_it(
        g: float, g2: float, sin: list[float], cos: list[float], lift: float,
        coefficient: float, level: float, intensity: float, start: dt.date) -> None:
    spec = Demand(
        trend=Trend(origin=dt.date(2030, 1, 1), growth_per_year=g,
                    change_points=[{"on": dt.date(2031, 1, 1), "growth_per_year": g2}]),
        fourier=Fourier(order=2, sin=sin, cos=cos),
        controls={"p": Control(effect="elasticity", coefficient=coefficient, reference=1.0,
                               values={start: level}, future="repeat_year")},
        events={"e": Event(lift=lift, days=3, occurrences={start + 5 * DAY: intensity},
                           future="repeat_year")})
    d = demand(spec, start, 800)
    assert np.isfinite(d).all() and (d > 0).all()
    gone = spec.model_copy(update={"events": {"e": Event(lift=-1, days=3,
                                                         occurrences={start: 1.0})}})
    d = demand(gone, start, 10)
    assert (d[:3] == 0).all() and (d[3:] > 0).all()


@given(start=st.dates(dt.date(1990, 1, 1), dt.date(2100, 1, 1)), days=st.integers(1, 800))
def test_no_demand_means_d_is_one(start: dt.date, days: int) -> None:
    assert demand_factors(None, start, days) == {}
    assert demand(Demand(), start, days).tobytes() == np.ones(days).tobytes()


EVENT_WEEK = """\
  demand:
    events:
      promo:
        lift: {lift}
        days: 7
        occurrences:
          2027-02-01: 1.0
"""


def _week_units(lift: float, reps: int, seed: int) -> np.ndarray:
    text = TINY_SCENARIO.replace("  segments:\n", EVENT_WEEK.format(lift=lift)
                                 + "  segments:\n", 1)
    spec = load_text(text).spec
    run = simulate(compile_plan(spec, "steady"), reps, seed)
    first = (dt.date(2027, 2, 1) - spec.start_date).days
    return run.daily[:, KPI_INDEX["units"], first:first + 7].sum(axis=1)


def test_an_event_week_with_lift_l_multiplies_its_expected_units_by_1_plus_l() -> None:
    lift, reps = 0.8, 200
    with_event, without = _week_units(lift, reps, 1), _week_units(0.0, reps, 2)
    ratio = with_event.mean() / without.mean()
    se = ratio * math.sqrt(with_event.var(ddof=1) / reps / with_event.mean() ** 2
                           + without.var(ddof=1) / reps / without.mean() ** 2)
    assert abs(ratio - (1 + lift)) < 3.5 * se, (ratio, se)
    assert se < 0.1 * lift  # the test can tell the lift from no lift
    before = _week_units(lift, 50, 3) - _week_units(0.0, 50, 3)
    assert before.sum() != 0  # sanity: the event changed the runs


PROMO = """\
  demand:
    controls:
      price_index:
        effect: elasticity
        coefficient: -1.0
        reference: 1.0
    events:
      promo:
        lift: 0.0
        days: 7
"""


def _promo_history(tmp_path: Path, lift: float, elasticity: float) -> Path:
    """26 weekly periods of units from the tiny market (2 million people) with a price
    index and three promo weeks, the mean of 64 replications at the given truth."""
    text = TINY_SCENARIO.replace("  segments:\n", PROMO + "  segments:\n", 1)
    path = tmp_path / "tiny.yaml"
    path.write_text(text.replace("size: 200_000", "size: 2_000_000"), encoding="utf-8")
    loaded = mktsim.load(path).loaded
    weeks = 26
    promo = np.zeros(weeks)
    promo[[5, 12, 20]] = 1.0
    price = 1.0 + 0.3 * np.sin(np.arange(weeks) / 2.0)
    h = _history(dt.date(2027, 1, 4), weeks, controls={"price_index": price},
                 events={"promo": promo})
    spec = with_values(loaded, {"market.demand.events.promo.lift": lift,
                                "market.demand.controls.price_index.coefficient":
                                    elasticity}).spec
    run = simulate(history_plan(spec, "steady", h), 64, 5)
    units = period_values(run.daily, h)["units"].mean(axis=0)
    write_history(tmp_path / "h.csv", h.dates, {"units": units, "event.promo": promo,
                                                "control.price_index": price})
    return path


def test_calibrate_recovers_an_event_lift_and_a_price_elasticity(tmp_path: Path) -> None:
    scenario = _promo_history(tmp_path, lift=0.7, elasticity=-1.5)
    result = mktsim.load(scenario).calibrate(
        history=tmp_path / "h.csv", replications=16, starts=1, params=(
            "market.demand.events.promo.lift=0:2",
            "market.demand.controls.price_index.coefficient=-3:0"))
    truth = {"market.demand.events.promo.lift": 0.7,
             "market.demand.controls.price_index.coefficient": -1.5}
    for est in result.parameters:
        assert est.estimate == pytest.approx(truth[est.path], rel=0.1), est
        assert est.interval[0] <= truth[est.path] <= est.interval[1], est


def test_a_tracked_year_follows_the_actual_driver_columns_then_the_scenario(
        tmp_path: Path) -> None:
    from mktsim.history import read_history
    from mktsim.track.plan import tracking_plan

    spec = load_text(with_demand()).spec
    rows = ["date,units,event.double11,control.competitor"]
    rows += [f"{spec.start_date + 7 * i * DAY},100,{int(i == 2)},{3 if i == 1 else ''}"
             for i in range(4)]
    (tmp_path / "a.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    actuals = read_history(tmp_path / "a.csv", spec.channels, spec.products, None,
                           spec.market.demand)
    strategy = next(iter(spec.strategies))
    tracked, planned = tracking_plan(spec, strategy, actuals), compile_plan(spec, strategy)
    ratio = tracked.season / planned.season
    assert ratio[:7] == pytest.approx(1.0)
    assert ratio[7:14] == pytest.approx(0.9)  # competitor 3: 1 - 0.1 (3 - 2)
    assert ratio[14:21] == pytest.approx(1.6)  # the event in the actuals' third week
    assert ratio[28:] == pytest.approx(1.0)  # after the actuals: the scenario's paths
