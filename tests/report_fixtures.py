"""Synthetic results folders for the report tests.

The numbers come from a small random model (a few hundred replications of a
year of daily KPIs), summarised the way ``mktsim run`` summarises a real
simulation: means and 5/50/95th percentiles over replications, target
probabilities with Wilson intervals, monthly budget.  Tests read the numbers
back from the returned documents and compare them with what the writers print.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import numpy as np

CURRENCY = "CNY"
START = date(2027, 1, 1)
CHANNELS = {"kol": "online", "search": "online", "tv": "offline", "retail": "offline"}
MONTHLY_BUDGET = {"kol": 330_000.0, "search": 480_000.0, "tv": 1_000_000.0, "retail": 240_000.0}
POPULATION = 2_000_000

# name -> (unit, kind)
KPI_META = {
    "revenue": (CURRENCY, "flow"),
    "marketing_spend": (CURRENCY, "flow"),
    "new_customers": ("count", "flow"),
    "brand_awareness": ("share", "stock"),
    "consideration": ("share", "stock"),
    "customers": ("count", "stock"),
    "loyalty_members": ("count", "stock"),
    "marketing_roi": ("ratio", "ratio"),
    "cac": ("money_per_customer", "ratio"),
}


def _dates(days: int) -> list[date]:
    return [START + timedelta(days=i) for i in range(days)]


def _month_days(dates: list[date]) -> np.ndarray:
    counts: dict[tuple[int, int], int] = {}
    for d in dates:
        counts[(d.year, d.month)] = counts.get((d.year, d.month), 0) + 1
    return np.array([counts[(d.year, d.month)] for d in dates], dtype=float)


def simulate(days: int = 365, reps: int = 200, seed: int = 2027) -> dict[str, np.ndarray]:
    """Daily KPI trajectories, shape (reps, days), from a toy funnel model."""
    rng = np.random.default_rng(seed)
    dates = _dates(days)
    t = np.arange(days, dtype=float)
    per_day = sum(MONTHLY_BUDGET.values()) / _month_days(dates)
    spend = per_day * (1 + 0.02 * rng.standard_normal((reps, days)))
    season = 1 + 0.25 * np.sin(2 * np.pi * (t - 60) / 365)
    level = rng.lognormal(0.0, 0.08, size=(reps, 1))
    ramp = 1 - np.exp(-t / 45)
    revenue = 1.85e5 * level * season * (0.35 + 0.65 * ramp)
    revenue = revenue * rng.lognormal(0.0, 0.15, size=(reps, days))
    new_customers = np.round(revenue / 420.0 * rng.uniform(0.9, 1.1, (reps, days)))
    ceiling = rng.normal(0.33, 0.03, size=(reps, 1))
    awareness = 0.05 + (ceiling - 0.05) / (1 + np.exp(-(t - 120) / 35))
    customers = np.cumsum(new_customers, axis=1) * (1 - 0.0006 * t)
    to_date_spend = np.cumsum(spend, axis=1)
    return {
        "revenue": revenue,
        "marketing_spend": spend,
        "new_customers": new_customers,
        "brand_awareness": awareness,
        "consideration": 0.22 * awareness,
        "customers": customers,
        "loyalty_members": 0.3 * customers,
        "marketing_roi": np.cumsum(revenue, axis=1) / to_date_spend - 1,
        "cac": to_date_spend / np.maximum(np.cumsum(new_customers, axis=1), 1.0),
    }


def _summary(values: np.ndarray) -> dict[str, float]:
    return {
        "mean": float(np.mean(values)),
        "p5": float(np.percentile(values, 5)),
        "p50": float(np.percentile(values, 50)),
        "p95": float(np.percentile(values, 95)),
    }


def horizon_value(name: str, paths: np.ndarray, upto: int | None = None) -> np.ndarray:
    """Per-replication value at day ``upto`` (inclusive): total, level or ratio."""
    kind = KPI_META[name][1]
    stop = paths.shape[1] if upto is None else upto + 1
    if kind == "flow":
        return paths[:, :stop].sum(axis=1)
    return paths[:, stop - 1]  # stocks are levels, ratios are computed to date


def wilson(hits: int, n: int, z: float = 1.96) -> tuple[float, float]:
    """95% Wilson interval of a proportion."""
    p = hits / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(0.0, centre - half), min(1.0, centre + half)


TARGETS = [
    {
        "id": "sales_up",
        "metric": "revenue",
        "threshold": 6.0e7,
        "direction": "at_least",
        "by": "2027-12-31",
        "level": "long",
        "confidence": 0.8,
        "serves": "grow_sales",
        "owner": "sales",
    },
    {
        "id": "known_brand",
        "metric": "brand_awareness",
        "threshold": 0.30,
        "direction": "at_least",
        "by": "2027-09-30",
        "level": "mid",
        "confidence": 0.7,
        "serves": "build_brand",
        "owner": "marketing",
    },
    {
        "id": "cheap_customers",
        "metric": "cac",
        "threshold": 175.0,
        "direction": "at_most",
        "by": "2027-06-30",
        "level": "short",
        "confidence": 0.8,
        "serves": "efficient_growth",
        "owner": "marketing",
    },
]


def _target(spec: dict[str, Any], paths: dict[str, np.ndarray]) -> dict[str, Any]:
    days = next(iter(paths.values())).shape[1]
    upto = min((date.fromisoformat(spec["by"]) - START).days, days - 1)
    spec = {**spec, "by": (START + timedelta(days=upto)).isoformat()}
    values = horizon_value(spec["metric"], paths[spec["metric"]], upto)
    ok = (
        values >= spec["threshold"]
        if spec["direction"] == "at_least"
        else values <= spec["threshold"]
    )
    hits, n = int(ok.sum()), len(ok)
    low, high = wilson(hits, n)
    met = hits / n >= spec["confidence"]
    return {
        **spec,
        "probability": hits / n,
        "interval": [low, high],
        "met": met,
        "verdict": "met" if met else "not met",
        "value": _summary(values),
    }


def _budget(dates: list[date]) -> dict[str, dict[str, float]]:
    months = sorted({f"{d.year}-{d.month:02d}" for d in dates})
    return {ch: {m: amount for m in months} for ch, amount in MONTHLY_BUDGET.items()}


def _channels(paths: dict[str, np.ndarray], months: int) -> list[dict[str, Any]]:
    total_revenue = float(horizon_value("revenue", paths["revenue"]).mean())
    weights = {"kol": 0.32, "search": 0.38, "tv": 0.22, "retail": 0.08}
    out = []
    for name, kind in CHANNELS.items():
        spend = MONTHLY_BUDGET[name] * months
        revenue = total_revenue * weights[name]
        out.append(
            {
                "name": name,
                "type": kind,
                "spend": {"mean": spend},
                "revenue": {"mean": revenue},
                "roi": {"mean": revenue / spend - 1},
                "new_customers": {"mean": revenue / 420.0},
                "saturation": {"mean": 0.2 + weights[name]},
                "cac": {"mean": spend / (revenue / 420.0)},
            }
        )
    return out


def build_run(
    days: int = 365,
    reps: int = 200,
    seed: int = 2027,
    optional: bool = True,
    kpis: Sequence[str] | None = None,
) -> dict[str, Any]:
    """A ``run.json`` document; ``optional=False`` leaves out every optional key.

    ``kpis`` keeps only those KPIs (and the targets on them), for small, fast reports.
    """
    paths = simulate(days, reps, seed)
    shown = {k: v for k, v in paths.items() if kpis is None or k in kpis}
    dates = _dates(days)
    run: dict[str, Any] = {
        "kind": "run",
        "name": "Smart band launch 2027",
        "scenario_hash": "sha256:" + "ab12" * 16,
        "strategy": "digital_first",
        "seed": seed,
        "replications": reps,
        "version": "0.1.0",
        "currency": CURRENCY,
        "start_date": START.isoformat(),
        "horizon_days": days,
        "kpis": {
            k: {**_summary(horizon_value(k, v)), "unit": KPI_META[k][0], "kind": KPI_META[k][1]}
            for k, v in shown.items()
        },
        "targets": [_target(spec, paths) for spec in TARGETS if spec["metric"] in shown],
        "series": {
            "day": list(range(days)),
            "date": [d.isoformat() for d in dates],
            **{
                k: {q: _quantile_path(v, q) for q in ("mean", "p5", "p50", "p95")}
                for k, v in shown.items()
            },
        },
    }
    if optional:
        run["market_size"] = POPULATION
        months = len({(d.year, d.month) for d in dates})
        run["channels"] = _channels(paths, months)
        run["budget"] = {"by_channel_month": _budget(dates)}
        run["leaks"] = {
            "leads_lost": 41234.0,
            "churned": 5120.0,
            "churned_after_complaint": 830.0,
            "saturated_share": 0.12,
        }
        run["decisions"] = [
            {
                "day": 30,
                "date": "2027-01-31",
                "rule": "cut_weak_channels",
                "action": "shift_budget",
                "args": {"from": "tv", "to": "kol", "fraction": 0.2},
                "seen": {"roi('tv')": 0.31},
                "fraction_of_replications": 0.62,
            },
            {
                "day": 120,
                "date": "2027-05-01",
                "rule": "boost_search",
                "action": "raise_budget",
                "status": "no budget left",
                "args": {"channel": "search", "by": 0.1},
                "seen": {"cac('search')": 140.5},
                "fraction_of_replications": 0.18,
            },
        ]
        run["competitor_moves"] = [
            {"day": 98, "date": "2027-04-09", "competitor": "rival", "reaction": "follow",
             "action": "match_cut", "status": "done",
             "args": {"product": "band", "amount": 20.0, "from": 199.0, "to": 179.0},
             "seen": {"price_cut('band')": 0.1}, "seen_on": 91.0,
             "fraction_of_replications": 0.9},
        ]
        run["promotions"] = [
            {"name": "spring", "product": "band", "start": "2027-04-01", "days": 28,
             "discount": 0.2, "dip_weeks": 4, "moved_forward_share": 1 / 3,
             "replications": 100,
             **{k: {"mean": v, "interval": [v - 10.0, v + 10.0]} for k, v in (
                 ("gross_lift", 960.0), ("dip", 360.0), ("net_lift", 600.0),
                 ("moved_forward", 320.0), ("brand_switching", 70.0),
                 ("category_expansion", 570.0), ("margin_change", -20000.0),
                 ("discount_cost", 68000.0), ("net_roi", -0.29))}},
        ]
    return run


def _quantile_path(values: np.ndarray, q: str) -> list[float]:
    if q == "mean":
        return [float(x) for x in values.mean(axis=0)]
    return [float(x) for x in np.percentile(values, int(q[1:]), axis=0)]


def build_compare(run: dict[str, Any]) -> dict[str, Any]:
    """A ``compare.json`` document for two strategies, consistent with ``run``."""
    s = ["digital_first", "balanced"]
    rev = run["kpis"]["revenue"]["mean"]
    targets = [
        {
            "id": t["id"],
            "by_strategy": {
                s[0]: {"probability": t["probability"], "interval": t["interval"]},
                s[1]: {
                    "probability": t["probability"] * 0.8,
                    "interval": [t["probability"] * 0.72, t["probability"] * 0.87],
                },
            },
        }
        for t in run["targets"]
    ]
    return {
        "kind": "compare",
        "strategies": s,
        "reference": s[1],
        "replications": 1000,
        "targets": targets,
        "all_targets": {
            s[0]: {"probability": 0.71, "interval": [0.68, 0.74]},
            s[1]: {"probability": 0.52, "interval": [0.49, 0.55]},
        },
        "kpis": {
            "revenue": {
                s[0]: {"mean": rev, "interval": [rev * 0.99, rev * 1.01]},
                s[1]: {"mean": rev * 0.93, "interval": [rev * 0.92, rev * 0.94]},
            },
            "brand_awareness": {
                s[0]: {"mean": 0.31, "interval": [0.305, 0.315]},
                s[1]: {"mean": 0.33, "interval": [0.325, 0.335]},
            },
        },
        "differences": {
            "revenue": {s[0]: {"mean": rev * 0.07, "interval": [rev * 0.05, rev * 0.09]}},
            "brand_awareness": {s[0]: {"mean": -0.02, "interval": [-0.027, -0.013]}},
        },
        "probability_best": {s[0]: 0.74, s[1]: 0.26},
        "ranking": s,
        "objective": "meet all targets at the lowest cost",
    }


def build_track() -> dict[str, Any]:
    """The tracking fields of a ``track.json`` with a re-optimised rest of the year."""
    def side(p: float, low: float, high: float) -> dict[str, Any]:
        return {"probability": p, "interval": [low, high]}

    reoptimize = {
        "strategy": "baseline", "first_day": "2027-07-02", "reached": True,
        "message": "every target reachable after the as-of date is reached at its confidence",
        "remaining": {"spent": 6.0e6, "before": 6.0e6, "after": 8.5e6},
        "channels": [
            {"channel": "kol", "spent": 2.0e6, "before": 2.0e6, "after": 3.5e6, "change": 1.5e6},
            {"channel": "search", "spent": 4.0e6, "before": 4.0e6, "after": 5.0e6,
             "change": 1.0e6},
        ],
        "headcount": [{"team": "sales_reps", "before": 10, "after": 12, "hires": 2,
                       "cost": 84_000.0}],
        "cost_of_change": {"media": 2.5e6, "people": 84_000.0, "total": 2_584_000.0},
        "targets": [
            {"id": "sales_up", "confidence": 0.8, "before": side(0.1, 0.05, 0.2),
             "after": side(0.86, 0.8, 0.9), "met": True, "shortfall": 0.0},
            {"id": "awareness_h1", "confidence": 0.8, "before": side(0.9, 0.8, 0.95),
             "after": None, "met": None, "shortfall": None},
        ],
        "plan": {"budget": 1.45e7, "allocation": {"kol": 0.4, "search": 0.6}},
        "search": {"evaluations": 120, "particles": 60, "distinct": 41},
        "verified": {"replications": 1000, "seed": 1002030, "ess": 100.0, "beta": 0.05},
    }
    return {"kind": "track", "as_of": "2027-07-01", "periods_observed": 26, "actuals": {},
            "conditioning": {"ess": 100.0, "beta": 1.0}, "targets": [], "warnings": [],
            "reoptimize": reoptimize}


def build_optimize() -> dict[str, Any]:
    """An ``optimize.json`` document with response curves."""
    mult = [i * 0.25 for i in range(9)]
    curves = {}
    for ch, (top, speed, base) in {
        "kol": (2.6e7, 1.4, 4.0e6),
        "search": (3.0e7, 1.1, 5.8e6),
        "tv": (2.2e7, 0.7, 1.2e7),
        "retail": (6.5e6, 1.2, 2.9e6),
    }.items():
        revenue = [top * (1 - math.exp(-speed * m)) for m in mult]
        curves[ch] = {
            "multiplier": mult,
            "revenue": revenue,
            "profit": [r * 0.45 - base * m for r, m in zip(revenue, mult, strict=True)],
        }
    return {
        "kind": "optimize",
        "mode": "target",
        "plan": {
            "budget": 2.3e7,
            "allocation": {"kol": 0.31, "search": 0.36, "tv": 0.25, "retail": 0.08},
            "headcount": {"sales_reps": 12, "support_agents": 5},
        },
        "total_cost": 2.45e7,
        "evaluations": 240,
        "verified": {
            "replications": 1000,
            "targets": [
                {"id": "sales_up", "probability": 0.86, "interval": [0.84, 0.88]},
                {"id": "known_brand", "probability": 0.81, "interval": [0.78, 0.83]},
            ],
        },
        "response_curves": curves,
        "marginal_roi": {"kol": 1.3, "search": 1.1, "tv": 0.6, "retail": 0.9},
        "feasible": True,
        "message": "all targets reached at the required confidence",
    }


def build_analyze() -> dict[str, Any]:
    """An ``analyze.json`` document."""
    params = ["price_elasticity", "kol_reach", "churn_rate", "tv_adstock", "search_cpc"]
    return {
        "kind": "analyze",
        "targets": {"sales_up": {"probability": 0.61}, "known_brand": {"probability": 0.55}},
        "sobol": [
            {
                "output": "revenue",
                "parameter": p,
                "S1": s1,
                "S1_conf": 0.03,
                "ST": s1 + 0.05,
                "ST_conf": 0.04,
            }
            for p, s1 in zip(params, [0.41, 0.22, 0.12, 0.08, 0.02], strict=True)
        ],
        "morris": [
            {"parameter": p, "mu_star": m, "mu_star_conf": m / 10, "sigma": m / 3}
            for p, m in zip(params, [4.1e6, 2.2e6, 1.3e6, 0.9e6, 0.2e6], strict=True)
        ],
        "tornado": [
            {
                "parameter": p,
                "output": "revenue",
                "low_value": lo,
                "high_value": hi,
                "y_low": 6.2e7 - sw / 2,
                "y_high": 6.2e7 + sw / 2,
                "swing": sw,
            }
            for p, lo, hi, sw in [
                ("price_elasticity", -1.8, -1.2, 9.0e6),
                ("kol_reach", 0.8, 1.2, 5.5e6),
                ("churn_rate", 0.02, 0.05, -3.1e6),
                ("tv_adstock", 0.3, 0.7, 1.2e6),
            ]
        ]
        + [
            {
                "parameter": p,
                "output": "sales_up",
                "low_value": lo,
                "high_value": hi,
                "y_low": y_low,
                "y_high": y_high,
                "swing": abs(y_high - y_low),
            }
            for p, lo, hi, y_low, y_high in [
                ("price_elasticity", -1.8, -1.2, 0.38, 0.81),
                ("kol_reach", 0.8, 1.2, 0.52, 0.70),
            ]
        ],
        "discovery": [
            {
                "target": "sales_up",
                "sentence": "the sales_up target fails in 83% of runs where "
                "price_elasticity < -1.6 and kol_reach < 0.95",
                "coverage": 0.71,
                "density": 0.83,
            },
            {
                "target": "known_brand",
                "sentence": "the known_brand target fails in 77% of runs where tv_adstock < 0.4",
                "coverage": 0.64,
                "density": 0.77,
            },
        ],
    }


def write_results(
    folder: Path,
    *,
    optional: bool = True,
    compare: bool = True,
    optimize: bool = True,
    analyze: bool = True,
    track: bool = False,
    days: int = 365,
    reps: int = 200,
    kpis: Sequence[str] | None = None,
) -> dict[str, dict[str, Any]]:
    """Write a results folder and return the documents written, by file stem."""
    folder.mkdir(parents=True, exist_ok=True)
    docs: dict[str, dict[str, Any]] = {"run": build_run(days, reps, optional=optional, kpis=kpis)}
    if compare:
        docs["compare"] = build_compare(docs["run"])
    if optimize:
        docs["optimize"] = build_optimize()
    if analyze:
        docs["analyze"] = build_analyze()
    if track:
        docs["track"] = build_track()
    for stem, doc in docs.items():
        (folder / f"{stem}.json").write_text(json.dumps(doc, indent=1), encoding="utf-8")
    return docs
