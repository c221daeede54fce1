"""Checks of the competitors' advertising and reactions (`market.competitors`): every
condition compiles against the competitors' vocabulary (so an unknown function or product
is reported at load time with the file, the line and the column in the expression), a
product named by `match_cut` exists, and `raise_spend` has advertising to raise."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..expr import ExpressionError, compile_expression
from ..i18n import _
from .rival_vocabulary import reaction_vocabulary

if TYPE_CHECKING:
    from .crosscheck import Checker
    from .market import Competitor


def check_rivals(c: Checker) -> None:
    """Check every competitor's reactions."""
    vocabulary = reaction_vocabulary(c.spec.products)
    for name, comp in c.spec.market.competitors.items():
        names = [r.name for r in comp.reactions]
        for i, reaction in enumerate(comp.reactions):
            path = ("market", "competitors", name, "reactions", i)
            if names.index(reaction.name) != i:
                c.error((*path, "name"), _("two reactions of competitor '{competitor}' are "
                                           "called '{name}'").format(competitor=name,
                                                                     name=reaction.name),
                        _("give each reaction its own name"))
            try:
                compile_expression(reaction.when, vocabulary)
            except ExpressionError as exc:
                c.error((*path, "when"), _("reaction '{name}': {problem}").format(
                    name=reaction.name, problem=exc),
                    _("see docs/scenario.md for the functions reactions can use"))
            _action(c, path, name, comp, reaction.then)


def _action(c: Checker, path: tuple[str | int, ...], name: str, comp: Competitor,
            then: object) -> None:
    kind = getattr(then, "kind", "")
    body = getattr(then, "body", None)
    if kind == "match_cut" and body is not None:
        c.known((*path, "then", kind, "product"), body.product, c.spec.products, "product")
    if kind == "raise_spend" and comp.advertising is None:
        c.error((*path, "then", kind), _("competitor '{competitor}' has no advertising to "
                                         "raise").format(competitor=name),
                _("add market.competitors.{competitor}.advertising or use another "
                  "reaction").format(competitor=name))
