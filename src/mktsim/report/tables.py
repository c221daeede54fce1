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
from mktsim.i18n import _
from mktsim.report.fmt import (
    COUNT,
    DATE,
    MONEY,
    NUMBER,
    PERCENT,
    RATIO,
    TEXT,
    cell_text,
    currency_unit,
    is_missing,
    label,
    phrase,
    plain_number,
    unit_kind,
    unit_label,
)
from mktsim.report.load import Results
from mktsim.report.words import (
    CHANNEL_MEASURES,
    CHANNEL_TYPES,
    DIRECTIONS,
    KINDS,
    LEAK_STAGES,
    LEAK_WORDS,
    VERDICTS,
    word,
)

KIND_WORDS = KINDS  # kind -> words (message ids: translate with `word`)


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
    return f"{text} ({currency_unit(results.currency)})" if results.currency else text


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
    frame = _drop_empty(pd.DataFrame(rows), (_("Serves"), _("Owner"), _("Expected"), _("Required")))
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
    frame = _drop_empty(frame, [_("Type"), *headers.values()])
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


def budget_table(results: Results) -> Table | None:
    """Budget by month (rows) and channel (columns), with totals."""
    if not results.budget:
        return None
    months = sorted({m for per in results.budget.values() for m in per})
    frame = pd.DataFrame({_("Month"): months})
    for channel, per in results.budget.items():
        frame[money_header(results.label("channels", channel), results)] = [
            per.get(m, 0.0) for m in months]
    money_cols = list(frame.columns[1:])
    frame[money_header(_("Total"), results)] = frame[money_cols].sum(axis=1)
    total = {_("Month"): _("Total"), **{c: frame[c].sum() for c in frame.columns[1:]}}
    frame = pd.concat([frame, pd.DataFrame([total])], ignore_index=True)
    return Table(
        "budget", _("Budget by channel and month"), frame, {c: MONEY for c in frame.columns[1:]}
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
                _("Day"): d.day,
                _("Date"): d.date,
                _("Rule"): d.rule,
                _("Action"): action_text(d.action, d.status),
                _("Details"): _pairs(d.args, results.currency),
                _("What the rule saw"): _pairs(d.seen, results.currency),
                _("Share of runs"): d.fraction_of_replications,
            }
            for d in sorted(results.decisions, key=lambda d: d.day)
        ]
    )
    frame = _drop_empty(frame, (_("Date"), _("Details"), _("What the rule saw"),
                                _("Share of runs")))
    return Table(
        "decisions",
        _("Decision log"),
        frame,
        {_("Day"): COUNT, _("Date"): DATE, _("Share of runs"): PERCENT},
        note=_("Share of runs: fraction of simulated runs in which the rule fired."),
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
    """(stage, readable description, is a loss) of a leak name (mktsim.documents.leaks), in
    the active language."""
    if name in LEAKS:
        stage, what, loss = LEAKS[name]
        return word(LEAK_STAGES, stage, stage), word(LEAK_WORDS, name, what), loss
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
            _("Stage"): leak_info(k)[0] or (label(k.split(" / ")[0]) if " / " in k else ""),
            _("What happened"): leak_info(k)[1],
            _("Loss"): _("loss") if leak_info(k)[2] else _("for reference"),
            _("Expected number"): v,
        }
        for k, v in items
    ]
    frame = _drop_empty(pd.DataFrame(rows), (_("Stage"),))
    return Table(
        "leaks",
        _("Where the plan leaks"),
        frame,
        {_("Expected number"): [leak_kind(k, v) for k, v in items]},
        note=_("Expected numbers over the whole plan (people, leads, sales or complaints), "
        "losses first; rows marked 'for reference' give the volume the losses come from."),
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
            _("Strategy"): (_("{strategy} (reference)") if s == cmp.get("reference")
                            else "{strategy}").format(strategy=results.label("strategies", s)),
            _("Rank"): ranking.index(s) + 1 if s in ranking else None,
            _("Chance of being best"): (cmp.get("probability_best") or {}).get(s),
            _("All targets met"): p,
            _("All targets low"): lo,
            _("All targets high"): hi,
        }
        for t in cmp.get("targets") or []:
            row[target_column(results, str(t.get("id")))] = _prob(
                (t.get("by_strategy") or {}).get(s))[0]
        rows.append(row)
    frame = _drop_empty(pd.DataFrame(rows), None)
    kinds: dict[str, str | list[str]] = {
        c: PERCENT for c in frame.columns if c not in (_("Strategy"), _("Rank"))
    }
    kinds[_("Rank")] = COUNT
    return Table(
        "comparison",
        _("Strategy comparison"),
        frame,
        kinds,
        note=_("Probabilities of meeting targets with their 95% confidence interval."),
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
                    _("KPI"): label(name),
                    _("Unit"): unit_label(kpi_meta(results, name)[0], results.currency),
                    _("Strategy"): results.label("strategies", s),
                    _("Expected"): entry.get("mean"),
                    _("Low"): lo,
                    _("High"): hi,
                    _("Difference vs reference"): d.get("mean"),
                    _("Difference low"): dlo,
                    _("Difference high"): dhi,
                }
            )
    frame = _drop_empty(
        pd.DataFrame(rows),
        (_("Difference vs reference"), _("Difference low"), _("Difference high"))
    )
    value_cols = [c for c in frame.columns if c not in (_("KPI"), _("Unit"), _("Strategy"))]
    return Table(
        "comparison_kpis",
        _("Key results by strategy"),
        frame,
        dict.fromkeys(value_cols, kinds),
        note=_("Low–high: 95% confidence interval. Reference strategy: {strategy}.").format(
            strategy=results.label("strategies", str(cmp.get("reference", "")))),
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
                _("Channel"): results.label("channels", ch),
                _("Share of budget"): share,
                money_header(_("Budget"), results): None if budget is None else budget * share,
                _("Marginal ROI"): marginal.get(ch),
            }
            for ch, share in allocation.items()
        ]
    )
    frame = _drop_empty(frame, list(frame.columns[2:]))
    kinds: dict[str, str | list[str]] = {_("Share of budget"): PERCENT, _("Marginal ROI"): RATIO}
    kinds.update({c: MONEY for c in frame.columns if "(" in c})
    return Table(
        "plan",
        _("Optimised plan"),
        frame,
        kinds,
        note=_("Marginal ROI: extra return of one more unit of money in the channel."),
    )


