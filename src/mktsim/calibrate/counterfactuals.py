"""The counterfactual plans of the contributions: the history window at each posterior
draw with one part of the market removed (a channel's spend, every channel's spend, the
season, a demand driver) or one channel's spend raised over the window's last year.

The plans of every draw are handed to the engine together as a `DrawPlans` source: the
replications of draw i are i*R..i*R+R-1, so the same replication index (the same random
numbers) runs in the actual plan and in each counterfactual: common random numbers."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from ..model.plan import Plan
from ..scenario.model import ScenarioSpec

YEAR_DAYS = 364  # the "last year" of the window: 52 weeks, so weekly data stay aligned


@dataclass(frozen=True)
class DrawPlans:
    """One plan per posterior draw, each run for `per_draw` replications in a row
    (the engine's `PlanSource`; plain data, it pickles to worker processes)."""

    plans: tuple[Plan, ...]
    per_draw: int

    def plans_for(self, first: int, count: int) -> list[tuple[Plan, dict[str, Any]]]:
        """Plans of replications first..first+count-1 (no sampled values)."""
        return [(self.plans[(first + i) // self.per_draw], {}) for i in range(count)]

    @property
    def replications(self) -> int:
        """Replications of a run over every draw."""
        return len(self.plans) * self.per_draw

    def mapped(self, change: Any) -> DrawPlans:
        """The same draws, each plan passed through `change(plan) -> plan`."""
        return replace(self, plans=tuple(change(p) for p in self.plans))


def without_channels(plan: Plan, rows: list[int]) -> Plan:
    """`plan` with the media money of the channels at `rows` set to zero."""
    spend = plan.spend.copy()
    spend[rows] = 0.0
    return replace(plan, spend=spend)


def raised(plan: Plan, row: int, step: float) -> Plan:
    """`plan` with channel `row`'s spend over the last YEAR_DAYS days (the whole window
    when it is shorter) raised by the fraction `step`."""
    spend = plan.spend.copy()
    spend[row, last_year(plan)] *= 1.0 + step
    return replace(plan, spend=spend)


def last_year(plan: Plan) -> slice:
    """The days of the window's last year."""
    return slice(max(0, plan.spend.shape[1] - YEAR_DAYS), None)


def _with(model: Any, path: tuple[str, ...], value: Any) -> Any:
    """A pydantic model with the field at `path` (attribute names) replaced."""
    head, *rest = path
    inner = value if not rest else _with(getattr(model, head), tuple(rest), value)
    return model.model_copy(update={head: inner})


def neutral_parts(spec: ScenarioSpec, season: bool | None = None
                  ) -> dict[str, ScenarioSpec]:
    """The scenario with each demand part neutralised, by part name: "season" (the monthly
    multipliers all 1 and the Fourier terms gone), "trend" (no growth), "control.<name>"
    (coefficient 0), "event.<name>" (lift 0). Whether there is a season is `season`, else
    `has_season(spec)`; the other parts follow the scenario's structure (a trend when
    there is one, each control and event), so that draws of the same scenario given the
    same `season` have the same parts. A part left out contributes zero by construction."""
    parts: dict[str, ScenarioSpec] = {}
    demand = getattr(spec.market, "demand", None)
    if has_season(spec) if season is None else season:
        flat = [1.0] * len(spec.market.seasonality.by_month)
        neutral = _with(spec, ("market", "seasonality", "by_month"), flat)
        if getattr(demand, "fourier", None) is not None:
            neutral = _with(neutral, ("market", "demand", "fourier"), None)
        parts["season"] = neutral
    if demand is not None:
        parts.update(_driver_parts(spec, demand))
    return parts


def has_season(spec: ScenarioSpec, free: Iterable[str] = ()) -> bool:
    """Whether `spec` has a season part: Fourier terms (whatever their values), monthly
    multipliers not all 1, or monthly multipliers among the `free` paths (whose draws
    move them)."""
    demand = getattr(spec.market, "demand", None)
    return getattr(demand, "fourier", None) is not None \
        or any(float(v) != 1.0 for v in spec.market.seasonality.by_month) \
        or any(p.startswith("market.seasonality.by_month") for p in free)


def _driver_parts(spec: ScenarioSpec, demand: Any) -> dict[str, ScenarioSpec]:
    """Trend, controls and events of `market.demand`, each neutralised alone."""
    parts: dict[str, ScenarioSpec] = {}
    trend = getattr(demand, "trend", None)
    if trend is not None:
        parts["trend"] = _with(spec, ("market", "demand", "trend"), None)
    for name, control in (getattr(demand, "controls", None) or {}).items():
        controls = {**demand.controls, name: control.model_copy(update={"coefficient": 0.0})}
        parts[f"control.{name}"] = _with(spec, ("market", "demand", "controls"), controls)
    for name, event in (getattr(demand, "events", None) or {}).items():
        events = {**demand.events, name: event.model_copy(update={"lift": 0.0})}
        parts[f"event.{name}"] = _with(spec, ("market", "demand", "events"), events)
    return parts


def neutralise_all(spec: ScenarioSpec, parts: dict[str, ScenarioSpec]) -> ScenarioSpec:
    """The scenario with every part of `parts` neutralised at once (the base demand)."""
    out = spec
    for name in parts:
        out = neutral_parts(out, season=True)[name]
    return out


def channel_spend(plan: Plan) -> np.ndarray:
    """Money spent per channel over the window [C]."""
    return plan.spend.sum(axis=1)


def last_year_spend(plan: Plan) -> np.ndarray:
    """Money spent per channel over the window's last year [C]."""
    return plan.spend[:, last_year(plan)].sum(axis=1)
