"""Prices, promotions and competitors as they stand, and the choice shares they imply."""

from __future__ import annotations

import numpy as np

from ..model import plan as P


class MarketState:
    """What the choice model sees on a day: our prices and the competitors' offers."""

    def __init__(self, plan: P.Plan) -> None:
        self.plan = plan
        self.list_price = plan.product_price.astype(float).copy()
        self.discount = np.zeros(len(plan.products))
        self.on_sale = plan.product_launch <= 0
        self.competitors = plan.competitor_attr.astype(float).copy()
        self._plan_key = b"".join(a.tobytes() for a in (
            plan.price_sensitivity, plan.product_constant, plan.product_quality,
            plan.product_cost, plan.choice_weights))

    def effective_prices(self) -> np.ndarray:
        """Price paid per unit after promotions."""
        return self.list_price * (1.0 - self.discount)

    def shares(self) -> np.ndarray:
        """Choice controls per segment, laid out as plan.S_* columns (computed once for
        each combination of prices, promotions, launches and competitor offers)."""
        key = b"".join((self._plan_key, self.list_price.tobytes(), self.discount.tobytes(),
                        self.on_sale.tobytes(), self.competitors.tobytes()))
        known = _SHARES.get(key)
        if known is None:
            if len(_SHARES) >= _SHARES_SIZE:
                _SHARES.pop(next(iter(_SHARES)))
            known = _SHARES[key] = self._compute_shares()
        return known.copy()

    def _compute_shares(self) -> np.ndarray:
        plan = self.plan
        out = np.zeros((plan.n_segments, P.N_SHARE))
        price = self.effective_prices()
        b_p, b_a, b_q, outside, loyalty = plan.choice_weights
        comp = self.competitors
        for s in range(plan.n_segments):
            bp = b_p * plan.price_sensitivity[s]
            own_u = plan.product_constant + bp * price + b_a + b_q * plan.product_quality
            own_u = np.where(self.on_sale, own_u, -np.inf)
            comp_u = comp[:, 3] + bp * comp[:, 0] + b_a * comp[:, 2] + b_q * comp[:, 1]
            out[s] = _segment_shares(own_u, comp_u, outside, loyalty, price, plan.product_cost)
        return out

    def own_price_elasticities(self) -> np.ndarray:
        """[S, products] the logit's own-price elasticity of each product among people
        considering us, b_p sens_s P_j (1 - s_j) at today's prices (0 when off sale)."""
        plan = self.plan
        price = self.effective_prices()
        b_p, b_a, b_q, outside, _ = plan.choice_weights
        comp = self.competitors
        out = np.zeros((plan.n_segments, len(price)))
        for s in range(plan.n_segments):
            bp = b_p * plan.price_sensitivity[s]
            own_u = plan.product_constant + bp * price + b_a + b_q * plan.product_quality
            own_u = np.where(self.on_sale, own_u, -np.inf)
            comp_u = comp[:, 3] + bp * comp[:, 0] + b_a * comp[:, 2] + b_q * comp[:, 1]
            share = _logit(np.concatenate([own_u, comp_u]), outside)[:len(price)]
            out[s] = np.where(self.on_sale, bp * price * (1.0 - share), 0.0)
        return out


# Shares depend only on the plan's choice parameters and the prices and offers of the
# day, which repeat across replications: computed once per process for each combination.
_SHARES_SIZE = 4096
_SHARES: dict[bytes, np.ndarray] = {}


def _logit(utilities: np.ndarray, outside: float) -> np.ndarray:
    finite = utilities[np.isfinite(utilities)]
    top = max(float(finite.max(initial=outside)), outside)
    e = np.exp(utilities - top)
    return e / (np.exp(outside - top) + e.sum())


def _segment_shares(own_u: np.ndarray, comp_u: np.ndarray, outside: float, loyalty: float,
                    price: np.ndarray, cost: np.ndarray) -> np.ndarray:
    row = np.zeros(P.N_SHARE)
    both = _logit(np.concatenate([own_u, comp_u]), outside)
    n_own = len(own_u)
    row[P.S_OWN_CONSIDERING] = both[:n_own].sum()
    row[P.S_COMP_CONSIDERING] = both[n_own:].sum()
    row[P.S_OWN_REPEAT] = _logit(np.concatenate([own_u + loyalty, comp_u]), outside)[:n_own].sum()
    row[P.S_COMP_NOT_IN_SET] = _logit(comp_u, outside).sum() if len(comp_u) else 0.0
    if row[P.S_OWN_CONSIDERING] > 0:
        mix = both[:n_own] / both[:n_own].sum()
        row[P.S_REV_UNIT] = float(mix @ price)
        row[P.S_MARGIN_UNIT] = float(mix @ (price - cost))
    elif n_own:
        row[P.S_REV_UNIT] = float(price.mean())
        row[P.S_MARGIN_UNIT] = float((price - cost).mean())
    return row
