"""What `mktsim calibrate` prints: the calibration's tables (``tables.calibrate``) drawn by
the Rich renderer, the posterior draws and the warnings."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.console import Console
from rich.markup import escape

from ..i18n import _
from .calibration import draws_lines
from .render.rich import print_tables
from .tables.calibrate import calibration_tables
from .terminal_track import period_word

if TYPE_CHECKING:
    from ..calibrate.result import CalibrationResult


def print_calibration(result: CalibrationResult) -> None:
    """Parameters, fit per series, warnings."""
    console = Console()
    console.print(_("{scenario} calibrated to {history}: {periods} {period}s, last "
                    "{holdout} held out, strategy {strategy} ({evaluations} simulations, "
                    "{seconds} s)").format(
        scenario=f"[bold]{result.scenario}[/]", history=result.history,
        periods=result.periods, period=period_word(result.period), holdout=result.holdout,
        strategy=result.strategy, evaluations=result.evaluations,
        seconds=f"{result.seconds:.1f}"))
    if result.choice is not None:
        from ..calibrate.choice import choice_line

        console.print(escape(choice_line(result.choice)))
    print_tables(calibration_tables(result), console)
    for line in draws_lines(result):
        console.print(escape(line))
    for w in result.warnings:
        console.print("[yellow]" + _("warning:") + f"[/] {w}")
