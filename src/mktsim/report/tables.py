"""Tables of results as pandas DataFrames, each with the display kind of its columns.

A :class:`Table` holds real numbers (shares as fractions, money as plain
amounts); the writers decide how to show them from ``Table.kinds``.  Every
builder returns ``None`` when the results folder has no data for it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from mktsim.documents.leaks import LEAKS, is_loss
from mktsim.report.fmt import (
    COUNT,
    DATE,
    MONEY,
    NUMBER,
    PERCENT,
    RATIO,
    TEXT,
    cell_text,
    is_missing,
    label,
    phrase,
    plain_number,
    unit_kind,
    unit_label,
)
from mktsim.report.load import Results

KIND_WORDS = {
    "flow": "total over the plan",
    "stock": "level on the last day",
    "ratio": "ratio to date, on the last day",
}


@dataclass
class Table:
    """A titled DataFrame plus the display kind of each column.

    ``kinds[column]`` is either one kind for the whole column or a list with
    one kind per row (used where rows hold different KPIs).
    """

    key: str
    title: str
    frame: pd.DataFrame
    kinds: dict[str, str | list[str]] = field(default_factory=dict)
    note: str = ""

    def kind(self, column: str, row: int) -> str:
        """Display kind of one cell."""
        kind = self.kinds.get(column, TEXT)
        return kind[row] if isinstance(kind, list) else kind


def kpi_meta(results: Results, name: str) -> tuple[str, str]:
    """(unit, kind) of a KPI; unknown KPIs are plain numbers observed as levels."""
    kpi = results.kpis.get(name)
    return (kpi.unit, kpi.kind) if kpi else ("", "stock")


def kpi_kind(results: Results, name: str) -> str:
    """Display kind (money, percent, ...) of a KPI."""
    return unit_kind(kpi_meta(results, name)[0], results.currency)


def kpi_header(results: Results, name: str) -> str:
    """Column header with unit, e.g. ``Revenue (CNY)``."""
    unit = unit_label(kpi_meta(results, name)[0], results.currency)
    return f"{label(name)} ({unit})" if unit else label(name)


def money_header(text: str, results: Results) -> str:
    """Header for a money column, naming the currency."""
    return f"{text} ({results.currency})" if results.currency else text


# --------------------------------------------------------------------------- run


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
                "Target": t.id,
                "Metric": label(t.metric),
                "Condition": t.direction.replace("_", " "),
                "Threshold": t.threshold,
                "Unit": unit_label(unit, results.currency),
                "Deadline": t.by,
                "Required": t.confidence,
                "Probability": t.probability,
                "95% low": low,
                "95% high": high,
                "Expected": t.value.get("mean"),
                "Verdict": t.verdict
                or ("met" if t.met else "not met" if t.met is not None else ""),
                "Serves": label(t.serves) if t.serves else "",
                "Owner": t.owner,
            }
        )
    frame = _drop_empty(pd.DataFrame(rows), ("Serves", "Owner", "Expected", "Required"))
    pct = PERCENT
    return Table(
        "targets",
        "Targets",
        frame,
        {
            "Threshold": kinds,
            "Expected": kinds,
            "Deadline": DATE,
            "Required": pct,
            "Probability": pct,
            "95% low": pct,
            "95% high": pct,
        },
        note="Probability: share of simulated runs that reach the target, with its 95% "
        "confidence interval (low–high). Required: the confidence the target asks for. "
        "Expected: average value at the deadline.",
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
                "KPI": label(k.name),
                "Unit": unit_label(k.unit, results.currency),
                "Measured as": KIND_WORDS.get(k.kind, k.kind),
                "Expected (mean)": k.mean,
                "Low (5th pct)": k.p5,
                "Median": k.p50,
                "High (95th pct)": k.p95,
            }
        )
    frame = pd.DataFrame(rows)
    value_cols = ["Expected (mean)", "Low (5th pct)", "Median", "High (95th pct)"]
    return Table(
        "kpis",
        "Key results at the horizon",
        frame,
        dict.fromkeys(value_cols, kinds),
        note="Low and high: 90% of simulated runs fall between them.",
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
    first = "Month" if freq == "M" else "Quarter"
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
        note="Expected values: totals over the period for flows (revenue, new customers); "
        "levels on the last day of the period for stocks (awareness, customers) and for "
        "ratios computed to date (ROI, CAC, market share).",
    )


def monthly_table(results: Results) -> Table | None:
    """KPIs by calendar month."""
    return _period_table(results, "M", "monthly", "Results by month")


def quarterly_table(results: Results) -> Table | None:
    """KPIs by calendar quarter."""
    return _period_table(results, "Q", "quarterly", "Results by quarter")


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
        m: money_header(label(m), results) if channel_kind(m) == MONEY else label(m)
        for m in metrics
    }
    frame = pd.DataFrame(
        [
            {
                "Channel": label(c.name),
                "Type": c.type,
                **{headers[m]: values[c.name].get(m) for m in metrics},
            }
            for c in results.channels
        ]
    )
    frame = _drop_empty(frame, ["Type", *headers.values()])
    kinds: dict[str, str | list[str]] = {headers[m]: channel_kind(m) for m in metrics}
    return Table(
        "channels",
        "Channels",
        frame,
        kinds,
        note="Expected values over the plan. CAC: cost to acquire one customer. ROI, CAC, "
        "new customers and revenue are last touch (what the channel converted itself); "
        "incremental: what the plan loses without the channel's money, measured on the "
        "same replications.",
    )


def _incremental_values(channel: Any) -> dict[str, float | None]:
    """`incremental_units`, `_revenue`, `_margin`, `_roi`, `_cac` of a channel (means)."""
    found = getattr(channel, "incremental", None) or {}
    return {f"incremental_{k}": v.get("mean") for k, v in found.items()}


def budget_table(results: Results) -> Table | None:
    """Budget by month (rows) and channel (columns), with totals."""
    if not results.budget:
        return None
    months = sorted({m for per in results.budget.values() for m in per})
    frame = pd.DataFrame({"Month": months})
    for channel, per in results.budget.items():
        frame[money_header(label(channel), results)] = [per.get(m, 0.0) for m in months]
    money_cols = list(frame.columns[1:])
    frame[money_header("Total", results)] = frame[money_cols].sum(axis=1)
    total = {"Month": "Total", **{c: frame[c].sum() for c in frame.columns[1:]}}
    frame = pd.concat([frame, pd.DataFrame([total])], ignore_index=True)
    return Table(
        "budget", "Budget by channel and month", frame, {c: MONEY for c in frame.columns[1:]}
    )


NAME_ARGS = ("from", "to", "channel", "product", "team", "segment", "target", "measure")
SHARE_ARGS = ("share", "fraction", "depth", "by", "rate", "discount")
MONEY_ARGS = ("amount", "budget", "spend", "cost")


def _pairs(mapping: Mapping[str, Any], currency: str = "") -> str:
    return "; ".join(f"{_arg_name(k)}: {_short(k, v, currency)}" for k, v in mapping.items())


def _arg_name(key: str) -> str:
    return key if "(" in key else label(key)


def _short(key: str, value: Any, currency: str = "") -> str:
    """A rule argument or observed value for the decision log."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Mapping):
        return "{" + _pairs(value, currency) + "}"
    if isinstance(value, str):
        return label(value) if key in NAME_ARGS else value
    if not isinstance(value, int | float):
        return str(value)
    name = key.lower()
    if key in SHARE_ARGS and abs(value) <= 1:
        return cell_text(value, PERCENT).replace(".0%", "%")
    if key in MONEY_ARGS or any(w in name for w in ("budget_left", "gap", "spend", "cac")):
        return cell_text(value, MONEY, currency)
    return plain_number(float(value))


