"""Daily demand factors of `market.demand`: trend, Fourier season, controls and events.

D(day) = trend(day) * fourier(day) * prod_c control_c(day) * prod_e event_e(day)

Every factor is dimensionless (1 = no effect) and has one value per simulated day. D
multiplies the category purchase hazard and the repurchase hazard of every segment, with
the `seasonality.by_month` multiplier (the Plan's daily `season` = by_month * D).

- trend: exp(integral from the origin to the day of ln(1 + g(s)) ds / 365.25), g the growth
  per year in force on day s (the base growth, then each change point's from its date):
  (1 + g)^(years since origin) without change points; continuous at every change point.
- fourier: exp(sum_k sin_k sin(2 pi k t / 365.25) + cos_k cos(2 pi k t / 365.25)),
  t = day of the year - 1 (0 on 1 January); with `season_scaling` q below 1 (unset:
  `media_scaling`'s value) and a trend T, the factor is max(0, T + (F - 1) T^q) / T, so
  that trend x season = T + (F - 1) T^q floored at 0: a season whose amount follows the
  trend's level (q = 1) or stays the origin's (q = 0).
- control (value x on the day, in the control's own unit): elasticity
  (x / reference)^coefficient; linear max(0, 1 + coefficient (x - reference)).
- event (intensity i on the day, 0 outside the event's days): 1 + lift * i.

A history (`mktsim.history.History`, or anything with the same `start`, `first_days`,
`period_days`, `controls` and `events`) replaces a driver's path by its column's value on
every day of each period whose cell is not empty.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any, Protocol

import numpy as np
from numpy.typing import NDArray

from ..scenario.demand import REPEAT_DAYS, Control, Demand, Event, Fourier, Trend

#: Days per year of the trend and of the Fourier terms.
YEAR_DAYS = 365.25


class DriverValues(Protocol):
    """What `demand_factors` reads of a history: periods and the driver columns."""

    start: dt.date
    first_days: NDArray[np.int64]
    period_days: NDArray[np.int64]
    controls: Mapping[str, NDArray[np.float64]]
    events: Mapping[str, NDArray[np.float64]]


def demand_of(spec: Any) -> Demand | None:
    """The `market.demand` section of a ScenarioSpec, or `spec` itself if it is one."""
    if spec is None or isinstance(spec, Demand):
        return spec
    return spec.market.demand


def demand_factors(spec: Any, start_date: dt.date, days: int,
                   history: DriverValues | None = None) -> dict[str, NDArray[np.float64]]:
    """Each part's daily factor over `days` days from `start_date` (dimensionless): keys
    "trend", "fourier", "control.<name>", "event.<name>"; none without a demand section.
    `spec`: a ScenarioSpec or its `market.demand` section."""
    demand = demand_of(spec)
    if demand is None:
        return {}
    ordinals = start_date.toordinal() + np.arange(days, dtype=np.int64)
    out: dict[str, NDArray[np.float64]] = {}
    if demand.trend is not None:
        out["trend"] = trend_factor(demand.trend, ordinals)
    if demand.fourier is not None:
        out["fourier"] = trend_scaled(fourier_factor(demand.fourier, start_date, days),
                                      out.get("trend"), season_power(demand))
    for name, control in demand.controls.items():
        x = _with_history(control_path(control, ordinals), history, "controls", name,
                          start_date)
        out[f"control.{name}"] = control_factor(control, x)
    for name, event in demand.events.items():
        i = _with_history(event_intensity(event, ordinals), history, "events", name,
                          start_date)
        out[f"event.{name}"] = 1.0 + event.lift * i
    return out


def demand_product(factors: Mapping[str, NDArray[np.float64]], days: int
                   ) -> NDArray[np.float64]:
    """D: the product of the factors (in their order), ones without any (dimensionless)."""
    out = np.ones(days)
    for factor in factors.values():
        out = out * factor
    return out


def demand(spec: Any, start_date: dt.date, days: int,
           history: DriverValues | None = None) -> NDArray[np.float64]:
    """D(day) over `days` days from `start_date` (see the module docstring)."""
    return demand_product(demand_factors(spec, start_date, days, history), days)


def trend_factor(trend: Trend, ordinals: NDArray[np.int64]) -> NDArray[np.float64]:
    """(1 + g)^(years since origin), piecewise log-linear through the change points:
    ln factor = r0 x + sum_i (r_i - r_(i-1)) max(0, x - b_i), x days since the origin,
    r = ln(1 + g) / 365.25 per day, b_i the change points' days since the origin."""
    x = (ordinals - trend.origin.toordinal()).astype(float)
    rate = np.log1p(trend.growth_per_year) / YEAR_DAYS
    log = rate * x
    for point in trend.change_points:
        new = np.log1p(point.growth_per_year) / YEAR_DAYS
        log = log + (new - rate) * np.maximum(0.0, x - (point.on - trend.origin).days)
        rate = new
    return np.exp(log)


