"""Compare strategies on the same replications (common random numbers).

Batches of replications are run for every strategy with the same seed, until every
reported probability is known to within `precision` (95% Wilson half-width) or
`max_reps` is reached. Batch 0 uses the seed itself, so one batch reproduces `mktsim run`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..documents.compare import CompareDocument
from ..kpis import KPI_NAMES
from ..scenario.decision import Objective
from ..simulate.result import RunResult, drawn_paths, joint_draws
from ..simulate.stats import mean_interval, wilson_interval
from ..simulate.strategy_run import LoadedScenario, run_strategy, start_strategies
from .confirm import lower_bound
from .outcome import (
    Outcome,
    expected_score,
    outcome_of,
    outcome_readings,
    per_replication,
    worker_pool,
)

Progress = Callable[[int], None]


def batch_seed(seed: int, batch: int) -> int:
    """Seed of batch `batch` (batch 0 is `seed` itself)."""
    if batch == 0:
        return seed
    return int(np.random.SeedSequence([seed, batch]).generate_state(1)[0])


@dataclass
class Comparison:
    """Outcomes of several strategies, paired replication by replication."""

    strategies: list[str]
    reference: str
    outcomes: dict[str, Outcome]
    objective: Objective
    stopped: str
    seed: int
    first_run: RunResult | None = None  # the reference's first batch (= `mktsim run`)

    @property
    def replications(self) -> int:
        """Replications per strategy."""
        return self.outcomes[self.reference].replications

    def target_probabilities(self) -> dict[str, dict[str, dict[str, Any]]]:
        """{target: {strategy: {probability, interval, lower, confidence, passes}}}:
        `lower` is the one-sided 95% Wilson lower bound, and a target `passes` (is met
        with its confidence) when it reaches the confidence, as optimize confirms."""
        out: dict[str, dict[str, dict[str, Any]]] = {}
        ref = self.outcomes[self.reference]
        for t, tid in enumerate(ref.target_ids):
            out[tid] = {s: _confident(o.met[t], float(o.confidence[t]))
                        for s, o in self.outcomes.items()}
        return out

    def all_targets(self) -> dict[str, dict[str, Any]]:
        """{strategy: {probability, interval}} of meeting every target at once."""
        return {s: _prob(o.all_met) for s, o in self.outcomes.items()}

    def kpis(self) -> dict[str, dict[str, dict[str, Any]]]:
        """{kpi: {strategy: {mean, interval}}} at the horizon."""
        return {k: {s: _mean(o.kpis[k]) for s, o in self.outcomes.items()} for k in KPI_NAMES}

    def spend(self) -> dict[str, dict[str, Any]]:
        """{strategy: {budget, media, commissions, loyalty, training, research, total}}:
        the budget and mean money by line (see `simulate.spend`)."""
        return {s: {"budget": o.budget,
                    **{k: float(np.mean(v)) if len(v) else None for k, v in o.spend.items()}}
                for s, o in self.outcomes.items()}

    def differences(self, paired: bool = True) -> dict[str, dict[str, dict[str, Any]]]:
        """{kpi: {strategy: {mean, interval}}} of strategy - reference (paired t interval)."""
        ref = self.outcomes[self.reference]
        out: dict[str, dict[str, dict[str, Any]]] = {}
        for k in KPI_NAMES:
            out[k] = {}
            for s, o in self.outcomes.items():
                if s == self.reference:
                    continue
                out[k][s] = (paired_difference(o.kpis[k], ref.kpis[k]) if paired
                             else unpaired_difference(o.kpis[k], ref.kpis[k]))
        return out

    def probability_best(self) -> dict[str, float]:
        """Share of replications in which each strategy is best by the objective."""
        pairs = [per_replication(self.outcomes[s], self.objective) for s in self.strategies]
        primary = np.array([p for p, _ in pairs])
        then = np.array([t for _, t in pairs])
        best = primary == primary.max(axis=0, keepdims=True)
        then = np.where(best, then, -np.inf)  # the tie-break only among the leaders
        best &= then == then.max(axis=0, keepdims=True)
        wins = (best / best.sum(axis=0, keepdims=True)).mean(axis=1)
        return {s: float(w) for s, w in zip(self.strategies, wins, strict=True)}

    def ranking(self) -> list[str]:
        """Strategies from best to worst by the objective's expected value."""
        return sorted(self.strategies, key=lambda s: expected_score(
            self.outcomes[s], self.objective, confirmed=True), reverse=True)

    def document(self, scenario_hash: str | None = None) -> CompareDocument:
        """The typed document of the comparison."""
        return CompareDocument(
            strategies=self.strategies, reference=self.reference,
            replications=self.replications, seed=self.seed,
            targets=[{"id": t, "by_strategy": v}
                     for t, v in self.target_probabilities().items()],
            all_targets=self.all_targets(), kpis=self.kpis(),
            differences=self.differences(), probability_best=self.probability_best(),
            ranking=self.ranking(), objective=self.objective.describe(),
            stopped=self.stopped, scenario_hash=scenario_hash, spend=self.spend(),
            parameter_uncertainty=drawn_paths(self.first_run),
            joint_draws=joint_draws(self.first_run))

    def to_dict(self) -> dict[str, Any]:
        """The JSON document of the comparison."""
        return self.document().to_dict()


