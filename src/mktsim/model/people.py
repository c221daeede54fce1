"""Learning curves, hand-off delays and team capacity."""

from __future__ import annotations

import math


def wright_time(n: int, first: float, learning_rate: float) -> float:
    """Time of the n-th unit on Wright's curve: T_n = T_1 n^b, b = log2(rate)."""
    return first * n ** math.log2(learning_rate)


def skill_at(days: float, start: float, ceiling: float, ramp_days: float) -> float:
    """skill(t) = max - (max - start) exp(-t / tau)."""
    return ceiling - (ceiling - start) * math.exp(-days / ramp_days)


def erlang_stage_hazard(mean_days: float, stages: int) -> float:
    """Daily hazard of each of k stages of an Erlang delay with mean D: k / D."""
    return stages / mean_days if mean_days > 0 else math.inf
