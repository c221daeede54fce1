"""The company: products, marketing channels, teams, organisation and CRM."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field, model_validator

from ..i18n import _
from .base import Label, Section
from .fields import (
    Amount,
    Count,
    Days,
    Headcount,
    Money,
    Multiplier,
    Name,
    NonNegative,
    Number,
    Positive,
    PositiveCount,
    Probability,
    RatePerYear,
    Shape,
    Share,
)


class Pricing(Section):
    """How the list price is set. `fixed` uses `price`; the others derive it."""

    method: Literal["fixed", "cost_plus", "demand", "competition"] = "fixed"
    markup: NonNegative | None = Field(None, description="cost_plus: P = unit_cost*(1+markup).")
    elasticity: Number | None = Field(
        None, description="demand: constant elasticity e < -1; P = c*e/(1+e)."
    )
    difference: Number | None = Field(
        None, description="competition: P = mean competitor price * (1 + difference)."
    )

    @model_validator(mode="after")
    def _needs(self) -> Pricing:
        need = {"cost_plus": "markup", "demand": "elasticity", "competition": "difference"}
        key = need.get(self.method)
        if key and getattr(self, key) is None:
            raise ValueError(f"pricing method '{self.method}' needs '{key}'")
        if self.method == "demand" and self.elasticity is not None and self.elasticity >= -1:
            raise ValueError("demand pricing needs an elasticity below -1 (e.g. -2.62)")
        return self


class Product(Section):
    """One of our products. Money in the scenario's currency, per unit."""

    label: Label | None = Field(None, description="Name shown in tables, charts and reports "
                                "(text, or {en: ..., zh: ...}); the key stays the identifier.")
    price: Amount | None = Field(None, description="Retail list price per unit.")
    unit_cost: NonNegative = Field(description="Cost of goods per unit sold.")
    quality: Share = Field(0.5, description="Perceived quality, 0-1.")
    brand_constant: Number = Field(0.0, description="Utility constant a_j of the product.")
    launch: dt.date | None = Field(None, description="First day on sale (default: start).")
    pricing: Pricing = Field(default_factory=Pricing)

    @model_validator(mode="after")
    def _price(self) -> Product:
        if self.pricing.method == "fixed" and self.price is None:
            raise ValueError("a product with fixed pricing needs a 'price'")
        return self


class CostModel(Section):
    """How money buys exposures. `model` picks which fields apply."""

    model: Literal["cpm", "cpc", "fixed", "fee_per_post", "commission"]
    cpm: Amount | None = Field(None, description="Money per 1,000 impressions.")
    cpc: Amount | None = Field(None, description="Money per click.")
    cost_per_month: Amount | None = Field(
        None, description="fixed: money per site (store, stand) per month."
    )
    visitors_per_day: Amount | None = Field(
        None, description="fixed: people one site reaches per day."
    )
    fee_per_post: Amount | None = Field(None, description="Influencer fee per post.")
    impressions_per_post: Amount | None = Field(None, description="Views of one post.")
    commission: Share = Field(0.0, description="Share of the channel's sales paid on top.")

    @model_validator(mode="after")
    def _needs(self) -> CostModel:
        need = {
            "cpm": ("cpm",),
            "cpc": ("cpc",),
            "fixed": ("cost_per_month", "visitors_per_day"),
            "fee_per_post": ("fee_per_post", "impressions_per_post"),
            "commission": ("cpm", "commission"),
        }[self.model]
        missing = [k for k in need if getattr(self, k) in (None, 0.0)]
        if missing:
            raise ValueError(f"cost model '{self.model}' needs {', '.join(missing)}")
        return self

    def exposures_per_money(self) -> float:
        """Exposures (impressions, clicks or visitors) bought by one unit of money."""
        if self.model in ("cpm", "commission"):
            return 1000.0 / float(self.cpm or 1.0)
        if self.model == "cpc":
            return 1.0 / float(self.cpc or 1.0)
        if self.model == "fixed":
            per_day = float(self.cost_per_month or 1.0) * 12.0 / 365.0
            return float(self.visitors_per_day or 0.0) / per_day
        return float(self.impressions_per_post or 0.0) / float(self.fee_per_post or 1.0)


class Response(Section):
    """Saturation of adstocked exposures per person per day x, 0 at 0 and half at K:
    hill x^s / (x^s + K^s) (bends at once), logistic (1 - 3^(-x/K)) / (1 + 3^(-x/K))
    (PyMC-Marketing's, straight near zero) or exponential 1 - 2^(-x/K) (concave from zero
    on, its bend near zero about a third of hill's)."""

    half_saturation: Positive = Field(
        description="K: adstocked exposures per person per day giving half the effect."
    )
    shape: Shape = Field(1.0, description="s: <= 1 concave, > 1 S-shaped (at most 10); "
                         "hill only.")
    curve: Literal["hill", "logistic", "exponential"] = Field(
        "hill", description="hill bends from zero on; logistic is straight near zero "
        "(linear at first, then saturates); exponential bends from zero on, about a third "
        "as much as hill; K means the same in all.")

    @model_validator(mode="after")
    def _shape_of_hill(self) -> Response:
        if self.curve != "hill" and self.shape != 1.0:
            raise ValueError(_("'shape' belongs to the hill curve only; remove it or set "
                               "'curve: hill' (the {curve} curve has no shape)"
                               ).format(curve=self.curve))
        return self


