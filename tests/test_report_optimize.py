"""The optimisation's new parts in the md/html/xlsx report: search against confirmation
per target, the binding constraints and the month flighting chosen, in English and
Chinese."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import TINY_SCENARIO
from mktsim.cli import main
from mktsim.i18n import use_language
from mktsim.report.load import load_results
from mktsim.report.tables import all_tables
from test_decision_search import two_channel_text


@pytest.fixture(scope="module")
def optimized(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A target optimisation of two channels with month flighting as a lever, its
    results folder with the md, html and xlsx reports."""
    tmp = tmp_path_factory.mktemp("opt")
    path = tmp / "two.yaml"
    path.write_text(two_channel_text(TINY_SCENARIO, sold=6400, sold_confidence=0.8))
    out = tmp / "results"
    res = CliRunner().invoke(main, [
        "optimize", str(path), "--mode", "target", "--evaluations", "30", "--verify-reps",
        "120", "--set", "decision.levers.flighting.by=month",
        "--set", "decision.levers.flighting.min=0.5", "--set", "decision.levers.flighting.max=2",
        "--out-dir", str(out), "--report", "md,html,xlsx", "--workers", "1"])
    assert res.exit_code == 0, res.output
    return out


def test_report_tables_carry_search_against_confirmation(optimized: Path) -> None:
    doc = json.loads((optimized / "optimize.json").read_text())
    tables = all_tables(load_results(optimized))
    table = tables["confirmation"].frame
    checks = {t["id"]: t for t in doc["confirmation"]["targets"]}
    assert len(table) == len(checks)
    lower = table["Lower bound (one-sided 95%)"].tolist()
    assert lower == [t["lower"] for t in checks.values()]
    passes = table["Passes"].tolist()
    assert passes == ["yes" if t["passes"] else "no" for t in checks.values()]
    assert table["Confirmation runs"].tolist() == [t["replications"] for t in checks.values()]
    assert (table["Search probability"].notna()).all()
    flighting = tables["flighting"].frame
    chosen = doc["flighting"]["channels"]
    assert doc["flighting"]["per_channel"] and len(chosen) == 2  # a curve per channel
    results = load_results(optimized)
    for channel, curve in chosen.items():
        assert flighting[results.label("channels", channel)].tolist() == curve["weights"]
    money = flighting[next(c for c in flighting.columns if c.startswith("Media money"))]
    assert money.tolist() == pytest.approx(
        [sum(c["money"][m] for c in chosen.values()) for m in range(12)])
    assert sum(money) == pytest.approx(doc["plan"]["budget"], rel=1e-6)
    assert ("binding" in tables) == bool(doc.get("binding"))


def test_md_html_and_xlsx_show_the_new_parts(optimized: Path) -> None:
    from openpyxl import load_workbook

    md = (optimized / "report.md").read_text(encoding="utf-8")
    assert "search against confirmation" in md and "Lower bound (one-sided 95%)" in md
    assert "flighting by month" in md
    html = (optimized / "report.html").read_text(encoding="utf-8")
    assert "search against confirmation" in html and "<img" in html
    sheets = load_workbook(optimized / "report.xlsx").sheetnames
    assert "Plan confirmation" in sheets and "Flighting" in sheets


def test_the_tables_speak_chinese(optimized: Path) -> None:
    with use_language("zh"):
        tables = all_tables(load_results(optimized))
        heads = list(tables["confirmation"].frame.columns)
        title = tables["confirmation"].title
        flighting = tables["flighting"]
    assert all(not h.isascii() for h in heads) and not title.isascii()
    assert not flighting.title.isascii() and not flighting.note.isascii()
