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
    print_warnings,
    progress_bar,
    set_option,
    user_errors,
    write_atomic,
)

SCENARIO = click.argument("scenario", type=click.Path(dir_okay=False, path_type=Path))
SEED = click.option("--seed", type=click.IntRange(0), help="Root seed (default: the scenario's).")
WORKERS = click.option("--workers", "-w", type=click.IntRange(0, 512), default=1,
                       show_default=True, help="Worker processes (0 = all cores).")


def _load(scenario: Path, overrides: tuple[str, ...]) -> Any:
    import mktsim

    loaded = mktsim.load(scenario, list(overrides))
    print_warnings(loaded.loaded.warnings)
    return loaded


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
              help="Folder for compare.json.")
@user_errors
def compare(scenario: Path, strategies: str | None, against: str | None, precision: float,
            max_reps: int, seed: int | None, workers: int, overrides: tuple[str, ...],
            fmt: str, out: Path | None) -> None:
    """Run strategies on the same replications and compare them with confidence.

    \b
    Example:
      mktsim compare plans/smart_band.yaml --against baseline --precision 0.02
    """
    from .decision.compare import compare as run_compare

    sc = _load(scenario, overrides)
    names = [s.strip() for s in strategies.split(",") if s.strip()] if strategies else None
    total = max_reps * len(names or sc.strategies)
    with progress_bar(total, "comparing") as advance:
        result = run_compare(sc, names, against, seed, precision, max_reps,
                             workers=_workers(workers), progress=advance)
    from .results import _clean

    doc = _clean(result.to_dict())
    if fmt == "json":
        click.echo(json.dumps(doc, indent=1))
    elif fmt in ("csv", "md"):
        click.echo(_flat(doc, fmt))
    else:
        from .report.terminal_decision import print_compare

        print_compare(doc)
    if out is not None:
        write_atomic(out / "compare.json", json.dumps(doc, indent=1))
        click.echo(f"wrote {out / 'compare.json'}", err=True)


def _flat(doc: dict[str, Any], fmt: str) -> str:
    import pandas as pd

    rows = []
    for s in doc["strategies"]:
        row: dict[str, Any] = {"strategy": s, "p_best": doc["probability_best"][s],
                               "p_all_targets": doc["all_targets"][s]["probability"]}
        for t in doc["targets"]:
            row[f"p_{t['id']}"] = t["by_strategy"][s]["probability"]
        for k, per in doc["kpis"].items():
            row[k] = per[s]["mean"]
        rows.append(row)
    df = pd.DataFrame(rows)
    return df.to_csv(index=False) if fmt == "csv" else df.to_markdown(index=False)


@click.command()
@SCENARIO
@click.option("--mode", type=click.Choice(["fixed", "target"]), default="fixed",
              show_default=True, help="fixed: best use of the budget; target: cheapest plan "
              "that meets every target.")
@click.option("--confidence", type=click.FloatRange(0.5, 0.999),
              help="Required confidence for every target (default: each target's own).")
@click.option("--budget", type=click.FloatRange(0, min_open=True),
              help="Budget to spend in fixed mode (default: the reference strategy's).")
@click.option("--evaluations", type=click.IntRange(1), help="Candidate plans to try.")
@click.option("--replications", "-n", type=click.IntRange(5), help="Replications per candidate.")
@click.option("--verify-reps", type=click.IntRange(10), default=500, show_default=True,
              help="Fresh replications that verify the winner.")
@click.option("--curves/--no-curves", default=False, show_default=True,
              help="Also compute the marginal return per channel around the winner.")
@SEED
@WORKERS
@set_option
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table",
              show_default=True)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the scenario with the winner added as strategy 'optimized'.")
@user_errors
def optimize(scenario: Path, mode: str, confidence: float | None, budget: float | None,
             evaluations: int | None, replications: int | None, verify_reps: int,
             curves: bool, seed: int | None, workers: int, overrides: tuple[str, ...],
             fmt: str, out: Path | None) -> None:
    """Find the best plan for the budget, or the cheapest plan that meets every target.

    \b
    Example:
      mktsim optimize plans/smart_band.yaml --mode target --confidence 0.8 --out best.yaml
      mktsim run best.yaml --strategy optimized
    """
    from .decision.documents import optimum_doc, write_strategy_yaml
    from .decision.optimize import optimize as run_optimize

    sc = _load(scenario, overrides)
    total = evaluations or (sc.spec.decision.evaluations if sc.spec.decision else 300)
    with progress_bar(total, f"optimizing ({mode})") as advance:
        opt = run_optimize(sc, mode, evaluations, replications, seed, confidence, budget,
                           verify_reps, _workers(workers), advance)
    marginal = None
    if curves:
        from .decision.explain import response_curves
        from .decision.optimize import CANDIDATE, candidate_scenario

        cand = candidate_scenario(sc, opt.strategy)
        _, marginal = response_curves(cand, CANDIDATE, 60, seed, multipliers=(1.0,),
                                      workers=_workers(workers))
    doc = optimum_doc(opt, marginal)
    if fmt == "json":
        click.echo(json.dumps(doc, indent=1))
    else:
        from .report.terminal_decision import print_optimum

        print_optimum(doc)
    if out is not None:
        if out.resolve() == scenario.resolve():
            raise InputError("--out must not overwrite the scenario file; name a new file")
        write_atomic(out, write_strategy_yaml(scenario, out, doc["strategy"]))
        click.echo(f"wrote {out}; run it with: mktsim run {out} --strategy optimized", err=True)


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
    name = sc.strategy_name(strategy)
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
