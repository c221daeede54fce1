"""Compile a validated scenario and one of its strategies into a Plan of arrays."""

from __future__ import annotations

import datetime as dt
import functools
import math
from typing import Any

import numpy as np

from ..scenario.company import Channel, Product
from ..scenario.model import ScenarioSpec
from ..scenario.pricing import list_prices
from ..scenario.strategy import Strategy
from . import plan as P
from .demand import DemandPlan, demand_plan
from .hazards import per_day
from .latent import beta_classes, class_hazards, split_counts
from .response import step_retention
from .reused import Reused
from .review_plan import review_plan
from .rival_plan import rival_plan


def compile_plan(spec: ScenarioSpec, strategy: str) -> P.Plan:
    """Build the engine's arrays for `strategy` (a name in `spec.strategies`); raise
    ScenarioError when the numbers overflow (extreme values that pass the schema)."""
    plan = _compile(spec, strategy)
    _check_finite(plan)
    return plan


_SPEND, _CHANNEL_ROW, _STRATEGY_EVENTS = Reused(16), Reused(), Reused(16)
#: the strategy-free part of the plans of a scenario (`_market_part`), by the scenario's
#: identity: the strategies of `compare` compile each replication's drawn scenario in
#: turn, a thousand replications apart (about 6 kB of arrays each)
_MARKET = Reused(1024)
#: the review rules of a strategy as plain data (`_review_plan`)
_RULES = Reused(16)


#: the columns of chan_par but the capacity (which may be inf)
_NOT_CAPACITY = np.delete(np.arange(P.N_CHAN_PAR), P.C_CAPACITY)


def _check_finite(plan: P.Plan) -> None:
    """Every rate, price and amount must be a finite number (channel capacity may be inf)."""
    chan = plan.chan_par[:, _NOT_CAPACITY]
    arrays = {"segment rates": plan.seg_rates, "channel effects and costs": chan,
              "spend": plan.spend, "prices": plan.product_price, "teams": plan.team_par,
              "competitors": plan.competitor_attr, "choice weights": plan.choice_weights,
              "season and demand drivers": plan.season}
    if np.isfinite(np.concatenate([a.ravel() for a in arrays.values()])).all():
        return  # one test of every number; which arrays fail only when one does
    from ..scenario.errors import Problem, ScenarioError

    bad = [name for name, a in arrays.items() if not np.isfinite(a).all()]
    if bad:
        raise ScenarioError([Problem(
            f"strategy {plan.strategy}", None, ", ".join(bad),
            "the numbers overflow (a value is too large or too small to simulate)",
            "check for extreme values, e.g. a cost near 0 or a budget near 10^15")])


def _compile(spec: ScenarioSpec, strategy: str) -> P.Plan:
    strat = spec.strategies[strategy]
    prices = list_prices(spec, strat)
    channels = tuple(spec.channels)
    return P.Plan(
        strategy=strategy,
        **_MARKET((spec,), (), lambda: _market_part(spec)),
        spend=_spend(spec, strat, channels),
        extra_spend=_extra_spend(spec, strat),
        team_headcount=np.array(
            [(strat.headcount or {}).get(n, t.headcount) for n, t in spec.teams.items()],
            dtype=np.int64,
        ),
        product_price=np.array([prices[n] for n in spec.products]),
        events=_events(spec, strat),
        rules=_review_plan(spec, strategy),
    )


def _review_plan(spec: ScenarioSpec, strategy: str) -> Any:
    """`review_plan` of the strategy, kept by the sections it reads (`_RULES`; of the
    channels only their names): the sampled scenarios of a run share them unless a drawn
    value is one of theirs."""
    strat = spec.strategies[strategy]
    sections = (strat.rules, spec.rules, spec.products, spec.teams, spec.information,
                spec.targets, strat)
    plain = (strategy, tuple(spec.channels), spec.start_date, spec.horizon_days)
    return _RULES(sections, plain, lambda: review_plan(spec, strategy))


