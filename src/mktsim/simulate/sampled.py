"""Sampled plans: a plan per replication with the scenario's uncertain values drawn for
that replication (the engine's `PlanSource`), and counterfactual plans without a channel's
media money or without one promotion."""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cached_property
from typing import Any

import numpy as np

from ..model.compile import compile_plan
from ..model.plan import EventKind, Plan
from ..scenario.errors import Problem, ScenarioError
from ..scenario.load import LoadedSpec
from ..scenario.model import ScenarioSpec
from ..scenario.uncertainty.sampled import SampledScenarios
from ..scenario.uncertainty.section import sample_values

#: the events a promotion puts in a plan: its discount, the purchases it pulls forward and
#: the dip after it
PROMOTION_EVENTS = (EventKind.DISCOUNT, EventKind.PULL, EventKind.DIP)


@dataclass(frozen=True)
class PromotionCut:
    """One promotion taken out of a plan: its product and its (first, end, dip end) days
    (day indices; the promotion runs first..end-1, its dip end..dip_end-1)."""

    product: str
    days: tuple[int, int, int]

    def apply(self, plan: Plan) -> Plan:
        """`plan` without the promotion's events (its discount, pull and dip)."""
        kept = tuple(e for e in plan.events
                     if not (e.kind in PROMOTION_EVENTS and e.target == self.product
                             and e.day in self.days))
        return replace(plan, events=kept)


@dataclass(frozen=True)
class UncertainPlans:
    """Plans of one strategy with `uncertainties` sampled per replication (plain data)."""

    loaded: LoadedSpec
    strategy: str
    params: tuple[Any, ...]
    seed: int
    #: channels (indices) whose planned spend is removed from every sampled plan
    without: tuple[int, ...] = ()
    #: a promotion taken out of every sampled plan
    without_promotion: PromotionCut | None = None

    @property
    def names(self) -> list[str]:
        """The uncertain paths, in sampling order."""
        return [p.path for p in self.params]

    @cached_property
    def scenarios(self) -> SampledScenarios:
        """Builds each replication's scenario (not pickled: once per process and scenario,
        however many chunks of replications a worker receives)."""
        return sampled_scenarios(self.loaded, tuple(self.names))

    def __getstate__(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if k != "scenarios"}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)

    def plans_for(self, first: int, count: int) -> list[tuple[Plan, dict[str, Any]]]:
        """Plans of replications first..first+count-1 and the values drawn for each."""
        out = []
        where = (self.loaded.source, self.loaded.content_hash, self.strategy)
        for i, values in enumerate(sample_values(list(self.params), self.seed, first, count)):
            plan = without_spend(self._drawn_plan(where, values, first + i), self.without)
            if self.without_promotion is not None:
                plan = self.without_promotion.apply(plan)
            out.append((plan, values))
        return out

    def _drawn_plan(self, where: tuple[str, str, str], values: dict[str, Any], i: int
                    ) -> Plan:
        """The strategy's plan compiled with replication i's drawn `values`, compiled once
        per process (`_PLANS`)."""
        key = _plan_key(where, values)
        plan = _PLANS.get(key) if key is not None else None
        if plan is None:
            plan = compile_plan(self._drawn_spec(key, values, i), self.strategy)
            if key is not None:
                if len(_PLANS) >= _PLANS_KEPT:
                    _PLANS.pop(next(iter(_PLANS)))
                _PLANS[key] = plan
        return plan

    def _drawn_spec(self, key: tuple[Any, ...] | None, values: dict[str, Any], i: int
                    ) -> ScenarioSpec:
        """The scenario with replication i's drawn `values`, built once per process for all
        the strategies that draw them (`_SPECS`: `compare` runs each strategy on the same
        draws, and a scenario is the same whatever strategy is then compiled from it)."""
        spec_key = None if key is None else (*key[:2], *key[3:])
        spec = _SPECS.get(spec_key) if spec_key is not None else None
        if spec is None:
            try:
                spec = self.scenarios.spec(values)
            except ScenarioError as exc:
                raise _drawn_invalid(exc, self.params, self.seed, i) from None
            if spec_key is not None:
                if len(_SPECS) >= _SPECS_KEPT:
                    _SPECS.pop(next(iter(_SPECS)))
                _SPECS[spec_key] = spec
        return spec


