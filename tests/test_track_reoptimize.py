"""`track --reoptimize`: the cheapest change after the as-of date that reaches the
targets given the actuals, searched on the conditioned replications continued under each
candidate and verified on fresh ones."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

import mktsim
from mktsim.cli import main
from mktsim.documents import DocumentError, ReoptimizeDocument
from mktsim.track import track, tracking_plan
from mktsim.track.levers import REOPTIMIZED, remaining_space
from mktsim.track.reoptimize import with_strategy
from mktsim.track.run import conditioned_run
from mktsim.track.synthetic import write_actuals
from track_fixtures import EVEN_SALES, SMART, model_actuals

# sales at about even odds for the plan, the CAC cap loose enough for more money to help
SETTINGS = (*EVEN_SALES, "targets.3.at_most=400")
SEARCH = {"evaluations": 12, "search_reps": 20, "verify_reps": 60}


@pytest.fixture(scope="module")
def scenario() -> mktsim.Scenario:
    return mktsim.load(SMART, SETTINGS)


@pytest.fixture(scope="module")
def behind(scenario):
    """26 weeks of the replication (of 8) that sold least: the plan falls behind."""
    pool = [model_actuals(scenario, 26, r) for r in range(8)]
    return pool[int(np.argmin([np.sum(a.series["units"]) for a in pool]))]


@pytest.fixture(scope="module")
def tracked(scenario, behind):
    t = track(scenario, "baseline", behind, 60, seed=5)
    return t.reoptimize(scenario, 5, **SEARCH)


def _sales(t):
    return next(x for x in t.targets if x.conditional.target.id == "sales_up").conditional


def test_behind_plan_reoptimized_reaches_the_targets_on_fresh_replications(tracked) -> None:
    plan = _sales(tracked)
    assert plan.probability < plan.confidence  # behind: the plan is unlikely to make it
    r = tracked.reoptimization
    assert r.reached
    reachable = [t for t in r.targets if t.reachable]
    assert reachable and all(t.after[0] >= t.confidence for t in reachable)
    sales = next(t for t in r.targets if t.id == "sales_up")
    assert sales.after[1][0] > sales.before[0]  # beyond its interval, above the plan's
    assert r.cost_of_change > 0  # being behind costs money
    past = [t for t in r.targets if not t.reachable]
    assert [t.id for t in past] == ["awareness_h1"] and past[0].after is None
    frame = r.frame().set_index("id")
    assert frame.loc["sales_up", "new"] == sales.after[0] and frame.loc["sales_up", "met"]


def test_the_change_leaves_every_day_before_the_as_of_date_as_it_was(scenario, behind,
                                                                     tracked) -> None:
    day = behind.days
    base = tracking_plan(scenario.spec, "baseline", behind)
    cand = with_strategy(scenario, tracked.reoptimization.plan)
    new = tracking_plan(cand.spec, "baseline", behind, REOPTIMIZED)
    assert np.array_equal(new.spend[:, :day], base.spend[:, :day])
    social = new.channels.index("social")
    for first, days, amount in zip(behind.first_days, behind.period_days,
                                   behind.spend["social"], strict=True):
        assert new.spend[social, first:first + days].sum() == pytest.approx(amount)
    assert new.spend[:, day:].sum() == pytest.approx(tracked.reoptimization.remaining)
    assert not np.allclose(new.spend[:, day:], base.spend[:, day:])
    # the same seeds live the same past under either plan: the conditioning carries over
    a = conditioned_run(scenario, "baseline", behind, 4, 5)
    b = conditioned_run(cand, "baseline", behind, 4, 5, then=REOPTIMIZED)
    assert np.array_equal(a.daily[:, :, :day], b.daily[:, :, :day])
    assert not np.array_equal(a.daily[:, :, day:], b.daily[:, :, day:])


def test_the_written_plan_tracked_again_gives_the_verified_numbers(tracked, tmp_path) -> None:
    r = tracked.reoptimization
    path = tmp_path / "h2.yaml"
    path.write_text(tracked.plan_yaml(SMART))
    again = mktsim.load(path, SETTINGS).track(tracked.actuals, "baseline", r.verify_reps,
                                              r.verify_seed, then=REOPTIMIZED)
    got = {t.conditional.target.id: t.conditional.probability for t in again.targets}
    for t in r.targets:
        if t.reachable:
            assert got[t.id] == pytest.approx(t.after[0])


def test_a_budget_cap_that_cannot_reach_the_targets_is_reported_short(behind) -> None:
    capped = mktsim.load(SMART, (*SETTINGS, "decision.levers.budget.max=12300000"))
    t = track(capped, "baseline", behind, 60, seed=5).reoptimize(capped, 5, **SEARCH)
    r = t.reoptimization
    assert not r.reached
    assert "no plan within the bounds reached every target" in r.message
    sales = next(x for x in r.targets if x.id == "sales_up")
    assert sales.after[0] < sales.confidence and sales.shortfall > 0
    assert "sales_up" in r.message
    assert r.space.spent_total + r.remaining <= 12_300_000 + 1.0


def test_same_seed_same_answer_for_one_and_two_workers(scenario, behind) -> None:
    docs = []
    for workers in (1, 2):
        t = track(scenario, "baseline", behind, 30, seed=8, workers=workers)
        t.reoptimize(scenario, 8, evaluations=6, search_reps=12, verify_reps=30,
                     workers=workers)
        docs.append(t.to_dict(series=False)["reoptimize"])
    assert docs[0] == docs[1]


@settings(max_examples=40, deadline=None)
@given(st.lists(st.floats(0.0, 1.0), min_size=5, max_size=5),
       st.floats(0.0, 1.0))
def test_candidate_money_adds_up_and_keeps_the_channel_bounds(space, weights, where) -> None:
    lo, hi = space.budget_bounds
    remaining = lo + where * (hi - lo)
    if not space.feasible(remaining):
        return
    money = space.amounts(np.array(weights), remaining)
    assert sum(money.values()) == pytest.approx(remaining, rel=1e-6)
    for c in space.free:
        low, high = space.amount_bounds(c, remaining)
        assert low - 1e-6 * remaining <= money[c] <= high + 1e-6 * remaining
        year = space.spent[c] + money[c]
        lever = space.channel_levers.get(c)
        if lever is not None and lever.max_share is not None:
            assert year <= lever.max_share * (space.spent_total + remaining) * (1 + 1e-6)


@pytest.fixture(scope="module")
def space(scenario, behind):
    return remaining_space(scenario, "baseline", behind)


def test_document_round_trip_and_a_bad_one_names_the_file(tracked) -> None:
    doc = tracked.to_dict(series=False)["reoptimize"]
    assert ReoptimizeDocument.from_dict(doc).to_dict() == doc
    assert set(doc) >= {"channels", "headcount", "cost_of_change", "targets", "plan",
                        "remaining", "verified", "search", "reached", "message"}
    with pytest.raises(DocumentError, match=r"track.json: .*reoptimize.targets"):
        ReoptimizeDocument.from_dict({**doc, "targets": "many"})


# --- the command ---------------------------------------------------------------------

@pytest.fixture(scope="module")
def behind_file(tmp_path_factory, behind) -> Path:
    return write_actuals(tmp_path_factory.mktemp("actuals") / "behind.csv", behind)


def _invoke(*args: str):
    sets = [x for s in SETTINGS for x in ("--set", s)]
    return CliRunner().invoke(main, ["track", str(SMART), *sets, *args])


def test_command_prints_the_change_writes_the_plan_and_the_report(behind_file: Path,
                                                                  tmp_path: Path) -> None:
    plan, out = tmp_path / "h2.yaml", tmp_path / "out"
    res = _invoke("--actuals", str(behind_file), "-n", "30", "--seed", "5", "--reoptimize",
                  "--evaluations", "5", "--search-reps", "10", "--verify-reps", "30",
                  "--out-plan", str(plan), "--out", str(out), "--report", "md")
    assert res.exit_code == 0, res.output
    assert "What changes from 2027-07-02 on" in res.stdout
    assert "cost of the change" in res.stdout and "new P(met)" in res.stdout
    assert f"--then {REOPTIMIZED}" in res.stderr
    written = mktsim.load(plan, SETTINGS)
    assert REOPTIMIZED in written.strategies
    doc = json.loads((out / "track.json").read_text())["reoptimize"]
    assert doc["strategy"] == "baseline" and doc["first_day"] == "2027-07-02"
    assert doc["search"]["evaluations"] <= 5
    report = (out / "report.md").read_text()
    assert "## Re-optimised rest of the year" in report
    assert "money per channel" in report


def test_command_json_carries_the_reoptimize_part(behind_file: Path) -> None:
    res = _invoke("--actuals", str(behind_file), "-n", "30", "--seed", "5", "--reoptimize",
                  "--evaluations", "4", "--search-reps", "10", "--verify-reps", "30",
                  "--confidence", "0.6", "--format", "json")
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)["reoptimize"]
    assert all(t["confidence"] == 0.6 for t in doc["targets"])
    for t in doc["targets"]:
        if t["after"] is not None:
            low, high = t["after"]["interval"]
            assert 0 <= low <= t["after"]["probability"] <= high <= 1


@pytest.mark.parametrize("args, message", [
    (("--out-plan", "x.yaml"), "go with --reoptimize"),
    (("--reoptimize", "--then", "digital_first"), "drop --then"),
    (("--reoptimize", "--out-plan", str(SMART)), "must not overwrite the scenario"),
])
def test_bad_options_exit_2(behind_file: Path, args: tuple[str, ...], message: str) -> None:
    res = _invoke("--actuals", str(behind_file), "-n", "10", *args)
    assert res.exit_code == 2, res.output
    assert message in res.output and "Traceback" not in res.output


def test_then_with_other_day0_settings_is_refused(behind_file: Path) -> None:
    res = CliRunner().invoke(main, ["track", str(SMART), "--actuals", str(behind_file),
                                    "-n", "10", "--then", "experience_led",
                                    "--set", "strategies.experience_led.headcount.tele_sales=9"])
    assert res.exit_code == 2, res.output
    assert "day-0 headcount" in res.output


def test_reached_means_every_one_sided_lower_bound_reaches_its_confidence(tracked) -> None:
    """The verification states a confidence by optimize's rule: the one-sided 95% Wilson
    lower bound on the verification's effective size, shown beside the probability."""
    from mktsim.decision.confirm import Z_ONE_SIDED
    from mktsim.simulate.stats import wilson_interval

    r = tracked.reoptimization
    ess = r.verify_ess
    for t in (t for t in r.targets if t.reachable):
        assert t.lower == pytest.approx(wilson_interval(t.after[0] * ess, ess, Z_ONE_SIDED)[0])
        assert t.after[1][0] <= t.lower <= t.after[0]
        assert t.met == (t.lower >= t.confidence - 1e-12)
    assert r.reached and all(t.met for t in r.targets if t.reachable)
    doc = r.document().to_dict()
    assert all("lower" in t for t in doc["targets"])


def test_a_confidence_the_verification_cannot_show_is_not_claimed(scenario, behind) -> None:
    """At 0.99 the bound needs hundreds of effective particles: the verification looks
    closer and, failing that, says the probabilities are point estimates."""
    t = track(scenario, "baseline", behind, 40, seed=5)
    r = t.reoptimize(scenario, 5, confidence=0.99, evaluations=6, search_reps=20,
                     verify_reps=40).reoptimization
    assert not r.reached
    reachable = [x for x in r.targets if x.reachable]
    assert any(x.lower is not None and x.lower < 0.99 for x in reachable)
    assert not all(x.met for x in reachable)
    assert "reached at its confidence" not in r.message
