"""The functions of the rule language as a review reads them (`RULE_FUNCTIONS`), and the
expression environment of one replication at one review (`ReviewEnvironment`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ..expr import ExpressionError, Value

if TYPE_CHECKING:
    from .review import Review


class ReviewEnvironment:
    """The functions of the rule language, reading one replication at one review."""

    def __init__(self, review: Review, day: int) -> None:
        self.r, self.day = review, day

    def lookup(self, name: str) -> Value:
        """Bare values."""
        if name == "day":
            return float(self.day)
        raise ExpressionError(f"no value for name {name!r}")

    def call(self, name: str, args: tuple[Value, ...]) -> Value:
        """Functions of the rule language (`scenario/rule_vocabulary.py` lists them)."""
        function = RULE_FUNCTIONS.get(name)
        if function is None:
            raise ExpressionError(f"no implementation for function {name!r}")
        return function(self.r, self.day, [str(x) if isinstance(x, str) else x for x in args])


RuleFunction = Callable[["Review", int, list[Any]], Value]


def _target_function(name: str) -> RuleFunction:
    return lambda r, day, a: r.target_function(name, str(a[0]), day)


def _channel_measure(name: str) -> RuleFunction:
    return lambda r, day, a: r.channel_measure(name, r.channels.index(str(a[0])))


#: The rule language's functions by name: a new function is one entry here (and one in
#: `scenario.rule_vocabulary`, which types and checks its arguments).
RULE_FUNCTIONS: dict[str, RuleFunction] = {
    "kpi": lambda r, day, a: r.observer.kpi(str(a[0]), day),
    "trend": lambda r, day, a: r.observer.trend(str(a[0]), day, int(float(a[1]))),
    **{name: _target_function(name) for name in ("target", "gap", "on_track")},
    **{name: _channel_measure(name) for name in ("roi", "cac", "spend")},
    "best_channel": lambda r, day, a: r.best_channel(str(a[0]), day,
                                                     str(a[1]) if len(a) > 1 else None),
    "backlog": lambda r, day, a: r.backlog(r.rep.plan.teams.index(str(a[0]))),
    "utilisation": lambda r, day, a: r.utilisation(r.rep.plan.teams.index(str(a[0])), day),
    "budget_left": lambda r, day, a: r.actions.budget_left(day),
    "price": lambda r, day, a: r.rep.list_price(r.rep.plan.products.index(str(a[0]))),
    "competitor_price": lambda r, day, a: r.competitor_price(str(a[0]), day),
    "competitor_awareness": lambda r, day, a: r.competitor_awareness(str(a[0]), day),
}