def _market_part(spec: ScenarioSpec) -> dict[str, Any]:
    """The Plan's fields that do not depend on the strategy, its arrays made read-only:
    the plans of every strategy compiled from one scenario share them (`_MARKET`)."""
    part = _market_fields(spec)
    for value in part.values():
        if isinstance(value, np.ndarray):
            value.flags.writeable = False
    return part


def _market_fields(spec: ScenarioSpec) -> dict[str, Any]:
    channels = tuple(spec.channels)
    teams = tuple(spec.teams)
    stages = [_handoff(spec, ch)[0] for ch in spec.channels.values()]
    rows = expand_latent_classes(spec, {
        "segments": np.array(list(spec.market.segments), dtype=object),
        "init_state": _init_state(spec),
        "init_extra": _init_extra_adopters(spec),
        "seg_rates": _seg_rates(spec),
        "price_sensitivity": np.array([s.price_sensitivity
                                       for s in spec.market.segments.values()]),
        "affinity": _affinity(spec, channels),
    })
    drivers = _demand_plan(spec)
    return dict(
        horizon=spec.horizon_days,
        market_size=float(spec.market.size),
        segments=tuple(rows["segments"]),
        channels=channels,
        teams=teams,
        products=tuple(spec.products),
        competitors=tuple(spec.market.competitors),
        init_state=rows["init_state"],
        init_adstock=_init_adstock(spec),
        init_adopters=_init_adopters(spec, rows),
        seg_rates=rows["seg_rates"],
        price_sensitivity=rows["price_sensitivity"],
        affinity=rows["affinity"],
        chan_par=_chan_par(spec, teams),
        kappa=_kappa(spec, channels),
        season=_season(spec) if drivers is None else drivers.season(),
        demand=drivers,
        team_par=_team_par(spec),
        team_skill=np.array(
            [[t.skill.initial, t.skill.new_hire, t.skill.max] for t in spec.teams.values()]
        ).reshape(len(teams), 3),
        team_attrition=np.array([per_day(t.attrition_per_year) for t in spec.teams.values()]),
        team_hiring_delay=np.array([float(t.hiring_delay_days) for t in spec.teams.values()]),
        team_replace=np.array([t.replace_leavers for t in spec.teams.values()], dtype=bool),
        max_patience=max([t.patience_days for t in spec.teams.values()], default=1),
        max_stages=max([*stages, 1]),
        service_team=teams.index(spec.crm.service_team) if spec.crm.service_team else -1,
        complaint_rate=spec.crm.complaints_per_order,
        lost_after_complaint=np.array(
            [spec.crm.lost_after_complaint.unresolved, spec.crm.lost_after_complaint.resolved,
             spec.crm.lost_after_complaint.resolved_same_day]
        ),
        loyalty_cost_per_day=_loyalty_cost(spec),
        discount_rate=spec.crm.discount_rate_per_year,
        product_cost=np.array([p.unit_cost for p in spec.products.values()]),
        product_quality=np.array([p.quality for p in spec.products.values()]),
        product_constant=np.array([p.brand_constant for p in spec.products.values()]),
        product_launch=np.array(
            [spec.day_of(p.launch) if p.launch else 0 for p in spec.products.values()],
            dtype=np.int64,
        ),
        competitor_attr=np.array(
            [[c.price, c.quality, c.awareness, c.brand_constant]
             for c in spec.market.competitors.values()]
        ).reshape(len(spec.market.competitors), 4),
        choice_weights=np.array(
            [spec.market.choice.price_weight, spec.market.choice.awareness_weight,
             spec.market.choice.quality_weight, spec.market.choice.outside_option,
             spec.market.choice.loyalty_bonus]
        ),
        bass_mode=spec.market.bass_consistent,
        wom_customers=spec.market.word_of_mouth.source == "customers",
        rivals=rival_plan(spec),
        promotion_switching=(spec.market.promotion_response.switching_share
                             if spec.market.promotion_response else None),
    )


