"""Charts for reports, drawn with matplotlib's Agg backend as slide-sized PNGs.

Every chart is ``WIDTH_PX`` x ``HEIGHT_PX`` pixels (16:9) at ``DPI``: fonts stay
readable when the image fills a slide.  Layout is constrained (no overlapping
text), legends sit outside the plotting area and date ticks are rotated.
"""

from __future__ import annotations

import itertools
import math
import re
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mktsim.i18n import N_, _, is_zh
from mktsim.report.fmt import (
    COUNT,
    MONEY,
    PERCENT,
    currency_unit,
    format_date,
    format_month,
    format_percent,
    format_value,
    label,
    unit_label,
)
from mktsim.report.load import Results, Target
from mktsim.report.tables import (
    kpi_kind,
    kpi_meta,
    output_kind,
    output_name,
    output_phrase,
    target_output,
)

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

WIDTH_PX, HEIGHT_PX, DPI = 1600, 900, 200
ALL_TARGETS = "\x00all"  # the group of every target together in the comparison chart
PALETTE = ("#1f5fa8", "#e07b00", "#2a9d5c", "#c0392b", "#7b4fa0", "#8c6d31", "#d45d9f", "#5f6b73")
# Funnel stage -> KPIs counting people at that stage, then KPIs giving it as a
# share of the market (used when run.json states the market size).
FUNNEL_STAGES = (
    (N_("Aware"), ("aware", "aware_people", "awareness_count"), ("brand_awareness", "awareness")),
    (N_("Considering"), ("considering", "considerers", "consideration_count"), ("consideration",)),
    (N_("Customers"), ("customers", "active_customers"), ()),
    (N_("Loyal"), ("loyal", "loyalty_members", "loyal_customers"), ()),
)
STYLE: dict[Any, Any] = {  # rc keys are typed as literals by matplotlib
    "font.size": 9,
    "axes.titlesize": 10,
    "axes.labelsize": 9,
    "xtick.labelsize": 8,
    "ytick.labelsize": 8,
    "legend.fontsize": 8,
    "figure.titlesize": 12,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "font.family": "DejaVu Sans",
}


@dataclass(frozen=True)
class Chart:
    """A chart written to disk and where it belongs in the report."""

    key: str
    section: str
    title: str
    caption: str
    path: Path


@contextmanager
def chart_style() -> Iterator[None]:
    """Select the Agg backend and the report style for the duration of a drawing.

    Figures are drawn on their own Agg canvas, never through pyplot; when pyplot
    is already in use (a notebook), its backend is left alone so that the
    user's open figures survive.
    """
    import matplotlib

    from mktsim.report.fonts import font_family

    if "matplotlib.pyplot" not in sys.modules:
        matplotlib.use("Agg")
    with matplotlib.rc_context({**STYLE, "font.family": font_family()}):
        yield


def new_figure(rows: int = 1, cols: int = 1, **kw: Any) -> tuple[Figure, Any]:
    """A slide-sized figure with constrained layout and its axes."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(WIDTH_PX / DPI, HEIGHT_PX / DPI), dpi=DPI, layout="constrained")
    FigureCanvasAgg(fig)
    axes = fig.subplots(rows, cols, squeeze=False, **kw)
    return fig, axes


def save(fig: Figure, path: Path) -> Path:
    """Write the PNG at exactly ``WIDTH_PX`` x ``HEIGHT_PX``."""
    fig.savefig(path, dpi=DPI, format="png", metadata={"Software": None})
    return path


def compact(value: float) -> str:
    """Short tick label: 1200 -> 1.2k, 3.4e7 -> 34 M."""
    size = abs(value)
    if size >= 1e6:
        return f"{value / 1e6:,.4g} M"
    if size >= 1e3:
        return f"{value / 1e3:,.4g}k"
    return f"{value:,.4g}"


def percent_ticks(values: Sequence[float]) -> list[str]:
    """Percent labels with as few decimals as the tick spacing needs (5%, 1.2%)."""
    steps = [abs(b - a) for a, b in itertools.pairwise(values) if b != a]
    step = min(steps) * 100 if steps else 1.0
    decimals = max(0, -math.floor(math.log10(step) + 1e-9))
    return [f"{v * 100:.{decimals}f}%" for v in values]


def percent_formatter() -> Any:
    """A tick formatter for shares: ``0.25 -> 25%``, decimals chosen by :func:`percent_ticks`."""
    from matplotlib.ticker import Formatter

    class PercentTicks(Formatter):
        def __call__(self, x: float, pos: int | None = None) -> str:
            return f"{x * 100:g}%"

        def format_ticks(self, values: Any) -> list[str]:
            return percent_ticks(list(values))

    return PercentTicks()


def format_axis(axis: Any, kind: str) -> None:
    """Tick labels fit for the display kind of the values on ``axis``."""
    from matplotlib.ticker import FuncFormatter

    if kind == PERCENT:
        axis.set_major_formatter(percent_formatter())
    else:
        axis.set_major_formatter(FuncFormatter(lambda v, _pos: compact(v)))


def day_num(day: date) -> float:
    """Matplotlib's number for a date (days since its epoch)."""
    from matplotlib.dates import date2num

    return float(date2num(day))


