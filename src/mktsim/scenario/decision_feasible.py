"""Whether any plan can meet the `decision:` section's bounds and constraints together.

The money per moved channel and the budget are the unknowns; every bound is linear in
them (a share of the budget, an amount, a multiple of the reference's money, committed
money, a group's share), so feasibility is a linear programme (scipy's `linprog`). A set
that no plan can meet is refused before the search, naming the family of constraints
without which a plan exists.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from .decision import DecisionSection
    from .model import ScenarioSpec

FAMILIES = ("groups", "committed", "max_change", "monthly_cap", "channel bounds")


@dataclass
class Rows:
    """Inequalities A [a, B] <= b of the linear programme, by family."""

    n: int
    rows: dict[str, list[tuple[np.ndarray, float]]] = field(default_factory=dict)

    def add(self, family: str, coef: dict[int, float], bound: float) -> None:
        """sum coef[i] x[i] <= bound (index n is the budget)."""
        row = np.zeros(self.n + 1)
        for i, c in coef.items():
            row[i] += c
        self.rows.setdefault(family, []).append((row, bound))


def infeasible_reason(spec: ScenarioSpec, budget: tuple[float, float] | None = None
                      ) -> str | None:
    """None when some plan meets every bound and constraint of `spec.decision` at a
    budget within `budget` (default: the budget lever's range); else why not."""
    d = spec.decision
    if d is None:
        return None
    setup = _setup(spec, d, budget)
    if setup is None:
        return None
    rows, eq, bounds = setup
    if _solvable(rows, eq, bounds, ()):
        return None
    for family in FAMILIES:
        if family in rows.rows and _solvable(rows, eq, bounds, (family,)):
            if family == "monthly_cap":
                return _cap_reason(spec, rows, eq, bounds)
            return (f"no plan meets every constraint: without the {family} constraints a "
                    f"plan would exist, so they conflict with the other bounds")
    return "no plan meets the channel bounds and constraints together"


def _setup(spec: ScenarioSpec, d: DecisionSection, budget: tuple[float, float] | None
           ) -> tuple[Rows, np.ndarray, list[tuple[float, float]]] | None:
    reference = d.reference or next(iter(spec.strategies))
    strat = spec.strategies.get(reference)
    if strat is None or not strat.budget or not strat.allocation:
        return None
    alloc = dict(strat.allocation)
    ref_b = float(strat.budget)
    free = list(d.levers.channels) or [c for c in spec.channels if c in alloc]
    fixed = {c: s for c, s in alloc.items() if c not in free}
    n = len(free)
    rows = Rows(n)
    lo_b, hi_b = _budget_range(d, ref_b, budget)
    _channel_rows(rows, d, free, {c: ref_b * s for c, s in alloc.items()})
    _commit_rows(rows, spec, d, free, fixed, strat)
    _group_rows(rows, d, free, fixed)
    if d.constraints.monthly_cap is not None:
        _cap_rows(rows, spec, strat, free, fixed, d.constraints.monthly_cap)
    eq = np.append(np.ones(n), -(1.0 - sum(fixed.values())))
    return rows, eq, [(0.0, None)] * n + [(lo_b, hi_b)]  # type: ignore[list-item]


def _budget_range(d: DecisionSection, ref_b: float, budget: tuple[float, float] | None
                  ) -> tuple[float, float]:
    if budget is not None:
        return budget
    lever = d.levers.budget
    lo = lever.min if lever and lever.min is not None else 0.25 * ref_b
    hi = lever.max if lever and lever.max is not None else 3.0 * ref_b
    return lo, hi


def _channel_rows(rows: Rows, d: DecisionSection, free: list[str],
                  ref: dict[str, float]) -> None:
    n = rows.n
    for i, c in enumerate(free):
        lever = d.levers.channels.get(c)
        r = ref.get(c, 0.0)
        if lever is not None:
            if lever.min_share is not None:
                rows.add("channel bounds", {i: -1.0, n: lever.min_share}, 0.0)
            if lever.max_share is not None:
                rows.add("channel bounds", {i: 1.0, n: -lever.max_share}, 0.0)
            if lever.min_amount is not None:
                rows.add("channel bounds", {i: -1.0}, -lever.min_amount)
            if lever.max_amount is not None:
                rows.add("channel bounds", {i: 1.0}, lever.max_amount)
            if lever.min_relative is not None:
                rows.add("channel bounds", {i: -1.0}, -lever.min_relative * r)
            if lever.max_relative is not None:
                rows.add("channel bounds", {i: 1.0}, lever.max_relative * r)
        m = d.constraints.max_change
        if m is not None:
            rows.add("max_change", {i: -1.0}, -(1.0 - m) * r)
            rows.add("max_change", {i: 1.0}, (1.0 + m) * r)


def _commit_rows(rows: Rows, spec: ScenarioSpec, d: DecisionSection, free: list[str],
                 fixed: dict[str, float], strat: object) -> None:
    for c in d.constraints.committed:
        share = channel_month_share(spec, strat, c.channel)
        part = 1.0 if not c.months else float(share[[m - 1 for m in c.months]].sum())
        if c.channel in free:
            rows.add("committed", {free.index(c.channel): -part}, -c.amount)
        elif c.channel in fixed:
            rows.add("committed", {rows.n: -fixed[c.channel] * part}, -c.amount)
        else:
            rows.add("committed", {}, -c.amount)  # a channel without money: impossible


def _group_rows(rows: Rows, d: DecisionSection, free: list[str],
                fixed: dict[str, float]) -> None:
    n = rows.n
    for g in d.constraints.groups.values():
        members = {free.index(c): 1.0 for c in g.channels if c in free}
        held = sum(fixed.get(c, 0.0) for c in g.channels)
        if g.max_share is not None:
            rows.add("groups", {**members, n: held - g.max_share}, 0.0)
        if g.min_share is not None:
            rows.add("groups", {**{i: -v for i, v in members.items()},
                                n: g.min_share - held}, 0.0)


def month_days(start: dt.date, horizon: int) -> np.ndarray:
    """Days [12] of each month of the plan (1 = the start's month) within the horizon."""
    days = np.zeros(12)
    for d in range(horizon):
        day = start + dt.timedelta(days=d)
        since = (day.year - start.year) * 12 + day.month - start.month
        days[since % 12] += 1
    return days


def month_fractions(days: np.ndarray, weights: list[float] | None, by: str = "month"
                    ) -> np.ndarray:
    """Share [12] of a channel's money in each month of the plan under a flighting
    (None: even), ignoring on-air windows."""
    if weights is None:
        w = np.ones(12)
    elif by == "month":
        w = np.asarray(weights, dtype=float)
    else:
        w = np.repeat(np.asarray(weights, dtype=float), 3)
    money = days * w
    return money / money.sum() if money.sum() > 0 else np.full(12, 1.0 / 12)


def on_air_days(spec: ScenarioSpec, windows: list[object] | None) -> np.ndarray:
    """Days [12] of each month of the plan on which a channel with these on-air `windows`
    (None: every day) spends, within the horizon (as the compiled plan spends)."""
    if not windows:
        return month_days(spec.start_date, spec.horizon_days)
    on = np.zeros(spec.horizon_days, dtype=bool)
    for w in windows:
        first = spec.day_of(w.start)  # type: ignore[attr-defined]
        on[max(first, 0): max(first + w.days, 0)] = True  # type: ignore[attr-defined]
    days = np.zeros(12)
    for d in np.flatnonzero(on):
        day = spec.start_date + dt.timedelta(days=int(d))
        days[((day.year - spec.start_date.year) * 12 + day.month
              - spec.start_date.month) % 12] += 1
    return days


def plan_month_weights(flight: object | None) -> np.ndarray:
    """Weights [12] by month of the plan of a strategy's plan-wide flighting (1: none)."""
    weights = getattr(flight, "weights", None)
    if weights is None:
        return np.ones(12)
    w = np.asarray(weights, dtype=float)
    return w if getattr(flight, "by", "month") == "month" else np.repeat(w, 3)


def channel_month_share(spec: ScenarioSpec, strat: object, channel: str) -> np.ndarray:
    """Share [12] of a channel's money spent in each month of the plan: its on-air days
    in the month times the month's weights (the plan's and the channel's own), as the
    compiled plan spends it (model/compile.py)."""
    flight = getattr(strat, "flighting", None)
    windows = (getattr(strat, "windows", None) or {}).get(channel)
    own = (getattr(flight, "by_month", None) or {}).get(channel)
    money = on_air_days(spec, windows) * plan_month_weights(flight)
    if own is not None:
        money = money * np.asarray(own, dtype=float)
    return money / money.sum() if money.sum() > 0 else np.zeros(12)


def _cap_rows(rows: Rows, spec: ScenarioSpec, strat: object, free: list[str],
              fixed: dict[str, float], cap: float) -> None:
    """Money of every month of the plan at most `cap`: each channel's money in a month is
    its money times its share in that month (on-air windows and the reference's
    flighting), so a channel on air in a few months puts all its money in them."""
    shares = {c: channel_month_share(spec, strat, c) for c in [*free, *fixed]}
    for m in range(12):
        coef = {i: float(shares[c][m]) for i, c in enumerate(free)}
        coef[rows.n] = sum(f * float(shares[c][m]) for c, f in fixed.items())
        rows.add("monthly_cap", coef, cap)


def highest_budget(spec: ScenarioSpec, budget: tuple[float, float]) -> float | None:
    """The largest budget within `budget` at which some plan meets every bound and
    constraint of `spec.decision` (None: no decision section or no such plan)."""
    d = spec.decision
    setup = None if d is None else _setup(spec, d, budget)
    if setup is None:
        return None
    from scipy.optimize import linprog

    rows, eq, bounds = setup
    kept = [r for rs in rows.rows.values() for r in rs]
    scale = max(abs(b) for _, b in bounds if b is not None) or 1.0
    cost = np.zeros(rows.n + 1)
    cost[-1] = -1.0
    res = linprog(cost, A_ub=np.array([r for r, _ in kept]) if kept else None,
                  b_ub=np.array([b for _, b in kept]) / scale if kept else None,
                  A_eq=eq[None, :], b_eq=np.zeros(1),
                  bounds=[(lo / scale, None if hi is None else hi / scale)
                          for lo, hi in bounds], method="highs")
    return float(res.x[-1] * scale) if res.status == 0 else None


def _cap_reason(spec: ScenarioSpec, rows: Rows, eq: np.ndarray,
                bounds: list[tuple[float, float]]) -> str:
    """Why the monthly cap cannot hold: the least money any plan must spend in its busiest
    month (a linear programme over the other constraints), and which month that is."""
    from scipy.optimize import linprog

    from ..i18n import _

    cap_rows = rows.rows["monthly_cap"]
    others = [r for fam, rs in rows.rows.items() if fam != "monthly_cap" for r in rs]
    scale = max(abs(b) for _b, b in bounds if b is not None) or 1.0
    a_ub = [np.append(r, 0.0) for r, _b in others] + [np.append(r, -1.0) for r, _b in cap_rows]
    b_ub = [b / scale for _r, b in others] + [0.0] * len(cap_rows)
    cost = np.zeros(rows.n + 2)
    cost[-1] = 1.0
    res = linprog(cost, A_ub=np.array(a_ub), b_ub=np.array(b_ub),
                  A_eq=np.append(eq, 0.0)[None, :], b_eq=np.zeros(1),
                  bounds=[(lo / scale, None if hi is None else hi / scale)
                          for lo, hi in bounds] + [(0.0, None)], method="highs")
    cap = cap_rows[0][1]
    if res.status != 0:  # pragma: no cover - the other constraints were solvable
        return _("no plan keeps every month under the monthly cap")
    money = [float(r @ res.x[:-1]) * scale for r, _b in cap_rows]
    month = int(np.argmax(money)) + 1
    return _("the monthly cap {cap:,.0f} is below the least money a plan must spend in its "
             "busiest month (month {month} of the plan: {least:,.0f}); channels on air in "
             "only some months (windows) put all their money in those months").format(
                 cap=cap, month=month, least=max(money))


def _solvable(rows: Rows, eq: np.ndarray, bounds: list[tuple[float, float]],
              without: tuple[str, ...]) -> bool:
    from scipy.optimize import linprog

    kept = [r for fam, rs in rows.rows.items() if fam not in without for r in rs]
    a_ub = np.array([r for r, _ in kept]) if kept else None
    b_ub = np.array([b for _, b in kept]) if kept else None
    scale = max(abs(b) for _, b in bounds if b is not None) or 1.0
    res = linprog(np.zeros(rows.n + 1), A_ub=None if a_ub is None else a_ub,
                  b_ub=None if b_ub is None else b_ub / scale, A_eq=eq[None, :],
                  b_eq=np.zeros(1),
                  bounds=[(lo / scale, None if hi is None else hi / scale)
                          for lo, hi in bounds], method="highs")
    return bool(res.status == 0)
