"""Search the levers for the best plan (fixed budget) or the cheapest plan that reaches
every target (target mode), on common random numbers, then verify on fresh seeds.

Search: scipy's differential evolution (derivative-free, global, robust to the steps that
a finite number of replications puts in the objective), started from the reference plan.
Target mode: find the best allocation at the highest budget, bisect the budget with that
allocation, re-optimise the allocation a little below the found budget, bisect again. The
search asks every target's probability to clear its confidence by `confirm.search_margin`
(aiming above the promise), and the plan found is then confirmed on replications of its
own seed stream (`decision.confirm`): a plan whose one-sided 95% lower bound falls short
gets more money, step by step up to the highest budget, until one passes or none can.
"""

from __future__ import annotations

import dataclasses
import math
import time
from collections.abc import Callable
from concurrent.futures import Executor
from dataclasses import dataclass, field
from typing import Any, TypeVar

import numpy as np

from ..scenario.decision import DecisionSection, Objective
from ..simulate.result import RunResult
from ..simulate.strategy_run import LoadedScenario, run_strategy
from .confirm import CONFIRM_REPS, Confirmation, confirm_seed, confirmation, search_margin
from .levers import LeverSpace, lever_space
from .outcome import (
    Outcome,
    meets_all,
    outcome_of,
    outcome_readings,
    search_score,
    shortfall,
    worker_pool,
)

FRESH = 1_000_003
CANDIDATE = "optimized"
Progress = Callable[[int], None]
#: confidence margin [T] (or one for all) the search asks of an outcome
Margin = Callable[[Outcome], "float | np.ndarray"]
S = TypeVar("S", bound=LoadedScenario)


class OutOfEvaluations(Exception):
    """The search has used its evaluations."""


@dataclass
class Evaluator:
    """Runs candidate plans on the same seed and counts the evaluations."""

    scenario: LoadedScenario
    space: LeverSpace
    replications: int
    seed: int
    limit: int
    workers: int = 1
    progress: Progress | None = None
    count: int = 0
    pool: Executor | None = None

    def outcome(self, x: np.ndarray, budget: float, seed: int | None = None,
                replications: int | None = None) -> Outcome:
        """Outcome of candidate `x` at `budget` (counted unless a seed is given); its run
        keeps only what the outcome reads of the daily record (`outcome_readings`)."""
        return outcome_of(self.run(x, budget, seed, replications, keep_record=False))

    def run(self, x: np.ndarray, budget: float, seed: int | None = None,
            replications: int | None = None, keep_record: bool = True) -> RunResult:
        """Run candidate `x` at `budget` (counted unless a seed is given); `keep_record`:
        with the whole daily record (else only the outcome's cells)."""
        if seed is None:
            if self.count >= self.limit:
                raise OutOfEvaluations
            self.count += 1
            if self.progress:
                self.progress(1)
        scenario = candidate_scenario(self.scenario, self.space.strategy(x, budget))
        readings = None if keep_record else outcome_readings(scenario.spec,
                                                             scenario.spec.horizon_days)
        return run_strategy(scenario, CANDIDATE, replications or self.replications,
                            self.seed if seed is None else seed, self.workers, pool=self.pool,
                            readings=readings)


def candidate_scenario(scenario: S, strategy: dict[str, Any]) -> S:
    """The scenario with `strategy` added as the strategy `optimized`."""
    return scenario.with_values({f"strategies.{CANDIDATE}": strategy})


@dataclass
class Optimum:
    """The winning plan and what is known about it."""

    mode: str
    objective: str
    strategy: dict[str, Any]
    budget: float
    team_cost: float
    evaluations: int
    search: Outcome
    verified: Outcome
    verify_seed: int
    reached: bool
    notes: list[str] = field(default_factory=list)
    verified_run: RunResult | None = None  # the verification run of the winner
    #: the confirmations tried, the last one that of the plan reported
    confirmations: list[Confirmation] = field(default_factory=list)
    confirm_seconds: float = 0.0  # wall time of the confirmations
    #: the month flighting chosen with the season and its rules (None: not a lever)
    flighting: dict[str, Any] | None = None
    #: bounds and constraints the plan sits on (`LeverSpace.binding`)
    binding: list[dict[str, Any]] = field(default_factory=list)

    @property
    def confirmation(self) -> Confirmation | None:
        """The confirmation of the plan reported (None: not confirmed)."""
        return self.confirmations[-1] if self.confirmations else None

    @property
    def total_cost(self) -> float:
        """Planned marketing budget plus the lever teams' salaries."""
        return self.budget + self.team_cost


