"""The calibration's terminal tables."""

from __future__ import annotations

from ..calibrate.result import CalibrationResult
from .calibration import FIT_HEADER, PARAMETER_HEADER, draws_lines, fit_rows, parameter_rows


def print_calibration(result: CalibrationResult) -> None:
    """Parameters, fit per series, warnings."""
    from rich.console import Console
    from rich.table import Table

    console = Console()
    console.print(f"[bold]{result.scenario}[/] calibrated to {result.history}: "
                  f"{result.periods} {result.period}s, last {result.holdout} held out, "
                  f"strategy {result.strategy} ({result.evaluations} simulations, "
                  f"{result.seconds:.1f} s)")
    for title, header, rows in (("Parameters", PARAMETER_HEADER, parameter_rows(result)),
                                ("Fit", FIT_HEADER, fit_rows(result))):
        table = Table(title=title)
        for h in header:
            table.add_column(h, overflow="fold")
        for r in rows:
            table.add_row(*r)
        console.print(table)
    from rich.markup import escape

    for line in draws_lines(result):
        console.print(escape(line))
    for w in result.warnings:
        console.print(f"[yellow]warning:[/] {w}")
