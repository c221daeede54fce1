"""Rules fire exactly when their conditions hold; actions move money and prices as stated."""

from __future__ import annotations

import io

import numpy as np
import pytest
from rich.console import Console

from mktsim.engine.layout import CH_SPEND
from mktsim.report.terminal import print_run
from rules_fixtures import scenario

BUDGET = 300_000.0  # spread evenly over 90 days, half on each channel


def rules(when: str, *actions: str, every: int = 30, extra: str = "") -> str:
    then = "".join(f"        - {a}\n" for a in actions)
    return f"""rules:
  review: {{every_days: {every}}}
  max_actions_per_review: 3
  price_bounds: {{band: {{min: 150, max: 250}}}}
{extra}  when_then:
    - name: r1
      when: "{when}"
      then:
{then}"""


def run(text: str, reps: int = 3, seed: int | None = None, workers: int = 1):
    return scenario(text).run(replications=reps, seed=seed, workers=workers)


def spend(result) -> np.ndarray:
    """Media spend per replication and channel."""
    return result.run.channels[:, :, CH_SPEND]


def test_fires_only_on_reviews_where_the_condition_holds():
    result = run(rules("day >= 60", "{pause: {channel: social}}"))
    assert [(d["day"], d["action"], d["fraction_of_replications"]) for d in result.decisions] \
        == [(60, "pause", 1.0)]
    assert result.decisions[0]["seen"] == {"day": 60.0}
    assert result.decisions[0]["date"] == "2027-03-02"


def test_condition_reads_the_budget_left():
    # 300k over 90 days: 200k left on day 30, 100k on day 60
    result = run(rules("budget_left() < 150_000", "{pause: {channel: store}}"))
    assert [d["day"] for d in result.decisions] == [60]
    assert result.decisions[0]["seen"]["budget_left()"] == pytest.approx(100_000)


def test_a_condition_that_never_holds_never_fires():
    result = run(rules("kpi('units') < 0", "{pause: {channel: store}}"))
    assert result.decisions == []
    assert len(result.observed()) > 0


def test_pause_saves_money_and_resume_restores_it():
    result = run(rules("day == 30", "{pause: {channel: social}}"))
    assert spend(result)[:, 0] == pytest.approx(np.full(3, 50_000.0))
    assert spend(result)[:, 1] == pytest.approx(np.full(3, 150_000.0))
    both = rules("day == 30", "{pause: {channel: social}}") + """    - name: r2
      when: "day == 60"
      then:
        - {resume: {channel: social}}
"""
    result = run(both)
    assert spend(result)[:, 0] == pytest.approx(np.full(3, 100_000.0))


def test_shift_moves_future_money_and_keeps_the_total():
    result = run(rules("day == 30", "{shift_budget: {from: social, to: store, share: 50%}}"))
    # social: 50k in the first 30 days, then half of the 100k left
    assert spend(result)[:, 0] == pytest.approx(np.full(3, 100_000.0))
    assert spend(result).sum(axis=1) == pytest.approx(np.full(3, BUDGET))
    args = result.decisions[0]["args"]
    assert args["amount"] == pytest.approx(50_000) and args["to"] == "store"


def test_shift_by_amount_to_the_best_channel():
    result = run(rules("day == 30",
                       "{shift_budget: {from: social, to: \"best_channel('cac', 'social')\", "
                       "amount: 20_000}}"))
    assert result.decisions[0]["args"]["to"] == "store"
    assert spend(result)[:, 1] == pytest.approx(np.full(3, 170_000.0))


def test_prices_are_clamped_into_bounds():
    result = run(rules("day == 30", "{set_price: {product: band, price: 1000}}",
                       "{promotion: {product: band, depth: 90%, days: 10}}"))
    by_action = {d["action"]: d["args"] for d in result.decisions}
    assert by_action["set_price"]["price"] == 250
    assert 250 * (1 - by_action["promotion"]["depth"]) == pytest.approx(150)


def test_computed_settings_and_change_price():
    change = "{change_price: {product: band, by: \"-10% if day > 10 else 0\"}}"
    result = run(rules("day == 30", change))
    assert result.decisions[0]["args"]["price"] == pytest.approx(199 * 0.9)


def test_hire_and_train_act_on_the_team():
    result = run(rules("day == 30", "{hire: {team: sales, count: 2}}",
                       "{train: {team: sales, skill_gain: 0.1, cost: 10_000}}"))
    assert [d["action"] for d in result.decisions] == ["hire", "train"]
    # training is paid out of the remaining media money
    assert spend(result).sum(axis=1) == pytest.approx(np.full(3, BUDGET - 10_000))
    base = run("")
    team = result.kpis().loc["team_cost", "mean"]
    assert team > base.kpis().loc["team_cost", "mean"]


def test_max_actions_per_review():
    text = rules("true", "{pause: {channel: social}}", "{resume: {channel: social}}",
                 "{pause: {channel: store}}", "{resume: {channel: store}}")
    result = run(text.replace("max_actions_per_review: 3", "max_actions_per_review: 2"))
    per_day: dict[int, int] = {}
    for d in result.decisions:
        per_day[d["day"]] = per_day.get(d["day"], 0) + (d["status"] == "done")
    assert per_day == {30: 2, 60: 2}


def test_same_seed_same_decisions_whatever_the_workers():
    text = rules("kpi('brand_awareness') > 0.2", "{pause: {channel: social}}", every=10)
    one = run(text, reps=6, seed=5)
    again = run(text, reps=6, seed=5)
    pooled = run(text, reps=6, seed=5, workers=2)
    assert one.decisions == again.decisions == pooled.decisions
    assert len(one.decisions) > 0


def test_results_carry_decisions_and_observations():
    result = run(rules("day == 30", "{pause: {channel: social}}"))
    doc = result.to_dict(series=False)
    assert doc["decisions"][0]["rule"] == "r1"
    assert {"day", "date", "kpi", "as_of", "observed", "true"} <= set(doc["observed"][0])
    out = io.StringIO()
    print_run(result, Console(file=out, width=160))
    assert "Review decisions" in out.getvalue() and "pause" in out.getvalue()
