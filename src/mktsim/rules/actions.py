"""The actions of the review loop, acting on a running replication through its controls
(`engine.controls.Controls`), with their guardrails.

Money: a strategy's budget is spread over channels and days in `plan.spend`; the engine
spends `plan.spend[c, d] * chan_scale[c]`. An action only ever changes FUTURE money:
- shift_budget moves an amount of the source channel's remaining planned money to the
  destination by rescaling both channels' remaining spend (total unchanged);
- pause sets a channel's scale to 0 (the money is saved, not spent elsewhere); resume
  restores it;
- research studies (scheduled or commissioned by a rule) and rule-started training are
  paid out of the remaining planned money of all running channels (in proportion), and
  are not bought when too little is left.
So media money + these costs never exceed the strategy's budget.

Prices: every list price a rule sets is clamped into `price_bounds`, and a promotion's
depth is capped so that the price paid stays at or above the lower bound; a rule's
promotion never makes a deeper promotion that is running shallower.

Each action returns (status, resolved arguments); status is "done" or "skipped: why".
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from ..model.reused import Reused
from .compiled import CompiledRules, Study

if TYPE_CHECKING:
    from ..engine.controls import Controls

Result = tuple[str, dict[str, Any]]
DONE = "done"
#: the statuses of a research action skipped (the batch's reviews write them too, and the
#: tally of the decisions reads them): not paid for, or a study as large already running
NO_BUDGET = "skipped: not enough budget left"
STUDY_RUNNING = "skipped: a study of {measure} at least as large is running"


MAX_TEAM = 100_000  # people on one team, as in the scenario schema


class Actions:
    """Carries out actions on one replication."""

    def __init__(self, rep: Controls, rules: CompiledRules) -> None:
        self.rep, self.rules = rep, rules
        self._planned_left: np.ndarray | None = None
        self.paused: dict[int, float] = {}
        self._promo_token = 0

    @property
    def planned_left(self) -> np.ndarray:
        """Planned money of each channel from each day on, [C, D + 1] (before scaling),
        made when first read (a batch's reviews read it for all their rows at once,
        `batch_review._money_left`)."""
        if self._planned_left is None:
            spend = self.rep.plan.spend
            self._planned_left = _PLANNED_LEFT((spend,), (), lambda: planned_left(spend))
        return self._planned_left

    def planned_left_if_made(self) -> np.ndarray | None:
        """`planned_left` if made already, else None (nothing is computed)."""
        return self._planned_left

    def share_planned_left(self, row: np.ndarray) -> None:
        """Read `planned_left` from `row` (the same numbers, computed for a batch's rows
        at once), unless already made."""
        if self._planned_left is None:
            row = row.view()
            row.flags.writeable = False
            self._planned_left = row

    # --- money -----------------------------------------------------------------------
    def remaining(self, c: int, day: int) -> float:
        """Planned money of channel c from `day` on, at its current scale."""
        day = min(max(day, 0), self.planned_left.shape[1] - 1)
        return float(self.planned_left[c, day] * self.rep.channel_scale(c))

    def remaining_all(self, day: int) -> np.ndarray:
        """Planned money of every channel from `day` on, at its current scale, [C]."""
        day = min(max(day, 0), self.planned_left.shape[1] - 1)
        return self.planned_left[:, day] * self.rep.channel_scales()

    def budget_left(self, day: int) -> float:
        """Planned money of all channels from `day` on."""
        return float(self.remaining_all(day).sum())

    def pay(self, day: int, cost: float) -> bool:
        """Take `cost` out of the remaining planned money and book it on `day`."""
        if cost <= 0:
            return True
        left = self.budget_left(day)
        if cost > left:
            return False
        for c in range(len(self.rep.plan.channels)):
            self.rep.scale_channel(c, 1.0 - cost / left)
        self.rep.book_cost(day, cost)
        return True

    def shift_budget(self, day: int, a: dict[str, Any]) -> Result:
        """Move future money from one channel to another."""
        return shift_money(self, a, self.rep.plan.channels, lambda c: self.remaining(c, day))

    def pause(self, day: int, a: dict[str, Any]) -> Result:
        """Stop a channel's spend."""
        c = self.rep.plan.channels.index(a["channel"])
        if c in self.paused:
            return "skipped: already paused", a
        self.paused[c] = self.rep.channel_scale(c)
        self.rep.set_channel_scale(c, 0.0)
        return DONE, {**a, "saved": self.paused[c] * float(self.planned_left[c, day])}

    def resume(self, day: int, a: dict[str, Any]) -> Result:
        """Restart a paused channel at its former scale."""
        c = self.rep.plan.channels.index(a["channel"])
        if c not in self.paused:
            return "skipped: not paused", a
        self.rep.set_channel_scale(c, self.paused.pop(c))
        return DONE, a

    # --- price -----------------------------------------------------------------------
    def _set_list_price(self, product: str, price: float, a: dict[str, Any]) -> Result:
        bounds = self.rules.bounds(product)
        if bounds is None:
            return "skipped: no price_bounds for the product", a
        if not math.isfinite(price):
            return "skipped: price is not a number", a
        i = self.rep.plan.products.index(product)
        new = clamp(price, *bounds)
        self.rep.set_list_price(i, new)
        # a running promotion must not take the price paid below the lower bound
        self.rep.set_discount(i, min(self.rep.discount(i), max(0.0, 1.0 - bounds[0] / new)))
        return DONE, {**a, "price": new}

    def set_price(self, day: int, a: dict[str, Any]) -> Result:
        """A new list price, inside the bounds."""
        return self._set_list_price(a["product"], a["price"], a)

    def change_price(self, day: int, a: dict[str, Any]) -> Result:
        """List price x (1 + by), inside the bounds."""
        i = self.rep.plan.products.index(a["product"])
        return self._set_list_price(a["product"],
                                    self.rep.list_price(i) * (1.0 + a["by"]), a)

    def promotion(self, day: int, a: dict[str, Any]) -> Result:
        """A discount for some days; the price paid stays above the lower bound."""
        product = a["product"]
        bounds = self.rules.bounds(product)
        if bounds is None:
            return "skipped: no price_bounds for the product", a
        i = self.rep.plan.products.index(product)
        list_price = self.rep.list_price(i)
        depth = min(clamp(a["depth"], 0.0, 1.0), max(0.0, 1.0 - bounds[0] / list_price))
        days = max(1, round(a["days"]))
        if depth <= 0:
            return "skipped: no room below the price bounds", a
        if self.rep.discount(i) >= depth:
            return "skipped: a promotion at least as deep is running", a
        self.rep.set_discount(i, depth)
        self._promo_token += 1
        self.rep.at(day + days, lambda: self._end_promotion(i, depth))
        return DONE, {**a, "depth": depth, "days": days}

    def _end_promotion(self, i: int, depth: float) -> None:
        """End the promotion unless a deeper one replaced it."""
        if self.rep.discount(i) == depth:
            self.rep.set_discount(i, 0.0)
            self.rep.refresh()

    # --- people ----------------------------------------------------------------------
    def hire(self, day: int, a: dict[str, Any]) -> Result:
        """People join the team after its hiring delay."""
        t = self.rep.plan.teams.index(a["team"])
        count = round(a["count"])
        if count < 1:
            return "skipped: nobody to hire", a
        if count + self.rep.headcount(t) > MAX_TEAM:
            return f"skipped: a team of more than {MAX_TEAM:,} people", a
        delay = float(self.rep.plan.team_hiring_delay[t])
        arrival = day + max(1, math.ceil(delay))
        self.rep.at(arrival, lambda: self._arrive(t, count, arrival))
        return DONE, {**a, "count": count}

    def _arrive(self, t: int, count: int, day: int) -> None:
        """The hired people join."""
        self.rep.hire(t, count, float(day))
        self.rep.refresh()

    def train(self, day: int, a: dict[str, Any]) -> Result:
        """Raise the team's skill ceiling; the cost comes out of the budget left."""
        t = self.rep.plan.teams.index(a["team"])
        if not self.pay(day, float(a.get("cost", 0.0))):
            return NO_BUDGET, a
        self.rep.train(t, clamp(a["skill_gain"], 0.0, 1.0), float(day))
        return DONE, a

    # --- information ----------------------------------------------------------------
    def research(self, day: int, a: dict[str, Any]) -> Result:
        """Commission a study from today: a larger survey sample for one measure; its cost
        comes out of the budget left."""
        measure, size = str(a["measure"]), round(a["sample_size"])
        days = max(1, round(a["days"]))
        if study_running(self.rules, measure, day, size):
            return STUDY_RUNNING.format(measure=measure), a
        cost = float(a.get("cost", 0.0))
        if not self.pay(day, cost):
            return NO_BUDGET, a
        # the review that acted takes up the new rules (`Review.act`)
        self.rules = commissioned(self.rules, measure, day, days, size, cost)
        return DONE, {**a, "sample_size": size, "days": days}

    def handler(self, kind: str) -> Callable[[int, dict[str, Any]], Result]:
        """The method carrying out an action kind."""
        method: Callable[[int, dict[str, Any]], Result] = getattr(self, kind)
        return method


