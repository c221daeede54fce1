"""compare: paired intervals, reproducibility, and the CLI."""

from __future__ import annotations

import json

from click.testing import CliRunner

import mktsim
from mktsim.cli import main
from mktsim.decision.compare import compare

SCENARIO = "scenarios/smart_band.yaml"


def test_paired_narrower_than_unpaired_and_reproducible() -> None:
    sc = mktsim.load(SCENARIO)
    a = compare(sc, ["baseline", "digital_first"], max_reps=40, batch=40)
    b = compare(sc, ["baseline", "digital_first"], max_reps=40, batch=40)
    paired = a.differences()["profit"]["digital_first"]["interval"]
    unpaired = a.differences(paired=False)["profit"]["digital_first"]["interval"]
    assert paired[1] - paired[0] < 0.5 * (unpaired[1] - unpaired[0])
    assert a.to_dict() == b.to_dict()
    assert abs(sum(a.probability_best().values()) - 1.0) < 1e-9
    assert_best_by_hand(a)
    assert a.stopped == "max reps"


def test_cli_compare_json(tmp_path) -> None:  # type: ignore[no-untyped-def]
    res = CliRunner().invoke(main, ["compare", SCENARIO, "--strategies", "baseline,digital_first",
                                    "--max-reps", "20", "--format", "json", "--out",
                                    str(tmp_path)])
    assert res.exit_code == 0, res.output
    doc = json.loads((tmp_path / "compare.json").read_text())
    assert doc["kind"] == "compare" and doc["reference"] == "baseline"
    assert set(doc["probability_best"]) == {"baseline", "digital_first"}


def test_cli_compare_unknown_strategy() -> None:
    res = CliRunner().invoke(main, ["compare", SCENARIO, "--strategies", "nope"])
    assert res.exit_code == 2


def test_shared_pool_gives_the_numbers_of_run(tiny_scenario_path) -> None:  # type: ignore[no-untyped-def]
    import numpy as np

    from mktsim.decision.outcome import outcome_of

    sc = mktsim.load(tiny_scenario_path)
    one = compare(sc, max_reps=24, batch=12, workers=1)
    two = compare(sc, max_reps=24, batch=12, workers=2)
    assert one.to_dict() == two.to_dict()
    alone = outcome_of(sc.run("pulsed", 12, sc.spec.seed))
    assert np.array_equal(two.outcomes["pulsed"].kpis["units"][:12], alone.kpis["units"])
    assert two.first_run is not None and two.first_run.run.plan.strategy == "steady"


def test_empty_or_unknown_strategies_are_refused(tiny_scenario_path) -> None:  # type: ignore[no-untyped-def]
    import pytest

    from mktsim.scenario.errors import ScenarioError

    sc = mktsim.load(tiny_scenario_path)
    with pytest.raises(ValueError):
        compare(sc, [])
    with pytest.raises(ScenarioError, match="did you mean 'pulsed'"):
        compare(sc, ["pulsd"])


def assert_best_by_hand(c) -> None:  # type: ignore[no-untyped-def]
    """P(best in a run), recomputed replication by replication in plain Python: the most
    targets-all-met first, then the highest `then` measure (ties shared)."""
    obj = c.objective
    names = list(c.strategies)
    wins = dict.fromkeys(names, 0.0)
    reps = c.outcomes[names[0]].replications
    for r in range(reps):
        keys = {}
        for s in names:
            o = c.outcomes[s]
            first = float(o.all_met[r]) if obj.metric == "p_all_targets" else \
                obj.sign * float(o.kpis[obj.metric][r])
            second = float(o.kpis[obj.then][r]) if obj.then else 0.0
            keys[s] = (first, second)
        top = max(keys.values())
        leaders = [s for s in names if keys[s] == top]
        for s in leaders:
            wins[s] += 1.0 / len(leaders)
    got = c.probability_best()
    for s in names:
        assert abs(got[s] - wins[s] / reps) < 1e-12, (s, got[s], wins[s] / reps)


def test_compare_states_a_confidence_by_optimize_s_rule(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A target is met in compare only when its one-sided 95% Wilson lower bound reaches
    the confidence (optimize's confirmation rule), and the bound is shown beside it."""
    from mktsim.decision.confirm import lower_bound

    res = CliRunner().invoke(main, ["compare", SCENARIO, "--strategies", "baseline,digital_first",
                                    "--max-reps", "20", "--format", "json", "--out",
                                    str(tmp_path)])
    assert res.exit_code == 0, res.output
    doc = json.loads((tmp_path / "compare.json").read_text())
    n = doc["replications"]
    for tg in doc["targets"]:
        for d in tg["by_strategy"].values():
            met = round(d["probability"] * n)
            assert d["lower"] == lower_bound(met, n) <= d["probability"]
            assert d["lower"] >= d["interval"][0]  # one-sided: tighter than two-sided
            assert d["passes"] == (d["lower"] >= d["confidence"])
    text = CliRunner().invoke(main, ["compare", SCENARIO, "--strategies",
                                     "baseline,digital_first", "--max-reps", "20"])
    assert text.exit_code == 0 and "lower bound" in text.output


def test_ranking_counts_targets_met_only_when_their_bound_reaches_the_confidence() -> None:
    """A strategy whose targets sit just at the confidence on a point estimate is not
    ranked as meeting them: the ranking follows the lower bound."""
    import numpy as np

    from mktsim.decision.outcome import Outcome, confirmed_all, expected_score, meets_all
    from mktsim.scenario.decision import Objective

    met = np.zeros((1, 100), dtype=bool)
    met[0, :82] = True
    o = Outcome({"profit": np.full(100, 5.0)}, met, met.astype(float), ("t",),
                np.array([0.8]))
    objective = Objective(maximize="profit", subject_to_targets=True)
    assert meets_all(o) and not confirmed_all(o)
    assert expected_score(o, objective)[0] == 5.0
    assert expected_score(o, objective, confirmed=True)[0] == -np.inf
    met[0, :92] = True
    assert confirmed_all(Outcome({"profit": np.full(100, 5.0)}, met, met.astype(float),
                                 ("t",), np.array([0.8])))


def test_outcomes_from_the_workers_readings_equal_those_of_full_records() -> None:
    """On a pool the workers send only what the outcomes read of the daily records
    (`outcome_readings`); every replication's outcome is the one of the full record run in
    this process, bit for bit, rules and all; the reference's first batch keeps its record."""
    import numpy as np

    sc = mktsim.load(SCENARIO)
    one = compare(sc, max_reps=24, batch=12, workers=1, precision=1e-9)
    two = compare(sc, max_reps=24, batch=12, workers=2, precision=1e-9)
    for s, o in one.outcomes.items():
        other = two.outcomes[s]
        for k, values in o.kpis.items():
            assert np.array_equal(values, other.kpis[k], equal_nan=True), (s, k)
        assert np.array_equal(o.met, other.met) and np.array_equal(o.soft, other.soft)
        for line, values in o.spend.items():
            assert np.array_equal(values, other.spend[line]), (s, line)
    assert two.first_run is not None and isinstance(two.first_run.run.daily, np.ndarray)
    assert np.array_equal(two.first_run.run.daily, one.first_run.run.daily)
