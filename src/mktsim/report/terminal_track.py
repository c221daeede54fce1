"""Rich tables of a tracked plan: targets given the actuals beside the plan's own."""

from __future__ import annotations

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


PERIODS = {"day": N_("day"), "week": N_("week"), "month": N_("month")}


def period_word(period: str) -> str:
    """A history period (day, week, month) in the active language."""
    return _(PERIODS[period]) if period in PERIODS else period
