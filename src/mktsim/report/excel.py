"""Excel workbook: a Summary sheet, one sheet per table, native Excel charts.

Cells hold real numbers (shares as fractions shown with ``0.0%``, money as
amounts shown with ``#,##0`` and the currency in the header), header rows are
frozen and filterable, so the numbers can be reused in other workbooks.
"""

from __future__ import annotations

import math
from datetime import date
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from mktsim.i18n import N_, _, is_zh
from mktsim.report.fmt import COUNT, DATE, MONEY, NUMBER, PERCENT, RATIO, TEXT, cell_text
from mktsim.report.load import Results
from mktsim.report.sections import title_line
from mktsim.report.tables import Table

NUMBER_FORMATS = {
    MONEY: "#,##0",
    PERCENT: "0.0%",
    COUNT: "#,##0",
    RATIO: "0.00",
    DATE: "yyyy-mm-dd",
    NUMBER: "General",
    TEXT: "General",
}
SHEET_NAMES = {
    "targets": N_("Targets"),
    "kpis": N_("KPIs"),
    "monthly": N_("By month"),
    "quarterly": N_("By quarter"),
    "channels": N_("Channels"),
    "budget": N_("Budget"),
    "decisions": N_("Decisions"),
    "competitor_moves": N_("Competitor moves"),
    "promotions": N_("Promotions"),
    "leaks": N_("Leaks"),
    "comparison": N_("Comparison"),
    "comparison_kpis": N_("Comparison KPIs"),
    "plan": N_("Plan"),
    "marginal": N_("Marginal returns"),
    "headcount": N_("Headcount"),
    "verified": N_("Plan targets"),
    "confirmation": N_("Plan confirmation"),
    "binding": N_("Binding constraints"),
    "flighting": N_("Flighting"),
    "uncertainty": N_("Uncertainty"),
    "bands": N_("By input value"),
    "tornado": N_("Tornado"),
    "sobol": N_("Sobol"),
    "morris": N_("Morris"),
    "discovery": N_("Discovery"),
    "reoptimize_changes": N_("Rest of year plan"),
    "reoptimize_targets": N_("Rest of year targets"),
}
HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="1F5FA8")
UNIT_TITLES = {
    MONEY: N_("Money"),
    COUNT: N_("Counts"),
    PERCENT: N_("Shares"),
    RATIO: N_("Ratios"),
    NUMBER: N_("Values"),
}


ZH_DATE = 'yyyy"年"m"月"d"日"'


def number_format(kind: str) -> str:
    """Excel number format of a display kind (dates the Chinese way in Chinese)."""
    return ZH_DATE if kind == DATE and is_zh() else NUMBER_FORMATS[kind]


def sheet_name(table: Table) -> str:
    """Excel sheet name (31 characters at most, no forbidden characters)."""
    name = _(SHEET_NAMES[table.key]) if table.key in SHEET_NAMES else table.title
    return "".join(ch for ch in name if ch not in "[]:*?/\\")[:31]


def _value(value: Any) -> Any:
    """Value as Excel should store it: numbers stay numbers, blanks for missing."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if hasattr(value, "item") and not isinstance(value, date):
        return value.item()  # numpy scalar
    return value


def write_table(ws: Worksheet, table: Table) -> None:
    """Header row, values with number formats, frozen header, filter and widths."""
    columns = [str(c) for c in table.frame.columns]
    ws.append(columns)
    for cell in ws[1]:
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
        cell.alignment = Alignment(vertical="center", wrap_text=True)
    for r in range(len(table.frame)):
        ws.append([_value(table.frame[c].iloc[r]) for c in columns])
        for j, c in enumerate(columns, start=1):
            ws.cell(row=r + 2, column=j).number_format = number_format(table.kind(c, r))
    ws.freeze_panes = "B2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{len(table.frame) + 1}"
    if table.note:
        ws.cell(row=len(table.frame) + 3, column=1, value=table.note).font = Font(italic=True)
    _widths(ws, table)


def _widths(ws: Worksheet, table: Table) -> None:
    """Columns wide enough for their header and their formatted values."""
    for j, c in enumerate(table.frame.columns, start=1):
        texts = [cell_text(v, table.kind(str(c), r)) for r, v in enumerate(table.frame[c])]
        longest = max([len(str(c)), *(len(t) for t in texts)])
        letter = get_column_letter(j)
        ws.column_dimensions[letter].width = min(max(10, longest + 3), 70)
        if longest > 70:
            for row in ws.iter_rows(min_row=2, min_col=j, max_col=j):
                row[0].alignment = Alignment(wrap_text=True, vertical="top")


def _axes_visible(chart: Any) -> None:
    """Make both axes show in recent Excel versions (they hide undeclared axes)."""
    chart.x_axis.delete = False
    chart.y_axis.delete = False


def _unit_of(header: str) -> str:
    """The unit written in a header: ``Revenue (CNY)`` -> ``CNY``."""
    return header[header.rfind("(") + 1 : -1] if header.endswith(")") else ""


def monthly_charts(ws: Worksheet, table: Table) -> int:
    """One line chart per unit (CNY, CNY per customer, count, %, ...) of the KPIs by month."""
    groups: dict[tuple[str, str], list[int]] = {}
    for j, c in enumerate(table.frame.columns[1:], start=2):
        groups.setdefault((table.kind(str(c), 0), _unit_of(str(c))), []).append(j)
    n = len(table.frame)
    anchor_col = get_column_letter(len(table.frame.columns) + 2)
    for i, ((kind, unit), cols) in enumerate(groups.items()):
        chart = LineChart()
        named = unit and unit not in ("%", "count", "ratio")
        what = _(UNIT_TITLES.get(kind, "Values"))
        chart.title = (_("{what} by month ({unit})").format(what=what, unit=unit) if named
                       else _("{what} by month").format(what=what))
        chart.y_axis.title = unit or (_(UNIT_TITLES[kind]) if kind in UNIT_TITLES else "")
        chart.y_axis.numFmt = "0%" if kind == PERCENT else NUMBER_FORMATS[kind]
        chart.x_axis.title = table.frame.columns[0]
        for j in cols:
            chart.add_data(
                Reference(ws, min_col=j, min_row=1, max_row=n + 1), titles_from_data=True
            )
        chart.set_categories(Reference(ws, min_col=1, min_row=2, max_row=n + 1))
        chart.height, chart.width = 8, 18
        _axes_visible(chart)
        ws.add_chart(chart, f"{anchor_col}{2 + i * 17}")
    return len(groups)


def budget_chart(ws: Worksheet, table: Table, currency: str) -> None:
    """Stacked columns: each channel's budget by month (totals left out)."""
    months = len(table.frame) - 1  # last row is the total
    channels = len(table.frame.columns) - 2  # first is Month, last is Total
    if months < 1 or channels < 1:
        return
    chart = BarChart()
    chart.type, chart.grouping, chart.overlap = "col", "stacked", 100
    chart.title = _("Budget by channel and month")
    chart.y_axis.title = currency or _("Budget")
    chart.y_axis.numFmt = "#,##0"
    data = Reference(ws, min_col=2, max_col=channels + 1, min_row=1, max_row=months + 1)
    chart.add_data(data, titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=1, min_row=2, max_row=months + 1))
    chart.height, chart.width = 9, 20
    _axes_visible(chart)
    ws.add_chart(chart, f"{get_column_letter(channels + 4)}2")


