"""`mktsim compare`, `optimize` and `explain`: thin commands over `Scenario.compare`,
`Scenario.optimize` and `Scenario.explain`.

Only click is imported at module level; the library is imported inside each command.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from ..i18n import _
from .common import (
    SCENARIO,
    SEED,
    Bars,
    InputError,
    check_out_dir,
    executor_options,
    load_scenario,
    one_line,
    progress_bar,
    report_formats,
    report_option,
    set_option,
    user_errors,
    workers_option,
)
from .common import workers as _workers


def _strategy(sc: Any, name: str, option: str) -> str:
    """A strategy of the scenario, or a one-line error naming the option."""
    from ..scenario.suggest import did_you_mean

    if name not in sc.spec.strategies:
        raise InputError(_("{option}: unknown strategy '{name}'; {hint}").format(
            option=option, name=name, hint=did_you_mean(name, sc.strategies)))
    return name


def _strategy_list(sc: Any, text: str | None) -> list[str] | None:
    """`a,b` -> checked names; None (every strategy) when not given."""
    if text is None:
        return None
    names = [s.strip() for s in text.split(",") if s.strip()]
    if not names:
        raise InputError(_("--strategies: no strategy given; name them like --strategies "
                           "{example}").format(example=",".join(sc.strategies[:2])))
    return [_strategy(sc, n, "--strategies") for n in names]


def _saved(result: Any, out: Path, formats: list[str]) -> None:
    """The result's document (and report) into `out`, each file named on stderr."""
    from ..documents.staging import staged_folder
    from ..report import ReportError

    folder = staged_folder(out)  # moved into `out` when everything is written
    try:
        paths = [out / Path(p).relative_to(folder) for p in result.save(folder, formats)]
    except ReportError as exc:
        raise InputError(str(exc)) from None
    click.echo(_("wrote {path}").format(path=paths[0]), err=True)
    if formats:
        click.echo(_("wrote {path}").format(path=", ".join(str(p) for p in paths[1:])),
                   err=True)



#: Shared by optimize and explain.
CURVE_REPS = click.option("--curve-reps", type=click.IntRange(5), default=60, show_default=True,
                          help="Replications per point of the response curves.")

@click.command()
@SCENARIO
@click.option("--strategies", help="Comma-separated strategies (default: all).")
@click.option("--against", help="Reference strategy for differences (default: the first).")
@click.option("--precision", type=click.FloatRange(0.001, 0.5), default=0.03, show_default=True,
              help="Stop when every probability's 95% half-width is at most this.")
@click.option("--max-reps", type=click.IntRange(10), default=2000, show_default=True,
              help="Most replications per strategy.")
@SEED
@workers_option(0)
@executor_options
@set_option
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv", "md"]),
              default="table", show_default=True)
@click.option("--out", type=click.Path(file_okay=False, path_type=Path),
              help="Results folder for compare.json (and the report).")
@report_option("the results folder")
@user_errors
def compare(scenario: Path, strategies: str | None, against: str | None, precision: float,
            max_reps: int, seed: int | None, workers: int, executor: str,
            scheduler: str | None, overrides: tuple[str, ...], fmt: str, out: Path | None,
            report_formats: str | None) -> None:
    """Run strategies on the same replications and compare them with confidence.

    \b
    Example:
      mktsim compare plans/smart_band.yaml --against baseline --precision 0.02
      mktsim compare plans/smart_band.yaml --out results/ --report md,html
      mktsim compare plans/smart_band.yaml --max-reps 20000 --scheduler tcp://HOST:8786
    """
    from ..scenario.errors import ScenarioError

    check_out_dir(out)
    reports = _formats(report_formats, out, "--out")
    sc = load_scenario(scenario, overrides)
    names = _strategy_list(sc, strategies)
    ref = _strategy(sc, against, "--against") if against is not None else None
    total = max_reps * len(set([*(names or sc.strategies), *([ref] if ref else [])]))
    try:
        with progress_bar(total, _("comparing")) as advance:
            result = sc.compare(names, ref, seed, precision, max_reps,
                                workers=_workers(workers), progress=advance,
                                executor=executor, scheduler=scheduler)
    except ScenarioError as exc:
        raise one_line(exc) from None
    if fmt == "json":
        click.echo(json.dumps(result.to_dict(), indent=1))
    elif fmt == "csv":
        click.echo(result.frame().to_csv(index=False), nl=False)
    elif fmt == "md":
        click.echo(result.markdown())
    else:
        from ..report.terminal_decision import print_compare

        print_compare(result.to_dict(), labels=sc.labels())
    if out is not None:
        _saved(result, out, reports)


