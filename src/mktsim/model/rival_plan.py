"""The competitors' advertising and reactions of a Plan: plain, picklable data (reaction
conditions stay text; the rivals' loop, `mktsim.rules.rivals`, compiles them).

A plan has rivals only when some competitor advertises or reacts, so a scenario without
either compiles to exactly the plan it always did (`Plan.rivals` is None).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .hazards import per_day
from .response import daily_retention
from .review_plan import InfoSettings, info_settings

if TYPE_CHECKING:
    from ..scenario.market import Competitor
    from ..scenario.model import ScenarioSpec

#: Days between updates of a competitor's awareness from its advertising (the daily
#: adstock and awareness are computed in between; the choice model sees a weekly step).
MEDIA_STEP_DAYS = 7


@dataclass(frozen=True)
class RivalMedia:
    """A competitor's advertising, as for one of our channels, per day."""

    money_per_day: float
    exposures_per_money: float
    theta: float  # daily adstock carryover
    normalize: bool
    aware_per_day: float  # awareness hazard at full saturation
    half_saturation: float  # K, adstocked exposures per person per day
    shape: float  # s
    forget_per_day: float


@dataclass(frozen=True)
class ReactionText:
    """A reaction: condition text, action kind and settings, delay, probability."""

    name: str
    when: str
    kind: str
    args: tuple[tuple[str, float | str], ...]
    delay: int
    probability: float
    cooldown: int


@dataclass(frozen=True)
class RivalText:
    """One competitor acting: its index in `plan.competitors`, media and reactions."""

    name: str
    index: int
    media: RivalMedia | None
    reactions: tuple[ReactionText, ...]
    look_every: int


@dataclass(frozen=True)
class RivalPlan:
    """Everything the rivals' loop needs, on the Plan."""

    rivals: tuple[RivalText, ...]
    info: InfoSettings
    start_date: dt.date
    media_step: int = MEDIA_STEP_DAYS


def rival_plan(spec: ScenarioSpec) -> RivalPlan | None:
    """The competitors that advertise or react, as plain data; None when none does."""
    rivals = tuple(_rival(name, j, comp)
                   for j, (name, comp) in enumerate(spec.market.competitors.items())
                   if comp.advertising is not None or comp.reactions)
    if not rivals:
        return None
    return RivalPlan(rivals, info_settings(spec, spec.information), spec.start_date)


def _rival(name: str, index: int, comp: Competitor) -> RivalText:
    reactions = tuple(
        ReactionText(r.name, r.when, r.then.kind,
                     tuple((k, v) for k, v in r.then.body.model_dump().items()
                           if v is not None),
                     r.delay_days, r.probability, r.cooldown_days)
        for r in comp.reactions)
    return RivalText(name, index, _media(comp), reactions, comp.looks_every_days)


def _media(comp: Competitor) -> RivalMedia | None:
    ad = comp.advertising
    if ad is None:
        return None
    return RivalMedia(
        money_per_day=float(ad.budget_per_year) / 365.0,
        exposures_per_money=ad.cost.exposures_per_money(),
        theta=daily_retention(ad.adstock.retention_per_week),
        normalize=ad.adstock.normalize,
        aware_per_day=per_day(ad.awareness.per_year),
        half_saturation=float(ad.awareness.half_saturation),
        shape=float(ad.awareness.shape),
        forget_per_day=per_day(ad.forgetting_per_year),
    )
