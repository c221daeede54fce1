"""What `compare`, `optimize` and `explain` print: their terminal tables
(``tables.terminal_compare``, ``tables.terminal_optimize``) drawn by the Rich renderer, with
the lines around them."""

from __future__ import annotations

from typing import Any

from rich.markup import escape

from ..i18n import LabelBook, _
from .fmt import fmt_value
from .render.rich import print_tables
from .tables.terminal_compare import compare_views
from .tables.terminal_optimize import (
    binding_words,
    confirmation_view,
    explain_views,
    extra_views,
    frontier_view,
    plan_view,
)
from .terminal import uncertainty_note, wide_console


def _book(labels: LabelBook | None) -> LabelBook:
    return labels if labels is not None else LabelBook()


def print_uncertainty_note(doc: dict[str, Any], con: Any) -> None:
    """The note that target probabilities include the scenario's parameter uncertainty."""
    drawn = doc.get("parameter_uncertainty") or []
    if drawn:
        con.print(escape(uncertainty_note(len(drawn), doc.get("joint_draws"))))


def print_compare(doc: dict[str, Any], console: Any = None,
                  labels: LabelBook | None = None) -> None:
    """Targets, KPIs, paired differences, P(best) and ranking of a comparison."""
    con = console or wide_console()
    print_uncertainty_note(doc, con)
    print_tables(compare_views(doc, _book(labels)), con)
    con.print(_("P(best in a run): share of replications in which the strategy is the best "
                "by the objective (ties on targets broken by the second measure)."))
    con.print(_("stopped: {why} after {n} replications").format(why=doc["stopped"],
                                                                n=doc["replications"]))


def print_optimum(doc: dict[str, Any], console: Any = None,
                  labels: LabelBook | None = None) -> None:
    """The winning plan, its verified targets, and the marginal returns."""
    con = console or wide_console()
    book = _book(labels)
    print_uncertainty_note(doc, con)
    status = ("[green]" + _("reached") + "[/green]" if doc["feasible"]
              else "[red]" + _("not reached") + "[/red]")
    con.print(_("optimize ({mode}): {objective} - {status}; {n} candidate plans evaluated")
              .format(mode=doc["mode"], objective=doc["objective"], status=status,
                      n=doc["evaluations"]))
    con.print(_("budget {budget}, lever teams {teams}, total {total}").format(
        budget=fmt_value(doc["budget"], "money"), teams=fmt_value(doc["team_cost"], "money"),
        total=fmt_value(doc["total_cost"], "money")))
    print_tables([plan_view(doc, book), confirmation_view(doc, book)], con)
    if doc.get("binding"):
        con.print(_("bounds the plan sits on: {bounds}").format(
            bounds=escape(binding_words(doc))))
    for note in str(doc.get("message") or "").split("; ")[1:]:  # after the headline
        con.print("[yellow]" + _("note:") + f"[/yellow] {escape(note)}")
    print_tables(extra_views(doc, book), con)


def print_explain(doc: dict[str, Any], console: Any = None,
                  labels: LabelBook | None = None) -> None:
    """Where the plan leaks, the bottleneck team, channel ROI/CAC, marginal returns."""
    print_tables(explain_views(doc, _book(labels)), console or wide_console())


def print_frontier(rows: list[dict[str, Any]], console: Any = None) -> None:
    """Expected profit against its p10, per budget and objective (what safety costs)."""
    print_tables([frontier_view(rows)], console or wide_console())
