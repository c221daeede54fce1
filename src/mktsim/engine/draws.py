"""Compiled random draws: binomial, competing risks, sampling without replacement.

All draws use numba's generator, which the caller seeds at the start of each kernel call.
"""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True)
def binomial(n: int, p: float) -> int:
    """Binomial(n, p) that accepts n <= 0 and p outside (0, 1)."""
    if n <= 0 or p <= 0.0:
        return 0
    if p >= 1.0:
        return n
    return np.random.binomial(n, p)


@njit(cache=True)
def competing_exits(n: int, hazards: np.ndarray, k: int, out: np.ndarray) -> int:
    """How many of `n` leave by each of `k` routes with daily hazards; returns total left.

    One multinomial: stay with exp(-L), route i with (h_i / L)(1 - exp(-L)), drawn as
    conditional binomials.
    """
    total = 0.0
    for i in range(k):
        out[i] = 0
        total += hazards[i]
    if n <= 0 or total <= 0.0:
        return 0
    leave = -np.expm1(-total)
    remaining = n
    rest = 1.0
    for i in range(k):
        if remaining <= 0 or rest <= 1e-300:
            break
        p = hazards[i] / total * leave
        x = binomial(remaining, p / rest)
        out[i] = x
        remaining -= x
        rest -= p
    return n - remaining


@njit(cache=True)
def split_without_replacement(counts: np.ndarray, m: int, take: int, out: np.ndarray) -> None:
    """Draw `take` items uniformly without replacement from groups of sizes counts[:m]."""
    total = 0
    for i in range(m):
        total += counts[i]
    if take >= total:
        for i in range(m):
            out[i] = counts[i]
        return
    left = take
    for i in range(m):
        good = counts[i]
        bad = total - good
        if left <= 0 or good <= 0:
            x = 0
        elif bad <= 0:
            x = left
        else:
            x = np.random.hypergeometric(good, bad, left)
        out[i] = x
        left -= x
        total -= good


@njit(cache=True)
def hill(x: float, k: float, s: float) -> float:
    """Hill saturation x^s / (x^s + K^s)."""
    if x <= 0.0:
        return 0.0
    r = (x / k) ** s
    if r > 1e300:  # saturated (also for x = inf): avoid inf / inf
        return 1.0
    return r / (1.0 + r)
