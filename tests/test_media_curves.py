"""A channel's saturation curve (`conversion.curve`, `awareness.curve`: hill, logistic,
exponential) and its adstock carried once per step (`adstock.step_days`): each curve
against its closed form, in the kernel's media step and in simulated units with
confidence intervals over replications; the weekly step's carry-over against its closed
form; invariants of the curves; validation; and the weekly draft of `init from-history`."""

from __future__ import annotations

import csv
import datetime as dt
import math
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from mktsim.cli import main
from mktsim.engine.hazards import saturation
from mktsim.engine.kernel import _media
from mktsim.engine.layout import N_CH
from mktsim.engine.montecarlo import simulate
from mktsim.engine.variates import hill
from mktsim.kpis import KPI_INDEX
from mktsim.model import plan as P
from mktsim.model.compile import compile_plan
from mktsim.model.response import saturation_curve
from mktsim.scenario.errors import ScenarioError
from mktsim.scenario.load import load_spec, load_text

#: The closed forms, written out here independently of the code: half the effect at K.
CLOSED = {
    "hill": lambda x, k: x / (x + k),
    "logistic": lambda x, k: (1 - math.exp(-math.log(3) * x / k))
    / (1 + math.exp(-math.log(3) * x / k)),
    "exponential": lambda x, k: 1 - 2.0 ** (-x / k),
}

#: A market like the one `init from-history` drafts (a large pool considering the
#: category, buying at a low rate, so a week's units are linear in the hazards), one
#: conversion-only channel; MONEY a day buys X exposures per person a day.
MARKET = """\
name: Media curves
horizon_days: {days}
start_date: 2027-01-04
currency: CNY
seed: 3
replications: 10
market:
  size: 100_000_000
  word_of_mouth: {{innovation: 0, imitation: 0}}
  awareness_decay_per_year: 0
  consideration_decay_per_year: 0
  segments:
    buyers:
      share: 1.0
      initial_awareness: 0.5
      initial_consideration: 0.5
      consideration_per_year: 0
      purchase_per_year: 0.02
      repurchase_per_year: 0
products:
  band: {{price: 100, unit_cost: 60}}
channels:
  social:
    type: online
    cost: {{model: cpm, cpm: 10}}
    conversion: {{lift: {lift}, half_saturation: {k}{curve}}}
    adstock: {{retention_per_week: {retention}{step}}}
strategies:
  steady:
    budget: {budget}
    allocation: {{social: 1.0}}
"""
K = 0.001   # exposures per person per day giving half the effect
MARKET_SIZE = 100_000_000
CPM = 10.0


def _text(curve: str = "hill", lift: float = 1.0, x: float = K, days: int = 28,
          retention: float = 0.0, step: int = 1) -> str:
    """The market at x exposures per person per day, every day (retention 0)."""
    money_per_day = x * MARKET_SIZE * CPM / 1000.0
    return MARKET.format(days=days, lift=lift, k=K, budget=money_per_day * days,
                         curve="" if curve == "hill" else f", curve: {curve}",
                         retention=retention, step="" if step == 1 else f", step_days: {step}")


def _plan(text: str):
    return compile_plan(load_text(text).spec, "steady")


# --- the curves themselves ---------------------------------------------------------------

@pytest.mark.parametrize("curve", sorted(CLOSED))
@pytest.mark.parametrize("ratio", [0.1, 0.5, 1.0, 2.0, 7.0])
def test_each_curve_is_its_closed_form(curve: str, ratio: float) -> None:
    code = P.CURVES.index(curve)
    want = CLOSED[curve](ratio * K, K)
    assert saturation(ratio * K, K, 1.0, code) == pytest.approx(want, rel=1e-12)
    assert saturation_curve(ratio * K, K, 1.0, curve) == pytest.approx(want, rel=1e-12)


@settings(max_examples=200, deadline=None)
@given(x=st.floats(0.0, 1e6), k=st.floats(1e-9, 1e6), s=st.floats(0.1, 10.0))
def test_hill_is_the_engines_hill_bit_for_bit(x: float, k: float, s: float) -> None:
    assert saturation(x, k, s, P.CURVE_HILL) == hill(x, k, s)


@settings(max_examples=300, deadline=None)
@given(curve=st.sampled_from(range(3)), k=st.floats(1e-6, 1e3),
       a=st.floats(0.0, 50.0), b=st.floats(0.0, 50.0))
