"""Survey draws from streams keyed by replication, measure and day.

A survey's estimate of a share is Binomial(n, p) / n. Each draw comes from its own stream
of the counter-based generator (`engine.variates`), keyed by the replication's survey key
(`Observer.key`), the measure and the fielding day, so the number a replication sees does
not depend on which other draws were made before it, on the batch the replication runs in
or on the number of threads and workers. One compiled call draws a measure's surveys for
every replication of a batch at once (`survey_shares`).

numba caches `_draw` with `variates.binomial` compiled in and checks only this file's
date: after a change to `engine/variates.py`, clear the cache (`__pycache__/*.nb[ic]`).
"""

# numba rebuilds this file's cached kernels only when this file changes: the key below
# digests what they compile with (tests/test_numba_cache_keys.py).
# numba cache key: 9c846de2a2270e7c
from __future__ import annotations

import zlib

import numpy as np
from numba import njit

from ..engine.rng import MASK64, splitmix64
from ..engine.variates import binomial, next_u64


def salt(measure: str, day: int) -> int:
    """The 64-bit salt of the stream of `measure`'s survey fielded on `day`."""
    return splitmix64((zlib.crc32(measure.encode()) << 32) ^ (day & 0xFFFFFFFF))


def survey_shares(keys: np.ndarray, measure: str, day: int, sizes: np.ndarray,
                  shares: np.ndarray) -> np.ndarray:
    """Binomial(n, p) / n for each replication: `keys` [R] uint64 survey keys, `sizes` [R]
    sample sizes, `shares` [R] true shares (clipped to [0, 1]; NaN counts as 0)."""
    shares = np.asarray(shares, dtype=np.float64)
    clean = np.where(np.isfinite(shares), np.clip(shares, 0.0, 1.0), 0.0)
    keys = np.asarray(keys, dtype=np.uint64)
    salts = np.full(keys.shape[0], salt(measure, day) & MASK64, dtype=np.uint64)
    return _draw(keys, salts, np.asarray(sizes, dtype=np.int64), clean)


def survey_draws(key: int, surveys: list[tuple[str, int]], sizes: list[int],
                 shares: list[float]) -> list[float]:
    """`survey_share` of one replication's surveys (measure, day), in one call."""
    clean = np.asarray(shares, dtype=np.float64)
    clean = np.where(np.isfinite(clean), np.clip(clean, 0.0, 1.0), 0.0)
    salts = np.array([salt(m, d) for m, d in surveys], dtype=np.uint64)
    keys = np.full(len(surveys), key, dtype=np.uint64)
    return _draw(keys, salts, np.asarray(sizes, dtype=np.int64), clean).tolist()


def survey_share(key: int, measure: str, day: int, size: int, share: float) -> float:
    """`survey_shares` of one replication."""
    return float(survey_shares(np.array([key], dtype=np.uint64), measure, day,
                               np.array([size]), np.array([share]))[0])


@njit(cache=True)
def _draw(keys, salts, sizes, shares):
    """Binomial(sizes[i], shares[i]) / sizes[i], each from the stream keys[i] ^ salts[i]."""
    out = np.empty(keys.shape[0])
    rs = np.empty(1, dtype=np.uint64)
    for r in range(keys.shape[0]):
        rs[0] = keys[r] ^ salts[r]
        rs[0] = next_u64(rs)  # mixed: keys that differ in a few bits give unrelated streams
        out[r] = binomial(rs, sizes[r], shares[r]) / sizes[r] if sizes[r] > 0 else np.nan
    return out
