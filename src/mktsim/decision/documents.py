"""JSON documents of `optimize` and `explain`, and the scenario file with the winner."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..results import _clean
from .optimize import CANDIDATE, Optimum
from .outcome import Outcome
from .stats import mean_interval, wilson_interval


def outcome_doc(o: Outcome) -> dict[str, Any]:
    """Targets with probabilities and intervals, and the headline KPIs."""
    targets = []
    for t, tid in enumerate(o.target_ids):
        met = o.met[t]
        targets.append({"id": tid, "probability": float(met.mean()),
                        "interval": list(wilson_interval(int(met.sum()), len(met))),
                        "confidence": float(o.confidence[t])})
    lo, hi = wilson_interval(int(o.all_met.sum()), o.replications)
    kpis = {k: dict(zip(("mean", "low", "high"), mean_interval(v), strict=True))
            for k, v in o.kpis.items()}
    return {"replications": o.replications, "targets": targets,
            "all_targets": {"probability": float(o.all_met.mean()), "interval": [lo, hi]},
            "kpis": kpis}


def optimum_doc(opt: Optimum, marginal: pd.DataFrame | None = None,
                curves: pd.DataFrame | None = None) -> dict[str, Any]:
    """The JSON document of an optimisation (the shape of docs/results-format.md)."""
    doc: dict[str, Any] = {
        "kind": "optimize", "mode": opt.mode, "objective": opt.objective,
        "plan": {"budget": opt.budget, "allocation": dict(opt.strategy["allocation"]),
                 "headcount": dict(opt.strategy.get("headcount") or {})},
        "reached": opt.reached, "feasible": opt.reached, "evaluations": opt.evaluations,
        "budget": opt.budget, "team_cost": opt.team_cost, "total_cost": opt.total_cost,
        "strategy": opt.strategy, "search": outcome_doc(opt.search),
        "verified": outcome_doc(opt.verified), "verify_seed": opt.verify_seed,
        "notes": opt.notes,
    }
    if not opt.reached and opt.mode == "target":
        doc["out_of_reach"] = [t for t in doc["verified"]["targets"]
                               if t["probability"] < t["confidence"]]
        for t in doc["out_of_reach"]:
            opt.notes.append(f"target {t['id']} out of reach: the best plan met it with "
                             f"probability {t['probability']:.0%}, {t['confidence']:.0%} asked")
    doc["message"] = _message(opt)
    if curves is not None:
        doc["response_curves"] = curves_doc(curves)
    if marginal is not None:
        doc["marginal"] = marginal_doc(marginal)
        doc["marginal_roi"] = {c: row["profit_per_money"]
                               for c, row in doc["marginal"].items()}
    return _clean(doc)


def _message(opt: Optimum) -> str:
    if opt.mode == "target" and opt.reached:
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


def write_strategy_yaml(source: Path, out: Path, strategy: dict[str, Any]) -> str:
    """The scenario file `source` with `strategy` added as `optimized` (comments kept)."""
    from ruamel.yaml import YAML

    yaml = YAML()
    yaml.preserve_quotes = True
    data = yaml.load(source.read_text(encoding="utf-8"))
    data["strategies"][CANDIDATE] = _plain(strategy)
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