def date_axis(ax: Axes, first: date, last: date) -> None:
    """Month ticks labelled ``Jan 2027``, rotated so they never collide."""
    from matplotlib.dates import DateFormatter, MonthLocator

    months = max(1, (last.year - first.year) * 12 + last.month - first.month + 1)
    ax.xaxis.set_major_locator(MonthLocator(interval=max(1, math.ceil(months / 14))))
    if is_zh():
        from matplotlib.dates import num2date
        from matplotlib.ticker import FuncFormatter

        ax.xaxis.set_major_formatter(FuncFormatter(
            lambda v, _pos: format_month(num2date(v).year, num2date(v).month)))
    else:
        ax.xaxis.set_major_formatter(DateFormatter("%b %Y"))
    ax.tick_params(axis="x", labelrotation=35)
    for tick in ax.get_xticklabels():
        tick.set_horizontalalignment("right")
    ax.set_xlim(day_num(first), day_num(last))


def _axis_title(results: Results, name: str, suffix: str = "") -> str:
    unit = unit_label(kpi_meta(results, name)[0], results.currency)
    return f"{label(name)}{suffix} ({unit})" if unit else f"{label(name)}{suffix}"


def _flow_label(what: str, results: Results, name: str) -> str:
    """Short y label of a flow panel (the KPI is named in the chart title)."""
    unit = unit_label(kpi_meta(results, name)[0], results.currency)
    return f"{what} ({unit})" if unit else what


def _target_text(results: Results, t: Target) -> str:
    sign = "≥" if t.direction == "at_least" else "≤"
    value = format_value(t.threshold, kpi_meta(results, t.metric)[0], results.currency)
    chance = format_percent(t.probability)
    return _("Target {target}: {sign} {value} by {date} ({chance} likely)").format(
        target=results.label("targets", t.id), sign=sign, value=value,
        date=format_date(t.by), chance=chance)


def _draw_targets(
    ax: Axes, results: Results, targets: Sequence[Target], start: date, with_range: bool
) -> None:
    """Each target as a marker at its deadline, a dashed line and the simulated range."""
    for i, t in enumerate(targets):
        color = PALETTE[(i + 3) % len(PALETTE)]
        marker = "^" if t.direction == "at_least" else "v"
        ax.plot(
            [day_num(start), day_num(t.by)], [t.threshold, t.threshold], ls="--", lw=1, color=color
        )
        ax.plot(
            [day_num(t.by)],
            [t.threshold],
            marker=marker,
            ms=8,
            color=color,
            ls="none",
            label=_target_text(results, t),
            zorder=5,
            clip_on=False,
        )
        low, high, mid = t.value.get("p5"), t.value.get("p95"), t.value.get("p50")
        if with_range and low is not None and high is not None and mid is not None:
            ax.errorbar(
                [day_num(t.by)],
                [mid],
                yerr=[[mid - low], [high - mid]],
                fmt="o",
                ms=4,
                color="#333333",
                capsize=4,
                lw=1.2,
                zorder=4,
                clip_on=False,
                label=None if i else _("Simulated total at the deadline (median, 90% of runs)"),
            )