def decisions_table(results: Results) -> Table | None:
    """Rules that fired, when, what they did and in how many runs."""
    if not results.decisions:
        return None
    frame = pd.DataFrame(
        [
            {
                "Day": d.day,
                "Date": d.date,
                "Rule": d.rule,
                "Action": d.action.replace("_", " ")
                + (f" ({d.status})" if d.status and d.status != "done" else ""),
                "Details": _pairs(d.args, results.currency),
                "What the rule saw": _pairs(d.seen, results.currency),
                "Share of runs": d.fraction_of_replications,
            }
            for d in sorted(results.decisions, key=lambda d: d.day)
        ]
    )
    frame = _drop_empty(frame, ("Date", "Details", "What the rule saw", "Share of runs"))
    return Table(
        "decisions",
        "Decision log",
        frame,
        {"Day": COUNT, "Date": DATE, "Share of runs": PERCENT},
        note="Share of runs: fraction of simulated runs in which the rule fired.",
    )


def _flatten(data: Mapping[str, Any], prefix: str = "") -> Iterable[tuple[str, Any]]:
    for key, value in data.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping) and "mean" in value:
            yield name, value["mean"]
        elif isinstance(value, Mapping):
            yield from _flatten(value, f"{name} / ")
        else:
            yield name, value