class AwarenessEffect(Response):
    """Effect on awareness: hazard per year at full saturation."""

    per_year: RatePerYear = Field(description="Awareness hazard per year at full saturation.")


class ConversionEffect(Response):
    """Effect on buying: relative lift of the purchase hazard at full saturation."""

    lift: NonNegative = Field(description="Lift of considering people's purchase hazard (1 = x2).")


class Adstock(Section):
    """Geometric carryover S_t = x_t + theta * S_{t-1}, theta = retention_per_week^(1/7);
    stepped (`step_days` n > 1): once per step of n days, theta = retention_per_week^(n/7),
    x the step's mean exposures per person per day, S held over the step's days."""

    retention_per_week: Share = Field(0.0, description="Share of effect kept after a week.")
    normalize: bool = Field(
        False, description="Scale by (1 - theta) so the weights sum to 1 (Meridian style)."
    )
    step_days: PositiveCount = Field(
        1, le=366, description="Days of one carry-over step: 1 daily; 7 weekly, as a "
        "weekly marketing-mix model carries a week's effect (its own week in full, the "
        "rest from the next week on).")
    initial: NonNegative = Field(
        0.0, description="Carried-over stock S on the day before day 0, in adstocked "
        "exposures per person (the unit of half_saturation); 0: no earlier media.")


class Channel(Section):
    """A marketing channel: online, offline or direct."""

    label: Label | None = Field(None, description="Name shown in tables, charts and reports "
                                "(text, or {en: ..., zh: ...}); the key stays the identifier.")
    type: Literal["online", "offline", "direct"]
    department: Name | None = Field(None, description="Department that runs the channel.")
    cost: CostModel
    awareness: AwarenessEffect | None = None
    conversion: ConversionEffect | None = None
    adstock: Adstock = Field(default_factory=Adstock)
    synergy_with: dict[Name, NonNegative] = Field(
        default_factory=dict,
        description="kappa: extra awareness hazard per year when both are saturated.",
    )
    capacity_per_day: Positive | None = Field(
        None, description="Most sales or leads the channel can take in a day."
    )
    team: Name | None = Field(None, description="Team that answers the channel's leads.")


class Skill(Section):
    """Learning curve skill(t) = max - (max - start) * exp(-t / ramp_days)."""

    initial: Share = Field(1.0, description="Skill of the staff on day 0 (0-1).")
    new_hire: Share = Field(0.5, description="Skill of a new hire on arrival.")
    max: Share = Field(1.0, description="Skill once fully trained.")
    ramp_days: Positive = Field(25.0, description="Time constant tau of the learning curve.")


class Team(Section):
    """People who answer leads or complaints. Capacity is work items per day."""

    label: Label | None = Field(None, description="Name shown in tables, charts and reports "
                                "(text, or {en: ..., zh: ...}); the key stays the identifier.")
    department: Name | None = None
    headcount: Headcount = Field(description="People on day 0 (at most 100,000).")
    capacity_per_person_per_day: Positive = Field(
        description="Leads or tickets one fully skilled person handles per day."
    )
    cost_per_person_per_month: Money = Field(0.0, description="Salary and overhead.")
    skill: Skill = Field(default_factory=Skill)
    attrition_per_year: RatePerYear = Field(0.0, description="Leaving hazard per person.")
    hiring_delay_days: Count = Field(30, description="Days until a leaver is replaced.")
    replace_leavers: bool = True
    patience_days: Days = Field(3, description="Days a lead or ticket waits before it is lost.")
    close_rate: Probability = Field(0.3, description="Share of leads answered on day 0 who buy.")
    close_decay_per_day: Share = Field(
        0.5, description="Close rate multiplier for each day a lead waited."
    )


class Department(Section):
    """A department in the organisation chart."""

    reports_to: Name | None = None


class Handoff(Section):
    """Leads passing between departments: Erlang delay (mean, stages) and a loss."""

    from_department: Name = Field(alias="from")
    to_department: Name = Field(alias="to")
    delay_days: NonNegative = Field(description="Mean delay D in days.")
    stages: PositiveCount = Field(
        1, le=8, description="Erlang k: coefficient of variation 1/sqrt(k)."
    )
    loss: Share = Field(0.0, description="Share of leads lost in the hand-off.")


class Org(Section):
    """Reporting lines and hand-offs."""

    departments: dict[Name, Department] = Field(default_factory=dict)
    handoffs: list[Handoff] = Field(default_factory=list)


class AfterComplaint(Section):
    """Share of complaining customers lost, by how the complaint ended (TARP)."""

    unresolved: Probability = 0.81
    resolved: Probability = 0.46
    resolved_same_day: Probability = 0.18


class LoyaltyProgramme(Section):
    """Effects on loyal members: a churn hazard ratio and a repurchase lift."""

    churn_hazard_ratio: Multiplier = 0.8
    repurchase_lift: Multiplier = 0.05
    cost_per_member_per_month: Money = 0.0


class Crm(Section):
    """Churn, complaints and the loyalty programme."""

    complaints_per_order: Probability = Field(0.0, description="Complaints per unit sold.")
    service_team: Name | None = Field(None, description="Team that handles complaints.")
    lost_after_complaint: AfterComplaint = Field(default_factory=AfterComplaint)
    loyalty_programme: LoyaltyProgramme | None = None
    discount_rate_per_year: NonNegative = Field(
        0.1, description="Discount rate i of customer lifetime value (ltv)."
    )


