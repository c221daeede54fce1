"""Explain a plan: response curves, marginal ROI per channel, and where the plan leaks.

Curves and marginal returns change one channel's money at a time (the others stay as
they are) and run every variant on the same seed, so differences are paired.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Sequence
from concurrent.futures import Executor
from typing import Any

import numpy as np
import pandas as pd

from ..documents.leaks import FUNNEL
from ..model.plan import Plan
from ..simulate.result import RunResult
from ..simulate.strategy_run import LoadedScenario, run_strategy
from .levers import shares_of
from .outcome import Outcome, outcome_of, worker_pool

MULTIPLIERS = (0.0, 0.5, 1.0, 1.5, 2.0)
CURVE_KPIS = ("profit", "units", "revenue", "new_customers")
VARIANT = "explain_variant"
Progress = Callable[[int], None]


def channel_money(scenario: LoadedScenario, strategy: str) -> dict[str, float]:
    """Planned money of each channel of a strategy over the horizon."""
    s = scenario.spec.strategies[strategy]
    return {c: float(s.budget or 0.0) * share for c, share in (s.allocation or {}).items()}


def _variant(scenario: LoadedScenario, strategy: str, money: dict[str, float]
             ) -> LoadedScenario:
    data = copy.deepcopy(scenario.loaded.data["strategies"][strategy])
    data.pop("extends", None)
    budget = sum(money.values())
    data["budget"] = round(budget, 2)
    data["allocation"] = shares_of({c: m for c, m in money.items() if m > 0} or money, budget)
    return scenario.with_values({f"strategies.{VARIANT}": data})


def _run(scenario: LoadedScenario, strategy: str, money: dict[str, float], reps: int, seed: int,
         workers: int, pool: Executor | None = None) -> Outcome:
    variant = _variant(scenario, strategy, money)
    return outcome_of(run_strategy(variant, VARIANT, reps, seed, workers, pool=pool))


def response_curves(scenario: LoadedScenario, strategy: str, replications: int = 60,
                    seed: int | None = None, multipliers: Sequence[float] = MULTIPLIERS,
                    step: float = 0.1, workers: int = 1,
                    progress: Progress | None = None, pool: Executor | None = None
                    ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(curves, marginal): expected KPIs when one channel's money is multiplied, and what
    the next unit of money buys in each channel (forward difference of `step` x money, or
    1% of the budget for a channel with no money). `pool`: an open executor to run on."""
    root = scenario.spec.seed if seed is None else seed
    money = channel_money(scenario, strategy)
    budget = sum(money.values())
    rows, marg = [], []
    with worker_pool(workers, pool) as pool:
        base = _run(scenario, strategy, money, replications, root, workers, pool)
        for ch in scenario.spec.channels:
            spent = money.get(ch, 0.0)
            for m in multipliers:
                o = base if m == 1.0 else _run(scenario, strategy, {**money, ch: spent * m},
                                               replications, root, workers, pool)
                rows.append({"channel": ch, "multiplier": m, "spend": spent * m,
                             **{k: float(np.nanmean(o.kpis[k])) for k in CURVE_KPIS}})
                if progress:
                    progress(1)
            delta = spent * step if spent > 0 else 0.01 * budget
            up = _run(scenario, strategy, {**money, ch: spent + delta}, replications, root,
                      workers, pool)
            marg.append({"channel": ch, "spend": spent, "step": delta,
                         **{f"{k}_per_money": _paired_slope(up, base, k, delta)
                            for k in CURVE_KPIS}})
            if progress:
                progress(1)
    return pd.DataFrame(rows), pd.DataFrame(marg).set_index("channel")


def _paired_slope(up: Outcome, base: Outcome, kpi: str, delta: float) -> float:
    d = up.kpis[kpi] - base.kpis[kpi]
    return float(np.nanmean(d)) / delta if delta > 0 else float("nan")


def curve_runs(scenario: LoadedScenario, multipliers: Sequence[float] = MULTIPLIERS) -> int:
    """How many runs `response_curves` makes (for a progress bar)."""
    return len(scenario.spec.channels) * (len(multipliers) + 1)