def study_running(rules: CompiledRules, measure: str, day: int, size: int) -> bool:
    """Whether a study of `measure` at least `size` large runs on `day`."""
    return any(s.measure == measure and s.start <= day < s.end and s.sample_size >= size
               for s in rules.info.studies)


def commissioned(rules: CompiledRules, measure: str, day: int, days: int, size: int,
                 cost: float) -> CompiledRules:
    """`rules` with a study a rule commissioned on `day`; replications that commission the
    same study on the same day share them (`_COMMISSIONED`)."""
    from dataclasses import replace

    def made() -> CompiledRules:
        info = rules.info
        study = Study(measure, day, day + days, size, cost)
        return replace(rules, info=replace(info, studies=(*info.studies, study)))
    return _COMMISSIONED((rules,), (measure, day, days, size, cost), made)


def planned_left(spend: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """Planned money of each channel from each day on, [C, D + 1] (read only), from the
    plan's spend [C, D]; written into `out` [C, D + 1] when given (left writable: a
    batch's stacked copy, `batch_review._planned_stack`), the same numbers (the sums run
    from the last day back, one day at a time)."""
    left = np.empty((spend.shape[0], spend.shape[1] + 1)) if out is None else out
    left[:, -1] = 0.0
    np.cumsum(spend[:, ::-1], axis=1, out=left[:, -2::-1])
    if out is None:
        left.flags.writeable = False
    return left


#: `planned_left` by the identity of a plan's spend (the replications of a plan share it)
_PLANNED_LEFT = Reused(64)
#: the rules with a study a rule commissioned, by the identity of the rules before and the
#: study's measure, first day, days, sample size and cost (frozen: shared, never changed)
_COMMISSIONED = Reused(256)


def clamp(value: float, low: float, high: float) -> float:
    """`value` within [low, high]; `low` when it is not a finite number."""
    if not math.isfinite(value):
        return low
    return float(min(max(value, low), high))


__all__ = ["DONE", "Actions", "clamp"]


def shift_money(actions: Actions, a: dict[str, Any], channels: Sequence[str],
                money_left: Callable[[int], float]) -> Result:
    """`Actions.shift_budget` given how much money channel c has left from the day on
    (`money_left(c)`, as `Actions.remaining` reads it; a batch reads it for all its
    replications at once): the two channels' scales changed, the decision's status and the
    settings used."""
    src, dst = a["from"], a["to"]
    if dst not in channels:
        return "skipped: no destination channel", a
    if dst == src:
        return "skipped: source and destination are the same", a
    s, t = channels.index(src), channels.index(dst)
    if t in actions.paused:
        return "skipped: destination is paused", a
    have, base = money_left(s), money_left(t)
    if have <= 0:
        return "skipped: nothing left to move", a
    if base <= 0:
        return "skipped: destination has no planned spend left", a
    amount = have * clamp(a["share"], 0.0, 1.0) if "share" in a else min(a["amount"], have)
    if not amount > 0:
        return "skipped: nothing to move", a
    actions.rep.scale_channel(s, (have - amount) / have)
    actions.rep.scale_channel(t, (base + amount) / base)
    return DONE, {**a, "amount": amount}
