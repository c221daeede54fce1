"""Rules that fail during a run, research commissioned by a rule, cooldowns, planned prices
checked against price_bounds, and the per-rule summary of the decision log."""

from __future__ import annotations

import io
import pickle

import numpy as np
import pytest
from click.testing import CliRunner
from rich.console import Console

from mktsim.cli import main
from mktsim.engine.layout import CH_SPEND
from mktsim.kpis import KPI_INDEX
from mktsim.report.terminal import print_run
from mktsim.rules.log import summarise_rules
from mktsim.rules.review import RuleRuntimeError
from mktsim.scenario.errors import ScenarioError
from mktsim.scenario.load import load_text
from rules_fixtures import BASE, scenario
from test_rules_fire import BUDGET, rules, run
from test_rules_schema import problems

DIVIDE = rules("kpi('units') / (day - 30) > 1", "{pause: {channel: social}}")


# --- a rule that fails during a run ---------------------------------------------------------
def test_runtime_error_names_rule_day_expression_and_problem():
    with pytest.raises(RuleRuntimeError) as info:
        run(DIVIDE)
    err = info.value
    assert (err.rule, err.day, err.date, err.where) == ("r1", 30, "2027-01-31", "condition")
    assert err.expression == "kpi('units') / (day - 30) > 1"
    text = str(err)
    assert "rule 'r1'" in text and "day 30 (2027-01-31)" in text
    assert "kpi('units') / (day - 30) > 1" in text and "division by zero" in text
    assert "column 14" in text


def test_runtime_error_in_a_setting_names_the_action():
    share = "{shift_budget: {from: social, to: store, share: \"1 / (day - 30)\"}}"
    text = rules("day == 30", share)
    with pytest.raises(RuleRuntimeError) as info:
        run(text)
    assert info.value.where == "shift_budget share"
    assert "1 / (day - 30)" in str(info.value)


def test_runtime_error_pickles_and_crosses_workers():
    with pytest.raises(RuleRuntimeError) as info:
        run(DIVIDE, reps=4, workers=2)
    copy = pickle.loads(pickle.dumps(info.value))
    assert str(copy) == str(info.value) and copy.rule == "r1" and copy.day == 30


@pytest.mark.parametrize("workers", ["1", "2"])
def test_cli_reports_a_failing_rule_as_a_user_error(tmp_path, workers):
    path = tmp_path / "plan.yaml"
    path.write_text(BASE + DIVIDE)
    out = CliRunner().invoke(main, ["run", str(path), "-n", "4", "--workers", workers])
    assert out.exit_code == 2
    assert "error: rule 'r1' failed at the review on day 30 (2027-01-31)" in out.output
    assert "division by zero" in out.output and "Traceback" not in out.output


# --- research commissioned by a rule ----------------------------------------------------------
RESEARCH = "{research: {measure: brand_awareness, sample_size: 5000, days: 40, cost: 20_000}}"


def test_research_action_pays_and_tightens_the_survey():
    result = run(rules("day == 30", RESEARCH))
    [d] = result.decisions
    assert (d["action"], d["status"], d["rule"]) == ("research", "done", "r1")
    assert d["args"] == {"measure": "brand_awareness", "sample_size": 5000, "days": 40,
                         "cost": 20_000}
    media = spend(result).sum(axis=1)
    assert media == pytest.approx(np.full(3, BUDGET - 20_000))
    daily = result.run.daily[:, KPI_INDEX["marketing_spend"], :]
    assert (daily[:, 30] >= 20_000).all()  # booked on the review day


def test_research_tightens_the_noise_while_it_runs():
    # surveys of 100 people give shares in steps of 1%; the study's 5,000 do not
    survey = "information:\n  survey: {sample_size: 100, lag_days: 0}\n"
    result = scenario(rules("day == 30", RESEARCH, every=5), survey).run(replications=3)
    coarse, fine = [], []
    for log in result.run.reviews:
        for _, kpi, as_of, observed, _ in log.observations:
            if kpi == "brand_awareness" and as_of >= 0:
                on_grid = abs(observed * 100 - round(observed * 100)) < 1e-9
                (fine if 30 <= as_of < 70 else coarse).append(on_grid)
    assert coarse and all(coarse)
    assert fine and not all(fine)


def test_research_is_skipped_when_the_budget_is_short():
    dear = RESEARCH.replace("cost: 20_000", "cost: 250_000")
    result = run(rules("day == 60", dear))  # 100k left on day 60
    [d] = result.decisions
    assert d["status"] == "skipped: not enough budget left"
    assert spend(result).sum(axis=1) == pytest.approx(np.full(3, BUDGET))


def test_research_is_not_bought_twice_while_one_runs():
    result = run(rules("true", RESEARCH, every=10))
    done = [d["day"] for d in result.decisions if d["status"] == "done"]
    assert done == [10, 50]  # 40 days each
    assert any(d["status"].startswith("skipped: a study") for d in result.decisions)


def test_research_measure_is_checked():
    found = problems(rules("true", RESEARCH.replace("brand_awareness", "units")))
    assert any("measure" in p for p in found)


