"""Competitors as actors: the rivals' loop of one replication, run beside our review loop
(`ReviewLoop` starts it; see docs/model.md, "Competitors that answer").

- Advertising: each day a competitor spends `money_per_day x its spend factor`; the
  exposures per person go through the same geometric adstock and Hill curve as our
  channels (`model.response`), and its awareness share A moves as the aggregate of the
  same awareness hazard: A <- A + (1 - A)(1 - exp(-h)) - A (1 - exp(-f)), with
  h = beta x hill(adstock; K, s) and f the forgetting hazard, per day. The choice model
  sees the new awareness every `media_step` days (weekly).
- Reactions: at each of its looks (every `looks_every_days`) a competitor evaluates its
  reactions' conditions, in the safe expression language, over what it observes of us
  through the market information system (our prices, promotions and launches
  `intelligence_delay_days` late; our market share as market intelligence reports it).
  When a condition becomes true (it was false, or not yet checked, at the previous look)
  and the reaction is not cooling down or already on its way, the competitor acts with
  the reaction's probability, `delay_days` later. Every move, and every reaction it chose
  not to make, is logged with its day, like our review decisions.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Generator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from ..expr import Expression, ExpressionError, Value, compile_expression, is_true
from ..model.response import geometric_adstock, hill
from ..model.rival_plan import ReactionText, RivalMedia, RivalPlan, RivalText
from ..scenario.rival_vocabulary import reaction_vocabulary
from .compiled import CompiledRules
from .market_intel import AWARENESS, PRICE, CompetitorBook
from .observe import Observer

if TYPE_CHECKING:
    from ..engine.controls import Controls

DONE = "done"


class ReactionError(ValueError):
    """A reaction whose condition could not be evaluated during a run; names the
    competitor, the reaction, the day and the problem."""


@dataclass(frozen=True)
class Seen:
    """What a competitor knows of our products at a look: list price, promotion depth and
    whether each is on sale, as of the intelligence delay."""

    list_price: tuple[float, ...]
    discount: tuple[float, ...]
    on_sale: tuple[bool, ...]

    def paid(self, i: int) -> float:
        """The price paid for product i (list price less the promotion)."""
        return self.list_price[i] * (1.0 - self.discount[i])


@dataclass
class RivalState:
    """One competitor's state in a replication: its media and its reactions' memory."""

    text: RivalText
    conditions: tuple[Expression, ...]
    adstock: float = 0.0
    media_day: int = 0  # days before this one have had their advertising computed
    spend_factor: float = 1.0
    spent: float = 0.0
    last_seen: Seen | None = None
    was_true: dict[int, bool] = field(default_factory=dict)
    pending: set[int] = field(default_factory=set)
    cooling_until: dict[int, int] = field(default_factory=dict)


def quiet_rules(plan: RivalPlan) -> CompiledRules:
    """Review settings without rules, for the observer of a plan whose only actors are
    competitors (the information settings are the scenario's)."""
    return CompiledRules(review_days=(), rules=(), max_actions=0, price_bounds=(),
                         info=plan.info, targets=(), target_days=(),
                         start_date=plan.start_date, budget=0.0)


class Rivals:
    """The competitors' looks, reactions and advertising in one replication."""

    def __init__(self, rep: Controls, plan: RivalPlan, observer: Observer,
                 book: CompetitorBook, moves: list[dict[str, Any]]) -> None:
        self.rep, self.plan, self.observer, self.book = rep, plan, observer, book
        self.moves = moves
        vocabulary = reaction_vocabulary(rep.plan.products)
        self.states = [RivalState(r, tuple(_compiled(x.when, vocabulary) for x in r.reactions))
                       for r in plan.rivals]
        self.rng = np.random.default_rng(int(rep.rng.integers(2**63)))
        self.snapshots: dict[int, Seen] = {}

    # --- the process -------------------------------------------------------------------
    def timeline(self) -> list[tuple[int, int, str]]:
        """(day, order, what) of every snapshot of our offer, media step and look."""
        horizon, delay = self.rep.plan.horizon, self.plan.info.intel_delay
        items: set[tuple[int, int, str]] = set()
        for k, s in enumerate(self.states):
            for day in range(s.text.look_every, horizon, s.text.look_every):
                items.add((max(day - 1 - delay, 0), 0, f"snap:{day}"))
                items.add((day, 2, f"look:{k}"))
        if any(s.text.media is not None for s in self.states):
            items.update((day, 1, "media") for day in range(0, horizon, self.plan.media_step))
        return sorted(items)

    def process(self) -> Generator[Any, Any, None]:
        """The SimPy process."""
        env = self.rep.env
        for day, _, what in self.timeline():
            if day > env.now:
                yield env.timeout(day - env.now)
            self.rep.sync(day)
            kind, _, arg = what.partition(":")
            if kind == "snap":
                self.snapshots[int(arg)] = self.seen_now()
            elif kind == "media":
                for state in self.states:
                    self.advertise(state, day)
                self.rep.refresh()
            else:
                self.look(self.states[int(arg)], day)

    def seen_now(self) -> Seen:
        """Our products' offer as it stands now."""
        n = len(self.rep.plan.products)
        return Seen(tuple(self.rep.list_price(i) for i in range(n)),
                    tuple(self.rep.discount(i) for i in range(n)),
                    tuple(self.rep.on_sale(i) for i in range(n)))

    # --- advertising -------------------------------------------------------------------
    def advertise(self, state: RivalState, day: int) -> None:
        """Spend and let awareness move over the days since the last step, up to `day`;
        the competitor's awareness from `day` on is the result."""
        media, first = state.text.media, state.media_day
        if media is None or day <= first:
            return
        j = state.text.index
        money = np.full(day - first, media.money_per_day * state.spend_factor)
        x = money * media.exposures_per_money / self.rep.plan.market_size
        if media.normalize:
            x = x * (1.0 - media.theta)
        carried = state.adstock * media.theta ** np.arange(1, day - first + 1)
        stock = geometric_adstock(x, media.theta) + carried
        awareness = _awareness_path(float(self.rep.competitor(j)[AWARENESS]), stock, media)
        state.adstock, state.media_day = float(stock[-1]), day
        state.spent += float(money.sum())
        self.rep.set_competitor(j, AWARENESS, awareness)
        self.book.record(j, AWARENESS, day, awareness)

    # --- reactions ---------------------------------------------------------------------
    def look(self, state: RivalState, day: int) -> None:
        """Check the competitor's reactions at a look on `day`."""
        seen = self.snapshots.get(day) or self.seen_now()  # shared by looks on one day
        env = RivalEnvironment(self, state, seen, day)
        for k, (reaction, condition) in enumerate(zip(state.text.reactions, state.conditions,
                                                      strict=True)):
            try:
                value, trace = condition.evaluate_with_trace(env)
            except ExpressionError as exc:
                raise ReactionError(
                    f"reaction '{reaction.name}' of competitor '{state.text.name}' failed at "
                    f"its look on day {day}: condition {reaction.when!r}: {exc}") from None
            now, before = is_true(value), state.was_true.get(k, False)
            state.was_true[k] = now
            if not now or before or k in state.pending \
                    or day < state.cooling_until.get(k, 0):
                continue
            self.decide(state, k, day, dict(trace), env)
        state.last_seen = seen

    def decide(self, state: RivalState, k: int, day: int, trace: dict[str, Value],
               env: RivalEnvironment) -> None:
        """Act with the reaction's probability, `delay` days later (or log the refusal)."""
        reaction = state.text.reactions[k]
        if self.rng.random() >= reaction.probability:
            self.log(state, reaction, day, day, {}, trace, "skipped: chose not to react")
            return
        args = self.settings(reaction, env)
        when = day + reaction.delay
        if when >= self.rep.plan.horizon:
            return
        state.pending.add(k)

        def act() -> None:
            state.pending.discard(k)
            status, used = self.act(state, reaction, when, args)
            state.cooling_until[k] = when + reaction.cooldown + 1
            self.rep.refresh()
            self.log(state, reaction, when, day, used, trace, status)

        self.rep.at(when, act)

    def settings(self, reaction: ReactionText, env: RivalEnvironment) -> dict[str, Any]:
        """The action's settings, with what the look saw for `match_cut`."""
        args: dict[str, Any] = dict(reaction.args)
        if reaction.kind == "match_cut":
            args["amount"] = env.cut_amount(str(args["product"]))
        return args

    def act(self, state: RivalState, reaction: ReactionText, day: int,
            args: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        """Carry out a reaction on `day`; (status, the settings as carried out)."""
        return ACTIONS[reaction.kind](self, state, day, args)

    def set_price(self, state: RivalState, day: int, price: float) -> None:
        """The competitor's price from `day` on."""
        j = state.text.index
        self.rep.set_competitor(j, PRICE, price)
        self.book.record(j, PRICE, day, price)

    def log(self, state: RivalState, reaction: ReactionText, day: int, seen_on: int,
            args: dict[str, Any], seen: dict[str, Value], status: str) -> None:
        """Log one move (or a reaction not made)."""
        date = self.plan.start_date + dt.timedelta(days=day)
        self.moves.append({"day": day, "date": date.isoformat(),
                           "competitor": state.text.name, "reaction": reaction.name,
                           "action": reaction.kind, "args": args, "seen": seen,
                           "seen_on": seen_on, "status": status})


def _cut_price(rivals: Rivals, state: RivalState, day: int,
               a: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    old = float(rivals.rep.competitor(state.text.index)[PRICE])
    new = old * (1.0 - float(a["share"]))
    if not new > 0:
        return "skipped: the price would not stay above 0", a
    rivals.set_price(state, day, new)
    return DONE, {**a, "from": old, "to": new}


def _match_cut(rivals: Rivals, state: RivalState, day: int,
               a: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    amount = float(a["amount"])
    old = float(rivals.rep.competitor(state.text.index)[PRICE])
    if not amount > 0:
        return "skipped: no price cut to match", a
    if not old - amount > 0:
        return "skipped: the price would not stay above 0", a
    rivals.set_price(state, day, old - amount)
    return DONE, {**a, "from": old, "to": old - amount}


def _promote(rivals: Rivals, state: RivalState, day: int,
             a: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    depth, days = float(a["depth"]), int(a["days"])
    old = float(rivals.rep.competitor(state.text.index)[PRICE])
    rivals.set_price(state, day, old * (1.0 - depth))

    def end() -> None:
        now = float(rivals.rep.competitor(state.text.index)[PRICE])
        rivals.set_price(state, day + days, now / (1.0 - depth))
        rivals.rep.refresh()

    if day + days < rivals.rep.plan.horizon:
        rivals.rep.at(day + days, end)
    return DONE, {**a, "from": old, "to": old * (1.0 - depth)}


def _raise_spend(rivals: Rivals, state: RivalState, day: int,
                 a: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    if state.text.media is None:
        return "skipped: no advertising", a
    rivals.advertise(state, day)
    state.spend_factor *= 1.0 + float(a["share"])
    return DONE, {**a, "spend_factor": state.spend_factor}


ACTIONS: dict[str, Callable[[Rivals, RivalState, int, dict[str, Any]],
                            tuple[str, dict[str, Any]]]] = {
    "cut_price": _cut_price, "match_cut": _match_cut, "promote": _promote,
    "raise_spend": _raise_spend,
}


class RivalEnvironment:
    """The functions of a reaction's condition, at one look of one competitor."""

    def __init__(self, rivals: Rivals, state: RivalState, seen: Seen, day: int) -> None:
        self.rivals, self.state, self.seen, self.day = rivals, state, seen, day
        self.products = rivals.rep.plan.products

    def lookup(self, name: str) -> Value:
        """Bare values."""
        if name == "day":
            return float(self.day)
        raise ExpressionError(f"no value for name {name!r}")

    def call(self, name: str, args: tuple[Value, ...]) -> Value:
        """The competitors' functions (`scenario/rival_vocabulary.py`)."""
        i = self.products.index(str(args[0])) if args else -1
        seen, rep, j = self.seen, self.rivals.rep, self.state.text.index
        if name == "price":
            return seen.paid(i)
        if name == "list_price":
            return seen.list_price[i]
        if name == "promoting":
            return seen.discount[i] > 0
        if name == "launched":
            return seen.on_sale[i]
        if name == "price_cut":
            return self.cut_share(i)
        if name == "our_share":
            return self.rivals.observer.kpi("market_share", self.day)
        if name == "own_price":
            return float(rep.competitor(j)[PRICE])
        if name == "own_awareness":
            return float(rep.competitor(j)[AWARENESS])
        raise ExpressionError(f"no implementation for function {name!r}")

    def cut_share(self, i: int) -> float:
        """Share by which our price paid fell since the previous look (0 if it did not)."""
        before = self.state.last_seen
        if before is None or not before.paid(i) > 0:
            return 0.0
        return max(0.0, 1.0 - self.seen.paid(i) / before.paid(i))

    def cut_amount(self, product: str) -> float:
        """Money by which our price paid fell since the previous look (0 if it did not)."""
        i = self.products.index(product)
        before = self.state.last_seen
        return 0.0 if before is None else max(0.0, before.paid(i) - self.seen.paid(i))


def _awareness_path(start: float, stock: np.ndarray, media: RivalMedia) -> float:
    """Awareness after the days of `stock` (adstocked exposures per person per day)."""
    hazard = media.aware_per_day * hill(stock, media.half_saturation, media.shape)
    gain, lose = 1.0 - np.exp(-hazard), 1.0 - math.exp(-media.forget_per_day)
    a = start
    for g in gain:
        a = a + (1.0 - a) * float(g) - a * lose
    return min(max(a, 0.0), 1.0)


_COMPILED: dict[str, Expression] = {}


def _compiled(text: str, vocabulary: Any) -> Expression:
    key = text + "\0" + repr(sorted(vocabulary.symbols.get("product", ())))
    if key not in _COMPILED:
        _COMPILED[key] = compile_expression(text, vocabulary)
    return _COMPILED[key]


def start_rivals(rep: Controls, observer: Observer, book: CompetitorBook,
                 moves: list[dict[str, Any]]) -> Rivals | None:
    """Start the rivals' process of a replication whose plan has competitors that
    advertise or react; None otherwise."""
    plan = getattr(rep.plan, "rivals", None)
    if plan is None:
        return None
    rivals = Rivals(rep, plan, observer, book, moves)
    rep.env.process(rivals.process())
    return rivals
