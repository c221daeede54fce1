"""List-index paths in `--set` and `--param` with every command that writes a scenario:
the written file holds the values (list items in place, comments kept) and validates."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import numpy as np
from click.testing import CliRunner
from ruamel.yaml import YAML

import mktsim
from history_fixtures import blank_history, simulate_history, write_history
from mktsim.cli import main
from mktsim.history.periods import PeriodKind
from test_decision_search import two_channel_text
from test_fitted_start import SCENARIO

SEASONAL = SCENARIO.replace(
    "  awareness_decay_per_year: 0.3\n",
    "  awareness_decay_per_year: 0.3\n"
    "  seasonality:\n"
    "    by_month: [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0]  # flat\n")


def _invoke(*args: str):
    return CliRunner().invoke(main, [str(a) for a in args])


def test_calibrate_writes_list_items_of_param_and_set(tmp_path: Path) -> None:
    scenario = tmp_path / "seasonal.yaml"
    scenario.write_text(SEASONAL, encoding="utf-8")
    loaded = mktsim.load(scenario).loaded
    rng = np.random.default_rng(2)
    spend = {"social": rng.uniform(15_000, 45_000, 30), "search": rng.uniform(8_000, 30_000, 30)}
    obs = simulate_history(loaded, {"market.seasonality.by_month.1": 1.3}, ["units"],
                           dt.date(2026, 1, 5), 30, PeriodKind.WEEK, 1, spend)
    dates = blank_history(dt.date(2026, 1, 5), 30, PeriodKind.WEEK).dates
    history = write_history(tmp_path / "h.csv", dates, {
        "units": obs["units"], "spend.social": spend["social"], "spend.search": spend["search"]})
    fitted = tmp_path / "fitted.yaml"
    res = _invoke("calibrate", scenario, "--history", history, "--replications", "4",
                  "--param", "market.seasonality.by_month.1=0.7:1.6",
                  "--set", "market.seasonality.by_month.5=0.8", "--out", fitted)
    assert res.exit_code == 0, res.output
    again = mktsim.load(fitted).spec
    by_month = again.market.seasonality.by_month
    assert by_month[5] == 0.8 and by_month[1] != 1.0 and by_month[0] == 1.0
    text = fitted.read_text(encoding="utf-8")
    assert "# flat" in text and "# A small market whose truth is known" in text
    doc = YAML().load(text)
    assert len(doc["market"]["seasonality"]["by_month"]) == 12


def test_optimize_out_keeps_list_item_overrides(tmp_path: Path, tiny_scenario_text: str
                                                ) -> None:
    scenario = tmp_path / "two.yaml"
    text = two_channel_text(tiny_scenario_text).replace(
        "targets:\n", "# what the plan must reach\ntargets:\n", 1)
    scenario.write_text(text, encoding="utf-8")
    best = tmp_path / "best.yaml"
    res = _invoke("optimize", scenario, "--evaluations", "4", "-n", "8", "--verify-reps",
                  "10", "--set", "targets.1.at_least=90", "--out", best)
    assert res.exit_code == 0, res.output
    written = mktsim.load(best)
    assert written.spec.targets[1].at_least == 90
    assert "optimized" in written.spec.strategies
    original = YAML().load(scenario.read_text(encoding="utf-8"))
    doc = YAML().load(best.read_text(encoding="utf-8"))
    assert len(doc["targets"]) == len(original["targets"])  # a list item, not a new key
    assert "# what the plan must reach\ntargets:" in best.read_text(encoding="utf-8")


def test_sweep_store_keeps_list_item_set_and_param(tmp_path: Path, tiny_scenario_text: str
                                                   ) -> None:
    """The sweep's store keeps the scenario it ran (scenario.json): the --set list item in
    place, the --param list item swept."""
    scenario = tmp_path / "tiny.yaml"
    scenario.write_text(tiny_scenario_text, encoding="utf-8")
    out = tmp_path / "sweep"
    res = _invoke("sweep", scenario, "--out", out, "--param", "targets.1.at_least=50:150",
                  "--set", "targets.1.confidence=0.6", "--samples", "3",
                  "--replications", "2")
    assert res.exit_code == 0, res.output
    stored = json.loads((out / "scenario.json").read_text(encoding="utf-8"))
    data = stored.get("data", stored)
    assert isinstance(data["targets"], list) and data["targets"][1]["confidence"] == 0.6
    manifest = (out / "manifest.json").read_text(encoding="utf-8")
    assert "targets.1.at_least" in manifest


def test_track_out_plan_keeps_list_item_overrides(tmp_path: Path) -> None:
    """track --reoptimize --out-plan with a --set of a list item: the plan file holds it."""
    from mktsim.track.synthetic import write_actuals
    from track_fixtures import EVEN_SALES, SMART, model_actuals

    settings = (*EVEN_SALES, "targets.3.at_most=400")
    scenario = mktsim.load(SMART, settings)
    actuals = write_actuals(tmp_path / "a.csv", model_actuals(scenario, 26, 0))
    plan = tmp_path / "h2.yaml"
    sets = [x for s in settings for x in ("--set", s)]
    res = _invoke("track", SMART, *sets, "--actuals", actuals, "-n", "20", "--seed", "5",
                  "--reoptimize", "--evaluations", "3", "--search-reps", "8",
                  "--verify-reps", "10", "--out-plan", plan)
    assert res.exit_code == 0, res.output
    written = mktsim.load(plan)  # without the --set values: they are in the file
    assert written.spec.targets[3].at_most == 400
    text = plan.read_text(encoding="utf-8")
    assert "# Huawei Band 8 [R]" in text  # the source's comments in place
    assert "reoptimized" in written.spec.strategies


def test_a_list_item_the_file_does_not_hold_is_a_clear_error() -> None:
    """A list item is set in place; one of a list the file leaves at its default is
    refused by name (never written as a mapping keyed '7')."""
    import io

    import pytest

    from mktsim.scenario.errors import ScenarioError
    from mktsim.scenario.roundtrip import set_in_document

    yaml = YAML()
    doc = yaml.load("market:\n  seasonality:\n    by_month: [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,"
                    " 1]  # flat\ntargets:\n  - {id: a, at_least: 3}\n")
    set_in_document(doc, "market.seasonality.by_month.7", 0.9)
    set_in_document(doc, "targets.0.at_least", 5)
    out = io.StringIO()
    yaml.dump(doc, out)
    assert "by_month: [1, 1, 1, 1, 1, 1, 1, 0.9, 1, 1, 1, 1] # flat" in out.getvalue()
    assert "{id: a, at_least: 5}" in out.getvalue()
    for path in ("market.size.by_month.7", "targets.3.at_least", "market.competitors.0"):
        bare = yaml.load("market:\n  size: 3\ntargets:\n  - {id: a}\n")
        with pytest.raises(ScenarioError, match="cannot write"):
            set_in_document(bare, path.replace("size.", "seasonality."), 1.0)
