"""The terminal's tables of a run (`mktsim run`): KPIs, targets, channels, spend, leaks and
the review rules' decisions, as :class:`Table` objects of formatted text."""

from __future__ import annotations

import datetime as dt
import math
from typing import TYPE_CHECKING, Any

from mktsim.i18n import N_, LabelBook, _, is_zh
from mktsim.report.fmt import fmt_value, label
from mktsim.report.tables.model import LEFT, PLAIN, RIGHT, Table, text_table
from mktsim.report.words import LEAK_WORDS, UNITS, VERDICTS, word

if TYPE_CHECKING:
    from mktsim.simulate.result import RunResult


def labels_of(result: RunResult) -> LabelBook:
    """The labels of the run's scenario."""
    return LabelBook(result.loaded.spec.labels())


def header(names: tuple[str, ...], left: tuple[str, ...] = ()) -> tuple[list[str], list[str]]:
    """Headings in the active language (``names`` are message ids) and their alignment:
    left when in ``left``, right otherwise."""
    return [_(n) for n in names], [LEFT if n in left else RIGHT for n in names]


def kpi_name(kpi: str) -> str:
    """A KPI in a terminal row: its key in English, its name in Chinese."""
    return label(kpi) if is_zh() else kpi


def verdict_cell(verdict: str, met: bool) -> tuple[str, str]:
    """A verdict in green when met, red when not."""
    return word(VERDICTS, verdict, verdict), "green" if met else "red"


def kpi_view(result: RunResult) -> Table:
    """KPIs at the horizon with their 5-95% range."""
    names, align = header((N_("KPI"), N_("mean"), "p5", "p50", "p95", N_("unit")),
                          ("KPI", "unit"))
    rows = [[kpi_name(str(name)), *(fmt_value(row[c], str(row["unit"]))
                                    for c in ("mean", "p5", "p50", "p95")),
             _unit(str(row["unit"]))] for name, row in result.kpi_rows().items()]
    return text_table("kpis", _("KPIs at the horizon ({n} replications)").format(
        n=result.run.replications), names, rows, align)


def _unit(unit: str) -> str:
    return word(UNITS, unit, unit) if not unit.isupper() else unit


SHARE_METRICS = ("brand_awareness", "consideration", "market_share")


def target_view(result: RunResult) -> Table:
    """Each target with its probability, interval and verdict."""
    names = labels_of(result)
    cols = [_(c) for c in (N_("target"), N_("metric"), N_("threshold"), N_("by"),
                           N_("P(met)"), N_("95% interval"), N_("required"), N_("verdict"))]
    rows = []
    for v in result.verdicts:
        unit = "share" if v.target.metric in SHARE_METRICS else "count"
        sign = ">=" if v.direction == "at_least" else "<="
        rows.append([names("targets", v.target.id), kpi_name(v.target.metric),
                     f"{sign} {fmt_value(v.threshold, unit)}", str(result.dates[v.day]),
                     f"{v.probability:.0%}", f"{v.interval[0]:.0%}-{v.interval[1]:.0%}",
                     f"{v.confidence:.0%}", verdict_cell(v.verdict, v.met)])
    return text_table("targets", _("SMART targets - strategy {strategy}").format(
        strategy=names("strategies", result.strategy)), cols, rows)


def channel_view(result: RunResult) -> Table:
    """Spend (media + commission), customers, ROI and CAC by channel: incremental (what the
    plan loses without the channel) when measured, and last-touch; saturation."""
    found = result.incremental or {}
    names = labels_of(result)
    cols = [N_("channel"), N_("spend"), N_("commission"), N_("new cust. (LT)")]
    if found:
        cols += [N_("incr. units"), N_("incr. ROI (95%)"), N_("incr. CAC")]
    cols += [N_("ROI (LT)"), N_("CAC (LT)"), N_("saturation")]
    heads, align = header(tuple(cols), ("channel",))
    rows = [_channel_row(str(name), row, found, names)
            for name, row in result.channel_rows().items()]
    note = _("incr.: what the plan loses without the channel's money (the same "
             "replications, common random numbers); LT, last touch: only the first "
             "purchases the channel converted itself") if found else ""
    return text_table("channels", _("Channels (means per run)"), heads, rows, align,
                      note=note, no_wrap=frozenset(heads[1:]))


