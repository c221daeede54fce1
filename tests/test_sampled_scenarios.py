"""Each replication's plan under `uncertainties:` is built from the validated scenario
(scenario/uncertainty/sampled.py) instead of validating the whole scenario again; the plans and the
errors must be exactly those of `with_values` + `compile_plan`."""

from __future__ import annotations

import csv
import dataclasses
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

from mktsim.model.compile import compile_plan
from mktsim.model.plan import Plan
from mktsim.scenario.errors import Problem, ScenarioError
from mktsim.scenario.fields import to_number
from mktsim.scenario.load import LoadedSpec, load_spec, load_text, with_values
from mktsim.scenario.translate import schema_value
from mktsim.scenario.uncertainty.sampled import SampledScenarios, copied, route
from mktsim.scenario.uncertainty.section import sample_values
from mktsim.simulate.sampled import UncertainPlans, _drawn_invalid, uncertain_plans, without_spend

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = sorted({*ROOT.glob("scenarios/*.yaml"), *ROOT.glob("scenarios/**/*.yaml"),
                  *ROOT.glob("src/mktsim/templates/*.yaml")})
UNCERTAIN = [p for p in SHIPPED if "\nuncertainties:" in p.read_text(encoding="utf-8")]
_LOADED: dict[Path, LoadedSpec] = {}


def loaded(path: Path) -> LoadedSpec:
    if path not in _LOADED:
        _LOADED[path] = load_spec(path)
    return _LOADED[path]


def assert_same_plan(fast: Plan, full: Plan) -> None:
    """Every field equal; arrays of the same dtype and shape, bit for bit."""
    for f in dataclasses.fields(Plan):
        a, b = getattr(fast, f.name), getattr(full, f.name)
        if isinstance(b, np.ndarray):
            assert isinstance(a, np.ndarray), f.name
            assert (a.dtype, a.shape) == (b.dtype, b.shape), f.name
            assert a.tobytes() == b.tobytes(), f.name
        else:
            assert a == b, f.name


def assert_same_models(fast: Any, full: Any) -> None:
    """The same sections, field for field, with the same fields set and of the same types."""
    assert type(fast) is type(full)
    if isinstance(full, BaseModel):
        assert fast.model_fields_set == full.model_fields_set
        assert (fast.__pydantic_extra__, fast.__pydantic_private__) == (
            full.__pydantic_extra__, full.__pydantic_private__)
        assert fast.__dict__.keys() == full.__dict__.keys()
        for key, value in full.__dict__.items():
            assert_same_models(fast.__dict__[key], value)
    elif isinstance(full, dict):
        assert list(fast) == list(full)
        for key, value in full.items():
            assert_same_models(fast[key], value)
    elif isinstance(full, list | tuple):
        assert len(fast) == len(full)
        for a, b in zip(fast, full, strict=True):
            assert_same_models(a, b)
    else:
        assert fast == full


def full_outcome(source: LoadedSpec, values: dict[str, Any]
                 ) -> list[Problem] | dict[str, Plan | list[Problem]]:
    """What `with_values` + `compile_plan` give: the problems, or each strategy's plan
    (or the problems of its compile)."""
    try:
        spec = with_values(source, values).spec
    except ScenarioError as exc:
        return exc.problems
    return {name: _compiled(spec, name) for name in spec.strategies}


def _compiled(spec: Any, strategy: str) -> Plan | list[Problem]:
    try:
        return compile_plan(spec, strategy)
    except ScenarioError as exc:
        return exc.problems


def assert_same_outcome(source: LoadedSpec, values: dict[str, Any]) -> None:
    """The scenario built from the validated one gives `with_values`'s plans, and is
    refused exactly when and as `with_values` refuses it."""
    drawn = SampledScenarios(source, tuple(values))
    expected = full_outcome(source, values)
    fast = drawn.fast(values)
    if isinstance(expected, list):
        assert fast is None
        with pytest.raises(ScenarioError) as caught:
            drawn.spec(values)
        assert caught.value.problems == expected
        return
    if drawn.reached:
        assert fast is not None, values
    spec = drawn.spec(values)
    assert_same_models(spec, with_values(source, values).spec)
    for name, plan in expected.items():
        got = _compiled(spec, name)
        if isinstance(plan, list):
            assert got == plan
        else:
            assert isinstance(got, Plan)
            assert_same_plan(got, plan)


def reference_plans(source: UncertainPlans, first: int, count: int
                    ) -> list[tuple[Plan, dict[str, Any]]]:
    """`plans_for` as it was: the whole scenario validated again per replication."""
    out = []
    for i, values in enumerate(sample_values(list(source.params), source.seed, first, count)):
        try:
            spec = with_values(source.loaded, values).spec
        except ScenarioError as exc:
            raise _drawn_invalid(exc, source.params, source.seed, first + i) from None
        out.append((without_spend(compile_plan(spec, source.strategy), source.without),
                    values))
    return out


