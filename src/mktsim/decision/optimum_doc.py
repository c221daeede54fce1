"""The optimize document (`mktsim.documents.optimize`) built from an `Optimum`, and the
response curves and marginal returns as document parts (also of the explain document).
The scenario file with the winner is written by `decision.plan_file`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..documents.optimize import OptimizeDocument, OutcomeSummary
from ..simulate.stats import mean_interval, wilson_interval
from .compare import drawn_paths, joint_draws
from .optimize import Optimum
from .outcome import Outcome

if TYPE_CHECKING:
    import pandas as pd


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
                curves: pd.DataFrame | None = None,
                scenario_hash: str | None = None) -> OptimizeDocument:
    """The typed document of an optimisation (as `run_doc` is a run's); targets out of
    reach are added to the notes (once)."""
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
