"""The run document's report tables: targets, KPIs, periods, channels."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from mktsim.i18n import _
from mktsim.report.fmt import (
    COUNT,
    DATE,
    MONEY,
    PERCENT,
    RATIO,
    TEXT,
    label,
    unit_kind,
    unit_label,
)
from mktsim.report.load import Results
from mktsim.report.tables.common import (
    kpi_header,
    kpi_kind,
    kpi_meta,
    measure,
    money_header,
    verdict_word,
)
from mktsim.report.tables.model import Table, records
from mktsim.report.words import (
    CHANNEL_TYPES,
    DIRECTIONS,
    KINDS,
    word,
)

if TYPE_CHECKING:
    import pandas as pd


def targets_table(results: Results) -> Table | None:
    """One row per target: threshold, deadline, probability and verdict."""
    rows, kinds = [], []
    for t in results.targets:
        unit = kpi_meta(results, t.metric)[0]
        kinds.append(unit_kind(unit, results.currency))
        low, high = t.interval or (None, None)
        rows.append({
            "id": results.label("targets", t.id), "metric": label(t.metric),
            "direction": word(DIRECTIONS, t.direction), "threshold": t.threshold,
            "unit": unit_label(unit, results.currency), "by": t.by,
            "confidence": t.confidence, "probability": t.probability, "low": low,
            "high": high, "expected": t.value.get("mean"),
            "verdict": verdict_word(t.verdict, t.met),
            "serves": results.label("objectives", t.serves) if t.serves else "",
            "owner": t.owner})
    columns = [("id", _("Target"), TEXT), ("metric", _("Metric"), TEXT),
               ("direction", _("Condition"), TEXT), ("threshold", _("Threshold"), kinds),
               ("unit", _("Unit"), TEXT), ("by", _("Deadline"), DATE),
               ("confidence", _("Required"), PERCENT),
               ("probability", _("Probability"), PERCENT), ("low", _("95% low"), PERCENT),
               ("high", _("95% high"), PERCENT), ("expected", _("Expected"), kinds),
               ("verdict", _("Verdict"), TEXT), ("serves", _("Serves"), TEXT),
               ("owner", _("Owner"), TEXT)]
    return records("targets", _("Targets"), rows, columns, optional=(
        "serves", "owner", "expected", "confidence"),
        note=_("Probability: share of simulated runs that reach the target, with its 95% "
               "confidence interval (low–high). Required: the confidence the target asks "
               "for. Expected: average value at the deadline."))


def kpis_table(results: Results) -> Table | None:
    """KPIs at the horizon: mean and 5th/50th/95th percentiles over runs."""
    kpis = list(results.kpis.values())
    kinds = [unit_kind(k.unit, results.currency) for k in kpis]
    rows = [{"name": label(k.name), "unit": unit_label(k.unit, results.currency),
             "kind": word(KINDS, k.kind), "mean": k.mean, "p5": k.p5, "p50": k.p50,
             "p95": k.p95} for k in kpis]
    columns = [("name", _("KPI"), TEXT), ("unit", _("Unit"), TEXT),
               ("kind", _("Measured as"), TEXT), ("mean", _("Expected (mean)"), kinds),
               ("p5", _("Low (5th pct)"), kinds), ("p50", _("Median"), kinds),
               ("p95", _("High (95th pct)"), kinds)]
    return records("kpis", _("Key results at the horizon"), rows, columns, optional=(),
                   note=_("Low and high: 90% of simulated runs fall between them."))


def aggregate(results: Results, freq: str) -> pd.DataFrame:
    """Mean daily series aggregated by period (``"M"`` month, ``"Q"`` quarter).

    Flows are summed; stocks and ratios take the last value of the period (a ratio
    is computed to date, so its value on the last day covers the whole period).
    Columns keep the KPI names; the index holds period labels (``2027-01``, ``2027Q1``).
    """
    import pandas as pd

    series = results.series
    if series is None or not series.kpis:
        return pd.DataFrame()
    index = pd.PeriodIndex(pd.to_datetime(series.dates), freq=freq)
    data = pd.DataFrame({k: v["mean"] for k, v in series.kpis.items()}, index=index)
    groups = data.groupby(level=0, sort=True)
    columns = {}
    for name in data.columns:
        kind = kpi_meta(results, name)[1]
        if kind == "flow":
            columns[name] = groups[name].sum(min_count=1)
        else:
            columns[name] = groups[name].last()
    out = pd.DataFrame(columns)
    out.index = [f"{p.year}-Q{p.quarter}" if freq == "Q" else str(p) for p in out.index]
    return out


def _period_table(results: Results, freq: str, key: str, title: str) -> Table | None:
    import pandas as pd

    data = aggregate(results, freq)
    if data.empty:
        return None
    first = _("Month") if freq == "M" else _("Quarter")
    frame = pd.DataFrame({first: list(data.index)})
    kinds: dict[str, str | list[str]] = {}
    for name in data.columns:
        header = kpi_header(results, name)
        frame[header] = data[name].to_numpy()
        kinds[header] = kpi_kind(results, name)
    return Table(
        key,
        title,
        frame,
        kinds,
        note=_("Expected values: totals over the period for flows (revenue, new customers); "
        "levels on the last day of the period for stocks (awareness, customers) and for "
        "ratios computed to date (ROI, CAC, market share)."),
    )


def monthly_table(results: Results) -> Table | None:
    """KPIs by calendar month."""
    return _period_table(results, "M", "monthly", _("Results by month"))


def quarterly_table(results: Results) -> Table | None:
    """KPIs by calendar quarter."""
    return _period_table(results, "Q", "quarterly", _("Results by quarter"))


CHANNEL_MONEY = ("spend", "revenue", "gross_margin", "margin", "profit", "cac", "cost")


def channel_kind(metric: str) -> str:
    """Display kind of a per-channel metric, guessed from its name."""
    if metric == "roi" or metric.endswith("_roi"):
        return RATIO
    if any(w in metric for w in ("saturation", "share", "rate")):
        return PERCENT
    return MONEY if any(w in metric for w in CHANNEL_MONEY) else COUNT


def channels_table(results: Results) -> Table | None:
    """Spend, revenue, ROI, acquisition cost and the other per-channel results."""
    metrics = list(dict.fromkeys(k for c in results.channels for k in c.values))
    metrics += list(dict.fromkeys(k for c in results.channels for k in _incremental_values(c)))
    rows = [{"channel": results.label("channels", c.name),
             "type": word(CHANNEL_TYPES, c.type) if c.type else c.type,
             **{f"m:{m}": v for m, v in {**c.values, **_incremental_values(c)}.items()}}
            for c in results.channels]
    columns = [("channel", _("Channel"), TEXT), ("type", _("Type"), TEXT),
               *((f"m:{m}", money_header(measure(m), results) if channel_kind(m) == MONEY
                  else measure(m), channel_kind(m)) for m in metrics)]
    return records("channels", _("Channels"), rows, columns,
                   optional=[k for k, _h, _kind in columns[1:]],
                   note=_("Expected values over the plan. CAC: cost to acquire one customer. "
                          "ROI, CAC, new customers and revenue are last touch (what the channel "
                          "converted itself); incremental: what the plan loses without the "
                          "channel's money, measured on the same replications."))


def _incremental_values(channel: Any) -> dict[str, float | None]:
    """`incremental_units`, `_revenue`, `_margin`, `_roi`, `_cac` of a channel (means)."""
    found = getattr(channel, "incremental", None) or {}
    return {f"incremental_{k}": v.get("mean") for k, v in found.items()}
