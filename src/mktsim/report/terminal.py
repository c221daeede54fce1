"""Rich tables for the terminal: KPIs, target verdicts, channels and leaks."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from rich.console import Console, Group
from rich.markup import escape
from rich.table import Table

from ..decision.run_result import RunResult


def fmt_value(value: float, unit: str) -> str:
    """A number as a planner reads it: 31.2%, 1,234,567, 12.35."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "-"
    if unit == "share":
        return f"{value:.1%}"
    if unit == "ratio":
        return f"{value:.2f}"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    return f"{value:,.2f}"


def kpi_table(result: RunResult) -> Table:
    """KPIs at the horizon with their 5-95% range."""
    t = Table(title=f"KPIs at the horizon ({result.run.replications} replications)")
    for col in ("KPI", "mean", "p5", "p50", "p95", "unit"):
        t.add_column(col, justify="left" if col in ("KPI", "unit") else "right")
    for name, row in result.kpis().iterrows():
        unit = str(row["unit"])
        t.add_row(str(name), *(fmt_value(row[c], unit) for c in ("mean", "p5", "p50", "p95")),
                  unit)
    return t


def target_table(result: RunResult) -> Table:
    """Each target with its probability, interval and verdict."""
    t = Table(title=f"SMART targets - strategy {result.strategy}")
    for col in ("target", "metric", "threshold", "by", "P(met)", "95% interval", "required",
                "verdict"):
        t.add_column(col)
    for v in result.verdicts:
        unit = "share" if v.target.metric in ("brand_awareness", "consideration",
                                              "market_share") else "count"
        sign = ">=" if v.direction == "at_least" else "<="
        colour = "green" if v.met else "red"
        t.add_row(v.target.id, v.target.metric, f"{sign} {fmt_value(v.threshold, unit)}",
                  str(result.dates[v.day]), f"{v.probability:.0%}",
                  f"{v.interval[0]:.0%}-{v.interval[1]:.0%}", f"{v.confidence:.0%}",
                  f"[{colour}]{v.verdict}[/{colour}]")
    return t