_formats = report_formats


@click.command()
@SCENARIO
@click.option("--mode", default="fixed", show_default=True, metavar="fixed|target",
              help="fixed: best use of the budget; target: cheapest plan that meets every "
              "target.")
@click.option("--confidence", type=click.FloatRange(0.5, 0.999),
              help="Required confidence for every target (default: each target's own).")
@click.option("--budget", type=click.FloatRange(0, min_open=True),
              help="Budget to spend in fixed mode (default: the reference strategy's).")
@click.option("--evaluations", type=click.IntRange(1), help="Candidate plans to try.")
@click.option("--replications", "-n", type=click.IntRange(5), help="Replications per candidate.")
@click.option("--verify-reps", type=click.IntRange(10), default=500, show_default=True,
              help="Replications of its own seed stream that confirm the winner.")
@click.option("--tolerance", type=click.FloatRange(0, 0.2), default=0.0, show_default=True,
              help="How far a target's confirmed lower bound may fall below its confidence "
              "and still pass (said in the output).")
@click.option("--curves/--no-curves", default=False, show_default=True,
              help="Also compute response curves and the marginal return per channel around "
              "the winner.")
@click.option("--frontier", "frontier_budgets", metavar="BUDGETS",
              help="Instead: expected profit against its p10 for these budgets "
              "(comma-separated, or 'auto': the reference's x 0.5, 1, 1.5).")
@CURVE_REPS
@SEED
@workers_option(0)
@executor_options
@set_option
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table",
              show_default=True)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the scenario with the winner added as strategy 'optimized'.")
@click.option("--out-dir", type=click.Path(file_okay=False, path_type=Path),
              help="Results folder for optimize.json (and the report).")
@report_option("the results folder")
@user_errors
def optimize(scenario: Path, mode: str, confidence: float | None, budget: float | None,
             evaluations: int | None, replications: int | None, verify_reps: int,
             tolerance: float, curves: bool, frontier_budgets: str | None,
             curve_reps: int, seed: int | None,
             workers: int, executor: str, scheduler: str | None, overrides: tuple[str, ...],
             fmt: str, out: Path | None, out_dir: Path | None,
             report_formats: str | None) -> None:
    """Find the best plan for the budget, or the cheapest plan that meets every target.

    \b
    Example:
      mktsim optimize plans/smart_band.yaml --mode target --confidence 0.8 --out best.yaml
      mktsim run best.yaml --strategy optimized
      mktsim optimize plans/smart_band.yaml --curves --out-dir results/ --report html
      mktsim optimize plans/smart_band.yaml --dask --workers 8
    """
    from ..scenario.errors import ScenarioError

    if out is not None and out.resolve() == scenario.resolve():
        raise InputError(_("--out must not overwrite the scenario file; name a new file"))
    check_out_dir(out_dir)
    reports = _formats(report_formats, out_dir, "--out-dir")
    sc = load_scenario(scenario, overrides)
    try:
        sc.check_optimizable(mode)
    except ScenarioError as exc:
        p = exc.problems[0]
        text = (_("{where}: {message}; {hint}") if p.where == "--mode" else
                _("{message}: {hint}")).format(where=p.where, message=p.message, hint=p.hint)
        raise InputError(text) from None
    if frontier_budgets is not None:
        _print_frontier(sc, frontier_budgets, evaluations, replications, seed,
                        _workers(workers), fmt)
        return
    if sc.spec.decision is None:
        click.echo(_("warning: no decision: section; maximising P(all targets) by moving "
                     "every channel of the first strategy (see docs/decision.md)"), err=True)
    total = evaluations or (sc.spec.decision.evaluations if sc.spec.decision else 300)
    from ..report import ReportError

    try:
        with Bars() as bars:
            result = sc.optimize(
                mode, confidence, budget, evaluations, replications, verify_reps,
                curves=curves, curve_reps=curve_reps, seed=seed, workers=_workers(workers),
                progress=bars.bar(total, lambda: _("optimizing ({mode})").format(mode=mode)),
                curves_progress=bars.bar(sc.curve_runs(), lambda: _("response curves")),
                executor=executor, scheduler=scheduler, tolerance=tolerance,
                out=out_dir, out_plan=out, reports=reports)
    except ScenarioError as exc:
        raise one_line(exc) from None
    except ReportError as exc:
        raise InputError(str(exc)) from None
    doc = result.to_dict()
    if fmt == "json":
        click.echo(json.dumps(doc, indent=1))
    else:
        from ..report.terminal_decision import print_optimum

        print_optimum(doc, labels=sc.labels())
    _said_written(result.written, out, out_dir, reports)


