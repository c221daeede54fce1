"""What each promotion earned: gross lift, the dip after it, net lift and net ROI.

For each of the strategy's promotions (with `market.promotion_response`), the first `n`
replications of the run are run again without that promotion (its discount, its moved
purchases and its dip) and everything else unchanged: the same seeds (common random
numbers), prices, rules and competitors. Per replication, with d(t) = units with the
promotion - units without it on day t:

- gross lift = sum of d(t) over the promotion's days;
- dip = - sum of d(t) over the `dip_weeks` weeks after it;
- net lift = gross lift - dip (so the three add up in every replication, and in the means);
- moved forward = the setting's share of the gross lift (how the engine builds it);
  brand switching = units competitors lost over the promotion's days; category expansion =
  gross lift - moved forward - brand switching;
- margin change = gross margin with - without over the promotion and its dip (net of the
  discount given on the units that would have sold anyway);
- discount cost = the discount on every unit sold during the promotion, at the list price;
- net ROI = margin change / discount cost.

Scenarios with `uncertainties:` are not measured (their sampled plans are built per
replication from the scenario, so one promotion cannot be taken out of them).
See docs/model.md, "Promotions that borrow".
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Executor
from typing import Any

import numpy as np

from ..engine.montecarlo import EngineKind
from ..kpis import KPI_INDEX
from ..model import plan as P
from .incremental import default_replications
from .result import RunResult
from .stats import mean_interval
from .strategy_run import LoadedScenario, run_strategy

#: the measures of `promotions[]`, in document order
PROMOTION_MEASURES = ("gross_lift", "dip", "net_lift", "moved_forward", "brand_switching",
                      "category_expansion", "margin_change", "discount_cost", "net_roi")

_BORROWED = (P.EventKind.DISCOUNT, P.EventKind.PULL, P.EventKind.DIP)


def promotion_effects(scenario: LoadedScenario, base: RunResult,
                      replications: int | None = None, workers: int = 1,
                      pool: Executor | None = None,
                      progress: Callable[[int], None] | None = None,
                      engine: EngineKind | str = EngineKind.COUNTS) -> list[dict[str, Any]]:
    """One entry per promotion of `base`'s strategy (see the module docstring); [] when
    the scenario has no `promotion_response`, no promotions, or uncertainties."""
    spec, plan = scenario.spec, base.run.plan
    response = spec.market.promotion_response
    promotions = spec.strategies[plan.strategy].promotions or []
    if response is None or not promotions or scenario.loaded.data.get("uncertainties"):
        return []
    n = min(replications or default_replications(base.run.replications), base.run.replications)
    dip_days = 7 * response.dip_weeks
    out = []
    for i, promo in enumerate(promotions):
        first = spec.day_of(promo.start)
        if not 0 <= first < plan.horizon:
            continue
        days = (first, first + promo.days, first + promo.days + dip_days)
        cut = _without(plan, promo.product, days)
        without = run_strategy(scenario, plan.strategy, n, base.run.seed, workers, progress,
                               pool, cut, engine)
        price = _list_price(plan, promo.product, first)
        effects = _effects(base.run.daily[:n], without.run.daily[:n], days,
                           response.moved_forward, price * promo.discount)
        out.append({"name": promo.name or f"{promo.product} {promo.start}", "index": i,
                    "product": promo.product, "start": promo.start, "days": promo.days,
                    "discount": promo.discount, "dip_weeks": response.dip_weeks,
                    "moved_forward_share": response.moved_forward, "replications": n,
                    **effects})
    return out


def _without(plan: P.Plan, product: str, days: tuple[int, int, int]) -> P.Plan:
    """`plan` without one promotion's events (its discount, pull and dip)."""
    from dataclasses import replace

    kept = tuple(e for e in plan.events
                 if not (e.kind in _BORROWED and e.target == product and e.day in days))
    return replace(plan, events=kept)


def _list_price(plan: P.Plan, product: str, day: int) -> float:
    """The product's scheduled list price on `day`."""
    price = float(plan.product_price[plan.products.index(product)])
    for e in plan.events:
        if e.kind == P.EventKind.PRICE and e.target == product and e.day <= day:
            price = e.value
    return price


def _effects(with_promo: np.ndarray, without: np.ndarray, days: tuple[int, int, int],
             moved_share: float, discount_per_unit: float) -> dict[str, dict[str, Any]]:
    first, end, dip_end = days
    units = KPI_INDEX["units"]
    diff = with_promo[:, units, :] - without[:, units, :]
    gross = diff[:, first:end].sum(axis=1)
    dip = -diff[:, end:dip_end].sum(axis=1)
    moved = moved_share * gross
    switching = _competitor_units(without, first, end) - _competitor_units(with_promo, first,
                                                                           end)
    margin = KPI_INDEX["gross_margin"]
    margin_change = (with_promo[:, margin, first:dip_end].sum(axis=1)
                     - without[:, margin, first:dip_end].sum(axis=1))
    cost = discount_per_unit * with_promo[:, units, first:end].sum(axis=1)
    per_rep = {"gross_lift": gross, "dip": dip, "net_lift": gross - dip,
               "moved_forward": moved, "brand_switching": switching,
               "category_expansion": gross - moved - switching,
               "margin_change": margin_change, "discount_cost": cost}
    found = {k: _estimate(v) for k, v in per_rep.items()}
    total_cost = float(cost.sum())
    roi = float(margin_change.sum()) / total_cost if total_cost > 0 else float("nan")
    found["net_roi"] = {"mean": roi, "interval": _roi_interval(margin_change, cost, roi)}
    return found


def _competitor_units(daily: np.ndarray, first: int, end: int) -> np.ndarray:
    """Units competitors sold over days first..end-1, per replication (from our units
    and our market share to date: category = our units to date / share)."""
    ours = np.cumsum(daily[:, KPI_INDEX["units"], :], axis=1)
    share = daily[:, KPI_INDEX["market_share"], :]
    category = np.divide(ours, share, out=np.zeros_like(ours), where=share > 0)
    theirs = category - ours
    before = theirs[:, first - 1] if first > 0 else np.zeros(len(daily))
    return theirs[:, end - 1] - before


def _estimate(values: np.ndarray) -> dict[str, Any]:
    mean, low, high = mean_interval(np.asarray(values, dtype=float))
    return {"mean": mean, "interval": [low, high]}


def _roi_interval(num: np.ndarray, den: np.ndarray, ratio: float) -> list[float]:
    """95% delta-method interval of mean(num) / mean(den)."""
    n = len(num)
    if n < 2 or not np.isfinite(ratio) or not den.mean() > 0:
        return [float("nan"), float("nan")]
    half = 1.96 * float(np.std(num - ratio * den, ddof=1)) / (np.sqrt(n) * float(den.mean()))
    return [float(ratio - half), float(ratio + half)]
