"""Calibration reports: parameter and fit tables, and a chart per series of the history
against the simulated 90% predictive band (Markdown, HTML, Excel)."""

from __future__ import annotations

import base64
import html
from pathlib import Path
from typing import Any

from ..calibrate.result import CalibrationResult
from ..i18n import _
from .contribution_chart import decomposition_png, decomposition_sheet
from .render.html import plain_table_html
from .render.markdown import markdown_table
from .tables.calibrate import calibration_tables

DECOMPOSITION = "contributions"  # the stacked chart's name among the charts


def draws_lines(result: CalibrationResult) -> list[str]:
    """What the posterior draws are and where they went: the file beside the fitted
    scenario, and the parameters drawn jointly from it (their correlation carried)."""
    if result.draws_file is not None:
        where = _("in {file}").format(file=result.draws_file)
    else:
        where = _("written beside the fitted scenario by --out")
    line = _("{n} posterior draws of {values} values, {where}").format(
        n=len(result.draws), values=len(result.priors), where=where)
    if result.fitted:
        line += _(" (the fitted scenario: {file})").format(file=result.fitted)
    lines = [line + "."]
    for group in result.joint_groups():
        lines.append(_("Drawn jointly, one row per replication, so that their correlation is "
                       "carried into runs: {paths}.").format(paths=", ".join(group)))
    return lines


def chart_png(result: CalibrationResult, kpi: str) -> bytes:
    """PNG: the history's observations, the expected path and the 90% band."""

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from ..i18n import use_language
    from .fonts import chart_language, font_family

    with use_language(chart_language()), matplotlib.rc_context({"font.family": font_family()}):
        return _chart_png(result, kpi, plt)


def _chart_png(result: CalibrationResult, kpi: str, plt: Any) -> bytes:
    import io

    band = result.bands[kpi]
    x = list(range(len(result.dates)))
    fig, ax = plt.subplots(figsize=(8, 3))
    ax.fill_between(x, band.low, band.high, alpha=0.3, label=_("simulated 90% band"))
    ax.plot(x, band.expected, label=_("expected"))
    ax.plot(x, band.observed, "o", markersize=3, color="black", label=_("history"))
    if result.holdout:
        ax.axvline(len(x) - result.holdout - 0.5, linestyle="--", color="grey")
    step = max(1, len(x) // 8)
    ax.set_xticks(x[::step], [result.dates[i] for i in x[::step]], fontsize=7)
    ax.set_title(kpi)
    ax.legend(fontsize=7)
    buf = io.BytesIO()
    fig.tight_layout()
    fig.savefig(buf, format="png", dpi=90)
    plt.close(fig)
    return buf.getvalue()


def write_calibration_report(result: CalibrationResult, out: Path, formats: list[str]
                             ) -> list[Path]:
    """Write calibration.md (charts beside it), .html (charts inline), .xlsx."""
    from ..documents.files import write_atomic

    written: list[Path] = []
    charts = {kpi: chart_png(result, kpi) for kpi in result.bands} if (
        {"md", "html"} & set(formats)) else {}
    stacked = decomposition_png(result) if {"md", "html"} & set(formats) else None
    if stacked is not None:
        charts[DECOMPOSITION] = stacked
    if "md" in formats:
        for kpi, png in charts.items():
            write_atomic(out / f"calibration_{kpi}.png", png)
            written.append(out / f"calibration_{kpi}.png")
        write_atomic(out / "calibration.md", _markdown(result))
        written.append(out / "calibration.md")
    if "html" in formats:
        write_atomic(out / "calibration.html", _html(result, charts))
        written.append(out / "calibration.html")
    if "xlsx" in formats:
        write_atomic(out / "calibration.xlsx", _xlsx(result))
        written.append(out / "calibration.xlsx")
    return written


def _markdown(result: CalibrationResult) -> str:
    parts = ["# " + _("Calibration of {scenario}").format(scenario=result.scenario),
             _history_line(result) + _(" Strategy {strategy}.").format(strategy=result.strategy),
             *(part for t in calibration_tables(result)
               for part in ("## " + t.title, markdown_table(t))),
             "## " + _("Posterior draws"), "\n".join(f"- {line}" for line in draws_lines(result))]
    if result.warnings:
        parts += ["## " + _("Warnings"), "\n".join(f"- {w}" for w in result.warnings)]
    parts += ["## " + _("Series")] + [f"![{k}](calibration_{k}.png)" for k in result.bands]
    if result.contributions is not None:
        parts += ["## " + _("Contributions over time"),
                  f"![{DECOMPOSITION}](calibration_{DECOMPOSITION}.png)"]
    return "\n\n".join(parts) + "\n"


def _history_line(result: CalibrationResult) -> str:
    from .terminal_track import period_word

    line = _("History {history}: {periods} {period}s, the last {holdout} held out.").format(
        history=result.history, periods=result.periods, period=period_word(result.period),
        holdout=result.holdout)
    if result.choice is not None:  # the form kept, calibrate.choice
        from ..calibrate.choice import choice_line

        line += " " + choice_line(result.choice) + "."
    return line


def _html(result: CalibrationResult, charts: dict[str, bytes]) -> str:
    imgs = "".join(_img(k, v) for k, v in charts.items() if k != DECOMPOSITION)
    stacked = charts.get(DECOMPOSITION)
    warns = "".join(f"<li>{html.escape(w)}</li>" for w in result.warnings)
    h = html.escape
    warn_part = f"<h2>{h(_('Warnings'))}</h2><ul>{warns}</ul>" if warns else ""
    return ("<!doctype html><meta charset='utf-8'>"
            f"<title>{h(_('Calibration'))}</title>"
            "<style>body{font-family:sans-serif}td,th{padding:2px 8px;border:1px solid #ccc}"
            "table{border-collapse:collapse}</style>"
            f"<h1>{h(_('Calibration of {scenario}').format(scenario=result.scenario))}</h1>"
            f"<p>{h(_history_line(result))}</p>"
            + "".join(f"<h2>{h(t.title)}</h2>{plain_table_html(t)}"
                      for t in calibration_tables(result)) +
            f"<h2>{h(_('Posterior draws'))}</h2><ul>"
            + "".join(f"<li>{h(line)}</li>" for line in draws_lines(result))
            + "</ul>"
            f"{warn_part}<h2>{h(_('Series'))}</h2>{imgs}"
            + ("" if stacked is None else f"<h2>{h(_('Contributions over time'))}</h2>"
               + _img(DECOMPOSITION, stacked)))


def _img(name: str, png: bytes) -> str:
    return (f'<img alt="{html.escape(name)}" src="data:image/png;base64,'
            f'{base64.b64encode(png).decode()}">')


def _xlsx(result: CalibrationResult) -> bytes:
    import io

    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for i, table in enumerate(calibration_tables(result)):
        ws = sheet if i == 0 else book.create_sheet(table.key)
        ws.title = table.key  # parameters, fit
        for row in [table.columns, *table.text_rows()]:
            ws.append(row)
    draws = book.create_sheet("posterior draws")
    for line in draws_lines(result):
        draws.append([line])
    draws.append([p.path for p in result.priors])
    for row in result.draws:
        draws.append([float(v) for v in row])
    series = book.create_sheet("series")
    series.append(["date", *(f"{k}_{c}" for k in result.bands
                             for c in ("observed", "expected", "low", "high"))])
    for i, date in enumerate(result.dates):
        cells: list[Any] = [date]
        for b in result.bands.values():
            cells += [None if v != v else float(v) for v in
                      (b.observed[i], b.expected[i], b.low[i], b.high[i])]
        series.append(cells)
    decomposition_sheet(book, result)
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()
