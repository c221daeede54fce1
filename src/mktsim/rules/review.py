"""The periodic review: on each review day (a change the replication carries out on that
day, `Controls.at`) it looks at the observed market, checks the rules in order and carries
out the actions of those whose condition holds (at most `max_actions_per_review` actions
per review), logging every decision.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import pickle
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from ..engine.layout import CH_LEADS, CH_MARGIN, CH_NEW, CH_SPEND
from ..expr import Environment, Expression, ExpressionError, Value, is_true
from ..kpis import KPI_INDEX, KPIS
from ..model import plan as P
from ..model.measures import start_value, threshold_of
from ..model.reused import Reused
from .actions import DONE, NO_BUDGET, Actions
from .compiled import CompiledAction, CompiledRules, Study, compile_review
from .functions import RULE_FUNCTIONS as RULE_FUNCTIONS  # the registry, also known here
from .functions import ReviewEnvironment
from .log import ReviewTally
from .market_intel import PRICE, CompetitorBook, competitor_survey
from .observe import NAMES, Observer, packed_records_of
from .rivals import quiet_rules, start_rivals

if TYPE_CHECKING:
    from ..engine.controls import Controls

NAN = math.nan


class RuleRuntimeError(ValueError):
    """A rule that could not be evaluated during a run (e.g. a division by zero).

    ``str(error)`` names the rule, the review day (and date), the expression and what went
    wrong, on one line, e.g. ``rule 'cut' failed at the review on day 30 (2027-01-31):
    condition "roi('kol') / spend('kol') > 1": column 15: division by zero``.
    The error pickles with all its attributes, so it arrives intact from a worker process.
    """

    def __init__(self, rule: str, day: int, date: str, where: str, expression: str,
                 problem: str) -> None:
        self.rule, self.day, self.date = rule, day, date
        self.where, self.expression, self.problem = where, expression, problem
        # the constructor's arguments, so that copies (SimPy re-raises a failed process's
        # error as type(exc)(*exc.args)) and pickles are whole
        super().__init__(rule, day, date, where, expression, problem)

    def __str__(self) -> str:
        when = f"day {self.day}" + (f" ({self.date})" if self.date else "")
        return (f"rule '{self.rule}' failed at the review on {when}: {self.where} "
                f"{self.expression!r}: {self.problem}")

    def __reduce__(self) -> tuple[type[RuleRuntimeError], tuple[object, ...]]:
        return (type(self), (self.rule, self.day, self.date, self.where, self.expression,
                             self.problem))


@dataclass
class ReviewLog:
    """What the reviews of one replication decided and saw (plain data, picklable)."""

    decisions: list[dict[str, Any]] = field(default_factory=list)
    #: each review's observations: (review day, [3, K] array of the as-of day, observed
    #: and true value of every KPI, in `observe.NAMES` order); `observations` lists them
    observed: list[tuple[int, np.ndarray]] = field(default_factory=list)
    #: the competitors' moves (rules/rivals.py): day, competitor, reaction, action, ...
    competitor_moves: list[dict[str, Any]] = field(default_factory=list)

    #: the observer whose records `close` reads (None once read)
    observer: Observer | None = field(default=None, repr=False, compare=False)

    def close(self) -> None:
        """Read the observations of the finished replication (`Observer.records`)."""
        observer, self.observer = self.observer, None
        if observer is not None:
            self.observed = observer.records()

    @staticmethod
    def close_together(logs: Sequence[ReviewLog], daily: np.ndarray | None = None,
                       rows: Sequence[int] | None = None) -> None:
        """`close` of every log of `logs` (a batch's), their observations read at once
        (`observe.packed_records_of`; `daily` [R, K, D], the replications' daily records,
        row rows[i] for logs[i]), the same figures as one by one; each log keeps them as
        its review days and blocks stacked, the list of `observed` made when first read."""
        open_ = [i for i, log in enumerate(logs) if log.observer is not None]
        observers = [logs[i].observer for i in open_]
        at = None if rows is None else [rows[i] for i in open_]
        for i, packed in zip(open_, packed_records_of(observers, daily, at), strict=True):
            log = logs[i]
            log.observer = None
            if packed is not None:  # kept as arrays, a list when read (`__getattr__`)
                log.__dict__.pop("observed", None)
                log.__dict__["_observed"] = packed
            else:
                log.observed = []

    def __getstate__(self) -> dict[str, Any]:
        """The log as it crosses from a worker process: its decisions as one pickled bytes
        object and its observations as two arrays (review days, the blocks stacked), made
        into lists again only if read (`decisions`, `observed`): the run's figures come
        from its chunks' tallies (`ReviewTally`), so the parent seldom reads them."""
        state = dict(self.__dict__)
        if "decisions" in state:
            state["_packed"] = pickle.dumps(state.pop("decisions"), pickle.HIGHEST_PROTOCOL)
        if state.get("observed"):
            observed = state.pop("observed")
            state["_observed"] = (np.array([day for day, _ in observed], dtype=np.int64),
                                  np.stack([block for _, block in observed]))
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)

    def __getattr__(self, name: str) -> Any:
        """`decisions` and `observed` of a log that came packed (`__getstate__`),
        unpacked when first read."""
        packed = self.__dict__.pop(_PACKED.get(name, "_"), None)
        if packed is None:
            raise AttributeError(name)
        if name == "decisions":
            value = pickle.loads(packed)
        else:
            days, blocks = packed
            value = [(day, blocks[n]) for n, day in enumerate(days.tolist())]
        self.__dict__[name] = value
        return value

    @property
    def observations(self) -> list[tuple[int, str, int, float, float]]:
        """(review day, kpi, as-of day, observed, true) of every KPI at every review."""
        return [(day, name, int(as_of), seen, true)
                for day, block in self.observed
                for name, as_of, seen, true in zip(NAMES, *block.tolist(), strict=True)]