def _prob(met: np.ndarray) -> dict[str, Any]:
    n = len(met)
    lo, hi = wilson_interval(int(met.sum()), n)
    return {"probability": float(met.mean()) if n else math.nan, "interval": [lo, hi]}


def _confident(met: np.ndarray, confidence: float) -> dict[str, Any]:
    """`_prob` with the one-sided 95% lower bound and whether it reaches `confidence`."""
    lower = lower_bound(int(met.sum()), len(met))
    return {**_prob(met), "lower": lower, "confidence": confidence,
            "passes": bool(lower >= confidence - 1e-12)}


def _mean(values: np.ndarray) -> dict[str, Any]:
    mean, lo, hi = mean_interval(values)
    return {"mean": mean, "interval": [lo, hi]}


def paired_difference(a: np.ndarray, b: np.ndarray) -> dict[str, Any]:
    """Mean of a - b replication by replication, with a t interval (95%)."""
    from scipy.stats import t as student

    d = a - b
    d = d[np.isfinite(d)]
    if d.size < 2:
        return {"mean": float(d.mean()) if d.size else math.nan, "interval": [math.nan] * 2}
    half = student.ppf(0.975, d.size - 1) * d.std(ddof=1) / math.sqrt(d.size)
    return {"mean": float(d.mean()), "interval": [float(d.mean() - half),
                                                  float(d.mean() + half)]}


def unpaired_difference(a: np.ndarray, b: np.ndarray) -> dict[str, Any]:
    """Mean of a minus mean of b as if independent (Welch interval, 95%)."""
    a, b = a[np.isfinite(a)], b[np.isfinite(b)]
    diff = float(a.mean() - b.mean())
    half = 1.96 * math.sqrt(a.var(ddof=1) / a.size + b.var(ddof=1) / b.size)
    return {"mean": diff, "interval": [diff - half, diff + half]}


def _widest(c: Comparison) -> float:
    """Largest Wilson half-width among the reported probabilities."""
    n = c.replications
    probs = [v["probability"] for per in c.target_probabilities().values() for v in per.values()]
    probs += [v["probability"] for v in c.all_targets().values()]
    probs += list(c.probability_best().values())
    halves = [0.5 * (hi - lo) for lo, hi in (wilson_interval(round(p * n), n) for p in probs)]
    return max(halves, default=0.0)


def compare(scenario: LoadedScenario, strategies: Sequence[str] | None = None,
            reference: str | None = None, seed: int | None = None, precision: float = 0.03,
            max_reps: int = 2000, batch: int = 250, workers: int = 1,
            progress: Progress | None = None, pool: Executor | None = None) -> Comparison:
    """Run `strategies` (default all) on common random numbers until precise enough.

    Every strategy's plan is compiled once and every batch runs on one pool of workers
    (`pool` when given: an open executor of `workers` tasks at once, left open).
    """
    names = [scenario.strategy_name(s) for s in
             (scenario.strategies if strategies is None else strategies)]
    if not names:
        raise ValueError("no strategy to compare")
    ref = scenario.strategy_name(reference) if reference else names[0]
    if ref not in names:
        names.insert(0, ref)
    names = list(dict.fromkeys(names))
    root = scenario.spec.seed if seed is None else seed
    decision = scenario.spec.decision
    objective = decision.objective if decision else Objective(maximize="p_all_targets",
                                                              then="profit")
    plans = {s: scenario.plan(s) for s in names}
    outcomes: dict[str, Outcome] = {}
    first: RunResult | None = None
    done, b = 0, 0
    with worker_pool(workers, pool) as pool:
        while True:
            n = min(batch, max_reps - done)
            for s, run in zip(names, _strategy_runs(scenario, names, plans, n,
                                                    batch_seed(root, b), workers, progress,
                                                    pool, ref if b == 0 else None),
                              strict=True):
                if b == 0 and s == ref:
                    first = run
                o = outcome_of(run)
                outcomes[s] = outcomes[s].extend(o) if s in outcomes else o
            done, b = done + n, b + 1
            result = Comparison(names, ref, outcomes, objective, "", root, first)
            if _widest(result) <= precision:
                result.stopped = "precision reached"
                return result
            if done >= max_reps:
                result.stopped = "max reps"
                return result


def _strategy_runs(scenario: LoadedScenario, names: Sequence[str], plans: dict[str, Any],
                   n: int, seed: int, workers: int, progress: Progress | None,
                   pool: Executor | None, keep_all: str | None = None
                   ) -> Iterator[RunResult]:
    """The runs of `names`, in order, on common random numbers (`seed`). On a pool the
    strategies run together, each task a chunk of replications of every strategy
    (`simulate.strategy_run.start_strategies`): a replication's drawn scenario is built
    once in the worker that runs it, and the workers never wait while this process joins a
    run and judges it; the workers send only what the outcomes read of the daily records
    (`outcome_readings`: a few kB a chunk instead of 64 kB a replication, which this
    process would unpickle and join), except strategy `keep_all`'s (the reference's first
    batch, `mktsim run`'s numbers). In this process, one run at a time."""
    if pool is None:
        for s in names:
            yield run_strategy(scenario, s, n, seed, workers, progress, pool, plans[s])
        return
    readings = [None if keep_all == s else outcome_readings(scenario.spec, plans[s].horizon)
                for s in names]
    for run in start_strategies(scenario, [plans[s] for s in names], n, seed, workers, pool,
                                progress, readings):
        yield run.result()