def expand_latent_classes(spec: ScenarioSpec, rows: dict[str, np.ndarray]
                          ) -> dict[str, np.ndarray]:
    """Replace each segment with sBG churn by its latent classes (one row each): counts
    split by class weight, churn hazards by class, everything else copied."""
    if not any(s.churn_beta for s in spec.market.segments.values()):
        return rows
    parts: dict[str, list[np.ndarray]] = {k: [] for k in rows}
    for i, seg in enumerate(spec.market.segments.values()):
        beta = seg.churn_beta
        if beta is None:
            for k, v in rows.items():
                parts[k].append(v[i: i + 1])
            continue
        p, w = beta_classes(beta.a, beta.b, beta.classes)
        hazards = class_hazards(p, beta.period_days)
        for k, v in rows.items():
            parts[k].append(np.repeat(v[i: i + 1], beta.classes, axis=0))
        parts["init_state"][-1] = split_counts(rows["init_state"][i], w)
        parts["init_extra"][-1] = split_counts(rows["init_extra"][i], w)
        rates = parts["seg_rates"][-1]
        ratio = _loyal_hazard_ratio(spec)
        rates[:, P.R_CHURN] = hazards
        rates[:, P.R_LOYAL_CHURN] = hazards * ratio
    return {k: np.concatenate(v) for k, v in parts.items()}


def _loyal_hazard_ratio(spec: ScenarioSpec) -> float:
    programme = spec.crm.loyalty_programme
    return programme.churn_hazard_ratio if programme else 1.0


def _init_state(spec: ScenarioSpec) -> np.ndarray:
    rows = []  # filled as lists, made one array: numpy's item writes cost more than these
    for seg in spec.market.segments.values():
        out = [0] * P.N_STATES
        pop = round(spec.market.size * seg.share)
        loyal = round(pop * seg.initial_loyal)
        cust = round(pop * seg.initial_customers)
        cons = round(pop * seg.initial_consideration)
        lapsed = round(pop * seg.initial_lapsed)
        aware = max(round(pop * seg.initial_awareness) - loyal - cust - cons - lapsed, 0)
        out[P.LOYAL], out[P.CUSTOMER], out[P.CONSIDERING], out[P.AWARE] = \
            loyal, cust, cons, aware
        out[P.CHURNED] = lapsed
        out[P.UNAWARE] = pop - loyal - cust - cons - lapsed - aware
        rows.append(out)
    return np.array(rows, dtype=np.int64).reshape(len(rows), P.N_STATES)


def _init_extra_adopters(spec: ScenarioSpec) -> np.ndarray:
    """[S, 1] people who ever bought on day 0 beyond the customers, loyal and lapsed (those
    who lapsed and forgot us): `initial_adopters` less the others, people."""
    rows = []
    for seg in spec.market.segments.values():
        pop = round(spec.market.size * seg.share)
        held = sum(round(pop * x) for x in (seg.initial_customers, seg.initial_loyal,
                                             seg.initial_lapsed))
        given = seg.initial_adopters
        rows.append([0 if given is None else max(round(pop * given) - held, 0)])
    return np.array(rows, dtype=np.int64).reshape(len(rows), 1)


def _init_adopters(spec: ScenarioSpec, rows: dict[str, np.ndarray]) -> np.ndarray | None:
    """[S] people who ever bought by day 0 (the talkers of Bass word of mouth), None when
    no segment gives initial_adopters (the engine then counts customers + loyal +
    lapsed)."""
    if all(s.initial_adopters is None for s in spec.market.segments.values()):
        return None
    init = rows["init_state"]
    return (init[:, P.CUSTOMER] + init[:, P.LOYAL] + init[:, P.CHURNED]
            + rows["init_extra"][:, 0]).astype(np.int64)


