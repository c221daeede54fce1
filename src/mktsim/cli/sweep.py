"""`mktsim sweep` and `mktsim analyze`: thin commands over `Scenario.sweep` and
`mktsim.analyze`."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from ..i18n import _
from .common import (
    InputError,
    check_out_dir,
    executor_options,
    load_scenario,
    set_option,
    user_errors,
    write_atomic,
)

METHODS = ("grid", "mc", "lhs", "sobol", "morris")  # mktsim.sweep.batch.METHODS


def _progress(total: int, skipped: int) -> Any:
    """A rich progress bar on stderr: points done, failed, time left (terminals only)."""
    from contextlib import nullcontext

    if not sys.stderr.isatty():
        return nullcontext(None)
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    bar = Progress("[progress.description]{task.description}", BarColumn(),
                   MofNCompleteColumn(), _("failed {count}").format(count="{task.fields[failed]}"),
                   TimeRemainingColumn(), console=Console(stderr=True), transient=True)
    bar.add_task(_("sweep"), total=total, completed=skipped, failed=0)
    return bar


@click.command()
@click.argument("scenario_path", metavar="SCENARIO",
                type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="Folder of the result store.")
@click.option("--design", "design_file", type=click.Path(exists=True, dir_okay=False,
              path_type=Path), help="Design file: parameters and settings (YAML).")
@click.option("--param", "params", multiple=True, metavar="PATH=SPEC",
              help="A swept value: PATH=LOW:HIGH, PATH=a,b,c or PATH=normal(mu,sigma).")
@click.option("--method", type=click.Choice(METHODS), default=None,
              help="Sampling method (default lhs).")
@click.option("--samples", type=click.IntRange(min=1), default=None,
              help="Design size (runs for mc/lhs, N for sobol, trajectories for morris, "
                   "values per range for grid).")
@click.option("--replications", type=click.IntRange(min=1), default=None,
              help="Replications per point and strategy (default 10).")
@click.option("--strategies", default=None, metavar="A,B",
              help="Strategies run at every point with the same seeds (default: all).")
@click.option("--seed", type=int, default=None, help="Sweep seed (default: the scenario's).")
@click.option("--workers", type=click.IntRange(min=1), default=None,
              help="Worker processes (default: all cores).")
@executor_options
@click.option("--resume", is_flag=True, help="Finish an interrupted sweep in --out.")
@set_option
@user_errors
def sweep(scenario_path: Path, out: Path, design_file: Path | None, params: tuple[str, ...],
          method: str | None, samples: int | None, replications: int | None,
          strategies: str | None, seed: int | None, workers: int | None, executor: str,
          scheduler: str | None, resume: bool, overrides: tuple[str, ...]) -> None:
    """Run a scenario over a design of uncertain values, into a Parquet store.

    \b
    Example:
      mktsim sweep scenarios/smart_band.yaml --out sweep1 \\
        --param channels.kol.cost.fee_per_post=10000:40000 --method lhs --samples 200
    """
    from ..engine.montecarlo import default_workers

    check_out_dir(out)
    scenario = load_scenario(scenario_path, overrides)
    names = [s.strip() for s in strategies.split(",") if s.strip()] if strategies else None
    try:
        cfg = scenario.sweep_config(list(params), design_file, method, samples, replications,
                                    names, seed)
    except ValueError as exc:  # a bad parameter or design
        raise InputError(str(exc)) from None
    _note_drawn(scenario.loaded.data.get("uncertainties"), cfg.design.names)
    with _progress(len(cfg.design.points), 0) as bar:
        failed = [0]

        def advance(outcome: Any) -> None:
            failed[0] += 0 if outcome.ok else 1
            if bar is not None:
                bar.update(bar.task_ids[0], advance=1, failed=failed[0])

        try:
            result = scenario.sweep(workers=workers or default_workers(),
                                    executor=executor,
                                    scheduler=scheduler, resume=resume, out=out,
                                    progress=advance, config=cfg)
        except ValueError as exc:  # a store that cannot be resumed or written
            raise InputError(str(exc)) from None
    summary = result.summary
    click.echo(_("{done} points run, {skipped} already done, {failed} failed, of {total}; "
                 "{seconds} s; results in {path}").format(
                     done=summary.done, skipped=summary.skipped, failed=len(summary.failed),
                     total=summary.total, seconds=f"{summary.seconds:.1f}", path=out),
               err=True)
    for point, error in sorted(summary.failed.items()):
        click.echo(_("point {point} failed: {error}").format(point=point, error=error),
                   err=True)
    if summary.failed:
        sys.exit(1)  # the finished points are stored; `--resume` retries the failed ones


def _note_drawn(section: Any, swept: list[str]) -> None:
    """Say which `uncertainties:` the design leaves to be drawn per replication."""
    from ..report.terminal import uncertainty_note
    from ..scenario.uncertainty.joint_draws import joint_paths

    drawn = [str(p) for p in (section or {}) if p not in swept]
    if drawn:
        click.echo(uncertainty_note(len(drawn), joint_paths(section, drawn),
                                    "per replication at every point"), err=True)


@click.command()
@click.argument("sweep_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv", "md"]),
              default="table", help="Output format.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write the json analysis to this file.")
@click.option("--bins", type=click.IntRange(min=2), default=4,
              help="Value bands per parameter in the probability table.")
@click.option("--report", "report_formats", metavar="FORMATS", default=None,
              help="Also write a report: md,html,xlsx (into the sweep folder or --report-dir).")
@click.option("--report-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder for the --report files (default: the sweep folder).")
@user_errors
def analyze(sweep_dir: Path, fmt: str, out: Path | None, bins: int,
            report_formats: str | None, report_dir: Path | None) -> None:
    """Probabilities, sensitivity and scenario discovery of a sweep folder.

    \b
    Example:
      mktsim analyze sweep1 --format md
      mktsim analyze sweep1 --report html,xlsx
    """
    import mktsim

    from .report import parse_formats, write_reports

    reports = parse_formats(report_formats)
    if report_dir is not None and not reports:
        raise InputError(_("--report-dir needs --report FORMATS"))
    try:
        result = mktsim.analyze(sweep_dir, bins)
    except ValueError as exc:  # not a sweep folder
        raise InputError(str(exc)) from None
    doc = result.to_dict()
    text = json.dumps(doc, indent=1)
    from ..documents.staging import unstaged

    with unstaged():  # read back by the report below
        result.save(sweep_dir / "analyze.json")
    if out is not None:
        write_atomic(out, text + "\n")
    if fmt == "json":
        click.echo(text)
    elif fmt == "table":
        from ..report.terminal import print_analysis

        print_analysis(result.tables(), doc.get("notes", []))
    else:
        click.echo(result.markdown() if fmt == "md" else result.csv())
    if reports:
        for path in write_reports(sweep_dir, reports, report_dir):
            click.echo(_("wrote {path}").format(path=path), err=True)
