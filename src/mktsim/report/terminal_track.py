"""Rich tables of a tracked plan: targets given the actuals beside the plan's own."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from ..kpis import KPIS
from ..track import Tracking
from .terminal import fmt_value


def tracking_table(t: Tracking) -> Table:
    """Per target: P(met) given the actuals with its interval, the plan's P(met), and
    on track or behind the linear trajectory at the as-of date."""
    table = Table(title=f"Targets given the actuals to {t.as_of} - strategy "
                        f"{t.conditioned.strategy}")
    table.add_column("target", no_wrap=True)
    for col in ("goal", "P(met) now", "95% interval", "plan's P(met)", "at the as-of date",
                "verdict"):
        table.add_column(col)
    for tt in t.targets:
        v, u, pos = tt.conditional, tt.unconditional, tt.position
        unit = KPIS[v.target.metric].unit
        sign = ">=" if v.direction == "at_least" else "<="
        colour = "green" if v.met else "red"
        where = pos.status
        if pos.status != "not started":
            rel = f" {pos.relative_gap:+.0%}" if pos.relative_gap is not None else ""
            where = f"{pos.status}{rel}"
        table.add_row(v.target.id, f"{v.target.metric} {sign} "
                      f"{fmt_value(v.threshold, unit)}",
                      f"{v.probability:.0%}", f"{v.interval[0]:.0%}-{v.interval[1]:.0%}",
                      f"{u.probability:.0%}", where, f"[{colour}]{v.verdict}[/{colour}]")
    return table


def print_tracking(t: Tracking, console: Console | None = None) -> None:
    """The as-of date, the conditioning and the target table; warnings in yellow."""
    console = console or Console()
    c = t.conditioning
    tempered = "" if c.beta >= 1 else f", tempered beta {c.beta:.3g}"
    console.print(f"as of {t.as_of}: {t.actuals.n_periods} {t.actuals.kind.value}s of "
                  f"actuals; {c.replications} replications conditioned by sequential "
                  f"importance resampling (effective sample size {c.ess:.0f}{tempered})")
    console.print(tracking_table(t))
    for w in t.warnings:
        console.print(f"[yellow]warning:[/yellow] {escape(w)}")
