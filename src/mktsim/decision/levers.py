"""The levers of `optimize`: a vector of numbers <-> a strategy of the scenario.

A candidate is `x` = [weights of the free channels] + [4 quarter weights, or the 5
coordinates of a month flighting, or 3 per free channel for a month flighting per channel
(decision/flighting.py), if flighting is a lever] + [headcount of each team that is a
lever]. A budget B turns the weights into money
per channel: the free channels share what the fixed channels leave, projected onto each
channel's bounds so that the money adds up to B exactly.
"""

from __future__ import annotations

import copy
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..model.response import daily_retention, step_retention
from ..scenario.decision import ChannelLever, DecisionSection
from ..scenario.decision_feasible import channel_month_share, highest_budget, on_air_days
from ..scenario.errors import Problem, ScenarioError
from ..scenario.load import LoadedSpec
from .constraints import (
    GroupRule,
    capped_weights,
    group_rules,
    keep_groups,
    keep_monthly_cap,
    month_days,
)
from .flighting import (
    CHANNEL_DIMS,
    MONTH_DIMS,
    MonthFlighting,
    carried_pressure,
    initial_adstock,
    plan_season,
)

#: committed money of a channel: (amount, months of the plan 1-12, None for the year)
Commit = tuple[float, tuple[int, ...] | None]

SHARE_DIGITS = 6
#: the monthly cap is aimed at this share below itself: room for the rounding of the
#: written plan (month weights to 4 digits, shares to SHARE_DIGITS)
CAP_ROOM = 1e-3


def team_counts(x: np.ndarray, start: int, teams: Any, bounds: Any) -> dict[str, int]:
    """People per lever team from the candidate x, whose team coordinates begin at
    `start`: each floored and clamped into its (low, high) bounds."""
    return {t: int(min(max(math.floor(x[start + i]), lo), hi))
            for i, (t, (lo, hi)) in enumerate(zip(teams, bounds, strict=True))}