def _band(ax: Axes, xs: list[float], per_q: dict[str, list[float]], color: str) -> None:
    if "p5" in per_q and "p95" in per_q:
        ax.fill_between(
            xs,
            per_q["p5"],
            per_q["p95"],
            color=color,
            alpha=0.22,
            lw=0,
            label=_("90% of runs (5th–95th percentile)"),
        )
    ax.plot(
        xs,
        per_q.get("p50", per_q["mean"]),
        color=color,
        lw=1.8,
        label=_("Median") if "p50" in per_q else _("Mean"),
    )


def fan_chart(results: Results, name: str) -> Figure | None:
    """Median path and 5–95% band of one KPI, with its targets at their deadlines.

    Flows get a second panel with the expected running total, where targets on
    totals are drawn together with the 5–95% range of the simulated total.
    """
    series = results.series
    if series is None or name not in series.kpis or not series.dates:
        return None
    per_q, dates = series.kpis[name], series.dates
    kind = kpi_meta(results, name)[1]
    targets = [t for t in results.targets if t.metric == name]
    last = max([dates[-1], *[t.by for t in targets]])
    fig, axes = new_figure(2 if kind == "flow" else 1, 1, sharex=True)
    ax = axes[0][0]
    xs = [day_num(d) for d in dates]
    _band(ax, xs, per_q, PALETTE[0])
    ax.set_ylabel(
        _flow_label(_("Per day"), results, name) if kind == "flow" else _axis_title(results, name)
    )
    if kind == "flow":
        total = axes[1][0]
        running = _running_total(per_q["mean"])
        total.plot(xs, running, color=PALETTE[2], lw=1.8, label=_("Expected total to date"))
        total.set_ylabel(_flow_label(_("Total to date"), results, name))
        _draw_targets(total, results, targets, dates[0], with_range=True)
        _finish_axis(total, results, name, dates[0], last)
        ax.tick_params(axis="x", labelbottom=False)
        ax.set_xlim(xs[0], day_num(last))
        format_axis(ax.yaxis, kpi_kind(results, name))
    else:
        _draw_targets(ax, results, targets, dates[0], with_range=False)
        _finish_axis(ax, results, name, dates[0], last)
    for row in axes:
        _draw_competitor_moves(row[0], results, dates[0])
    title = _("{kpi}: expected path over {n:,} runs").format(kpi=label(name),
                                                            n=results.replications)
    if results.track is not None:
        _draw_actuals(axes, results.track, name, kind, dates[0])
        title += _(", given the actuals to {date}").format(date=results.track["as_of"])
    fig.suptitle(title)
    _legend_below(fig, [a[0] for a in axes])
    return fig


def _draw_competitor_moves(ax: Axes, results: Results, first: date) -> None:
    """The competitors' moves on the timeline: a dotted vertical line on each day a move
    took effect, darker the larger the share of runs in which it did."""
    done: dict[int, float] = {}
    for m in results.competitor_moves:
        if m.status == "done":
            done[m.day] = done.get(m.day, 0.0) + float(m.fraction_of_replications or 0.0)
    for i, (day, share) in enumerate(sorted(done.items())):
        when = first + timedelta(days=day)
        ax.axvline(day_num(when), color="#7a3b2e", ls=":", lw=1.2,
                   alpha=min(1.0, 0.25 + 0.75 * min(share, 1.0)),
                   label=None if i else _("Competitor moves (darker: more runs)"))


def _draw_actuals(axes: Any, track: dict[str, Any], name: str, kind: str, first: date
                  ) -> None:
    """The actuals on a fan chart: a flow's period totals as a daily rate on the first
    panel and as a running total on the second, a level at each period's last day; a
    dashed line at the as-of date."""
    as_of = day_num(date.fromisoformat(track["as_of"]))
    for row in axes:
        row[0].axvline(as_of, color="0.4", lw=0.9, ls="--", label=_("as of"))
    observed = track.get("actuals", {}).get(name)
    if not observed:
        return
    ends = [day_num(first) + d for d in observed["last_day"]]
    starts = [day_num(date.fromisoformat(d)) for d in observed["dates"]]
    values = [math.nan if v is None else float(v) for v in observed["observed"]]
    style = {"color": "black", "s": 12, "zorder": 5, "label": _("actuals")}
    if kind != "flow":
        axes[0][0].scatter(ends, values, **style)
        return
    rates = [v / (e - s + 1) for v, s, e in zip(values, starts, ends, strict=True)]
    axes[0][0].scatter([(s + e) / 2 for s, e in zip(starts, ends, strict=True)], rates,
                       **style)
    axes[1][0].scatter(ends, _running_total(values), **style)


