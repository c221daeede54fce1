"""Drivers of category demand: a trend, a smooth (Fourier) season, controls and events.

Their product D(day) multiplies the category purchase and repurchase hazards of every
segment, where `seasonality.by_month` acts (see docs/model.md and `mktsim.model.demand`).
Every factor is dimensionless (1 = no effect); dates are calendar days.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BeforeValidator,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

from ..i18n import N_, _
from .base import Section
from .fields import Days, Name, NonNegative, Number, Share, to_number
from .suggest import did_you_mean

#: Future paths of a control after its last dated value, and of an event's occurrences.
CONTROL_FUTURES = ("repeat_year", "hold", "reference")
EVENT_FUTURES = ("repeat_year", "none")
EFFECTS = ("elasticity", "linear")
#: Days between a value and its repetition under `future: repeat_year` (52 weeks, so that
#: weekly data keep their weekday).
REPEAT_DAYS = 364


def _one_of(options: tuple[str, ...], what: str) -> Any:
    """A before-validator refusing any text not in `options`, with a did-you-mean."""
    def check(value: Any) -> Any:
        if isinstance(value, str) and value in options:
            return value
        hint = did_you_mean(str(value), options)
        raise ValueError(_("unknown {what}, {hint}").format(what=_(what), hint=hint))
    return BeforeValidator(check)


def _growth(value: float) -> float:
    if not -1.0 < value <= 10.0:
        raise ValueError(_("growth per year {value:g} is outside -1 to 10; write it as a "
                           "fraction (0.05 = +5% a year, -0.02 = -2% a year), above -1 "
                           "(-100% would end the market)").format(value=value))
    return value


def _lift(value: float) -> float:
    if not -1.0 <= value <= 100.0:
        raise ValueError(_("lift {value:g} is outside -1 to 100; write it as a fraction "
                           "(0.6 = +60% demand on the event's days, -1 = none at all)")
                         .format(value=value))
    return value


Growth = Annotated[Number, AfterValidator(_growth)]
"""Growth per year as a fraction: 0.05 = +5% a year; above -1 (-100%), at most 10."""
FourierCoefficient = Annotated[float, BeforeValidator(to_number), Field(ge=-5.0, le=5.0)]
"""A coefficient of exp(sum of harmonics): -5 to 5 (a factor of e^5 is already 148)."""


def _increasing(dates: Iterable[dt.date], what: str) -> None:
    """Refuse dates that are not strictly increasing, naming the first out of order."""
    previous: dt.date | None = None
    for date in dates:
        if previous is not None and date <= previous:
            raise ValueError(_("{what} {date} is not after {previous}; list the dates in "
                               "increasing order, each once").format(
                                   what=what, date=date, previous=previous))
        previous = date


class ChangePoint(Section):
    """From `on` the trend grows at `growth_per_year` (until the next change point)."""

    on: dt.date = Field(description="First day of the new growth rate.")
    growth_per_year: Growth = Field(description="Growth per year from `on` (0.05 = +5%).")


class Trend(Section):
    """Trend factor (1 + g)^(years since origin), piecewise log-linear through the change
    points (continuous: each change point changes the slope, never the level)."""

    origin: dt.date = Field(description="Calendar date where the trend factor is 1.")
    growth_per_year: Growth = Field(0.0, description="Growth per year (0.05 = +5% a year).")
    change_points: list[ChangePoint] = Field(default_factory=list, max_length=100)

    @field_validator("change_points")
    @classmethod
    def _ordered(cls, points: list[ChangePoint], info: ValidationInfo) -> list[ChangePoint]:
        _increasing((p.on for p in points), _("change point"))
        origin = info.data.get("origin")
        if points and origin is not None and points[0].on <= origin:
            raise ValueError(_("change point {date} is not after the origin {origin}; a change "
                               "point changes the growth after the origin").format(
                                   date=points[0].on, origin=origin))
        return points


class Fourier(Section):
    """Smooth yearly season: exp(sum_k sin_k sin(2 pi k t / 365.25) + cos_k cos(...)),
    t = day of the year - 1."""

    order: Annotated[int, BeforeValidator(to_number)] = Field(
        ge=1, le=10, description="Harmonics of the year K (1 to 10).")
    sin: list[FourierCoefficient] = Field(
        default_factory=list, validate_default=True,
        description="K sine coefficients (default: zeros).")
    cos: list[FourierCoefficient] = Field(
        default_factory=list, validate_default=True,
        description="K cosine coefficients (default: zeros).")

    @field_validator("sin", "cos", mode="before")
    @classmethod
    def _by_index(cls, values: Any, info: ValidationInfo) -> Any:
        """A mapping {harmonic index (0 = first): value} as the list, zeros elsewhere: what
        a calibrated or set `fourier.sin.0` makes of a list the file left out."""
        order = info.data.get("order")
        if not isinstance(values, dict) or not isinstance(order, int):
            return values
        out = [0.0] * order
        for key, value in values.items():
            if not str(key).isdigit() or int(key) >= order:
                raise ValueError(_("harmonic index {key} is not one of 0 to {last} (order "
                                   "{order}); give the list of {order} values").format(
                                       key=key, last=order - 1, order=order))
            out[int(key)] = value
        return out

    @field_validator("sin", "cos")
    @classmethod
    def _k_values(cls, values: list[float], info: ValidationInfo) -> list[float]:
        order = info.data.get("order")
        if order is None:
            return values
        if not values:
            return [0.0] * order
        if len(values) != order:
            raise ValueError(_("{n} coefficient(s) for order {order}; give {order} values, one "
                               "per harmonic (or change order)").format(
                                   n=len(values), order=order))
        return values


class Control(Section):
    """A numeric driver (price index, competitor activity, distribution, a macro series)."""

    effect: Annotated[Literal["elasticity", "linear"], _one_of(EFFECTS, N_("effect"))] = Field(
        description="elasticity: factor (x / reference)^coefficient; linear: factor "
                    "max(0, 1 + coefficient * (x - reference)).")
    coefficient: Number = Field(0.0, description="Elasticity (dimensionless), or the "
                                "linear effect per unit of the control.")
    reference: Number = Field(description="Value of the control at which the factor is 1.")
    values: dict[dt.date, Number] = Field(
        default_factory=dict, max_length=10_000,
        description="Step path: each value holds from its date to the next.")
    future: Annotated[Literal["repeat_year", "hold", "reference"],
                      _one_of(CONTROL_FUTURES, N_("future path"))] = Field(
        "hold", description="After the last value: repeat_year (the value 364 days "
                            "earlier), hold (the last value) or reference.")

    @field_validator("values")
    @classmethod
    def _ordered(cls, values: dict[dt.date, float]) -> dict[dt.date, float]:
        _increasing(values, _("date"))
        return values

    @model_validator(mode="after")
    def _positive(self) -> Control:
        if self.effect != "elasticity":
            return self
        bad = [(str(d), v) for d, v in self.values.items() if v <= 0]
        if self.reference <= 0:
            bad.insert(0, ("reference", self.reference))
        if bad:
            raise ValueError(_("an elasticity control needs values above 0, got {value:g} at "
                               "{where}; use effect: linear for a driver that can be 0 or "
                               "negative").format(value=bad[0][1], where=bad[0][0]))
        return self


class Event(Section):
    """A dated event (a festival, a launch, a stock-out): factor 1 + lift * intensity on
    each of its days."""

    lift: Annotated[Number, AfterValidator(_lift)] = Field(
        description="Relative change of demand at intensity 1 (0.6 = +60%, "
                                       "-1 = no demand); at least -1.")
    days: Days = Field(1, le=REPEAT_DAYS, description="Length of each occurrence in days.")
    occurrences: dict[dt.date, Annotated[NonNegative, Field(le=100.0)]] = Field(
        default_factory=dict, max_length=10_000,
        description="First day of each occurrence -> intensity (1 = a full event).")
    future: Annotated[Literal["repeat_year", "none"],
                      _one_of(EVENT_FUTURES, N_("future path"))] = Field(
        "none", description="repeat_year: every occurrence again 364 days later; none.")

    @field_validator("occurrences")
    @classmethod
    def _ordered(cls, occurrences: dict[dt.date, float], info: ValidationInfo
                 ) -> dict[dt.date, float]:
        _increasing(occurrences, _("date"))
        length = info.data.get("days") or 1
        starts = list(occurrences)
        for before, after in itertools.pairwise(starts):
            if (after - before).days < length:
                raise ValueError(_("the occurrence of {after} starts before the one of "
                                   "{before} ends ({days} days); merge them or shorten "
                                   "days").format(after=after, before=before, days=length))
        return occurrences


class Demand(Section):
    """Drivers of category demand; their product D(day) multiplies the category purchase
    and repurchase hazards (with `seasonality.by_month`). Channels' purchase intents are
    multiplied by that season to the power `media_scaling`: 1 scales them like organic
    purchases, 0 adds them to the demand the drivers shape (an additive marketing-mix
    model), values between bridge the two. The Fourier season is scaled by the trend to
    the power `season_scaling`, `media_scaling`'s value unless set: 1 multiplies the trend
    (a season of a fixed share of the level), 0 adds to it (a season of a fixed amount,
    the origin's share of the level), so the additive form adds the season too."""

    media_scaling: Share = Field(
        1.0, description="Power of the season and demand drivers that multiplies channels' "
        "purchase intents: 1 = scaled like organic purchases, 0 = additive (not scaled).")
    season_scaling: Share | None = Field(
        None, description="Power of the trend that scales the Fourier season: 1 = trend x "
        "season (a fixed share of the level), 0 = trend + season - 1 (a fixed amount); "
        "unset: media_scaling's value.")
    trend: Trend | None = None
    fourier: Fourier | None = None
    controls: dict[Name, Control] = Field(default_factory=dict, max_length=100)
    events: dict[Name, Event] = Field(default_factory=dict, max_length=100)
