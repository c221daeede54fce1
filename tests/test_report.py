"""Report writers checked against the numbers of synthetic results folders."""

from __future__ import annotations

import base64
import json
import re
import struct
from collections import defaultdict
from datetime import date, datetime
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pytest

from mktsim.report import ReportError, load_results, write_report
from mktsim.report.fmt import format_date, format_money, format_percent
from mktsim.report.load import parse_run
from mktsim.report.sections import LAYOUT, display_tables
from mktsim.report.summary import executive_summary
from mktsim.report.tables import Table, aggregate, all_tables
from report_fixtures import KPI_META, MONTHLY_BUDGET, write_results

ALL = ["md", "html", "xlsx"]


@pytest.fixture(scope="module")
def full(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    """A results folder with every optional part, and its report in all formats."""
    folder = tmp_path_factory.mktemp("full")
    docs = write_results(folder, track=True)
    write_report(folder, ALL)
    return folder, docs


@pytest.fixture(scope="module")
def minimal(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    """Only run.json without optional keys; report written to a separate folder."""
    folder = tmp_path_factory.mktemp("minimal")
    docs = write_results(
        folder / "results",
        optional=False,
        compare=False,
        optimize=False,
        analyze=False,
        days=120,
        reps=60,
        kpis=("revenue", "brand_awareness", "cac", "customers", "loyalty_members"),
    )
    write_report(folder / "results", ALL, out_dir=folder / "out")
    return folder / "out", docs


# ----------------------------------------------------------------- hand computations


def by_period(run: dict[str, Any], name: str, quarter: bool = False) -> dict[str, float]:
    """Monthly (or quarterly) value of a KPI's mean series, computed with plain loops."""
    values: dict[str, list[float]] = defaultdict(list)
    for day, value in zip(run["series"]["date"], run["series"][name]["mean"], strict=True):
        d = date.fromisoformat(day)
        key = f"{d.year}-Q{(d.month - 1) // 3 + 1}" if quarter else f"{d.year}-{d.month:02d}"
        values[key].append(value)
    kind = KPI_META[name][1]
    if kind == "flow":
        return {k: sum(v) for k, v in values.items()}
    return {k: v[-1] for k, v in values.items()}  # stocks and to-date ratios


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height from a PNG header."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


# ---------------------------------------------------------------------------- load


def test_load_reads_run_and_companions(full: tuple[Path, dict[str, Any]]) -> None:
    folder, docs = full
    r = load_results(folder)
    run = docs["run"]
    assert r.name == run["name"] and r.currency == "CNY" and r.replications == run["replications"]
    assert r.start_date == date(2027, 1, 1)
    assert {k: v.mean for k, v in r.kpis.items()} == {k: v["mean"] for k, v in run["kpis"].items()}
    assert [t.probability for t in r.targets] == [t["probability"] for t in run["targets"]]
    assert r.targets[0].by == date(2027, 12, 31)
    assert r.series is not None and len(r.series.dates) == run["horizon_days"]
    assert r.channels[0].spend == run["channels"][0]["spend"]["mean"]
    assert r.decisions[0].date == date(2027, 1, 31)
    assert r.compare is not None and r.optimize is not None and r.analyze is not None


@pytest.mark.parametrize(
    ("mutate", "fragment"),
    [
        (lambda f: (f / "run.json").unlink(), "run.json is missing"),
        (
            lambda f: (f / "run.json").write_text('{"kind": "run", ', encoding="utf-8"),
            "run.json: malformed JSON",
        ),
        (
            lambda f: (f / "compare.json").write_text("[1, 2", encoding="utf-8"),
            "compare.json: malformed JSON",
        ),
        (
            lambda f: (f / "optimize.json").write_text('{"kind": "optimize"}', encoding="utf-8"),
            "optimize.json: missing key 'plan'",
        ),
        (lambda f: _edit_run(f, lambda d: d.pop("kpis")), "run.json: missing key 'kpis'"),
        (
            lambda f: _edit_run(f, lambda d: d.update(kind="compare")),
            "run.json: 'kind' is 'compare'",
        ),
        (
            lambda f: _edit_run(f, lambda d: d["series"]["revenue"]["mean"].pop()),
            "series.revenue.mean",
        ),
        (
            lambda f: _edit_run(f, lambda d: d["targets"][0].update(by="end of year")),
            "targets[0].by",
        ),
    ],
)
def test_bad_folder_names_the_file(tmp_path: Path, mutate: Any, fragment: str) -> None:
    write_results(tmp_path, days=40, reps=20)
    mutate(tmp_path)
    with pytest.raises(ReportError, match=re.escape(fragment)):
        load_results(tmp_path)


def _edit_run(folder: Path, change: Any) -> None:
    data = json.loads((folder / "run.json").read_text(encoding="utf-8"))
    change(data)
    (folder / "run.json").write_text(json.dumps(data), encoding="utf-8")


def test_not_a_folder(tmp_path: Path) -> None:
    with pytest.raises(ReportError, match="not a results folder"):
        write_report(tmp_path / "nowhere", ["md"])
    with pytest.raises(ReportError, match=r"run\.json"):
        write_report(tmp_path, ["md"])
    assert list(tmp_path.iterdir()) == []


def test_unknown_format_writes_nothing(tmp_path: Path) -> None:
    write_results(tmp_path, days=40, reps=20)
    before = sorted(p.name for p in tmp_path.iterdir())
    with pytest.raises(ReportError, match="'pdf'"):
        write_report(tmp_path, ["md", "pdf"])
    assert sorted(p.name for p in tmp_path.iterdir()) == before


def test_failure_leaves_no_half_report(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import mktsim.report.excel as excel

    write_results(
        tmp_path, days=40, reps=20, compare=False, optimize=False, analyze=False, kpis=["revenue"]
    )
    before = sorted(p.name for p in tmp_path.iterdir())

    def broken(*_args: Any) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(excel, "write_workbook", broken)
    with pytest.raises(RuntimeError):
        write_report(tmp_path, ALL)
    assert sorted(p.name for p in tmp_path.iterdir()) == before


def test_rewrite_replaces_old_images(tmp_path: Path) -> None:
    write_results(
        tmp_path, days=40, reps=20, compare=False, optimize=False, analyze=False, kpis=["revenue"]
    )
    stale = tmp_path / "report_files" / "stale.png"
    stale.parent.mkdir()
    stale.write_bytes(b"old")
    paths = write_report(tmp_path, "md,html")
    assert paths == [tmp_path / "report.md", tmp_path / "report.html"]
    assert not stale.exists() and (tmp_path / "report_files" / "fan_revenue.png").exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".report-")]


def test_optimize_alternative_keys(tmp_path: Path) -> None:
    """``strategy``/``reached``/``notes``/``marginal`` stand in for plan/feasible/message."""
    write_results(tmp_path, days=40, reps=20, compare=False, optimize=False, analyze=False)
    doc = {
        "kind": "optimize",
        "mode": "target",
        "budget": 2.0e7,
        "team_cost": 1.0e6,
        "total_cost": 2.1e7,
        "evaluations": 80,
        "reached": False,
        "notes": ["target sales_up out of reach"],
        "strategy": {"allocation": {"kol": 0.25, "search": 0.75}, "headcount": {"sales": 4}},
        "verified": {"replications": 400, "targets": [{"id": "sales_up", "probability": 0.4}]},
        "marginal": {"kol": {"spend": 5.0e6, "profit_per_money": 0.8}},
    }
    (tmp_path / "optimize.json").write_text(json.dumps(doc), encoding="utf-8")
    results = load_results(tmp_path)
    tables = all_tables(results)
    plan = tables["plan"].frame
    assert list(plan["Budget (CNY)"]) == [5.0e6, 1.5e7]
    assert tables["marginal"].frame.iloc[0].to_dict() == {
        "Channel": "KOL",
        "Spend (CNY)": 5.0e6,
        "Profit per money": 0.8,
    }
    text = " ".join(executive_summary(results))
    assert "No plan found meets every target at the required confidence: target sales_up" in text


def test_tornado_on_a_target_is_in_percent(full: tuple[Path, dict[str, Any]]) -> None:
    folder, _ = full
    results = load_results(folder)
    table = all_tables(results)["tornado"]
    rows = [i for i, o in enumerate(table.frame["Output"]) if o == "sales_up"]
    assert rows and all(table.kind("Swing", i) == "percent" for i in rows)
    assert table.kind("Swing", 0) == "money"


# ----------------------------------------------------------------------- aggregation


def test_aggregation_rules_on_a_tiny_case() -> None:
    run = {
        "kind": "run",
        "start_date": "2027-01-30",
        "horizon_days": 3,
        "replications": 1,
        "kpis": {
            "sales": {"mean": 7, "unit": "units", "kind": "flow"},
            "aware": {"mean": 7, "unit": "count", "kind": "stock"},
            "roi": {"mean": 3, "unit": "ratio", "kind": "ratio"},
        },
        "series": {
            "day": [0, 1, 2],
            "date": ["2027-01-30", "2027-01-31", "2027-02-01"],
            "sales": {"mean": [1, 2, 4]},
            "aware": {"mean": [5, 6, 7]},
            "roi": {"mean": [1, 3, 5]},
        },
    }
    monthly = aggregate(parse_run(run, Path(".")), "M")
    assert monthly.loc["2027-01"].to_dict() == {"sales": 3, "aware": 6, "roi": 3}
    assert monthly.loc["2027-02"].to_dict() == {"sales": 4, "aware": 7, "roi": 5}


def test_monthly_and_quarterly_aggregation_match_hand_computation(
    full: tuple[Path, dict[str, Any]],
) -> None:
    folder, docs = full
    results = load_results(folder)
    for quarter, freq in ((False, "M"), (True, "Q")):
        table = aggregate(results, freq)
        for name in ("revenue", "brand_awareness", "marketing_roi", "cac", "customers"):
            expected = by_period(docs["run"], name, quarter)
            assert list(table.index) == list(expected)
            for period, value in expected.items():
                assert table.loc[period, name] == pytest.approx(value, rel=1e-12)


# --------------------------------------------------------------------------- summary


def test_money_and_number_formats() -> None:
    assert format_money(12_345_678, "CNY") == "CNY 12.3 M"
    assert format_money(830_000, "CNY") == "CNY 830,000"
    assert format_money(2_345_600_000, "EUR") == "EUR 2,345.6 M"
    assert format_money(-1_500_000, "CNY") == "CNY -1.5 M"
    assert format_percent(0.842) == "84%"
    assert format_date(date(2027, 12, 31)) == "31 Dec 2027"


def test_summary_sentences_hold_the_numbers(full: tuple[Path, dict[str, Any]]) -> None:
    folder, docs = full
    text = "\n".join(executive_summary(load_results(folder)))
    run = docs["run"]
    for t in run["targets"]:
        lo, hi = t["interval"]
        assert f"{t['probability'] * 100:.0f}% probability ({lo * 100:.0f}–{hi * 100:.0f}%)" in text
        assert format_date(date.fromisoformat(t["by"])) in text
    joint = docs["compare"]["all_targets"]["digital_first"]
    n = len(run["targets"])
    assert (
        f"meets all {n} targets together with {joint['probability'] * 100:.0f}% probability "
        f"({joint['interval'][0] * 100:.0f}–{joint['interval'][1] * 100:.0f}%)"
    ) in text
    met = sum(t["met"] for t in run["targets"])
    assert 0 < met < n and f"it meets {met} of {n} targets at the required confidence" in text
    assert "CAC at most CNY 175 by 30 Jun 2027" in text
    revenue = run["kpis"]["revenue"]
    assert f"CNY {revenue['mean'] / 1e6:.1f} M" in text
    assert f"CNY {revenue['p95'] / 1e6:.1f} M" in text
    assert f"CNY {docs['optimize']['total_cost'] / 1e6:.1f} M" in text
    assert "sales_up target fails in 83% of runs" in text
    assert "cut_weak_channels acted most often (0.6 times per run on average" in text


def test_summary_without_companions(minimal: tuple[Path, dict[str, Any]]) -> None:
    out, docs = minimal
    results = load_results(out.parent / "results")
    text = " ".join(executive_summary(results))
    met = sum(t["met"] for t in docs["run"]["targets"])
    assert "together" not in text
    expected = "none of the 3 targets" if met == 0 else f"{met} of 3 targets"
    assert f"meets {expected} at the required confidence." in text
    assert "strategies compared" not in text and "optimised plan" not in text


# -------------------------------------------------------------------------- markdown


def markdown_tables(text: str) -> dict[str, list[dict[str, str]]]:
    """Pipe tables by the heading above them, rows as dicts of cell text."""
    tables: dict[str, list[dict[str, str]]] = {}
    heading, lines = "", text.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.startswith("#"):
            heading = line.lstrip("#").strip()
        elif (
            line.startswith("|")
            and i + 1 < len(lines)
            and re.fullmatch(r"\|(:?-+:?\|)+", lines[i + 1])
        ):
            header = _cells(line)
            rows = []
            i += 2
            while i < len(lines) and lines[i].startswith("|"):
                rows.append(dict(zip(header, _cells(lines[i]), strict=True)))
                i += 1
            tables[heading] = rows
            continue
        i += 1
    return tables


def _cells(line: str) -> list[str]:
    return [c.strip().replace("\\|", "|") for c in re.split(r"(?<!\\)\|", line.strip())[1:-1]]


def period_rows(
    tables: dict[str, list[dict[str, str]]], title: str, key: str
) -> list[dict[str, str]]:
    """Rows of a period table, joining the parts a wide table is split into."""
    rows: dict[str, dict[str, str]] = {}
    for heading, part in tables.items():
        if heading == title or heading.startswith(f"{title}: "):
            for row in part:
                rows.setdefault(row[key], {}).update(row)
    return list(rows.values())


def number(text: str) -> float:
    """Parse a table cell back: ``76.0%`` -> 0.76, ``63,503,548`` -> 63503548."""
    if text.endswith("%"):
        return float(text[:-1].replace(",", "")) / 100
    return float(text.replace(",", ""))


def test_markdown_tables_match_results(full: tuple[Path, dict[str, Any]]) -> None:
    folder, docs = full
    tables = markdown_tables((folder / "report.md").read_text(encoding="utf-8"))
    run = docs["run"]
    targets = tables["Targets"]
    assert [r["Target"] for r in targets] == [t["id"] for t in run["targets"]]
    for row, t in zip(targets, run["targets"], strict=True):
        assert number(row["Probability"]) == pytest.approx(t["probability"], abs=5e-4)
        assert number(row["95% low"]) == pytest.approx(t["interval"][0], abs=5e-4)
        assert row["Deadline"] == t["by"]
    kpis = {r["KPI"]: r for r in tables["Key results at the horizon"]}
    assert number(kpis["Revenue"]["Expected (mean)"]) == pytest.approx(
        run["kpis"]["revenue"]["mean"], abs=0.5
    )
    assert number(kpis["Brand awareness"]["Median"]) == pytest.approx(
        run["kpis"]["brand_awareness"]["p50"], abs=5e-4
    )
    assert number(kpis["Marketing ROI"]["High (95th pct)"]) == pytest.approx(
        run["kpis"]["marketing_roi"]["p95"], abs=5e-3
    )
    monthly = period_rows(tables, "Results by month", "Month")
    assert {"Revenue (CNY)", "Brand awareness (%)", "Customers (count)"} <= set(monthly[0])
    for row in monthly:
        assert number(row["Revenue (CNY)"]) == pytest.approx(
            by_period(run, "revenue")[row["Month"]], abs=0.5
        )
    decisions = tables["Decision log"]
    assert [r["Action"] for r in decisions] == ["shift budget", "raise budget (no budget left)"]
    assert [number(r["Share of runs"]) for r in decisions] == [0.62, 0.18]
    (move,) = tables["Competitor moves"]
    assert move["Action"] == "match our price cut" and number(move["Share of runs"]) == 0.9
    (promo,) = tables["Promotions: gross lift, dip and net lift"]
    assert number(promo["Net lift (units)"]) == (
        number(promo["Gross lift (units)"]) - number(promo["Dip after (units)"]))
    budget = {r["Month"]: r for r in tables["Budget by channel and month"]}
    assert number(budget["Total"]["Total (CNY)"]) == pytest.approx(
        sum(MONTHLY_BUDGET.values()) * 12
    )
    assert number(budget["2027-03"]["KOL (CNY)"]) == MONTHLY_BUDGET["kol"]


def test_reoptimized_rest_of_the_year_tables_match_track_json(
    full: tuple[Path, dict[str, Any]],
) -> None:
    folder, docs = full
    reopt = docs["track"]["reoptimize"]
    tables = markdown_tables((folder / "report.md").read_text(encoding="utf-8"))
    money = {r["Channel"]: r for r in tables["Rest of the year from 2027-07-02: money per channel"]}
    assert number(money["KOL"]["New plan after (CNY)"]) == reopt["channels"][0]["after"]
    assert number(money["All media"]["Change (CNY)"]) == pytest.approx(2.5e6)
    targets = {r["Target"]: r for r in tables["Rest of the year: targets given the actuals"]}
    assert number(targets["sales_up"]["New plan"]) == pytest.approx(0.86, abs=5e-4)
    assert targets["awareness_h1"]["Verdict"] == "deadline before the as-of date"
    text = (folder / "report.md").read_text(encoding="utf-8")
    assert "Hire on 2027-07-02: 2 sales_reps." in text
    wb = openpyxl.load_workbook(folder / "report.xlsx")
    rows = sheet_rows(wb["Rest of year plan"])
    assert rows[1]["Channel"].value == "Search" and rows[1]["Change (CNY)"].value == 1.0e6


def test_wide_period_tables_are_split_by_unit() -> None:
    columns = {f"M{i} (CNY)": [1.0] for i in range(12)} | {f"S{i} (%)": [0.5] for i in range(3)}
    kinds: dict[str, str | list[str]] = {c: "money" if "CNY" in c else "percent" for c in columns}
    wide = Table(
        "monthly", "Results by month", pd.DataFrame({"Month": ["2027-01"], **columns}), kinds
    )
    parts = display_tables(wide)
    assert [p.title for p in parts] == ["Results by month: money"] * 2 + [
        "Results by month: shares and ratios"
    ]
    assert all(p.frame.columns[0] == "Month" and len(p.frame.columns) <= 10 for p in parts)
    assert [c for p in parts for c in list(p.frame.columns)[1:]] == list(columns)
    assert len(display_tables(Table("targets", "Targets", wide.frame, kinds))) == 1


def test_markdown_images_exist(full: tuple[Path, dict[str, Any]]) -> None:
    folder, _ = full
    text = (folder / "report.md").read_text(encoding="utf-8")
    linked = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", text)
    assert linked and all((folder / link).is_file() for link in linked)
    assert sorted(linked) == sorted(
        f"report_files/{p.name}" for p in (folder / "report_files").iterdir()
    )


def test_sections_only_when_data_exists(minimal: tuple[Path, dict[str, Any]]) -> None:
    out, _ = minimal
    text = (out / "report.md").read_text(encoding="utf-8")
    headings = re.findall(r"^## (.+)$", text, flags=re.M)
    assert headings == [
        "Summary",
        "Targets",
        "Key results",
        "Trajectories",
        "Results by month and quarter",
        "About these results",
    ]
    assert not (out.parent / "results" / "report.md").exists()


# ------------------------------------------------------------------------------ html


class Collector(HTMLParser):
    """Headings, image sources and every src/href value of an HTML page."""

    def __init__(self) -> None:
        super().__init__()
        self.headings: dict[str, list[str]] = defaultdict(list)
        self.images: list[str] = []
        self.links: list[str] = []
        self.cells: list[str] = []
        self._tag = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._tag = tag
        for key, value in attrs:
            if key in ("src", "href", "srcset", "data", "action", "poster"):
                self.links.append(value or "")
                if tag == "img" and key == "src":
                    self.images.append(value or "")

    def handle_data(self, data: str) -> None:
        if self._tag in ("h1", "h2", "h3"):
            self.headings[self._tag].append(data.strip())
        elif self._tag == "td":
            self.cells.append(data.strip())

    def handle_endtag(self, tag: str) -> None:
        self._tag = ""


def parse_html(path: Path) -> tuple[Collector, str]:
    text = path.read_text(encoding="utf-8")
    parser = Collector()
    parser.feed(text)
    parser.close()
    return parser, text


def test_html_is_self_contained(full: tuple[Path, dict[str, Any]]) -> None:
    folder, docs = full
    page, text = parse_html(folder / "report.html")
    assert page.headings["h2"] == [heading for _, heading, _ in LAYOUT]
    assert any(h.startswith("Results by month") for h in page.headings["h3"])
    assert len(page.images) == len(list((folder / "report_files").iterdir()))
    for src in page.images:
        assert src.startswith("data:image/png;base64,")
        assert png_size(base64.b64decode(src.split(",", 1)[1])) == (1600, 900)
    for link in page.links:
        assert link.startswith(("data:", "#")), link
    assert not re.search(r"https?://|url\(\s*['\"]?(?!data:)|@import", text)
    assert "@media print" in text and "break-before: page" in text
    probability = f"{docs['run']['targets'][0]['probability'] * 100:.1f}%"
    assert probability in page.cells


def test_html_sections_follow_data(minimal: tuple[Path, dict[str, Any]]) -> None:
    out, _ = minimal
    page, _ = parse_html(out / "report.html")
    assert page.headings["h2"] == [
        "Summary",
        "Targets",
        "Key results",
        "Trajectories",
        "Results by month and quarter",
        "About these results",
    ]


# ----------------------------------------------------------------------------- excel


def sheet_rows(ws: Any) -> list[dict[str, Any]]:
    """Rows under the header as dicts, up to the first empty row."""
    header = [c.value for c in ws[1]]
    rows = []
    for row in ws.iter_rows(min_row=2):
        if row[0].value is None:
            break
        rows.append({h: c for h, c in zip(header, row, strict=True)})
    return rows


def test_workbook_numbers_and_formats(full: tuple[Path, dict[str, Any]]) -> None:
    folder, docs = full
    wb = openpyxl.load_workbook(folder / "report.xlsx")
    run = docs["run"]
    assert wb.sheetnames[0] == "Summary"
    assert {
        "Targets",
        "KPIs",
        "By month",
        "By quarter",
        "Budget",
        "Comparison",
        "Plan",
        "Tornado",
        "Discovery",
    } <= set(wb.sheetnames)
    assert wb["Summary"]["A1"].value == run["name"]
    sentences = [c.value for c in wb["Summary"]["A"] if isinstance(c.value, str)]
    assert any("together with 71% probability" in s for s in sentences)

    targets = sheet_rows(wb["Targets"])
    for row, t in zip(targets, run["targets"], strict=True):
        assert row["Probability"].value == t["probability"]
        assert row["Probability"].number_format == "0.0%"
        assert row["95% high"].value == t["interval"][1]
        assert row["Deadline"].value == datetime.fromisoformat(t["by"])
        unit_format = "0.0%" if KPI_META[t["metric"]][0] == "share" else "#,##0"
        assert row["Threshold"].number_format == unit_format

    kpis = {r["KPI"].value: r for r in sheet_rows(wb["KPIs"])}
    assert kpis["Revenue"]["Expected (mean)"].value == run["kpis"]["revenue"]["mean"]
    assert kpis["Revenue"]["Expected (mean)"].number_format == "#,##0"
    assert kpis["Brand awareness"]["Low (5th pct)"].value == run["kpis"]["brand_awareness"]["p5"]

    monthly = sheet_rows(wb["By month"])
    expected = by_period(run, "revenue")
    for row in monthly:
        cell = row["Revenue (CNY)"]
        assert isinstance(cell.value, float) and cell.number_format == "#,##0"
        assert cell.value == pytest.approx(expected[row["Month"].value], rel=1e-12)
        assert row["Brand awareness (%)"].number_format == "0.0%"


def test_workbook_layout_and_charts(full: tuple[Path, dict[str, Any]]) -> None:
    folder, _ = full
    wb = openpyxl.load_workbook(folder / "report.xlsx")
    for name in wb.sheetnames[1:]:
        ws = wb[name]
        assert ws.freeze_panes == "B2", name
        assert all(isinstance(c.value, str) for c in ws[1] if c.value is not None)
        assert ws.column_dimensions["A"].width >= 10
    # openpyxl keeps charts of a loaded workbook only in the package; read the parts.
    import zipfile

    with zipfile.ZipFile(folder / "report.xlsx") as z:
        charts = [z.read(n).decode() for n in z.namelist() if n.startswith("xl/charts/chart")]
    line = [c for c in charts if re.search(r"<(\w+:)?lineChart>", c)]
    bar = [c for c in charts if re.search(r"<(\w+:)?barChart>", c)]
    assert line and all("'By month'!" in c for c in line)
    assert any("'Budget'!" in c and re.search(r'grouping val="stacked"', c) for c in bar)


def test_workbook_without_optional_sheets(minimal: tuple[Path, dict[str, Any]]) -> None:
    out, _ = minimal
    wb = openpyxl.load_workbook(out / "report.xlsx")
    assert wb.sheetnames == ["Summary", "Targets", "KPIs", "By month", "By quarter"]
