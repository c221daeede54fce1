"""Customer-days per second of the per-customer kernel, on 1 and 2 numba threads.

Run: python benchmarks/bench_agents.py  (each thread count in its own process)
"""

from __future__ import annotations

import os
import subprocess
import sys
import time

ONE = """
import time
import numpy as np
import mktsim
from mktsim.engine.agents import AgentReplication
from mktsim.engine.rng import replication_seeds

for label, overrides in (("bass", ["market.size=200_000", "horizon_days=400"]),
                         ("smart band", ["market.size=200_000"])):
    path = "scenarios/validation/bass.yaml" if label == "bass" else "scenarios/smart_band.yaml"
    plan = mktsim.load(path, overrides).plan()
    rep = AgentReplication(plan, replication_seeds(1, 1)[0])
    rep.advance(0, 5)  # compile (or load the cache)
    start = time.perf_counter()
    rep.advance(5, 305)
    rate = 200_000 * 300 / (time.perf_counter() - start)
    print(f"{label}: {rate / 1e6:.0f} M customer-days/s")
"""


def main() -> None:
    for threads in ("1", "2"):
        env = {**os.environ, "NUMBA_NUM_THREADS": threads}
        start = time.perf_counter()
        done = subprocess.run([sys.executable, "-c", ONE], env=env, capture_output=True,
                              text=True, check=True)
        print(f"-- {threads} thread(s), process {time.perf_counter() - start:.1f} s")
        print(done.stdout.strip())


if __name__ == "__main__":
    main()
