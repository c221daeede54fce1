"""The levers of `track --reoptimize`: a vector of numbers <-> the strategy that takes
over after the as-of day.

A candidate is `x` = [weights of the free channels] + [a weight per remaining quarter, if
flighting is a lever] + [people hired on the as-of date for each team that is a lever]. A
remaining budget R (media money after the as-of day) turns the weights into money per
channel: the free channels share what the fixed channels (not levers: they keep their
planned remaining money) leave, projected onto each channel's bounds. The bounds of
`decision.levers` are on the year's money, so each channel's remaining bounds are the
year's bounds less what it spent before the as-of day. Nothing before the as-of day moves:
money spent is spent, and people can be hired from the as-of date on (the model has no
layoffs, so headcount only rises).
"""

from __future__ import annotations

import copy
import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..decision.levers import project_capped, scaled_flighting, shares_of, team_counts
from ..history import History
from ..model.compile import compile_plan, plan_dates
from ..scenario.decision import ChannelLever, DecisionSection
from ..simulate.strategy_run import LoadedScenario
from .plan import tracking_plan

REOPTIMIZED = "reoptimized"


@dataclass(frozen=True)
class RemainingSpace:
    """The search space after the as-of day of a tracked strategy."""

    tracked: str  # the tracked strategy
    base: dict[str, Any]  # its data, resolved
    scenario: LoadedScenario
    day: int  # the as-of day: first day after the actuals
    spent: dict[str, float]  # money per channel before the as-of day
    planned: dict[str, float]  # money per channel from the as-of day on, as planned
    reference: dict[str, float]  # the tracked strategy's year money per channel
    free: tuple[str, ...]
    channel_levers: dict[str, ChannelLever]
    budget_bounds: tuple[float, float]  # remaining media money
    quarters: tuple[float, float] | None
    open_quarters: tuple[int, ...]  # quarters (0-3 of the plan year) after the as-of day
    teams: tuple[str, ...]
    team_bounds: tuple[tuple[int, int], ...]  # people hired on the as-of date
    headcount: dict[str, int]  # people of each team on the as-of day, as planned
    team_cost_per_day: dict[str, float]
    days_left: int
    _shapes: dict[tuple[Any, ...], dict[str, float]] = field(default_factory=dict,
                                                                compare=False)

    @property
    def spent_total(self) -> float:
        """Media money spent before the as-of day."""
        return float(sum(self.spent.values()))

    @property
    def planned_total(self) -> float:
        """Media money planned from the as-of day on."""
        return float(sum(self.planned.values()))

    @property
    def fixed(self) -> dict[str, float]:
        """Remaining money of the channels that are not levers (kept)."""
        return {c: m for c, m in self.planned.items() if c not in self.free and m > 0}

    @property
    def dims(self) -> int:
        """Length of a candidate vector."""
        return len(self.free) + (len(self.open_quarters) if self.quarters else 0) \
            + len(self.teams)

    def bounds(self) -> list[tuple[float, float]]:
        """Box bounds of every coordinate."""
        out = [(0.0, 1.0)] * len(self.free)
        if self.quarters:
            out += [self.quarters] * len(self.open_quarters)
        out += [(float(lo), float(hi) + 0.999) for lo, hi in self.team_bounds]
        return out

    def x0(self) -> np.ndarray:
        """The plan as a candidate (clipped into the bounds)."""
        total = sum(self.planned.get(c, 0.0) for c in self.free) or 1.0
        w = [self.planned.get(c, 0.0) / total for c in self.free]
        if self.quarters:
            w += [min(max(1.0, self.quarters[0]), self.quarters[1])] * len(self.open_quarters)
        w += [float(lo) for lo, _ in self.team_bounds]
        lo, hi = np.array(self.bounds(), dtype=float).reshape(-1, 2).T
        return np.clip(np.array(w, dtype=float), lo, hi)

    def amount_bounds(self, channel: str, remaining: float) -> tuple[float, float]:
        """(lowest, highest) money of a free channel after the as-of day at `remaining`:
        the year's bounds less what the channel spent before it."""
        lever = self.channel_levers.get(channel, ChannelLever())
        year = self.spent_total + remaining
        done, ref = self.spent.get(channel, 0.0), self.reference.get(channel, 0.0)
        lows = [0.0, (lever.min_share or 0.0) * year - done, (lever.min_amount or 0.0) - done,
                (lever.min_relative or 0.0) * ref - done]
        highs = [remaining]
        if lever.max_share is not None:
            highs.append(lever.max_share * year - done)
        if lever.max_amount is not None:
            highs.append(lever.max_amount - done)
        if lever.max_relative is not None:
            highs.append(lever.max_relative * ref - done)
        high = max(0.0, min(highs))
        return min(max(lows), high), high

    def feasible(self, remaining: float) -> bool:
        """Whether the channel bounds can add up to `remaining`."""
        rest = remaining - sum(self.fixed.values())
        b = [self.amount_bounds(c, remaining) for c in self.free]
        return rest >= -1e-6 and sum(lo for lo, _ in b) <= rest + 1e-6 \
            and sum(hi for _, hi in b) >= rest - 1e-6

    def amounts(self, x: np.ndarray, remaining: float) -> dict[str, float]:
        """Money per channel after the as-of day (free channels inside their bounds)."""
        money = dict(self.fixed)
        if not self.free:
            return money
        rest = max(0.0, remaining - sum(self.fixed.values()))
        lows, highs = zip(*(self.amount_bounds(c, remaining) for c in self.free), strict=True)
        w = np.clip(np.asarray(x[: len(self.free)], dtype=float), 0.0, None)
        v = (w / w.sum() if w.sum() > 0 else np.full(len(w), 1.0 / len(w))) * rest
        money.update(zip(self.free, project_capped(v, np.array(lows), np.array(highs), rest),
                         strict=True))
        return money

    def quarter_weights(self, x: np.ndarray) -> list[float] | None:
        """The four quarters' multipliers (1 for quarters before the as-of day)."""
        if not self.quarters:
            return None
        q = [1.0] * 4
        start = len(self.free)
        for i, quarter in enumerate(self.open_quarters):
            q[quarter] = round(float(x[start + i]), 4)
        return q

    def hires(self, x: np.ndarray) -> dict[str, int]:
        """People hired on the as-of date by lever team."""
        start = len(self.free) + (len(self.open_quarters) if self.quarters else 0)
        return team_counts(x, start, self.teams, self.team_bounds)

    def team_cost(self, x: np.ndarray) -> float:
        """Salary of the people hired on the as-of date, to the horizon (money)."""
        return sum(n * self.team_cost_per_day[t] * self.days_left
                   for t, n in self.hires(x).items())

    def strategy(self, x: np.ndarray, remaining: float) -> dict[str, Any]:
        """The candidate as strategy data: tracked with the tracked strategy before the
        as-of day (`then`), it spends `amounts(x, remaining)` per channel after it."""
        data = {k: copy.deepcopy(v) for k, v in self.base.items() if k != "extends"}
        q = self.quarter_weights(x)
        if q is not None:
            data["flighting"] = scaled_flighting(self.base.get("flighting"), q)
        share_after = self.shape(data)
        money = {c: m for c, m in self.amounts(x, remaining).items() if m > 0}
        weights = {c: m / share_after[c] for c, m in money.items() if share_after.get(c, 0) > 0}
        total = sum(weights.values())
        data["budget"] = round(self.spent_total + remaining, 2)
        if total > 0:
            data["allocation"] = fine_shares(weights)
        hires = [{"team": t, "count": n, "on": self.hire_date.isoformat()}
                 for t, n in self.hires(x).items() if n > 0]
        if hires:
            data["hires"] = [*(data.get("hires") or []), *hires]
        data["description"] = (f"Re-optimised by mktsim track --reoptimize from "
                               f"'{self.tracked}' for the days from {self.hire_date} on; "
                               f"track it with --strategy {self.tracked} --then {REOPTIMIZED}.")
        return data

    @property
    def hire_date(self) -> dt.date:
        """The as-of date's next day: the first day the new plan runs."""
        return self.scenario.spec.start_date + dt.timedelta(days=self.day)

    def shape(self, data: dict[str, Any]) -> dict[str, float]:
        """Per channel, the share of its money that the strategy `data`'s flighting and
        windows put on or after the as-of day (0: it cannot spend then)."""
        flight = data.get("flighting") or {}
        key = (tuple(flight.get("weights") or ()),
               tuple(sorted((c, tuple(w)) for c, w in (flight.get("by_month") or {}).items())))
        if key not in self._shapes:
            channels = list(self.scenario.spec.channels)
            probe = {**data, "budget": 1.0, "allocation": shares_of(
                {c: 1.0 for c in channels}, float(len(channels)))}
            spec = self.scenario.with_values({f"strategies.{REOPTIMIZED}": probe}).spec
            spend = compile_plan(spec, REOPTIMIZED).spend
            totals = spend.sum(axis=1)
            after = spend[:, self.day:].sum(axis=1)
            self._shapes[key] = {c: float(after[i] / totals[i]) if totals[i] > 0 else 0.0
                                 for i, c in enumerate(channels)}
        return self._shapes[key]