def leak_info(name: str) -> tuple[str, str, bool]:
    """(stage, readable description, is a loss) of a leak name (mktsim.documents.leaks)."""
    if name in LEAKS:
        return LEAKS[name]
    return "", label(name.split(" / ")[-1]), is_loss(name)


def leak_kind(name: str, value: Any) -> str:
    """Leaks named like shares or rates are percentages; the rest are counts."""
    if not isinstance(value, int | float) or isinstance(value, bool):
        return TEXT
    words = name.lower()
    return PERCENT if any(w in words for w in ("share", "rate", "fraction")) else COUNT


def leaks_table(results: Results) -> Table | None:
    """Where prospects and customers were lost: losses first, largest first."""
    items = list(_flatten(results.leaks))
    if not items:
        return None

    def order(item: tuple[str, Any]) -> tuple[int, float]:
        loss = leak_info(item[0])[2]
        value = item[1] if isinstance(item[1], int | float) else 0.0
        return (0 if loss else 1, -float(value))

    items.sort(key=order)
    rows = [
        {
            "Stage": leak_info(k)[0] or (label(k.split(" / ")[0]) if " / " in k else ""),
            "What happened": leak_info(k)[1],
            "Loss": "loss" if leak_info(k)[2] else "for reference",
            "Expected number": v,
        }
        for k, v in items
    ]
    frame = _drop_empty(pd.DataFrame(rows), ("Stage",))
    return Table(
        "leaks",
        "Where the plan leaks",
        frame,
        {"Expected number": [leak_kind(k, v) for k, v in items]},
        note="Expected numbers over the whole plan (people, leads, sales or complaints), "
        "losses first; rows marked 'for reference' give the volume the losses come from.",
    )


# ---------------------------------------------------------------------- companions


def _prob(entry: Any) -> tuple[float | None, float | None, float | None]:
    """(probability, low, high) from ``{"probability": p, "interval": [lo, hi]}``."""
    if not isinstance(entry, Mapping):
        return None, None, None
    low, high = (entry.get("interval") or [None, None])[:2]
    return entry.get("probability"), low, high


