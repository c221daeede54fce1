"""What `mktsim run` prints: the run's terminal tables (``tables.terminal_run``) drawn by
the Rich renderer, with the lines around them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.markup import escape

from ..i18n import _
from .fmt import fmt_value
from .render.rich import print_tables
from .tables.terminal_run import labels_of, run_views

if TYPE_CHECKING:
    from ..simulate.result import RunResult
    from .tables.model import Table

__all__ = ["fmt_value", "labels_of", "print_analysis", "print_run", "uncertainty_note",
           "wide_console"]


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
    print_tables(run_views(result), console)


def print_analysis(tables: list[Table], notes: list[str], console: Any = None) -> None:
    """The tables of a sweep's analysis (`AnalyzeResult.tables()`), then its notes."""
    console = console or wide_console()
    print_tables(tables, console)
    for note in notes:
        console.print(escape(_("note: {note}").format(note=note)))