def _running_total(values: Sequence[float]) -> list[float]:
    out, acc = [], 0.0
    for v in values:
        acc += 0.0 if math.isnan(v) else v
        out.append(acc)
    return out


def _finish_axis(ax: Axes, results: Results, name: str, first: date, last: date) -> None:
    format_axis(ax.yaxis, kpi_kind(results, name))
    date_axis(ax, first, last)


def _legend_below(fig: Figure, axes: Sequence[Axes], ncols: int = 2) -> None:
    """One legend for all axes, outside the plots, under the figure."""
    handles, labels = [], []
    for ax in axes:
        for h, text in zip(*ax.get_legend_handles_labels(), strict=True):
            if text not in labels:
                handles.append(h)
                labels.append(text)
    if handles:
        rows = math.ceil(len(handles) / max(1, ncols))
        balanced = math.ceil(len(handles) / rows)
        fig.legend(handles, labels, loc="outside lower center", ncols=balanced, frameon=False)


def funnel_stages(results: Results) -> list[tuple[str, float]]:
    """(stage, expected people at the horizon) for each funnel stage the results hold."""
    kpis = results.kpis
    found = []
    for stage, counts, shares in FUNNEL_STAGES:
        count = next((n for n in counts if n in kpis and kpis[n].unit in ("count", "units")), None)
        share = next((n for n in shares if n in kpis and kpis[n].unit == "share"), None)
        if count is not None:
            found.append((_(stage), kpis[count].mean))
        elif share is not None and results.market_size:
            found.append((_(stage), kpis[share].mean * results.market_size))
    return found


def funnel_chart(results: Results) -> Figure | None:
    """Horizontal funnel of aware, considering, customers and loyal people at the horizon."""
    stages = funnel_stages(results)
    if len(stages) < 2:
        return None
    values = [v for _, v in stages]
    fig, axes = new_figure()
    ax = axes[0][0]
    ys = list(range(len(stages)))[::-1]
    ax.barh(ys, values, color=[PALETTE[i % len(PALETTE)] for i in range(len(stages))], height=0.65)
    for i, (y, v) in enumerate(zip(ys, values, strict=True)):
        before = stages[i - 1][0] if is_zh() else stages[i - 1][0].lower()
        step = (
            "  " + _("({share} of {stage})").format(share=f"{v / values[i - 1]:.0%}",
                                                    stage=before)
            if i and values[i - 1]
            else ""
        )
        ax.text(v, y, f"  {v:,.0f}{step}", ha="left", va="center", fontsize=9)
    ax.set_yticks(ys, [s for s, _ in stages])
    ax.set_xlim(0, max(values) * 1.4 or 1.0)
    format_axis(ax.xaxis, COUNT)
    ax.grid(axis="y", visible=False)
    ax.set_xlabel(_("People (count, expected over runs)"))
    end = results.start_date + timedelta(days=max(results.horizon_days - 1, 0))
    fig.suptitle(_("Customer funnel on {date}").format(date=format_date(end)))
    return fig


def budget_chart(results: Results) -> Figure | None:
    """Stacked bars: budget of each channel by month."""
    if not results.budget:
        return None
    months = sorted({m for per in results.budget.values() for m in per})
    fig, axes = new_figure()
    ax = axes[0][0]
    bottom = [0.0] * len(months)
    for i, (channel, per) in enumerate(results.budget.items()):
        heights = [per.get(m, 0.0) for m in months]
        ax.bar(
            months, heights, bottom=bottom, color=PALETTE[i % len(PALETTE)],
            label=results.label("channels", channel),
        )
        bottom = [b + h for b, h in zip(bottom, heights, strict=True)]
    ax.set_xticks(range(len(months)), [_month_label(m) for m in months], rotation=35, ha="right")
    ax.set_ylabel(_("Budget ({unit})").format(unit=currency_unit(results.currency))
                  if results.currency else _("Budget"))
    format_axis(ax.yaxis, MONEY)
    ax.grid(axis="x", visible=False)
    fig.suptitle(_("Budget by channel and month"))
    _legend_below(fig, [ax], ncols=min(6, len(results.budget)))
    return fig


