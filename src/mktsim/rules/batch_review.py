"""The reviews of a batch's replications on one day, all at once.

`Review.review` checks one replication's rules with the expression tree. Here the same
review runs for every replication of a batch (`engine.batch`, which hands the day's
`ReviewStep`s over together), rule by rule in order:

1. the surveys every replication reads are drawn in one compiled call per measure
   (`observe.draw_due_surveys`, streams keyed by replication, measure and day), then each
   replication records its observations;
2. for each rule, the replications that may still act and are not cooling down get the
   values of the condition's leaves (its calls with literal arguments and bare names,
   `expr.postfix`), one column per leaf (`leaf_column`: read from all replications at
   once for the common functions), and the condition's postfix program is evaluated for
   all of them in one compiled call (`expr.postfix_kernel`);
3. only the replications whose condition holds act, in Python (`Review.act`, the actions
   of `rules.actions` on the replication's controls); what the condition saw is the
   tree's trace over the same leaf values, so the decision log is the same as alone.

A condition the postfix form does not support (text, computed arguments) and a
replication whose evaluation fails are evaluated with the tree (the failure then is the
tree's `RuleRuntimeError`). Later rules read the state after earlier rules' actions, as
alone: a rule's leaves are read when the rule is checked.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from ..engine.layout import CH_MARGIN, CH_NEW, CH_SPEND
from ..expr import Expression, Value, is_true
from ..expr.nodes import Call, Const, Node
from ..expr.postfix import BOOL_KIND, NUMBER_KIND, Program, compile_postfix, leaf_kinds
from ..expr.postfix_kernel import OK, evaluate_rows
from ..kpis import KPI_INDEX
from ..model.plan import C_STEP_DAYS
from ..scenario.rules import SURVEY_MEASURES
from .actions import (
    DONE,
    NO_BUDGET,
    STUDY_RUNNING,
    clamp,
    commissioned,
    planned_left,
    shift_money,
    study_running,
)
from .compiled import CompiledAction
from .functions import RULE_FUNCTIONS, ReviewEnvironment
from .observe import draw_due_surveys, draw_surveys

if TYPE_CHECKING:
    from .review import Review

#: What each rule function gives (None: text; such a call is left to the tree).
FUNCTION_KINDS: dict[str, str | None] = {
    **{name: NUMBER_KIND for name in RULE_FUNCTIONS}, "on_track": BOOL_KIND,
    "best_channel": None}


@functools.lru_cache(maxsize=256)
def postfix_of(expression: Expression) -> Program | None:
    """The postfix program of a rule's condition (None: the tree evaluates it)."""
    return compile_postfix(expression.root, FUNCTION_KINDS.get)


def review_together(reviews: Sequence[Review], day: int) -> None:
    """`Review.review` of every replication of `reviews` on `day` (their rules are the
    same rules), with the same decisions and log as one by one."""
    _LAST_TARGET[0], _REVIEWING[0] = None, True
    try:
        _review_together(reviews, day)
    finally:
        _LAST_TARGET[0], _REVIEWING[0] = None, False


