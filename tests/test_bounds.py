"""Every number a scenario holds is bounded, and a run at the bounds stays finite: no
overflow inside the engine, no numpy warning."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pytest

import mktsim
from mktsim.scenario.model import ScenarioSpec

LOWER = ("minimum", "exclusiveMinimum", "ge", "gt")
UPPER = ("maximum", "exclusiveMaximum", "le", "lt")


def _unbounded(node: Any, path: str, out: list[str]) -> None:
    if not isinstance(node, dict):
        return
    if node.get("type") in ("number", "integer") and not (
            any(k in node for k in LOWER) and any(k in node for k in UPPER)):
        out.append(path)
    for key in ("anyOf", "oneOf", "allOf"):
        for option in node.get(key, []):
            _unbounded(option, path, out)
    for name, sub in node.get("properties", {}).items():
        _unbounded(sub, f"{path}.{name}", out)
    if "items" in node:
        _unbounded(node["items"], f"{path}[]", out)
    if isinstance(node.get("additionalProperties"), dict):
        _unbounded(node["additionalProperties"], f"{path}{{}}", out)


def test_every_number_field_has_finite_bounds_in_the_schema():
    schema = ScenarioSpec.model_json_schema()
    missing: list[str] = []
    for name, definition in schema.get("$defs", {}).items():
        _unbounded(definition, name, missing)
    _unbounded(schema, "scenario", missing)
    assert not missing, "number fields without a lower and an upper bound: " + ", ".join(missing)


def test_the_audit_finds_an_unbounded_field():
    found: list[str] = []
    _unbounded({"properties": {"x": {"type": "number", "ge": 0}}}, "S", found)
    assert found == ["S.x"]


AT_THE_BOUNDS = [
    "market.segments.young.price_sensitivity=100",
    "market.choice.price_weight=-1000000",
    "market.choice.price_weight=1000000",
    "market.choice.outside_option=1000000",
    "channels.social.awareness.shape=10",
    "channels.social.awareness.half_saturation=1e15",
    "channels.social.conversion.shape=10",
    "channels.social.conversion.half_saturation=1e-15",
    "products.band.price=1e15",
    "products.band.unit_cost=1e15",
    "market.segments.young.churn_per_year=10000",
    "market.segments.young.purchase_per_year=10000",
    "market.word_of_mouth.imitation=10000",
    "market.competitors.rival.price=1e15",
    "teams.sales.capacity_per_person_per_day=1e15",
    "strategies.steady.budget=1e15",
]


@pytest.mark.parametrize("setting", AT_THE_BOUNDS)
def test_a_run_at_the_bounds_is_finite_and_silent(tiny_scenario_path, setting):
    # numpy warns by default on overflow, invalid values and division by zero (not underflow)
    with warnings.catch_warnings(), np.errstate(over="raise", invalid="raise", divide="raise"):
        warnings.simplefilter("error")
        result = mktsim.load(tiny_scenario_path, [setting]).run("steady", replications=2,
                                                               seed=1)
    values = result.kpis()["mean"].to_numpy(dtype=float)
    assert np.isfinite(values[~np.isnan(values)]).all(), setting