def comparison_table(results: Results) -> Table | None:
    """One row per strategy: rank, chance of being best, chance of meeting targets."""
    cmp = results.compare
    if not cmp:
        return None
    ranking = list(cmp.get("ranking") or [])
    rows = []
    for s in cmp["strategies"]:
        p, lo, hi = _prob((cmp.get("all_targets") or {}).get(s))
        row: dict[str, Any] = {
            "Strategy": s + (" (reference)" if s == cmp.get("reference") else ""),
            "Rank": ranking.index(s) + 1 if s in ranking else None,
            "Chance of being best": (cmp.get("probability_best") or {}).get(s),
            "All targets met": p,
            "All targets low": lo,
            "All targets high": hi,
        }
        for t in cmp.get("targets") or []:
            row[f"Target {t.get('id')}"] = _prob((t.get("by_strategy") or {}).get(s))[0]
        rows.append(row)
    frame = _drop_empty(pd.DataFrame(rows), None)
    kinds: dict[str, str | list[str]] = {
        c: PERCENT for c in frame.columns if c not in ("Strategy", "Rank")
    }
    kinds["Rank"] = COUNT
    return Table(
        "comparison",
        "Strategy comparison",
        frame,
        kinds,
        note="Probabilities of meeting targets with their 95% confidence interval.",
    )


def comparison_kpis_table(results: Results) -> Table | None:
    """Expected KPIs per strategy and their difference from the reference strategy."""
    cmp = results.compare
    if not cmp or not cmp.get("kpis"):
        return None
    rows, kinds = [], []
    diffs = cmp.get("differences") or {}
    for name, per in cmp["kpis"].items():
        for s, entry in per.items():
            d = (diffs.get(name) or {}).get(s) or {}
            lo, hi = (entry.get("interval") or [None, None])[:2]
            dlo, dhi = (d.get("interval") or [None, None])[:2]
            kinds.append(kpi_kind(results, name))
            rows.append(
                {
                    "KPI": label(name),
                    "Unit": unit_label(kpi_meta(results, name)[0], results.currency),
                    "Strategy": s,
                    "Expected": entry.get("mean"),
                    "Low": lo,
                    "High": hi,
                    "Difference vs reference": d.get("mean"),
                    "Difference low": dlo,
                    "Difference high": dhi,
                }
            )
    frame = _drop_empty(
        pd.DataFrame(rows), ("Difference vs reference", "Difference low", "Difference high")
    )
    value_cols = [c for c in frame.columns if c not in ("KPI", "Unit", "Strategy")]
    return Table(
        "comparison_kpis",
        "Key results by strategy",
        frame,
        dict.fromkeys(value_cols, kinds),
        note=f"Low–high: 95% confidence interval. Reference strategy: {cmp.get('reference', '')}.",
    )


def plan_table(results: Results) -> Table | None:
    """The optimised plan: share of budget and amount per channel, marginal ROI."""
    opt = results.optimize
    if not opt:
        return None
    plan = opt.get("plan") or {}
    allocation: Mapping[str, float] = plan.get("allocation") or {}
    if not allocation:
        return None
    budget = plan.get("budget")
    marginal = opt.get("marginal_roi") or {}
    frame = pd.DataFrame(
        [
            {
                "Channel": label(ch),
                "Share of budget": share,
                money_header("Budget", results): None if budget is None else budget * share,
                "Marginal ROI": marginal.get(ch),
            }
            for ch, share in allocation.items()
        ]
    )
    frame = _drop_empty(frame, list(frame.columns[2:]))
    kinds: dict[str, str | list[str]] = {"Share of budget": PERCENT, "Marginal ROI": RATIO}
    kinds.update({c: MONEY for c in frame.columns if "(" in c})
    return Table(
        "plan",
        "Optimised plan",
        frame,
        kinds,
        note="Marginal ROI: extra return of one more unit of money in the channel.",
    )


def marginal_table(results: Results) -> Table | None:
    """What one more unit of money buys in each channel, as found by the optimiser."""
    marginal = (results.optimize or {}).get("marginal") or {}
    rows = [{"channel": label(ch), **v} for ch, v in marginal.items() if isinstance(v, Mapping)]
    keys = list(dict.fromkeys(k for r in rows for k in r if k != "channel"))
    columns = [("channel", "Channel", TEXT)] + [
        (
            k,
            money_header(label(k), results) if k == "spend" else label(k),
            MONEY if k == "spend" else NUMBER,
        )
        for k in keys
    ]
    return _records("marginal", "Marginal returns by channel", rows, columns)


