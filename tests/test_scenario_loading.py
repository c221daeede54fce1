"""Loading scenarios: number forms, --set overrides, extends, SMART lint, schema, shares."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from mktsim.cli import main
from mktsim.scenario.errors import ScenarioError
from mktsim.scenario.load import load_text


def _load(text: str, *overrides: str):
    return load_text(text, "plan.yaml", tuple(overrides))


def _problems(text: str, *overrides: str) -> list[str]:
    with pytest.raises(ScenarioError) as info:
        _load(text, *overrides)
    return [p.render() for p in info.value.problems]


# --- number forms ----------------------------------------------------------------------------


def test_percent_and_underscore_numbers(tiny_scenario_text: str) -> None:
    spec = _load(tiny_scenario_text).spec
    assert spec.market.size == 200_000
    assert spec.market.segments["young"].share == pytest.approx(0.6)
    assert spec.strategies["steady"].budget == 300_000
    assert spec.targets[0].change == pytest.approx(0.05)


@pytest.mark.parametrize(("written", "value"), [
    ("2_000_000", 2_000_000), ('"2_000_000"', 2_000_000), ("2000000", 2_000_000),
    ('"1e6"', 1_000_000),
])
def test_large_number_forms(tiny_scenario_text: str, written: str, value: int) -> None:
    text = tiny_scenario_text.replace("size: 200_000", f"size: {written}")
    assert _load(text).spec.market.size == value


@pytest.mark.parametrize(("written", "value"), [("30%", 0.3), ("0.3", 0.3), ('"12.5%"', 0.125),
                                                ("100%", 1.0), ("0%", 0.0)])
def test_share_forms(tiny_scenario_text: str, written: str, value: float) -> None:
    text = tiny_scenario_text.replace("initial_awareness: 0.2", f"initial_awareness: {written}")
    text = text.replace("      initial_consideration: 0.02\n", "").replace(
        "      initial_customers: 0.01\n", "")
    seg = _load(text).spec.market.segments["young"]
    assert seg.initial_awareness == pytest.approx(value)


# --- --set overrides ---------------------------------------------------------------------------


def test_set_values_are_typed_by_the_schema(tiny_scenario_text: str) -> None:
    spec = _load(tiny_scenario_text, "horizon_days=30", "market.size=3_000_000",
                 "start_date=2027-02-01", "market.segments.young.share=55%",
                 "market.segments.older.share=0.45", "channels.social.cost.cpm=45.5",
                 "name=Other plan").spec
    assert spec.horizon_days == 30 and isinstance(spec.horizon_days, int)
    assert spec.market.size == 3_000_000 and isinstance(spec.market.size, int)
    assert spec.start_date == dt.date(2027, 2, 1)
    assert spec.market.segments["young"].share == pytest.approx(0.55)
    assert spec.channels["social"].cost.cpm == pytest.approx(45.5)
    assert spec.name == "Other plan"


def test_set_is_applied_in_order_and_changes_the_hash(tiny_scenario_text: str) -> None:
    plain = _load(tiny_scenario_text)
    twice = _load(tiny_scenario_text, "seed=1", "seed=9")
    assert twice.spec.seed == 9
    assert twice.content_hash != plain.content_hash
    assert _load(tiny_scenario_text, "seed=9").content_hash == twice.content_hash


def test_set_into_a_list_item(tiny_scenario_text: str) -> None:
    spec = _load(tiny_scenario_text, "targets.1.at_least=250").spec
    assert spec.targets[1].at_least == 250


def test_set_unknown_path_suggests(tiny_scenario_text: str) -> None:
    shown = "\n".join(_problems(tiny_scenario_text, "market.sise=5"))
    assert "market.sise: unknown key 'sise'" in shown
    assert "did you mean 'size'?" in shown


def test_set_unknown_path_is_blamed_on_the_command_line(tiny_scenario_text: str) -> None:
    with pytest.raises(ScenarioError) as info:
        _load(tiny_scenario_text, "market.sise=5")
    (problem,) = info.value.problems
    assert problem.line is None
    assert "--set" in problem.render()


def test_set_bad_value_is_reported(tiny_scenario_text: str) -> None:
    shown = "\n".join(_problems(tiny_scenario_text, "market.segments.young.share=130%"))
    assert "market.segments.young.share: Input should be less than or equal to 1" in shown


@pytest.mark.parametrize("text", ["market.size", "=5", "market..size=5", "market size=5"])
def test_malformed_set(tiny_scenario_text: str, text: str) -> None:
    (shown,) = _problems(tiny_scenario_text, text)
    assert shown.startswith("command line: --set")
    assert "expected --set dotted.path=value" in shown
    assert "for example --set channels.kol.cost.cpm=45" in shown


def test_set_value_must_be_single(tiny_scenario_text: str) -> None:
    (shown,) = _problems(tiny_scenario_text, "market.size=[1, 2]")
    assert "the value must be a single value" in shown


def test_set_below_a_plain_value(tiny_scenario_text: str) -> None:
    (shown,) = _problems(tiny_scenario_text, "name.x=1")
    assert "command line" in shown and "is not a section or list item" in shown


def test_set_through_the_cli(tiny_scenario_path) -> None:
    runner = CliRunner()
    ok = runner.invoke(main, ["validate", str(tiny_scenario_path), "--set", "market.size=5_000"])
    assert ok.exit_code == 0, ok.output
    bad = runner.invoke(main, ["validate", str(tiny_scenario_path), "--set", "market.sise=5"])
    assert bad.exit_code == 2
    assert "did you mean 'size'?" in bad.stderr


# --- extends ----------------------------------------------------------------------------------

EXTENDS = """\
    budget: 300_000
    allocation: {social: 0.7, store: 0.3}
    flighting: {by: quarter, weights: [1, 2, 1, 1]}
    windows:
      store: [{start: 2027-01-10, days: 5}]
    headcount: {sales: 4}
  pulsed:
    extends: steady
    description: Child
    allocation: {social: 1.0}
    headcount: {sales: 6}
  pulsed_more:
    extends: pulsed
    budget: 500_000
