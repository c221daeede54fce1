"""A stepped adstock (`adstock.step_days` > 1) follows the money actually spent when a
channel's factor on planned spend changes in the middle of a step (a pause, a resume,
money shifted in): the stock of the step is the closed form of the money spent, and the
spend and exposure totals agree with it, run alone under SimPy, in a batch, per customer
and by the review rules."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mktsim.engine.layout import CH_EXPOSURES, CH_SPEND
from mktsim.engine.montecarlo import simulate
from mktsim.engine.stepped_adstock import mid_step_change
from mktsim.model import plan as P
from mktsim.model.compile import compile_plan
from mktsim.rules.review import ReviewLoop
from mktsim.scenario.load import load_text

MARKET_SIZE = 20_000
CPM = 10.0
EXPOSURES_PER_MONEY = 1000.0 / CPM
RETENTION = 0.5  # a week; the step is a week, so theta_7 = 0.5
MONEY = 400.0  # a day, planned, on each channel
DAYS = 21

def _text(normalize: bool, rules: str, retention: float) -> str:
    """Two channels of MONEY a day each, adstocked by the week."""
    adstock = (f"{{retention_per_week: {retention}, step_days: 7"
               f"{', normalize: true' if normalize else ''}}}")
    return f"""\
name: Stepped adstock changed mid-step
horizon_days: {DAYS}
start_date: 2027-01-04
currency: CNY
seed: 3
replications: 2
market:
  size: {MARKET_SIZE}
  segments:
    buyers: {{share: 1.0, initial_awareness: 0.3, initial_consideration: 0.1,
             purchase_per_year: 2}}
products:
  band: {{price: 100, unit_cost: 60}}
channels:
  social:
    type: online
    cost: {{model: cpm, cpm: {CPM}}}
    conversion: {{lift: 1.0, half_saturation: 0.01}}
    adstock: {adstock}
  search:
    type: online
    cost: {{model: cpm, cpm: {CPM}}}
    conversion: {{lift: 1.0, half_saturation: 0.01}}
    adstock: {adstock}