def headcount_table(results: Results) -> Table | None:
    """Headcount of the optimised plan, by role."""
    heads = ((results.optimize or {}).get("plan") or {}).get("headcount") or {}
    if not heads:
        return None
    frame = pd.DataFrame({"Role": [label(k) for k in heads], "Headcount": list(heads.values())})
    return Table("headcount", "Optimised headcount", frame, {"Headcount": COUNT})


def verified_table(results: Results) -> Table | None:
    """Target probabilities of the optimised plan, re-checked with fresh runs."""
    verified = (results.optimize or {}).get("verified") or {}
    rows = verified.get("targets") or []
    if not rows:
        return None
    frame = pd.DataFrame(
        [
            dict(
                zip(
                    ("Target", "Probability", "Probability low", "Probability high"),
                    (t.get("id"), *_prob(t)),
                    strict=True,
                )
            )
            for t in rows
        ]
    )
    reps = verified.get("replications")
    return Table(
        "verified",
        "Optimised plan: targets (verified)",
        frame,
        dict.fromkeys(frame.columns[1:], PERCENT),
        note=f"Checked with {reps:,} fresh runs." if isinstance(reps, int) else "",
    )


def reoptimize_changes_table(results: Results) -> Table | None:
    """Money per channel after the as-of date: planned -> re-optimised (track.json)."""
    re = (results.track or {}).get("reoptimize")
    if not re:
        return None
    rows = [dict(c, channel=label(c["channel"])) for c in re.get("channels") or []]
    rem = re.get("remaining") or {}
    if rows and rem:
        rows.append({"channel": "All media", "spent": rem.get("spent"),
                     "before": rem.get("before"), "after": rem.get("after"),
                     "change": (rem.get("after") or 0.0) - (rem.get("before") or 0.0)})
    columns = [("channel", "Channel", TEXT),
               ("spent", money_header("Spent to date", results), MONEY),
               ("before", money_header("Planned after", results), MONEY),
               ("after", money_header("New plan after", results), MONEY),
               ("change", money_header("Change", results), MONEY)]
    return _records("reoptimize_changes",
                    f"Rest of the year from {re.get('first_day')}: money per channel", rows,
                    columns)


def reoptimize_targets_table(results: Results) -> Table | None:
    """Each target given the actuals under the plan and the re-optimised plan."""
    re = (results.track or {}).get("reoptimize")
    if not re:
        return None
    rows = []
    for t in re.get("targets") or []:
        before, after = t.get("before") or {}, t.get("after") or {}
        b_int, a_int = before.get("interval") or [None, None], \
            after.get("interval") or [None, None]
        rows.append({"id": t.get("id"), "confidence": t.get("confidence"),
                     "before": before.get("probability"), "before_low": b_int[0],
                     "before_high": b_int[1], "after": after.get("probability"),
                     "after_low": a_int[0], "after_high": a_int[1],
                     "verdict": "deadline before the as-of date" if not after else
                     ("met" if t.get("met") else f"short by {t.get('shortfall', 0):.0%}")})
    columns = [("id", "Target", TEXT), ("confidence", "Confidence", PERCENT),
               ("before", "Plan", PERCENT), ("before_low", "Plan low", PERCENT),
               ("before_high", "Plan high", PERCENT), ("after", "New plan", PERCENT),
               ("after_low", "New plan low", PERCENT),
               ("after_high", "New plan high", PERCENT), ("verdict", "Verdict", TEXT)]
    reps = (re.get("verified") or {}).get("replications")
    note = f"New plan: checked with {reps:,} fresh runs conditioned on the actuals." \
        if isinstance(reps, int) else ""
    return _records("reoptimize_targets", "Rest of the year: targets given the actuals",
                    rows, columns, note)


