"""Checks of the `rules:` sections (shared and per strategy) and of `information:`.

Every expression is compiled against a vocabulary built from the scenario, so an unknown
KPI, channel, target or team, or anything outside the expression language, is reported
at load time with the file, the line of the rule and the column in the expression.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from ..rules.compiled import scenario_vocabulary
from ..rules.expr import ExpressionError, Vocabulary, compile_expression
from .rules import RulesSection

if TYPE_CHECKING:
    from .crosscheck import Checker

Path = tuple[str | int, ...]

#: Action settings that name something in the scenario, and what they name.
NAMED = {"from": "channel", "channel": "channel", "product": "product", "team": "team"}
PRICE_ACTIONS = ("set_price", "change_price", "promotion")


def check_rules(c: Checker) -> None:
    """Check the shared rules, each strategy's rules, and the information settings."""
    spec = c.spec
    sections: list[tuple[Path, RulesSection]] = []
    if spec.rules is not None:
        sections.append((("rules",), spec.rules))
    for name, strategy in spec.strategies.items():
        if strategy.rules is not None:
            sections.append((("strategies", name, "rules"), strategy.rules))
    if sections:
        vocabulary = scenario_vocabulary(spec)
        for base, section in sections:
            _section(c, base, section, vocabulary)
    for i, study in enumerate(spec.information.research):
        c.in_horizon(("information", "research", i, "start"), study.start)


def _section(c: Checker, base: Path, section: RulesSection, vocabulary: Vocabulary) -> None:
    for date_index, date in enumerate(section.review.dates or []):
        c.in_horizon((*base, "review", "dates", date_index), date)
    for product in section.price_bounds:
        c.known((*base, "price_bounds", product), product, c.spec.products, "product")
    for i, rule in enumerate(section.when_then):
        path = (*base, "when_then", i)
        _expression(c, (*path, "when"), rule.when, vocabulary, f"rule '{rule.name}'")
        for j, action in enumerate(rule.then):
            _action(c, (*path, "then", j, action.kind), action.kind,
                    action.body.model_dump(by_alias=True), section, vocabulary)


def _action(c: Checker, path: Path, kind: str, body: dict[str, object], section: RulesSection,
            vocabulary: Vocabulary) -> None:
    choices: dict[str, Iterable[str]] = {
        "channel": c.spec.channels, "product": c.spec.products, "team": c.spec.teams}
    for key, value in body.items():
        if key in NAMED and isinstance(value, str):
            c.known((*path, key), value, choices[NAMED[key]], NAMED[key])
        elif key == "to" and isinstance(value, str) and value not in c.spec.channels:
            _expression(c, (*path, key), value, vocabulary, "destination")
        elif isinstance(value, str) and key != "to":
            _expression(c, (*path, key), value, vocabulary, key)
    product = body.get("product")
    if kind in PRICE_ACTIONS and isinstance(product, str) and product in c.spec.products \
            and product not in section.price_bounds:
        c.error((*path, "product"), f"{kind} on '{product}' needs price bounds",
                f"add price_bounds: {{{product}: {{min: ..., max: ...}}}} to the rules")


def _expression(c: Checker, path: Path, text: str, vocabulary: Vocabulary, what: str) -> None:
    try:
        compile_expression(text, vocabulary)
    except ExpressionError as exc:
        c.error(path, f"{what}: {exc}", "see docs/rules.md for the functions rules can use")
