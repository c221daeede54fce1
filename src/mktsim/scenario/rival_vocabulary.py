"""The functions a competitor's reaction conditions may use (`market.competitors.<name>.
reactions[].when`), and the vocabulary that checks them.

Every function reads what the competitor *observes* of us at one of its looks, through the
market information system: our prices, promotions and launches as of
`information.intelligence_delay_days` before the look, our market share as market
intelligence reports it. The competitor's own price and awareness it knows exactly.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..expr import FunctionSpec, Vocabulary

FUNCTIONS: tuple[FunctionSpec, ...] = (
    FunctionSpec("price", 1, 1, ("product",),
                 "the price paid for our product (list price less our promotion), as known"),
    FunctionSpec("list_price", 1, 1, ("product",), "our product's list price, as known"),
    FunctionSpec("promoting", 1, 1, ("product",), "our promotion on the product runs, as known"),
    FunctionSpec("launched", 1, 1, ("product",), "our product is on sale, as known"),
    FunctionSpec("price_cut", 1, 1, ("product",),
                 "share by which the price paid for our product fell since the previous look "
                 "(0 when it did not fall)"),
    FunctionSpec("our_share", 0, 0, (), "our market share (units, to date), as known"),
    FunctionSpec("own_price", 0, 0, (), "the competitor's own price now"),
    FunctionSpec("own_awareness", 0, 0, (), "the competitor's own awareness share now"),
)

#: Bare values: the look's day index (0 = start_date).
NAMES = frozenset({"day"})


def reaction_vocabulary(products: Iterable[str]) -> Vocabulary:
    """The vocabulary of one scenario's competitor reactions."""
    return Vocabulary(functions={f.name: f for f in FUNCTIONS}, names=NAMES,
                      symbols={"product": frozenset(products)})
