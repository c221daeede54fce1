"""Cross checks of the `decision:` section: names that must exist, bounds that must fit."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..kpis import KPIS
from .decision import ALL_TARGETS

if TYPE_CHECKING:
    from .crosscheck import Checker
    from .decision import ChannelLever, DecisionSection


def check_decision(c: Checker) -> None:
    """Record every problem of `spec.decision` on the checker."""
    d = getattr(c.spec, "decision", None)
    if d is None:
        return
    base = ("decision",)
    obj = d.objective
    key = "maximize" if obj.maximize is not None else "minimize"
    choices = [*KPIS, ALL_TARGETS] if key == "maximize" else list(KPIS)
    c.known((*base, "objective", key), obj.metric, choices, "objective metric")
    if obj.then is not None:
        c.known((*base, "objective", "then"), obj.then, KPIS, "KPI")
    if (obj.metric == ALL_TARGETS or obj.subject_to_targets) and not c.spec.targets:
        c.error((*base, "objective"), "the objective needs targets, and the scenario has none",
                "add targets: or maximize a KPI such as profit")
    c.known((*base, "reference"), d.reference, c.spec.strategies, "strategy")
    levers = d.levers
    _budget_order(c, d)
    for name, lever in levers.channels.items():
        path = (*base, "levers", "channels", name)
        c.known(path, name, c.spec.channels, "channel")
        _channel_orders(c, path, lever)
    _flighting_order(c, d)
    for team, hc in levers.headcount.items():
        path = (*base, "levers", "headcount", team)
        c.known(path, team, c.spec.teams, "team")
        _order(c, path, hc.min, hc.max)
    before = len(c.problems)
    _constraint_names(c, d)
    if len(c.problems) == before:
        _feasible(c)


def _constraint_names(c: Checker, d: DecisionSection) -> None:
    """Channels named by the constraints must exist; group shares in order."""
    base = ("decision", "constraints")
    for name, group in d.constraints.groups.items():
        for i, ch in enumerate(group.channels):
            c.known((*base, "groups", name, "channels", i), ch, c.spec.channels, "channel")
        _order(c, (*base, "groups", name), group.min_share, group.max_share)
    for i, commit in enumerate(d.constraints.committed):
        c.known((*base, "committed", i, "channel"), commit.channel, c.spec.channels,
                "channel")


def _feasible(c: Checker) -> None:
    """A set of bounds and constraints that no plan can meet is refused with the reason."""
    from .decision_feasible import infeasible_reason

    d = c.spec.decision
    if d is None or not (d.constraints.groups or d.constraints.committed
                         or d.constraints.max_change is not None
                         or d.constraints.monthly_cap is not None):
        return
    if d.reference is not None and d.reference not in c.spec.strategies:
        return
    reason = infeasible_reason(c.spec)
    if reason is not None:
        c.error(("decision", "constraints"), reason,
                "loosen one of them, or widen the budget or channel bounds")


def check_decision_bounds(c: Checker) -> None:
    """Record the problems of `spec.decision` that numbers decide: every lever's minimum
    at most its maximum (the part of `check_decision` that reads numbers)."""
    d = getattr(c.spec, "decision", None)
    if d is None:
        return
    _budget_order(c, d)
    for name, lever in d.levers.channels.items():
        _channel_orders(c, ("decision", "levers", "channels", name), lever)
    _flighting_order(c, d)
    for team, hc in d.levers.headcount.items():
        _order(c, ("decision", "levers", "headcount", team), hc.min, hc.max)


def _budget_order(c: Checker, d: DecisionSection) -> None:
    if d.levers.budget is not None:
        _order(c, ("decision", "levers", "budget"), d.levers.budget.min, d.levers.budget.max)


def _channel_orders(c: Checker, path: tuple[str | int, ...], lever: ChannelLever) -> None:
    for low, high in (("min_share", "max_share"), ("min_amount", "max_amount"),
                      ("min_relative", "max_relative")):
        _order(c, path, getattr(lever, low), getattr(lever, high))


def _flighting_order(c: Checker, d: DecisionSection) -> None:
    flighting = d.levers.flighting
    if flighting is not None:
        _order(c, ("decision", "levers", "flighting"), flighting.min, flighting.max)
        if flighting.by == "month" and not flighting.min <= 1.0 <= flighting.max:
            c.error(("decision", "levers", "flighting"),
                    f"month weights are relative to an average month, so min "
                    f"({flighting.min:g}) must be at most 1 and max ({flighting.max:g}) at "
                    f"least 1", "for example min: 0.5, max: 2")


def _order(c: Checker, path: tuple[str | int, ...], low: float | None,
           high: float | None) -> None:
    if low is not None and high is not None and low > high:
        c.error(path, f"minimum {low:g} is above maximum {high:g}", "swap them")