def _init_adstock(spec: ScenarioSpec) -> np.ndarray | None:
    """[C] each channel's adstock stock before day 0 (`adstock.initial`, adstocked
    exposures per person), None when every channel starts from none."""
    stocks = [ch.adstock.initial for ch in spec.channels.values()]
    return np.array(stocks, dtype=float) if any(stocks) else None


def _seg_rates(spec: ScenarioSpec) -> np.ndarray:
    m = spec.market
    decay = per_day(m.awareness_decay_per_year)
    cons_decay = per_day(
        m.awareness_decay_per_year if m.consideration_decay_per_year is None
        else m.consideration_decay_per_year
    )
    loyalty = spec.crm.loyalty_programme
    hazard_ratio = _loyal_hazard_ratio(spec)
    lift = loyalty.repurchase_lift if loyalty else 0.0
    rows = []
    for s in m.segments.values():
        row = [0.0] * P.N_SEG_RATES
        row[P.R_INNOVATION] = per_day(m.word_of_mouth.innovation)
        row[P.R_IMITATION] = per_day(m.word_of_mouth.imitation)
        row[P.R_DECAY] = decay
        row[P.R_CONSIDER] = per_day(s.consideration_per_year)
        row[P.R_CONSIDER_DECAY] = cons_decay
        row[P.R_SHOP] = per_day(s.purchase_per_year)
        row[P.R_REPEAT] = per_day(s.repurchase_per_year)
        row[P.R_LOYAL] = per_day(s.loyalty_per_year)
        row[P.R_CHURN] = per_day(s.churn_per_year)
        row[P.R_LOYAL_CHURN] = per_day(s.churn_per_year) * hazard_ratio
        row[P.R_WINBACK] = per_day(s.winback_per_year)
        row[P.R_LOYAL_REPEAT] = per_day(s.repurchase_per_year) * (1.0 + lift)
        row[P.R_MEDIA_SCALING] = m.demand.media_scaling if m.demand is not None else 1.0
        rows.append(row)
    return np.array(rows, dtype=float)


def _affinity(spec: ScenarioSpec, channels: tuple[str, ...]) -> np.ndarray:
    out = np.ones((len(spec.market.segments), len(channels)))
    for i, seg in enumerate(spec.market.segments.values()):
        for name, value in seg.channel_affinity.items():
            out[i, channels.index(name)] = value
    return out


def _handoff(spec: ScenarioSpec, ch: Channel) -> tuple[int, float, float, float]:
    """(stages, rate, skip, loss) of the hand-off from a channel to its team: a discrete
    delay with the mean and coefficient of variation of an Erlang (`handoff_stages`)."""
    if ch.team is None or ch.department is None:
        return 0, 0.0, 0.0, 0.0
    to = spec.teams[ch.team].department
    for h in spec.org.handoffs:
        if h.from_department == ch.department and h.to_department == to:
            stages, rate, skip = handoff_stages(h.delay_days, h.stages)
            return stages, rate, skip, h.loss
    return 0, 0.0, 0.0, 0.0


def handoff_stages(mean_days: float, stages: int) -> tuple[int, float, float]:
    """(k, rate, skip) of a hand-off delay of mean D = `mean_days` in k = `stages` stages.

    The delay L is counted in whole days from the day a lead enters the hand-off to the
    day it reaches the team (0: the same day, as without a hand-off). It is the sum of k
    independent stages S of mean m = D / k days: a stage is finished the day it starts
    with probability `skip`, and otherwise lasts a geometric number of days >= 1, ending
    each day with probability `rate`:

    - m >= 1/2: rate = 2 / (2m + 1), skip = rate / 2. Then E[S] = m and Var[S] = m^2, the
      moments of an exponential stage, so L has exactly the mean D and the coefficient of
      variation 1 / sqrt(k) of an Erlang-k delay (its variance D^2 / k).
    - m < 1/2: a stage of whole days cannot vary that little (the least variance of a
      count of mean m < 1 is m (1 - m) > m^2). Each stage then lasts 0 or 1 day: rate = 1,
      skip = 1 - m, so L ~ Binomial(k, D / k), of mean D and variance D (1 - D / k).
    - D = 0: no delay (no stages).
    """
    if not mean_days > 0.0:
        return 0, 0.0, 0.0
    k = max(1, int(stages))
    m = mean_days / k
    if m >= 0.5:
        rate = 2.0 / (2.0 * m + 1.0)
        return k, rate, 0.5 * rate
    return k, 1.0, 1.0 - m


