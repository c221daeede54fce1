"""The plan of the history window: the scenario from the history's first date, with the
money actually spent and the prices actually charged in place of the strategy's plan."""

from __future__ import annotations

import dataclasses

import numpy as np

from ..model.compile import compile_plan
from ..model.demand import follow_drivers
from ..model.plan import Event, Plan
from ..scenario.model import ScenarioSpec
from .model import History


def window_spec(spec: ScenarioSpec, history: History) -> ScenarioSpec:
    """The scenario moved onto the history window: day 0 is the history's first date and
    the horizon ends with its last period. Dated events keep their calendar dates: those
    before the window apply from day 0, those after it never happen."""
    return spec.model_copy(update={"start_date": history.start,
                                   "horizon_days": history.days})


def history_plan(spec: ScenarioSpec, strategy: str, history: History) -> Plan:
    """Compile `strategy` over the history window and put the actuals in (see
    `plan_with_actuals`). An empty spend cell of a history is no money spent that
    period (a spreadsheet leaves the weeks without a campaign empty), as the draft of
    `init from-history` reads it."""
    plan = compile_plan(window_spec(spec, history), strategy)
    return plan_with_actuals(plan, spent(history), spec.horizon_days)


def spent(history: History) -> History:
    """`history` with its empty spend cells read as 0 (money)."""
    if not any(np.isnan(v).any() for v in history.spend.values()):
        return history
    return dataclasses.replace(history, spend={c: np.nan_to_num(v, nan=0.0)
                                               for c, v in history.spend.items()})


def plan_with_actuals(plan: Plan, history: History, plan_days: int | None = None) -> Plan:
    """`plan` (compiled over the window) with each channel's spend and each product's price
    following the history's `spend.<channel>` and `price.<product>` columns.

    A period's spend is spread evenly over its days; a missing (NaN) amount keeps the
    plan's spend for that period: an empty cell of `mktsim track`'s actuals leaves the
    strategy's spend standing, while `history_plan` first reads a history's empty spend
    cells as 0 (`spent`), so there no money was spent. A channel without a column keeps
    the strategy's plan at its daily rate (`plan_days`: the scenario's own horizon, over
    which the budget is spread). A product with a price column is sold at that price from
    each period's first day; the strategy's own price changes and discounts of that
    product are dropped. A `control.<name>` or `event.<name>` column replaces that demand
    driver's path on every day of each period with a value (the daily `season` is
    rebuilt from them)."""
    spend = plan.spend.copy()
    if plan_days:
        free = [i for i, c in enumerate(plan.channels) if c not in history.spend]
        spend[free] *= plan.horizon / plan_days
    for name, amounts in history.spend.items():
        row = plan.channels.index(name)
        for first, days, amount in zip(history.first_days, history.period_days, amounts,
                                       strict=True):
            if np.isfinite(amount):
                spend[row, first:first + days] = amount / days
    return _with_drivers(_with_prices(dataclasses.replace(plan, spend=spend), history),
                         history)


def _with_drivers(plan: Plan, history: History) -> Plan:
    if plan.demand is None or not (history.controls or history.events):
        return plan
    drivers = follow_drivers(plan.demand, history)
    return dataclasses.replace(plan, demand=drivers, season=drivers.season())


def _with_prices(plan: Plan, history: History) -> Plan:
    if not history.price:
        return plan
    price = plan.product_price.copy()
    events = [e for e in plan.events
              if not (e.kind in ("price", "discount") and e.target in history.price)]
    for name, values in history.price.items():
        given = np.flatnonzero(np.isfinite(values))
        if given.size and given[0] == 0:
            price[plan.products.index(name)] = values[0]
        events += [Event(int(history.first_days[i]), "price", name, float(values[i]))
                   for i in given if i > 0]
    events.sort(key=lambda e: e.day)
    return dataclasses.replace(plan, product_price=price, events=tuple(events))
