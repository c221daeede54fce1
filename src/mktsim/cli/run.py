"""`mktsim run`: one strategy, many replications, printed and optionally written out."""

from __future__ import annotations

import sys
import warnings
from pathlib import Path

import click

from ..i18n import _, ngettext
from .common import (
    SCENARIO,
    SEED,
    InputError,
    check_out_dir,
    executor_options,
    load_scenario,
    progress_bar,
    report_formats,
    set_option,
    user_errors,
    workers_option,
)

FORMATS = ("table", "json", "csv", "parquet")


@click.command()
@SCENARIO
@click.option("--strategy", "-s", help="Strategy to run (default: the first).")
@click.option("--replications", "-n", type=click.IntRange(1, 1_000_000),
              help="Monte Carlo replications (default: the scenario's).")
@SEED
@workers_option(0, "all cores, or this process alone for a run too small to pay for "
                   "starting them")
@executor_options
@set_option
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True,
              help="table for people; json or csv to stdout; parquet needs --out.")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path),
              help="Folder for run.json, tables and the daily series.")
@click.option("--report", "report_text", metavar="FORMATS",
              help="Also write a report into --out: md,html,xlsx.")
@click.option("--engine", type=click.Choice(["counts", "agents"]), default="counts",
              show_default=True,
              help="counts per segment, or one entry per customer (social networks).")
@click.option("--incremental/--no-incremental", default=True, show_default=True,
              help="Also run the first replications (at most 100) again without each "
                   "channel: incremental units, revenue, margin, ROI and CAC.")
@user_errors
def run(scenario: Path, strategy: str | None, replications: int | None, seed: int | None,
        workers: int, executor: str, scheduler: str | None, overrides: tuple[str, ...],
        fmt: str, out: Path | None, report_text: str | None, engine: str,
        incremental: bool) -> None:
    """Run a strategy many times: KPIs, SMART target verdicts, where the plan leaks.

    \b
    Example:
      mktsim run plans/smart_band.yaml -s digital_first -n 500 --out out/
      mktsim run plans/smart_band.yaml --format json --set channels.kol.cost.cpm=45
      mktsim run plans/smart_band.yaml -n 2000 --no-incremental
      mktsim run plans/smart_band.yaml -n 20000 --scheduler tcp://HOST:8786
    """
    check_out_dir(out)
    if fmt == "parquet" and out is None:
        raise InputError(_("--format parquet writes files: add --out DIR"))
    reports = report_formats(report_text, out, "--out")
    sc = load_scenario(scenario, overrides)
    name = sc.strategy_name(strategy)
    reps = replications or sc.spec.replications
    label = _("running {strategy}").format(strategy=name)
    with progress_bar(sc.run_size(name, reps, incremental), label, reps >= 200) as advance, \
            warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", UserWarning)  # the engine's are printed below
        result = sc.run(name, reps, seed, workers, advance, engine=engine,
                        incremental=incremental, executor=executor, scheduler=scheduler,
                        out=out, series_format=fmt, reports=reports)
    if caught:  # what the per-customer engine leaves out; other warnings stay quiet
        from ..simulate.agents import AgentEngineWarning

        for w in caught:
            if issubclass(w.category, AgentEngineWarning):
                click.echo(_("warning: {message}").format(message=w.message), err=True)
    if fmt == "table":
        from ..report.terminal import print_run

        print_run(result)
    elif fmt == "json":
        from ..documents.jsontext import dumps

        click.echo(dumps(result.to_dict(), indent=1))
    elif fmt == "csv":
        result.kpis().to_csv(sys.stdout)
    if out is not None:
        click.echo(ngettext("wrote {n} file to {path}", "wrote {n} files to {path}",
                            len(result.written)).format(n=len(result.written), path=out),
                   err=True)