def leaks(result: RunResult) -> dict[str, Any]:
    """Where the plan loses people and money: funnel losses, saturated channels, the
    bottleneck team, ROI and CAC by channel."""
    lk = result.leaks()
    channels = result.channels()
    funnel = {name: lk[name] for name in FUNNEL}
    found = result.incremental or {}
    per_channel = {str(c): {"saturation": float(r["saturation"]), "roi": float(r["roi"]),
                            "cac": float(r["cac"]), "spend": float(r["spend"]),
                            "capacity_lost": float(r["capacity_lost"]),
                            **_incremental_of(found.get(str(c)))}
                   for c, r in channels.iterrows()}
    return {"funnel": funnel, "channels": per_channel, "teams": team_load(result)}


def _incremental_of(found: dict[str, Any] | None) -> dict[str, Any]:
    """`incremental_units`, `incremental_roi` and `incremental_cac` (means) of a channel,
    and the ROI's interval; nothing when not measured."""
    if not found:
        return {}
    return {"incremental_units": found["units"]["mean"],
            "incremental_roi": found["roi"]["mean"],
            "incremental_roi_interval": found["roi"]["interval"],
            "incremental_cac": found["cac"]["mean"]}


def price_elasticities(plan: Plan) -> dict[str, dict[str, Any]]:
    """Own-price elasticity the model implies for each product on day 0 (products on sale
    then): `{product: {"mean": x, "by_segment": {segment: x}}}`; the mean weights the
    segments by their size. In the logit it is b_p sens_s P (1 - s) (docs/model.md)."""
    from ..engine.market_state import MarketState

    market = MarketState(plan)
    by = market.own_price_elasticities()
    size = plan.init_state.sum(axis=1).astype(float)
    weight = size / size.sum() if size.sum() > 0 else np.full(len(size), 1.0 / len(size))
    out: dict[str, dict[str, Any]] = {}
    for j, product in enumerate(plan.products):
        if not market.on_sale[j]:
            continue
        out[product] = {"mean": float(weight @ by[:, j]),
                        "by_segment": {seg: float(by[s, j])
                                       for s, seg in enumerate(plan.segments)}}
    return out


def team_load(result: RunResult) -> dict[str, dict[str, float]]:
    """Offered work / capacity of each team over the horizon (leads routed to it by its
    channels; complaints for the service team). Above 1 the backlog expires."""
    spec = result.loaded.spec
    plan = result.run.plan
    channels = result.channels()
    complaints = float(np.nanmean(result.run.daily[:, _kpi("complaints"), :].sum(axis=1)))
    out: dict[str, dict[str, float]] = {}
    for i, (name, team) in enumerate(spec.teams.items()):
        work = 0.0
        for c, ch in spec.channels.items():
            if ch.team == name:
                work += float(channels["leads"].get(c, 0.0))
        if spec.crm.service_team == name:
            work += complaints
        capacity = float(plan.team_headcount[i]) * team.capacity_per_person_per_day \
            * plan.horizon
        out[name] = {"work": work, "capacity": capacity,
                     "utilisation": work / capacity if capacity > 0 else float("inf")}
    return out


#: a team whose offered work is at least this share of its capacity limits the plan: day-to-
#: day swings in leads then leave work waiting past its patience (at 80% an M/M/c queue
#: already has waits several times the service time)
NEAR_CAPACITY = 0.8


def busiest(load: dict[str, dict[str, float]]) -> str | None:
    """The team with the highest utilisation (None without teams)."""
    return max(load, key=lambda t: load[t]["utilisation"]) if load else None


def bottleneck(load: dict[str, dict[str, float]]) -> str | None:
    """The team that limits the plan: the busiest, if its utilisation is at least
    `NEAR_CAPACITY`; None when no team is near capacity (or there are no teams)."""
    team = busiest(load)
    if team is None or not load[team]["utilisation"] >= NEAR_CAPACITY:
        return None
    return team


def bottleneck_words(load: dict[str, dict[str, float]],
                     labels: Callable[[str, str], str] | None = None) -> str:
    """The bottleneck in a sentence a planner can act on (teams by `labels("teams", key)`
    when given)."""
    from ..i18n import _

    team = busiest(load)
    if team is None:
        return _("the plan has no teams")
    use = load[team]["utilisation"]
    name = labels("teams", team) if labels is not None else team
    if bottleneck(load) is None:
        return _("no team limits the plan (the busiest, {team}, uses {use} of its capacity; "
                 "a bottleneck is at {near} or more)").format(
            team=name, use=f"{use:.0%}", near=f"{NEAR_CAPACITY:.0%}")
    return _("bottleneck: {team} ({use} of its capacity)").format(team=name, use=f"{use:.0%}")


def _kpi(name: str) -> int:
    from ..kpis import KPI_INDEX

    return KPI_INDEX[name]
