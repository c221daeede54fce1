"""`mktsim compare`, `optimize` and `explain`: thin commands over mktsim.decision.

Only click is imported at module level; the library is imported inside each command.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from .cli_common import (
    InputError,
    check_out_dir,
    print_warnings,
    progress_bar,
    set_option,
    user_errors,
    write_atomic,
)

SCENARIO = click.argument("scenario", type=click.Path(dir_okay=False, path_type=Path))
SEED = click.option("--seed", type=click.IntRange(0), help="Root seed (default: the scenario's).")
WORKERS = click.option("--workers", "-w", type=click.IntRange(0, 512), default=0,
                       show_default=True,
                       help="Worker processes (0 = all cores). Results do not depend on it.")


REPORT = click.option("--report", "report_formats", metavar="FORMATS",
                      help="Also write a report into the results folder: md,html,xlsx.")
MODES = ("fixed", "target")


def _load(scenario: Path, overrides: tuple[str, ...]) -> Any:
    import mktsim

    loaded = mktsim.load(scenario, list(overrides))
    print_warnings(loaded.loaded.warnings)
    return loaded


def _strategy(sc: Any, name: str, option: str) -> str:
    """A strategy of the scenario, or a one-line error naming the option."""
    from .scenario.suggest import did_you_mean

    if name not in sc.spec.strategies:
        raise InputError(f"{option}: unknown strategy '{name}'; "
                         f"{did_you_mean(name, sc.strategies)}")
    return name


def _strategy_list(sc: Any, text: str | None) -> list[str] | None:
    """`a,b` -> checked names; None (every strategy) when not given."""
    if text is None:
        return None
    names = [s.strip() for s in text.split(",") if s.strip()]
    if not names:
        raise InputError("--strategies: no strategy given; name them like "
                         f"--strategies {','.join(sc.strategies[:2])}")
    return [_strategy(sc, n, "--strategies") for n in names]


def _report_formats(text: str | None, out: Path | None, option: str) -> list[str]:
    """Checked report formats (before anything runs); they need a results folder."""
    if text is None:
        return []
    from .report import ReportError, check_formats

    try:
        formats = check_formats(text)
    except ReportError as exc:
        raise InputError(f"--report: {exc}") from None
    if out is None:
        raise InputError(f"--report needs {option} DIR to write the report into")
    return formats


def _write_results(out: Path, name: str, doc: dict[str, Any], run: Any,
                   formats: list[str]) -> None:
    """`name` (compare.json / optimize.json) into `out`, with run.json when the folder has
    none, then the report."""
    if run is not None:  # lets a report tell these results from another scenario's
        doc = {**doc, "scenario_hash": run.loaded.content_hash}
    write_atomic(out / name, json.dumps(doc, indent=1))
    click.echo(f"wrote {out / name}", err=True)
    if not formats:
        return
    if not (out / "run.json").exists() and run is not None:
        from .run_cmd import write_run

        write_run(run, out, "csv")
    from .report import ReportError, write_report

    try:
        paths = write_report(out, formats, out)
    except ReportError as exc:
        raise InputError(str(exc)) from None
    click.echo(f"wrote {', '.join(str(p) for p in paths)}", err=True)


def _one_line(exc: Exception) -> InputError:
    """A scenario error with one problem as a one-line message."""
    from .scenario.errors import ScenarioError

    if isinstance(exc, ScenarioError) and len(exc.problems) == 1:
        return InputError(exc.problems[0].render())
    return InputError(str(exc))


def _workers(n: int) -> int:
    from .engine.montecarlo import default_workers

    return n or default_workers()


@click.command()
@SCENARIO
@click.option("--strategies", help="Comma-separated strategies (default: all).")
@click.option("--against", help="Reference strategy for differences (default: the first).")
@click.option("--precision", type=click.FloatRange(0.001, 0.5), default=0.03, show_default=True,
              help="Stop when every probability's 95% half-width is at most this.")
@click.option("--max-reps", type=click.IntRange(10), default=2000, show_default=True,
              help="Most replications per strategy.")
@SEED
@WORKERS
@set_option
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv", "md"]),
              default="table", show_default=True)
@click.option("--out", type=click.Path(file_okay=False, path_type=Path),
              help="Results folder for compare.json (and the report).")
@REPORT
@user_errors
def compare(scenario: Path, strategies: str | None, against: str | None, precision: float,
            max_reps: int, seed: int | None, workers: int, overrides: tuple[str, ...],
            fmt: str, out: Path | None, report_formats: str | None) -> None:
    """Run strategies on the same replications and compare them with confidence.

    \b
    Example:
      mktsim compare plans/smart_band.yaml --against baseline --precision 0.02
      mktsim compare plans/smart_band.yaml --out results/ --report md,html
    """
    from .decision.compare import compare as run_compare
    from .scenario.errors import ScenarioError

    check_out_dir(out)
    reports = _report_formats(report_formats, out, "--out")
    sc = _load(scenario, overrides)
    names = _strategy_list(sc, strategies)
    ref = _strategy(sc, against, "--against") if against is not None else None
    total = max_reps * len(set([*(names or sc.strategies), *([ref] if ref else [])]))
    try:
        with progress_bar(total, "comparing") as advance:
            result = run_compare(sc, names, ref, seed, precision, max_reps,
                                 workers=_workers(workers), progress=advance)
    except ScenarioError as exc:
        raise _one_line(exc) from None
    from .results import _clean

    doc = _clean(result.to_dict())
    if fmt == "json":
        click.echo(json.dumps(doc, indent=1))
    elif fmt in ("csv", "md"):
        click.echo(_flat(doc, fmt), nl=fmt == "md")
    else:
        from .report.terminal_decision import print_compare

        print_compare(doc)
    if out is not None:
        _write_results(out, "compare.json", doc, result.first_run, reports)


def _flat(doc: dict[str, Any], fmt: str) -> str:
    """One row per strategy: P(best), P(all targets), P(each target), expected KPIs."""
    rows = []
    for s in doc["strategies"]:
        row: dict[str, Any] = {"strategy": s, "p_best": doc["probability_best"][s],
                               "p_all_targets": doc["all_targets"][s]["probability"]}
        for t in doc["targets"]:
            row[f"p_{t['id']}"] = t["by_strategy"][s]["probability"]
        for k, per in doc["kpis"].items():
            row[k] = per[s]["mean"]
        rows.append(row)
    if fmt == "md":
        return markdown_table(rows)
    import pandas as pd

    return str(pd.DataFrame(rows).to_csv(index=False))


def markdown_table(rows: list[dict[str, Any]]) -> str:
    """A GitHub Markdown table of `rows` (columns of the first row; numbers right-aligned)."""
    if not rows:
        return ""
    cols = list(rows[0])
    cells = [[_md_cell(r.get(c)) for c in cols] for r in rows]
    numeric = [all(isinstance(r.get(c), int | float) or r.get(c) is None for r in rows)
               for c in cols]
    lines = ["| " + " | ".join(_md_escape(str(c)) for c in cols) + " |",
             "|" + "|".join("---:" if n else ":---" for n in numeric) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in cells]
    return "\n".join(lines)


def _md_cell(value: Any) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return _md_escape(str(value))
    if value != 0 and abs(value) < 1e-3:
        return f"{value:.3g}"
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    return f"{value:.4g}"


def _md_escape(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


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
              help="Fresh replications that verify the winner.")
@click.option("--curves/--no-curves", default=False, show_default=True,
              help="Also compute response curves and the marginal return per channel around "
              "the winner.")
@click.option("--curve-reps", type=click.IntRange(5), default=60, show_default=True,
              help="Replications per point of the response curves.")
@SEED
@WORKERS
@set_option
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table",
              show_default=True)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the scenario with the winner added as strategy 'optimized'.")
@click.option("--out-dir", type=click.Path(file_okay=False, path_type=Path),
              help="Results folder for optimize.json (and the report).")
@REPORT
@user_errors
def optimize(scenario: Path, mode: str, confidence: float | None, budget: float | None,
             evaluations: int | None, replications: int | None, verify_reps: int,
             curves: bool, curve_reps: int, seed: int | None, workers: int,
             overrides: tuple[str, ...], fmt: str, out: Path | None, out_dir: Path | None,
             report_formats: str | None) -> None:
    """Find the best plan for the budget, or the cheapest plan that meets every target.

    \b
    Example:
      mktsim optimize plans/smart_band.yaml --mode target --confidence 0.8 --out best.yaml
      mktsim run best.yaml --strategy optimized
      mktsim optimize plans/smart_band.yaml --curves --out-dir results/ --report html
    """
    from .decision.documents import optimum_doc, write_strategy_yaml
    from .decision.optimize import optimize as run_optimize
    from .scenario.errors import ScenarioError

    if mode not in MODES:
        from .scenario.suggest import did_you_mean

        raise InputError(f"--mode: unknown mode '{mode}'; {did_you_mean(mode, MODES)}")
    if out is not None and out.resolve() == scenario.resolve():
        raise InputError("--out must not overwrite the scenario file; name a new file")
    check_out_dir(out_dir)
    reports = _report_formats(report_formats, out_dir, "--out-dir")
    sc = _load(scenario, overrides)
    _check_decision(sc, mode)
    total = evaluations or (sc.spec.decision.evaluations if sc.spec.decision else 300)
    try:
        with progress_bar(total, f"optimizing ({mode})") as advance:
            opt = run_optimize(sc, mode, evaluations, replications, seed, confidence, budget,
                               verify_reps, _workers(workers), advance)
    except ScenarioError as exc:
        raise _one_line(exc) from None
    table = marginal = None
    if curves:
        from .decision.explain import curve_runs, response_curves
        from .decision.optimize import CANDIDATE, candidate_scenario

        cand = candidate_scenario(sc, opt.strategy)
        with progress_bar(curve_runs(cand), "response curves") as advance:
            table, marginal = response_curves(cand, CANDIDATE, curve_reps, seed,
                                              workers=_workers(workers), progress=advance)
    doc = optimum_doc(opt, marginal, table)
    if fmt == "json":
        click.echo(json.dumps(doc, indent=1))
    else:
        from .report.terminal_decision import print_optimum

        print_optimum(doc)
    if out is not None:
        write_atomic(out, write_strategy_yaml(scenario, out, doc["strategy"]))
        click.echo(f"wrote {out}; run it with: mktsim run {out} --strategy optimized", err=True)
    if out_dir is not None:
        _write_results(out_dir, "optimize.json", doc, opt.verified_run, reports)


def _check_decision(sc: Any, mode: str) -> None:
    """What `optimize` needs from the scenario, as one-line errors naming what to add."""
    spec = sc.spec
    if mode == "target" and not spec.targets:
        raise InputError("--mode target needs targets: add a targets: section to the scenario")
    if spec.decision is None and not spec.targets:
        raise InputError("the scenario has no decision: section and no targets, so there is "
                         "nothing to optimise; add decision: {objective: {maximize: profit}} "
                         "(see docs/decision.md)")
    if spec.decision is None and mode == "fixed":
        click.echo("warning: no decision: section; maximising P(all targets) by moving "
                   "every channel of the first strategy (see docs/decision.md)", err=True)


@click.command()
@SCENARIO
@click.option("--strategy", "-s", help="Strategy to explain (default: the first).")
@click.option("--replications", "-n", type=click.IntRange(5), default=200, show_default=True,
              help="Replications of the strategy for the leaks.")
@click.option("--curve-reps", type=click.IntRange(5), default=60, show_default=True,
              help="Replications per point of the response curves.")
@click.option("--curves/--no-curves", default=True, show_default=True,
              help="Response curves and marginal returns per channel.")
@SEED
@WORKERS
@set_option
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table",
              show_default=True)
@user_errors
def explain(scenario: Path, strategy: str | None, replications: int, curve_reps: int,
            curves: bool, seed: int | None, workers: int, overrides: tuple[str, ...],
            fmt: str) -> None:
    """Where a plan leaks, its bottleneck team, and what more money buys per channel.

    \b
    Example:
      mktsim explain plans/smart_band.yaml --strategy digital_first
    """
    from .decision.documents import marginal_doc
    from .decision.explain import bottleneck, curve_runs, leaks, response_curves
    from .results import _clean

    sc = _load(scenario, overrides)
    name = _strategy(sc, strategy, "--strategy") if strategy else sc.strategies[0]
    result = sc.run(name, replications, seed, _workers(workers))
    lk = leaks(result)
    doc: dict[str, Any] = {"kind": "explain", "strategy": name, "leaks": lk,
                           "bottleneck": bottleneck(lk["teams"])}
    if curves:
        with progress_bar(curve_runs(sc), "response curves") as advance:
            table, marginal = response_curves(sc, name, curve_reps, seed,
                                              workers=_workers(workers), progress=advance)
        doc["curves"] = table.to_dict(orient="records")
        doc["marginal"] = marginal_doc(marginal)
    doc = _clean(doc)
    if fmt == "json":
        click.echo(json.dumps(doc, indent=1))
    else:
        from .report.terminal_decision import print_explain

        print_explain(doc)
