"""Checks of the `rules:` sections (shared and per strategy) and of `information:`.

Every expression is compiled against a vocabulary built from the scenario, so an unknown
KPI, channel, target or team, or anything outside the expression language, is reported
at load time with the file, the line of the rule and the column in the expression.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import TYPE_CHECKING

from ..expr import ExpressionError, Vocabulary, compile_expression
from .pricing import list_prices
from .rule_vocabulary import scenario_vocabulary
from .rules import RulesSection

if TYPE_CHECKING:
    from .crosscheck import Checker
    from .strategy import Strategy

Path = tuple[str | int, ...]

#: Action settings that name something in the scenario, and what they name.
NAMED = {"from": "channel", "channel": "channel", "product": "product", "team": "team"}
PRICE_ACTIONS = ("set_price", "change_price", "promotion")


def check_rules(c: Checker) -> None:
    """Check the shared rules, each strategy's rules, the information settings, and that
    each strategy's planned prices and promotions keep inside its rules' price_bounds."""
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
    check_planned_prices(c)


def check_planned_prices(c: Checker) -> None:
    """Each strategy's planned prices and promotions must keep inside its rules'
    price_bounds (the part of `check_rules` that reads numbers)."""
    spec = c.spec
    for name, strategy in spec.strategies.items():
        effective = strategy.rules if strategy.rules is not None else spec.rules
        if effective is not None and effective.price_bounds:
            _planned_prices(c, name, strategy, effective)


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
        if key == "measure":
            continue  # checked by the schema (a survey measure)
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


def _planned_prices(c: Checker, name: str, strategy: Strategy, section: RulesSection) -> None:
    """The strategy's own prices, price changes and promotions must respect the bounds the
    rules keep to: `price_bounds` is the range the product is ever sold at."""
    spec = c.spec
    start_prices = list_prices(spec, strategy)
    changes = sorted(enumerate(strategy.price_changes or []), key=lambda ic: ic[1].on)
    for product, bounds in section.price_bounds.items():
        if product not in spec.products:
            continue  # reported as an unknown product
        low, high = bounds.min, bounds.max
        where = f"{product} price_bounds {low:g}-{high:g}"
        price = start_prices[product]
        if not low <= price <= high:
            path: Path = (*_defined_in(c, name, "prices"), product) \
                if product in (strategy.prices or {}) else ("products", product, "price")
            c.error(path, f"strategy '{name}': list price {price:g} of {product} is outside "
                    f"{where} of its rules", "change the price or the bounds")
        for i, change in changes:
            if change.product == product and not low <= change.price <= high:
                c.error((*_defined_in(c, name, "price_changes"), i, "price"),
                        f"strategy '{name}': price change on {change.on} to {change.price:g} "
                        f"is outside {where} of its rules", "change the price or the bounds")
        for i, promo in enumerate(strategy.promotions or []):
            if promo.product != product:
                continue
            listed = price
            for _, change in changes:
                if change.product == product and change.on <= promo.start:
                    listed = change.price
            paid = listed * (1.0 - promo.discount)
            if paid < low - 1e-9:
                label = f" '{promo.name}'" if promo.name else ""
                deepest = max(0.0, 1.0 - low / listed)
                c.error((*_defined_in(c, name, "promotions"), i, "discount"),
                        f"strategy '{name}': promotion{label} from {promo.start} "
                        f"({promo.discount:.0%} off {listed:g}) sells {product} at "
                        f"{paid:.2f}, below {where} of its rules",
                        f"cut the discount to at most {math.floor(deepest * 1000) / 10:g}% "
                        f"or lower price_bounds.{product}.min to {math.floor(paid):g}")


def _defined_in(c: Checker, name: str, key: str) -> Path:
    """Where a strategy's `key` is written: in the strategy, or else in the strategy it
    extends that holds the same value (so the error points at a line of the file)."""
    own = ("strategies", name, key)
    if own in c.locs:
        return own
    value = getattr(c.spec.strategies[name], key)
    for other, strategy in c.spec.strategies.items():
        if ("strategies", other, key) in c.locs and getattr(strategy, key) == value:
            return ("strategies", other, key)
    return own
