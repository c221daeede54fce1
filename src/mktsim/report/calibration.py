"""Calibration reports: parameter and fit tables, and a chart per series of the history
against the simulated 90% predictive band (Markdown, HTML, Excel)."""

from __future__ import annotations

import base64
import html
from pathlib import Path
from typing import Any

from ..calibrate.result import CalibrationResult


def parameter_rows(result: CalibrationResult) -> list[list[str]]:
    """Rows: path, estimate, 90% interval, prior, prior 90%, identified."""
    return [[p.path, f"{p.estimate:.4g}", f"{p.interval[0]:.4g} - {p.interval[1]:.4g}",
             p.prior, f"{p.prior_interval[0]:.4g} - {p.prior_interval[1]:.4g}",
             "yes" if p.identified else f"no: {p.reason}"] for p in result.parameters]


PARAMETER_HEADER = ["parameter", "estimate", "90% interval", "prior", "prior 90%",
                    "identified"]
FIT_HEADER = ["series", "noise", "R^2", "MAPE", "wMAPE", "NRMSE", "held-out R^2",
              "held-out MAPE", "held-out coverage"]


def fit_rows(result: CalibrationResult) -> list[list[str]]:
    """Rows of the fit table, one per series."""
    rows = []
    for kpi, r in result.fit.items():
        h = r["holdout"]
        rows.append([kpi, str(r["noise"]), *(_f(r[k]) for k in ("r2", "mape", "wmape",
                                                                 "nrmse")),
                     _f(h["r2"]), _f(h["mape"]), _f(r["coverage"])])
    return rows


def _f(x: Any) -> str:
    return "-" if x is None else f"{x:.3f}"


def draws_lines(result: CalibrationResult) -> list[str]:
    """What the posterior draws are and where they went: the file beside the fitted
    scenario, and the parameters drawn jointly from it (their correlation carried)."""
    where = f"in {result.draws_file}" if result.draws_file is not None else (
        "written beside the fitted scenario by --out")
    lines = [f"{len(result.draws)} posterior draws of {len(result.priors)} values, {where}"
             + (f" (the fitted scenario: {result.fitted})" if result.fitted else "") + "."]
    for group in result.joint_groups():
        lines.append(f"Drawn jointly, one row per replication, so that their correlation is "
                     f"carried into runs: {', '.join(group)}.")
    return lines


def chart_png(result: CalibrationResult, kpi: str) -> bytes:
    """PNG: the history's observations, the expected path and the 90% band."""
    import io

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    band = result.bands[kpi]
    x = list(range(len(result.dates)))
    fig, ax = plt.subplots(figsize=(8, 3))
    ax.fill_between(x, band.low, band.high, alpha=0.3, label="simulated 90% band")
    ax.plot(x, band.expected, label="expected")
    ax.plot(x, band.observed, "o", markersize=3, color="black", label="history")
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


def _md_table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    return "\n".join(lines + ["| " + " | ".join(r) + " |" for r in rows])


def write_calibration_report(result: CalibrationResult, out: Path, formats: list[str]
                             ) -> list[Path]:
    """Write calibration.md (charts beside it), .html (charts inline), .xlsx."""
    from ..documents.files import write_atomic

    written: list[Path] = []
    charts = {kpi: chart_png(result, kpi) for kpi in result.bands} if (
        {"md", "html"} & set(formats)) else {}
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
    parts = [f"# Calibration of {result.scenario}",
             f"History {result.history}: {result.periods} {result.period}s, the last "
             f"{result.holdout} held out; strategy {result.strategy}.",
             "## Parameters", _md_table(PARAMETER_HEADER, parameter_rows(result)),
             "## Fit", _md_table(FIT_HEADER, fit_rows(result)),
             "## Posterior draws", "\n".join(f"- {line}" for line in draws_lines(result))]
    if result.warnings:
        parts += ["## Warnings", "\n".join(f"- {w}" for w in result.warnings)]
    parts += ["## Series"] + [f"![{k}](calibration_{k}.png)" for k in result.bands]
    return "\n\n".join(parts) + "\n"


def _html_table(header: list[str], rows: list[list[str]]) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in r) + "</tr>"
                   for r in rows)
    return f"<table><tr>{head}</tr>{body}</table>"


def _html(result: CalibrationResult, charts: dict[str, bytes]) -> str:
    imgs = "".join(f'<img alt="{html.escape(k)}" src="data:image/png;base64,'
                   f'{base64.b64encode(v).decode()}">' for k, v in charts.items())
    warns = "".join(f"<li>{html.escape(w)}</li>" for w in result.warnings)
    return ("<!doctype html><meta charset='utf-8'><title>Calibration</title>"
            "<style>body{font-family:sans-serif}td,th{padding:2px 8px;border:1px solid #ccc}"
            "table{border-collapse:collapse}</style>"
            f"<h1>Calibration of {html.escape(result.scenario)}</h1>"
            f"<p>History {html.escape(result.history)}: {result.periods} {result.period}s, "
            f"the last {result.holdout} held out.</p><h2>Parameters</h2>"
            f"{_html_table(PARAMETER_HEADER, parameter_rows(result))}<h2>Fit</h2>"
            f"{_html_table(FIT_HEADER, fit_rows(result))}<h2>Posterior draws</h2><ul>"
            + "".join(f"<li>{html.escape(line)}</li>" for line in draws_lines(result))
            + "</ul>"
            f"{'<h2>Warnings</h2><ul>' + warns + '</ul>' if warns else ''}"
            f"<h2>Series</h2>{imgs}")


def _xlsx(result: CalibrationResult) -> bytes:
    import io

    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "parameters"
    for row in [PARAMETER_HEADER, *parameter_rows(result)]:
        sheet.append(row)
    fit = book.create_sheet("fit")
    for row in [FIT_HEADER, *fit_rows(result)]:
        fit.append(row)
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
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()
