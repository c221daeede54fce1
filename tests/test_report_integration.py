"""Reports made from the folders the real commands write: run, report, sweep and analyze."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner

from mktsim.cli import main
from sweep_fixtures import PARAMS, write_tiny

SCENARIO = """\
name: Mini launch
description: Two segments, two channels, two strategies, sixty days.
horizon_days: 60
start_date: 2027-01-01
currency: EUR
seed: 5
replications: 4
market:
  size: 200_000
  word_of_mouth: {innovation: 0.01, imitation: 0.2}
  segments:
    young: {share: 0.6, initial_awareness: 0.2, purchase_per_year: 0.5}
    older: {share: 0.4, initial_awareness: 0.1, purchase_per_year: 0.3}
products:
  band: {price: 99, unit_cost: 60}
channels:
  social:
    type: online
    department: marketing
    cost: {model: cpm, cpm: 8}
    awareness: {per_year: 0.12, half_saturation: 0.05}
    conversion: {lift: 0.2, half_saturation: 0.08}
  search:
    type: online
    department: marketing
    cost: {model: cpm, cpm: 12}
    awareness: {per_year: 0.05, half_saturation: 0.05}
    conversion: {lift: 0.4, half_saturation: 0.08}
strategies:
  lean: {budget: 50_000, allocation: {social: 0.5, search: 0.5}}
  bold: {budget: 200_000, allocation: {social: 0.7, search: 0.3}}
objectives:
  grow: Grow sales.
  known: Be known.
targets:
  - {id: sales, metric: units, at_least: 390, by: 2027-03-01, level: short,
     serves: grow, confidence: 0.5}
  - {id: aware, metric: brand_awareness, at_least: 0.17, by: 2027-02-15, level: short,
     serves: known, confidence: 0.8}
"""
ALL = ("report.md", "report.html", "report.xlsx")
RUN_SECTIONS = ("summary", "targets", "kpis", "trajectories", "periods", "channels", "budget")


def invoke(*args: str) -> Any:
    """Run the command line in-process."""
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A run written with --report, then reported again into another folder."""
    root = tmp_path_factory.mktemp("integration")
    scenario = root / "mini.yaml"
    scenario.write_text(SCENARIO)
    results = root / "results"
    res = invoke("run", scenario, "-s", "bold", "-n", "8", "--out", results,
                 "--report", "md,html,xlsx", "--format", "json")
    assert res.exit_code == 0, res.output
    other = root / "other"
    res = invoke("report", results, "--format", "md,html,xlsx", "--out", other)
    assert res.exit_code == 0, res.output
    return results, other


class Page(HTMLParser):
    """Section ids, image sources and table ids of an HTML report."""

    def __init__(self) -> None:
        super().__init__()
        self.sections: list[str] = []
        self.images: list[str] = []
        self.tables: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "section":
            self.sections.append(a.get("id") or "")
        elif tag == "img":
            self.images.append(a.get("src") or "")
        elif tag == "table":
            self.tables.append(a.get("id") or "")


def page(path: Path) -> Page:
    parser = Page()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def test_run_and_report_commands_write_every_format(made: tuple[Path, Path]) -> None:
    for folder in made:
        for name in ALL:
            assert (folder / name).stat().st_size > 0, folder / name
        charts = sorted((folder / "report_files").glob("*.png"))
        assert any(p.name == "funnel.png" for p in charts)
        for link in re.findall(r"\]\((report_files/[^)]+)\)", (folder / "report.md").read_text()):
            assert (folder / link).is_file()


def test_workbook_probabilities_equal_run_json(made: tuple[Path, Path]) -> None:
    results = made[0]
    run = json.loads((results / "run.json").read_text())
    assert run["market_size"] == 200_000
    expected = {t["id"]: t["probability"] for t in run["targets"]}
    for folder in made:
        ws = openpyxl.load_workbook(folder / "report.xlsx")["Targets"]
        header = [c.value for c in ws[1]]
        got = {
            row[header.index("Target")]: row[header.index("Probability")]
            for row in ws.iter_rows(min_row=2, values_only=True)
            if row[0] in expected
        }
        assert got == expected


def test_html_holds_the_sections_and_embeds_its_images(made: tuple[Path, Path]) -> None:
    for folder in made:
        html = page(folder / "report.html")
        assert set(RUN_SECTIONS) <= set(html.sections)
        assert html.images and all(s.startswith("data:image/png;base64,") for s in html.images)
        text = (folder / "report.html").read_text()
        assert "http://" not in text and "https://" not in text
        assert "Target sales" in text and "EUR" in text


def test_report_without_out_writes_into_the_results_folder(
    made: tuple[Path, Path], tmp_path: Path
) -> None:
    results, _ = made
    copy = tmp_path / "copy"
    copy.mkdir()
    (copy / "run.json").write_bytes((results / "run.json").read_bytes())
    res = invoke("report", copy, "--format", "xlsx")
    assert res.exit_code == 0, res.output
    assert sorted(p.name for p in copy.iterdir()) == ["report.xlsx", "run.json"]