def _records(
    key: str,
    title: str,
    rows: Sequence[Mapping[str, Any]],
    columns: Sequence[tuple[str, str, str]],
    note: str = "",
) -> Table | None:
    """Table from a list of dicts, choosing ``(json key, header, kind)`` columns."""
    if not rows:
        return None
    frame = pd.DataFrame([{h: r.get(k) for k, h, _ in columns} for r in rows])
    frame = _drop_empty(frame, None)
    kinds: dict[str, str | list[str]] = {h: kd for _, h, kd in columns if h in frame.columns}
    return Table(key, title, frame, kinds, note)


def uncertainty_table(results: Results) -> Table | None:
    """Target probabilities when uncertain inputs vary (from the analysis)."""
    targets = (results.analyze or {}).get("targets") or {}
    rows = [
        {"target": k, **(v if isinstance(v, Mapping) else {"probability": v})}
        for k, v in targets.items()
    ]
    strategies = list(
        dict.fromkeys(s for r in rows for s in (r.get("by_strategy") or {}))
    )
    for r in rows:
        for s in strategies:
            r[f"strategy:{s}"] = (r.get("by_strategy") or {}).get(s)
    columns = [
        ("target", "Target", TEXT),
        ("probability", "Probability" if not strategies else "All strategies", PERCENT),
        *((f"strategy:{s}", f"Strategy {s}", PERCENT) for s in strategies),
        ("runs", "Simulated runs", COUNT),
    ]
    return _records(
        "uncertainty",
        "Chance of meeting the targets when inputs vary",
        rows,
        columns,
        note="Share of simulated runs, over every combination of the uncertain inputs, "
        "that reach the target.",
    )


def target_bands_table(results: Results) -> Table | None:
    """Chance of meeting each target when one input lies in a band of its values."""
    targets = (results.analyze or {}).get("targets") or {}
    rows = [
        {"target": t, **r}
        for t, v in targets.items()
        if isinstance(v, Mapping)
        for r in v.get("by_parameter") or []
        if isinstance(r, Mapping)
    ]
    return _records(
        "bands",
        "Chance of meeting the targets by input value",
        rows,
        [
            ("target", "Target", TEXT),
            ("parameter", "Input", TEXT),
            ("level", "Values", TEXT),
            ("runs", "Simulated runs", COUNT),
            ("probability", "Probability", PERCENT),
        ],
        note="Each input's values are split into bands; the probability counts only the "
        "runs whose input falls in the band.",
    )


def tornado_table(results: Results) -> Table | None:
    """One-at-a-time sensitivity: result with each parameter at its low and high value."""
    rows = sorted(
        (results.analyze or {}).get("tornado") or [], key=lambda r: -abs(r.get("swing") or 0.0)
    )
    table = _records(
        "tornado",
        "Sensitivity (one input at a time)",
        _named_outputs(rows),
        [
            ("parameter", "Parameter", TEXT),
            ("output", "Output", TEXT),
            ("low_value", "Low value", NUMBER),
            ("high_value", "High value", NUMBER),
            ("y_low", "Result at low", NUMBER),
            ("y_high", "Result at high", NUMBER),
            ("swing", "Swing", NUMBER),
        ],
        note="Swing: change in the result between the low and the high value of the input.",
    )
    if table is not None:
        kinds = [output_kind(results, str(r.get("output") or "")) for r in rows]
        table.kinds.update(dict.fromkeys(("Result at low", "Result at high", "Swing"), kinds))
    return table


def target_output(results: Results, output: str) -> str | None:
    """The target an analysed output measures (``sales_up [digital_first]`` -> ``sales_up``)."""
    base = output.split(" [", 1)[0]
    ids = {t.id for t in results.targets} | set((results.analyze or {}).get("targets") or {})
    return base if base in ids else None


def output_name(output: str) -> str:
    """An analysed output for people: ``sales [low]`` -> ``sales (strategy low)``."""
    base, _, strategy = output.partition(" [")
    return f"{base} (strategy {strategy.rstrip(']')})" if strategy else output


