"""Flighting by month as a lever: the weight of each month of the plan, chosen by the
search in a few numbers so that every plan it tries is one a media buyer can book.

Twelve free month weights would make the search slow and the plans ragged. A candidate's
months are instead

    w[m] = season[m] ** follow * exp(a1 cos(2 pi m / 12) + b1 sin(2 pi m / 12)
                                     + a2 cos(4 pi m / 12) + b2 sin(4 pi m / 12))

(m the month of the plan, `season` the market's seasonality of that calendar month):
how closely spend follows the season (`follow`, 0 = not at all) and a smooth yearly and
half-yearly wave around it. The weights are then made bookable: scaled to a mean of 1,
each month kept within [min, max] of an average month (`min` is the minimum spend per
month), and two neighbouring months differ by at most the factor `max_step`.

With `per_channel` (the default of `decision.levers.flighting`), every moved channel has
its own curve of CHANNEL_DIMS coordinates (follow, a1, b1: the season and the yearly
wave), written as the strategy's `flighting.by_month`; channels differ in how closely
they should follow the season (a conversion channel, whose effect multiplies the
seasonal shopping rate, gains more from the peak months than an awareness channel whose
stock lasts; a channel far into saturation gains less from concentrating money).

Carryover. Within the plan it is counted because every candidate is run by the
simulator: a month's money keeps working later through the channel's adstock, and the
search sees it. From before the plan, `carried_pressure` is the share of each month's
pressure (adstock) a channel already has from the money spent before `start_date` (the
fitted end state where the scenario is fitted from a history): the months it fills need
that much less money, so a curve's weights are lowered by it before they are made
bookable. The engine starts every channel's adstock at 0 unless the scenario gives
`channels.<c>.adstock.initial`, so today the share is 0 unless that field is there.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

#: search coordinates of a month flighting: follow, a1, b1, a2, b2
MONTH_DIMS = 5
#: search coordinates of one channel's month flighting: follow, a1, b1
CHANNEL_DIMS = 3
FOLLOW_MAX = 3.0
WAVE_MAX = 0.7


@dataclass(frozen=True)
class MonthFlighting:
    """The month-flighting lever: the season by month of the plan and the booking rules."""

    season: tuple[float, ...]  # [12] seasonality of month m of the plan
    low: float  # minimum weight of a month, relative to an average month
    high: float  # maximum weight of a month
    max_step: float  # largest ratio between two neighbouring months

    @staticmethod
    def bounds(dims: int = MONTH_DIMS) -> list[tuple[float, float]]:
        """Box bounds of the coordinates (follow, a1, b1[, a2, b2])."""
        return [(0.0, FOLLOW_MAX)] + [(-WAVE_MAX, WAVE_MAX)] * (dims - 1)

    @staticmethod
    def flat(dims: int = MONTH_DIMS) -> np.ndarray:
        """The coordinates of an even spread (every month 1)."""
        return np.zeros(dims)

    def weights(self, coords: np.ndarray, carried: np.ndarray | None = None) -> list[float]:
        """Month weights [12] (mean 1, rounded to 4 digits) of `coords` (follow, a1, b1
        and optionally a2, b2; missing ones are 0); `carried` [12]: the share of each
        month's pressure a channel carries from before the plan (`carried_pressure`)."""
        padded = np.zeros(MONTH_DIMS)
        padded[: len(coords)] = np.asarray(coords, dtype=float)[:MONTH_DIMS]
        follow, a1, b1, a2, b2 = (float(v) for v in padded)
        m = np.arange(12)
        angle = 2.0 * math.pi * m / 12.0
        log_w = (follow * np.log(np.asarray(self.season, dtype=float))
                 + a1 * np.cos(angle) + b1 * np.sin(angle)
                 + a2 * np.cos(2 * angle) + b2 * np.sin(2 * angle))
        w = np.exp(log_w - log_w.mean())
        if carried is not None:
            w = w * np.clip(1.0 - carried, 1e-3, 1.0)
        w = bookable(w, self.low, self.high, self.max_step)
        return [round(float(v), 4) for v in w]


def bookable(w: np.ndarray, low: float, high: float, max_step: float) -> np.ndarray:
    """`w` scaled to mean 1 with every month in [low, high] and neighbouring months
    (December next to January) within a factor `max_step` (alternating projections)."""
    step = math.log(max(max_step, 1.0 + 1e-9))
    log_w = np.log(np.clip(w / w.mean(), 1e-6, None))
    for _ in range(60):
        for i in range(1, 13):  # forward and backward passes of the step limit
            j = i % 12
            log_w[j] = min(max(log_w[j], log_w[i - 1] - step), log_w[i - 1] + step)
        log_w -= math.log(np.exp(log_w).mean())
        log_w = np.clip(log_w, math.log(low), math.log(high))
        if _is_bookable(log_w, low, high, step):
            break
    return np.exp(log_w)


def _is_bookable(log_w: np.ndarray, low: float, high: float, step: float) -> bool:
    w = np.exp(log_w)
    steps = np.abs(np.diff(np.append(log_w, log_w[0])))
    return bool(abs(w.mean() - 1.0) < 1e-3 and steps.max() <= step + 1e-6
                and w.min() >= low - 1e-9 and w.max() <= high + 1e-9)


def plan_season(by_month: list[float], start_month: int) -> tuple[float, ...]:
    """Seasonality [12] of month m of a plan starting in calendar month `start_month`
    (1-12): flighting weights are by month of the plan."""
    return tuple(float(by_month[(start_month - 1 + m) % 12]) for m in range(12))


def carried_pressure(initial: float, theta: float, money: float, exposures_per_money: float,
                     market_size: float, days: np.ndarray) -> np.ndarray:
    """Share [12] of each month's adstock that a channel carries from before the plan.

    `initial`: its adstock on the day before the plan (exposures per person, as the engine
    counts it); `theta`: its daily retention; `money`: its money over the `days` [12] of
    the plan's months. The carried stock on day t is initial x theta^(t+1); an even spread
    of the money builds a steady adstock of x / (1 - theta) with x the exposures per person
    of a day. 0 everywhere when nothing is carried.
    """
    total_days = float(days.sum())
    if initial <= 0.0 or total_days <= 0 or not 0.0 <= theta < 1.0:
        return np.zeros(12)
    daily = money * exposures_per_money / max(market_size, 1.0) / total_days
    steady = daily / (1.0 - theta) if daily > 0 else math.inf
    ends = np.cumsum(days).astype(int)
    out = np.zeros(12)
    for m in range(12):
        t = np.arange(ends[m] - int(days[m]), ends[m])
        if len(t):
            carried = float((initial * theta ** (t + 1.0)).mean())
            out[m] = carried / (carried + steady)
    return out


def initial_adstock(channel: object) -> float:
    """A channel's adstock on the day before the plan: `channels.<c>.adstock.initial` when
    the scenario gives it (its fitted end state, or what its spend before `start_date`
    left), else 0, where the engine starts."""
    return float(getattr(getattr(channel, "adstock", None), "initial", None) or 0.0)
