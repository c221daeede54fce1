"""Multinomial logit choice among brands with an outside option."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray


def logit_shares(utilities: ArrayLike, outside: float = 0.0) -> NDArray[np.float64]:
    """s_j = e^{U_j} / (e^{U_0} + sum_k e^{U_k}); the outside option takes the rest."""
    u = np.asarray(utilities, dtype=float)
    top = max(float(u.max(initial=outside)), outside)
    e = np.exp(u - top)
    return e / (np.exp(outside - top) + e.sum())


def own_price_elasticity(price_weight: float, price: float, share: float) -> float:
    """b_p P_j (1 - s_j)."""
    return price_weight * price * (1.0 - share)


def cross_price_elasticity(price_weight: float, price_k: float, share_k: float) -> float:
    """Elasticity of j's share to k's price: -b_p P_k s_k."""
    return -price_weight * price_k * share_k


def utility(constant: float, price: float, awareness: float, quality: float,
            weights: tuple[float, float, float]) -> float:
    """U = a + b_p P + b_A A + b_Q Q with weights (b_p, b_A, b_Q)."""
    b_p, b_a, b_q = weights
    return constant + b_p * price + b_a * awareness + b_q * quality
