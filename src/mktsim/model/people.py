"""Learning curves and team capacity (hand-off delays: `model.compile.handoff_stages`)."""

from __future__ import annotations

import math


def wright_time(n: int, first: float, learning_rate: float) -> float:
    """Time of the n-th unit on Wright's curve: T_n = T_1 n^b, b = log2(rate)."""
    return first * n ** math.log2(learning_rate)


def skill_at(days: float, start: float, ceiling: float, ramp_days: float) -> float:
    """skill(t) = max - (max - start) exp(-t / tau)."""
    return ceiling - (ceiling - start) * math.exp(-days / ramp_days)
