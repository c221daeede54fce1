"""`mktsim track`: where the plan stands given the year's actuals."""

from __future__ import annotations

import json
from pathlib import Path

import click

from ..i18n import _, ngettext
from .common import (
    SCENARIO,
    SEED,
    check_out_dir,
    load_scenario,
    progress_bar,
    report_formats,
    set_option,
    user_errors,
    workers_option,
)
from .common import workers as _workers


@click.command()
@SCENARIO
@click.option("--actuals", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="CSV or .xlsx of the year so far, in the history format of calibrate, "
                   "from the scenario's start_date to the as-of date.")
@click.option("--sheet", help="Sheet of an .xlsx file (default: the first).")
@click.option("--strategy", "-s", help="Strategy of the plan (default: the first).")
@click.option("--replications", "-n", type=click.IntRange(2, 1_000_000),
              help="Replications, before and after conditioning (default: the scenario's).")
@SEED
@workers_option(1)
@set_option
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table",
              show_default=True, help="table for people; json to stdout.")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path),
              help="Folder for track.json, the conditioned run's files and the reports.")
@click.option("--report", "report_text", metavar="FORMATS",
              help="Also write a report into --out: md,html,xlsx.")
@user_errors
def track(scenario: Path, actuals: Path, sheet: str | None, strategy: str | None,
          replications: int | None, seed: int | None, workers: int,
          overrides: tuple[str, ...], fmt: str, out: Path | None,
          report_text: str | None) -> None:
    """Re-forecast the year from its actuals: each target's probability given what has
    happened, on track or behind, beside the plan's own probability.

    \b
    Example:
      mktsim track scenarios/smart_band.yaml --actuals scenarios/smart_band_actuals_h1.csv
      mktsim track scenarios/smart_band.yaml --actuals h1.csv -n 2000 --format json
    """
    from ..history import read_history
    from ..track import check_actuals

    check_out_dir(out)
    reports = report_formats(report_text, out, "--out")
    sc = load_scenario(scenario, overrides)
    history = read_history(actuals, sc.spec.channels, sc.spec.products, sheet)
    check_actuals(sc.spec, history)
    name = sc.strategy_name(strategy)
    reps = replications or sc.spec.replications
    label = _("tracking {strategy}").format(strategy=name)
    with progress_bar(2 * reps, label, reps >= 200) as advance:
        result = sc.track(history, name, reps, seed, _workers(workers), progress=advance)
    if fmt == "json":
        click.echo(json.dumps(result.to_dict(), indent=1, default=str))
    else:
        from ..report.terminal_track import print_tracking

        print_tracking(result, labels=sc.labels())
    if out is not None:
        written = result.save(out)
        if reports:
            from ..api import write_report

            written += write_report(out, reports, out)
        click.echo(ngettext("wrote {n} file to {path}", "wrote {n} files to {path}",
                            len(written)).format(n=len(written), path=out), err=True)
