"""`mktsim track`: where the plan stands given the year's actuals, and (`--reoptimize`)
the cheapest change of the rest of the year that reaches the targets."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from ..i18n import _, ngettext
from .common import (
    SCENARIO,
    SEED,
    Bars,
    InputError,
    check_out_dir,
    executor_options,
    load_scenario,
    report_formats,
    set_option,
    user_errors,
    workers_option,
)
from .common import workers as _workers

if TYPE_CHECKING:
    from ..track import Tracking


@click.command()
@SCENARIO
@click.option("--actuals", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="CSV or .xlsx of the year so far, in the history format of calibrate, "
                   "from the scenario's start_date to the as-of date.")
@click.option("--sheet", help="Sheet of an .xlsx file (default: the first).")
@click.option("--strategy", "-s", help="Strategy of the plan (default: the first).")
@click.option("--then", "then", metavar="STRATEGY",
              help="Strategy that takes over after the as-of date (default: --strategy), "
                   "e.g. 'reoptimized' written by --out-plan.")
@click.option("--replications", "-n", type=click.IntRange(2, 1_000_000),
              help="Replications, before and after conditioning (default: the scenario's).")
@click.option("--reoptimize", is_flag=True,
              help="Also find the cheapest change of the money and levers after the as-of "
                   "date that reaches every target, verified on fresh replications.")
@click.option("--confidence", type=click.FloatRange(0.5, 0.999),
              help="With --reoptimize: required confidence for every target (default: each "
                   "target's own).")
@click.option("--evaluations", type=click.IntRange(1),
              help="With --reoptimize: candidate plans to try (default: decision.evaluations).")
@click.option("--search-reps", type=click.IntRange(5),
              help="With --reoptimize: conditioned replications per candidate (default: "
                   "decision.replications).")
@click.option("--verify-reps", type=click.IntRange(10),
              help="With --reoptimize: fresh replications that verify the winner (default: "
                   "--replications).")
@click.option("--out-plan", type=click.Path(dir_okay=False, path_type=Path),
              help="With --reoptimize: write the scenario with the new plan added as "
                   "strategy 'reoptimized'.")
@SEED
@workers_option(1)
@executor_options
@set_option
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table",
              show_default=True, help="table for people; json to stdout.")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path),
              help="Folder for track.json, the conditioned run's files and the reports.")
@click.option("--report", "report_text", metavar="FORMATS",
              help="Also write a report into --out: md,html,xlsx.")
@user_errors
def track(scenario: Path, actuals: Path, sheet: str | None, strategy: str | None,
          then: str | None, replications: int | None, reoptimize: bool,
          confidence: float | None, evaluations: int | None, search_reps: int | None,
          verify_reps: int | None, out_plan: Path | None, seed: int | None, workers: int,
          executor: str, scheduler: str | None, overrides: tuple[str, ...], fmt: str,
          out: Path | None,
          report_text: str | None) -> None:
    """Re-forecast the year from its actuals: each target's probability given what has
    happened, on track or behind, beside the plan's own probability; with --reoptimize,
    what to change after the as-of date to reach the targets.

    \b
    Example:
      mktsim track scenarios/smart_band.yaml --actuals scenarios/smart_band_actuals_h1.csv
      mktsim track scenarios/smart_band.yaml --actuals h1.csv -n 2000 --format json
      mktsim track scenarios/smart_band.yaml --actuals h1.csv --reoptimize --out-plan h2.yaml
      mktsim track h2.yaml --actuals h1.csv --then reoptimized
    """
    _check_options(scenario, reoptimize, then, out_plan, confidence, evaluations,
                   search_reps, verify_reps)
    from ..documents.staging import refuse_overwrite

    check_out_dir(out)
    refuse_overwrite({"--out-plan": out_plan}, {"scenario": scenario, "actuals": actuals})
    reports = report_formats(report_text, out, "--out")
    sc = load_scenario(scenario, overrides)
    reps = replications or sc.spec.replications
    searched = evaluations or (sc.spec.decision.evaluations if sc.spec.decision else 300)
    with Bars() as bars:
        result = sc.track(
            actuals, strategy, reps, seed, _workers(workers), sheet=sheet,
            progress=bars.bar(2 * reps, lambda: _("tracking {strategy}").format(
                strategy=sc.strategy_name(strategy)), reps >= 200),
            executor=executor, scheduler=scheduler, then=then, reoptimize=reoptimize,
            confidence=confidence, evaluations=evaluations, search_reps=search_reps,
            verify_reps=verify_reps,
            search_progress=bars.bar(searched, lambda: _("re-optimising the rest of the year")),
            out_plan=out_plan, out=out, reports=reports)
    _print(result, fmt, sc.labels())
    if out_plan is not None:
        click.echo(_("wrote {path}; track it with: mktsim track {path} --actuals {actuals} "
                     "--strategy {strategy} --then reoptimized")
                   .format(path=out_plan, actuals=actuals, strategy=result.conditioned.strategy),
                   err=True)
    if out is not None:
        click.echo(ngettext("wrote {n} file to {path}", "wrote {n} files to {path}",
                            len(result.written)).format(n=len(result.written), path=out),
                   err=True)


def _check_options(scenario: Path, reoptimize: bool, then: str | None,
                   out_plan: Path | None, *search: Any) -> None:
    """The options of --reoptimize need it; it starts from the tracked plan."""
    if not reoptimize:
        if out_plan is not None or any(v is not None for v in search):
            raise InputError(_("--out-plan, --confidence, --evaluations, --search-reps and "
                               "--verify-reps go with --reoptimize; add it"))
        return
    if then is not None:
        raise InputError(_("--reoptimize starts from the tracked plan; drop --then"))
    if out_plan is not None and out_plan.resolve() == scenario.resolve():
        raise InputError(_("--out-plan must not overwrite the scenario file; name a new file"))


def _print(result: Tracking, fmt: str, labels: Any = None) -> None:
    if fmt == "json":
        from ..documents.files import finite_text

        click.echo(finite_text(json.dumps(result.to_dict(), indent=1, default=str)))
        return
    from ..report.terminal_track import print_tracking

    print_tracking(result, labels=labels)