def assert_same_plans(source: UncertainPlans, first: int, count: int) -> None:
    got, want = source.plans_for(first, count), reference_plans(source, first, count)
    assert [v for _, v in got] == [v for _, v in want]
    for (a, _), (b, _) in zip(got, want, strict=True):
        assert_same_plan(a, b)


# ------------------------------------------------------------- the shipped scenarios


@pytest.mark.parametrize("path", UNCERTAIN, ids=lambda p: p.name)
def test_every_uncertain_path_of_a_shipped_scenario_is_reached(path: Path) -> None:
    source = loaded(path)
    drawn = SampledScenarios(source, tuple(source.data["uncertainties"]))
    assert drawn.reached


@pytest.mark.parametrize("path", UNCERTAIN, ids=lambda p: p.name)
def test_sampled_plans_of_every_strategy_are_those_of_with_values(path: Path) -> None:
    source = loaded(path)
    for strategy in source.spec.strategies:  # some extend others
        plans = uncertain_plans(source, strategy, seed=11)
        assert plans is not None
        assert_same_plans(plans, 0, 6)
    plans = uncertain_plans(source, next(iter(source.spec.strategies)), seed=3)
    assert plans is not None
    assert_same_plans(dataclasses.replace(plans, without=(0,)), 40, 3)


@settings(max_examples=40)
@given(data=st.data())
def test_random_values_across_each_distribution_give_the_same_plans(data: st.DataObject
                                                                    ) -> None:
    path = data.draw(st.sampled_from(UNCERTAIN), label="scenario")
    source = loaded(path)
    plans = uncertain_plans(source, "baseline", seed=1)
    assert plans is not None
    values = {}
    for p in plans.params:  # anywhere in each range, tails included
        u = data.draw(st.floats(0.0, 1.0, exclude_min=True, exclude_max=True), label=p.path)
        raw = p.ppf(np.array([u]))[0]
        values[p.path] = schema_value(p.path, raw.item() if hasattr(raw, "item") else raw)
    assert_same_outcome(source, values)


# ------------------------------------------------------- any number of the scenario


def numeric_leaves(data: Any, prefix: tuple[str, ...] = ()) -> list[tuple[str, float]]:
    """(dotted path, value) of every number written in raw scenario data (`30%` and
    `2_000_000` included; a name such as `"618"` is text)."""
    out: list[tuple[str, float]] = []
    items = data.items() if isinstance(data, dict) else enumerate(data) \
        if isinstance(data, list) else ()
    for key, value in items:
        here = (*prefix, str(key))
        if isinstance(value, dict | list):
            out += numeric_leaves(value, here)
        elif not isinstance(value, bool):
            written = isinstance(value, str) and value.isascii() and any(c in value for c in "%_")
            number = to_number(value) if written else value
            if isinstance(number, int | float):
                out.append((".".join(here), float(number)))
    return out


SMART_BAND = ROOT / "scenarios" / "smart_band.yaml"


def scenario_numbers() -> list[tuple[str, float]]:
    data = loaded(SMART_BAND).data
    return [(p, v) for p, v in numeric_leaves(data)
            if "." in p and not p.startswith(("uncertainties.", "calibration."))]


def test_every_number_below_the_top_level_is_reached() -> None:
    spec = loaded(SMART_BAND).spec
    missed = [p for p, _ in scenario_numbers() if route(spec, p) is None]
    assert not missed
    assert route(spec, "horizon_days") is None  # read by every date check


def values_near(value: float) -> st.SearchStrategy[Any]:
    """Values a draw could give a field now at `value`: nearby, far, negative, whole."""
    scale = abs(value) + 1.0
    return st.one_of(
        st.floats(-2 * scale, 2 * scale, allow_nan=False),
        st.floats(0.0, 2 * scale) if value >= 0 else st.floats(2 * value, 0.0),
        st.integers(-3, int(min(3 * scale, 10**9))),
        st.sampled_from([0.0, 1.0, value, value * 1.5, 1e300]),
    )


@settings(max_examples=120)
@given(data=st.data())
def test_any_numbers_give_the_plans_or_the_problems_of_with_values(data: st.DataObject
                                                                   ) -> None:
    """Any numbers of the scenario (market, segments, products, channels, teams, the
    organisation, competitors' moves, strategies, the decision...), one or several at
    once, in or out of their bounds."""
    numbers = scenario_numbers()
    chosen = data.draw(st.lists(st.sampled_from(numbers), min_size=1, max_size=4,
                                unique_by=lambda pv: pv[0]), label="paths")
    values = {p: schema_value(p, data.draw(values_near(v), label=p)) for p, v in chosen}
    assert_same_outcome(loaded(SMART_BAND), values)


