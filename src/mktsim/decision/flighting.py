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

The carryover from before the plan is counted because every candidate is run by the
simulator from the scenario's starting state (the fitted end state where the scenario
is calibrated), with its adstock; the search sees what a month's money does later.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

#: search coordinates of a month flighting: follow, a1, b1, a2, b2
MONTH_DIMS = 5
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
    def bounds() -> list[tuple[float, float]]:
        """Box bounds of the coordinates (follow, a1, b1, a2, b2)."""
        return [(0.0, FOLLOW_MAX)] + [(-WAVE_MAX, WAVE_MAX)] * 4

    @staticmethod
    def flat() -> np.ndarray:
        """The coordinates of an even spread (every month 1)."""
        return np.zeros(MONTH_DIMS)

    def weights(self, coords: np.ndarray) -> list[float]:
        """Month weights [12] (mean 1, rounded to 4 digits) of `coords`."""
        follow, a1, b1, a2, b2 = (float(v) for v in coords[:MONTH_DIMS])
        m = np.arange(12)
        angle = 2.0 * math.pi * m / 12.0
        log_w = (follow * np.log(np.asarray(self.season, dtype=float))
                 + a1 * np.cos(angle) + b1 * np.sin(angle)
                 + a2 * np.cos(2 * angle) + b2 * np.sin(2 * angle))
        w = bookable(np.exp(log_w - log_w.mean()), self.low, self.high, self.max_step)
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
