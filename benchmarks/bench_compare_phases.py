"""Where `compare`'s time goes outside the compiled kernel call: process time of each phase
of a replication, in one process (`workers=1`).

Run: python benchmarks/bench_compare_phases.py [replications a strategy, default 300]
     PYTHONPATH=<before>/src python benchmarks/bench_compare_phases.py  (another tree's code)

Each phase is timed by a wrapper on a function called at most a few thousand times, so
that, unlike cProfile's per-call overhead on the many small calls of the reviews, the
timers do not change the proportions. Phases nest (a chunk contains its batches, a batch
its kernel calls); the figures are per replication, averaged over the four strategies.
"""

from __future__ import annotations

import collections
import functools
import sys
import time
from pathlib import Path
from typing import Any

import mktsim
from mktsim.decision import compare as compare_module
from mktsim.engine import batch, derived, montecarlo, replication
from mktsim.rules import batch_review, review
from mktsim.simulate import result, sampled, strategy_run

SCENARIO = Path(__file__).resolve().parents[1] / "scenarios" / "smart_band.yaml"
SPENT: collections.defaultdict[str, float] = collections.defaultdict(float)
CALLS: collections.Counter[str] = collections.Counter()

#: (owner, function name) of each phase timed
PHASES = ((compare_module, "run_strategy"), (montecarlo, "run_chunk"),
          (montecarlo, "run_batched"), (batch, "_advance_rows"), (batch, "_advance_rosters"),
          (sampled.UncertainPlans, "plans_for"), (replication.Replication, "__init__"),
          (batch.Batch, "__init__"), (batch.Batch, "run_agendas"),
          (batch_review, "review_together"), (review.Review, "act"),
          (batch_review, "leaf_column"), (batch_review, "draw_due_surveys"),
          (batch_review, "first_settings"), (replication.Replication, "apply_events"),
          (replication.Replication, "start_in_batch"), (batch, "close_log"),
          (derived.DerivedBatch, "__init__"), (derived.DerivedBatch, "fill"),
          (batch, "schedule_key"), (montecarlo, "_concatenated"),
          (result.RunResult, "__post_init__"), (strategy_run, "judge_all"),
          (compare_module, "outcome_of"))


def timed(owner: Any, name: str) -> None:
    """Replace owner.name by a wrapper adding its process time to SPENT."""
    function = getattr(owner, name, None)
    if function is None:  # not in the tree measured
        return
    label = f"{getattr(owner, '__name__', owner)}.{name}"

    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        start = time.process_time()
        try:
            return function(*args, **kwargs)
        finally:
            SPENT[label] += time.process_time() - start
            CALLS[label] += 1

    setattr(owner, name, wrapper)


def main() -> None:
    """Print the phases, largest first."""
    reps = int(sys.argv[1]) if len(sys.argv) > 1 else 300
    scenario = mktsim.load(SCENARIO)
    scenario.run("adaptive", 4, 1)  # load the compiled kernels
    for owner, name in PHASES:
        timed(owner, name)
    start = time.process_time()
    c = compare_module.compare(scenario, precision=1e-6, max_reps=reps, batch=reps, workers=1)
    total = time.process_time() - start
    n = reps * len(c.strategies)
    print(f"compare, {len(c.strategies)} strategies x {reps} replications, 1 process: "
          f"{total:.2f} s of CPU, {1e3 * total / n:.3f} ms a replication")
    for label, spent in sorted(SPENT.items(), key=lambda kv: -kv[1]):
        print(f"{label:45s} {1e3 * spent / n:7.3f} ms  ({CALLS[label]} calls)")


if __name__ == "__main__":
    main()