def _search(ev: Any, score: Callable[[Outcome, np.ndarray], float], budget: float,
            x0: np.ndarray, evaluations: int, seed: int) -> tuple[np.ndarray, float]:
    """Differential evolution on `score` at `budget` within `evaluations` candidates."""
    space = ev.space
    stop = ev.count + evaluations
    best: list[Any] = [x0, -math.inf]

    def loss(x: np.ndarray) -> float:
        if ev.count >= min(stop, ev.limit):
            return 1e9
        s = score(ev.outcome(x, budget), x)
        if s > best[1]:
            best[0], best[1] = np.array(x), s
        return -s

    if space.dims == 0:
        loss(x0)
        return best[0], best[1]
    pop = max(2, min(8, evaluations // max(1, space.dims * 6)))
    lo, hi = np.array(space.bounds(), dtype=float).T
    x0 = np.clip(x0, lo + 1e-9 * (hi - lo), hi - 1e-9 * (hi - lo))  # rounding at the edges
    from scipy.optimize import differential_evolution  # only a search needs it (0.2 s)

    differential_evolution(loss, space.bounds(), x0=x0, popsize=pop, maxiter=10_000, tol=0,
                           polish=False, init="latinhypercube", seed=seed,
                           callback=lambda *a, **k: ev.count >= min(stop, ev.limit))
    return best[0], best[1]


def optimize(scenario: LoadedScenario, mode: str = "fixed", evaluations: int | None = None,
             replications: int | None = None, seed: int | None = None,
             confidence: float | None = None, budget: float | None = None,
             verify_reps: int = CONFIRM_REPS, workers: int = 1,
             progress: Progress | None = None, pool: Executor | None = None,
             tolerance: float = 0.0) -> Optimum:
    """Find the best plan (`fixed`) or the cheapest that meets every target (`target`),
    confirmed on `verify_reps` replications of its own seed stream (`decision.confirm`);
    `tolerance`: how far (probability points) a confirmation's lower bound may fall below
    a confidence and still pass (said in the notes). `pool`: an open executor of
    `workers` tasks at once to run every candidate on."""
    spec = scenario.spec
    decision = spec.decision or DecisionSection()
    if confidence is not None:
        scenario = _with_confidence(scenario, confidence)
    space = lever_space(scenario.loaded)
    root = spec.seed if seed is None else seed
    if mode not in ("fixed", "target"):
        raise ValueError(f"unknown mode '{mode}'; choose fixed or target")
    if mode == "fixed":
        _check_budget(scenario, budget or space.budget)
    with worker_pool(workers, pool) as pool:
        ev = Evaluator(scenario, space, replications or decision.replications, root,
                       evaluations or decision.evaluations, workers, progress, pool=pool)
        if mode == "fixed":
            return _fixed(ev, decision.objective, budget or space.budget, verify_reps, root,
                          tolerance)
        return _target(ev, verify_reps, root, tolerance)


def _check_budget(scenario: LoadedScenario, budget: float) -> None:
    """Refuse a fixed budget at which no plan meets the decision's constraints."""
    from ..scenario.decision_feasible import infeasible_reason
    from ..scenario.errors import Problem, ScenarioError

    reason = infeasible_reason(scenario.spec, (budget, budget))
    if reason is not None:
        raise ScenarioError([Problem(scenario.loaded.source, None, "decision.constraints",
                                     f"at the budget {budget:,.0f}: {reason}",
                                     "loosen a constraint or choose another --budget")])


def _with_confidence(scenario: S, confidence: float) -> S:
    values = {f"targets.{i}.confidence": confidence for i in range(len(scenario.spec.targets))}
    return scenario.with_values(values)


def _fixed(ev: Evaluator, objective: Objective, budget: float, verify_reps: int,
           root: int, tolerance: float = 0.0) -> Optimum:
    space = ev.space
    x0 = space.x0()
    ref = ev.outcome(x0, budget)
    scale = max(abs(float(np.nanmean(ref.kpis[objective.then or "profit"]))), 1.0)
    if objective.metric in ref.kpis:
        scale = max(abs(float(np.nanmean(ref.kpis[objective.metric]))),
                    float(np.nanstd(ref.kpis[objective.metric])), 1.0)
    x, _ = _search(ev, lambda o, _x: search_score(o, objective, scale), budget, x0,
                   ev.limit - ev.count, root)
    return _finish(ev, "fixed", objective.describe(), x, budget, verify_reps, root, True, [],
                   tolerance)


def _target(ev: Evaluator, verify_reps: int, root: int, tolerance: float = 0.0) -> Optimum:
    x, best, reached, notes = cheapest(ev, root, lambda o: _margin(o, verify_reps))
    objective = "lowest total cost that meets every target with its confidence"
    return _finish(ev, "target", objective, x, best, verify_reps, root, reached, notes,
                   tolerance)


def cheapest(ev: Any, root: int, margin: Margin | None = None
             ) -> tuple[np.ndarray, float, bool, list[str]]:
    """The search of target mode: (x, budget, reached, notes). Finds the best allocation
    at the highest budget, bisects the budget with it, re-optimises a little below and
    bisects again. `ev` is an Evaluator or any object with its `space`, `count`, `limit`
    and `outcome(x, budget)`; `margin`: the confidence margin asked of the search."""
    margin = margin or _margin
    space = ev.space
    lo, hi = space.budget_bounds
    notes: list[str] = []
    if not space.feasible(hi):
        notes.append("the channel bounds cannot use the highest budget; check decision.levers")
    cheapest_teams = max(space.team_cost(np.array(space.bounds())[:, 1]), 1.0)

    def score(o: Outcome, x: np.ndarray) -> float:
        return shortfall(o, margin(o)) - 1e-3 * space.team_cost(x) / cheapest_teams

    x, _ = _search(ev, score, hi, space.x0(), int(0.55 * ev.limit), root)
    top = _safe(ev, x, hi)
    if top is None or not meets_all(top, margin(top)):
        return x, hi, False, [*notes, "no plan within the bounds reached every target"]
    best = _bisect(ev, x, lo, hi, margin)
    trial = max(lo, 0.9 * best)
    if trial < best and ev.count < ev.limit:
        x2, _ = _search(ev, score, trial, x, max(0, ev.limit - ev.count - 8), root + 1)
        o2 = _safe(ev, x2, trial)
        if o2 is not None and meets_all(o2, margin(o2)):
            x, best = x2, _bisect(ev, x2, lo, trial, margin)
    return x, best, True, notes


def _margin(o: Outcome, confirm_reps: int = CONFIRM_REPS) -> np.ndarray:
    """Confidence margin [T] asked of the search so that the confirmation on
    `confirm_reps` replications passes (`confirm.search_margin`, at least 0.03)."""
    return np.array([max(0.03, search_margin(float(c), o.replications, confirm_reps))
                     for c in o.confidence], dtype=float)


def _safe(ev: Any, x: np.ndarray, budget: float) -> Outcome | None:
    try:
        return ev.outcome(x, budget)
    except OutOfEvaluations:
        return None


def _bisect(ev: Any, x: np.ndarray, lo: float, hi: float, margin: Margin | None = None) -> float:
    """Smallest budget in [lo, hi] at which `x` meets every target (hi meets them)."""
    margin = margin or _margin
    for _ in range(8):
        if hi - lo <= 0.01 * hi:
            break
        mid = 0.5 * (lo + hi)
        o = _safe(ev, x, mid) if ev.space.feasible(mid) else None
        if o is not None and meets_all(o, margin(o)):
            hi = mid
        elif o is None and ev.count >= ev.limit:
            break
        else:
            lo = mid
    return hi


def _finish(ev: Evaluator, mode: str, objective: str, x: np.ndarray, budget: float,
            verify_reps: int, root: int, reached: bool, notes: list[str],
            tolerance: float = 0.0) -> Optimum:
    """Confirm the plan found on its own replications; in target mode a plan that fails
    gets more money (steps of 10%, up to the highest budget) until one passes."""
    hi = ev.space.budget_bounds[1]
    started = time.perf_counter()
    tried: list[Confirmation] = []
    for attempt in range(MAX_CONFIRMATIONS):
        seed = confirm_seed(root, attempt)
        run = ev.run(x, budget, seed=seed, replications=verify_reps)
        tried.append(confirmation(outcome_of(run), seed, attempt, tolerance))
        if mode != "target" or not reached or tried[-1].passed or budget >= hi:
            break
        budget = min(hi, budget * (1.0 + max(0.1, 2.0 * tried[-1].shortfall)))
    verified = outcome_of(run)
    seconds = time.perf_counter() - started
    search = ev.outcome(x, budget, seed=ev.seed)
    notes = notes + _confirmation_notes(mode, reached, tried)
    if mode == "target" and reached and not tried[-1].passed:
        reached = False
    return Optimum(mode, objective, ev.space.strategy(x, budget), budget,
                   ev.space.team_cost(x), ev.count, search, verified, tried[-1].seed,
                   reached, notes, run, tried, seconds, flighting_chosen(ev.space, x, budget),
                   binding_with_shadow(ev, mode, x, budget, search))


def binding_with_shadow(ev: Evaluator, mode: str, x: np.ndarray, budget: float,
                        search: Outcome) -> list[dict[str, Any]]:
    """The bounds the plan sits on, each with its shadow cost (`decision.shadow`: the
    objective's gain per unit of money loosened, on the search's seed and replications)
    or the reason it is not estimated."""
    from .shadow import TARGET_MODE, relaxed_space, shadow_cost

    objective = (ev.scenario.spec.decision or DecisionSection()).objective
    out = []
    for bound in ev.space.binding(x, budget):
        relaxed = relaxed_space(ev.space, bound, budget) if mode == "fixed" else None
        if relaxed is None:
            out.append({**bound, "shadow": None, "shadow_note": TARGET_MODE
                        if mode == "target" else "not estimated for this kind of bound"})
            continue
        space, at = relaxed
        loose = dataclasses.replace(ev, space=space).outcome(x, at, seed=ev.seed)
        moved = max(abs(at - budget), _moved(space, ev.space, x, budget))
        out.append({**bound, "shadow": shadow_cost(search, loose, objective, moved)
                    if moved > 0 else None, "shadow_note": None if moved > 0 else
                    "the plan does not move when this bound is loosened"})
    return out


def _moved(a: LeverSpace, b: LeverSpace, x: np.ndarray, budget: float) -> float:
    """Money that moves between channels when space `b` becomes `a` (half the total
    absolute change per channel)."""
    ma, mb = a.amounts(x, budget), b.amounts(x, budget)
    return 0.5 * sum(abs(ma[c] - mb[c]) for c in ma)


def flighting_chosen(space: LeverSpace, x: np.ndarray, budget: float
                     ) -> dict[str, Any] | None:
    """The month flighting of candidate `x` at `budget` (after the monthly cap) with the
    season and the booking rules; per channel, its month weights (1 = an average month)
    and its money by month of the plan, on-air windows counted."""
    if space.months is None:
        return None
    m = space.months
    money, flight = space.plan_of(x, budget)
    money = {**{c: budget * s for c, s in space.fixed_shares.items()}, **money}
    weights = space.month_weights(flight)
    shares = space.channel_shares(flight)
    channels = {c: {"weights": [round(float(v), 4) for v in weights[c]],
                    "money": [round(float(v), 2) for v in money[c] * shares[c]]}
                for c in shares if money.get(c, 0.0) > 0}
    return {**(flight or {}), "season": list(m.season), "min": m.low, "max": m.high,
            "max_step": m.max_step, "per_channel": space.per_channel,
            "channels": channels}


#: confirmations tried at most (each on its own replications)
MAX_CONFIRMATIONS = 6


def _confirmation_notes(mode: str, reached: bool, tried: list[Confirmation]) -> list[str]:
    """What the confirmation says, for the document's message."""
    last = tried[-1]
    out = []
    if len(tried) > 1:
        out.append(f"the plan first found fell short on its confirmation; "
                   f"{len(tried) - 1} step(s) of more money were confirmed on fresh "
                   f"replications each")
    if mode == "target" and reached and not last.passed:
        short = ", ".join(f"{t.id} {t.lower:.1%} < {t.confidence:.0%}"
                          for t in last.targets if not t.passes(last.tolerance))
        out.append(f"no plan within the levers passed the confirmation (one-sided 95% "
                   f"lower bound: {short})")
    elif last.passed and not last.strictly:
        out.append(f"confirmed within a tolerance of {last.tolerance:.1%}: a lower bound "
                   f"is below its confidence by at most that much")
    return out
