"""The calibration's terminal tables."""

from __future__ import annotations

from ..calibrate.result import CalibrationResult
from ..i18n import _
from .calibration import FIT_HEADER, PARAMETER_HEADER, draws_lines, fit_rows, parameter_rows
from .terminal_track import period_word


def print_calibration(result: CalibrationResult) -> None:
    """Parameters, fit per series, warnings."""
    from rich.console import Console
    from rich.table import Table

    console = Console()
    console.print(_("{scenario} calibrated to {history}: {periods} {period}s, last "
                    "{holdout} held out, strategy {strategy} ({evaluations} simulations, "
                    "{seconds} s)").format(
        scenario=f"[bold]{result.scenario}[/]", history=result.history,
        periods=result.periods, period=period_word(result.period), holdout=result.holdout,
        strategy=result.strategy, evaluations=result.evaluations,
        seconds=f"{result.seconds:.1f}"))
    for title, header, rows in ((_("Parameters"), PARAMETER_HEADER, parameter_rows(result)),
                                (_("Fit"), FIT_HEADER, fit_rows(result))):
        table = Table(title=title)
        for h in header:
            table.add_column(_(h), overflow="fold")
        for r in rows:
            table.add_row(*r)
        console.print(table)
    from rich.markup import escape

    for line in draws_lines(result):
        console.print(escape(line))
    for w in result.warnings:
        console.print("[yellow]" + _("warning:") + f"[/] {w}")
