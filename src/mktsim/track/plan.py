"""The plan of a tracked year: the actual spend and prices up to the as-of day, the
strategy after it with the money left.

- Days before the as-of day follow the actuals (`mktsim.history.plan_with_actuals`): a
  period's spend spread evenly over its days, an empty spend cell and a channel without
  a `spend.` column at the strategy's daily rate, a product with a `price.` column at the
  actual price.
- From the as-of day on the strategy resumes: its flighting (the shape of its daily
  spend) is kept and scaled so that the whole year's media money is the strategy's
  budget; what was spent per the actuals counts against it (overspend leaves less,
  underspend more; never below zero). Its own price changes and promotions after the
  as-of day apply again, from the price the strategy had in force on that day.
- Rules review from the as-of day on only: what was decided before it is in the actuals.
- Another strategy may take over after the as-of day (`then`, as `--reoptimize` writes
  it): its spend shape, budget, events and rules from that day on; everything up to it
  (and the day-0 settings: prices, headcount) stays the tracked strategy's.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from ..history import History, plan_with_actuals
from ..model.compile import compile_plan
from ..model.plan import Event, Plan
from ..scenario.model import ScenarioSpec


def tracking_plan(spec: ScenarioSpec, strategy: str, actuals: History,
                  then: str | None = None) -> Plan:
    """The full-horizon plan that follows `actuals` to their end and `strategy` (or
    `then`) after."""
    plan = compile_plan(spec, strategy)
    after = compile_plan(spec, then) if then not in (None, strategy) else None
    return follow_then_resume(plan, actuals, after)


def follow_then_resume(plan: Plan, actuals: History, after: Plan | None = None) -> Plan:
    """`plan` (compiled over the whole horizon) with the actuals in before the as-of day
    and the remaining spend of `after` (default `plan`) rescaled to the money left of its
    budget (module docstring)."""
    day = actuals.days
    after = plan if after is None else after
    followed = plan_with_actuals(plan, actuals)
    spend = followed.spend.copy()
    spend[:, day:] = remaining_spend(after, followed.spend[:, :day].sum(), day)
    extra = followed.extra_spend.copy()
    extra[day:] = after.extra_spend[day:]
    events = _events(plan, followed, actuals, day, after)
    rules = after.rules
    if rules is not None:
        rules = dataclasses.replace(rules, review_days=tuple(d for d in rules.review_days
                                                             if d >= day))
    return dataclasses.replace(followed, spend=spend, extra_spend=extra, events=events,
                               rules=rules)


def remaining_spend(plan: Plan, spent: float, day: int) -> np.ndarray:
    """The strategy's daily spend from `day` on, scaled to `budget - spent` (money)."""
    rest = plan.spend[:, day:]
    planned = float(rest.sum())
    left = max(0.0, float(plan.spend.sum()) - spent)
    return rest * (left / planned) if planned > 0 else rest.copy()


def _events(plan: Plan, followed: Plan, actuals: History, day: int,
            then: Plan) -> tuple[Event, ...]:
    """Events before `day` as the actuals had them; `then`'s own from `day` on."""
    before = [e for e in followed.events if e.day < day]
    after = [e for e in then.events if e.day >= day]
    resume = []
    for name in actuals.price:
        resume += [Event(day, kind, name, value)
                   for kind, value in _in_force(then, name, day).items()]
    if not resume and plan.products and day < plan.horizon:
        resume = [_sync_event(followed, day)]
    return tuple(sorted(before + resume + after, key=lambda e: e.day))


def _sync_event(followed: Plan, day: int) -> Event:
    """A change that changes nothing on `day` (the first product's list price in force),
    so that the engine's spans, and the derived KPIs filled per span (LTV,
    satisfaction), end at the as-of day: the days before it do not depend on the plan
    after it, whichever plan takes over."""
    product = followed.products[0]
    return Event(day, "price", product, _in_force(followed, product, day)["price"])


def _in_force(plan: Plan, product: str, day: int) -> dict[str, float]:
    """The strategy's list price and discount of `product` on `day`."""
    state = {"price": float(plan.product_price[plan.products.index(product)]),
             "discount": 0.0}
    for e in plan.events:
        if e.day < day and e.target == product and e.kind in state:
            state[e.kind] = e.value
    return state
