"""What `mktsim track` prints: the tracked plan's terminal tables
(``tables.terminal_track``) drawn by the Rich renderer, with the lines around them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.markup import escape

from ..i18n import N_, LabelBook, _
from .render.rich import rich_table
from .tables.terminal_track import change_targets_view, change_view, signed, tracking_view

if TYPE_CHECKING:
    from ..track import Tracking


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
    console.print(rich_table(tracking_view(t, labels)))
    for w in t.warnings:
        console.print("[yellow]" + _("warning:") + f"[/yellow] {escape(w)}")
    if t.reoptimization is not None:
        print_reoptimization(t.reoptimization.document().to_dict(), console)


PERIODS = {"day": N_("day"), "week": N_("week"), "month": N_("month")}


def period_word(period: str) -> str:
    """A history period (day, week, month) in the active language."""
    return _(PERIODS[period]) if period in PERIODS else period


def print_reoptimization(doc: dict[str, Any], console: Console | None = None) -> None:
    """The change of plan, its cost, the targets before and after, and the message."""
    console = console or Console()
    console.print(rich_table(change_view(doc)))
    cost = doc["cost_of_change"]
    console.print(_("cost of the change: {total} (media {media}, people {people})").format(
        total=signed(cost["total"]), media=signed(cost["media"]),
        people=signed(cost["people"])))
    console.print(rich_table(change_targets_view(doc)))
    colour = "green" if doc["reached"] else "yellow"
    console.print(f"[{colour}]{escape(doc['message'])}[/{colour}]")