def handoff_delay_moments(mean_days: float, stages: int) -> tuple[float, float]:
    """(mean, variance) in days of the hand-off delay that `handoff_stages` describes."""
    k, rate, skip = handoff_stages(mean_days, stages)
    if k == 0:
        return 0.0, 0.0
    # a stage: 0 with probability skip, else geometric >= 1 with success probability rate
    mean = (1.0 - skip) / rate
    second = (1.0 - skip) * (2.0 - rate) / rate**2
    return k * mean, k * (second - mean**2)


def _chan_par(spec: ScenarioSpec, teams: tuple[str, ...]) -> np.ndarray:
    out = []
    for ch in spec.channels.values():
        team = teams.index(ch.team) if ch.team else -1
        handoff = _handoff(spec, ch)
        out.append(_CHANNEL_ROW((ch,), (team, handoff),
                                functools.partial(_channel_row, ch, team, handoff)))
    return np.array(out, dtype=float).reshape(len(out), P.N_CHAN_PAR)


def _channel_row(ch: Channel, team: int, handoff: tuple[int, float, float, float]
                 ) -> tuple[float, ...]:
    """A channel's row of chan_par, given its team's index and its hand-off."""
    row: list[float] = [0.0] * P.N_CHAN_PAR
    row[P.C_EXPOSURE_PER_MONEY] = ch.cost.exposures_per_money()
    row[P.C_THETA] = step_retention(ch.adstock.retention_per_week, ch.adstock.step_days)
    row[P.C_NORMALIZE] = float(ch.adstock.normalize)
    row[P.C_STEP_DAYS] = ch.adstock.step_days
    if ch.awareness:
        row[P.C_AW_BETA] = per_day(ch.awareness.per_year)
        row[P.C_AW_K], row[P.C_AW_S] = ch.awareness.half_saturation, ch.awareness.shape
        row[P.C_AW_CURVE] = P.CURVES.index(ch.awareness.curve)
    else:
        row[P.C_AW_K], row[P.C_AW_S] = 1.0, 1.0
    if ch.conversion:
        row[P.C_CV_LIFT] = ch.conversion.lift
        row[P.C_CV_K], row[P.C_CV_S] = ch.conversion.half_saturation, ch.conversion.shape
        row[P.C_CV_CURVE] = P.CURVES.index(ch.conversion.curve)
    else:
        row[P.C_CV_K], row[P.C_CV_S] = 1.0, 1.0
    row[P.C_CAPACITY] = ch.capacity_per_day if ch.capacity_per_day else math.inf
    row[P.C_TEAM] = team
    row[P.C_COMMISSION] = ch.cost.commission
    stages, rate, skip, loss = handoff
    row[P.C_HANDOFF_STAGES], row[P.C_HANDOFF_RATE] = stages, rate
    row[P.C_HANDOFF_SKIP], row[P.C_HANDOFF_LOSS] = skip, loss
    return tuple(row)


def _kappa(spec: ScenarioSpec, channels: tuple[str, ...]) -> np.ndarray:
    out = np.zeros((len(channels), len(channels)))
    for i, ch in enumerate(spec.channels.values()):
        for other, k in ch.synergy_with.items():
            out[i, channels.index(other)] += per_day(k)
    return out


