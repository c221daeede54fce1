"""Plans of several strategies compiled from one scenario share the strategy-free fields
(`model.compile._market_part`), and sampled plans share the scenario built from a
replication's draws (`simulate.sampled._SPECS`): the same plans as compiled apart."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest

from mktsim.model.compile import compile_plan
from mktsim.model.plan import Plan
from mktsim.scenario.load import load_spec
from mktsim.simulate import sampled

SMART_BAND = Path(__file__).resolve().parents[1] / "scenarios" / "smart_band.yaml"


def _same(a: Plan, b: Plan) -> None:
    """Every field of two plans equal (arrays value for value, NaN equal to NaN)."""
    for f in dataclasses.fields(Plan):
        x, y = getattr(a, f.name), getattr(b, f.name)
        if isinstance(x, np.ndarray):
            assert x.dtype == y.dtype and np.array_equal(x, y, equal_nan=x.dtype.kind == "f"), \
                f.name
        elif f.name not in ("demand", "rivals", "rules"):
            assert x == y, f.name


def test_strategies_of_one_scenario_share_read_only_market_fields() -> None:
    spec = load_spec(SMART_BAND).spec
    first, second = (compile_plan(spec, s) for s in ("baseline", "adaptive"))
    assert first.chan_par is second.chan_par and first.seg_rates is second.seg_rates
    assert first.spend is not second.spend
    with pytest.raises(ValueError):
        first.chan_par[0, 0] = 1.0
    alone = compile_plan(spec.model_copy(deep=True), "adaptive")  # another identity
    assert alone.chan_par is not second.chan_par
    _same(second, alone)


def test_sampled_plans_of_two_strategies_use_one_scenario_per_draw() -> None:
    loaded = load_spec(SMART_BAND)
    sampled._SPECS.clear()
    sampled._PLANS.clear()
    baseline = sampled.uncertain_plans(loaded, "baseline", 7)
    adaptive = sampled.uncertain_plans(loaded, "adaptive", 7)
    assert baseline is not None and adaptive is not None
    shared = [p for p, _ in adaptive.plans_for(3, 4)]
    assert len(sampled._SPECS) == 4
    baseline.plans_for(3, 4)
    assert len(sampled._SPECS) == 4  # the baseline's draws found the same scenarios
    sampled._SPECS.clear()
    sampled._PLANS.clear()
    for plan, (again, values) in zip(shared, adaptive.plans_for(3, 4), strict=True):
        _same(plan, again)
        fresh = compile_plan(adaptive.scenarios.spec(values).model_copy(deep=True), "adaptive")
        _same(plan, fresh)


def test_sampled_plans_share_the_review_rules_their_draws_leave_unchanged() -> None:
    loaded = load_spec(SMART_BAND)
    adaptive = sampled.uncertain_plans(loaded, "adaptive", 5)
    assert adaptive is not None
    drawn = adaptive.plans_for(0, 3)
    assert drawn[0][0].rules is not None
    assert all(p.rules is drawn[0][0].rules for p, _ in drawn)  # channels' costs drawn only
    for plan, values in drawn:
        fresh = compile_plan(adaptive.scenarios.spec(values).model_copy(deep=True), "adaptive")
        assert plan.rules == fresh.rules and plan.rules is not fresh.rules
    spec = loaded.spec
    rules = spec.strategies["adaptive"].rules
    changed = spec.model_copy(update={"strategies": {**spec.strategies, "adaptive":
        spec.strategies["adaptive"].model_copy(update={"rules": rules.model_copy(
            update={"max_actions_per_review": 1})})}})
    assert compile_plan(changed, "adaptive").rules.max_actions == 1
    assert compile_plan(spec, "adaptive").rules.max_actions == 2