def flighting_chart(results: Results) -> Figure | None:
    """Bars: the month flighting chosen by optimize (1 = an average month); line: the
    market's seasonality of the same months."""
    chosen = (results.optimize or {}).get("flighting") or {}
    weights, season = chosen.get("weights"), chosen.get("season")
    if not weights or not season:
        return None
    first = results.start_date
    months = [format_month(first.year + (first.month - 1 + m) // 12,
                           (first.month - 1 + m) % 12 + 1) for m in range(len(weights))]
    fig, axes = new_figure()
    ax = axes[0][0]
    ax.bar(range(len(weights)), weights, color=PALETTE[0], label=_("Spend weight chosen"))
    ax.plot(range(len(season)), season, color=PALETTE[1], marker="o",
            label=_("Seasonality of demand"))
    ax.axhline(1.0, color="#888888", linestyle=":", linewidth=1)
    ax.set_xticks(range(len(months)), months, rotation=35, ha="right")
    ax.set_ylabel(_("Relative to an average month"))
    ax.grid(axis="x", visible=False)
    fig.suptitle(_("Flighting chosen against the season"))
    _legend_below(fig, [ax])
    return fig


def _month_label(month: str) -> str:
    try:
        day = date.fromisoformat(f"{month}-01")
    except ValueError:
        return month
    return format_month(day.year, day.month)


def compare_targets_chart(results: Results) -> Figure | None:
    """Grouped bars: probability of meeting each target (and all together) per strategy."""
    cmp = results.compare
    if not cmp:
        return None
    groups: list[tuple[str, dict[str, Any]]] = [
        (str(t.get("id")), t.get("by_strategy") or {}) for t in cmp.get("targets") or []
    ]
    if cmp.get("all_targets"):
        groups.append((ALL_TARGETS, cmp["all_targets"]))
    if not groups:
        return None
    strategies = list(cmp["strategies"])
    fig, axes = new_figure()
    ax = axes[0][0]
    width = 0.8 / len(strategies)
    for i, s in enumerate(strategies):
        xs = [g + (i - (len(strategies) - 1) / 2) * width for g in range(len(groups))]
        ps, errs = _probabilities([per.get(s) for _, per in groups])
        ax.bar(
            xs,
            ps,
            width * 0.95,
            yerr=errs,
            capsize=3,
            color=PALETTE[i % len(PALETTE)],
            label=results.label("strategies", s),
            error_kw={"lw": 1, "ecolor": "#333333"},
        )
    _required_marks(ax, results, [g for g, _per in groups])
    ax.set_xticks(range(len(groups)), [
        _("All targets") if g == ALL_TARGETS else results.label("targets", g)
        for g, _per in groups])
    ax.set_ylim(0, 1.05)
    format_axis(ax.yaxis, PERCENT)
    ax.set_ylabel(_("Probability of meeting the target (%)"))
    ax.grid(axis="x", visible=False)
    fig.suptitle(_("Strategies compared: chance of meeting the targets (95% interval)"))
    _legend_below(fig, [ax], ncols=min(6, len(strategies) + 1))
    return fig


def _probabilities(entries: Sequence[Any]) -> tuple[list[float], list[list[float]]]:
    """Bar heights and asymmetric error bars from probability entries."""
    ps, low, high = [], [], []
    for e in entries:
        p = float((e or {}).get("probability") or 0.0)
        lo, hi = ((e or {}).get("interval") or [p, p])[:2]
        ps.append(p)
        low.append(max(0.0, p - lo))
        high.append(max(0.0, hi - p))
    return ps, [low, high]


def _required_marks(ax: Axes, results: Results, groups: Sequence[str]) -> None:
    """A black tick at the required confidence of each target."""
    required = {t.id: t.confidence for t in results.targets if t.confidence is not None}
    first = True
    for g, name in enumerate(groups):
        if name in required:
            ax.plot(
                [g - 0.45, g + 0.45],
                [required[name]] * 2,
                color="#222222",
                lw=1.2,
                ls="--",
                label=_("Required confidence") if first else None,
            )
            first = False


