"""Heterogeneity inside a segment as latent classes.

Contractual churn with a Beta-distributed churn probability per renewal period
(shifted-beta-geometric, Fader & Hardie 2007) is represented by a few latent classes with
geometric churn each. Class probabilities and weights are the Gauss-Jacobi quadrature of
Beta(a, b), so the segment's survival S(t) = E[(1 - p)^t] = B(a, b + t) / B(a, b) is exact
(up to rounding) for t = 0 .. 2n - 1 periods with n classes, and very close beyond.
"""

from __future__ import annotations

import math

import numpy as np


def beta_classes(a: float, b: float, classes: int) -> tuple[np.ndarray, np.ndarray]:
    """(p, weight) of `classes` latent classes for a churn probability p ~ Beta(a, b)."""
    from scipy.special import roots_jacobi

    # Beta(a, b) on [0, 1] is the Jacobi weight (1 - x)^(b-1) (1 + x)^(a-1) on [-1, 1]
    x, w = roots_jacobi(classes, b - 1.0, a - 1.0)
    return (x + 1.0) / 2.0, w / w.sum()


def class_hazards(p: np.ndarray, period_days: float) -> np.ndarray:
    """Daily churn hazard of each class: -ln(1 - p) / period (survival (1 - p)^t)."""
    return -np.log1p(-np.minimum(p, 1.0 - 1e-12)) / period_days


def split_counts(counts: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Split integer counts [K] over classes [L] -> [L, K], largest remainder, exact sums."""
    raw = np.outer(weights, counts)
    out = np.floor(raw).astype(np.int64)
    for k in range(len(counts)):
        short = int(counts[k] - out[:, k].sum())
        if short > 0:
            order = np.argsort(-(raw[:, k] - out[:, k]), kind="stable")[:short]
            out[order, k] += 1
    return out


def survival(a: float, b: float, t: int) -> float:
    """B(a, b + t) / B(a, b), for reference."""
    return math.exp(math.lgamma(b + t) + math.lgamma(a + b) - math.lgamma(b)
                    - math.lgamma(a + b + t))