@dataclass(frozen=True)
class LeverSpace:
    """The search space around a reference strategy."""

    reference: str
    base: dict[str, Any]  # the reference strategy, resolved
    budget: float  # the reference budget
    budget_bounds: tuple[float, float]
    free: tuple[str, ...]
    fixed_shares: dict[str, float]
    ref_amounts: dict[str, float]
    channel_levers: dict[str, ChannelLever]
    quarters: tuple[float, float] | None
    teams: tuple[str, ...]
    team_bounds: tuple[tuple[int, int], ...]
    team_cost_per_day: dict[str, float]
    horizon: int
    months: MonthFlighting | None = None
    groups: tuple[GroupRule, ...] = ()
    commitments: tuple[tuple[str, Commit], ...] = ()
    max_change: float | None = None
    monthly_cap: float | None = None
    days: tuple[float, ...] = (0.0,) * 12  # days of each month of the plan
    #: a month curve per free channel (True) or one for the whole plan
    per_channel: bool = False
    #: days on air [12] of each channel in each month of the plan (windows counted)
    on_air: dict[str, tuple[float, ...]] = field(default_factory=dict)
    #: the reference's month weights [12] of each channel (the plan's and its own)
    ref_weights: dict[str, tuple[float, ...]] = field(default_factory=dict)
    #: share [12] of each month's pressure a free channel carries from before the plan
    carried: dict[str, tuple[float, ...]] = field(default_factory=dict)
    #: money by which a channel's (lowest, highest) bound is loosened (`decision.shadow`)
    relaxed: dict[str, tuple[float, float]] = field(default_factory=dict)

    @property
    def flight_dims(self) -> int:
        """Coordinates of the flighting lever (0: not a lever)."""
        if self.quarters:
            return 4
        if self.months:
            return CHANNEL_DIMS * len(self.free) if self.per_channel else MONTH_DIMS
        return 0

    @property
    def dims(self) -> int:
        """Length of a candidate vector."""
        return len(self.free) + self.flight_dims + len(self.teams)

    def bounds(self) -> list[tuple[float, float]]:
        """Box bounds of every coordinate."""
        out = [(0.0, 1.0)] * len(self.free)
        if self.quarters:
            out += [self.quarters] * 4
        if self.months:
            out += (self.months.bounds(CHANNEL_DIMS) * len(self.free) if self.per_channel
                    else self.months.bounds())
        out += [(float(lo), float(hi) + 0.999) for lo, hi in self.team_bounds]
        return out

    def flighting(self, x: np.ndarray) -> dict[str, Any] | None:
        """The candidate's flighting (None: the reference's, not a lever)."""
        start = len(self.free)
        if self.quarters:
            q = [round(float(v), 4) for v in x[start: start + 4]]
            return scaled_flighting(self.base.get("flighting"), q)
        if self.months and self.per_channel:
            own = {c: list(v) for c, v in self.ref_weights.items() if c not in self.free}
            for i, c in enumerate(self.free):
                at = start + CHANNEL_DIMS * i
                carried = np.array(self.carried[c]) if c in self.carried else None
                own[c] = self.months.weights(x[at: at + CHANNEL_DIMS], carried)
            return {"by": "month", "by_month": {c: [round(float(v), 4) for v in w]
                                                for c, w in own.items()}}
        if self.months:
            out: dict[str, Any] = {"by": "month",
                                   "weights": self.months.weights(x[start: start + MONTH_DIMS])}
            own_base = (self.base.get("flighting") or {}).get("by_month")
            if own_base:
                out["by_month"] = copy.deepcopy(own_base)
            return out
        return None

    def x0(self) -> np.ndarray:
        """The reference strategy as a candidate (clipped into the bounds)."""
        total = sum(self.ref_amounts.get(c, 0.0) for c in self.free) or 1.0
        w = [self.ref_amounts.get(c, 0.0) / total for c in self.free]
        if self.quarters:
            w += [min(max(1.0, self.quarters[0]), self.quarters[1])] * 4
        if self.months:
            w += list(self.months.flat(self.flight_dims))
        heads = self.base.get("headcount") or {}
        w += [float(min(max(heads.get(t, lo), lo), hi)) for t, (lo, hi)
              in zip(self.teams, self.team_bounds, strict=True)]
        lo, hi = np.array(self.bounds(), dtype=float).reshape(-1, 2).T
        return np.clip(np.array(w, dtype=float), lo, hi)

    def amounts(self, x: np.ndarray, budget: float) -> dict[str, float]:
        """Money per free channel at `budget`, inside each channel's bounds and every
        channel group's, and every month under the monthly cap."""
        return self.plan_of(x, budget)[0]

    def plan_of(self, x: np.ndarray, budget: float
                ) -> tuple[dict[str, float], dict[str, Any] | None]:
        """(money per free channel, flighting) of candidate `x` at `budget`: the money
        within the bounds and groups; under a monthly cap the flighting's months over
        the cap lowered (when flighting is a lever) and money moved between channels
        until every month's money, on-air windows counted, is under the cap."""
        flight = self.flighting(x)
        rest = budget * (1.0 - sum(self.fixed_shares.values()))
        shares = self.channel_shares(flight)
        lows, highs = zip(*(self.amount_bounds(c, budget, shares) for c in self.free),
                          strict=True)
        lo, hi = np.array(lows), np.array(highs)
        w = np.clip(np.asarray(x[: len(self.free)], dtype=float), 0.0, None)
        v = (w / w.sum() if w.sum() > 0 else np.full(len(w), 1.0 / len(w))) * rest
        v = project_capped(v, lo, hi, rest)
        if self.groups:
            v = keep_groups(v, lo, hi, self.groups, budget)
        if self.monthly_cap is not None:
            flight, v = self._keep_cap(flight, v, lo, hi, budget)
        return dict(zip(self.free, v, strict=True)), flight

    def _keep_cap(self, flight: dict[str, Any] | None, v: np.ndarray, lo: np.ndarray,
                  hi: np.ndarray, budget: float) -> tuple[dict[str, Any] | None, np.ndarray]:
        cap = float(self.monthly_cap or 0.0) * (1.0 - CAP_ROOM)
        money = {c: budget * s for c, s in self.fixed_shares.items()}
        money.update(zip(self.free, v, strict=True))
        if flight is not None and self.months:
            flight = self._capped_flighting(flight, money, cap)
        shares = self.channel_shares(flight)
        fixed = sum((budget * s * shares[c] for c, s in self.fixed_shares.items()),
                    start=np.zeros(12))
        free_shares = np.array([shares[c] for c in self.free]).reshape(len(self.free), 12)
        return flight, keep_monthly_cap(v, lo, hi, free_shares, fixed, cap)

    def _capped_flighting(self, flight: dict[str, Any], money: dict[str, float], cap: float
                          ) -> dict[str, Any]:
        """The month lever's flighting with its months over `cap` lowered: each moved
        channel's curve (per channel), or the plan's curve."""
        m = self.months
        assert m is not None
        rules = (m.low, m.high, m.max_step)
        out = copy.deepcopy(flight)
        if self.per_channel:
            def channel_money(w: dict[str, np.ndarray]) -> np.ndarray:
                return sum((money[c] * self._share(c, w[c]) for c in money),
                           start=np.zeros(12))

            on_air = {c: np.asarray(d) for c, d in self.on_air.items()}
            weights = capped_weights(self.month_weights(flight), set(self.free),
                                     channel_money, cap, rules, on_air)
            out["by_month"] = {c: [round(float(v), 4) for v in w] for c, w in weights.items()}
            return out
        own = {c: w / np.asarray(flight["weights"], dtype=float)
               for c, w in self.month_weights(flight).items()}

        def plan_money(w: dict[str, np.ndarray]) -> np.ndarray:
            return sum((money[c] * self._share(c, w["plan"] * own[c]) for c in money),
                       start=np.zeros(12))

        plan = capped_weights({"plan": np.asarray(flight["weights"], dtype=float)}, {"plan"},
                              plan_money, cap, rules, {})
        out["weights"] = [round(float(v), 4) for v in plan["plan"]]
        return out

    def month_weights(self, flight: dict[str, Any] | None) -> dict[str, np.ndarray]:
        """Month weights [12] of every channel with money under the flighting `flight`
        (None: the reference's): the plan's weights times the channel's own."""
        if flight is None:
            return {c: np.array(w) for c, w in self.ref_weights.items()}
        plan = flight.get("weights")
        base = np.ones(12) if plan is None else np.asarray(plan, dtype=float)
        if plan is not None and flight.get("by") == "quarter":
            base = np.repeat(base, 3)
        own = flight.get("by_month") or {}
        return {c: base * np.asarray(own.get(c, np.ones(12)), dtype=float)
                for c in self.ref_weights}

    def _share(self, channel: str, weights: np.ndarray) -> np.ndarray:
        """Share [12] of a channel's money in each month: days on air times weights."""
        money = np.asarray(self.on_air.get(channel, self.days)) * weights
        return money / money.sum() if money.sum() > 0 else np.zeros(12)

    def channel_shares(self, flight: dict[str, Any] | None) -> dict[str, np.ndarray]:
        """Share [12] of each channel's money in each month of the plan under the
        flighting `flight` (None: the reference's), on-air windows counted."""
        return {c: self._share(c, w) for c, w in self.month_weights(flight).items()}

    def month_money(self, x: np.ndarray, budget: float) -> np.ndarray:
        """Media money [12] of the candidate in each month of the plan (every channel)."""
        free, flight = self.plan_of(x, budget)
        money = {c: budget * s for c, s in self.fixed_shares.items()}
        money.update(free)
        shares = self.channel_shares(flight)
        return sum((m * shares[c] for c, m in money.items() if c in shares),
                   start=np.zeros(12))

    def amount_bounds(self, channel: str, budget: float,
                      shares: dict[str, np.ndarray] | None = None) -> tuple[float, float]:
        """(lowest, highest) money in a free channel at `budget`; `shares`: each channel's
        share of its money in each month of the plan (for money committed in given
        months; None: the reference's)."""
        lever = self.channel_levers.get(channel, ChannelLever())
        ref = self.ref_amounts.get(channel, 0.0)
        lows = [0.0, (lever.min_share or 0.0) * budget, lever.min_amount or 0.0,
                (lever.min_relative or 0.0) * ref]
        if self.max_change is not None:
            lows.append((1.0 - self.max_change) * ref)
        lows += self.committed_lows(channel, shares)
        highs = [budget]
        if self.max_change is not None:
            highs.append((1.0 + self.max_change) * ref)
        if lever.max_share is not None:
            highs.append(lever.max_share * budget)
        if lever.max_amount is not None:
            highs.append(lever.max_amount)
        if lever.max_relative is not None:
            highs.append(lever.max_relative * ref)
        down, up = self.relaxed.get(channel, (0.0, 0.0))
        return max(0.0, max(lows) - down), min(budget, min(highs) + up)

    def binding(self, x: np.ndarray, budget: float) -> list[dict[str, Any]]:
        """The bounds and constraints the candidate sits on (within 0.1%): `{kind, name,
        bound, value}` for channel groups, channels at a bound (committed money,
        `max_change`, their lever) and the budget at an end of its range."""
        money, flight = self.plan_of(x, budget)
        shares = self.channel_shares(flight)
        out: list[dict[str, Any]] = []
        for rule in self.groups:
            total = sum(money[self.free[i]] for i in rule.members) + rule.fixed_share * budget
            for side, limit in (("max_share", rule.max_share), ("min_share", rule.min_share)):
                if limit is not None and abs(total - limit * budget) <= 1e-3 * budget:
                    out.append({"kind": "group", "name": rule.name, "bound": side,
                                "value": limit})
        for c in self.free:
            lo, hi = self.amount_bounds(c, budget, shares)
            for side, edge in (("lowest", lo), ("highest", hi)):
                if edge > 0 and abs(money[c] - edge) <= 1e-3 * max(edge, 1.0):
                    out.append({"kind": "channel", "name": c, "bound": side,
                                "value": round(edge, 2)})
        for side, edge in zip(("lowest", "highest"), self.budget_bounds, strict=True):
            if abs(budget - edge) <= 1e-3 * edge:
                out.append({"kind": "budget", "name": "budget", "bound": side,
                            "value": edge})
        return out

    def committed_lows(self, channel: str, shares: dict[str, np.ndarray] | None
                       ) -> list[float]:
        """The channel's money that its commitments ask for over the horizon."""
        all_shares = self.channel_shares(None) if shares is None else shares
        share = all_shares.get(channel, np.zeros(12))
        out = []
        for name, (amount, months) in self.commitments:
            if name != channel:
                continue
            part = 1.0 if months is None else float(share[[m - 1 for m in months]].sum())
            out.append(amount / max(part, 1e-9))
        return out

    def feasible(self, budget: float) -> bool:
        """Whether the channel bounds can add up to `budget`."""
        rest = budget * (1.0 - sum(self.fixed_shares.values()))
        b = [self.amount_bounds(c, budget) for c in self.free]
        return sum(lo for lo, _ in b) <= rest + 1e-6 and sum(hi for _, hi in b) >= rest - 1e-6

    def headcount(self, x: np.ndarray) -> dict[str, int]:
        """Day-0 headcount of each lever team."""
        return team_counts(x, len(self.free) + self.flight_dims, self.teams,
                           self.team_bounds)

    def team_cost(self, x: np.ndarray) -> float:
        """Planned salary of the lever teams over the horizon (money)."""
        return sum(n * self.team_cost_per_day[t] * self.horizon
                   for t, n in self.headcount(x).items())

    def strategy(self, x: np.ndarray, budget: float) -> dict[str, Any]:
        """The candidate as strategy data for the scenario file."""
        data = {k: copy.deepcopy(v) for k, v in self.base.items() if k != "extends"}
        money = {c: budget * s for c, s in self.fixed_shares.items()}
        free, flighting = self.plan_of(x, budget)
        money.update(free)
        data["budget"] = round(float(budget), 2)
        data["allocation"] = shares_of(money, budget)
        if flighting is not None:
            data["flighting"] = flighting
        if self.teams:
            heads = dict(data.get("headcount") or {})
            heads.update(self.headcount(x))
            data["headcount"] = heads
        data["description"] = f"Found by mktsim optimize from '{self.reference}'."
        return data


