"""The run document's report tables: targets, KPIs, periods, channels."""

from __future__ import annotations

from typing import Any

import pandas as pd

from mktsim.i18n import _
from mktsim.report.fmt import (
    COUNT,
    DATE,
    MONEY,
    PERCENT,
    RATIO,
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
from mktsim.report.tables.model import Table, drop_empty
from mktsim.report.words import (
    CHANNEL_TYPES,
    DIRECTIONS,
    KINDS,
    word,
)


def targets_table(results: Results) -> Table | None:
    """One row per target: threshold, deadline, probability and verdict."""
    if not results.targets:
        return None
    rows, kinds = [], []
    for t in results.targets:
        unit = kpi_meta(results, t.metric)[0]
        kinds.append(unit_kind(unit, results.currency))
        low, high = t.interval or (None, None)
        rows.append(
            {
                _("Target"): results.label("targets", t.id),
                _("Metric"): label(t.metric),
                _("Condition"): word(DIRECTIONS, t.direction),
                _("Threshold"): t.threshold,
                _("Unit"): unit_label(unit, results.currency),
                _("Deadline"): t.by,
                _("Required"): t.confidence,
                _("Probability"): t.probability,
                _("95% low"): low,
                _("95% high"): high,
                _("Expected"): t.value.get("mean"),
                _("Verdict"): verdict_word(t.verdict, t.met),
                _("Serves"): results.label("objectives", t.serves) if t.serves else "",
                _("Owner"): t.owner,
            }
        )
    frame = drop_empty(pd.DataFrame(rows), (_("Serves"), _("Owner"), _("Expected"), _("Required")))
    pct = PERCENT
    return Table(
        "targets",
        _("Targets"),
        frame,
        {
            _("Threshold"): kinds,
            _("Expected"): kinds,
            _("Deadline"): DATE,
            _("Required"): pct,
            _("Probability"): pct,
            _("95% low"): pct,
            _("95% high"): pct,
        },
        note=_("Probability: share of simulated runs that reach the target, with its 95% "
        "confidence interval (low–high). Required: the confidence the target asks for. "
        "Expected: average value at the deadline."),
    )


def kpis_table(results: Results) -> Table | None:
    """KPIs at the horizon: mean and 5th/50th/95th percentiles over runs."""
    if not results.kpis:
        return None
    rows, kinds = [], []
    for k in results.kpis.values():
        kinds.append(unit_kind(k.unit, results.currency))
        rows.append(
            {
                _("KPI"): label(k.name),
                _("Unit"): unit_label(k.unit, results.currency),
                _("Measured as"): word(KINDS, k.kind),
                _("Expected (mean)"): k.mean,
                _("Low (5th pct)"): k.p5,
                _("Median"): k.p50,
                _("High (95th pct)"): k.p95,
            }
        )
    frame = pd.DataFrame(rows)
    value_cols = [_("Expected (mean)"), _("Low (5th pct)"), _("Median"), _("High (95th pct)")]
    return Table(
        "kpis",
        _("Key results at the horizon"),
        frame,
        dict.fromkeys(value_cols, kinds),
        note=_("Low and high: 90% of simulated runs fall between them."),
    )


def aggregate(results: Results, freq: str) -> pd.DataFrame:
    """Mean daily series aggregated by period (``"M"`` month, ``"Q"`` quarter).

    Flows are summed; stocks and ratios take the last value of the period (a ratio
    is computed to date, so its value on the last day covers the whole period).
    Columns keep the KPI names; the index holds period labels (``2027-01``, ``2027Q1``).
    """
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
    if not results.channels:
        return None
    metrics = list(dict.fromkeys(k for c in results.channels for k in c.values))
    values = {c.name: {**c.values, **_incremental_values(c)} for c in results.channels}
    metrics += list(dict.fromkeys(k for c in results.channels for k in _incremental_values(c)))
    headers = {
        m: money_header(measure(m), results) if channel_kind(m) == MONEY else measure(m)
        for m in metrics
    }
    frame = pd.DataFrame(
        [
            {
                _("Channel"): results.label("channels", c.name),
                _("Type"): word(CHANNEL_TYPES, c.type) if c.type else c.type,
                **{headers[m]: values[c.name].get(m) for m in metrics},
            }
            for c in results.channels
        ]
    )
    frame = drop_empty(frame, [_("Type"), *headers.values()])
    kinds: dict[str, str | list[str]] = {headers[m]: channel_kind(m) for m in metrics}
    return Table(
        "channels",
        _("Channels"),
        frame,
        kinds,
        note=_("Expected values over the plan. CAC: cost to acquire one customer. ROI, CAC, "
        "new customers and revenue are last touch (what the channel converted itself); "
        "incremental: what the plan loses without the channel's money, measured on the "
        "same replications."),
    )


def _incremental_values(channel: Any) -> dict[str, float | None]:
    """`incremental_units`, `_revenue`, `_margin`, `_roi`, `_cac` of a channel (means)."""
    found = getattr(channel, "incremental", None) or {}
    return {f"incremental_{k}": v.get("mean") for k, v in found.items()}