#: Where `ReviewLog.__getstate__` keeps a packed field, by the field's name
_PACKED = {"decisions": "_packed", "observed": "_observed"}

#: Actions that change only money, people later or information, never the market's
#: prices: a review whose actions were all of these needs no `Controls.refresh`.
SPEND_ONLY = frozenset({"shift_budget", "pause", "resume", "research", "train", "hire"})


class Review:
    """The review loop of one replication."""

    def __init__(self, rep: Controls, rules: CompiledRules) -> None:
        self.rep: Controls = rep
        self.rules = rules
        self.channels = rep.plan.channels
        self.observer: Observer = Observer(rep, rules.info)
        self._book: CompetitorBook | None = None
        self.actions: Actions = Actions(rep, rules)
        #: the studies scheduled in `information:` (bought when they start)
        self.scheduled = rules.info.studies
        #: the last day each rule acted (for cooldown_days)
        self.acted: dict[int, int] = {}
        self.log = ReviewLog()
        #: what `target_function` reads of each target read so far, by id (`_target`)
        self.targets: dict[str, tuple[float, float, str, bool, int, int, float]] = {}
        self.snapshot = np.zeros_like(rep.channel_totals())
        #: the copy of a batch's snapshots [R, C, N_CH] whose row `snapshot_row` is
        #: `snapshot` (`SnapshotStep.run_together`); None when the snapshot is its own
        self.snapshot_copy: np.ndarray | None = None
        self.snapshot_row = 0
        #: an action since the last review changed prices (`refresh` needed)
        self.market_changed = False
        self.last_review = (0, np.zeros_like(self.snapshot))
        #: a rule may read `utilisation` (`close_review` keeps the channel totals)
        self.keeps_totals = _reads_utilisation(rules)
        #: in a batch: its stacked state arrays and this replication's row in them
        #: (`Replication.stack`, read by `rules.batch_review`); None alone
        self.stack: dict[str, np.ndarray] | None = getattr(rep, "stack", None)
        self.row: int = getattr(rep, "row", 0)
        #: every channel of the plan has a daily adstock (None: not read yet,
        #: `batch_review.shifts_at_once`)
        self.daily_adstock: bool | None = None

    @property
    def book(self) -> CompetitorBook:
        """The competitors' offers over time (made when first read: most rules never
        read them)."""
        if self._book is None:
            self._book = CompetitorBook(self.rep.plan)
        return self._book

    # --- the processes -----------------------------------------------------------------
    def timeline(self) -> list[tuple[int, int, str]]:
        """(day, order, what) of every snapshot, study and review, in time order (kept by
        the rules' identity: the sampled plans of a run share them)."""
        return _TIMELINES((self.rules,), (self.rep.plan.horizon,),
                          lambda: _timeline(self.rules, self.rep.plan.horizon))

    def schedule(self) -> None:
        """Register every snapshot, study and review of the timeline as a change of the
        replication on its day (`Controls.at`: SimPy when the replication runs alone, the
        batch's calendar when it runs in a batch, `engine.batch`)."""
        at = self.rep.at
        for day, order, what in self.timeline():
            if order == 0:  # a snapshot
                at(day, SnapshotStep(self, day))
            elif order == 2:
                at(day, ReviewStep(self, day))
            else:
                at(day, functools.partial(self.step, day, what))

    def take_snapshot(self) -> None:
        """The internal report a later review reads (the channel totals to date)."""
        self.snapshot, self.snapshot_copy = self.rep.channel_totals(), None

    def step(self, day: int, what: str) -> None:
        """One item of the timeline on its day (the population synced to it)."""
        kind, _, arg = what.partition(":")
        if kind == "snap":
            self.take_snapshot()
        elif kind == "study":
            self.buy_study(int(arg), day)
        else:
            self.review(day)
            self.rep.refresh()

    def set_rules(self, rules: CompiledRules) -> None:
        """Use changed rules (a study added or dropped) everywhere."""
        self.rules = rules
        self.observer.info = rules.info
        self.actions.rules = rules

    def buy_study(self, i: int, day: int) -> None:
        """Pay for a scheduled research study when it starts (dropped when the budget is
        short)."""
        study = self.scheduled[i]
        done = self.actions.pay(day, study.cost)
        self.decide(day, f"research:{study.measure}", "research",
                    {"measure": study.measure, "sample_size": study.sample_size,
                     "days": study.end - study.start, "cost": study.cost},
                    {}, DONE if done else NO_BUDGET)
        if not done:
            self.set_rules(_without_study(self.rules, study))

    def review(self, day: int) -> None:
        """Check every rule in order; act while actions are allowed (this replication
        alone; `rules.batch_review` reviews a batch's replications together)."""
        self.observer.record_all(day)
        done = 0
        env = ReviewEnvironment(self, day)
        for index in range(len(self.rules.rules)):
            if done >= self.rules.max_actions:
                break
            if self.cooling(index, day):
                continue
            value, seen = self.condition(index, env, day)
            if is_true(value):
                done = self.act(index, env, seen, done)
        self.close_review(day)

    def cooling(self, index: int, day: int) -> bool:
        """Whether rule `index` acted within its cooldown before `day` (not checked)."""
        return index in self.acted and day - self.acted[index] <= self.rules.rules[index].cooldown

    def condition(self, index: int, env: Environment,
                  day: int) -> tuple[Value, dict[str, Value]]:
        """The value of rule `index`'s condition at the review on `day` and what it saw
        (the tree, reading `env`); a failure is a `RuleRuntimeError`."""
        rule = self.rules.rules[index]
        try:
            return rule.when.evaluate_with_trace(env)
        except ExpressionError as exc:
            raise self.failure(rule.name, day, "condition", rule.when, exc) from None

    def act(self, index: int, env: ReviewEnvironment, seen: dict[str, Value], done: int,
            first: dict[str, Any] | None = None) -> int:
        """Carry out rule `index`'s actions (its condition holds) while actions are
        allowed; return the actions done in this review so far. `first`: the first
        action's settings, already computed (`rules.batch_review`)."""
        rule, day = self.rules.rules[index], env.day
        for number, action in enumerate(rule.then):
            if done >= self.rules.max_actions:
                break
            if number == 0 and first is not None:
                args = first
            else:
                args = self.resolve(action, env, rule.name, day)
            status, used = self.actions.handler(action.kind)(day, args)
            if self.actions.rules is not self.rules:  # a study commissioned
                self.set_rules(self.actions.rules)
            self.decide(day, rule.name, action.kind, used, seen, status)
            done += status == DONE
            if status == DONE:
                self.acted[index] = day
                self.market_changed |= action.kind not in SPEND_ONLY
        return done

    def close_review(self, day: int) -> None:
        """What the next review compares with (`utilisation`; kept only when a rule may
        read it)."""
        if self.keeps_totals:
            self.last_review = (day, self.rep.channel_totals())

    def resolve(self, action: CompiledAction, env: ReviewEnvironment, rule: str,
                day: int) -> dict[str, Any]:
        """An action's settings, with expressions computed now."""
        out: dict[str, Any] = {}
        for key, arg in action.args:
            if isinstance(arg, Expression):
                try:
                    value = arg.evaluate(env)
                except ExpressionError as exc:
                    raise self.failure(rule, day, f"{action.kind} {key}", arg, exc) from None
                out[key] = value if isinstance(value, str) else float(value)
            else:
                out[key] = arg
        return out

    def failure(self, rule: str, day: int, where: str, expression: Expression,
                exc: ExpressionError) -> RuleRuntimeError:
        """The error for a rule whose expression could not be evaluated."""
        date = self.rules.start_date + dt.timedelta(days=day)
        return RuleRuntimeError(rule, day, date.isoformat(), where, expression.text, str(exc))

    def decide(self, day: int, rule: str, action: str, args: dict[str, Any],
               seen: dict[str, Value], status: str, own: bool = False) -> None:
        """Log one decision (`own`: `args` and `seen` are the decision's own dicts, made
        for it, kept as they are rather than copied)."""
        date = _date_text(self.rules.start_date, day)
        if not own:
            args, seen = dict(args), dict(seen)
        self.log.decisions.append({"day": day, "date": date, "rule": rule,
                                   "action": action, "args": args, "seen": seen,
                                   "status": status})

    # --- what the functions read -------------------------------------------------------
    def channel_measure(self, name: str, c: int, totals: np.ndarray | None = None) -> float:
        """roi, cac or spend of channel c, from the latest internal report."""
        tot = self.snapshot if totals is None else totals
        spend, margin, new = tot[c, CH_SPEND], tot[c, CH_MARGIN], tot[c, CH_NEW]
        if name == "spend":
            return float(spend)
        if name == "new_customers":
            return float(new)
        if name == "roi":
            return float((margin - spend) / spend) if spend > 0 else NAN
        return float(spend / new) if new > 0 else NAN

    def channel_measures(self, name: str) -> list[float]:
        """`channel_measure` of every channel, from the latest internal report."""
        tot = self.snapshot
        spend, margin, new = tot[:, CH_SPEND], tot[:, CH_MARGIN], tot[:, CH_NEW]
        if name in ("spend", "new_customers"):
            return (spend if name == "spend" else new).astype(float).tolist()
        with np.errstate(divide="ignore", invalid="ignore"):
            if name == "roi":
                return np.where(spend > 0, (margin - spend) / spend, NAN).tolist()
            return np.where(new > 0, spend / new, NAN).tolist()

    def best_channel(self, measure: str, day: int, leave_out: str | None) -> str:
        """The running channel with money left and the best measure ('' if none)."""
        best, best_value = "", NAN
        left = self.actions.remaining_all(day).tolist()
        values = self.channel_measures(measure)
        for c, name in enumerate(self.channels):
            value = values[c]
            if name == leave_out or left[c] <= 0 or not math.isfinite(value):
                continue
            better = value < best_value if measure == "cac" else value > best_value
            if not best or better:
                best, best_value = name, value
        return best

    def team_channels(self, t: int) -> list[int]:
        """Channels whose leads the team serves."""
        return [c for c in range(len(self.channels))
                if int(self.rep.plan.chan_par[c, P.C_TEAM]) == t]

    def backlog(self, t: int) -> float:
        """Leads (and, for the service team, complaints) waiting now."""
        return float(self.rep.backlog(t))

    def utilisation(self, t: int, day: int) -> float:
        """Work arriving per day since the last review / capacity per day now."""
        since, before = self.last_review
        days = max(day - since, 1)
        now = self.rep.channel_totals()
        work = sum(now[c, CH_LEADS] - before[c, CH_LEADS] for c in self.team_channels(t))
        if t == self.rep.plan.service_team:
            work += self.rep.kpi_total(KPI_INDEX["complaints"], since, day)
        capacity = self.rep.capacity(t, day)
        return float(work / days / capacity) if capacity > 0 else NAN

    def competitor_price(self, name: str, day: int) -> float:
        """The competitor's price as of `intelligence_delay_days` ago."""
        known = day - 1 - self.rules.info.intel_delay
        return self.book.value_on(self.book.index(name), PRICE, known)

    def competitor_awareness(self, name: str, day: int) -> float:
        """The competitor's awareness as the survey fielded `survey.lag_days` ago saw it."""
        return competitor_survey(self.observer, self.book, name, day)

    def target_function(self, name: str, target_id: str, day: int) -> Value:
        """target, gap or on_track of a target."""
        threshold, sign, metric, flow, first_day, deadline, start = self.target_of(target_id)
        if name == "target":
            return float(threshold)
        seen = self.observer.as_of(metric, day)
        if flow:
            value = self.observer.true_value(metric, min(seen, deadline), first_day)
        else:
            value = self.observer.value_on(metric, min(seen, deadline))
        if name == "gap":
            return float(sign * (threshold - value))
        if seen < first_day:
            return True
        progress = min(1.0, (seen - first_day + 1) / max(deadline - first_day + 1, 1))
        expected = start + (threshold - start) * progress
        return bool(sign * (value - expected) >= 0)

    def target_of(self, target_id: str) -> tuple[float, float, str, bool, int, int, float]:
        """What `target_function` reads of a target (`_target`), read once."""
        known = self.targets.get(target_id)
        if known is None:
            known = self.targets[target_id] = self._target(target_id)
        return known

    def _target(self, target_id: str) -> tuple[float, float, str, bool, int, int, float]:
        """What `target_function` needs of a target, read once: threshold, sign (1 for
        at least, -1 for at most), metric, whether it is a flow, the first day it counts
        from, its deadline and the value its straight line starts from."""
        i = next(j for j, t in enumerate(self.rules.targets) if t.id == target_id)
        target, deadline = self.rules.targets[i], self.rules.target_days[i]
        threshold, direction = threshold_of(target, self.rep.plan)
        sign = 1.0 if direction == "at_least" else -1.0
        if KPIS[target.metric].kind == "flow":
            first = 0 if target.over_days is None else deadline - target.over_days + 1
            return threshold, sign, target.metric, True, first, deadline, 0.0
        start = self._start(target.metric, threshold)
        return threshold, sign, target.metric, False, 0, deadline, start

    def _start(self, metric: str, threshold: float) -> float:
        try:
            return start_value(self.rep.plan, metric)
        except ValueError:
            return threshold