def project_capped(v: np.ndarray, lo: np.ndarray, hi: np.ndarray, total: float) -> np.ndarray:
    """The amounts clip(v + lam, lo, hi) that add up to `total` (bisection on lam)."""
    if lo.sum() >= total:
        return lo.copy()
    if hi.sum() <= total:
        return hi.copy()
    a, b = -float(v.max()) - total - 1.0, float(total) + 1.0
    for _ in range(100):
        mid = 0.5 * (a + b)
        if np.clip(v + mid, lo, hi).sum() < total:
            a = mid
        else:
            b = mid
    out = np.clip(v + 0.5 * (a + b), lo, hi)
    return out * (total / out.sum()) if out.sum() > 0 else out


def shares_of(money: dict[str, float], budget: float) -> dict[str, float]:
    """Shares rounded to SHARE_DIGITS that add up to exactly 1."""
    if budget <= 0:
        return {c: round(1.0 / len(money), SHARE_DIGITS) for c in money}  # pragma: no cover
    shares = {c: round(float(m) / budget, SHARE_DIGITS) for c, m in money.items()}
    largest = max(shares, key=lambda c: shares[c])
    shares[largest] = round(shares[largest] + 1.0 - sum(shares.values()), SHARE_DIGITS)
    return shares


def scaled_flighting(old: dict[str, Any] | None, quarters: list[float]) -> dict[str, Any]:
    """The flighting `old` (None: even) with each quarter's weight multiplied by
    `quarters` [4]."""
    own = {"by_month": copy.deepcopy(old["by_month"])} if old and old.get("by_month") else {}
    if old and old.get("by") == "month" and old.get("weights"):
        weights = [round(float(w) * quarters[m // 3], 4) for m, w in enumerate(old["weights"])]
        return {"by": "month", "weights": weights, **own}
    base = (old or {}).get("weights") or [1.0] * 4
    if len(base) != 4:  # pragma: no cover - a month flighting is handled above
        base = [1.0] * 4
    return {"by": "quarter", "weights": [round(float(b) * q, 4)
                                         for b, q in zip(base, quarters, strict=True)], **own}


def lever_space(loaded: LoadedSpec) -> LeverSpace:
    """The levers of a scenario's `decision:` section (defaults when it has none)."""
    spec = loaded.spec
    decision = spec.decision or DecisionSection()
    reference = decision.reference or next(iter(spec.strategies))
    base = copy.deepcopy(loaded.data["strategies"][reference])
    strat = spec.strategies[reference]
    budget = float(strat.budget or 0.0)
    alloc = dict(strat.allocation or {})
    if budget <= 0 or not alloc:
        raise ScenarioError([Problem(loaded.source, None, "decision.reference",
                                     f"strategy '{reference}' has no budget to start from",
                                     "give it a budget and an allocation")])
    levers = decision.levers
    free = tuple(levers.channels) or tuple(c for c in spec.channels if c in alloc)
    fixed = {c: s for c, s in alloc.items() if c not in free}
    lo_b = levers.budget.min if levers.budget and levers.budget.min is not None else 0.25 * budget
    hi_b = levers.budget.max if levers.budget and levers.budget.max is not None else 3.0 * budget
    teams = tuple(levers.headcount)
    flight = levers.flighting
    rules = decision.constraints
    lo_b, hi_b = _constrained_budget(loaded, (lo_b, hi_b), fixed)
    return LeverSpace(
        reference=reference, base=base, budget=budget, budget_bounds=(lo_b, hi_b), free=free,
        fixed_shares=fixed, ref_amounts={c: budget * s for c, s in alloc.items()},
        channel_levers=dict(levers.channels),
        quarters=(flight.min, flight.max) if flight and flight.by == "quarter" else None,
        teams=teams, team_bounds=tuple((h.min, h.max) for h in levers.headcount.values()),
        team_cost_per_day={t: spec.teams[t].cost_per_person_per_month * 12.0 / 365.0
                           for t in spec.teams},
        horizon=spec.horizon_days, **_month_fields(spec, strat, flight, free, budget),
        groups=group_rules(rules, free, fixed),
        commitments=tuple((c.channel, (c.amount, tuple(c.months) if c.months else None))
                          for c in rules.committed),
        max_change=rules.max_change, monthly_cap=rules.monthly_cap,
        days=tuple(float(d) for d in month_days(spec.start_date, spec.horizon_days)),
    )


def _month_fields(spec: Any, strat: Any, flight: Any, free: tuple[str, ...],
                  budget: float) -> dict[str, Any]:
    """The month lever (None unless `flighting.by: month`), whether it is per channel, and
    each channel's days on air by month, reference month weights and, for a free
    channel, the share of each month's pressure it carries from before the plan."""
    from ..scenario.decision_feasible import plan_month_weights

    channels = [c for c, s in (strat.allocation or {}).items() if s > 0]
    windows = strat.windows or {}
    own = (strat.flighting.by_month or {}) if strat.flighting else {}
    plan = plan_month_weights(strat.flighting)
    days = month_days(spec.start_date, spec.horizon_days)
    months = (MonthFlighting(plan_season(list(spec.market.seasonality.by_month),
                                         spec.start_date.month),
                             flight.min, flight.max, flight.max_step)
              if flight and flight.by == "month" else None)
    carried = {}
    for c in free:
        ch = spec.channels[c]
        theta = daily_retention(ch.adstock.retention_per_week)
        step = step_retention(ch.adstock.retention_per_week, ch.adstock.step_days)
        per_money = ch.cost.exposures_per_money() * ((1.0 - step) if ch.adstock.normalize
                                                     else 1.0)
        # a stepped stock's steady level is x / (1 - step), not x / (1 - theta)
        stepped = (1.0 - step) / (1.0 - theta) if ch.adstock.step_days > 1 and theta < 1 else 1
        share = carried_pressure(initial_adstock(ch) * stepped, theta,
                                 budget * (strat.allocation or {}).get(c, 0.0), per_money,
                                 float(spec.market.size), days)
        if share.any():
            carried[c] = tuple(float(v) for v in share)
    return {"months": months,
            "per_channel": bool(months is not None and flight.per_channel),
            "on_air": {c: tuple(float(v) for v in on_air_days(spec, windows.get(c)))
                       for c in channels},
            "ref_weights": {c: tuple(float(v) for v in plan * np.asarray(
                own.get(c, np.ones(12)), dtype=float)) for c in channels},
            "carried": carried}


def _constrained_budget(loaded: LoadedSpec, bounds: tuple[float, float],
                        fixed: dict[str, float]) -> tuple[float, float]:
    """The budget lever's range narrowed by money committed to channels with a fixed share
    (in given months: by the channel's share of its money in them, on-air windows
    counted) and by every constraint together (the largest budget some plan can spend
    under the monthly cap, `decision_feasible.highest_budget`)."""
    spec = loaded.spec
    rules = (spec.decision or DecisionSection()).constraints
    lo_b, hi_b = bounds
    strat = spec.strategies[(spec.decision or DecisionSection()).reference
                            or next(iter(spec.strategies))]
    for c in rules.committed:
        if c.channel in fixed and fixed[c.channel] > 0:
            share = channel_month_share(spec, strat, c.channel)
            part = 1.0 if not c.months else float(share[[m - 1 for m in c.months]].sum())
            lo_b = max(lo_b, c.amount / (fixed[c.channel] * max(part, 1e-9)))
    if rules.monthly_cap is not None:
        top = highest_budget(spec, (lo_b, hi_b))
        if top is not None:
            hi_b = min(hi_b, top)
    return lo_b, max(lo_b, hi_b)
