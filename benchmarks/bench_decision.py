"""Time `compare` of the smart-band strategies and `optimize --mode target`.

Run: python benchmarks/bench_decision.py [workers]
"""

from __future__ import annotations

import sys
import time

import mktsim
from mktsim.decision.compare import compare
from mktsim.decision.optimize import optimize


def main() -> None:
    """Print the timings."""
    workers = int(sys.argv[1]) if len(sys.argv) > 1 else 2
    sc = mktsim.load("scenarios/smart_band.yaml")
    sc.run("baseline", 4, 1)  # warm the compiled kernels
    t = time.perf_counter()
    c = compare(sc, precision=1e-6, max_reps=1000, batch=1000, workers=workers)
    print(f"compare: {len(c.strategies)} strategies x {c.replications} replications "
          f"in {time.perf_counter() - t:.1f} s ({workers} workers)")
    t = time.perf_counter()
    o = optimize(sc, "target", workers=workers)
    print(f"optimize --mode target: {o.evaluations} evaluations in "
          f"{time.perf_counter() - t:.1f} s, reached={o.reached}, budget={o.budget:,.0f}")


if __name__ == "__main__":
    main()