def test_every_curve_is_zero_at_zero_half_at_k_monotone_and_below_one(
        curve: int, k: float, a: float, b: float) -> None:
    assert saturation(0.0, k, 1.0, curve) == 0.0
    assert saturation(k, k, 1.0, curve) == pytest.approx(0.5, rel=1e-12)
    low, high = sorted((a * k, b * k))
    assert 0.0 <= saturation(low, k, 1.0, curve) <= saturation(high, k, 1.0, curve) <= 1.0


def test_logistic_is_straight_near_zero_the_exponential_bends_a_third_as_much_as_hill(
) -> None:
    # slope at 0 in units of 0.5 / K (the chord's to K): Hill 2, logistic ln 3,
    # exponential 2 ln 2; at K/10 the share of that slope kept: Hill 1/1.1 (it bends at
    # once), the logistic 0.999 (tanh is straight to third order), the exponential 0.966
    kept = {}
    for curve, slope in (("hill", 2.0), ("logistic", math.log(3)),
                         ("exponential", 2 * math.log(2))):
        code = P.CURVES.index(curve)
        slope0 = saturation(1e-9 * K, K, 1.0, code) / (1e-9 * K)
        assert slope0 * K / 0.5 == pytest.approx(slope, rel=1e-6)
        kept[curve] = saturation(0.1 * K, K, 1.0, code) / (0.1 * K * slope0)
    assert kept["hill"] == pytest.approx(1 / 1.1, rel=1e-6)
    assert kept["hill"] < kept["exponential"] < 0.97 < 0.998 < kept["logistic"]
    # the share of the first slope lost at K/10: the exponential's is a third of Hill's
    # (its quadratic term (ln 2 / 2)(x/K) against Hill's x/K), not nought like the logistic
    lost = {c: 1 - kept[c] for c in kept}
    assert lost["exponential"] / lost["hill"] == pytest.approx(0.37, abs=0.02)
    assert lost["logistic"] < 0.02 * lost["hill"]
    # at half K the straighter curves give less than Hill, at twice K more
    at = {c: saturation_curve([0.5 * K, 2 * K], K, 1.0, c) for c in CLOSED}
    assert at["logistic"][0] < at["exponential"][0] < at["hill"][0]
    assert at["hill"][1] < at["exponential"][1] < at["logistic"][1]


# --- the kernel's media step -------------------------------------------------------------

def _media_days(plan, spend: np.ndarray) -> np.ndarray:
    """The conversion hazard factor (lift x saturation) of each day, from the kernel's
    media step on `spend` [1, D] money per day."""
    adstock = np.zeros(1) if plan.init_adstock is None else plan.init_adstock.copy()
    h_aw, h_cv, tot = np.zeros(1), np.zeros(1), np.zeros((1, N_CH))
    out = []
    for d in range(spend.shape[1]):
        _media(d, spend, np.ones(1), plan.chan_par, float(MARKET_SIZE), adstock, h_aw, h_cv,
               tot)
        out.append(h_cv[0])
    return np.array(out)


@pytest.mark.parametrize("curve", sorted(CLOSED))
def test_the_media_step_saturates_the_daily_stock_by_the_chosen_curve(curve: str) -> None:
    plan = _plan(_text(curve, lift=1.5, retention=0.4))
    money = np.random.default_rng(1).uniform(0, 2e3, size=(1, 30))
    theta, stock, want = 0.4 ** (1 / 7), 0.0, []
    for m in money[0]:
        stock = m * 1000 / CPM / MARKET_SIZE + theta * stock
        want.append(1.5 * CLOSED[curve](stock, K))
    np.testing.assert_allclose(_media_days(plan, money), want, rtol=1e-12)


@pytest.mark.parametrize(("step", "normalize"), [(7, False), (7, True), (3, False)])
def test_a_stepped_stock_carries_over_once_a_step_and_holds_within_it(
        step: int, normalize: bool) -> None:
    # S_n = mean money per day of step n (in exposures per person) x (1 - theta if
    # normalised) + theta S_(n-1), theta = retention_per_week^(step/7), the same on
    # every day of the step; the horizon's last, shorter step averages its own days
    text = _text("logistic", lift=1.0, retention=0.5, step=step, days=31)
    if normalize:
        text = text.replace(f"step_days: {step}}}", f"step_days: {step}, normalize: true}}")
    plan = _plan(text)
    money = np.random.default_rng(2).uniform(0, 3e3, size=(1, 31))
    money[0, 8:15] = 0.0
    theta, stock, want = 0.5 ** (step / 7), 0.0, []
    for first in range(0, 31, step):
        x = money[0, first:first + step].mean() * 1000 / CPM / MARKET_SIZE
        stock = x * ((1 - theta) if normalize else 1.0) + theta * stock
        want += [CLOSED["logistic"](stock, K)] * len(money[0, first:first + step])
    np.testing.assert_allclose(_media_days(plan, money), want, rtol=1e-12)


