"""Rich tables for the terminal: KPIs, target verdicts, channels and leaks."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from rich.console import Console, Group
from rich.markup import escape
from rich.table import Table

from ..i18n import N_, LabelBook, _, is_zh
from ..simulate.result import RunResult
from .words import VERDICTS, word


def fmt_value(value: float, unit: str) -> str:
    """A number as a planner reads it: 31.2%, 1,234,567, 12.35."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "-"
    if unit == "money" and is_zh() and abs(value) >= 1e4:
        from .fmt import zh_large

        return zh_large(value)
    if unit == "share":
        return f"{value:.1%}"
    if unit == "ratio":
        return f"{value:.2f}"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    return f"{value:,.2f}"


def labels_of(result: RunResult) -> LabelBook:
    """The labels of the run's scenario."""
    return LabelBook(result.loaded.spec.labels())


def _columns(t: Table, names: tuple[str, ...], left: tuple[str, ...], **kw: Any) -> None:
    """Columns by message id, left-aligned when in `left`, right-aligned otherwise."""
    for col in names:
        t.add_column(_(col), justify="left" if col in left else "right", **kw)


def kpi_table(result: RunResult) -> Table:
    """KPIs at the horizon with their 5-95% range."""
    from .fmt import label

    t = Table(title=_("KPIs at the horizon ({n} replications)").format(
        n=result.run.replications))
    _columns(t, (N_("KPI"), N_("mean"), "p5", "p50", "p95", N_("unit")), ("KPI", "unit"))
    for name, row in result.kpi_rows().items():
        unit = str(row["unit"])
        shown = label(str(name)) if is_zh() else str(name)
        t.add_row(shown, *(fmt_value(row[c], unit) for c in ("mean", "p5", "p50", "p95")),
                  _unit(unit))
    return t


def _unit(unit: str) -> str:
    from .words import UNITS

    return word(UNITS, unit, unit) if not unit.isupper() else unit


def target_table(result: RunResult) -> Table:
    """Each target with its probability, interval and verdict."""
    names = labels_of(result)
    t = Table(title=_("SMART targets - strategy {strategy}").format(
        strategy=names("strategies", result.strategy)))
    for col in (N_("target"), N_("metric"), N_("threshold"), N_("by"), N_("P(met)"),
                N_("95% interval"), N_("required"), N_("verdict")):
        t.add_column(_(col))
    for v in result.verdicts:
        unit = "share" if v.target.metric in ("brand_awareness", "consideration",
                                              "market_share") else "count"
        sign = ">=" if v.direction == "at_least" else "<="
        colour = "green" if v.met else "red"
        from .fmt import label

        metric = label(v.target.metric) if is_zh() else v.target.metric
        t.add_row(escape(names("targets", v.target.id)), metric,
                  f"{sign} {fmt_value(v.threshold, unit)}",
                  str(result.dates[v.day]), f"{v.probability:.0%}",
                  f"{v.interval[0]:.0%}-{v.interval[1]:.0%}", f"{v.confidence:.0%}",
                  f"[{colour}]{word(VERDICTS, v.verdict, v.verdict)}[/{colour}]")
    return t


def channel_table(result: RunResult) -> Table:
    """Spend (media + commission), customers, ROI and CAC by channel: incremental (what the
    plan loses without the channel) when measured, and last-touch; saturation."""
    found = result.incremental or {}
    names = labels_of(result)
    t = Table(title=_("Channels (means per run)"))
    cols = [N_("channel"), N_("spend"), N_("commission"), N_("new cust. (LT)")]
    if found:
        cols += [N_("incr. units"), N_("incr. ROI (95%)"), N_("incr. CAC")]
    cols += [N_("ROI (LT)"), N_("CAC (LT)"), N_("saturation")]
    for col in cols:
        t.add_column(_(col), justify="left" if col == "channel" else "right",
                     no_wrap=col != "channel")
    for name, row in result.channel_rows().items():
        cells = [escape(names("channels", str(name))), fmt_value(row["spend"], "money"),
                 fmt_value(row.get("commission", math.nan), "money"),
                 fmt_value(row["new_customers"], "count")]
        if found:
            inc = found.get(str(name))
            cells += ["-", "-", "-"] if inc is None else [
                fmt_value(inc["units"]["mean"], "count"), _with_interval(inc["roi"]),
                fmt_value(inc["cac"]["mean"], "money")]
        cells += [fmt_value(row["roi"], "ratio"), fmt_value(row["cac"], "money"),
                  fmt_value(row["saturation"], "share")]
        t.add_row(*cells)
    if found:
        t.caption = _("incr.: what the plan loses without the channel's money (the same "
                      "replications, common random numbers); LT, last touch: only the first "
                      "purchases the channel converted itself")
    return t


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


def spend_table(result: RunResult) -> Table:
    """Budget against what was spent, line by line (means per run)."""
    lines = result.spend().means()
    t = Table(title=_("Spend against budget (means per run)"))
    t.add_column(_("line"))
    t.add_column(_("money"), justify="right")
    t.add_column(_("of budget"), justify="right")
    budget = lines["budget"] or 0.0

    def share(v: float | None) -> str:
        return f"{v / budget:.1%}" if budget > 0 and v is not None else "-"

    t.add_row(_("budget"), fmt_value(budget, "money"), share(budget))
    for key, words in SPEND_WORDS.items():
        value = lines[key]
        if value:
            t.add_row(_(words), fmt_value(value, "money"), share(value))
    total = lines["total"] or 0.0
    t.add_row("[bold]" + _("total marketing spend") + "[/bold]", fmt_value(total, "money"),
              share(total))
    return t


