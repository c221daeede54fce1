"""Reports for planning documents, written from a results folder.

``write_report(results_dir, ["md", "html", "xlsx"])`` writes ``report.md`` (with
its charts in ``report_files/``), a self-contained ``report.html`` and an Excel
workbook ``report.xlsx``.  Everything is rendered in a temporary folder first
and moved into place at the end, so a failure never leaves half a report.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mktsim.documents.base import DocumentError as ReportError
from mktsim.i18n import _

if TYPE_CHECKING:
    from mktsim.report.load import Results

FORMATS = ("md", "html", "xlsx")
FILE_NAMES = {"md": "report.md", "html": "report.html", "xlsx": "report.xlsx"}
IMAGE_DIR = "report_files"

__all__ = ["FORMATS", "ReportError", "Results", "check_formats", "load_results", "write_report"]


def __getattr__(name: str) -> Any:
    """`Results` and `load_results` from `report.load` when first asked for: the terminal's
    tables (`report.terminal`, below this package) need none of the documents it reads."""
    if name in ("Results", "load_results"):
        from mktsim.report import load

        return getattr(load, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def check_formats(formats: Sequence[str] | str) -> list[str]:
    """Normalise the requested formats ("md,html" or a list); reject unknown ones."""
    items = formats.split(",") if isinstance(formats, str) else list(formats)
    chosen = [f.strip().lower().lstrip(".") for f in items if f and f.strip()]
    chosen = ["md" if f == "markdown" else f for f in chosen]
    unknown = [f for f in chosen if f not in FORMATS]
    if unknown:
        raise ReportError(
            _("unknown report format {formats}; choose among {known}").format(
                formats=", ".join(map(repr, unknown)), known=", ".join(FORMATS))
        )
    if not chosen:
        raise ReportError(_("no report format given; choose among {known}").format(
            known=", ".join(FORMATS)))
    return list(dict.fromkeys(chosen))


def _render(results: Results, formats: list[str], tmp: Path) -> dict[str, Path]:
    """Write every requested format into ``tmp``; return staged paths by format."""
    from mktsim.report.charts import render_charts
    from mktsim.report.excel import write_workbook
    from mktsim.report.html import render_html
    from mktsim.report.markdown import render_markdown
    from mktsim.report.sections import build_sections
    from mktsim.report.summary import executive_summary
    from mktsim.report.tables import all_tables

    tables = all_tables(results)
    staged: dict[str, Path] = {}
    if "md" in formats or "html" in formats:
        charts = render_charts(results, tmp / IMAGE_DIR)
        sections = build_sections(results, tables, charts)
        if "md" in formats:
            staged["md"] = tmp / FILE_NAMES["md"]
            staged["md"].write_text(render_markdown(results, sections, IMAGE_DIR), encoding="utf-8")
        if "html" in formats:
            staged["html"] = tmp / FILE_NAMES["html"]
            staged["html"].write_text(render_html(results, sections), encoding="utf-8")
    if "xlsx" in formats:
        staged["xlsx"] = write_workbook(
            results, tables, executive_summary(results), tmp / FILE_NAMES["xlsx"]
        )
    return staged


def _publish(staged: dict[str, Path], tmp: Path, out: Path) -> None:
    """Move staged files into ``out`` (images first, so report.md never points at nothing)."""
    if "md" in staged:
        target = out / IMAGE_DIR
        if target.is_dir():
            os.replace(target, tmp / ".old-images")
        elif target.exists():
            target.unlink()
        os.replace(tmp / IMAGE_DIR, target)
    for fmt, path in staged.items():
        os.replace(path, out / FILE_NAMES[fmt])


def write_report(
    results_dir: Path, formats: Sequence[str], out_dir: Path | None = None,
    lang: str | None = None,
) -> list[Path]:
    """Write the report of ``results_dir`` in each of ``formats`` ("md", "html", "xlsx").

    Files go to ``out_dir`` (default: the results folder).  Returns the paths of
    the report files, one per format, in the order requested.  Raises
    :class:`ReportError` for an unknown format or a folder that is not a
    results folder, before anything is written.
    """
    from mktsim.i18n import use_language

    with use_language(lang):
        return _write(results_dir, formats, out_dir)


def _write(results_dir: Path, formats: Sequence[str], out_dir: Path | None) -> list[Path]:
    chosen = check_formats(formats)
    from mktsim.report.load import load_results

    results = load_results(results_dir)
    out = Path(results_dir) if out_dir is None else Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".report-", dir=out))
    try:
        staged = _render(results, chosen, tmp)
        _publish(staged, tmp, out)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return [out / FILE_NAMES[f] for f in chosen]
