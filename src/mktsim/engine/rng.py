"""Seeds: one SeedSequence per run, one child per replication, derived kernel streams.

The child of replication i is the same for every strategy (common random numbers) and
for every number of workers.
"""

from __future__ import annotations

import numpy as np

MASK64 = (1 << 64) - 1


def replication_seeds(seed: int, replications: int, first: int = 0) -> list[np.random.SeedSequence]:
    """Children first..first+replications-1 of SeedSequence(seed)."""
    return [np.random.SeedSequence(seed, spawn_key=(i,))
            for i in range(first, first + replications)]


def splitmix64(x: int) -> int:
    """One step of SplitMix64: a well-mixed 64-bit hash of x."""
    z = (x + 0x9E3779B97F4A7C15) & MASK64
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK64
    return z ^ (z >> 31)


def span_key(key: int, day: int) -> int:
    """64-bit key of the generator stream of the kernel call that starts on `day`
    (`engine.variates`), from the replication's population key."""
    return splitmix64(key ^ (day * 0x632BE59BD9B4E019 & MASK64))
