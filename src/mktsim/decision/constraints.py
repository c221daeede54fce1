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


def capped_months(weights: list[float], days: np.ndarray, budget: float, cap: float,
                  low: float, high: float, max_step: float) -> list[float]:
    """Month weights whose money (of `budget`, by the months' `days`) stays at most `cap`
    in every month, kept bookable (decision/flighting.py); the months over the cap are
    lowered and the money goes to the others."""
    from .flighting import bookable

    w = np.asarray(weights, dtype=float)
    for _ in range(20):
        money = budget * month_fractions(days, list(w))
        if money.max() <= cap * (1 + 1e-6):
            break
        w = bookable(w * np.minimum(1.0, cap / money), low, high, max_step)
    return [round(float(v), 4) for v in w]