class SnapshotStep:
    """The internal report of one replication on one day (`Review.take_snapshot`), as a
    change of its agenda: alone, or with the same day's snapshots of the other
    replications of a batch, their channel totals copied in one step (`run_together`)."""

    def __init__(self, review: Review, day: int) -> None:
        self.review = review
        self.together_key = ("snapshot", day)

    def __call__(self) -> None:
        self.review.take_snapshot()

    def run_together(self, steps: list[SnapshotStep]) -> None:
        """The snapshots of `steps` (this one among them): each review's report is its row
        of one copy of the batch's stacked channel totals [R, C, N_CH] (the same numbers as
        one copy each)."""
        from .batch_review import batch_rows

        reviews = [step.review for step in steps]
        rows = batch_rows(reviews)
        if rows is None:
            for review in reviews:
                review.take_snapshot()
            return
        totals = reviews[0].stack["chan_tot"][rows]  # type: ignore[index]
        for n, review in enumerate(reviews):
            review.snapshot, review.snapshot_copy, review.snapshot_row = totals[n], totals, n


class ReviewStep:
    """The review of one replication on one day, as a change of its agenda
    (`Controls.at`): called alone, or with the same day's reviews of the other
    replications of a batch (`run_together`, `rules.batch_review`)."""

    def __init__(self, review: Review, day: int) -> None:
        self.review, self.day = review, day
        #: reviews with the same key run together (the same day and rules)
        self.together_key = ("review", day, id(review.rules.rules))

    def __call__(self) -> None:
        self.review.step(self.day, f"review:{self.day}")

    def run_together(self, steps: list[ReviewStep]) -> None:
        """The reviews of `steps` (this one among them), all at once."""
        from .batch_review import review_together

        reviews = [step.review for step in steps]
        review_together(reviews, self.day)
        for review in reviews:  # the choice shares again where a price changed
            if review.market_changed:
                review.rep.refresh()
            review.market_changed = False


