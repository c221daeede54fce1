"""`mktsim sweep` and `mktsim analyze`: batch sweeps and their analysis."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from .cli_common import InputError, check_out_dir, set_option, user_errors

METHODS = ("grid", "mc", "lhs", "sobol", "morris")


def _design_inputs(loaded: Any, design_file: Path | None, params: tuple[str, ...]
                   ) -> tuple[list[Any], dict[str, Any]]:
    """(parameters, settings) from --design, --param, or the scenario's uncertainties."""
    from .params import ParamSpecError, parse_design_mapping, parse_params
    from .scenario.yamlio import read_yaml
    from .sweep.batch import read_design_file

    try:
        settings: dict[str, Any] = {}
        found: list[Any] = []
        if design_file is not None:
            data, _ = read_yaml(design_file)
            found, settings = read_design_file(data)
        if params:
            given = parse_params(params)
            paths = {p.path for p in given}
            found = [p for p in found if p.path not in paths] + given
        if not found and loaded.data.get("uncertainties"):
            found = parse_design_mapping(loaded.data["uncertainties"])
    except (ParamSpecError, ValueError) as exc:
        raise InputError(str(exc)) from None
    return found, settings


def _strategies(scenario: Any, text: str | None, setting: Any) -> tuple[str, ...]:
    """--strategies a,b (or the design file's `strategies`), checked; default: all."""
    if text:
        names = [s.strip() for s in text.split(",") if s.strip()]
    elif setting:
        names = [str(s) for s in (setting if isinstance(setting, list) else [setting])]
    else:
        names = scenario.strategies
    return tuple(scenario.strategy_name(n) for n in names)


def _progress(total: int, skipped: int) -> Any:
    """A rich progress bar on stderr: points done, failed, time left (terminals only)."""
    from contextlib import nullcontext

    if not sys.stderr.isatty():
        return nullcontext(None)
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    bar = Progress("[progress.description]{task.description}", BarColumn(),
                   MofNCompleteColumn(), "failed {task.fields[failed]}",
                   TimeRemainingColumn(), console=Console(stderr=True), transient=True)
    bar.add_task("sweep", total=total, completed=skipped, failed=0)
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
@click.option("--dask", "use_dask", is_flag=True, help="Run on a local Dask cluster.")
@click.option("--scheduler", default=None, metavar="tcp://HOST:PORT",
              help="Run on the Dask cluster at this scheduler address.")
@click.option("--resume", is_flag=True, help="Finish an interrupted sweep in --out.")
@set_option
@user_errors
def sweep(scenario_path: Path, out: Path, design_file: Path | None, params: tuple[str, ...],
          method: str | None, samples: int | None, replications: int | None,
          strategies: str | None, seed: int | None, workers: int | None, use_dask: bool,
          scheduler: str | None, resume: bool, overrides: tuple[str, ...]) -> None:
    """Run a scenario over a design of uncertain values, into a Parquet store.

    \b
    Example:
      mktsim sweep scenarios/smart_band.yaml --out sweep1 \\
        --param channels.kol.cost.fee_per_post=10000:40000 --method lhs --samples 200
    """
    import mktsim

    from .engine.montecarlo import default_workers
    from .sweep.batch import DEFAULT_REPLICATIONS, SweepConfig, build_design, run_sweep
    from .sweep.runner import check_extremes
    from .sweep.store import StoreError

    check_out_dir(out)
    scenario = mktsim.load(scenario_path, overrides)
    found, settings = _design_inputs(scenario.loaded, design_file, params)
    check_extremes(scenario.loaded, found)
    sweep_seed = seed if seed is not None else int(settings.get("seed", scenario.spec.seed))
    chosen = method or str(settings.get("method", "lhs"))
    if chosen not in METHODS:
        raise InputError(f"design method '{chosen}': use one of {', '.join(METHODS)}")
    try:
        design = build_design(found, chosen, samples or settings.get("samples"), sweep_seed)
    except ValueError as exc:
        raise InputError(str(exc)) from None
    reps = replications or int(settings.get("replications", DEFAULT_REPLICATIONS))
    cfg = SweepConfig(design, reps, _strategies(scenario, strategies, settings.get(
        "strategies")), sweep_seed)
    executor = "dask" if (use_dask or scheduler) else "local"
    n_workers = workers or default_workers()
    total = len(design.points)
    with _progress(total, 0) as bar:
        task_id = bar.task_ids[0] if bar else None
        failed = [0]

        def advance(outcome: Any) -> None:
            failed[0] += 0 if outcome.ok else 1
            if bar is not None:
                bar.update(task_id, advance=1, failed=failed[0])

        try:
            summary = run_sweep(scenario.loaded, cfg, out, resume=resume, executor=executor,
                                workers=n_workers, scheduler=scheduler, progress=advance)
        except StoreError as exc:
            raise InputError(str(exc)) from None
    click.echo(f"{summary.done} points run, {summary.skipped} already done, "
               f"{len(summary.failed)} failed, of {summary.total}; "
               f"{summary.seconds:.1f} s; results in {out}", err=True)
    for point, error in sorted(summary.failed.items()):
        click.echo(f"point {point} failed: {error}", err=True)
    if summary.failed:
        sys.exit(1)  # the finished points are stored; `--resume` retries the failed ones


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
    from .cli_common import write_atomic
    from .cli_report import parse_formats, write_reports
    from .sweep.analyze import analyze_sweep, render
    from .sweep.store import StoreError

    reports = parse_formats(report_formats)
    if report_dir is not None and not reports:
        raise InputError("--report-dir needs --report FORMATS")
    try:
        result = analyze_sweep(sweep_dir, bins=bins)
    except StoreError as exc:
        raise InputError(str(exc)) from None
    text = json.dumps(result, indent=1)
    write_atomic(sweep_dir / "analyze.json", text + "\n")
    if out is not None:
        write_atomic(out, text + "\n")
    if fmt == "json":
        click.echo(text)
    elif fmt == "table":
        _print_tables(result)
    else:
        click.echo(render(result, fmt))
    if reports:
        for path in write_reports(sweep_dir, reports, report_dir):
            click.echo(f"wrote {path}", err=True)


def _print_tables(result: dict[str, Any]) -> None:
    from rich.markup import escape
    from rich.table import Table

    from .report.terminal import wide_console
    from .sweep.analyze import _fmt, section_frames

    console = wide_console()
    for name, df in section_frames(result).items():
        table = Table(title=name)
        for col in df.columns:
            table.add_column(escape(str(col)))
        for row in df.itertuples(index=False):
            table.add_row(*(escape(_fmt(v)) for v in row))  # labels like 'sales [a]'
        console.print(table)
    for note in result.get("notes", []):
        console.print(escape(f"note: {note}"))
