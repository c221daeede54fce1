"""Customer-days per second of the per-customer kernel, on 1 and 2 numba threads, beside a
minimal counter-based per-customer kernel measured in the same process.

The minimal kernel is the floor any per-customer engine pays: every customer draws one
uniform a day from the same SplitMix64 counter stream as the engine, moves between two
states with a probability per state, and each block of customers tallies its moves
(parallel over the same fixed blocks). The engine's ratio to it is what is left to gain.

The kernels take turns over spans of SPAN days (SPANS of them, days 5 to 305) and each
reports its best span: on a shared machine a busy moment then slows one span of one
kernel, not the ratio of a whole run.

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
from mktsim.engine.network import social_graph
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

N, SPAN, SPANS = 200_000, 50, 6
state = np.zeros(N, dtype=np.int8)
tally = np.zeros((N + BLOCK - 1) // BLOCK, dtype=np.int64)
p = np.array([0.01, 0.002])
minimal_days(np.uint64(1), 0, 5, p, state, tally)
kernels = {"minimal kernel": lambda d0, d1: minimal_days(np.uint64(1), d0, d1, p, state, tally)}
NETWORK = ["market.network.model=watts_strogatz", "market.network.degree=6"]
for label, path, overrides in (
        ("bass", "scenarios/validation/bass.yaml", ["horizon_days=400"]),
        ("smart band", "scenarios/smart_band.yaml", []),
        ("smart band, network", "scenarios/smart_band.yaml", NETWORK)):
    loaded = mktsim.load(path, [f"market.size={N}", *overrides])
    graph = social_graph(loaded.spec.market.network, N, 1)
    rep = AgentReplication(loaded.plan(), replication_seeds(1, 1)[0], graph)
    rep.advance(0, 5)  # compile (or load the cache)
    kernels[label] = rep.advance
best = dict.fromkeys(kernels, 0.0)
for k in range(SPANS):
    d0 = 5 + k * SPAN
    for label, advance in kernels.items():
        start = time.perf_counter()
        advance(d0, d0 + SPAN)
        best[label] = max(best[label], N * SPAN / (time.perf_counter() - start))
floor = best.pop("minimal kernel")
print(f"minimal kernel: {floor / 1e6:.0f} M customer-days/s (best of {SPANS} spans of {SPAN} days)")
for label, rate in best.items():
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