"""


def test_extends_merges_child_over_parent(tiny_scenario_text: str) -> None:
    text = tiny_scenario_text.replace(
        "    budget: 300_000\n    allocation: {social: 0.7, store: 0.3}\n  pulsed:\n"
        "    extends: steady\n    allocation: {social: 0.4, store: 0.6}\n", EXTENDS)
    strategies = _load(text).spec.strategies
    parent, child, grandchild = (strategies[n] for n in ("steady", "pulsed", "pulsed_more"))
    assert child.extends is None
    assert child.budget == 300_000  # inherited
    assert child.allocation == {"social": 1.0}  # replaced as a whole, not merged
    assert child.headcount == {"sales": 6}
    assert child.flighting == parent.flighting
    assert child.windows == parent.windows
    assert child.description == "Child"
    assert grandchild.budget == 500_000
    assert grandchild.allocation == {"social": 1.0}
    assert parent.allocation == {"social": 0.7, "store": 0.3}


def test_extends_with_a_partial_allocation_is_not_filled_from_the_parent(
        tiny_scenario_text: str) -> None:
    text = tiny_scenario_text.replace("    allocation: {social: 0.4, store: 0.6}",
                                      "    allocation: {social: 0.4}")
    shown = "\n".join(_problems(text))
    assert "strategies.pulsed.allocation: allocation adds up to 0.4, not 1" in shown


# --- SMART lint -------------------------------------------------------------------------------

TARGET = """\
targets:
  - id: sold
    metric: units
    at_least: 100
