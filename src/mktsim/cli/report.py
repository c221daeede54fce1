"""`mktsim report`: a report (md, html, xlsx) from a results or sweep folder: a thin
command over `mktsim.report`."""

from __future__ import annotations

from pathlib import Path

import click

from ..i18n import _
from .common import InputError, check_out_dir


def parse_formats(text: str | None) -> list[str]:
    """``md,html,xlsx`` -> checked list (empty when not asked); InputError if unknown."""
    if text is None:
        return []
    from ..report import ReportError, check_formats

    try:
        return check_formats(text)
    except ReportError as exc:
        raise InputError(str(exc)) from None


def write_reports(results_dir: Path, formats: list[str], out_dir: Path | None) -> list[Path]:
    """Write the report files; a ReportError becomes a one-line InputError (exit 2)."""
    import mktsim

    from ..report import ReportError

    check_out_dir(out_dir)
    try:
        return mktsim.write_report(results_dir, formats, out_dir)
    except ReportError as exc:
        raise InputError(str(exc)) from None


@click.command()
@click.argument("results_dir", metavar="RESULTS", type=click.Path(path_type=Path))
@click.option("--format", "formats", default="md,html,xlsx", show_default=True,
              metavar="FORMATS", help="Comma-separated: md, html, xlsx.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Folder for the report (default: the RESULTS folder).")
def report(results_dir: Path, formats: str, out_dir: Path | None) -> None:
    """Write a report for planning documents from a results folder.

    RESULTS is a folder written by `mktsim run --out` (with compare.json,
    optimize.json or analyze.json next to run.json if present), or a sweep
    folder after `mktsim analyze`.

    \b
    Example:
      mktsim run plans/smart_band.yaml -n 1000 --out results/launch
      mktsim report results/launch --format html,xlsx --out board-pack/
    """
    chosen = parse_formats(formats)
    written = write_reports(results_dir, chosen, out_dir)
    for path in written:
        click.echo(_("wrote {path}").format(path=path), err=True)
