"""The optimize document of an `Optimum` (mktsim.documents.optimize), the explain curves
as document parts, and the scenario file with the winner."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..documents.optimize import OptimizeDocument, OutcomeSummary
from .compare import drawn_paths, joint_draws
from .optimize import CANDIDATE, Optimum
from .outcome import Outcome
from .stats import mean_interval, wilson_interval


def outcome_summary(o: Outcome) -> OutcomeSummary:
    """Targets with probabilities and intervals, and the headline KPIs."""
    targets = []
    for t, tid in enumerate(o.target_ids):
        met = o.met[t]
        targets.append({"id": tid, "probability": float(met.mean()), "met": int(met.sum()),
                        "interval": list(wilson_interval(int(met.sum()), len(met))),
                        "confidence": float(o.confidence[t])})
    lo, hi = wilson_interval(int(o.all_met.sum()), o.replications)
    kpis = {k: dict(zip(("mean", "low", "high"), mean_interval(v), strict=True))
            for k, v in o.kpis.items()}
    return OutcomeSummary(o.replications, targets,
                          {"probability": float(o.all_met.mean()), "interval": [lo, hi]}, kpis)


def optimum_doc(opt: Optimum, marginal: pd.DataFrame | None = None,
                curves: pd.DataFrame | None = None) -> dict[str, Any]:
    """The JSON document of an optimisation (the shape of docs/results-format.md)."""
    return optimum_document(opt, marginal, curves).to_dict()


def optimum_document(opt: Optimum, marginal: pd.DataFrame | None = None,
                     curves: pd.DataFrame | None = None,
                     scenario_hash: str | None = None) -> OptimizeDocument:
    """The typed document of an optimisation; targets out of reach are added to the
    notes (once)."""
    verified = outcome_summary(opt.verified)
    out_of_reach = None
    if not opt.reached and opt.mode == "target":
        out_of_reach = [t for t in verified.targets if t["probability"] < t["confidence"]]
        for t in out_of_reach:
            note = (f"target {t['id']} out of reach: the best plan met it with "
                    f"probability {t['probability']:.0%}, {t['confidence']:.0%} asked")
            if note not in opt.notes:
                opt.notes.append(note)
    marginal_rows = marginal_doc(marginal) if marginal is not None else None
    return OptimizeDocument(
        mode=opt.mode, objective=opt.objective, plan=plan_of(opt.strategy),
        feasible=opt.reached, message=_message(opt), evaluations=opt.evaluations,
        budget=opt.budget, team_cost=opt.team_cost, total_cost=opt.total_cost,
        search=outcome_summary(opt.search), verified=verified, verify_seed=opt.verify_seed,
        out_of_reach=out_of_reach,
        response_curves=curves_doc(curves) if curves is not None else None,
        marginal=marginal_rows,
        marginal_roi=None if marginal_rows is None else
        {c: row["profit_per_money"] for c, row in marginal_rows.items()},
        scenario_hash=scenario_hash, parameter_uncertainty=drawn_paths(opt.verified_run),
        joint_draws=joint_draws(opt.verified_run), confirmation=confirmation_doc(opt),
        flighting=opt.flighting, binding=opt.binding)


def confirmation_doc(opt: Optimum) -> dict[str, Any] | None:
    """The confirmation of the plan reported, with how many were tried."""
    if opt.confirmation is None:
        return None
    return {**opt.confirmation.to_dict(), "attempts": len(opt.confirmations)}


def plan_of(strategy: dict[str, Any]) -> dict[str, Any]:
    """The plan part of a strategy found by the search: budget, allocation shares,
    headcount, and flighting when the quarters were levers."""
    plan = {"budget": strategy["budget"], "allocation": dict(strategy["allocation"]),
            "headcount": dict(strategy.get("headcount") or {})}
    if strategy.get("flighting") is not None:
        plan["flighting"] = strategy["flighting"]
    return plan


def _message(opt: Optimum) -> str:
    c = opt.confirmation
    if opt.mode == "target" and opt.reached and c is not None:
        n = c.targets[0].replications if c.targets else 0
        head = (f"all targets reached at the required confidence, confirmed on {n} "
                f"fresh replications (one-sided 95% lower bounds)")
    elif opt.mode == "target" and opt.reached:
        head = "all targets reached at the required confidence"
    elif opt.mode == "target":
        head = "no plan within the levers' bounds meets every target"
    else:
        head = f"best plan found for the budget ({opt.objective})"
    return "; ".join([head, *opt.notes])


def curves_doc(curves: pd.DataFrame) -> dict[str, dict[str, list[float]]]:
    """{channel: {multiplier: [..], spend: [..], revenue: [..], profit: [..], ...}}."""
    out: dict[str, dict[str, list[float]]] = {}
    for ch, rows in curves.groupby("channel", sort=False):
        rows = rows.sort_values("multiplier")
        out[str(ch)] = {str(k): [float(v) for v in rows[k]] for k in rows.columns
                        if k != "channel"}
    return out


def marginal_doc(marginal: pd.DataFrame) -> dict[str, dict[str, float]]:
    """{channel: {spend, step, profit_per_money, ...}}."""
    return {str(c): {str(k): float(v) for k, v in row.items()} for c, row in marginal.iterrows()}


def write_strategy_yaml(source: Path, out: Path, strategy: dict[str, Any],
                        name: str = CANDIDATE) -> str:
    """The scenario file `source` with `strategy` added as `name` (default `optimized`;
    comments kept), first among the strategies, for a file at `out`: its relative file
    references (the calibration history, joint draws) are rewritten for out's folder."""
    from ruamel.yaml import YAML

    from ..scenario.references import relocate_references

    yaml = YAML()
    yaml.preserve_quotes = True
    data = yaml.load(source.read_text(encoding="utf-8"))
    data["strategies"].pop(name, None)
    data["strategies"].insert(0, name, _plain(strategy))  # first: `mktsim run FILE` runs it
    relocate_references(data, source.parent, out.parent)
    buf = io.StringIO()
    yaml.dump(data, buf)
    return buf.getvalue()


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    return value
