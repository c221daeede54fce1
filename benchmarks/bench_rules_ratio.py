"""The adaptive strategy's replications per CPU second against the baseline's, both in one
process, alternately (a shared machine's load drifts less between the two than between
two processes).

Run: python benchmarks/bench_rules_ratio.py [replications, default 300] [rounds, default 3]
     PYTHONPATH=<before>/src python benchmarks/bench_rules_ratio.py  (another tree's code)

`Scenario.run(..., workers=1, incremental=False)`, the process time of each run summed over
the rounds (each round its own seed, the same for both strategies).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import mktsim

SCENARIO = Path(__file__).resolve().parents[1] / "scenarios" / "smart_band.yaml"
STRATEGIES = ("baseline", "adaptive")


def main() -> None:
    """Print both rates and their ratio."""
    reps = int(sys.argv[1]) if len(sys.argv) > 1 else 300
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    scenario = mktsim.load(SCENARIO)
    for strategy in STRATEGIES:  # load the compiled kernels
        scenario.run(strategy, 4, workers=1, incremental=False)
    spent = dict.fromkeys(STRATEGIES, 0.0)
    for r in range(rounds):
        for strategy in STRATEGIES:
            start = time.process_time()
            scenario.run(strategy, reps, seed=100 + r, workers=1, incremental=False)
            spent[strategy] += time.process_time() - start
    base, adaptive = (reps * rounds / spent[s] for s in STRATEGIES)
    print(f"baseline {base:.0f} replications per CPU second, adaptive {adaptive:.0f}: "
          f"{adaptive / base:.3f} of the baseline")


if __name__ == "__main__":
    main()
