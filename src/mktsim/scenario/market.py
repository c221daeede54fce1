"""The market: segments, word of mouth, seasonality, competitors and the choice model."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import BeforeValidator, Field, field_validator

from .base import Label, Section
from .demand import Demand
from .fields import (
    Multiplier,
    Name,
    NonNegative,
    Number,
    Positive,
    PositiveCount,
    RatePerYear,
    Share,
    Weight,
    to_number,
)
from .network import Network


class ChurnBeta(Section):
    """Contractual churn (shifted-beta-geometric): each customer's churn probability per
    renewal period is drawn from Beta(a, b), so churn falls with tenure as the likely
    leavers leave first."""

    a: Positive = Field(le=10_000.0, description="Beta a (e.g. 0.668), at most 10,000.")
    b: Positive = Field(le=10_000.0, description="Beta b (e.g. 3.806), at most 10,000.")
    period_days: Positive = Field(365.0 / 12.0, ge=1.0, le=36_500.0,
                                  description="Days between renewals (1 to 36,500).")
    classes: Annotated[int, BeforeValidator(to_number)] = Field(
        8, ge=1, le=32, description="Latent classes (exact to 2n-1 periods).")


class Segment(Section):
    """A group of exchangeable customers. Rates are hazards per year per person."""

    label: Label | None = Field(None, description="Name shown in tables, charts and reports "
                                "(text, or {en: ..., zh: ...}); the key stays the identifier.")
    share: Share = Field(description="Share of the market's people in this segment (0-1).")
    initial_awareness: Share = Field(0.0, description="Share aware of the brand on day 0.")
    initial_consideration: Share = Field(
        0.0, description="Share considering the brand on day 0 (part of the aware)."
    )
    initial_customers: Share = Field(0.0, description="Share already customers on day 0.")
    initial_loyal: Share = Field(0.0, description="Share already loyal customers on day 0.")
    price_sensitivity: Multiplier = Field(
        1.0, description="Multiplier on the choice model's price weight (1 = average)."
    )
    consideration_per_year: RatePerYear = Field(
        2.0, description="Hazard per year of an aware person starting to consider the brand."
    )
    purchase_per_year: RatePerYear = Field(
        0.4, description="Category purchase hazard per year (1 / replacement cycle in years)."
    )
    repurchase_per_year: RatePerYear = Field(
        0.1, description="Hazard per year of a customer buying another unit from us."
    )
    loyalty_per_year: RatePerYear = Field(
        0.0, description="Hazard per year of a customer becoming a loyal customer."
    )
    churn_per_year: RatePerYear = Field(
        0.0, description="Hazard per year of a customer lapsing (geometric churn)."
    )
    churn_beta: ChurnBeta | None = Field(
        None, description="sBG churn instead of churn_per_year (latent classes)."
    )
    winback_per_year: RatePerYear = Field(
        0.0, description="Hazard per year of a lapsed customer being won back (buys again)."
    )
    channel_affinity: dict[Name, NonNegative] = Field(
        default_factory=dict,
        description="Multiplier on each channel's effect in this segment (default 1).",
    )


class WordOfMouth(Section):
    """Bass diffusion: adoption hazard p + q * (talkers / market size), per year."""

    innovation: RatePerYear = Field(0.0, description="Bass p, per year.")
    imitation: RatePerYear = Field(0.0, description="Bass q, per year.")
    source: Literal["adopters", "customers"] = Field(
        "adopters",
        description="Who talks: everyone who ever adopted (Bass) or current customers only.",
    )


class Seasonality(Section):
    """Multipliers on category purchases by calendar month (January first)."""

    by_month: list[Positive] = Field(
        default_factory=lambda: [1.0] * 12, min_length=12, max_length=12
    )


class CompetitorMove(Section):
    """A competitor's change of price, quality or awareness on a date."""

    on: dt.date
    price: Positive | None = None
    quality: Share | None = None
    awareness: Share | None = None


class Competitor(Section):
    """A rival brand in the choice model."""

    price: Positive = Field(description="Retail price in the scenario's currency.")
    quality: Share = Field(0.5, description="Perceived quality, 0-1.")
    awareness: Share = Field(0.5, description="Share of the market aware of this brand.")
    brand_constant: Number = Field(0.0, description="Utility constant a_j of the brand.")
    moves: list[CompetitorMove] = Field(default_factory=list)


class ChoiceModel(Section):
    """Multinomial logit: U = a + price_weight*P + awareness_weight*A + quality_weight*Q."""

    price_weight: Weight = Field(
        -0.01, description="Utility per unit of currency (negative), scaled by segment."
    )
    awareness_weight: Number = Field(1.0, description="Utility of full awareness (A = 1).")
    quality_weight: Number = Field(2.0, description="Utility of full quality (Q = 1).")
    outside_option: Weight = Field(
        0.0, description="Utility of not buying in the category at all (U_0)."
    )
    loyalty_bonus: Weight = Field(
        1.0, description="Extra utility of our brand for existing customers."
    )


class Market(Section):
    """Who could buy, how they learn of the brand, and who else sells to them."""

    size: PositiveCount = Field(
        le=10_000_000_000, description="People in the addressable market."
    )
    segments: dict[Name, Segment] = Field(min_length=1)
    word_of_mouth: WordOfMouth = Field(default_factory=WordOfMouth)
    awareness_decay_per_year: RatePerYear = Field(
        0.0, description="Hazard per year of an aware person forgetting the brand."
    )
    consideration_decay_per_year: RatePerYear | None = Field(
        None, description="Hazard per year of leaving consideration (default: awareness decay)."
    )
    seasonality: Seasonality = Field(default_factory=Seasonality)
    demand: Demand | None = Field(
        None, description="Drivers of category demand: trend, Fourier season, controls, events.")
    competitors: dict[Name, Competitor] = Field(default_factory=dict)
    choice: ChoiceModel = Field(default_factory=ChoiceModel)
    bass_consistent: bool = Field(
        False,
        description="Aware, considering and buying are one instantaneous step (pure Bass).",
    )
    network: Network | None = None

    @field_validator("size", mode="before")
    @classmethod
    def _size_number(cls, value: object) -> object:
        from .fields import to_number

        return to_number(value)