def output_phrase(results: Results, output: str) -> str:
    """An analysed output inside a sentence."""
    if output not in results.kpis and target_output(results, output):
        return f"the chance of meeting {output_name(output)}"
    return phrase(output)


def _named_outputs(rows: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Rows with their ``output`` made readable (the raw name stays in ``output_key``)."""
    return [
        {**r, "output_key": r.get("output"), "output": output_name(str(r.get("output") or ""))}
        if r.get("output") is not None
        else dict(r)
        for r in rows
    ]


def output_kind(results: Results, output: str) -> str:
    """Display kind of an analysed output: a KPI's own, a percentage for a target."""
    if output in results.kpis:
        return kpi_kind(results, output)
    return PERCENT if target_output(results, output) else NUMBER


def sobol_table(results: Results) -> Table | None:
    """Variance-based sensitivity indices."""
    rows = sorted(
        (results.analyze or {}).get("sobol") or [],
        key=lambda r: (str(r.get("output")), -(r.get("ST") or 0.0)),
    )
    return _records(
        "sobol",
        "Sensitivity (share of variance)",
        _named_outputs(rows),
        [
            ("output", "Output", TEXT),
            ("parameter", "Parameter", TEXT),
            ("S1", "First order (S1)", RATIO),
            ("S1_conf", "S1 ±", RATIO),
            ("ST", "Total (ST)", RATIO),
            ("ST_conf", "ST ±", RATIO),
        ],
        note="S1: share of the output's variance due to the input alone; "
        "ST: including its interactions with other inputs.",
    )


def morris_table(results: Results) -> Table | None:
    """Elementary-effects screening, columns as found in the results."""
    rows = (results.analyze or {}).get("morris") or []
    keys = list(dict.fromkeys(k for r in rows for k in r))
    text_keys = {"output", "parameter", "name"}
    return _records(
        "morris",
        "Screening (elementary effects)",
        _named_outputs(rows),
        [
            (
                k,
                label(k)
                if k not in ("mu_star", "mu_star_conf")
                else {"mu_star": "μ*", "mu_star_conf": "μ* ±"}[k],
                TEXT if k in text_keys else NUMBER,
            )
            for k in keys
        ],
    )


def discovery_table(results: Results) -> Table | None:
    """Conditions under which targets fail, as found by scenario discovery."""
    rows = (results.analyze or {}).get("discovery") or []
    return _records(
        "discovery",
        "When targets fail",
        rows,
        [
            ("target", "Target", TEXT),
            ("sentence", "Finding", TEXT),
            ("coverage", "Coverage", PERCENT),
            ("density", "Density", PERCENT),
        ],
        note="Coverage: share of all failing runs described by the finding; "
        "density: share of runs matching the finding that fail.",
    )


def _drop_empty(frame: pd.DataFrame, columns: Iterable[str] | None) -> pd.DataFrame:
    """Remove optional columns that hold no value at all."""
    candidates = list(frame.columns) if columns is None else [c for c in columns if c in frame]
    empty = [c for c in candidates if all(is_missing(v) or v == "" for v in frame[c])]
    return frame.drop(columns=empty)


BUILDERS: list[Callable[[Results], Table | None]] = [
    targets_table,
    kpis_table,
    monthly_table,
    quarterly_table,
    channels_table,
    budget_table,
    decisions_table,
    leaks_table,
    comparison_table,
    comparison_kpis_table,
    plan_table,
    marginal_table,
    headcount_table,
    verified_table,
    reoptimize_changes_table,
    reoptimize_targets_table,
    uncertainty_table,
    target_bands_table,
    tornado_table,
    sobol_table,
    morris_table,
    discovery_table,
]


def all_tables(results: Results) -> dict[str, Table]:
    """Every table that has data, by key, in report order."""
    tables = (build(results) for build in BUILDERS)
    return {t.key: t for t in tables if t is not None}