#: SampledScenarios this process has built, by scenario file, content and uncertain paths
_SAMPLED: dict[tuple[str, str, tuple[str, ...]], SampledScenarios] = {}
_SAMPLED_KEPT = 8


def sampled_scenarios(loaded: LoadedSpec, names: tuple[str, ...]) -> SampledScenarios:
    """The SampledScenarios of a scenario and its uncertain paths, built once per process."""
    key = (loaded.source, loaded.content_hash, names)
    found = _SAMPLED.get(key)
    if found is None:
        if len(_SAMPLED) >= _SAMPLED_KEPT:
            _SAMPLED.pop(next(iter(_SAMPLED)))
        found = _SAMPLED[key] = SampledScenarios(loaded, names)
    return found


#: Plans compiled from drawn values, by scenario file, content, strategy and values: the
#: runs without a channel or a promotion (`incremental`, `promotions`) draw the values of
#: the replications they are paired with again, so their plans are compiled once per
#: process (about a millisecond a plan; nothing changes a plan's arrays once compiled).
_PLANS: dict[tuple[Any, ...], Plan] = {}
_PLANS_KEPT = 256
#: Scenarios built from drawn values, by scenario file, content and values (not strategy):
#: about 0.15 ms each to build; a scenario shares every section its values leave unchanged
#: with the loaded one, so a thousand of them take a few megabytes
_SPECS: dict[tuple[Any, ...], ScenarioSpec] = {}
_SPECS_KEPT = 1024
_KEYED = (int, float, str, np.integer, np.floating)


def _plan_key(where: tuple[str, str, str], values: dict[str, Any]) -> tuple[Any, ...] | None:
    """The key of a plan in `_PLANS`: the drawn values as exact texts (`repr` tells -0.0
    from 0.0 and keeps every digit); None when a value is not a number or a name."""
    if not all(isinstance(v, _KEYED) for v in values.values()):
        return None
    return (*where, *((k, repr(v)) for k, v in values.items()))


def _drawn_invalid(exc: ScenarioError, params: tuple[Any, ...], seed: int, i: int
                   ) -> ScenarioError:
    """The error of a replication whose drawn values make the scenario invalid, naming the
    row of each draws file it took (each column alone was checked at load; a rule between
    values, such as shares that must not add up past 1, can still refuse a row)."""
    from ..scenario.uncertainty.joint_draws import draw_groups, draw_rows

    rows = [f"row {int(draw_rows(seed, name, len(g[0].draws), i, 1)[0]) + 2} of {name}"
            for name, g in draw_groups(params).items()]
    if not rows:
        return exc
    took = f"replication {i} took " + ", ".join(rows)
    return ScenarioError([Problem(p.file, p.line, p.where, f"{p.message} ({took})",
                                  p.hint or "correct or drop that row of the draws file")
                          for p in exc.problems])


def without_spend(plan: Plan, channels: tuple[int, ...]) -> Plan:
    """The plan with the media money of `channels` (indices) removed, all else equal."""
    if not channels:
        return plan
    spend = plan.spend.copy()
    spend[list(channels)] = 0.0
    return replace(plan, spend=spend)


def uncertain_plans(loaded: LoadedSpec, strategy: str, seed: int) -> UncertainPlans | None:
    """The scenario's uncertainties as a plan source, or None when it has none."""
    from ..params import parse_design_mapping

    section = loaded.data.get("uncertainties")
    if not section:
        return None
    return UncertainPlans(loaded, strategy, tuple(parse_design_mapping(section)), seed)
