"""The result of running one strategy: KPIs, target verdicts, daily series, channels, leaks.

Tables are pandas DataFrames with tidy columns; `to_dict` gives the JSON document
described in docs/results-format.md.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from . import __version__
from .decision.stats import summarize
from .decision.targets import Verdict
from .engine.layout import CHANNEL_TOTAL_NAMES, LEAK_NAMES
from .engine.montecarlo import Run
from .kpis import KPI_NAMES, KPIS, unit_label
from .model.measures import horizon_values
from .rules.log import aggregate_decisions, observed_frame, summarise_rules
from .scenario.load import LoadedSpec


@dataclass
class RunResult:
    """One strategy's Monte Carlo run and its verdicts."""

    loaded: LoadedSpec
    run: Run
    verdicts: list[Verdict]
    decisions: list[dict[str, Any]] = field(default_factory=list)

    def __post_init__(self) -> None:
        reviews = getattr(self.run, "reviews", [])
        if not self.decisions and any(log is not None for log in reviews):
            self.decisions = aggregate_decisions(reviews)

    def observed(self) -> pd.DataFrame:
        """What the reviews saw vs the truth: day, date, kpi, as_of, observed (mean, p5,
        p95 over replications), true (mean). Empty when the strategy has no rules."""
        return observed_frame(getattr(self.run, "reviews", []), self.loaded.spec.start_date)

    @property
    def strategy(self) -> str:
        """The strategy that was run."""
        return self.run.plan.strategy

    @property
    def dates(self) -> list[dt.date]:
        """Calendar date of each simulated day."""
        start = self.loaded.spec.start_date
        return [start + dt.timedelta(days=d) for d in range(self.run.plan.horizon)]

    def kpis(self) -> pd.DataFrame:
        """One row per KPI: value at the horizon (mean, p5, p50, p95), unit and kind."""
        currency = self.loaded.spec.currency
        rows = []
        for name in KPI_NAMES:
            kpi = KPIS[name]
            stats = summarize(horizon_values(self.run.daily, name))
            rows.append({"kpi": name, **stats, "unit": unit_label(kpi, currency),
                         "kind": kpi.kind})
        return pd.DataFrame(rows).set_index("kpi")

    def targets(self) -> pd.DataFrame:
        """One row per target with its probability, interval and verdict."""
        rows = [{
            "id": v.target.id, "metric": v.target.metric, "threshold": v.threshold,
            "direction": v.direction, "by": self.dates[v.day], "probability": v.probability,
            "low": v.interval[0], "high": v.interval[1], "confidence": v.confidence,
            "met": v.met, "verdict": v.verdict, "expected": v.value["mean"],
        } for v in self.verdicts]
        return pd.DataFrame(rows)

    def series(self) -> pd.DataFrame:
        """Tidy daily series: day, date, kpi, mean, p5, p50, p95."""
        daily = self.run.daily
        with np.errstate(all="ignore"):
            import warnings

            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                mean = np.nanmean(daily, axis=0)
                q = np.nanpercentile(daily, [5, 50, 95], axis=0)
        frames = []
        for k, name in enumerate(KPI_NAMES):
            frames.append(pd.DataFrame({
                "day": np.arange(daily.shape[2]), "date": self.dates, "kpi": name,
                "mean": mean[k], "p5": q[0, k], "p50": q[1, k], "p95": q[2, k]}))
        return pd.concat(frames, ignore_index=True)

    def channels(self) -> pd.DataFrame:
        """Per channel means: spend, new customers, revenue, margin, ROI, CAC, saturation."""
        plan = self.run.plan
        means = self.run.channels.mean(axis=0) if self.run.replications else np.zeros((0, 0))
        df = pd.DataFrame(means, index=list(plan.channels), columns=list(CHANNEL_TOTAL_NAMES))
        df["saturation"] = df["saturation"] / plan.horizon
        with np.errstate(divide="ignore", invalid="ignore"):
            df["roi"] = (df["gross_margin"] - df["spend"]) / df["spend"].where(df["spend"] > 0)
            df["cac"] = df["spend"] / df["new_customers"].where(df["new_customers"] > 0)
        types = {n: c.type for n, c in self.loaded.spec.channels.items()}
        df.insert(0, "type", [types[n] for n in df.index])
        df.index.name = "channel"
        return df

    def leaks(self) -> dict[str, float]:
        """Mean counts of what was lost where over the horizon."""
        means = self.run.leaks.mean(axis=0)
        return {name: float(means[i]) for i, name in enumerate(LEAK_NAMES)}

    def budget_by_month(self) -> dict[str, dict[str, float]]:
        """Planned media money by channel and calendar month (YYYY-MM)."""
        plan = self.run.plan
        months = [d.strftime("%Y-%m") for d in self.dates]
        out: dict[str, dict[str, float]] = {}
        for i, name in enumerate(plan.channels):
            series = pd.Series(plan.spend[i], index=months).groupby(level=0, sort=True).sum()
            out[name] = {str(m): float(v) for m, v in series.items()}
        return out

    def to_dict(self, series: bool = True) -> dict[str, Any]:
        """The run as a JSON-ready document (see docs/results-format.md)."""
        return run_document(self, series)


def _clean(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, np.floating | np.integer):
        return _clean(value.item())
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    if isinstance(value, np.ndarray):
        return [_clean(v) for v in value.tolist()]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def run_document(result: RunResult, series: bool = True) -> dict[str, Any]:
    """Build the JSON document of a run."""
    spec = result.loaded.spec
    kpis = result.kpis()
    doc: dict[str, Any] = {
        "kind": "run", "name": spec.name, "scenario_hash": result.loaded.content_hash,
        "strategy": result.strategy, "seed": result.run.seed,
        "replications": result.run.replications, "version": __version__,
        "currency": spec.currency, "start_date": spec.start_date,
        "horizon_days": spec.horizon_days, "market_size": spec.market.size,
        "kpis": {k: {**{s: row[s] for s in ("mean", "p5", "p50", "p95")}, "unit": row["unit"],
                     "kind": row["kind"]} for k, row in kpis.iterrows()},
        "targets": [_target_doc(v, result) for v in result.verdicts],
        "channels": _channel_docs(result),
        "budget": {"by_channel_month": result.budget_by_month()},
        "leaks": result.leaks(),
        "decisions": result.decisions,
        "rules": summarise_rules(getattr(result.run, "reviews", [])),
        "observed": result.observed().to_dict(orient="records"),
    }
    if series:
        doc["series"] = _series_doc(result)
    return _clean(doc)


def _target_doc(v: Verdict, result: RunResult) -> dict[str, Any]:
    t = v.target
    return {"id": t.id, "metric": t.metric, "threshold": v.threshold, "direction": v.direction,
            "by": result.dates[v.day], "level": t.level, "confidence": v.confidence,
            "serves": t.serves, "owner": t.owner, "probability": v.probability,
            "interval": list(v.interval), "met": v.met, "verdict": v.verdict, "value": v.value}


def _channel_docs(result: RunResult) -> list[dict[str, Any]]:
    out = []
    for name, row in result.channels().iterrows():
        out.append({"name": name, "type": row["type"],
                    **{k: {"mean": row[k]} for k in row.index if k != "type"}})
    return out


def _series_doc(result: RunResult) -> dict[str, Any]:
    df = result.series()
    doc: dict[str, Any] = {"day": list(range(result.run.plan.horizon)), "date": result.dates}
    for name, part in df.groupby("kpi", sort=False):
        doc[str(name)] = {s: part[s].to_numpy() for s in ("mean", "p5", "p50", "p95")}
    return doc
