"""Promotions that borrow from next month (`market.promotion_response`): the share of a
promotion's extra sales that are purchases moved forward (stockpiling and acceleration),
repaid by a dip after the promotion over `dip_weeks` weeks.

The rest of the extra sales comes from the choice model: brand switching (units taken from
competitors) and category expansion (people who would not have bought in the category),
split by the logit. Without this section promotions borrow nothing (as before); with
`promotion_response: {}` the published default below applies. See docs/model.md,
"Promotions that borrow".
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BeforeValidator, Field

from .base import Section
from .fields import to_number

#: The published default share of a promotion's extra sales moved forward in time: about
#: one third (van Heerde, Leeflang & Wittink 2004, "Decomposing the sales promotion bump
#: with store data", Marketing Science 23(3): cross-brand, cross-period and category
#: expansion effects each about one third of the bump).
MOVED_FORWARD_DEFAULT = 1.0 / 3.0
#: Weeks over which the dip repays the moved purchases (an assumption: a month, the
#: usual inter-purchase time of the packaged goods those studies cover).
DIP_WEEKS_DEFAULT = 4


class PromotionResponse(Section):
    """How much of a promotion's extra sales is borrowed from later, and how fast the dip
    after it repays them."""

    moved_forward: Annotated[float, BeforeValidator(to_number)] = Field(
        MOVED_FORWARD_DEFAULT, ge=0.0, le=0.9,
        description="Share of the promotion's extra sales that are purchases moved forward "
                    "(0-0.9; default 1/3, van Heerde, Leeflang & Wittink 2004).")
    dip_weeks: Annotated[int, BeforeValidator(to_number)] = Field(
        DIP_WEEKS_DEFAULT, ge=1, le=52,
        description="Weeks after the promotion over which the moved purchases are repaid.")
