"""Strategies: the plans under consideration (budget, mix, timing, price, people)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import Field, model_validator

from .base import Label, Section
from .fields import Days, Headcount, Money, Name, Positive, Share
from .rules import RulesSection

#: twelve month weights, month 1 = the plan's first month
MonthWeights = Annotated[list[Positive], Field(min_length=12, max_length=12)]


class Flighting(Section):
    """Relative weight of spend by month or quarter of the plan's horizon (1 = the month
    of `start_date`), for every channel (`weights`) and per channel (`by_month`: twelve
    month weights of that channel, multiplying `weights`). A channel's money over the
    horizon stays its share of the budget: the weights only move it between months."""

    by: Literal["month", "quarter"] = "month"
    weights: list[Positive] | None = Field(None, min_length=4, max_length=12)
    by_month: dict[Name, MonthWeights] | None = Field(
        None, description="Month weights [12] per channel (month 1 = the plan's first "
        "month); each channel's total money is kept.")

    @model_validator(mode="after")
    def _length(self) -> Flighting:
        if self.weights is None:
            if not self.by_month:
                raise ValueError("flighting needs weights, by_month or both")
            return self
        want = 12 if self.by == "month" else 4
        if len(self.weights) != want:
            got = len(self.weights)
            raise ValueError(f"flighting by {self.by} needs {want} weights, got {got}")
        return self


class Window(Section):
    """Days on which a channel is on air (a campaign, an event)."""

    start: dt.date
    days: Days = 1


class PriceChange(Section):
    """A new list price from a date on."""

    on: dt.date
    product: Name
    price: Positive


class Promotion(Section):
    """A temporary discount on a product."""

    name: str = ""
    product: Name
    start: dt.date
    days: Days
    discount: Share = Field(description="Price cut as a share of list price (0.2 = 20% off).")


class Hire(Section):
    """People joining a team on a date, at the team's new-hire skill."""

    team: Name
    count: Headcount = Field(1, ge=1)
    on: dt.date


class Training(Section):
    """A training programme: raises the team's skill ceiling from a date."""

    team: Name
    on: dt.date
    skill_gain: Share = Field(description="Added to the team's maximum skill (capped at 1).")
    cost: Money = 0.0


class Strategy(Section):
    """One plan. `extends` copies another strategy; keys given here replace its keys."""

    extends: Name | None = None
    label: Label | None = Field(None, description="Name shown in tables, charts and reports "
                                "(text, or {en: ..., zh: ...}); the key stays the identifier.")
    description: str = ""
    budget: Money | None = Field(None, description="Marketing money over the horizon.")
    allocation: dict[Name, Share] | None = Field(
        None, description="Share of the budget by channel; shares sum to 1."
    )
    flighting: Flighting | None = None
    windows: dict[Name, list[Window]] | None = Field(
        None, description="Channels that run only on these days."
    )
    prices: dict[Name, Positive] | None = Field(None, description="List price by product.")
    price_changes: list[PriceChange] | None = None
    promotions: list[Promotion] | None = None
    headcount: dict[Name, Headcount] | None = Field(
        None, description="Day-0 headcount by team."
    )
    hires: list[Hire] | None = None
    training: list[Training] | None = None
    rules: RulesSection | None = Field(None, description="Replace the shared rules.")
