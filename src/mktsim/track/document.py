"""The track document: the conditioned run's document plus what tracking adds
(docs/tracking.md lists the fields)."""

from __future__ import annotations

import math
from typing import Any

from ..documents.track import ReoptimizeDocument
from .reoptimize import Reoptimization
from .run import TargetTrack, Tracking


def tracking_document(t: Tracking, series: bool = True) -> dict[str, Any]:
    """The conditioned run document with `kind: track`, the as-of date, the conditioning
    and, per target, the conditional and unconditional probabilities."""
    doc = t.conditioned.to_dict(series)
    by_id = {tt.conditional.target.id: tt for tt in t.targets}
    for entry in doc["targets"]:
        entry.update(_target_fields(by_id[entry["id"]]))
    c = t.conditioning
    doc.update({
        "kind": "track", "as_of": t.as_of.isoformat(), "as_of_day": t.as_of_day,
        "actuals_source": t.actuals.source, "periods_observed": t.actuals.n_periods,
        "conditioning": {"method": "sequential importance resampling (whole paths)",
                         "replications": c.replications, "ess": c.ess, "beta": c.beta,
                         "noise": c.noise, "fit_p_value": t.fit_p_value},
        "actuals": actuals_series(t),
        "warnings": list(t.warnings),
    })
    if t.reoptimization is not None:
        doc["reoptimize"] = reoptimize_document(t.reoptimization).to_dict()
    return doc


def reoptimize_document(r: Reoptimization) -> ReoptimizeDocument:
    """The re-optimisation as its document: what changes, its cost, the targets."""
    s = r.space
    channels = [{"channel": c, "spent": s.spent.get(c, 0.0), "before": s.planned.get(c, 0.0),
                 "after": r.after.get(c, 0.0),
                 "change": r.after.get(c, 0.0) - s.planned.get(c, 0.0)}
                for c in r.after if s.planned.get(c, 0.0) > 0 or r.after.get(c, 0.0) > 0]
    headcount = [{"team": t, "before": s.headcount[t], "after": s.headcount[t] + n,
                  "hires": n, "cost": n * s.team_cost_per_day[t] * s.days_left}
                 for t, n in r.hires.items()]
    targets = [{"id": t.id, "confidence": t.confidence,
                "before": {"probability": t.before[0], "interval": list(t.before[1])},
                "after": None if t.after is None else
                {"probability": t.after[0], "interval": list(t.after[1])},
                "met": t.met if t.reachable else None,
                "shortfall": t.shortfall if t.reachable else None}
               for t in r.targets]
    return ReoptimizeDocument(
        strategy=r.strategy, first_day=s.hire_date.isoformat(), reached=r.reached,
        message=r.message,
        remaining={"spent": s.spent_total, "before": s.planned_total, "after": r.remaining},
        channels=channels, headcount=headcount,
        cost_of_change={"media": r.media_change, "people": r.hire_cost,
                        "total": r.cost_of_change},
        targets=targets, plan=r.plan,
        search={"evaluations": r.evaluations, "particles": r.search_reps,
                "distinct": r.search_unique},
        verified={"replications": r.verify_reps, "seed": r.verify_seed, "ess": r.verify_ess,
                  "beta": r.verify_beta})


def _target_fields(tt: TargetTrack) -> dict[str, Any]:
    u, pos = tt.unconditional, tt.position
    return {"unconditional": {"probability": u.probability, "interval": list(u.interval),
                              "verdict": u.verdict},
            "status": pos.status, "value_at_as_of": _num(pos.value),
            "trajectory_at_as_of": _num(pos.expected), "gap": _num(pos.gap),
            "relative_gap": _num(pos.relative_gap)}


def actuals_series(t: Tracking) -> dict[str, dict[str, list[Any]]]:
    """Each observed KPI: period first dates, last days (day index) and values (None for
    an empty cell)."""
    days = t.actuals.last_days.tolist()
    return {kpi: {"dates": [d.isoformat() for d in t.actuals.dates], "last_day": days,
                  "observed": [_num(v) for v in values]}
            for kpi, values in t.actuals.series.items()}


def _num(value: float | None) -> float | None:
    if value is None:
        return None
    value = float(value)
    return value if math.isfinite(value) else None


def frame_rows(t: Tracking) -> list[dict[str, Any]]:
    """One row per target: conditional and unconditional probability, status, gap."""
    rows = []
    for tt in t.targets:
        v, u, pos = tt.conditional, tt.unconditional, tt.position
        rows.append({"id": v.target.id, "metric": v.target.metric, "threshold": v.threshold,
                     "direction": v.direction, "probability": v.probability,
                     "low": v.interval[0], "high": v.interval[1],
                     "unconditional": u.probability, "status": pos.status,
                     "gap": pos.gap, "relative_gap": pos.relative_gap,
                     "verdict": v.verdict})
    return rows