def marginal_table(results: Results) -> Table | None:
    """What one more unit of money buys in each channel, as found by the optimiser."""
    marginal = (results.optimize or {}).get("marginal") or {}
    rows = [{"channel": results.label("channels", ch), **v} for ch, v in marginal.items()
            if isinstance(v, Mapping)]
    keys = list(dict.fromkeys(k for r in rows for k in r if k != "channel"))
    columns = [("channel", _("Channel"), TEXT)] + [
        (
            k,
            money_header(measure(k), results) if k == "spend" else measure(k),
            MONEY if k == "spend" else NUMBER,
        )
        for k in keys
    ]
    return _records("marginal", _("Marginal returns by channel"), rows, columns)


def headcount_table(results: Results) -> Table | None:
    """Headcount of the optimised plan, by role."""
    heads = ((results.optimize or {}).get("plan") or {}).get("headcount") or {}
    if not heads:
        return None
    frame = pd.DataFrame({_("Role"): [results.label("teams", k) for k in heads],
                          _("Headcount"): list(heads.values())})
    return Table("headcount", _("Optimised headcount"), frame, {_("Headcount"): COUNT})


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
                    (_("Target"), _("Probability"), _("Probability low"), _("Probability high")),
                    (results.label("targets", str(t.get("id"))), *_prob(t)),
                    strict=True,
                )
            )
            for t in rows
        ]
    )
    reps = verified.get("replications")
    return Table(
        "verified",
        _("Optimised plan: targets (verified)"),
        frame,
        dict.fromkeys(frame.columns[1:], PERCENT),
        note=_("Checked with {n:,} fresh runs.").format(n=reps) if isinstance(reps, int) else "",
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
        ("target", _("Target"), TEXT),
        ("probability", _("Probability") if not strategies else _("All strategies"), PERCENT),
        *((f"strategy:{s}", _("Strategy {strategy}").format(
            strategy=results.label("strategies", s)), PERCENT) for s in strategies),
        ("runs", _("Simulated runs"), COUNT),
    ]
    return _records(
        "uncertainty",
        _("Chance of meeting the targets when inputs vary"),
        rows,
        columns,
        note=_("Share of simulated runs, over every combination of the uncertain inputs, "
        "that reach the target."),
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
        _("Chance of meeting the targets by input value"),
        rows,
        [
            ("target", _("Target"), TEXT),
            ("parameter", _("Input"), TEXT),
            ("level", _("Values"), TEXT),
            ("runs", _("Simulated runs"), COUNT),
            ("probability", _("Probability"), PERCENT),
        ],
        note=_("Each input's values are split into bands; the probability counts only the "
        "runs whose input falls in the band."),
    )