def _review_together(reviews: Sequence[Review], day: int) -> None:
    """`review_together`."""
    draw_due_surveys([r.observer for r in reviews], day)
    for review in reviews:
        review.observer.record_all(day)
    envs = [ReviewEnvironment(r, day) for r in reviews]
    done = [0] * len(reviews)
    for index, rule in enumerate(reviews[0].rules.rules):
        active = _active(reviews, index, day, done)
        if not active:
            continue
        program = postfix_of(rule.when)
        if program is None:
            for i in active:
                value, seen = reviews[i].condition(index, envs[i], day)
                if is_true(value):
                    done[i] = reviews[i].act(index, envs[i], seen, done[i])
            continue
        members = [reviews[i] for i in active]
        leaves = np.column_stack([leaf_column(node, members, day) for node in program.nodes]
                                 ) if program.nodes else np.empty((len(active), 0))
        values, status, jumped = evaluate_rows(program, leaves)
        failed = status != OK
        rows = np.flatnonzero(failed | ((values != 0.0) & (values == values))).tolist()
        holds = [(row, active[row]) for row in rows]
        first = first_settings(rule.then[0], [reviews[i] for _, i in holds], day) if (
            holds and rule.then) else None
        acting: list[tuple[int, dict[str, Value], dict[str, object] | None]] = []
        read = leaves.tolist() if holds else []
        failed_rows, jumped_rows = failed.tolist(), jumped.tolist()
        for n, (row, i) in enumerate(holds):
            if failed_rows[row]:  # the tree raises the located error
                value, seen = reviews[i].condition(index, envs[i], day)
            elif jumped_rows[row]:  # the tree's trace: what it read before stopping
                leaf_env = LeafEnvironment(program, leaves[row], day)
                value, seen = reviews[i].condition(index, leaf_env, day)
            else:  # every leaf was read, in leaf order
                value, seen = True, _seen(program, read[row])
            if is_true(value):
                acting.append((i, seen, None if first is None else first[n]))
        if not (shift_budgets(reviews, index, acting, day, done)
                or research_together(reviews, index, acting, day, done)):
            for i, seen, settings in acting:
                done[i] = reviews[i].act(index, envs[i], seen, done[i], settings)
    for review in reviews:
        review.close_review(day)


def _active(reviews: Sequence[Review], index: int, day: int, done: list[int]) -> list[int]:
    """The reviews that check rule `index`: those that may still act in this review and
    are not cooling down from the rule's last action (`Review.cooling`)."""
    first = reviews[0].rules
    cooldown, most = first.rules[index].cooldown, first.max_actions
    if any(r.rules.max_actions != most for r in reviews):
        return [i for i, r in enumerate(reviews)
                if done[i] < r.rules.max_actions and not r.cooling(index, day)]
    return [i for i, r in enumerate(reviews) if done[i] < most and (
        index not in r.acted or day - r.acted[index] > cooldown)]


def _seen(program: Program, row: list[float]) -> dict[str, Value]:
    """What a condition that read all its leaves saw (the tree's trace); `row`: the
    leaves' values in leaf order."""
    if not _has_bool(program):
        return dict(zip(program.leaves, row, strict=True))
    return {text: (bool(value) if kind == BOOL_KIND else value)
            for text, kind, value in zip(program.leaves, _kinds(program), row, strict=True)}


@functools.lru_cache(maxsize=256)
def _has_bool(program: Program) -> bool:
    return BOOL_KIND in _kinds(program)


@functools.lru_cache(maxsize=256)
def _kinds(program: Program) -> tuple[str, ...]:
    return leaf_kinds(program, FUNCTION_KINDS.get)


class LeafEnvironment:
    """The values of a condition's leaves for one replication, as an expression
    environment (so that the tree's trace is what the condition saw)."""

    def __init__(self, program: Program, row: np.ndarray, day: int) -> None:
        self.day = day
        self.values: dict[object, Value] = {}
        for node, kind, value in zip(program.nodes, _kinds(program), row.tolist(),
                                     strict=True):
            self.values[_leaf_key(node)] = bool(value) if kind == BOOL_KIND else value

    def call(self, name: str, args: tuple[Value, ...]) -> Value:
        """The leaf's value."""
        return self.values[(name, args)]

    def lookup(self, name: str) -> Value:
        """The bare name's value."""
        return self.values[name]


def _leaf_key(node: Node) -> object:
    if isinstance(node, Call):
        return (node.name, tuple(a.value for a in node.args if isinstance(a, Const)))
    return getattr(node, "name", "")


# --- acting -------------------------------------------------------------------------