def leak_table(result: RunResult) -> Table:
    """Where the plan leaks (means per run)."""
    from .words import LEAK_WORDS

    t = Table(title=_("Where the plan leaks (means per run)"))
    t.add_column(_("what"))
    t.add_column(_("count"), justify="right")
    for name, value in result.leaks().items():
        if value > 0:
            shown = word(LEAK_WORDS, name) if is_zh() else name.replace("_", " ")
            t.add_row(shown, fmt_value(value, "count"))
    return t


def _brief(values: dict[str, Any]) -> str:
    """Settings or seen values as `key=value`, numbers as a planner reads them."""
    shares = ("share", "depth", "by")

    def text(key: str, value: Any) -> str:
        if isinstance(value, bool):
            return _("yes") if value else _("no")
        if not isinstance(value, int | float):
            return str(value)
        if not math.isfinite(value):
            return "-"
        if key in shares:
            return f"{value:.0%}"
        if abs(value) >= 1e6:
            return f"{value / 1e6:,.2f}M"
        if abs(value) >= 1000:
            return f"{value:,.0f}"
        return f"{value:.3g}"

    return ", ".join(f"{key}={text(key, value)}" for key, value in values.items())


def decision_table(result: RunResult, limit: int = 40) -> Group:
    """Decisions of the review rules: by rule (in how many runs it acted, how often, first
    when), then review by review (what it did and saw, in how many runs)."""
    from ..rules.log import summarise_rules

    reps = result.run.replications
    by_rule = Table(title=_("Review rules ({n} replications)").format(n=reps))
    _columns(by_rule, (N_("rule"), N_("actions"), N_("acted in"), N_("times per run"),
                       N_("first acted (median)"), N_("skipped per run")), ("rule", "actions"))
    start = result.loaded.spec.start_date
    for r in summarise_rules(getattr(result.run, "reviews", [])):
        first = r["first_day_median"]
        when = "-" if first is None else str(start + dt.timedelta(days=round(first)))
        skipped = f"{r['skipped_per_replication']:.1f}" if r["skipped_per_replication"] else ""
        if skipped:
            skipped += f" ({r['skipped_reason']})"
        by_rule.add_row(r["rule"], ", ".join(r["actions"]),
                        _("{share} of runs").format(share=f"{r['fraction_of_replications']:.0%}"),
                        f"{r['times_per_replication']:.1f}", when, skipped)
    by_rule.caption = _("acted in: share of replications in which the rule acted at least "
                        "once; times per run: reviews at which it acted, mean over all runs")
    t = Table(title=_("Review decisions by date (runs: share of replications; settings and "
                      "seen values: means over those runs)"))
    for col in (N_("date"), N_("rule"), N_("action"), N_("settings"), N_("seen"), N_("runs")):
        t.add_column(_(col), justify="right" if col == "runs" else "left",
                     no_wrap=col in ("date", "runs"))
    for d in result.decisions[:limit]:
        status = d.get("status", "done")
        action = d["action"] if status == "done" else f"{d['action']} ({status})"
        t.add_row(str(d["date"]), d["rule"], action, _brief(d["args"]), _brief(d["seen"]),
                  f"{d['fraction_of_replications']:.0%}")
    if len(result.decisions) > limit:
        t.caption = _("{n} more in the JSON output (decisions[])").format(
            n=len(result.decisions) - limit)
    return Group(by_rule, t)


def wide_console() -> Console:
    """A console on stdout; when it is not a terminal (a pipe, a file) tables are laid out
    140 columns wide instead of rich's 80, so no column is cut."""
    console = Console()
    return console if console.is_terminal else Console(width=140)


def uncertainty_note(count: int, joint: dict[str, list[str]] | None = None,
                     per: str = "per replication") -> str:
    """The line saying that values of `uncertainties:` are drawn per replication (or
    `per` point of a sweep), and which of them jointly from the rows of a draws file
    (`joint`: file -> paths)."""
    if per == "per replication":
        text = _("parameter uncertainty: {n} values drawn per replication from uncertainties: "
                 "(target probabilities include it)").format(n=count)
    else:
        text = _("parameter uncertainty: {n} values drawn {per} from uncertainties: "
                 "(target probabilities include it)").format(n=count, per=per)
    for name, paths in (joint or {}).items():
        if len(paths) > 1:
            text += _("; {n} of them jointly, one row of {file} per replication (their "
                      "correlation kept)").format(n=len(paths), file=name)
        else:
            text += _("; 1 of them from one row of {file} per replication").format(file=name)
    return text


def print_run(result: RunResult, console: Any = None) -> None:
    """The human summary of a run."""
    console = console or wide_console()
    strategy = labels_of(result)("strategies", result.strategy)
    console.print(_("{name} - strategy {strategy}, seed {seed}").format(
        name=f"[bold]{escape(result.loaded.spec.name)}[/bold]",
        strategy=f"[bold]{escape(strategy)}[/bold]", seed=result.run.seed))
    drawn = result.run.sample_paths()
    if drawn is not None:
        from ..simulate.result import joint_draws

        console.print(escape(uncertainty_note(len(drawn),
                                              joint_draws(result))))
    console.print(kpi_table(result))
    if result.verdicts:
        console.print(target_table(result))
    if result.run.plan.channels:
        console.print(channel_table(result))
    console.print(spend_table(result))
    console.print(leak_table(result))
    if result.decisions:
        console.print(decision_table(result))