def channel_table(result: RunResult) -> Table:
    """Spend (media + commission), customers, ROI and CAC by channel: incremental (what the
    plan loses without the channel) when measured, and last-touch; saturation."""
    found = result.incremental or {}
    t = Table(title="Channels (means per run)")
    cols = ["channel", "spend", "commission", "new cust. (LT)"]
    if found:
        cols += ["incr. units", "incr. ROI (95%)", "incr. CAC"]
    cols += ["ROI (LT)", "CAC (LT)", "saturation"]
    for col in cols:
        t.add_column(col, justify="left" if col == "channel" else "right",
                     no_wrap=col != "channel")
    for name, row in result.channels().iterrows():
        cells = [str(name), fmt_value(row["spend"], "money"),
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
        t.caption = ("incr.: what the plan loses without the channel's money (the same "
                     "replications, common random numbers); LT, last touch: only the first "
                     "purchases the channel converted itself")
    return t


def _with_interval(est: dict[str, Any]) -> str:
    lo, hi = est["interval"]
    if lo is None or hi is None or not (math.isfinite(lo) and math.isfinite(hi)):
        return fmt_value(est["mean"], "ratio")
    return f"{fmt_value(est['mean'], 'ratio')} ±{(hi - lo) / 2:.2f}"


SPEND_WORDS = {
    "media": "media (the budget's channel money)",
    "commissions": "commissions on sales (on top)",
    "loyalty": "loyalty programme (on top)",
    "training": "scheduled training (on top) and training bought by rules",
    "research": "research bought by rules (out of the budget)",
}


def spend_table(result: RunResult) -> Table:
    """Budget against what was spent, line by line (means per run)."""
    lines = result.spend().means()
    t = Table(title="Spend against budget (means per run)")
    t.add_column("line")
    t.add_column("money", justify="right")
    t.add_column("of budget", justify="right")
    budget = lines["budget"] or 0.0

    def share(v: float | None) -> str:
        return f"{v / budget:.1%}" if budget > 0 and v is not None else "-"

    t.add_row("budget", fmt_value(budget, "money"), share(budget))
    for key, words in SPEND_WORDS.items():
        value = lines[key]
        if value:
            t.add_row(words, fmt_value(value, "money"), share(value))
    total = lines["total"] or 0.0
    t.add_row("[bold]total marketing spend[/bold]", fmt_value(total, "money"), share(total))
    return t


def leak_table(result: RunResult) -> Table:
    """Where the plan leaks (means per run)."""
    t = Table(title="Where the plan leaks (means per run)")
    t.add_column("what")
    t.add_column("count", justify="right")
    for name, value in result.leaks().items():
        if value > 0:
            t.add_row(name.replace("_", " "), fmt_value(value, "count"))
    return t


def _brief(values: dict[str, Any]) -> str:
    """Settings or seen values as `key=value`, numbers as a planner reads them."""
    shares = ("share", "depth", "by")

    def text(key: str, value: Any) -> str:
        if isinstance(value, bool):
            return "yes" if value else "no"
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
    by_rule = Table(title=f"Review rules ({reps} replications)")
    for col in ("rule", "actions", "acted in", "times per run", "first acted (median)",
                "skipped per run"):
        by_rule.add_column(col, justify="left" if col in ("rule", "actions") else "right")
    start = result.loaded.spec.start_date
    for r in summarise_rules(getattr(result.run, "reviews", [])):
        first = r["first_day_median"]
        when = "-" if first is None else str(start + dt.timedelta(days=round(first)))
        skipped = f"{r['skipped_per_replication']:.1f}" if r["skipped_per_replication"] else ""
        if skipped:
            skipped += f" ({r['skipped_reason']})"
        by_rule.add_row(r["rule"], ", ".join(r["actions"]),
                        f"{r['fraction_of_replications']:.0%} of runs",
                        f"{r['times_per_replication']:.1f}", when, skipped)
    by_rule.caption = ("acted in: share of replications in which the rule acted at least "
                       "once; times per run: reviews at which it acted, mean over all runs")
    t = Table(title="Review decisions by date (runs: share of replications; settings and "
                    "seen values: means over those runs)")
    for col in ("date", "rule", "action", "settings", "seen", "runs"):
        t.add_column(col, justify="right" if col == "runs" else "left",
                     no_wrap=col in ("date", "runs"))
    for d in result.decisions[:limit]:
        status = d.get("status", "done")
        action = d["action"] if status == "done" else f"{d['action']} ({status})"
        t.add_row(str(d["date"]), d["rule"], action, _brief(d["args"]), _brief(d["seen"]),
                  f"{d['fraction_of_replications']:.0%}")
    if len(result.decisions) > limit:
        t.caption = f"{len(result.decisions) - limit} more in the JSON output (decisions[])"
    return Group(by_rule, t)


def wide_console() -> Console:
    """A console on stdout; when it is not a terminal (a pipe, a file) tables are laid out
    140 columns wide instead of rich's 80, so no column is cut."""
    console = Console()
    return console if console.is_terminal else Console(width=140)


def uncertainty_note(count: int, joint: dict[str, list[str]] | None = None,
                     per: str = "per replication") -> str:
    """The line saying that values of `uncertainties:` are drawn per replication, and
    which of them jointly from the rows of a draws file (`joint`: file -> paths)."""
    text = (f"parameter uncertainty: {count} values drawn {per} from "
            "uncertainties: (target probabilities include it)")
    for name, paths in (joint or {}).items():
        text += (f"; {len(paths)} of them jointly, one row of {name} per replication "
                 "(their correlation kept)" if len(paths) > 1 else
                 f"; 1 of them from one row of {name} per replication")
    return text


def print_run(result: RunResult, console: Any = None) -> None:
    """The human summary of a run."""
    console = console or wide_console()
    console.print(f"[bold]{escape(result.loaded.spec.name)}[/bold] - strategy "
                  f"[bold]{escape(result.strategy)}"
                  f"[/bold], seed {result.run.seed}")
    if result.run.samples is not None:
        from ..decision.run_result import joint_draws

        console.print(escape(uncertainty_note(len(result.run.samples.columns),
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
