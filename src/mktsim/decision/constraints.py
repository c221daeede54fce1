"""The constraints of the `decision:` section applied to a candidate's money.

Per-channel bounds (the levers' shares, amounts, multiples of the reference, `max_change`
and committed money) are bounds on each channel's money and are kept by the projection of
`levers.project_capped`. Channel groups (`online at most 60% of the budget`) couple the
channels: `keep_groups` moves money out of a group over its maximum (or into one under
its minimum) from and to the other channels, within their bounds, until every group
holds. `scenario/decision_feasible.py` refuses, before the search, a set that no plan can
meet; so here a group that cannot be met is the exception, and the plan is checked.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ..scenario.decision import Constraints
from ..scenario.decision_feasible import month_days, month_fractions

__all__ = ["GroupRule", "group_rules", "keep_groups", "month_days", "month_fractions"]


@dataclass(frozen=True)
class GroupRule:
    """A channel group's bounds, as indices into the free channels and the share of the
    budget held by fixed channels of the group."""

    name: str
    members: tuple[int, ...]  # free channels in the group
    fixed_share: float  # budget share of the group's fixed channels
    min_share: float | None
    max_share: float | None

    def excess(self, v: np.ndarray, budget: float) -> float:
        """Money above the maximum (> 0) or below the minimum (< 0); 0 when it holds."""
        total = float(v[list(self.members)].sum()) + self.fixed_share * budget
        if self.max_share is not None and total > self.max_share * budget + 1e-6:
            return total - self.max_share * budget
        if self.min_share is not None and total < self.min_share * budget - 1e-6:
            return total - self.min_share * budget
        return 0.0


def group_rules(constraints: Constraints, free: tuple[str, ...],
                fixed_shares: dict[str, float]) -> tuple[GroupRule, ...]:
    """The groups of `constraints` over the free channels."""
    return tuple(GroupRule(name, tuple(free.index(c) for c in g.channels if c in free),
                           sum(fixed_shares.get(c, 0.0) for c in g.channels),
                           g.min_share, g.max_share)
                 for name, g in constraints.groups.items())


def keep_groups(v: np.ndarray, lo: np.ndarray, hi: np.ndarray, rules: tuple[GroupRule, ...],
                budget: float) -> np.ndarray:
    """Money per free channel `v` (within [lo, hi], summing to what the free channels
    share) moved so that every group holds: the excess of a group leaves its channels in
    proportion to what they can give and goes to the others in proportion to what they
    can take (repeated while groups interact)."""
    v = v.copy()
    for _ in range(50):
        moved = False
        for rule in rules:
            extra = rule.excess(v, budget)
            if extra == 0.0:
                continue
            inside = np.zeros(len(v), bool)
            inside[list(rule.members)] = True
            v = _shift(v, lo, hi, inside, extra)
            moved = True
        if not moved:
            break
    return v


def _shift(v: np.ndarray, lo: np.ndarray, hi: np.ndarray, inside: np.ndarray,
           extra: float) -> np.ndarray:
    """Move `extra` money out of the channels `inside` (into them when negative)."""
    give_from, take_to = (inside, ~inside) if extra > 0 else (~inside, inside)
    amount = abs(extra)
    room_give = np.where(give_from, v - lo, 0.0).clip(0.0)
    room_take = np.where(take_to, hi - v, 0.0).clip(0.0)
    amount = min(amount, float(room_give.sum()), float(room_take.sum()))
    if amount <= 0:
        return v
    out = v - amount * room_give / room_give.sum() + amount * room_take / room_take.sum()
    return np.clip(out, lo, hi)


def capped_weights(weights: dict[str, np.ndarray], free: set[str],
                   month_money: Callable[[dict[str, np.ndarray]], np.ndarray], cap: float,
                   rules: tuple[float, float, float], on_air: dict[str, np.ndarray]
                   ) -> dict[str, np.ndarray]:
    """Month weights per channel lowered in the months whose money (`month_money` of the
    weights: money [12] of every channel, on-air windows counted) exceeds `cap`, kept
    bookable (decision/flighting.py, `rules` = (low, high, max_step)); only the channels
    in `free` (whose flighting is a lever) move, and the money they take out of a month
    goes to their other months. A channel's months off air (`on_air` [12] days) move with
    its lowest on-air factor, so that they do not hold its on-air months up."""
    from .flighting import bookable

    w = {c: np.asarray(v, dtype=float) for c, v in weights.items()}
    for _ in range(20):
        money = month_money(w)
        if money.max() <= cap * (1 + 1e-6):
            break
        factor = np.minimum(1.0, cap / np.maximum(money, 1e-12))
        w = {c: bookable(v * _channel_factor(factor, on_air.get(c)), *rules)
             if c in free else v for c, v in w.items()}
    return w


def _channel_factor(factor: np.ndarray, on_air: np.ndarray | None) -> np.ndarray:
    """`factor` [12] for a channel: its months off air take its lowest on-air factor."""
    if on_air is None or not (on_air > 0).any() or (on_air > 0).all():
        return factor
    return np.where(on_air > 0, factor, factor[on_air > 0].min())


def keep_monthly_cap(v: np.ndarray, lo: np.ndarray, hi: np.ndarray, shares: np.ndarray,
                     fixed: np.ndarray, cap: float) -> np.ndarray:
    """Money per free channel `v` (within [lo, hi]) moved between channels until no month
    of the plan spends more than `cap`: `shares` [n, 12] is each free channel's share of
    its money in each month (on-air windows and flighting), `fixed` [12] the other
    channels' money by month. Money leaves the channels that spend most in the busiest
    month for those that spend less in it; the total stays. What cannot be met stays over
    (the search's candidates are then scored as they are; `decision_feasible` has refused
    the sets no plan can meet under the reference's flighting)."""
    v = v.copy()
    for _ in range(200):
        money = shares.T @ v + fixed
        m = int(np.argmax(money))
        excess = float(money[m] - cap)
        if excess <= 1e-6 * cap:
            break
        give = (v - lo).clip(0.0) * shares[:, m]
        if give.sum() <= 0:
            break
        g = give / give.sum()
        s_out = float(g @ shares[:, m])
        take = (hi - v).clip(0.0) * (shares[:, m] < s_out - 1e-12)
        if take.sum() <= 0:
            break
        t = take / take.sum()
        s_in = float(t @ shares[:, m])
        room = min(float(np.min((v - lo)[g > 0] / g[g > 0])),
                   float(np.min((hi - v)[t > 0] / t[t > 0])))
        delta = min(excess / (s_out - s_in), room)
        if delta <= 1e-9:
            break
        v = np.clip(v - delta * g + delta * t, lo, hi)
    return v
