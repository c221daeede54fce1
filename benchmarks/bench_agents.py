"""Customer-days per second of the per-customer kernel, on 1 and 2 numba threads, beside a
minimal counter-based per-customer kernel measured in the same process.

The minimal kernel is the floor any per-customer engine pays: every customer draws one
uniform a day from the same SplitMix64 counter stream as the engine, moves between two
states with a probability per state, and each block of customers tallies its moves
(parallel over the same fixed blocks). The engine's ratio to it is what is left to gain.

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
from numba import njit, prange
import mktsim
from mktsim.engine.agents import AgentReplication
from mktsim.engine.agents_kernel import BLOCK, _stream_key, _uniform
from mktsim.engine.rng import replication_seeds

@njit(parallel=True)
def minimal_days(seed, d0, d1, p, state, tally):
    n = state.shape[0]
    for d in range(d0, d1):
        key = _stream_key(seed, d, 0)
        for b in prange(tally.shape[0]):
            moved = 0
            for i in range(b * BLOCK, min(n, (b + 1) * BLOCK)):
                st = state[i]
                if _uniform(key, i) < p[st]:
                    state[i] = 1 - st
                    moved += 1
            tally[b] += moved

N = 200_000
state = np.zeros(N, dtype=np.int8)
tally = np.zeros((N + BLOCK - 1) // BLOCK, dtype=np.int64)
p = np.array([0.01, 0.002])
minimal_days(np.uint64(1), 0, 5, p, state, tally)
start = time.perf_counter()
minimal_days(np.uint64(1), 5, 305, p, state, tally)
floor = N * 300 / (time.perf_counter() - start)
print(f"minimal kernel: {floor / 1e6:.0f} M customer-days/s")

for label, overrides in (("bass", ["market.size=200_000", "horizon_days=400"]),
                         ("smart band", ["market.size=200_000"])):
    path = "scenarios/validation/bass.yaml" if label == "bass" else "scenarios/smart_band.yaml"
    plan = mktsim.load(path, overrides).plan()
    rep = AgentReplication(plan, replication_seeds(1, 1)[0])
    rep.advance(0, 5)  # compile (or load the cache)
    start = time.perf_counter()
    rep.advance(5, 305)
    rate = 200_000 * 300 / (time.perf_counter() - start)
    print(f"{label}: {rate / 1e6:.0f} M customer-days/s ({rate / floor:.0%} of the minimal kernel)")
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
