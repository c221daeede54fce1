"""Promotions that borrow from next month (`market.promotion_response`): the share of a
promotion's extra sales that are purchases moved forward (stockpiling and acceleration),
repaid by a dip after the promotion over `dip_weeks` weeks.

Of the rest, `switching` (a share of the whole extra) is taken from competitors (brand
switching) and what is left is category expansion (people who would not have bought in
the category); `switching: logit` leaves that split to the choice model. Without this
section promotions borrow nothing (as before); with `promotion_response: {}` the published
defaults below apply. See docs/model.md,
"Promotions that borrow".
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BeforeValidator, Field, model_validator

from .base import Section
from .fields import to_number

#: The published default share of a promotion's extra sales moved forward in time: about
#: one third (van Heerde, Leeflang & Wittink 2004, "Decomposing the sales promotion bump
#: with store data", Marketing Science 23(3): cross-brand, cross-period and category
#: expansion effects each about one third of the bump).
MOVED_FORWARD_DEFAULT = 1.0 / 3.0
#: The published default share of a promotion's extra sales taken from competitors (brand
#: switching), the same study: about one third; category expansion is the remaining third.
SWITCHING_DEFAULT = 1.0 / 3.0
#: Weeks over which the dip repays the moved purchases (an assumption: a month, the
#: usual inter-purchase time of the packaged goods those studies cover).
DIP_WEEKS_DEFAULT = 4


def _switching(value: object) -> object:
    """`logit` (the choice model splits the rest) as None, anything else a number."""
    if isinstance(value, str) and value.strip().lower() == "logit":
        return None
    return to_number(value)


class PromotionResponse(Section):
    """How much of a promotion's extra sales is borrowed from later, and how fast the dip
    after it repays them."""

    moved_forward: Annotated[float, BeforeValidator(to_number)] = Field(
        MOVED_FORWARD_DEFAULT, ge=0.0, le=0.9,
        description="Share of the promotion's extra sales that are purchases moved forward "
                    "(0-0.9; default 1/3, van Heerde, Leeflang & Wittink 2004).")
    switching: Annotated[float | None, BeforeValidator(_switching)] = Field(
        SWITCHING_DEFAULT, ge=0.0, le=1.0,
        description="Share of the promotion's extra sales taken from competitors (brand "
                    "switching; default 1/3, van Heerde, Leeflang & Wittink 2004); the "
                    "rest after the moved share is category expansion; `logit`: the "
                    "choice model splits them.")
    dip_weeks: Annotated[int, BeforeValidator(to_number)] = Field(
        DIP_WEEKS_DEFAULT, ge=1, le=52,
        description="Weeks after the promotion over which the moved purchases are repaid.")

    @model_validator(mode="after")
    def _parts_fit(self) -> PromotionResponse:
        if self.switching is not None and self.moved_forward + self.switching > 1.0:
            raise ValueError("moved_forward + switching is the share of the extra sales they "
                             "explain: at most 1 (category expansion is the rest)")
        return self

    @property
    def switching_share(self) -> float | None:
        """The brand-switching share, or None when the choice model splits the rest."""
        return self.switching