strategies:
  steady:
    budget: {2 * MONEY * DAYS}
    allocation: {{social: 0.5, search: 0.5}}
{rules}"""


def _plan(normalize: bool = False, rules: str = "", retention: float = RETENTION):
    plan = compile_plan(load_text(_text(normalize, rules, retention)).spec, "steady")
    assert plan.spend[:, :DAYS] == pytest.approx(MONEY)  # the money the closed forms use
    return plan


def _stock(scales: np.ndarray, normalize: bool = False) -> float:
    """The closed form: the stock at the horizon of a weekly step, scales [DAYS] the
    factor on each day's planned money; S_k = mean money of week k x exposures per money
    / market size (x (1 - theta) normalised) + theta S_(k-1)."""
    stock = 0.0
    for week in range(DAYS // 7):
        money = MONEY * scales[7 * week: 7 * week + 7].mean()
        x = money * EXPOSURES_PER_MONEY / MARKET_SIZE * ((1 - RETENTION) if normalize else 1)
        stock = x + RETENTION * stock
    return stock


@dataclass(frozen=True)
class ScaleChanges:
    """A controller setting channel factors on given days, (day, channel, factor); it
    cannot say its days in advance, so its replications run alone under SimPy."""

    changes: tuple[tuple[int, int, float], ...]

    def start(self, controls) -> None:
        for day, channel, scale in self.changes:
            controls.at(day, lambda c=channel, s=scale: controls.set_channel_scale(c, s))


@dataclass(frozen=True)
class BatchedScaleChanges(ScaleChanges):
    """`ScaleChanges` whose replications run in a batch, synced on the change days."""

    def batch_days(self, plan) -> tuple[int, ...]:
        return tuple(sorted({day for day, _, _ in self.changes}))


#: social paused on day 10 (mid week 2) and resumed on day 17 (mid week 3); search
#: doubled on day 10 (money moved into it mid-week) and back to 1 on day 14 (a step's
#: first day: the kernel takes it itself)
CHANGES = ((10, 0, 0.0), (17, 0, 1.0), (10, 1, 2.0), (14, 1, 1.0))


def _scales() -> np.ndarray:
    scales = np.ones((2, DAYS))
    for day, channel, scale in sorted(CHANGES):
        scales[channel, day:] = scale
    return scales


@pytest.mark.parametrize(("engine", "batched", "normalize"), [
    ("counts", True, False), ("counts", True, True), ("counts", False, False),
    ("agents", False, False)])
def test_the_stock_is_that_of_the_money_spent_when_it_changes_mid_week(
        engine: str, batched: bool, normalize: bool) -> None:
    plan, scales = _plan(normalize), _scales()
    kind = BatchedScaleChanges if batched else ScaleChanges
    run = simulate(plan, 2, 7, engine=engine,
                   controllers=(kind(CHANGES),))
    for c in range(2):
        want = _stock(scales[c], normalize)
        assert run.adstock[:, c] == pytest.approx(want, rel=1e-12), c
        spent = MONEY * scales[c].sum()
        assert run.channels[:, c, CH_SPEND] == pytest.approx(spent, rel=1e-12)
        assert run.channels[:, c, CH_EXPOSURES] == pytest.approx(
            spent * EXPOSURES_PER_MONEY, rel=1e-12)


def test_the_last_weeks_stock_holds_the_money_spent_in_it() -> None:
    # retention 0: the stock at the horizon is the last week's own mean exposures, so
    # stock x 7 x market size = the exposures bought that week (the totals' last week)
    plan = _plan(retention=0.0)
    changes = ((17, 0, 0.0), (16, 1, 2.5))
    run = simulate(plan, 1, 7, controllers=(BatchedScaleChanges(changes),))
    bought = run.channels[0, :, CH_EXPOSURES] - 14 * MONEY * EXPOSURES_PER_MONEY
    assert run.adstock[0] * 7 * MARKET_SIZE == pytest.approx(bought, rel=1e-12)
    assert bought == pytest.approx(np.array([3, 2 + 5 * 2.5]) * MONEY * EXPOSURES_PER_MONEY)


def test_rules_pausing_and_shifting_mid_week_move_the_stocks_with_the_money() -> None:
    # day 10 (mid week 2): half of social's remaining money moved to search (social's
    # factor 0.5, search's 1.5); day 20 (mid week 3): social paused
    rules = """rules:
  review: {every_days: 10}
  when_then:
    - name: move
      when: "day == 10"
      then:
        - {shift_budget: {from: social, to: search, share: 50%}}
    - name: stop
      when: "day == 20"
      then:
        - {pause: {channel: social}}
"""
    run = simulate(_plan(rules=rules), 2, 7, controllers=(ReviewLoop(),))
    social, search = np.ones(DAYS), np.ones(DAYS)
    social[10:], search[10:] = 0.5, 1.5
    social[20:] = 0.0
    for c, scales in enumerate((social, search)):
        assert run.adstock[:, c] == pytest.approx(_stock(scales), rel=1e-12), c
        assert run.channels[:, c, CH_SPEND] == pytest.approx(MONEY * scales.sum(), rel=1e-12)


@settings(max_examples=200, deadline=None)
@given(step=st.integers(2, 9), day=st.integers(0, 40), horizon=st.integers(1, 40),
       change=st.floats(-3.0, 3.0), normalize=st.booleans())
def test_the_change_is_the_remaining_days_money_of_the_step(
        step: int, day: int, horizon: int, change: float, normalize: bool) -> None:
    spend = np.random.default_rng(step * 100 + day).uniform(0, 50, size=(1, horizon))
    chan_par = np.zeros((1, P.C_STEP_DAYS + 1))
    chan_par[0, P.C_STEP_DAYS], chan_par[0, P.C_EXPOSURE_PER_MONEY] = step, 2.0
    chan_par[0, P.C_THETA], chan_par[0, P.C_NORMALIZE] = 0.25, float(normalize)
    got = mid_step_change(chan_par, spend, 10.0, 0, day, change)
    first = day - day % step
    if day % step == 0 or day >= horizon:
        assert got == 0.0
        return
    length = min(first + step, horizon) - first
    want = change * spend[0, day:first + step].sum() / length * 2.0 / 10.0
    assert got == pytest.approx(want * (0.75 if normalize else 1.0), rel=1e-12, abs=1e-15)
    daily = chan_par.copy()
    daily[0, P.C_STEP_DAYS] = 1.0
    assert mid_step_change(daily, spend, 10.0, 0, day, change) == 0.0
