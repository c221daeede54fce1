"""Rich tables of a tracked plan: targets given the actuals beside the plan's own."""

from __future__ import annotations

from typing import Any

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
    if t.reoptimization is not None:
        from ..track.document import reoptimize_document

        print_reoptimization(reoptimize_document(t.reoptimization).to_dict(), console)


def change_table(doc: dict[str, Any]) -> Table:
    """Money per channel and people per lever team after the as-of date: plan -> new."""
    table = Table(title=f"What changes from {doc['first_day']} on (strategy "
                        f"{doc['strategy']} -> reoptimized)")
    for col in ("lever", "spent to date", "planned after", "new plan after", "change"):
        table.add_column(col, justify="left" if col == "lever" else "right")
    for c in doc["channels"]:
        table.add_row(c["channel"], fmt_value(c["spent"], "money"),
                      fmt_value(c["before"], "money"), fmt_value(c["after"], "money"),
                      _signed(c["change"]))
    rem = doc["remaining"]
    table.add_row("[bold]media money[/bold]", fmt_value(rem["spent"], "money"),
                  fmt_value(rem["before"], "money"), fmt_value(rem["after"], "money"),
                  _signed(rem["after"] - rem["before"]))
    for h in doc["headcount"]:
        table.add_row(f"{h['team']} (people)", "", str(h["before"]), str(h["after"]),
                      f"{h['hires']:+d}")
    return table


def change_targets_table(doc: dict[str, Any]) -> Table:
    """Per target: P(met) given the actuals under the plan and under the new plan (fresh
    replications), each with its 95% interval."""
    table = Table(title="Targets given the actuals: plan -> new plan (verified on "
                        f"{doc['verified']['replications']} fresh replications)")
    for col in ("target", "confidence", "plan P(met)", "new P(met)", "verdict"):
        table.add_column(col)
    for t in doc["targets"]:
        before, after = t["before"], t["after"]
        if after is None:
            table.add_row(t["id"], f"{t['confidence']:.0%}", _p(before), "-",
                          "deadline before the as-of date")
            continue
        verdict = "[green]met[/green]" if t["met"] else \
            f"[red]short by {t['shortfall']:.0%}[/red]"
        table.add_row(t["id"], f"{t['confidence']:.0%}", _p(before), _p(after), verdict)
    return table


def print_reoptimization(doc: dict[str, Any], console: Console | None = None) -> None:
    """The change of plan, its cost, the targets before and after, and the message."""
    console = console or Console()
    console.print(change_table(doc))
    cost = doc["cost_of_change"]
    console.print(f"cost of the change: {_signed(cost['total'])} (media "
                  f"{_signed(cost['media'])}, people {_signed(cost['people'])})")
    console.print(change_targets_table(doc))
    colour = "green" if doc["reached"] else "yellow"
    console.print(f"[{colour}]{escape(doc['message'])}[/{colour}]")


def _p(side: dict[str, Any]) -> str:
    low, high = side["interval"]
    return f"{side['probability']:.0%} ({low:.0%}-{high:.0%})"


def _signed(value: float) -> str:
    return ("+" if value > 0 else "") + fmt_value(value, "money")