@functools.lru_cache(maxsize=4096)
def _date_text(start: dt.date, day: int) -> str:
    """The ISO date of `day` (day 0 = `start`)."""
    return (start + dt.timedelta(days=day)).isoformat()


def _without_study(rules: CompiledRules, study: Study) -> CompiledRules:
    from dataclasses import replace

    studies = tuple(s for s in rules.info.studies if s is not study)
    return replace(rules, info=replace(rules.info, studies=studies))


@dataclass(frozen=True)
class ReviewLoop:
    """The review loop as a controller of the engine (see engine/controls.py): hand it to
    `simulate(..., controllers=(ReviewLoop(),))`; it does nothing for a plan without rules."""

    def idle(self, plan: Any) -> bool:
        """True for a plan without review rules or acting competitors: nothing to run."""
        return plan.rules is None and getattr(plan, "rivals", None) is None

    def batch_days(self, plan: Any) -> tuple[int, ...] | None:
        """Every day on which the loop may change a replication of `plan` (snapshots,
        studies, reviews, the end of a rule's promotion, the arrival of a rule's hires), so
        that replications can run in a batch synced on these days whatever their rules
        decide (`engine.batch`); None when a day depends on the run (a promotion's `days`
        computed by an expression): such replications run alone. Kept by the plan's rules
        (`_DAYS`): the sampled plans of a run share them (`model.compile._review_plan`)."""
        if plan.rules is None:
            return ()
        known = (plan.horizon, tuple(plan.team_hiring_delay.tolist()))
        return _DAYS((plan.rules,), known, lambda: _batch_days(plan))

    def tally(self, logs: list[ReviewLog | None]) -> ReviewTally:
        """The logs of a chunk's replications added up where they ran (`rules.log`): the
        run's decisions, rules' summary and rule-bought training and research come from
        the chunks' tallies joined, not from every replication's log in the parent."""
        return ReviewTally.of(logs)

    def start(self, rep: Controls) -> ReviewLog | None:
        """Schedule the reviews of a replication whose plan has rules; return its log."""
        rules = compile_review(rep.plan)
        rivals = getattr(rep.plan, "rivals", None)
        if rules is None and rivals is None:
            return None
        review = Review(rep, rules if rules is not None else quiet_rules(rivals))
        if rules is not None:
            review.schedule()
        if rivals is not None:
            start_rivals(rep, review.observer, review.book, review.log.competitor_moves)
        review.log.observer = review.observer  # read when closed (`close`)
        return review.log