def shift_budgets(reviews: Sequence[Review], index: int,
                  acting: list[tuple[int, dict[str, Value], dict[str, object] | None]],
                  day: int, done: list[int]) -> bool:
    """Carry out rule `index`'s actions for the reviews `acting` names (review, what its
    condition saw, its first action's settings) when the rule's one action is a
    `shift_budget`: the money each channel has left read for all of them at once, then
    each replication's two scales changed and its decision logged, as `Review.act` and
    `Actions.shift_budget` would; False (nothing done) for any other rule."""
    rule = reviews[0].rules.rules[index]
    if not acting or len(rule.then) != 1 or rule.then[0].kind != "shift_budget":
        return False
    action = rule.then[0]
    if any(isinstance(arg, Expression) for _, arg in action.args) and any(
            settings is None for _, _, settings in acting):
        return False
    fixed = dict(action.args)
    members = [reviews[i] for i, _, _ in acting]
    left = _money_left(members, day)  # Actions.remaining of every channel
    channels = reviews[0].channels
    settings = [dict(fixed) if s is None else s for _, _, s in acting]
    outcomes = shifts_at_once(members, settings, channels, left)
    if outcomes is None:
        outcomes = [shift_money(r.actions, a, channels, money.__getitem__)
                    for r, a, money in zip(members, settings, left.tolist(), strict=True)]
    for (i, seen, _), (status, used) in zip(acting, outcomes, strict=True):
        review = reviews[i]
        review.decide(day, rule.name, "shift_budget", used, seen, status, own=True)
        if status == DONE:
            done[i] += 1
            review.acted[index] = day
    return True


def shifts_at_once(reviews: Sequence[Review], settings: list[dict[str, Any]],
                   channels: tuple[str, ...], left: np.ndarray
                   ) -> list[tuple[str, dict[str, Any]]] | None:
    """`shift_money` of every review (its settings, the money each channel has left,
    [R, C]) with the checks and the two channels' new scales computed for all at once,
    the scales written into the batch's stacked scales: the same statuses, amounts and
    products as one by one. None (nothing done) unless the reviews are rows of one batch,
    move the same share from the same channel, and their channels' adstocks are daily (a
    change of scale then changes nothing else, `Replication.set_channel_scale`)."""
    rows, first = batch_rows(reviews), settings[0]
    src, share = first.get("from"), first.get("share")
    if rows is None or share is None or src not in channels or any(
            a.get("from") != src or a.get("share") != share or "amount" in a
            for a in settings) or not all(_daily_adstock(r) for r in reviews):
        return None
    s, where = channels.index(src), {name: c for c, name in enumerate(channels)}
    t = np.array([where.get(a["to"], -1) for a in settings], dtype=np.intp)
    every = np.arange(len(reviews))
    have, base = left[every, s], left[every, np.maximum(t, 0)]
    amount = have * clamp(share, 0.0, 1.0)
    with np.errstate(invalid="ignore"):
        ok = (t >= 0) & (t != s) & (have > 0) & (base > 0) & (amount > 0)
    if any(r.actions.paused for r in reviews):
        ok &= np.array([int(c) not in r.actions.paused for r, c in zip(reviews, t.tolist(),
                                                                         strict=True)])
    moved = np.flatnonzero(ok)
    scales = reviews[0].stack["chan_scale"]  # type: ignore[index]
    at, to = rows[moved], t[moved]
    scales[at, s] = scales[at, s] * ((have[moved] - amount[moved]) / have[moved])
    scales[at, to] = scales[at, to] * ((base[moved] + amount[moved]) / base[moved])
    amounts, oks = amount.tolist(), ok.tolist()
    return [(DONE, {**a, "amount": amounts[n]}) if oks[n] else  # the reason it was skipped
            shift_money(r.actions, a, channels, left[n].tolist().__getitem__)
            for n, (r, a) in enumerate(zip(reviews, settings, strict=True))]