def _channel_row(name: str, row: Any, found: dict[str, Any], names: LabelBook) -> list[str]:
    cells = [names("channels", name), fmt_value(row["spend"], "money"),
             fmt_value(row.get("commission", math.nan), "money"),
             fmt_value(row["new_customers"], "count")]
    if found:
        inc = found.get(name)
        cells += ["-", "-", "-"] if inc is None else [
            fmt_value(inc["units"]["mean"], "count"), _with_interval(inc["roi"]),
            fmt_value(inc["cac"]["mean"], "money")]
    return [*cells, fmt_value(row["roi"], "ratio"), fmt_value(row["cac"], "money"),
            fmt_value(row["saturation"], "share")]


def _with_interval(est: dict[str, Any]) -> str:
    lo, hi = est["interval"]
    if lo is None or hi is None or not (math.isfinite(lo) and math.isfinite(hi)):
        return fmt_value(est["mean"], "ratio")
    return f"{fmt_value(est['mean'], 'ratio')} ±{(hi - lo) / 2:.2f}"


SPEND_WORDS = {
    "media": N_("media (the budget's channel money)"),
    "commissions": N_("commissions on sales (on top)"),
    "loyalty": N_("loyalty programme (on top)"),
    "training": N_("scheduled training (on top) and training bought by rules"),
    "research": N_("research bought by rules (out of the budget)"),
}


def spend_view(result: RunResult) -> Table:
    """Budget against what was spent, line by line (means per run)."""
    lines = result.spend().means()
    budget = lines["budget"] or 0.0

    def share(v: float | None) -> str:
        return f"{v / budget:.1%}" if budget > 0 and v is not None else "-"

    rows: list[list[Any]] = [[_("budget"), fmt_value(budget, "money"), share(budget)]]
    rows += [[_(words), fmt_value(lines[key], "money"), share(lines[key])]
             for key, words in SPEND_WORDS.items() if lines[key]]
    total = lines["total"] or 0.0
    rows.append([(_("total marketing spend"), "bold"), fmt_value(total, "money"), share(total)])
    return text_table("spend", _("Spend against budget (means per run)"),
                      [_("line"), _("money"), _("of budget")], rows, [PLAIN, RIGHT, RIGHT])


def leak_view(result: RunResult) -> Table:
    """Where the plan leaks (means per run)."""
    rows = [[leak_words(name), fmt_value(value, "count")]
            for name, value in result.leaks().items() if value > 0]
    return text_table("leaks", _("Where the plan leaks (means per run)"),
                      [_("what"), _("count")], rows, [PLAIN, RIGHT])


def leak_words(name: str) -> str:
    """A leak in a terminal row: its name in English, its description in Chinese."""
    return word(LEAK_WORDS, name) if is_zh() else name.replace("_", " ")


def rules_view(result: RunResult) -> Table:
    """Per review rule: in how many runs it acted, how often, first when, skips."""
    from mktsim.rules.log import review_tally

    heads, align = header((N_("rule"), N_("actions"), N_("acted in"), N_("times per run"),
                           N_("first acted (median)"), N_("skipped per run")),
                          ("rule", "actions"))
    start = result.loaded.spec.start_date
    rows = [_rule_row(r, start) for r in review_tally(result.run).rule_rows()]
    return text_table("rules", _("Review rules ({n} replications)").format(
        n=result.run.replications), heads, rows, align,
        note=_("acted in: share of replications in which the rule acted at least once; "
               "times per run: reviews at which it acted, mean over all runs"))


def _rule_row(r: dict[str, Any], start: dt.date) -> list[str]:
    first = r["first_day_median"]
    when = "-" if first is None else str(start + dt.timedelta(days=round(first)))
    skipped = f"{r['skipped_per_replication']:.1f}" if r["skipped_per_replication"] else ""
    if skipped:
        skipped += f" ({r['skipped_reason']})"
    return [r["rule"], ", ".join(r["actions"]),
            _("{share} of runs").format(share=f"{r['fraction_of_replications']:.0%}"),
            f"{r['times_per_replication']:.1f}", when, skipped]


