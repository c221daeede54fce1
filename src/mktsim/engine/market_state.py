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
        n_products = len(plan.products)
        #: a running promotion's share of extra sales moved forward (0: none)
        self.pull = np.zeros(n_products)
        #: [P, S, 2] purchases moved forward by product p's promotion, relative to its
        #: own share at list price (columns: considering, repeat); the dip repays them
        self.moved = np.zeros((n_products, plan.n_segments, 2))
        #: [P, S, 2] share of product p's own purchases missing during its dip
        self.dip = np.zeros((n_products, plan.n_segments, 2))
        #: whether a promotion moves purchases or a dip repays them (`pull` or `dip` not
        #: all zero), kept by `set_pull` and `set_dip`
        self.moving = False
        switching = -1.0 if plan.promotion_switching is None else plan.promotion_switching
        self._plan_key = b"".join(a.tobytes() for a in (
            plan.price_sensitivity, plan.product_constant, plan.product_quality,
            plan.product_cost, plan.choice_weights, np.float64(switching)))

    def effective_prices(self) -> np.ndarray:
        """Price paid per unit after promotions."""
        return self.list_price * (1.0 - self.discount)

    def shares(self) -> np.ndarray:
        """Choice controls per segment, laid out as plan.S_* columns (computed once for
        each combination of prices, promotions, launches and competitor offers)."""
        key = b"".join((self._plan_key, self.list_price.tobytes(), self.discount.tobytes(),
                        self.on_sale.tobytes(), self.competitors.tobytes()))
        if self.moving:
            key += b"".join((self.pull.tobytes(), self.dip.tobytes()))
        known = _SHARES.get(key)
        if known is None:
            if len(_SHARES) >= _SHARES_SIZE:
                _SHARES.pop(next(iter(_SHARES)))
            known = _SHARES[key] = self._compute_shares()
        return known.copy()

    def set_pull(self, product: int, moved_forward: float) -> None:
        """A promotion of `product` starts moving purchases forward (0: it stops): its own
        shares grow by moved / (1 - moved) x the promotion's lift over list price, so that
        `moved_forward` of its extra sales are moved purchases."""
        self.pull[product] = moved_forward
        self.moving = bool(self.pull.any() or self.dip.any())
        if moved_forward > 0 and self.discount[product] > 0:
            with_promo, at_list = self._own(), self._own(without=product)
            lift = np.divide(with_promo - at_list, at_list, out=np.zeros_like(at_list),
                             where=at_list > 0)
            self.moved[product] = moved_forward / (1.0 - moved_forward) * lift

    def set_dip(self, product: int, ratio: float) -> None:
        """The dip after `product`'s promotion (0: it ends): the moved purchases, spread
        over the dip (ratio = promotion days / dip days), are missing from its own
        purchases (at most 95% of them)."""
        self.dip[product] = np.minimum(self.moved[product] * ratio, 0.95) if ratio else 0.0
        self.moving = bool(self.pull.any() or self.dip.any())

    def _own(self, without: int = -1) -> np.ndarray:
        """[S, 2] own shares (considering, repeat), with one product's promotion off."""
        saved = self.discount.copy()
        if without >= 0:
            self.discount[without] = 0.0
        try:
            rows = self._logit_shares()
        finally:
            self.discount[:] = saved
        return rows[:, [P.S_OWN_CONSIDERING, P.S_OWN_REPEAT]]

    def _compute_shares(self) -> np.ndarray:
        out = self._logit_shares()
        if self.moving:
            self._borrow(out)
        return out

    def _borrow(self, out: np.ndarray) -> None:
        """Promotions that move purchases forward (and take the set share from
        competitors), and the dips that repay them."""
        cols = [P.S_OWN_CONSIDERING, P.S_OWN_REPEAT]
        for p in np.flatnonzero(self.pull):
            if self.discount[p] > 0:
                at_list = self._rows(without=int(p))
                gain = np.maximum(out[:, cols] - at_list[:, cols], 0.0)
                pulled = self.pull[p] / (1.0 - self.pull[p])
                out[:, cols] += pulled * gain
                if self.plan.promotion_switching is not None:
                    self._switch(out, at_list, gain[:, 0] * (1.0 + pulled))
        for p in np.flatnonzero(self.dip.any(axis=(1, 2))):
            out[:, cols] -= self.dip[p] * out[:, cols] * self._product_part(int(p))

    def _switch(self, out: np.ndarray, at_list: np.ndarray, gross: np.ndarray) -> None:
        """Competitors' share among people considering us: their share at list price less
        the set switching share of the promotion's whole extra own share `gross` (per
        segment; never below 0). The outside option gives up the rest, so category
        expansion is what neither the moved purchases nor switching explain."""
        taken = float(self.plan.promotion_switching or 0.0) * gross
        out[:, P.S_COMP_CONSIDERING] = np.maximum(at_list[:, P.S_COMP_CONSIDERING] - taken,
                                                  0.0)

    def _rows(self, without: int) -> np.ndarray:
        """[S, N_SHARE] the logit's shares with one product's promotion off."""
        saved = self.discount.copy()
        self.discount[without] = 0.0
        try:
            return self._logit_shares()
        finally:
            self.discount[:] = saved

    def _product_part(self, product: int) -> np.ndarray:
        """[S, 2] the product's part of our own shares (1 for a single product)."""
        if len(self.plan.products) == 1:
            return np.ones((self.plan.n_segments, 2))
        whole = self._own()
        saved = self.on_sale.copy()
        self.on_sale[product] = False
        try:
            rest = self._own()
        finally:
            self.on_sale[:] = saved
        return np.divide(whole - rest, whole, out=np.zeros_like(whole), where=whole > 0)

    def _logit_shares(self) -> np.ndarray:
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
