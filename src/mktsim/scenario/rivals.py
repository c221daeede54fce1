"""A competitor as an actor: its advertising (which drives its awareness) and its reactions
to what it sees of us (`market.competitors.<name>.advertising` and `.reactions`).

Advertising uses the same cost model, adstock and Hill saturation as our channels
(`company.CostModel`, `company.Adstock`, `company.AwarenessEffect`); its effect is on the
competitor's awareness share, which enters the choice model. Reaction conditions are
expressions of the safe expression language (text here), checked against the
competitors' vocabulary in `rivals_check.py` and compiled by the rivals' loop in
`mktsim.rules.rivals`. See docs/model.md, "Competitors that answer".
"""

from __future__ import annotations

from pydantic import Field, model_validator

from ..i18n import _
from .base import Section
from .company import Adstock, AwarenessEffect, CostModel
from .fields import Count, Days, Money, Name, NonNegative, Probability, RatePerYear, Share


class CompetitorAdvertising(Section):
    """A competitor's media money, spent evenly over the year, and its effect on the
    competitor's awareness: adstock, then Hill saturation, as for our channels."""

    budget_per_year: Money = Field(description="Media money per year, spent evenly by day.")
    cost: CostModel = Field(description="How the money buys exposures (as for a channel).")
    awareness: AwarenessEffect = Field(
        description="Hazard per year at full saturation of an unaware person learning of "
                    "the competitor, and its Hill curve (K, s).")
    adstock: Adstock = Field(default_factory=Adstock)
    forgetting_per_year: RatePerYear = Field(
        0.0, description="Hazard per year of a person aware of the competitor forgetting it.")

    @model_validator(mode="after")
    def _daily_hill(self) -> CompetitorAdvertising:
        """A competitor's advertising is simulated day by day on the Hill curve."""
        if self.awareness.curve != "hill":
            raise ValueError(_("a competitor's advertising uses the hill curve only; "
                               "remove 'awareness.curve'"))
        if self.adstock.step_days != 1:
            raise ValueError(_("a competitor's adstock is carried day by day; remove "
                               "'adstock.step_days'"))
        return self


class CutPrice(Section):
    """Cut the competitor's own price by a share (``share: 5%``)."""

    share: Share


class MatchCut(Section):
    """Follow our price cut on a product: lower the competitor's price by the same amount
    of money as our price paid fell since the competitor last looked (keeps the gap)."""

    product: Name


class RivalPromotion(Section):
    """A temporary price cut of `depth` (share of its price) for `days` days."""

    depth: Share
    days: Days


class RaiseSpend(Section):
    """Raise the competitor's advertising money from now on by a share (``share: 50%``)."""

    share: NonNegative = Field(le=100.0)


REACTION_KINDS = ("cut_price", "match_cut", "promote", "raise_spend")


class ReactionAction(Section):
    """What the competitor does: a mapping with exactly one of the reaction keys."""

    cut_price: CutPrice | None = None
    match_cut: MatchCut | None = None
    promote: RivalPromotion | None = None
    raise_spend: RaiseSpend | None = None

    @model_validator(mode="after")
    def _one(self) -> ReactionAction:
        given = [k for k in REACTION_KINDS if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError(f"give exactly one reaction ({', '.join(REACTION_KINDS)}); "
                             f"got {', '.join(given) or 'none'}")
        return self

    @property
    def kind(self) -> str:
        """The action's key."""
        return next(k for k in REACTION_KINDS if getattr(self, k) is not None)

    @property
    def body(self) -> Section:
        """The action's settings."""
        value = getattr(self, self.kind)
        assert isinstance(value, Section)
        return value


class Reaction(Section):
    """When the condition becomes true at one of the competitor's looks, the competitor
    acts with `probability`, `delay_days` later."""

    name: Name
    description: str = ""
    when: str = Field(min_length=1, description="A condition in the expression language "
                      "(the competitors' functions: docs/scenario.md).")
    then: ReactionAction
    delay_days: Count = Field(14, le=36_500, description="Days between seeing and acting.")
    probability: Probability = Field(1.0, description="Chance of acting each time the "
                                     "condition becomes true.")
    cooldown_days: Count = Field(0, le=36_500, description="After acting, the reaction is "
                                 "not considered for this many days.")
