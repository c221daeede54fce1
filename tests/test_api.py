"""The Python API: every command's method, results in memory or in a folder, typed
documents that writers and the report share."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import mktsim
from mktsim.decision.compare import compare
from mktsim.documents import (
    FUNNEL,
    LEAKS,
    CompareDocument,
    ExplainDocument,
    OptimizeDocument,
    RunDocument,
)
from mktsim.engine.layout import LEAK_NAMES
from mktsim.report import load_results
from test_decision_search import two_channel_text

ROOT = Path(__file__).resolve().parents[1]


SRC = Path(__file__).parents[1] / "src" / "mktsim"


@pytest.fixture
def scenario(tmp_path: Path, tiny_scenario_text: str) -> mktsim.Scenario:
    path = tmp_path / "two.yaml"
    path.write_text(two_channel_text(tiny_scenario_text), encoding="utf-8")
    return mktsim.load(path)


def test_run_frame_is_the_kpi_table_and_out_writes_a_readable_folder(
        scenario: mktsim.Scenario, tmp_path: Path) -> None:
    run = scenario.run(replications=12, seed=3, out=tmp_path / "res")
    frame = run.frame()
    assert list(frame.columns[:5]) == ["kpi", "mean", "p5", "p50", "p95"]
    assert frame.set_index("kpi")["mean"].equals(run.kpis()["mean"])
    on_disk = json.loads((tmp_path / "res" / "run.json").read_text())
    assert on_disk == json.loads(json.dumps(run.to_dict()))
    read = load_results(tmp_path / "res")
    assert read.kpis["profit"].mean == pytest.approx(run.kpis().loc["profit", "mean"])
    # the writer's document and the reader's are one type: a round trip changes nothing
    assert RunDocument.from_dict(on_disk).to_dict() == on_disk


def test_compare_is_the_decision_comparison_with_a_frame(scenario: mktsim.Scenario) -> None:
    result = scenario.compare(max_reps=20, seed=5)
    direct = compare(scenario, max_reps=20, seed=5)
    doc = result.to_dict()
    assert doc["probability_best"] == direct.to_dict()["probability_best"]
    assert doc["scenario_hash"] == scenario.loaded.content_hash
    frame = result.frame()
    assert list(frame["strategy"]) == scenario.strategies
    assert frame["p_best"].sum() == pytest.approx(1.0)
    assert CompareDocument.from_dict(doc).to_dict() == doc
    # the tables the command shows come from the library, drawn from the same document
    lines = result.markdown().splitlines()
    assert lines[0].startswith("| strategy | p_best | p_all_targets |")
    assert len(lines) == 2 + len(scenario.strategies)
    tables = {t.key: t for t in result.tables()}
    assert list(tables)[:2] == ["comparison", "comparison_kpis"] and "ranking" in tables
    assert len(tables["comparison"].frame) == len(doc["targets"]) + 1  # and all targets
    assert len(tables["ranking"].frame) == len(scenario.strategies)


def test_optimize_document_has_one_spelling_per_key(scenario: mktsim.Scenario,
                                                     tmp_path: Path) -> None:
    result = scenario.optimize(evaluations=4, replications=5, verify_reps=10, seed=1,
                               out=tmp_path / "opt")
    doc = json.loads((tmp_path / "opt" / "optimize.json").read_text())
    assert {"plan", "feasible", "message"} <= set(doc)
    assert not {"strategy", "reached", "notes"} & set(doc)
    assert OptimizeDocument.from_dict(doc).to_dict() == doc
    frame = result.frame()
    assert frame["share"].sum() == pytest.approx(1.0)
    assert frame["money"].sum() == pytest.approx(doc["plan"]["budget"])


def test_older_optimize_files_are_read_in_todays_spelling() -> None:
    old = {"kind": "optimize", "mode": "target", "strategy": {"allocation": {"a": 1.0}},
           "budget": 100.0, "reached": False, "notes": ["x out of reach", "y"]}
    doc = OptimizeDocument.from_dict(old)
    assert doc.plan == {"allocation": {"a": 1.0}, "budget": 100.0}
    assert doc.feasible is False and doc.message == "x out of reach; y"


def test_explain_speaks_the_one_leak_vocabulary(scenario: mktsim.Scenario) -> None:
    result = scenario.explain(replications=10, curves=False, seed=2)
    doc = result.to_dict()
    assert list(doc["leaks"]["funnel"]) == list(FUNNEL)
    assert set(FUNNEL) <= set(LEAKS) <= set(LEAK_NAMES)
    # the funnel's numbers are the run's leak counters under the same names
    assert doc["leaks"]["funnel"] == {k: pytest.approx(v) for k, v in result.run.leaks().items()
                                      if k in FUNNEL}
    assert set(result.frame()["leak"]) == set(FUNNEL)
    assert ExplainDocument.from_dict(doc).to_dict() == doc


def test_sweep_in_memory_equals_the_sweep_in_a_folder(scenario: mktsim.Scenario,
                                                      tmp_path: Path) -> None:
    params = ["channels.store.cost.cpc=1.0:3.0"]
    mem = scenario.sweep(params, method="mc", samples=3, replications=2, seed=9)
    disk = scenario.sweep(params, method="mc", samples=3, replications=2, seed=9,
                          out=tmp_path / "sw")
    pd.testing.assert_frame_equal(mem.frame().sort_values(["point", "strategy", "replication"])
                                  .reset_index(drop=True),
                                  disk.frame().sort_values(["point", "strategy", "replication"])
                                  .reset_index(drop=True))
    analysis = disk.analyze()
    assert (tmp_path / "sw" / "analyze.json").is_file()
    assert analysis.to_dict() == mktsim.analyze(tmp_path / "sw").to_dict()
    assert not np.any(analysis.frame()["probability"] > 1.0)
    tables = analysis.tables(translate=False)
    assert [t.key for t in tables] == list(analysis.frames())
    assert len(tables[0].frame) == len(analysis.frame())
    assert analysis.markdown().startswith("## targets\n\n| target | probability | runs |")
    assert analysis.csv().startswith("# targets\ntarget,probability,runs")


def test_decision_does_not_import_the_api() -> None:
    for path in (SRC / "decision").glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                target = "." * node.level + (node.module or "")
                assert target not in ("..api", "mktsim.api"), path
                assert not target.startswith(("..api.", "mktsim.api.", "..cli")), path


def test_init_writes_a_template_that_loads_and_refuses_to_overwrite(tmp_path):
    from mktsim.scenario.errors import ScenarioError

    assert "smart-band" in mktsim.api.templates()
    path = mktsim.api.init("bass", tmp_path, lang="en")
    assert path == tmp_path / "bass.yaml"
    assert mktsim.load(path).strategies
    with pytest.raises(ScenarioError, match="file exists"):
        mktsim.api.init("bass", tmp_path)
    assert mktsim.api.init("bass", tmp_path, force=True) == path


def test_schema_is_the_json_schema_of_scenario_files():
    schema = mktsim.api.schema()
    assert schema["type"] == "object"
    assert {"market", "channels", "strategies", "targets"} <= set(schema["properties"])


def test_run_size_is_what_the_progress_of_run_counts(tmp_path):
    sc = mktsim.load(ROOT / "scenarios" / "smart_band.yaml")
    counted: list[int] = []
    result = sc.run("baseline", replications=6, seed=2, progress=counted.append,
                    incremental_reps=3, out=tmp_path / "out", reports=["md"])
    assert sum(counted) == sc.run_size("baseline", 6, incremental_reps=3) > 6
    assert sc.run_size("baseline", 6, incremental=False) == 6
    assert {p.name for p in result.written} >= {"run.json", "report.md"}
    assert all(p.exists() for p in result.written)