def decisions_view(result: RunResult, limit: int = 40) -> Table:
    """Review by review: what each rule did and saw, in how many runs (the first `limit`)."""
    names = (N_("date"), N_("rule"), N_("action"), N_("settings"), N_("seen"), N_("runs"))
    heads, align = header(names, names[:-1])
    rows = []
    for d in result.decisions[:limit]:
        status = d.get("status", "done")
        action = d["action"] if status == "done" else f"{d['action']} ({status})"
        rows.append([str(d["date"]), d["rule"], action, brief(d["args"]), brief(d["seen"]),
                     f"{d['fraction_of_replications']:.0%}"])
    more = len(result.decisions) - limit
    return text_table(
        "decisions", _("Review decisions by date (runs: share of replications; settings and "
                       "seen values: means over those runs)"), heads, rows, align,
        note=_("{n} more in the JSON output (decisions[])").format(n=more) if more > 0 else "",
        no_wrap=frozenset((heads[0], heads[-1])))


def competitor_moves_view(result: RunResult, limit: int = 40) -> Table:
    """The competitors' moves by the day they took effect, in how many runs."""
    names = (N_("date"), N_("competitor"), N_("reaction"), N_("action"), N_("settings"),
             N_("seen"), N_("runs"))
    heads, align = header(names, names[:-1])
    rows = []
    for m in result.competitor_moves[:limit]:
        status = m.get("status", "done")
        action = m["action"] if status == "done" else f"{m['action']} ({status})"
        rows.append([str(m["date"]), m["competitor"], m["reaction"], action, brief(m["args"]),
                     brief(m["seen"]), f"{m['fraction_of_replications']:.0%}"])
    more = len(result.competitor_moves) - limit
    return text_table(
        "competitor_moves", _("Competitor moves by date (runs: share of replications; "
                              "settings and seen values: means over those runs)"),
        heads, rows, align,
        note=_("{n} more in the JSON output (competitor_moves[])").format(n=more)
        if more > 0 else "",
        no_wrap=frozenset((heads[0], heads[-1])))


def promotions_view(result: RunResult) -> Table:
    """Each promotion's gross lift, dip and net lift in units, and its net ROI."""
    names = (N_("promotion"), N_("gross lift"), N_("dip"), N_("net lift"), N_("net ROI"))
    heads, align = header(names, names[:1])
    rows = [[p["name"], *(f"{p[k]['mean']:,.0f}" for k in ("gross_lift", "dip", "net_lift")),
             f"{p['net_roi']['mean']:.2f}"] for p in result.promotions]
    return text_table("promotions", _("Promotions against the same runs without them "
                                      "(units; net lift = gross lift - dip)"),
                      heads, rows, align)


def brief(values: dict[str, Any]) -> str:
    """Settings or seen values as `key=value`, numbers as a planner reads them."""
    return ", ".join(f"{key}={_brief_value(key, value)}" for key, value in values.items())


def _brief_value(key: str, value: Any) -> str:
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if not isinstance(value, int | float):
        return str(value)
    if not math.isfinite(value):
        return "-"
    if key in ("share", "depth", "by"):
        return f"{value:.0%}"
    if abs(value) >= 1e6:
        return f"{value / 1e6:,.2f}M"
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    return f"{value:.3g}"


def run_views(result: RunResult) -> list[Table]:
    """The run's terminal tables, in the order printed."""
    views = [kpi_view(result)]
    if result.verdicts:
        views.append(target_view(result))
    if result.run.plan.channels:
        views.append(channel_view(result))
    views += [spend_view(result), leak_view(result)]
    if result.decisions:
        views += [rules_view(result), decisions_view(result)]
    if result.competitor_moves:
        views.append(competitor_moves_view(result))
    if result.promotions:
        views.append(promotions_view(result))
    return views
