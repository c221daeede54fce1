"""The functions and values that review rules may use, and the vocabulary that checks them.

Each function reads the *observed* state of the plan at a review (see observe.py);
the descriptions here are shown in error messages and in docs/rules.md.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from ..expr import NUMBER, FunctionSpec, Vocabulary
from ..kpis import KPI_NAMES

if TYPE_CHECKING:
    from .model import ScenarioSpec

#: Measures by which `best_channel` ranks channels.
CHANNEL_MEASURES = ("roi", "cac", "new_customers")

FUNCTIONS: tuple[FunctionSpec, ...] = (
    FunctionSpec("kpi", 1, 1, ("kpi",), "latest observed value (flows: total to date)"),
    FunctionSpec("trend", 2, 2, ("kpi", NUMBER),
                 "relative change over the last N days (flows: last N days vs the N before)"),
    FunctionSpec("target", 1, 1, ("target",), "the target's threshold"),
    FunctionSpec("gap", 1, 1, ("target",),
                 "how far the observed value is short of the threshold (<= 0: reached)"),
    FunctionSpec("on_track", 1, 1, ("target",),
                 "observed value is on the straight line from the start to the threshold"),
    FunctionSpec("roi", 1, 1, ("channel",),
                 "last-touch (attributed margin - spend) / spend, to date"),
    FunctionSpec("cac", 1, 1, ("channel",), "spend / new customers, to date"),
    FunctionSpec("spend", 1, 1, ("channel",), "money spent on the channel, to date"),
    FunctionSpec("best_channel", 1, 2, ("measure", "channel"),
                 "the running channel with the best measure (optionally leaving one out)"),
    FunctionSpec("backlog", 1, 1, ("team",), "leads (and complaints) waiting for the team"),
    FunctionSpec("utilisation", 1, 1, ("team",),
                 "work arriving per day / capacity per day, since the last review"),
    FunctionSpec("budget_left", 0, 0, (), "planned marketing money not yet spent"),
    FunctionSpec("price", 1, 1, ("product",), "our list price now"),
    FunctionSpec("competitor_price", 1, 1, ("competitor",),
                 "a competitor's price, as known by market intelligence"),
    FunctionSpec("competitor_awareness", 1, 1, ("competitor",),
                 "a competitor's awareness share, as the consumer survey saw it"),
)

#: Bare values: the review's day index (0 = start_date).
NAMES = frozenset({"day"})


def rule_vocabulary(channels: Iterable[str], kpis: Iterable[str], targets: Iterable[str],
                    teams: Iterable[str], products: Iterable[str],
                    competitors: Iterable[str]) -> Vocabulary:
    """The vocabulary of one scenario's rules."""
    return Vocabulary(
        functions={f.name: f for f in FUNCTIONS},
        names=NAMES,
        symbols={"channel": frozenset(channels), "kpi": frozenset(kpis),
                 "target": frozenset(targets), "team": frozenset(teams),
                 "product": frozenset(products), "competitor": frozenset(competitors),
                 "measure": frozenset(CHANNEL_MEASURES)},
    )


def scenario_vocabulary(spec: ScenarioSpec) -> Vocabulary:
    """The names a scenario's rules may use."""
    return rule_vocabulary(spec.channels, KPI_NAMES, [t.id for t in spec.targets], spec.teams,
                           spec.products, spec.market.competitors)