def _timeline(rules: CompiledRules, horizon: int) -> list[tuple[int, int, str]]:
    """`Review.timeline` of `rules` over a horizon of `horizon` days, computed."""
    lag = rules.info.report_lag
    items = [(max(d - lag, 0), 0, f"snap:{d}") for d in rules.review_days]
    items += [(s.start, 1, f"study:{i}") for i, s in enumerate(rules.info.studies)
              if 0 <= s.start < horizon]
    items += [(d, 2, f"review:{d}") for d in rules.review_days]
    return sorted(items)


def _reads_utilisation(rules: CompiledRules) -> bool:
    """Whether an expression of `rules` may call `utilisation` (kept by the rules'
    identity)."""
    return _UTILISATION((rules.rules,), (), lambda: any(
        "utilisation" in expression.text for rule in rules.rules
        for expression in (rule.when, *(arg for action in rule.then for _, arg in action.args
                                        if isinstance(arg, Expression)))))


#: `Review.timeline` and `_reads_utilisation` by the identity of the rules
_TIMELINES = Reused(64)
_UTILISATION = Reused(64)

#: `ReviewLoop.batch_days` by the identity of a plan's rules (`ReviewPlan`) and its
#: horizon and hiring delays
_DAYS = Reused(64)


def _batch_days(plan: Any) -> tuple[int, ...] | None:
    """`ReviewLoop.batch_days` of a plan with rules, computed."""
    rules = compile_review(plan)
    if rules is None:
        return ()
    offsets = _action_offsets(rules, plan)
    if offsets is None:
        return None
    review = sorted(rules.review_days)
    lag = rules.info.report_lag
    days = {max(d - lag, 0) for d in review} | set(review)
    days |= {s.start for s in rules.info.studies}
    days |= {d + k for d in review for k in offsets}
    return tuple(sorted(d for d in days if 0 <= d < plan.horizon))


def _action_offsets(rules: CompiledRules, plan: Any) -> set[int] | None:
    """Days after a review on which an action of the rules changes the replication again
    (a promotion's end, hires' arrival); None when one is computed during the run."""
    offsets: set[int] = set()
    for rule in rules.rules:
        for action in rule.then:
            args = dict(action.args)
            if action.kind == "promotion":
                if isinstance(args["days"], Expression):
                    return None
                offsets.add(max(1, round(float(args["days"]))))
            elif action.kind == "hire":
                offsets |= {max(1, math.ceil(float(d))) for d in plan.team_hiring_delay}
    return offsets