def tornado_table(results: Results) -> Table | None:
    """One-at-a-time sensitivity: result with each parameter at its low and high value."""
    rows = sorted(
        (results.analyze or {}).get("tornado") or [], key=lambda r: -abs(r.get("swing") or 0.0)
    )
    table = _records(
        "tornado",
        _("Sensitivity (one input at a time)"),
        _named_outputs(rows),
        [
            ("parameter", _("Parameter"), TEXT),
            ("output", _("Output"), TEXT),
            ("low_value", _("Low value"), NUMBER),
            ("high_value", _("High value"), NUMBER),
            ("y_low", _("Result at low"), NUMBER),
            ("y_high", _("Result at high"), NUMBER),
            ("swing", _("Swing"), NUMBER),
        ],
        note=_("Swing: change in the result between the low and the high value of the input."),
    )
    if table is not None:
        kinds = [output_kind(results, str(r.get("output") or "")) for r in rows]
        swings = (_("Result at low"), _("Result at high"), _("Swing"))
        table.kinds.update(dict.fromkeys(swings, kinds))
    return table


def target_output(results: Results, output: str) -> str | None:
    """The target an analysed output measures (``sales_up [digital_first]`` -> ``sales_up``)."""
    base = output.split(" [", 1)[0]
    ids = {t.id for t in results.targets} | set((results.analyze or {}).get("targets") or {})
    return base if base in ids else None


def output_name(output: str) -> str:
    """An analysed output for people: ``sales [low]`` -> ``sales (strategy low)``."""
    base, _sep, strategy = output.partition(" [")
    if not strategy:
        return output
    return _("{output} (strategy {strategy})").format(output=base,
                                                      strategy=strategy.rstrip("]"))


def output_phrase(results: Results, output: str) -> str:
    """An analysed output inside a sentence."""
    if output not in results.kpis and target_output(results, output):
        return _("the chance of meeting {target}").format(target=output_name(output))
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
        _("Sensitivity (share of variance)"),
        _named_outputs(rows),
        [
            ("output", _("Output"), TEXT),
            ("parameter", _("Parameter"), TEXT),
            ("S1", _("First order (S1)"), RATIO),
            ("S1_conf", _("S1 ±"), RATIO),
            ("ST", _("Total (ST)"), RATIO),
            ("ST_conf", _("ST ±"), RATIO),
        ],
        note=_("S1: share of the output's variance due to the input alone; "
        "ST: including its interactions with other inputs."),
    )


def morris_table(results: Results) -> Table | None:
    """Elementary-effects screening, columns as found in the results."""
    rows = (results.analyze or {}).get("morris") or []
    keys = list(dict.fromkeys(k for r in rows for k in r))
    text_keys = {"output", "parameter", "name"}
    return _records(
        "morris",
        _("Screening (elementary effects)"),
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
        _("When targets fail"),
        rows,
        [
            ("target", _("Target"), TEXT),
            ("sentence", _("Finding"), TEXT),
            ("coverage", _("Coverage"), PERCENT),
            ("density", _("Density"), PERCENT),
        ],
        note=_("Coverage: share of all failing runs described by the finding; "
        "density: share of runs matching the finding that fail."),
    )


def verdict_word(verdict: str, met: bool | None) -> str:
    """A target's verdict in the active language (from `met` when the file has none)."""
    text = verdict or ("met" if met else "not met" if met is not None else "")
    return word(VERDICTS, text, text)


def action_text(action: str, status: str = "") -> str:
    """A rule's action in words, with its status when it was not carried out."""
    from mktsim.report.words import ACTIONS

    text = word(ACTIONS, action)
    if status and status != "done":
        return _("{action} ({status})").format(action=text, status=status)
    return text


def measure(name: str) -> str:
    """A per-channel measure as a heading (``incremental_roi`` -> ``Incremental ROI``)."""
    if name in CHANNEL_MEASURES:
        return _(CHANNEL_MEASURES[name])
    return label(name)


def target_column(results: Results, target: str) -> str:
    """The heading of a target's column in the comparison table."""
    return _("Target {target}").format(target=results.label("targets", target))


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