@pytest.mark.parametrize(("values", "says"), [
    ({"market.segments.young_urban.share": 0.6}, "segment shares add up to"),
    ({"market.segments.fitness.share": 1.2}, "less than or equal to 1"),
    ({"channels.social.cost.cpm": 0.0}, "it must be at least 1e-06"),
    ({"products.pulse_band.pricing.markup": -1}, "pricing.markup"),
    ({"teams.planning.headcount": 200_000}, "less than or equal to 100000"),
    ({"market.competitors.xiaomi.moves.0.price": -5}, "greater than 0"),
    ({"decision.levers.budget.min": 1e12}, "above maximum"),
])
def test_refused_values_give_the_problems_of_with_values(values: dict[str, Any],
                                                          says: str) -> None:
    source = loaded(SMART_BAND)
    paths = [p for p in values if route(source.spec, p) is not None]
    if len(paths) < len(values):
        pytest.skip("not a path of the shipped scenario")
    with pytest.raises(ScenarioError) as full:
        with_values(source, values)
    assert says in str(full.value)
    assert_same_outcome(source, values)


# ------------------------------------------------------ joint draws and `extends`


HELD = "market.segments.young"
BOLD = """\
  bold:
    extends: pulsed
    budget: 500_000
"""
TINY_EXTRA = """\
uncertainties:
  market.segments.young.initial_awareness: draws(held.csv)
  market.segments.young.initial_consideration: {draws: held.csv}
  market.segments.older.purchase_per_year: {draws: held.csv, column: buy}
  channels.social.cost.cpm: normal(40, 4)
  market.competitors.rival.price: 179, 199, 219
"""


def tiny_with_draws(tmp_path: Path, text: str, rows: list[tuple[float, float, float]]
                    ) -> LoadedSpec:
    with (tmp_path / "held.csv").open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow([f"{HELD}.initial_awareness", f"{HELD}.initial_consideration", "buy"])
        w.writerows(rows)
    path = tmp_path / "tiny.yaml"
    text = text.replace("objectives:", BOLD + "objectives:", 1)  # bold extends pulsed
    path.write_text(text + TINY_EXTRA, encoding="utf-8")
    return load_spec(path)


def test_joint_draws_and_extending_strategies_give_the_same_plans(
        tmp_path: Path, tiny_scenario_text: str) -> None:
    rows = [(0.2 + 0.01 * i, 0.02 + 0.001 * i, 0.3 + 0.02 * i) for i in range(12)]
    source = tiny_with_draws(tmp_path, tiny_scenario_text, rows)
    for strategy in ("steady", "pulsed", "bold"):
        plans = uncertain_plans(source, strategy, seed=5)
        assert plans is not None
        assert plans.scenarios.reached
        assert_same_plans(plans, 0, 30)  # more replications than rows: two shuffles


def test_a_row_that_breaks_a_rule_between_values_names_it_as_before(
        tmp_path: Path, tiny_scenario_text: str) -> None:
    # the last row: alone valid, together not, and no column's extreme (those are checked
    # whole when the scenario is read)
    rows = [(0.2, 0.02, 0.3)] * 5 + [(0.04, 0.02, 0.3), (0.5, 0.2, 0.3), (0.08, 0.1, 0.3)]
    source = tiny_with_draws(tmp_path, tiny_scenario_text, rows)
    plans = uncertain_plans(source, "pulsed", seed=2)
    assert plans is not None
    with pytest.raises(ScenarioError) as fast:
        plans.plans_for(0, 8)
    with pytest.raises(ScenarioError) as full:
        reference_plans(plans, 0, 8)
    assert fast.value.problems == full.value.problems
    assert "took row 9 of held.csv" in fast.value.problems[0].message


def test_a_model_whose_validator_reads_several_fields_is_validated_again(
        tiny_scenario_text: str) -> None:
    """A cost model needs its cost: the model is validated whole, as `with_values` does."""
    source = load_text(tiny_scenario_text)
    r = route(source.spec, "channels.store.cost.cpc")
    assert r is not None and r.refresh == 3
    assert_same_outcome(source, {"channels.store.cost.cpc": 2.5})
    assert_same_outcome(source, {"channels.store.cost.cpc": 0.0})


def test_paths_it_cannot_reach_are_built_by_with_values(tiny_scenario_text: str) -> None:
    source = load_text(tiny_scenario_text)
    for path in ("horizon_days", "channels.store.awareness.per_year",
                 "market.segments.young.channel_affinity.social", "channels.tv.cost.cpm"):
        assert route(source.spec, path) is None
    drawn = SampledScenarios(source, ("market.size", "channels.store.awareness.per_year"))
    assert not drawn.reached
    values = {"market.size": 300_000, "channels.store.awareness.per_year": 0.4}
    assert drawn.fast(values) is None
    with pytest.raises(ScenarioError) as caught:
        drawn.spec(values)  # the store has no awareness effect: its half-saturation is missing
    assert caught.value.problems == full_outcome(source, values)


def test_a_section_copied_with_new_values_is_as_model_copy_makes_it() -> None:
    market = loaded(SMART_BAND).spec.market
    updates = {"awareness_decay_per_year": 0.3, "size": 1_000}
    assert_same_models(copied(market, updates), market.model_copy(update=updates))
    assert copied(market, updates).awareness_decay_per_year == 0.3
    assert market.awareness_decay_per_year != 0.3  # the original is left as it was