def fourier_factor(fourier: Fourier, start_date: dt.date, days: int) -> NDArray[np.float64]:
    """exp(sum_k sin_k sin(2 pi k t / 365.25) + cos_k cos(2 pi k t / 365.25)),
    t = day of the year - 1."""
    dates = np.datetime64(start_date, "D") + np.arange(days)
    t = (dates - dates.astype("datetime64[Y]")).astype(float)
    log = np.zeros(days)
    for k, (a, b) in enumerate(zip(fourier.sin, fourier.cos, strict=True), start=1):
        angle = 2.0 * np.pi * k * t / YEAR_DAYS
        log = log + a * np.sin(angle) + b * np.cos(angle)
    return np.exp(log)


def season_power(demand: Demand) -> float:
    """The power of the trend on the season: `season_scaling`, else `media_scaling` (an
    additive form adds its season to the trend as well as its media)."""
    if demand.season_scaling is not None:
        return float(demand.season_scaling)
    return float(demand.media_scaling)


def trend_scaled(season: NDArray[np.float64], trend: NDArray[np.float64] | None,
                 power: float) -> NDArray[np.float64]:
    """The season factor F as the trend T scales it to the power `power` (p): the amount
    max(0, T + (F - 1) T^p) over T, so that T x factor = T + (F - 1) T^p floored at 0 (no
    demand; dimensionless); F itself for p = 1 or without a trend. Where T underflows to
    0 the factor is 1 (D is 0 there), and it is capped at the largest float."""
    if trend is None or power == 1.0:
        return season
    amount = np.maximum(0.0, trend + (season - 1.0) * np.power(trend, power))
    with np.errstate(over="ignore"):  # a tiny T under a larger amount: capped below
        factor = np.divide(amount, trend, out=np.ones_like(amount), where=trend > 0.0)
    return np.minimum(factor, np.finfo(float).max)