# ------------------------------------------------------------------------------ errors


def test_malformed_results_exit_2_naming_the_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "run.json").write_text("{ not json")
    out = tmp_path / "out"
    res = invoke("report", bad, "--out", out)
    assert res.exit_code == 2
    assert res.output.startswith("error: run.json: malformed JSON")
    assert len(res.output.strip().splitlines()) == 1
    assert not out.exists()


@pytest.mark.parametrize("setup", ["missing", "empty", "no_kpis"])
def test_not_a_results_folder_exits_2(tmp_path: Path, setup: str) -> None:
    folder = tmp_path / "r"
    if setup != "missing":
        folder.mkdir()
    if setup == "no_kpis":
        (folder / "run.json").write_text('{"kind": "run", "start_date": "2027-01-01"}')
    res = invoke("report", folder, "--format", "html")
    assert res.exit_code == 2
    assert "run.json" in res.output or "no such directory" in res.output
    assert "Traceback" not in res.output
    assert not (folder / "report.html").exists()


def test_unknown_format_exits_2_and_writes_nothing(made: tuple[Path, Path], tmp_path: Path) -> None:
    results, _ = made
    out = tmp_path / "out"
    res = invoke("report", results, "--format", "html,pdf", "--out", out)
    assert res.exit_code == 2
    assert "unknown report format 'pdf'" in res.output
    assert not out.exists()
    res = invoke("run", tmp_path / "none.yaml", "--out", out, "--report", "docx")
    assert res.exit_code == 2 and not out.exists()


def test_help_lists_the_command_with_an_example() -> None:
    assert "report" in invoke("--help").output
    text = invoke("report", "--help").output
    assert "Example" in text and "--format" in text and "--out" in text


# ------------------------------------------------------------------------------- sweeps


@pytest.fixture(scope="module")
def swept(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small finished sweep folder (not analysed yet)."""
    root = tmp_path_factory.mktemp("sweep")
    scenario = write_tiny(root)
    args = ["sweep", scenario, "--out", root / "s", "--replications", "3", "--seed", "3",
            "--samples", "8", "--workers", "1"]
    for p in PARAMS:
        args += ["--param", p]
    res = invoke(*args)
    assert res.exit_code == 0, res.output
    return root / "s"


def test_analyze_rejects_an_unknown_format_before_any_work(swept: Path) -> None:
    res = invoke("analyze", swept, "--report", "html,ppt")
    assert res.exit_code == 2 and "'ppt'" in res.output
    assert not (swept / "analyze.json").exists()
    res = invoke("report", swept)
    assert res.exit_code == 2 and "mktsim analyze" in res.output


def test_analyze_report_has_sensitivity_and_discovery(swept: Path, tmp_path: Path) -> None:
    res = invoke("analyze", swept, "--report", "html", "--format", "json")
    assert res.exit_code == 0, res.output
    analysis = json.loads((swept / "analyze.json").read_text())
    html = page(swept / "report.html")
    assert {"summary", "sensitivity", "about"} <= set(html.sections)
    if analysis["discovery"]:
        assert "discovery" in html.sections
    assert "table-uncertainty" in html.tables and "table-tornado" in html.tables
    assert html.images and all(s.startswith("data:image/png;base64,") for s in html.images)
    text = (swept / "report.html").read_text()
    assert "sales (strategy low)" in text and "Sweep of 8 combinations" in text

    out = tmp_path / "elsewhere"
    res = invoke("analyze", swept, "--report", "xlsx,md", "--report-dir", out)
    assert res.exit_code == 0, res.output
    assert sorted(p.name for p in out.iterdir()) == ["report.md", "report.xlsx", "report_files"]
    ws = openpyxl.load_workbook(out / "report.xlsx")["Uncertainty"]
    header = [c.value for c in ws[1]]
    row = next(ws.iter_rows(min_row=2, values_only=True))
    assert row[header.index("All strategies")] == analysis["targets"]["sales"]["probability"]


def test_results_of_another_scenario_in_the_folder_are_not_reported(tmp_path):
    """compare.json left by one scenario is not mixed into the report of another."""
    from mktsim.cli import main as cli

    scenario = tmp_path / "tiny.yaml"
    from conftest import TINY_SCENARIO

    scenario.write_text(TINY_SCENARIO)
    out = tmp_path / "mix"
    runner = CliRunner()
    assert runner.invoke(cli, ["compare", str(scenario), "--out", str(out), "--max-reps",
                               "10", "--workers", "1"]).exit_code == 0
    same = runner.invoke(cli, ["run", str(scenario), "-n", "3", "--out", str(out),
                               "--report", "md"])
    assert same.exit_code == 0, same.output
    assert "## Strategy comparison" in (out / "report.md").read_text()
    other = runner.invoke(cli, ["run", str(scenario), "-n", "3", "--out", str(out),
                                "--set", "name=Another plan", "--report", "md"])
    assert other.exit_code == 0, other.output
    assert "## Strategy comparison" not in (out / "report.md").read_text()