def compare_kpis_chart(results: Results) -> Figure | None:
    """Expected KPIs per strategy with 95% intervals, one panel per KPI (up to four)."""
    kpis = list(((results.compare or {}).get("kpis") or {}).items())[:4]
    if not kpis:
        return None
    fig, axes = new_figure(1, len(kpis), sharey=True)
    for j, (name, per) in enumerate(kpis):
        ax = axes[0][j]
        names = list(per)
        means = [float(per[s].get("mean") or 0.0) for s in names]
        lo = [
            m - float((per[s].get("interval") or [m, m])[0])
            for s, m in zip(names, means, strict=True)
        ]
        hi = [
            float((per[s].get("interval") or [m, m])[1]) - m
            for s, m in zip(names, means, strict=True)
        ]
        ax.barh(
            range(len(names)),
            means,
            xerr=[lo, hi],
            capsize=3,
            color=[PALETTE[i % len(PALETTE)] for i in range(len(names))],
        )
        ax.set_yticks(range(len(names)), [results.label("strategies", s) for s in names])
        ax.set_xlabel(_axis_title(results, name))
        format_axis(ax.xaxis, kpi_kind(results, name))
        ax.tick_params(axis="x", labelrotation=30)
        ax.grid(axis="y", visible=False)
    axes[0][0].invert_yaxis()
    fig.suptitle(_("Strategies compared: expected results (95% interval)"))
    return fig


def response_chart(results: Results) -> Figure | None:
    """Revenue and profit of each channel as its spend moves around the plan."""
    curves = (results.optimize or {}).get("response_curves") or {}
    if not curves:
        return None
    panels = [m for m in ("revenue", "profit") if any(m in c for c in curves.values())]
    if not panels:
        return None
    fig, axes = new_figure(1, len(panels), sharex=True)
    for j, metric in enumerate(panels):
        ax = axes[0][j]
        for i, (channel, c) in enumerate(curves.items()):
            if metric in c and "multiplier" in c:
                ax.plot(
                    c["multiplier"],
                    c[metric],
                    marker="o",
                    ms=3,
                    lw=1.6,
                    color=PALETTE[i % len(PALETTE)],
                    label=results.label("channels", channel),
                )
        ax.axvline(1.0, color="#555555", ls=":", lw=1, label=_("Planned spend"))
        if metric == "profit":
            ax.axhline(0.0, color="#999999", lw=0.8)
        ax.set_xlabel(_("Channel spend relative to the plan (%)"))
        ax.set_ylabel(
            f"{label(metric)} ({currency_unit(results.currency)})" if results.currency
            else label(metric)
        )
        format_axis(ax.xaxis, PERCENT)
        format_axis(ax.yaxis, MONEY)
    fig.suptitle(_("Response curves: what each channel returns for more or less spend"))
    _legend_below(fig, [a for a in axes[0]], ncols=min(6, len(curves) + 1))
    return fig


def output_title(results: Results, output: str) -> str:
    """Axis title of an analysed output: a KPI with its unit, or a target's probability."""
    if output in results.kpis:
        return _axis_title(results, output)
    target = target_output(results, output)
    return (_("Chance of meeting {target} (%)").format(target=output_name(output)) if target
            else label(output))


def tornado_charts(results: Results) -> list[tuple[str, Figure]]:
    """One tornado per analysed output: swing of the output as each input moves low -> high."""
    rows = (results.analyze or {}).get("tornado") or []
    outputs = list(dict.fromkeys(str(r.get("output") or "result") for r in rows))
    return [
        (o, _tornado(results, o, [r for r in rows if str(r.get("output") or "result") == o]))
        for o in outputs
    ]