def control_path(control: Control, ordinals: NDArray[np.int64]) -> NDArray[np.float64]:
    """The control's value on each day (its unit): the dated step path, the reference
    before it. The last value holds as long as the step before it (the days between the
    last two dates; 364 days if there is one value); then the `future`: repeat_year (the
    value 364 days earlier, again and again), hold (the last value) or reference."""
    dates = np.array([d.toordinal() for d in control.values], dtype=np.int64)
    levels = np.array(list(control.values.values()), dtype=float)
    if not dates.size:
        return np.full(len(ordinals), control.reference)
    end = dates[-1] + (dates[-1] - dates[-2] if dates.size > 1 else REPEAT_DAYS)
    days = ordinals
    if control.future == "repeat_year":
        back = np.maximum(0, -(-(ordinals - end + 1) // REPEAT_DAYS))  # years to step back
        days = ordinals - back * REPEAT_DAYS
    index = np.searchsorted(dates, days, side="right") - 1
    out = np.where(index >= 0, levels[np.maximum(index, 0)], control.reference)
    if control.future == "reference":
        out = np.where(ordinals >= end, control.reference, out)
    return out


def control_factor(control: Control, x: NDArray[np.float64]) -> NDArray[np.float64]:
    """elasticity: (x / reference)^coefficient; linear: max(0, 1 + coefficient (x -
    reference)); x in the control's unit."""
    return effect_factor(control.effect, control.coefficient, control.reference, x)


def effect_factor(effect: str, coefficient: float, reference: float,
                  x: NDArray[np.float64]) -> NDArray[np.float64]:
    """A control's factor at values `x` (see `control_factor`); NaN stays NaN."""
    if effect == "elasticity":
        return np.power(x / reference, coefficient)
    return np.where(np.isnan(x), np.nan, np.maximum(0.0, 1.0 + coefficient * (x - reference)))


def event_intensity(event: Event, ordinals: NDArray[np.int64]) -> NDArray[np.float64]:
    """The event's intensity on each day (0 outside its days): each occurrence's on its
    `days` days; with future repeat_year the occurrences of the last 364 days up to the
    last one come again every 364 days after it. Overlapping days take the largest."""
    out = np.zeros(len(ordinals))
    if not event.occurrences:
        return out
    starts = [d.toordinal() for d in event.occurrences]
    last = starts[-1]
    for start, intensity in zip(starts, event.occurrences.values(), strict=True):
        offset = ordinals - start
        on = (offset >= 0) & (offset < event.days)
        if event.future == "repeat_year" and start > last - REPEAT_DAYS:
            copy = offset // REPEAT_DAYS
            on |= (offset >= 0) & (offset - copy * REPEAT_DAYS < event.days) & (
                start + copy * REPEAT_DAYS > last)
        out = np.where(on, np.maximum(out, intensity), out)
    return out


def _with_history(path: NDArray[np.float64], history: DriverValues | None, kind: str,
                  name: str, start_date: dt.date) -> NDArray[np.float64]:
    """`path` with the history column's value on every day of each period with a value."""
    column = None if history is None else getattr(history, kind).get(name)
    if column is None or history is None:
        return path
    return overwrite(path, history, column, start_date)


def overwrite(path: NDArray[np.float64], history: DriverValues,
              column: NDArray[np.float64], start_date: dt.date) -> NDArray[np.float64]:
    """A copy of the daily `path` (day 0 = `start_date`) with `column`'s value on every day
    of each of the history's periods whose value is not NaN."""
    out = path.copy()
    shift = (history.start - start_date).days
    for first, length, value in zip(history.first_days, history.period_days, column,
                                    strict=True):
        if np.isfinite(value):
            lo, hi = max(0, shift + int(first)), max(0, shift + int(first) + int(length))
            out[lo:hi] = value
    return out


@dataclass(frozen=True, eq=False)
class DemandPlan:
    """The demand part of a compiled Plan, kept so that a plan can follow a history's
    driver columns (`mktsim.history.plan_with_actuals`): the daily `by_month` multiplier,
    each factor's daily array (D is their product; the Plan's `season` is by_month * D),
    and what turns a history value into a factor. Plain data; day 0 is `start`."""

    start: dt.date
    by_month: NDArray[np.float64]  # [D]
    factors: tuple[tuple[str, NDArray[np.float64]], ...]  # ("trend", [D]), ...
    effects: tuple[tuple[str, str, float, float], ...]  # control: name, effect, coef, ref
    lifts: tuple[tuple[str, float], ...]  # event: name, lift

    def season(self) -> NDArray[np.float64]:
        """by_month * D per day (dimensionless)."""
        return self.by_month * demand_product(dict(self.factors), len(self.by_month))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, DemandPlan):
            return NotImplemented
        return (self.start, self.effects, self.lifts) == (other.start, other.effects,
                                                          other.lifts) and \
            _same(self.by_month, other.by_month) and \
            [k for k, _ in self.factors] == [k for k, _ in other.factors] and \
            all(_same(a, b) for (_, a), (_, b) in zip(self.factors, other.factors, strict=True))

    __hash__ = None  # type: ignore[assignment]


def _same(a: NDArray[np.float64], b: NDArray[np.float64]) -> bool:
    return a.shape == b.shape and a.tobytes() == b.tobytes()


def demand_plan(demand: Demand, start_date: dt.date, by_month: NDArray[np.float64]
                ) -> DemandPlan:
    """The DemandPlan of `demand` over the days of `by_month` from `start_date`."""
    factors = demand_factors(demand, start_date, len(by_month))
    return DemandPlan(
        start=start_date, by_month=by_month, factors=tuple(factors.items()),
        effects=tuple((n, c.effect, c.coefficient, c.reference)
                      for n, c in demand.controls.items()),
        lifts=tuple((n, e.lift) for n, e in demand.events.items()))


def follow_drivers(plan: DemandPlan, history: DriverValues) -> DemandPlan:
    """`plan` with each `control.<name>` and `event.<name>` column of the history in place
    of the driver's path on every day of its periods (an empty cell keeps the path)."""
    factors = dict(plan.factors)
    for name, effect, coefficient, reference in plan.effects:
        if name in history.controls:
            column = effect_factor(effect, coefficient, reference,
                                   np.asarray(history.controls[name], dtype=float))
            factors[f"control.{name}"] = overwrite(factors[f"control.{name}"], history,
                                                   column, plan.start)
    for name, lift in plan.lifts:
        if name in history.events:
            column = 1.0 + lift * np.asarray(history.events[name], dtype=float)
            factors[f"event.{name}"] = overwrite(factors[f"event.{name}"], history, column,
                                                 plan.start)
    return replace(plan, factors=tuple(factors.items()))