def research_together(reviews: Sequence[Review], index: int,
                      acting: list[tuple[int, dict[str, Value], dict[str, object] | None]],
                      day: int, done: list[int]) -> bool:
    """Carry out rule `index`'s actions for the reviews `acting` names when the rule's one
    action is a `research` with written-out settings, as `Review.act` and
    `Actions.research` would: the budget each has left read for all of them at once, the
    cost taken out of every channel's scale in the batch's stacked scales and booked in
    its stacked one-off costs (the same IEEE products and sums as one by one), the
    commissioned rules shared (`actions.commissioned`); False (nothing done) for any other
    rule, or unless the reviews are rows of one batch whose channels' adstocks are daily."""
    rule = reviews[0].rules.rules[index]
    if not acting or len(rule.then) != 1 or rule.then[0].kind != "research":
        return False
    action = rule.then[0]
    members = [reviews[i] for i, _, _ in acting]
    rows = batch_rows(members)
    if rows is None or any(isinstance(arg, Expression) for _, arg in action.args) or not all(
            _daily_adstock(r) for r in members):
        return False
    a = dict(action.args)
    measure, size = str(a["measure"]), round(a["sample_size"])
    days, cost = max(1, round(a["days"])), float(a.get("cost", 0.0))
    running = np.array([study_running(r.actions.rules, measure, day, size) for r in members],
                       dtype=bool)
    left = _money_left(members, day).sum(axis=1)  # `Actions.budget_left`, row by row
    paid = ~running & ~(cost > left) if cost > 0 else ~running
    if cost > 0 and paid.any():  # `Actions.pay`
        at = rows[paid]
        scales = reviews[0].stack["chan_scale"]  # type: ignore[index]
        scales[at] = scales[at] * (1.0 - cost / left[paid])[:, None]
        reviews[0].stack["extra_spend"][at, day] += cost  # type: ignore[index]
    used = {**a, "sample_size": size, "days": days}
    for (i, seen, _), is_running, is_paid in zip(acting, running.tolist(), paid.tolist(),
                                                  strict=True):
        review = reviews[i]
        if is_paid:
            review.set_rules(commissioned(review.actions.rules, measure, day, days, size, cost))
            review.decide(day, rule.name, "research", dict(used), seen, DONE, own=True)
            done[i] += 1
            review.acted[index] = day
        else:
            status = STUDY_RUNNING.format(measure=measure) if is_running else NO_BUDGET
            review.decide(day, rule.name, "research", a, seen, status)
    return True


def _daily_adstock(review: Review) -> bool:
    """Whether every channel of the review's plan has a daily adstock (read once)."""
    daily = review.daily_adstock
    if daily is None:
        chan_par = review.rep.plan.chan_par
        daily = review.daily_adstock = bool((chan_par[:, C_STEP_DAYS] <= 1).all())
    return daily


# --- the leaves' columns ---------------------------------------------------------------

Column = Callable[["Sequence[Review]", int, list[Value]], np.ndarray]


def leaf_column(node: Node, reviews: Sequence[Review], day: int) -> np.ndarray:
    """The value of one leaf for each review, [R] float64 (true/false as 1/0)."""
    if not isinstance(node, Call):  # the bare name `day`
        return np.full(len(reviews), float(day))
    args = [a.value for a in node.args if isinstance(a, Const)]
    together = COLUMNS.get(node.name)
    if together is not None:
        return together(reviews, day, args)
    function = RULE_FUNCTIONS[node.name]
    return np.array([float(function(r, day, args)) for r in reviews], dtype=np.float64)


def _channel_column(measure: str) -> Column:
    def column(reviews: Sequence[Review], day: int, args: list[Value]) -> np.ndarray:
        c = reviews[0].channels.index(str(args[0]))
        totals = snapshots_of(reviews)[:, c]
        spend, margin, new = totals[:, CH_SPEND], totals[:, CH_MARGIN], totals[:, CH_NEW]
        if measure == "spend":
            return spend.astype(np.float64)
        with np.errstate(divide="ignore", invalid="ignore"):
            if measure == "roi":
                return np.where(spend > 0, (margin - spend) / spend, np.nan)
            return np.where(new > 0, spend / new, np.nan)
    return column