def fine_shares(weights: dict[str, float], digits: int = 10) -> dict[str, float]:
    """Shares proportional to `weights`, rounded to `digits` and adding up to exactly 1
    (finer than optimize's: the shares carry a whole year's budget to half of it)."""
    total = sum(weights.values())
    shares = {c: round(w / total, digits) for c, w in weights.items()}
    largest = max(shares, key=lambda c: shares[c])
    shares[largest] = round(shares[largest] + 1.0 - sum(shares.values()), digits)
    return shares


def remaining_space(scenario: LoadedScenario, strategy: str, actuals: History
                    ) -> RemainingSpace:
    """The levers of the scenario's `decision:` section (defaults when it has none) after
    the as-of day of `strategy` tracked against `actuals`."""
    spec = scenario.spec
    decision = spec.decision or DecisionSection()
    plan = tracking_plan(spec, strategy, actuals)
    day = actuals.days
    channels = plan.channels
    spent = {c: float(plan.spend[i, :day].sum()) for i, c in enumerate(channels)}
    planned = {c: float(plan.spend[i, day:].sum()) for i, c in enumerate(channels)}
    strat = spec.strategies[strategy]
    year = float(strat.budget or 0.0)
    reference = {c: year * s for c, s in (strat.allocation or {}).items()}
    levers = decision.levers
    base = copy.deepcopy(scenario.loaded.data["strategies"][strategy])
    space = RemainingSpace(
        strategy, base, scenario, day, spent, planned, reference, (), dict(levers.channels),
        (0.0, 0.0), None, (), (), (), {}, {}, spec.horizon_days - day)
    shape = space.shape(base)
    wanted = tuple(levers.channels) or tuple(c for c in channels if planned[c] > 0)
    free = tuple(c for c in wanted if shape.get(c, 0.0) > 0)
    spent_total = sum(spent.values())
    lo_y = levers.budget.min if levers.budget and levers.budget.min is not None else 0.25 * year
    hi_y = levers.budget.max if levers.budget and levers.budget.max is not None else 3.0 * year
    fixed = sum(m for c, m in planned.items() if c not in free)
    lo = max(0.0, fixed, lo_y - spent_total)
    hi = max(lo, hi_y - spent_total)
    headcount = _headcount_on(plan, day)
    teams = tuple(t for t, h in levers.headcount.items() if h.max > headcount[t])
    bounds = tuple((0, levers.headcount[t].max - headcount[t]) for t in teams)
    dates = plan_dates(spec)[day:]
    open_q = tuple(sorted({((d.year - spec.start_date.year) * 12 + d.month
                            - spec.start_date.month) // 3 % 4 for d in dates}))
    quarters = ((levers.flighting.min, levers.flighting.max)
                if levers.flighting and levers.flighting.by == "quarter" else None)
    return RemainingSpace(
        strategy, base, scenario, day, spent, planned, reference, free,
        dict(levers.channels), (lo, hi), quarters, open_q, teams, bounds, headcount,
        {t: spec.teams[t].cost_per_person_per_month * 12.0 / 365.0 for t in spec.teams},
        spec.horizon_days - day, space._shapes)


def _headcount_on(plan: Any, day: int) -> dict[str, int]:
    """People of each team on `day` as planned: day-0 headcount plus hires before it
    (attrition is random and replaced, so it is left out)."""
    heads = {t: int(plan.team_headcount[i]) for i, t in enumerate(plan.teams)}
    for e in plan.events:
        if e.kind == "hire" and e.day < day:
            heads[e.target] += int(e.value)
    return heads