"""


def _lint(tiny_scenario_text: str, target: str) -> list[str]:
    text = tiny_scenario_text.split("targets:")[0] + target
    loaded = _load(text)
    assert all(w.severity == "warning" for w in loaded.warnings)
    return [w.render() for w in loaded.warnings]


def test_lint_of_a_complete_target_is_silent(tiny_scenario_text: str) -> None:
    assert _load(tiny_scenario_text).warnings == []


def test_lint_no_deadline_no_confidence_no_objective(tiny_scenario_text: str) -> None:
    shown = "\n".join(_lint(tiny_scenario_text, TARGET))
    assert "target 'sold' has no deadline (not time-bound)" in shown
    assert "judged on the last day, 2027-03-01" in shown
    assert "target 'sold' has no required confidence" in shown
    assert "80% is used" in shown
    assert "target 'sold' serves no objective (not relevant)" in shown
    assert "target 'sold' has no level" in shown
    assert "plan.yaml:58: targets.0:" in shown


def test_lint_deadline_past_the_horizon(tiny_scenario_text: str) -> None:
    target = TARGET + "    by: 2027-12-31\n    confidence: 0.9\n    serves: grow\n    level: mid\n"
    (shown,) = _lint(tiny_scenario_text, target)
    assert "targets.0.by: target 'sold' deadline 2027-12-31 is past the horizon" in shown
    assert "2027-03-01" in shown


def test_lint_no_targets(tiny_scenario_text: str) -> None:
    (shown,) = _lint(tiny_scenario_text, "")
    assert "no targets: runs show KPIs but no verdicts" in shown


def test_validate_prints_warnings_and_exits_zero(tiny_scenario_path) -> None:
    text = tiny_scenario_path.read_text().split("targets:")[0] + TARGET
    tiny_scenario_path.write_text(text)
    result = CliRunner().invoke(main, ["validate", str(tiny_scenario_path)])
    assert result.exit_code == 0
    assert "warning:" in result.output and "has no deadline" in result.output
    assert "valid: 2 strategies, 2 channels, 1 targets, 4 warnings" in result.output


# --- schema -----------------------------------------------------------------------------------


def test_schema_is_json_schema(tmp_path) -> None:
    result = CliRunner().invoke(main, ["schema"])
    assert result.exit_code == 0
    schema = json.loads(result.stdout)
    assert schema["type"] == "object"
    for key in ("market", "products", "channels", "strategies", "targets", "start_date"):
        assert key in schema["properties"]
    assert {"name", "start_date", "market", "products", "strategies"} <= set(schema["required"])
    assert "$defs" in schema and "Segment" in schema["$defs"]
    handoff = schema["$defs"]["Handoff"]["properties"]
    assert "from" in handoff and "to" in handoff  # aliases, as written in files
    out = tmp_path / "s" / "scenario.schema.json"
    written = CliRunner().invoke(main, ["schema", "--out", str(out)])
    assert written.exit_code == 0
    assert json.loads(out.read_text()) == schema


def test_schema_validates_the_reference_scenario(smart_band_path) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    from mktsim.scenario.yamlio import read_yaml

    schema = json.loads(CliRunner().invoke(main, ["schema"]).stdout)
    data, _ = read_yaml(smart_band_path)
    data = json.loads(json.dumps(data, default=str))
    jsonschema.validate(data, schema)


# --- segment shares (property) ----------------------------------------------------------------

SEGMENTS = """\
name: Shares
start_date: 2027-01-01
market:
  size: 1_000
  segments:
{segments}
products:
  p: {{price: 10, unit_cost: 5}}
strategies:
  none: {{}}
"""


def _segments_text(shares: list[float]) -> str:
    rows = "\n".join(f"    s{i}: {{share: {s!r}}}" for i, s in enumerate(shares))
    return SEGMENTS.format(segments=rows)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=1000), min_size=1, max_size=5)
       .filter(lambda w: sum(w) > 0))
def test_shares_summing_to_one_validate(weights: list[int]) -> None:
    total = sum(weights)
    shares = [w / total for w in weights]
    spec = load_text(_segments_text(shares), "s.yaml").spec
    assert sum(s.share for s in spec.market.segments.values()) == pytest.approx(1.0)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.floats(min_value=0.0, max_value=1.0, allow_nan=False), min_size=1,
                max_size=5).filter(lambda s: abs(sum(s) - 1.0) > 1e-4))
def test_shares_not_summing_to_one_are_rejected(shares: list[float]) -> None:
    with pytest.raises(ScenarioError) as info:
        load_text(_segments_text(shares), "s.yaml")
    (problem,) = info.value.problems
    assert problem.where == "market.segments"
    assert "segment shares add up to" in problem.message
    assert problem.line == 5


def test_whole_number_fields_take_sampled_fractions_rounded(tiny_scenario_text: str) -> None:
    """An uncertainty over a whole-number field (market size) validates and is sampled as
    whole numbers; the same distribution on a share is left as drawn."""
    from mktsim.api import Scenario
    from mktsim.scenario.load import load_text

    text = tiny_scenario_text + "uncertainties:\n  market.size: uniform(40_000, 60_000)\n"
    scenario = Scenario(load_text(text))
    samples = scenario.run(replications=4).run.samples
    sizes = samples["market.size"]
    assert sizes.between(40_000, 60_000).all()
    assert (sizes == sizes.round()).all() and sizes.nunique() == 4