def snapshots_of(reviews: Sequence[Review]) -> np.ndarray:
    """The reviews' latest internal reports stacked, [R, C, N_CH]: read from the one copy
    their batch's snapshots made (`SnapshotStep.run_together`) in one step, else
    stacked one by one."""
    copy = reviews[0].snapshot_copy
    if copy is not None and all(r.snapshot_copy is copy for r in reviews):
        return copy[[r.snapshot_row for r in reviews]]
    return np.array([r.snapshot for r in reviews])


def _budget_left(reviews: Sequence[Review], day: int, args: list[Value]) -> np.ndarray:
    """`Actions.budget_left` of every review: planned money left x the channels' scales,
    summed over channels (row by row, as one review sums its own)."""
    return _money_left(reviews, day).sum(axis=1)


def _money_left(reviews: Sequence[Review], day: int) -> np.ndarray:
    """`Actions.remaining_all` of every review, [R, C]."""
    spend = reviews[0].rep.plan.spend
    at = min(max(day, 0), spend.shape[1])
    rows = batch_rows(reviews)
    if all(r.rep.plan.spend is spend for r in reviews):  # one plan's spend
        planned = reviews[0].actions.planned_left[None, :, at]
    elif rows is not None:
        planned = _planned_stack(reviews, rows)[:, :, at][rows]
    else:
        planned = np.array([r.actions.planned_left[:, at] for r in reviews])
    if rows is None:
        return planned * np.array([r.rep.channel_scales() for r in reviews])
    return planned * reviews[0].stack["chan_scale"][rows]  # type: ignore[index]


def batch_rows(reviews: Sequence[Review]) -> np.ndarray | None:
    """The rows of the reviews' replications in their batch's stacked arrays
    (`Review.stack`), so that a state array is read for all of them in one step; None
    when they are not all rows of one batch (then each replication's controls are read)."""
    stack = reviews[0].stack
    if stack is None:
        return None
    rows = [r.row for r in reviews if r.stack is stack]
    return np.array(rows, dtype=np.intp) if len(rows) == len(reviews) else None


#: the keys of the batch's stacked state (`Review.stack`) under which `_planned_stack`
#: keeps the planned money left of its replications, [R, C, D + 1] by row, and which rows
#: are filled, [R]: each replication's plan has its own spend when the plans are sampled,
#: so `_money_left` reads them by row; kept on the batch, they go with it
_PLANNED_LEFT = "_rules.planned_left"
_PLANNED_FILLED = "_rules.planned_filled"


def _planned_stack(reviews: Sequence[Review], rows: np.ndarray) -> np.ndarray:
    """`Actions.planned_left` of every replication of the reviews' batch by row, [R, C,
    D + 1] (the rows of `reviews` filled in when first read)."""
    stack = reviews[0].stack
    if stack is None:
        raise RuntimeError("the planned money is stacked for the rows of one batch only")
    if _PLANNED_LEFT not in stack:
        count, (c, d) = stack["chan_scale"].shape[0], reviews[0].rep.plan.spend.shape
        stack[_PLANNED_LEFT] = np.empty((count, c, d + 1))
        stack[_PLANNED_FILLED] = np.zeros(count, dtype=bool)
    planned, filled = stack[_PLANNED_LEFT], stack[_PLANNED_FILLED]
    if not filled[rows].all():
        for review, done in zip(reviews, filled[rows].tolist(), strict=True):
            if not done:  # `planned_left` written in place, then read by the review too
                row, own = planned[review.row], review.actions.planned_left_if_made()
                if own is None:
                    planned_left(review.rep.plan.spend, out=row)
                    review.actions.share_planned_left(row)
                else:  # made already (a study paid for before any money was read)
                    row[...] = own
        filled[rows] = True
    return planned