def _tornado(results: Results, output: str, rows: list[dict[str, Any]]) -> Figure:
    rows = sorted(rows, key=lambda r: abs(r.get("swing") or 0.0))[-12:]
    base = rows[-1].get("baseline")
    if base is None:
        base = sum((r["y_low"] + r["y_high"]) / 2 for r in rows) / len(rows)
    fig, axes = new_figure()
    ax = axes[0][0]
    ys = range(len(rows))
    ax.barh(
        ys,
        [r["y_low"] - base for r in rows],
        left=base,
        color=PALETTE[0],
        label=_("Input at low value"),
    )
    ax.barh(
        ys,
        [r["y_high"] - base for r in rows],
        left=base,
        color=PALETTE[1],
        label=_("Input at high value"),
    )
    ax.axvline(base, color="black", lw=1)
    ax.set_yticks(
        list(ys),
        [
            f"{r.get('parameter')}\n({_num(r.get('low_value'))} → {_num(r.get('high_value'))})"
            for r in rows
        ],
    )
    ax.set_xlabel(output_title(results, output))
    format_axis(ax.xaxis, output_kind(results, output))
    ax.grid(axis="y", visible=False)
    fig.suptitle(_("What moves {output} most (one input at a time)").format(
        output=output_phrase(results, output)))
    _legend_below(fig, [ax])
    return fig


def _num(value: Any) -> str:
    return f"{value:.3g}" if isinstance(value, int | float) else str(value)


def file_stem(text: str) -> str:
    """A safe file name stem."""
    return re.sub(r"[^A-Za-z0-9_-]+", "_", text).strip("_") or "chart"


def fan_caption(results: Results, name: str) -> str:
    """What the fan chart of ``name`` shows."""
    targeted = any(t.metric == name for t in results.targets)
    if kpi_meta(results, name)[1] == "flow":
        if targeted:
            return _("Top: value per day (line: median; band: 90% of runs). Bottom: expected "
                     "total since the start; markers: targets at their deadline, whisker: 90% "
                     "of runs.")
        return _("Top: value per day (line: median; band: 90% of runs). Bottom: expected "
                 "total since the start.")
    if targeted:
        return _("Line: median; band: 90% of runs; markers: targets at their deadline.")
    return _("Line: median; band: 90% of runs.")


def _plans(results: Results) -> Iterator[tuple[str, str, str, str, Callable[[], Figure | None]]]:
    """(key, section, title, caption, draw) for every chart that may exist."""
    for name in results.series.kpis if results.series else {}:
        yield (
            f"fan_{file_stem(name)}",
            "trajectories",
            label(name),
            fan_caption(results, name),
            partial(fan_chart, results, name),
        )
    yield (
        "funnel",
        "kpis",
        _("Customer funnel"),
        _("Expected number of people at each stage."),
        partial(funnel_chart, results),
    )
    yield (
        "budget",
        "budget",
        _("Budget by month"),
        _("Stacked by channel."),
        partial(budget_chart, results),
    )
    yield (
        "flighting",
        "plan",
        _("Flighting against the season"),
        _("Bars: spend by month chosen by the search; line: seasonality of demand."),
        partial(flighting_chart, results),
    )
    yield (
        "compare_targets",
        "comparison",
        _("Chance of meeting the targets"),
        _("Bars: probability; whiskers: 95% interval; dashed: required confidence."),
        partial(compare_targets_chart, results),
    )
    yield (
        "compare_kpis",
        "comparison",
        _("Expected results by strategy"),
        _("Whiskers: 95% interval."),
        partial(compare_kpis_chart, results),
    )
    yield (
        "response_curves",
        "plan",
        _("Response curves"),
        _("Dotted line: the planned spend."),
        partial(response_chart, results),
    )


def render_charts(results: Results, folder: Path) -> list[Chart]:
    """Draw every chart the results support into ``folder`` and describe them."""
    from mktsim.i18n import use_language
    from mktsim.report.fonts import chart_language

    folder.mkdir(parents=True, exist_ok=True)
    charts: list[Chart] = []
    drawn_in = chart_language()  # English when Chinese has no font (never boxes)
    for key, section, title, caption, draw in _plans(results):
        with use_language(drawn_in), chart_style():
            fig = draw()
            if fig is not None:
                path = save(fig, folder / f"{key}.png")
        if fig is not None:
            charts.append(Chart(key, section, title, caption, path))
    with use_language(drawn_in), chart_style():
        tornadoes = tornado_charts(results)
    for output, fig in tornadoes:
        key = f"tornado_{file_stem(output)}"
        with use_language(drawn_in), chart_style():
            path = save(fig, folder / f"{key}.png")
        charts.append(
            Chart(
                key,
                "sensitivity",
                _("Sensitivity of {output}").format(output=output_phrase(results, output)),
                _("Bars: result with the input at its low and high value."),
                path,
            )
        )
    return charts