def comparison_chart(ws: Worksheet, table: Table) -> None:
    """Clustered columns: probability of meeting the targets per strategy."""
    cols = [
        j
        for j, c in enumerate(table.frame.columns, start=1)
        if c == _("All targets met") or str(c).startswith(_("Target {target}").split("{")[0])
    ]
    if not cols:
        return
    chart = BarChart()
    chart.type, chart.title = "col", _("Probability of meeting the targets")
    chart.y_axis.numFmt, chart.y_axis.scaling.min, chart.y_axis.scaling.max = "0%", 0, 1
    for j in cols:
        chart.add_data(
            Reference(ws, min_col=j, min_row=1, max_row=len(table.frame) + 1), titles_from_data=True
        )
    chart.set_categories(Reference(ws, min_col=1, min_row=2, max_row=len(table.frame) + 1))
    chart.height, chart.width = 8, 16
    _axes_visible(chart)
    ws.add_chart(chart, f"{get_column_letter(len(table.frame.columns) + 2)}2")


def write_summary(ws: Worksheet, results: Results, sentences: list[str], sheets: list[str]) -> None:
    """Title, run facts (real dates and numbers) and the executive summary."""
    ws.title = _("Summary")
    ws["A1"] = results.name
    ws["A1"].font = Font(bold=True, size=16)
    ws["A2"] = title_line(results)
    facts: list[tuple[str, Any, str]] = [
        (_("Strategy"), results.label("strategies", results.strategy)
         if results.strategy else results.strategy, "General"),
        (_("Simulated runs"), results.replications, "#,##0"),
        (_("Start date"), results.start_date, number_format(DATE)),
        (_("Horizon (days)"), results.horizon_days, "#,##0"),
        (_("Currency"), results.currency, "General"),
        (_("Random seed"), results.seed, "0"),
        (_("Scenario fingerprint"), results.scenario_hash, "General"),
        (_("mktsim version"), results.version, "General"),
    ]
    for i, (key, value, fmt) in enumerate(facts, start=4):
        ws.cell(row=i, column=1, value=key).font = Font(bold=True)
        ws.cell(row=i, column=2, value=value).number_format = fmt
    row = len(facts) + 5
    ws.cell(row=row, column=1, value=_("Summary")).font = Font(bold=True, size=13)
    for i, sentence in enumerate(sentences, start=row + 1):
        ws.cell(row=i, column=1, value=sentence)
        ws.merge_cells(start_row=i, start_column=1, end_row=i, end_column=2)
        ws.cell(row=i, column=1).alignment = Alignment(wrap_text=True, vertical="top")
        per_line = 60 if is_zh() else 120  # a Chinese character is twice as wide
        ws.row_dimensions[i].height = 15 * max(1, math.ceil(len(sentence) / per_line))
    _contents(ws, sheets, row + len(sentences) + 2)
    ws.column_dimensions["A"].width = 24
    ws.column_dimensions["B"].width = 110


def _contents(ws: Worksheet, sheets: list[str], row: int) -> None:
    """Links to every table sheet."""
    ws.cell(row=row, column=1, value=_("Sheets")).font = Font(bold=True, size=13)
    for i, name in enumerate(sheets, start=row + 1):
        link = ws.cell(row=i, column=1, value=name)
        link.hyperlink = f"#'{name}'!A1"
        link.font = Font(color="1F5FA8", underline="single")


def write_workbook(
    results: Results, tables: dict[str, Table], sentences: list[str], path: Path
) -> Path:
    """Write the whole workbook to ``path``."""
    wb = Workbook()
    summary = wb.active
    assert summary is not None
    names = []
    for table in tables.values():
        ws = wb.create_sheet(sheet_name(table))
        names.append(ws.title)
        write_table(ws, table)
        if table.key == "monthly":
            monthly_charts(ws, table)
        elif table.key == "budget":
            budget_chart(ws, table, results.currency)
        elif table.key == "comparison":
            comparison_chart(ws, table)
    write_summary(summary, results, sentences, names)
    wb.properties.title = results.name
    wb.properties.creator = "mktsim"
    wb.save(path)
    return path