def test_a_weekly_step_counts_a_weeks_money_in_full_in_its_own_week() -> None:
    # one week of money, then nothing: daily carry-over builds up over the week and
    # leaves part of the effect for later; weekly, the week's effect is flat and the
    # next week keeps the retention per week of it
    money = np.zeros((1, 21))
    money[0, :7] = 1e3
    weekly = _media_days(_plan(_text("hill", retention=0.3, step=7, days=21)), money)
    daily = _media_days(_plan(_text("hill", retention=0.3, days=21)), money)
    assert np.ptp(weekly[:7]) == 0.0 and np.ptp(daily[:7]) > 0.0
    x = 1e3 * 1000 / CPM / MARKET_SIZE
    assert weekly[7] == pytest.approx(CLOSED["hill"](0.3 * x, K), rel=1e-12)
    assert weekly[14] == pytest.approx(CLOSED["hill"](0.09 * x, K), rel=1e-12)


# --- simulated units against the closed form ---------------------------------------------

REPS = 40
WEEKS = slice(7, 28)


def _units(text: str, seed: int) -> np.ndarray:
    units = simulate(_plan(text), REPS, seed).daily[:, KPI_INDEX["units"]]
    return units[:, WEEKS].sum(axis=1)


@pytest.mark.parametrize("curve", sorted(CLOSED))
def test_simulated_units_follow_each_curve_within_a_confidence_interval(curve: str) -> None:
    # units with the channel over units without = 1 + lift x curve(x) (the channel's
    # purchase hazard adds lift x saturation to the organic one); at x = K/2 the three
    # curves differ by more than four standard errors of the ratio
    base = _units(_text(curve, lift=0.0, x=0.5 * K), seed=11)
    with_media = _units(_text(curve, lift=1.0, x=0.5 * K), seed=12)
    ratio = with_media.mean() / base.mean()
    se = ratio * math.sqrt(with_media.var(ddof=1) / REPS / with_media.mean() ** 2
                           + base.var(ddof=1) / REPS / base.mean() ** 2)
    want = 1.0 + CLOSED[curve](0.5 * K, K)
    others = [1.0 + CLOSED[c](0.5 * K, K) for c in CLOSED if c != curve]
    assert abs(ratio - want) < 3.3 * se, (ratio, want, se)
    assert min(abs(o - want) for o in others) > 4 * se


def test_simulated_units_of_a_weekly_step_follow_its_carry_over() -> None:
    # a week of money, then three without: each week's units over the base are
    # 1 + lift x hill(r^w x) for w = 0..3, retention r a week
    text = _text("hill", lift=1.0, x=K, retention=0.5, step=7, days=28)
    plan = _plan(text)
    plan.spend[:, 7:] = 0.0
    base = _plan(_text("hill", lift=0.0, x=K, days=28))
    per_week = []
    for p, seed in ((plan, 21), (base, 22)):
        daily = simulate(p, REPS, seed).daily[:, KPI_INDEX["units"]]
        per_week.append(daily.reshape(REPS, 4, 7).sum(axis=2))
    ratio = per_week[0].mean(axis=0) / per_week[1].mean(axis=0)
    se = ratio * np.sqrt(per_week[0].var(axis=0, ddof=1) / REPS / per_week[0].mean(axis=0) ** 2
                         + per_week[1].var(axis=0, ddof=1) / REPS
                         / per_week[1].mean(axis=0) ** 2)
    want = 1.0 + np.array([CLOSED["hill"](0.5 ** w * K, K) for w in range(4)])
    assert np.all(np.abs(ratio - want) < 3.5 * se), (ratio, want, se)


# --- validation --------------------------------------------------------------------------

@pytest.mark.parametrize(("old", "new", "field", "words"), [
    ("half_saturation: 0.001, curve: logistic", "half_saturation: 0.001, curve: logistic, "
     "shape: 2", "channels.social.conversion", "hill curve only"),
    ("curve: logistic", "curve: logistc", "channels.social.conversion.curve", "logistic"),
    ("step_days: 7", "step_days: 0", "channels.social.adstock.step_days", "greater than"),
    ("step_days: 7", "step_days: 1.5", "channels.social.adstock.step_days", "integer"),
])
def test_a_wrong_curve_or_step_names_its_line_and_field(old: str, new: str, field: str,
                                                        words: str) -> None:
    text = _text("logistic", step=7)
    assert old in text
    bad = text.replace(old, new)
    with pytest.raises(ScenarioError) as info:
        load_text(bad, "s.yaml")
    (problem,) = [p.render() for p in info.value.problems]
    line = next(i for i, row in enumerate(bad.splitlines(), 1) if new.split(",")[-1] in row)
    assert problem.startswith(f"s.yaml:{line}: {field}"), problem
    assert words in problem


