"""`mktsim calibrate`: fit a scenario to the company's history."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ..i18n import _
from .common import (
    check_out_dir,
    check_writable,
    executor_options,
    print_warnings,
    progress_bar,
    report_formats,
    set_option,
    user_errors,
)

if TYPE_CHECKING:
    from ..calibrate.result import CalibrationResult


@click.command()
@click.argument("scenario", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--history", type=click.Path(dir_okay=False, path_type=Path),
              help="CSV or .xlsx history (default: calibration.history of the scenario).")
@click.option("--sheet", help="Sheet of an .xlsx history (default: the first).")
@click.option("--strategy", "-s", help="Strategy the history lived with (default: the first).")
@click.option("--param", "params", multiple=True, metavar="PATH=SPEC",
              help="Free a value with its prior: LOW:HIGH (uniform), normal(m, s), "
                   "lognormal(mu, sigma), beta(a, b[, low, high]) ... (repeatable).")
@click.option("--holdout", type=click.IntRange(0), help="Keep the last N periods out of the fit.")
@click.option("--replications", "-n", type=click.IntRange(2, 200),
              help="Replications averaged into the expected path (default 8).")
@click.option("--seed", type=click.IntRange(0), help="Root seed (default: the scenario's).")
@click.option("--workers", "-w", type=click.IntRange(0, 512), default=1, show_default=True,
              help="Worker processes (0 = all cores). Results do not depend on it.")
@executor_options
@set_option
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the fitted scenario (estimates in place, posterior as uncertainties) "
                   "and its posterior draws beside it, as <name>.draws.csv.")
@click.option("--out-dir", type=click.Path(file_okay=False, path_type=Path),
              help="Folder for calibration.json and the reports.")
@click.option("--report", "report_formats_text", metavar="FORMATS",
              help="Also write a report into --out-dir: md,html,xlsx.")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table",
              show_default=True, help="table for people; json to stdout.")
@user_errors
def calibrate(scenario: Path, history: Path | None, sheet: str | None, strategy: str | None,
              params: tuple[str, ...], holdout: int | None, replications: int | None,
              seed: int | None, workers: int, executor: str, scheduler: str | None,
              overrides: tuple[str, ...], out: Path | None,
              out_dir: Path | None, report_formats_text: str | None, fmt: str) -> None:
    """Fit a scenario's free values to the company's own history.

    \b
    Example:
      mktsim calibrate scenarios/smart_band.yaml --history scenarios/smart_band_history.csv \\
        --param market.word_of_mouth.imitation=0.05:0.4 --holdout 8 --out fitted.yaml
    """
    import mktsim

    from ..calibrate import CalibrationOptions
    from ..calibrate.writeout import draws_name
    from ..documents.staging import refuse_overwrite, staged_folder
    from ..engine.montecarlo import default_workers

    check_out_dir(out_dir, "--out-dir")
    if out is not None:
        check_writable(out, "--out")
    reports = report_formats(report_formats_text, out_dir, "--out-dir")
    loaded = mktsim.load(scenario, overrides)
    print_warnings(loaded.loaded.warnings)
    if out is not None:  # before any work: the fitted file and its draws are no input
        section = loaded.spec.calibration
        given = history if history is not None or section is None else (
            scenario.parent / section.history)
        refuse_overwrite({"--out": out, "--out (its posterior draws)":
                          out.parent / draws_name(out, scenario)},
                         {"scenario": scenario, "history": given})
    options = CalibrationOptions(history, strategy, params, holdout, sheet, seed,
                                 workers or default_workers(), replications,
                                 overrides=tuple(overrides), executor=executor,
                                 scheduler=scheduler)
    with progress_bar(0, _("calibrating"), True) as advance:
        result = loaded.calibrate(options, on_evaluation=lambda: advance(1), out=out,
                                  out_dir=staged_folder(out_dir), reports=reports)
    _emit(result, fmt)
    if out is not None:
        click.echo(_("wrote {path} and its posterior draws {draws}")
                   .format(path=out, draws=result.draws_file), err=True)
    if out_dir is not None:
        click.echo((_("wrote calibration.json and the reports to {path}") if reports else
                    _("wrote calibration.json to {path}")).format(path=out_dir), err=True)


def _emit(result: CalibrationResult, fmt: str) -> None:
    from ..report.terminal_calibration import print_calibration

    if fmt == "json":
        from ..documents.files import finite_text

        click.echo(finite_text(json.dumps(result.to_dict(), indent=2)))
    else:
        print_calibration(result)
