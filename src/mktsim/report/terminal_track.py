"""Rich tables of a tracked plan: targets given the actuals beside the plan's own."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from ..i18n import N_, LabelBook, _, is_zh
from ..kpis import KPIS
from ..track import Tracking
from .terminal import fmt_value


def tracking_table(t: Tracking, labels: LabelBook | None = None) -> Table:
    """Per target: P(met) given the actuals with its interval, the plan's P(met), and
    on track or behind the linear trajectory at the as-of date."""
    from .fmt import label
    from .words import STATUSES, VERDICTS, word

    book = labels if labels is not None else LabelBook()
    table = Table(title=_("Targets given the actuals to {date} - strategy {strategy}").format(
        date=t.as_of, strategy=escape(book("strategies", t.conditioned.strategy))))
    table.add_column(_("target"), no_wrap=True)
    for col in (N_("goal"), N_("P(met) now"), N_("95% interval"), N_("plan's P(met)"),
                N_("at the as-of date"), N_("verdict")):
        table.add_column(_(col))
    for tt in t.targets:
        v, u, pos = tt.conditional, tt.unconditional, tt.position
        unit = KPIS[v.target.metric].unit
        sign = ">=" if v.direction == "at_least" else "<="
        colour = "green" if v.met else "red"
        where = word(STATUSES, pos.status, pos.status)
        if pos.status != "not started":
            rel = f" {pos.relative_gap:+.0%}" if pos.relative_gap is not None else ""
            where = f"{where}{rel}"
        metric = label(v.target.metric) if is_zh() else v.target.metric
        table.add_row(escape(book("targets", v.target.id)),
                      f"{metric} {sign} {fmt_value(v.threshold, unit)}",
                      f"{v.probability:.0%}", f"{v.interval[0]:.0%}-{v.interval[1]:.0%}",
                      f"{u.probability:.0%}", where,
                      f"[{colour}]{word(VERDICTS, v.verdict, v.verdict)}[/{colour}]")
    return table


def print_tracking(t: Tracking, console: Console | None = None,
                   labels: LabelBook | None = None) -> None:
    """The as-of date, the conditioning and the target table; warnings in yellow."""
    console = console or Console()
    c = t.conditioning
    tempered = "" if c.beta >= 1 else _(", tempered beta {beta}").format(beta=f"{c.beta:.3g}")
    period = period_word(t.actuals.kind.value)
    console.print(_("as of {date}: {n} {period}s of actuals; {reps} replications "
                    "conditioned by sequential importance resampling (effective sample size "
                    "{ess}{tempered})").format(date=t.as_of, n=t.actuals.n_periods,
                                               period=period, reps=c.replications,
                                               ess=f"{c.ess:.0f}", tempered=tempered))
    console.print(tracking_table(t, labels))
    for w in t.warnings:
        console.print("[yellow]" + _("warning:") + f"[/yellow] {escape(w)}")
    if t.reoptimization is not None:
        print_reoptimization(t.reoptimization.document().to_dict(), console)


PERIODS = {"day": N_("day"), "week": N_("week"), "month": N_("month")}


def period_word(period: str) -> str:
    """A history period (day, week, month) in the active language."""
    return _(PERIODS[period]) if period in PERIODS else period


CHANGE_COLUMNS = (N_("lever"), N_("spent to date"), N_("planned after"), N_("new plan after"),
                  N_("change"))
TARGET_COLUMNS = (N_("target"), N_("confidence"), N_("plan P(met)"), N_("new P(met)"),
                  N_("verdict"))


def change_table(doc: dict[str, Any]) -> Table:
    """Money per channel and people per lever team after the as-of date: plan -> new."""
    table = Table(title=_("What changes from {day} on (strategy {strategy} -> reoptimized)")
                  .format(day=doc["first_day"], strategy=doc["strategy"]))
    for i, col in enumerate(CHANGE_COLUMNS):
        table.add_column(_(col), justify="left" if i == 0 else "right")
    for c in doc["channels"]:
        table.add_row(c["channel"], fmt_value(c["spent"], "money"),
                      fmt_value(c["before"], "money"), fmt_value(c["after"], "money"),
                      _signed(c["change"]))
    rem = doc["remaining"]
    table.add_row("[bold]" + _("media money") + "[/bold]", fmt_value(rem["spent"], "money"),
                  fmt_value(rem["before"], "money"), fmt_value(rem["after"], "money"),
                  _signed(rem["after"] - rem["before"]))
    for h in doc["headcount"]:
        table.add_row(_("{team} (people)").format(team=h["team"]), "", str(h["before"]),
                      str(h["after"]), f"{h['hires']:+d}")
    return table


def change_targets_table(doc: dict[str, Any]) -> Table:
    """Per target: P(met) given the actuals under the plan and under the new plan (fresh
    replications), each with its 95% interval."""
    table = Table(title=_("Targets given the actuals: plan -> new plan (verified on {n} fresh "
                          "replications)").format(n=doc["verified"]["replications"]))
    for col in TARGET_COLUMNS:
        table.add_column(_(col))
    for t in doc["targets"]:
        before, after = t["before"], t["after"]
        if after is None:
            table.add_row(t["id"], f"{t['confidence']:.0%}", _p(before), "-",
                          _("deadline before the as-of date"))
            continue
        verdict = "[green]" + _("met") + "[/green]" if t["met"] else \
            "[red]" + _("short by {gap:.0%}").format(gap=t["shortfall"]) + "[/red]"
        table.add_row(t["id"], f"{t['confidence']:.0%}", _p(before), _p(after), verdict)
    return table


def print_reoptimization(doc: dict[str, Any], console: Console | None = None) -> None:
    """The change of plan, its cost, the targets before and after, and the message."""
    console = console or Console()
    console.print(change_table(doc))
    cost = doc["cost_of_change"]
    console.print(_("cost of the change: {total} (media {media}, people {people})").format(
        total=_signed(cost["total"]), media=_signed(cost["media"]),
        people=_signed(cost["people"])))
    console.print(change_targets_table(doc))
    colour = "green" if doc["reached"] else "yellow"
    console.print(f"[{colour}]{escape(doc['message'])}[/{colour}]")


def _p(side: dict[str, Any]) -> str:
    low, high = side["interval"]
    return f"{side['probability']:.0%} ({low:.0%}-{high:.0%})"


def _signed(value: float) -> str:
    return ("+" if value > 0 else "") + fmt_value(value, "money")