def test_defaults_are_the_hill_curve_carried_daily() -> None:
    channel = load_text(_text()).spec.channels["social"]
    assert channel.conversion.curve == "hill" and channel.adstock.step_days == 1
    row = _plan(_text()).chan_par[0]
    assert row[P.C_CV_CURVE] == P.CURVE_HILL and row[P.C_STEP_DAYS] == 1
    assert row[P.C_THETA] == 0.0


def test_a_competitors_advertising_refuses_another_curve_or_a_step() -> None:
    from rivals_fixtures import ADVERTISER, rivals_text

    for old, new, field in (
            ("half_saturation: 3.0", "half_saturation: 3.0, curve: logistic", "curve"),
            ("retention_per_week: 0.5", "retention_per_week: 0.5, step_days: 7",
             "step_days")):
        assert rivals_text(ADVERTISER).count(old) == 1
        with pytest.raises(ScenarioError) as info:
            load_text(rivals_text(ADVERTISER.replace(old, new)), "r.yaml")
        (problem,) = [p.render() for p in info.value.problems]
        assert "competitor" in problem and field in problem, problem


# --- the weekly draft --------------------------------------------------------------------

def _history(path: Path, days: int, periods: int = 80) -> Path:
    rng = np.random.default_rng(4)
    start = dt.date(2024, 1, 1)
    with path.open("w", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(["date", "revenue", "spend.tv", "spend.search"])
        for i in range(periods):
            out.writerow([(start + dt.timedelta(days=days * i)).isoformat(),
                          round(days * 1.4e5 * rng.uniform(0.9, 1.1)),
                          round(days * 1.4e4 * (i % 10 < 6)), round(days * 4e3)])
    return path


def test_a_weekly_history_drafts_the_logistic_curve_carried_weekly(tmp_path: Path) -> None:
    history = _history(tmp_path / "weekly.csv", days=7)
    result = CliRunner().invoke(main, ["init", "from-history", str(history)])
    assert result.exit_code == 0, result.output
    path = tmp_path / "weekly.yaml"
    assert CliRunner().invoke(main, ["validate", str(path)]).exit_code == 0
    spec = load_spec(path).spec
    for channel in spec.channels.values():
        assert channel.conversion.curve == "logistic" and channel.adstock.step_days == 7
    text = path.read_text(encoding="utf-8")
    assert "curve logistic: straight near zero" in text and "step_days 7:" in text
    # the draft's stepped stock at the usual burst is its half-saturation (0.5 effect)
    plan = compile_plan(spec, spec.calibration.strategy)
    assert plan.chan_par[0, P.C_THETA] == pytest.approx(0.5)   # tv's retention a week


def test_a_daily_history_keeps_the_hill_curve_carried_daily(tmp_path: Path) -> None:
    history = _history(tmp_path / "daily.csv", days=1, periods=400)
    assert CliRunner().invoke(main, ["init", "from-history", str(history)]).exit_code == 0
    spec = load_spec(tmp_path / "daily.yaml").spec
    for channel in spec.channels.values():
        assert channel.conversion.curve == "hill" and channel.adstock.step_days == 1


def test_the_month_lever_weighs_a_stepped_stocks_carried_pressure_by_its_steady_level(
        ) -> None:
    # the share of month 0's pressure carried from before the plan: the carried stock
    # (initial x theta^(t+1), theta the daily retention) over it plus the steady stock of
    # the plan's money, x / (1 - theta_7) when stepped weekly, x / (1 - theta) daily
    from mktsim.decision.levers import _month_fields
    from mktsim.scenario.decision_feasible import month_days

    def share(step: int) -> float:
        text = _text("hill", retention=0.5, step=step, days=365)
        text = text.replace("retention_per_week: 0.5", "retention_per_week: 0.5, initial: 0.01")
        spec = load_text(text).spec
        strat = spec.strategies["steady"]
        return _month_fields(spec, strat, None, ("social",), strat.budget)["carried"][
            "social"][0]

    days = month_days(dt.date(2027, 1, 4), 365)
    theta, x = 0.5 ** (1 / 7), K       # the budget buys K exposures a person a day
    carried = float((0.01 * theta ** (np.arange(days[0]) + 1.0)).mean())
    assert share(1) == pytest.approx(carried / (carried + x / (1 - theta)), rel=1e-9)
    assert share(7) == pytest.approx(carried / (carried + x / (1 - 0.5)), rel=1e-9)