def _said_written(written: list[Path], plan: Path | None, out_dir: Path | None,
                  reports: list[str]) -> None:
    """The files an optimisation wrote, named on stderr: the plan, the results folder's."""
    if plan is not None:
        click.echo(_("wrote {path}; run it with: mktsim run {path} --strategy optimized")
                   .format(path=plan), err=True)
    folder = [p for p in written if p != plan]
    if out_dir is not None and folder:
        click.echo(_("wrote {path}").format(path=folder[0]), err=True)
        if reports:
            click.echo(_("wrote {path}").format(path=", ".join(str(p) for p in folder[1:])),
                       err=True)


def _print_frontier(sc: Any, text: str, evaluations: int | None, replications: int | None,
                    seed: int | None, workers: int, fmt: str) -> None:
    """`optimize --frontier`: the table (or JSON) of expected profit against its p10."""
    try:
        budgets = None if text.strip() == "auto" else [
            float(v.replace("_", "")) for v in text.split(",") if v.strip()]
    except ValueError:
        raise InputError(_("--frontier: give budgets as numbers separated by commas, "
                           "or auto")) from None
    points = sc.frontier(budgets, evaluations=evaluations or 40, replications=replications,
                         seed=seed, workers=workers)
    rows = [p.to_dict() for p in points]
    if fmt == "json":
        click.echo(json.dumps({"kind": "frontier", "points": rows}, indent=1))
        return
    from ..report.terminal_decision import print_frontier

    print_frontier(rows)


@click.command()
@SCENARIO
@click.option("--strategy", "-s", help="Strategy to explain (default: the first).")
@click.option("--replications", "-n", type=click.IntRange(5), default=200, show_default=True,
              help="Replications of the strategy for the leaks.")
@CURVE_REPS
@click.option("--curves/--no-curves", default=True, show_default=True,
              help="Response curves and marginal returns per channel.")
@SEED
@workers_option(0)
@executor_options
@set_option
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table",
              show_default=True)
@user_errors
def explain(scenario: Path, strategy: str | None, replications: int, curve_reps: int,
            curves: bool, seed: int | None, workers: int, executor: str,
            scheduler: str | None, overrides: tuple[str, ...], fmt: str) -> None:
    """Where a plan leaks, its bottleneck team, and what more money buys per channel.

    \b
    Example:
      mktsim explain plans/smart_band.yaml --strategy digital_first
    """
    sc = load_scenario(scenario, overrides)
    name = _strategy(sc, strategy, "--strategy") if strategy else sc.strategies[0]
    with progress_bar(sc.curve_runs(), _("response curves"), curves) as advance:
        result = sc.explain(name, replications, curves, curve_reps, seed, _workers(workers),
                            advance, executor=executor, scheduler=scheduler)
    doc = result.to_dict()
    if fmt == "json":
        click.echo(json.dumps(doc, indent=1))
    else:
        from ..report.terminal_decision import print_explain

        print_explain(doc, labels=sc.labels())