def _target_column(name: str) -> Column:
    """`Review.target_function` `name` (target, gap, on_track) of every review at once;
    per review where the reviews read the target on other days (`_target_values`)."""
    def column(reviews: Sequence[Review], day: int, args: list[Value]) -> np.ndarray:
        target_id = str(args[0])
        reading = _target_reading(reviews, day, target_id)
        if name == "target":
            return reading.threshold
        found = reading.values()
        if found is None:
            return np.array([float(r.target_function(name, target_id, day)) for r in reviews])
        seen, value = found
        threshold, sign = reading.threshold, reading.sign
        if name == "gap":
            return sign * (threshold - value)
        first_day, deadline = reading.known[0][4], reading.known[0][5]
        if seen < first_day:
            return np.ones(len(reviews))
        progress = min(1.0, (seen - first_day + 1) / max(deadline - first_day + 1, 1))
        start = reading.start
        expected = start + (threshold - start) * progress
        return (sign * (value - expected) >= 0).astype(np.float64)
    return column


class _TargetReading:
    """What the leaves on one target read of a list of reviews on one day: each review's
    `Review.target_of` (`known`), its threshold, sign and start value [R], and the values
    of the target's metric (`values`, read when first asked: `target(t)` alone reads no
    survey)."""

    def __init__(self, reviews: Sequence[Review], day: int, target_id: str) -> None:
        self.reviews, self.day, self.target_id = reviews, day, target_id
        self.known = [r.target_of(target_id) for r in reviews]
        columns = tuple(zip(*self.known, strict=True))  # threshold, sign, ..., start
        self.threshold, self.sign = np.array(columns[0]), np.array(columns[1])
        self.start = np.array(columns[6])
        self._values: tuple[tuple[int, np.ndarray] | None] | None = None

    def values(self) -> tuple[int, np.ndarray] | None:
        """`_target_values` of the reviews (read once)."""
        if self._values is None:
            self._values = (_target_values(self.reviews, self.known, self.day),)
        return self._values[0]


#: while a batch's review runs (`review_together`), the last `_TargetReading` made: the
#: leaves `target(t)`, `gap(t)` and `on_track(t)` of one condition read the same (nothing
#: changes between a condition's leaves); None otherwise (every leaf reads its own)
_LAST_TARGET: list[_TargetReading | None] = [None]
#: set while a batch's review runs
_REVIEWING = [False]


def _target_reading(reviews: Sequence[Review], day: int, target_id: str) -> _TargetReading:
    """The reading of `target_id` for `reviews` on `day`, made once for the leaves of one
    condition (the same list of reviews on the same day) while a batch's review runs."""
    last = _LAST_TARGET[0]
    if last is not None and last.reviews is reviews and last.day == day and (
            last.target_id == target_id):
        return last
    reading = _TargetReading(reviews, day, target_id)
    if _REVIEWING[0]:
        _LAST_TARGET[0] = reading
    return reading


def _target_values(reviews: Sequence[Review], known: list[tuple], day: int
                   ) -> tuple[int, np.ndarray] | None:
    """The day every review sees its target's metric as of, and the value it reads then
    ([R]; flows summed from the target's first day); None when the reviews do not share
    the metric, its days and its lag."""
    metric, flow, first_day, deadline = known[0][2:6]
    seen = reviews[0].observer.as_of(metric, day)
    infos = {id(r.observer.info): r.observer for r in reviews}  # the lags are the info's
    if len({k[2:6] for k in known}) > 1 or any(
            o.as_of(metric, day) != seen for o in infos.values()):
        return None
    last = min(seen, deadline)
    if not flow:
        observers = [r.observer for r in reviews]
        if metric in SURVEY_MEASURES:  # those not drawn yet (past the deadline) at once
            draw_surveys(observers, metric, last)
        drawn = [o.drawn(metric, last) for o in observers]  # a survey drawn already
        if None in drawn:
            drawn = [o.value_on(metric, last) for o in observers]
        return seen, np.array(drawn)
    lo = max(first_day, 0)
    if last < lo:
        return seen, np.zeros(len(reviews))
    k, rows = KPI_INDEX[metric], batch_rows(reviews)
    if rows is not None:  # `Replication.kpi_total` of every row, summed row by row
        return seen, reviews[0].stack["out"][rows, k, lo:last + 1].sum(axis=1)  # type: ignore[index]
    return seen, np.array([r.rep.kpi_total(k, lo, last + 1) for r in reviews])


