"""Bass (1969) diffusion in closed form; time in years, p and q per year."""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike, NDArray


def bass_cdf(t: ArrayLike, p: float, q: float) -> NDArray[np.float64]:
    """Adopted share F(t) = (1 - e^{-(p+q)t}) / (1 + (q/p) e^{-(p+q)t})."""
    e = np.exp(-(p + q) * np.asarray(t, dtype=float))
    return (1.0 - e) / (1.0 + (q / p) * e)


def bass_pdf(t: ArrayLike, p: float, q: float) -> NDArray[np.float64]:
    """Adoption density f(t) = (p + q F)(1 - F), per year."""
    f = bass_cdf(t, p, q)
    return (p + q * f) * (1.0 - f)


def bass_peak(p: float, q: float) -> tuple[float, float, float]:
    """(t*, F(t*), peak rate): time of the peak in years, share adopted then, f(t*)."""
    t_star = math.log(q / p) / (p + q)
    return t_star, 0.5 - p / (2.0 * q), (p + q) ** 2 / (4.0 * q)


def bass_lifecycle(p: float, q: float) -> tuple[float, float]:
    """Inflection points (T1, T2) of f in years: take-off and slow-down."""
    r3 = math.sqrt(3.0)
    return (-math.log((2 + r3) * p / q) / (p + q), -math.log((2 - r3) * p / q) / (p + q))
