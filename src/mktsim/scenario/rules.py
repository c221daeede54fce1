"""The feedback loop in a scenario: review cadence, when/then rules, guardrails, and the
market information system that decides what the rules can see.

Expressions (conditions and computed settings) are text here; they are compiled and
checked against the scenario's names in `rules_check.py`, kept as text in the Plan
(`model/review_plan.py`) and compiled by the review loop (`mktsim.rules.compiled`).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import BeforeValidator, Field, model_validator

from .base import Section
from .fields import Count, Days, Money, Name, Number, Positive, PositiveCount, to_number

#: A setting given as a number (``0.25``, ``25%``) or as an expression (``"0.5 if ... else 0.2"``).
NumberOrExpression = Annotated[Number | str, BeforeValidator(to_number)]
"""A number (bounded as `fields.Number`) or an expression evaluated at each review."""

#: KPIs observed through consumer surveys (binomial sampling noise).
SURVEY_MEASURES = ("brand_awareness", "consideration")


class Review(Section):
    """When the plan is reviewed: every N days (first review on day N), or on given dates."""

    every_days: Days | None = None
    dates: list[dt.date] | None = None

    @model_validator(mode="after")
    def _one(self) -> Review:
        if (self.every_days is None) == (self.dates is None):
            raise ValueError("give exactly one of every_days or dates")
        return self


class ShiftBudget(Section):
    """Move future planned money from one channel to another (a name or an expression
    such as ``best_channel('roi')``), as a share of what is left or as an amount."""

    from_channel: Name = Field(alias="from")
    to: str = Field(min_length=1)
    share: NumberOrExpression | None = None
    amount: NumberOrExpression | None = None

    @model_validator(mode="after")
    def _one(self) -> ShiftBudget:
        if (self.share is None) == (self.amount is None):
            raise ValueError("give exactly one of share or amount")
        return self


class SetPrice(Section):
    """A new list price (kept inside price_bounds)."""

    product: Name
    price: NumberOrExpression


class ChangePrice(Section):
    """Change the list price by a share (``by: -10%``), kept inside price_bounds."""

    product: Name
    by: NumberOrExpression


class RulePromotion(Section):
    """A temporary discount of `depth` (share of list price) for `days` days."""

    product: Name
    depth: NumberOrExpression
    days: NumberOrExpression


class ChannelRef(Section):
    """A channel to pause or resume."""

    channel: Name


class RuleHire(Section):
    """People joining a team after the team's hiring delay."""

    team: Name
    count: NumberOrExpression = 1


class RuleTraining(Section):
    """A training programme: raises the team's skill ceiling; its cost comes out of the
    remaining marketing budget."""

    team: Name
    skill_gain: NumberOrExpression
    cost: Money = 0.0


class RuleResearch(Section):
    """Commission a market research study from the review day on: a larger survey sample
    for one measure for `days` days, paid from the remaining marketing budget (skipped when
    too little is left)."""

    measure: Literal["brand_awareness", "consideration"]
    sample_size: PositiveCount
    days: Days
    cost: Money = 0.0


ACTION_KINDS = ("shift_budget", "set_price", "change_price", "promotion", "pause", "resume",
                "hire", "train", "research")


class Action(Section):
    """One action: a mapping with exactly one of the action keys."""

    shift_budget: ShiftBudget | None = None
    set_price: SetPrice | None = None
    change_price: ChangePrice | None = None
    promotion: RulePromotion | None = None
    pause: ChannelRef | None = None
    resume: ChannelRef | None = None
    hire: RuleHire | None = None
    train: RuleTraining | None = None
    research: RuleResearch | None = None

    @model_validator(mode="after")
    def _one(self) -> Action:
        given = [k for k in ACTION_KINDS if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError(f"give exactly one action ({', '.join(ACTION_KINDS)}); "
                             f"got {', '.join(given) or 'none'}")
        return self

    @property
    def kind(self) -> str:
        """The action's key."""
        return next(k for k in ACTION_KINDS if getattr(self, k) is not None)

    @property
    def body(self) -> Section:
        """The action's settings."""
        value = getattr(self, self.kind)
        assert isinstance(value, Section)
        return value


class Rule(Section):
    """When the condition holds at a review, carry out the actions in order."""

    name: Name
    description: str = ""
    when: str = Field(min_length=1, description="A condition in the expression language.")
    then: list[Action] = Field(min_length=1)
    cooldown_days: Count = Field(
        0, description="After the rule has acted, it is not checked again for this many days.")


class PriceBounds(Section):
    """The lowest and highest price the rules may set (promotions included)."""

    min: Positive
    max: Positive

    @model_validator(mode="after")
    def _order(self) -> PriceBounds:
        if self.min > self.max:
            raise ValueError(f"min {self.min:g} is above max {self.max:g}")
        return self


class RulesSection(Section):
    """The review cadence, the ordered rules and the guardrails."""

    review: Review
    max_actions_per_review: PositiveCount = 2
    price_bounds: dict[Name, PriceBounds] = Field(default_factory=dict)
    when_then: list[Rule] = Field(default_factory=list)


class Survey(Section):
    """Consumer surveys behind awareness and consideration: observed share =
    Binomial(sample_size, true share) / sample_size, fielded `lag_days` before the review."""

    sample_size: PositiveCount = 400
    lag_days: Count = 14


class ResearchStudy(Section):
    """A market research study: a larger sample for one survey measure for a period,
    paid from the remaining marketing budget when it starts."""

    measure: Literal["brand_awareness", "consideration"]
    start: dt.date
    days: Days
    sample_size: PositiveCount
    cost: Money = 0.0


class Information(Section):
    """What the reviews can see, and how late and noisy it is."""

    report_lag_days: Count = Field(7, description="Internal reports (sales, cost) arrive late.")
    survey: Survey = Field(default_factory=Survey)
    intelligence_delay_days: Count = Field(
        30, description="Competitor moves and market share are known this late.")
    research: list[ResearchStudy] = Field(default_factory=list)
