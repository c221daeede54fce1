"""Statistics over replications: quantiles, Wilson intervals, paired differences."""

from __future__ import annotations

import math

import numpy as np

Z95 = 1.959963984540054


def wilson_interval(successes: float, n: float, z: float = Z95) -> tuple[float, float]:
    """Wilson score interval of a binomial proportion (95% by default)."""
    if n <= 0:
        return 0.0, 1.0
    p = successes / n
    denom = 1.0 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    # the interval holds p exactly (rounding can leave p = 1 a hair above centre + half)
    return max(0.0, min(p, centre - half)), min(1.0, max(p, centre + half))


def summarize(values: np.ndarray) -> dict[str, float]:
    """mean, p5, p50, p95 of replication values (NaN ignored; NaN if none are finite)."""
    finite = values[np.isfinite(values)]
    if finite.size == 0:
        return {"mean": math.nan, "p5": math.nan, "p50": math.nan, "p95": math.nan}
    p5, p50, p95 = np.percentile(finite, [5, 50, 95])
    return {"mean": float(finite.mean()), "p5": float(p5), "p50": float(p50), "p95": float(p95)}


def mean_interval(values: np.ndarray, z: float = Z95) -> tuple[float, float, float]:
    """(mean, low, high): a normal-approximation interval of the mean."""
    finite = values[np.isfinite(values)]
    if finite.size == 0:
        return math.nan, math.nan, math.nan
    mean = float(finite.mean())
    if finite.size < 2:
        return mean, math.nan, math.nan
    half = z * float(finite.std(ddof=1)) / math.sqrt(finite.size)
    return mean, mean - half, mean + half