def plan_dates(spec: ScenarioSpec) -> list[dt.date]:
    """The calendar date of every simulated day."""
    return list(_dates(spec.start_date, spec.horizon_days))


@functools.lru_cache(maxsize=32)
def _dates(start: dt.date, days: int) -> tuple[dt.date, ...]:
    return tuple(start + dt.timedelta(days=d) for d in range(days))


@functools.lru_cache(maxsize=32)
def _calendar(start: dt.date, days: int) -> tuple[np.ndarray, np.ndarray]:
    """(months since the start's month, calendar month 0-11) of every simulated day, as
    read-only arrays."""
    dates = _dates(start, days)
    since = np.array([(d.year - start.year) * 12 + d.month - start.month for d in dates])
    month = np.array([d.month - 1 for d in dates])
    since.flags.writeable = month.flags.writeable = False
    return since, month


def _flight_weights(spec: ScenarioSpec, strat: Strategy) -> np.ndarray:
    if strat.flighting is None or strat.flighting.weights is None:
        return np.ones(spec.horizon_days)
    months = _calendar(spec.start_date, spec.horizon_days)[0]
    w = np.asarray(strat.flighting.weights, dtype=float)
    index = months % 12 if strat.flighting.by == "month" else (months // 3) % 4
    return w[index]


def _channel_weights(spec: ScenarioSpec, strat: Strategy, channel: str) -> np.ndarray | float:
    """The channel's own month weights (`flighting.by_month`) of every day (1: none)."""
    own = (strat.flighting.by_month or {}).get(channel) if strat.flighting else None
    if own is None:
        return 1.0
    months = _calendar(spec.start_date, spec.horizon_days)[0]
    return np.asarray(own, dtype=float)[months % 12]


def _spend(spec: ScenarioSpec, strat: Strategy, channels: tuple[str, ...]) -> np.ndarray:
    """Money per channel per day (a new array, computed once per strategy object, start,
    horizon and channels)."""
    key = (spec.start_date, spec.horizon_days, channels)
    return _SPEND((strat,), key, lambda: _spend_of(spec, strat, channels)).copy()


def _spend_of(spec: ScenarioSpec, strat: Strategy, channels: tuple[str, ...]) -> np.ndarray:
    """Money per channel per day: budget x share x flighting (the plan's and the
    channel's own month weights) over the active days; each channel's total is its share."""
    out = np.zeros((len(channels), spec.horizon_days))
    if not strat.budget or not strat.allocation:
        return out
    flight = _flight_weights(spec, strat)
    for i, name in enumerate(channels):
        share = strat.allocation.get(name, 0.0)
        weights = flight * _channel_weights(spec, strat, name) * _active(spec, strat, name)
        if share > 0 and weights.sum() > 0:
            out[i] = strat.budget * share * weights / weights.sum()
    return out


def _active(spec: ScenarioSpec, strat: Strategy, channel: str) -> np.ndarray:
    windows = (strat.windows or {}).get(channel)
    if not windows:
        return np.ones(spec.horizon_days)
    on = np.zeros(spec.horizon_days)
    for w in windows:
        first = spec.day_of(w.start)
        on[max(first, 0): max(first + w.days, 0)] = 1.0
    return on


def _extra_spend(spec: ScenarioSpec, strat: Strategy) -> np.ndarray:
    out = np.zeros(spec.horizon_days)
    for t in strat.training or []:
        out[spec.day_of(t.on)] += t.cost
    return out


def _season(spec: ScenarioSpec) -> np.ndarray:
    months = _calendar(spec.start_date, spec.horizon_days)[1]
    return np.asarray(spec.market.seasonality.by_month, dtype=float)[months]


def _demand_plan(spec: ScenarioSpec) -> DemandPlan | None:
    """The demand drivers over the plan's days (None without `market.demand`)."""
    if spec.market.demand is None:
        return None
    return demand_plan(spec.market.demand, spec.start_date, _season(spec))


def _team_par(spec: ScenarioSpec) -> np.ndarray:
    out = np.zeros((len(spec.teams), P.N_TEAM_PAR))
    for i, t in enumerate(spec.teams.values()):
        out[i, P.T_RATE] = t.capacity_per_person_per_day
        out[i, P.T_TAU] = t.skill.ramp_days
        out[i, P.T_PATIENCE] = t.patience_days
        out[i, P.T_CLOSE] = t.close_rate
        out[i, P.T_CLOSE_DECAY] = t.close_decay_per_day
        out[i, P.T_COST_PER_DAY] = t.cost_per_person_per_month * 12.0 / 365.0
    return out


def _loyalty_cost(spec: ScenarioSpec) -> float:
    programme = spec.crm.loyalty_programme
    return programme.cost_per_member_per_month * 12.0 / 365.0 if programme else 0.0


def _events(spec: ScenarioSpec, strat: Strategy) -> tuple[P.Event, ...]:
    before, after = _STRATEGY_EVENTS(
        (strat, spec.products), (spec.start_date,),
        functools.partial(_strategy_events, spec.start_date, strat, spec.products))
    ev: list[P.Event] = list(before)
    for name, comp in spec.market.competitors.items():
        for mv in comp.moves:
            for col, value in enumerate((mv.price, mv.quality, mv.awareness)):
                if value is not None:
                    ev.append(P.Event(spec.day_of(mv.on), P.EventKind.COMPETITOR, name, value,
                                      col))
    ev += after
    ev += _borrowing_events(spec, strat)
    ev = [e for e in ev if 0 <= e.day < spec.horizon_days]
    return tuple(sorted(ev, key=lambda e: e.day))


def _borrowing_events(spec: ScenarioSpec, strat: Strategy) -> list[P.Event]:
    """With `market.promotion_response`, each promotion moves purchases forward while it
    runs (PULL) and repays them in a dip over `dip_weeks` weeks after it (DIP), listed
    after the promotion's own events of the same day."""
    response = spec.market.promotion_response
    if response is None:
        return []
    out: list[P.Event] = []
    dip_days = 7 * response.dip_weeks
    for promo in strat.promotions or []:
        first = spec.day_of(promo.start)
        end = first + promo.days
        out += [P.Event(first, P.EventKind.PULL, promo.product, response.moved_forward),
                P.Event(end, P.EventKind.PULL, promo.product, 0.0),
                P.Event(end, P.EventKind.DIP, promo.product, promo.days / dip_days),
                P.Event(end + dip_days, P.EventKind.DIP, promo.product, 0.0)]
    return out


def _strategy_events(start: dt.date, strat: Strategy, products: dict[str, Product]
                     ) -> tuple[tuple[P.Event, ...], tuple[P.Event, ...]]:
    """The events of a strategy and of product launches: those listed before competitors'
    moves (prices, promotions) and after them (hires, training, launches)."""
    def day(date: dt.date) -> int:
        return (date - start).days

    before: list[P.Event] = []
    for pc in strat.price_changes or []:
        before.append(P.Event(day(pc.on), P.EventKind.PRICE, pc.product, pc.price))
    for promo in strat.promotions or []:
        first = day(promo.start)
        before.append(P.Event(first, P.EventKind.DISCOUNT, promo.product, promo.discount))
        before.append(P.Event(first + promo.days, P.EventKind.DISCOUNT, promo.product, 0.0))
    after: list[P.Event] = []
    for hire in strat.hires or []:
        after.append(P.Event(day(hire.on), P.EventKind.HIRE, hire.team, hire.count))
    for tr in strat.training or []:
        after.append(P.Event(day(tr.on), P.EventKind.TRAINING, tr.team, tr.skill_gain))
    for name, product in products.items():
        if product.launch is not None:
            after.append(P.Event(day(product.launch), P.EventKind.LAUNCH, name, 1.0))
    return tuple(before), tuple(after)
