"""Rules are checked when the scenario is loaded: names, expressions, guardrail settings."""

from __future__ import annotations

from pathlib import Path

import pytest

from mktsim.api import Scenario
from mktsim.rules.compiled import compile_review
from mktsim.scenario.errors import ScenarioError
from mktsim.scenario.load import load_spec, load_text
from rules_fixtures import BASE, scenario

ROOT = Path(__file__).resolve().parents[1]


def rules_yaml(when: str, action: str = "{pause: {channel: social}}") -> str:
    return f"""rules:
  review: {{every_days: 30}}
  when_then:
    - name: r1
      when: "{when}"
      then:
        - {action}
"""


def problems(text: str) -> list[str]:
    with pytest.raises(ScenarioError) as info:
        load_text(BASE + text, "plan.yaml")
    return [p.render() for p in info.value.problems]


def line_of(text: str, needle: str) -> int:
    full = (BASE + text).splitlines()
    return next(i + 1 for i, line in enumerate(full) if needle in line)


def test_valid_rules_load_and_compile():
    s = scenario(rules_yaml("roi('social') < 0.5 and not on_track('sold')"))
    plan = s.plan()
    assert plan.rules is not None
    assert plan.rules.review_days == (30, 60)
    compiled = compile_review(plan)
    assert compiled is not None
    assert compiled.rules[0].when.text == "roi('social') < 0.5 and not on_track('sold')"


def test_unknown_channel_in_condition_has_file_line_and_column():
    text = rules_yaml("roi('socail') < 0.5")
    found = problems(text)
    assert len(found) == 1
    assert found[0].startswith(f"plan.yaml:{line_of(text, 'when:')}: rules.when_then.0.when")
    assert "column 5" in found[0] and "did you mean 'social'" in found[0]


@pytest.mark.parametrize("when", [
    "kpi('sales') > 1",            # unknown KPI
    "gap('sold_out') > 0",         # unknown target
    "backlog('support') > 10",     # unknown team
    "rio('social') < 1",           # unknown function
])
def test_unknown_names_are_rejected(when):
    assert any("unknown" in p for p in problems(rules_yaml(when)))


@pytest.mark.parametrize("hostile", [
    "__import__('os').system('touch /tmp/pwned')",
    "().__class__.__bases__[0].__subclasses__()",
    "open('/etc/passwd').read()",
    "[x for x in range(10**9)]",
    "lambda: 1",
    "kpi('units'); import os",
])
def test_hostile_expressions_are_rejected_at_validation(hostile, tmp_path):
    text = rules_yaml(hostile.replace('"', "'"))
    path = tmp_path / "plan.yaml"
    path.write_text(BASE + text, encoding="utf-8")
    with pytest.raises(ScenarioError) as info:
        load_spec(path)
    rendered = [p.render() for p in info.value.problems]
    assert len(rendered) == 1
    assert rendered[0].startswith(f"{path}:{line_of(text, 'when:')}: rules.when_then.0.when")
    assert not Path("/tmp/pwned").exists()


def test_action_names_and_computed_settings_are_checked():
    text = """rules:
  review: {every_days: 30}
  when_then:
    - name: r1
      when: "true"
      then:
        - shift_budget: {from: socal, to: "best_channel('roe')", share: "roi('x') / 2"}
        - hire: {team: sales_team, count: 1}
"""
    found = "\n".join(problems(text))
    assert "then.0.shift_budget.from: unknown channel 'socal'" in found
    assert "then.0.shift_budget.to: destination: column 14: unknown measure 'roe'" in found
    assert "then.0.shift_budget.share: share: column 5: unknown channel 'x'" in found
    assert "then.1.hire.team: unknown team 'sales_team'" in found


def test_price_actions_need_price_bounds():
    found = problems(rules_yaml("true", "{set_price: {product: band, price: 180}}"))
    assert any("needs price bounds" in p for p in found)


def test_review_needs_exactly_one_cadence_and_dates_inside_the_plan():
    both = rules_yaml("true").replace("{every_days: 30}", "{every_days: 30, dates: [2027-02-01]}")
    assert any("exactly one of every_days or dates" in p for p in problems(both))
    late = rules_yaml("true").replace("{every_days: 30}", "{dates: [2028-02-01]}")
    assert any("outside the plan" in p for p in problems(late))


def test_strategy_rules_replace_shared_rules():
    shared = rules_yaml("day > 1")
    own = BASE.replace("    allocation: {social: 0.5, store: 0.5}\n",
                       "    allocation: {social: 0.5, store: 0.5}\n"
                       "    rules:\n      review: {dates: [2027-02-15]}\n"
                       "      when_then: [{name: own, when: 'true',\n"
                       "                   then: [{pause: {channel: store}}]}]\n"
                       "  shared_only:\n    budget: 1000\n    allocation: {social: 1}\n")
    s = Scenario(load_text(own + shared, "x.yaml"))
    rules = s.plan("steady").rules
    assert rules is not None
    assert rules.review_days == (45,)
    assert [r.name for r in rules.rules] == ["own"]
    shared_rules = s.plan("shared_only").rules
    assert shared_rules is not None and [r.name for r in shared_rules.rules] == ["r1"]


def test_shipped_example_has_the_adaptive_strategy():
    loaded = load_spec(ROOT / "scenarios" / "smart_band.yaml")
    adaptive = loaded.spec.strategies["adaptive"]
    assert adaptive.rules is not None and len(adaptive.rules.when_then) == 4
    kinds = {a.kind for rule in adaptive.rules.when_then for a in rule.then}
    assert kinds == {"research", "shift_budget", "promotion"}
    template = ROOT / "src" / "mktsim" / "templates" / "smart_band.yaml"
    assert template.read_text() == (ROOT / "scenarios" / "smart_band.yaml").read_text()