#: Leaves read for all reviews at once (the others: the rule function per review).
COLUMNS: dict[str, Column] = {
    "roi": _channel_column("roi"), "cac": _channel_column("cac"),
    "spend": _channel_column("spend"), "budget_left": _budget_left,
    **{name: _target_column(name) for name in ("target", "gap", "on_track")}}


# --- the first action's settings -------------------------------------------------------

def first_settings(action: CompiledAction, reviews: Sequence[Review], day: int
                   ) -> list[dict[str, object]] | None:
    """The settings of a rule's first action for each review whose condition holds (no
    action of the rule has run yet, so they read what `Review.resolve` would read),
    with the computed ones read for all reviews at once; None when a computed setting is
    not of a kind read together (`Review.resolve` computes them one by one then)."""
    computed = {key: arg for key, arg in action.args if isinstance(arg, Expression)}
    if not computed:
        return None
    columns: dict[str, list[object]] = {}
    for key, expression in computed.items():
        column = setting_column(expression, reviews, day)
        if column is None:
            return None
        columns[key] = column
    return [{key: columns[key][n] if key in columns else arg for key, arg in action.args}
            for n in range(len(reviews))]


def setting_column(expression: Expression, reviews: Sequence[Review], day: int
                   ) -> list[object] | None:
    """A computed setting's value for each review (text, or a float as `resolve` gives
    it), or None when it is computed one by one: `best_channel(...)` with literal
    arguments, and numbers whose postfix program runs without a failure."""
    root = expression.root
    literals = [a.value for a in getattr(root, "args", ()) if isinstance(a, Const)]
    if isinstance(root, Call) and root.name == "best_channel" and len(literals) == len(
            root.args):
        return best_channels(reviews, day, *[str(v) for v in literals])
    program = postfix_of(expression)
    if program is None:
        return None
    leaves = np.column_stack([leaf_column(node, reviews, day) for node in program.nodes]
                             ) if program.nodes else np.empty((len(reviews), 0))
    values, status, _ = evaluate_rows(program, leaves)
    if np.any(status != OK):
        return None
    return [float(v) for v in values.tolist()]


def best_channels(reviews: Sequence[Review], day: int, measure: str,
                  leave_out: str | None = None) -> list[object]:
    """`Review.best_channel` of every review: the first channel with the best finite
    measure among those running with money left ('' when none)."""
    channels = reviews[0].channels
    values = channel_measures_of(reviews, measure).reshape(len(reviews), len(channels))
    left = _money_left(reviews, day).reshape(values.shape)
    usable = np.isfinite(values) & (left > 0)
    if leave_out in channels:
        usable[:, channels.index(leave_out)] = False
    worst = np.inf if measure == "cac" else -np.inf
    ranked = np.where(usable, values, worst)
    best = ranked.argmin(axis=1) if measure == "cac" else ranked.argmax(axis=1)
    return [channels[b] if ok else "" for b, ok in zip(best.tolist(), usable.any(axis=1).tolist(),
                                                       strict=True)]


def channel_measures_of(reviews: Sequence[Review], measure: str) -> np.ndarray:
    """`Review.channel_measures` of every review at once, [R, C] (from each review's
    latest internal report)."""
    totals = snapshots_of(reviews).astype(np.float64, copy=False)
    spend, margin, new = totals[..., CH_SPEND], totals[..., CH_MARGIN], totals[..., CH_NEW]
    if measure in ("spend", "new_customers"):
        return spend if measure == "spend" else new
    with np.errstate(divide="ignore", invalid="ignore"):
        if measure == "roi":
            return np.where(spend > 0, (margin - spend) / spend, np.nan)
        return np.where(new > 0, spend / new, np.nan)
