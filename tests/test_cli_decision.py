"""`mktsim compare`, `optimize` and `explain` on the command line: outputs, results
folders with reports, and user errors (exit 2, one line, nothing written)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

import mktsim
from mktsim.cli import main
from mktsim.report.tables.compare import strategies_markdown
from test_decision_search import two_channel_text


@pytest.fixture
def two_channels(tmp_path: Path, tiny_scenario_text: str) -> Path:
    path = tmp_path / "two.yaml"
    path.write_text(two_channel_text(tiny_scenario_text), encoding="utf-8")
    return path


def _fails_cleanly(args: list[str], needle: str) -> None:
    res = CliRunner().invoke(main, args)
    assert res.exit_code == 2, res.output
    assert "Traceback" not in res.output
    assert res.exception is None or isinstance(res.exception, SystemExit)
    lines = [line for line in res.output.splitlines()
             if line.strip() and not line.startswith("warning:")]
    assert len(lines) == 1 and lines[0].startswith("error:") and needle in lines[0], res.output


def test_user_errors_exit_2_with_one_line(two_channels: Path, tmp_path: Path) -> None:
    sc = str(two_channels)
    out = tmp_path / "out"
    _fails_cleanly(["compare", sc, "--strategies", " , "], "no strategy given")
    _fails_cleanly(["compare", sc, "--strategies", "steady,pulsd"], "did you mean 'pulsed'")
    _fails_cleanly(["compare", sc, "--against", "stedy"], "did you mean 'steady'")
    _fails_cleanly(["compare", sc, "--out", str(out), "--report", "pdf"], "pdf")
    _fails_cleanly(["compare", sc, "--report", "md"], "--out")
    _fails_cleanly(["optimize", sc, "--mode", "targt"], "did you mean 'target'")
    _fails_cleanly(["optimize", sc, "--out-dir", str(out), "--report", "doc"], "doc")
    _fails_cleanly(["optimize", sc, "--report", "md"], "--out-dir")
    _fails_cleanly(["explain", sc, "--strategy", "nope"], "unknown strategy 'nope'")
    assert not out.exists()


def test_optimize_needs_targets_or_a_decision(tmp_path: Path, tiny_scenario_text: str) -> None:
    text = tiny_scenario_text[: tiny_scenario_text.index("objectives:")]
    path = tmp_path / "bare.yaml"
    path.write_text(text, encoding="utf-8")
    _fails_cleanly(["optimize", str(path)], "add decision:")
    _fails_cleanly(["optimize", str(path), "--mode", "target"], "add a targets: section")


def test_strategies_markdown() -> None:
    text = strategies_markdown([
        {"strategy": "a|b", "p": 0.8123, "profit": 1234567.8, "x": None},
        {"strategy": "c", "p": 1.0, "profit": -5.0, "x": float("nan")}])
    lines = text.splitlines()
    assert lines[0] == "| strategy | p | profit | x |"
    assert lines[1] == "|:---|---:|---:|---:|"
    assert lines[2] == r"| a\|b | 0.8123 | 1,234,568 |  |"
    assert lines[3] == "| c | 1 | -5 |  |"
    assert strategies_markdown([]) == ""


def test_compare_md_csv_and_report(two_channels: Path, tmp_path: Path) -> None:
    base = ["compare", str(two_channels), "--max-reps", "20"]
    md = CliRunner().invoke(main, [*base, "--format", "md"])
    assert md.exit_code == 0, md.output
    rows = [line for line in md.output.splitlines() if line.startswith("|")]
    assert len(rows) == 4 and rows[0].startswith("| strategy | p_best |")
    csv = CliRunner().invoke(main, [*base, "--format", "csv"])
    assert csv.exit_code == 0 and csv.output.splitlines()[0].startswith("strategy,p_best")
    out = tmp_path / "results"
    res = CliRunner().invoke(main, [*base, "--out", str(out), "--report", "md"])
    assert res.exit_code == 0, res.output
    doc = json.loads((out / "compare.json").read_text())
    for key in ("strategies", "reference", "replications", "targets", "all_targets", "kpis",
                "differences", "probability_best", "ranking", "objective"):
        assert key in doc
    assert (out / "run.json").is_file() and (out / "report.md").is_file()
    assert "Strategies compared" in (out / "report.md").read_text() or \
        "compare" in (out / "report.md").read_text().lower()


def test_optimize_results_folder_and_runnable_winner(two_channels: Path, tmp_path: Path) -> None:
    best = tmp_path / "best.yaml"
    out = tmp_path / "results"
    res = CliRunner().invoke(main, ["optimize", str(two_channels), "--evaluations", "6",
                                    "-n", "10", "--verify-reps", "20", "--curves",
                                    "--curve-reps", "10", "--format", "json", "--out",
                                    str(best), "--out-dir", str(out), "--report", "md"])
    assert res.exit_code == 0, res.output
    doc = json.loads((out / "optimize.json").read_text())
    assert doc["kind"] == "optimize" and doc["feasible"] is True and doc["message"]
    assert set(doc["plan"]) == {"budget", "allocation", "headcount"}
    assert abs(sum(doc["plan"]["allocation"].values()) - 1.0) < 1e-9
    assert doc["verified"]["replications"] == 20
    assert {"id", "probability", "interval"} <= set(doc["verified"]["targets"][0])
    assert set(doc["response_curves"]) == set(doc["marginal_roi"]) == {"social", "store"}
    curve = doc["response_curves"]["social"]
    assert curve["multiplier"] == [0.0, 0.5, 1.0, 1.5, 2.0] and len(curve["profit"]) == 5
    assert (out / "report.md").is_file()
    run = mktsim.load(best).run("optimized", 20)
    assert run.run.plan.strategy == "optimized"
    assert run.to_dict()["targets"][0]["id"] == "aware"


def test_explain_json_and_table(two_channels: Path) -> None:
    args = ["explain", str(two_channels), "--strategy", "pulsed", "-n", "20",
            "--curve-reps", "10"]
    res = CliRunner().invoke(main, [*args, "--format", "json"])
    assert res.exit_code == 0, res.output
    doc = json.loads(res.output)
    assert doc["kind"] == "explain" and doc["strategy"] == "pulsed"
    use = doc["leaks"]["teams"]["sales"]["utilisation"]
    assert doc["bottleneck"] == ("sales" if use >= 0.8 else None)
    assert set(doc["leaks"]["channels"]) == {"social", "store"}
    assert "leads_lost_in_handoff" in doc["leaks"]["funnel"]
    assert {r["channel"] for r in doc["curves"]} == {"social", "store"}
    assert set(doc["marginal"]) == {"social", "store"}
    table = CliRunner().invoke(main, [*args, "--no-curves"])
    assert table.exit_code == 0 and "Where the plan leaks" in table.output


def test_compare_and_optimize_say_they_carry_parameter_uncertainty(
        two_channels: Path, tmp_path: Path) -> None:
    uncertain = tmp_path / "uncertain.yaml"
    uncertain.write_text(two_channels.read_text() + (
        "uncertainties:\n  market.word_of_mouth.imitation: '0.1:0.3'\n"), encoding="utf-8")
    base = ["compare", str(uncertain), "--max-reps", "20"]
    table = CliRunner().invoke(main, base)
    assert table.exit_code == 0, table.output
    assert "parameter uncertainty: 1 values drawn per replication" in table.output
    doc = json.loads(CliRunner().invoke(main, [*base, "--format", "json"]).stdout)
    assert doc["parameter_uncertainty"] == ["market.word_of_mouth.imitation"]
    plain = json.loads(CliRunner().invoke(main, ["compare", str(two_channels), "--max-reps",
                                                 "20", "--format", "json"]).stdout)
    assert "parameter_uncertainty" not in plain
    opt = ["optimize", str(uncertain), "--evaluations", "4", "-n", "10", "--verify-reps", "10"]
    res = CliRunner().invoke(main, opt)
    assert res.exit_code == 0, res.output
    assert "parameter uncertainty: 1 values drawn per replication" in res.output
    doc = json.loads(CliRunner().invoke(main, [*opt, "--format", "json"]).stdout)
    assert doc["parameter_uncertainty"] == ["market.word_of_mouth.imitation"]