# --- cooldown -------------------------------------------------------------------------------------
def test_cooldown_keeps_a_rule_quiet_after_it_acted():
    text = rules("day >= 10", "{hire: {team: sales, count: 1}}", every=10)
    text = text.replace('      then:\n', '      cooldown_days: 25\n      then:\n')
    result = run(text)
    assert [d["day"] for d in result.decisions] == [10, 40, 70]
    plain = run(rules("day >= 10", "{hire: {team: sales, count: 1}}", every=10))
    assert [d["day"] for d in plain.decisions] == [10, 20, 30, 40, 50, 60, 70, 80]


def test_cooldown_starts_only_when_the_rule_acted():
    # the first pause is done, the next ones are skipped ("already paused"): the cooldown
    # counts from the day it acted
    text = rules("true", "{pause: {channel: social}}", every=10)
    text = text.replace('      then:\n', '      cooldown_days: 15\n      then:\n')
    result = run(text)
    assert [(d["day"], d["status"]) for d in result.decisions][:2] == \
        [(10, "done"), (30, "skipped: already paused")]


# --- planned prices against price_bounds -------------------------------------------------------
BOUNDED = """rules:
  review: {every_days: 30}
  price_bounds: {band: {min: 180, max: 220}}
  when_then:
    - name: r1
      when: "true"
      then:
        - {pause: {channel: social}}
"""


def with_plan(extra: str, strategies: str = "") -> str:
    return BASE.replace("    allocation: {social: 0.5, store: 0.5}\n",
                        "    allocation: {social: 0.5, store: 0.5}\n" + extra) + strategies


def load_problems(text: str) -> list[str]:
    with pytest.raises(ScenarioError) as info:
        load_text(text, "plan.yaml")
    return [p.render() for p in info.value.problems]


def line_in(text: str, needle: str) -> int:
    return next(i + 1 for i, t in enumerate(text.splitlines()) if needle in t)


def test_planned_promotion_below_the_bounds_is_reported_with_its_line():
    plan = with_plan("    promotions:\n"
                     "      - {name: spring, product: band, start: 2027-02-01, days: 7, "
                     "discount: 20%}\n") + BOUNDED
    [found] = load_problems(plan)
    assert f"plan.yaml:{line_in(plan, 'name: spring')}:" in found
    assert "promotion 'spring'" in found and "159.20" in found
    assert "at most 9.5%" in found and "price_bounds.band.min to 159" in found


def test_inherited_promotion_points_at_the_line_where_it_is_planned():
    plan = with_plan("    promotions:\n"
                     "      - {product: band, start: 2027-02-01, days: 7, discount: 20%}\n")
    plan = plan.replace("\ntargets:", "\n  bounded:\n    extends: steady\n    rules:\n"
                        "      review: {every_days: 30}\n"
                        "      price_bounds: {band: {min: 180, max: 220}}\n"
                        "\ntargets:")
    [found] = load_problems(plan)
    line = line_in(plan, "discount: 20%")
    assert f"plan.yaml:{line}: strategies.steady.promotions.0.discount" in found
    assert "strategy 'bounded'" in found


def test_planned_price_changes_outside_the_bounds_are_reported():
    plan = with_plan("    price_changes:\n      - {on: 2027-02-01, product: band, price: 240}\n"
                     "    promotions:\n"
                     "      - {product: band, start: 2027-03-01, days: 7, discount: 20%}\n")
    found = load_problems(plan + BOUNDED)
    assert len(found) == 1 and "price change on 2027-02-01 to 240" in found[0]
    # the promotion starts after the change: 20% off 240 = 192 is inside the bounds


def test_a_start_price_outside_the_bounds_is_reported():
    found = load_problems(BASE + BOUNDED.replace("min: 180", "min: 200"))
    assert len(found) == 1 and "list price 199 of band" in found[0]


def test_planned_prices_inside_the_bounds_load():
    plan = with_plan("    promotions:\n"
                     "      - {product: band, start: 2027-02-01, days: 7, discount: 5%}\n")
    assert load_text(plan + BOUNDED, "plan.yaml").spec.strategies["steady"].promotions


# --- the decision log, by rule --------------------------------------------------------------------
def test_summary_by_rule_counts_runs_times_and_first_day():
    text = rules("day >= 60 or kpi('brand_awareness') > 0.2", "{hire: {team: sales, count: 1}}",
                 every=30)
    result = run(text, reps=6, seed=3)
    [row] = summarise_rules(result.run.reviews)
    per_rep = [[d["day"] for d in log.decisions] for log in result.run.reviews]
    assert row["rule"] == "r1" and row["actions"] == ["hire"]
    assert row["fraction_of_replications"] == sum(bool(p) for p in per_rep) / 6
    assert row["times_per_replication"] == pytest.approx(sum(len(p) for p in per_rep) / 6)
    assert row["first_day_median"] == float(np.median([p[0] for p in per_rep if p]))
    out = io.StringIO()
    print_run(result, Console(file=out, width=160))
    assert "Review rules (6 replications)" in out.getvalue()
    assert "of runs" in out.getvalue()


def spend(result) -> np.ndarray:
    return result.run.channels[:, :, CH_SPEND]
