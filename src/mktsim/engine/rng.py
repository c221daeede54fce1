"""Seeds: one SeedSequence per run, one child per replication, derived kernel streams.

The child of replication i is the same for every strategy (common random numbers) and
for every number of workers.
"""

from __future__ import annotations

from collections.abc import Sequence

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


# numpy's SeedSequence (numpy/random/bit_generator.pyx): its hash and mix constants.
_INIT_A, _MULT_A, _INIT_B, _MULT_B = 0x43B0D7E5, 0x931E8875, 0x8B51F9DD, 0x58F38DED
_MIX_L, _MIX_R, _MASK32 = 0xCA01F9DD, 0x4973F715, 0xFFFFFFFF
_POOL = 4


def _words(value: int) -> list[int]:
    """An entropy integer as numpy coerces it: 32-bit words, least significant first."""
    if value < 0:
        raise ValueError("a seed must be a non-negative integer")
    words = []
    while True:
        words.append(value & _MASK32)
        value >>= 32
        if not value:
            return words


def child_keys(seed: int, first: int, count: int, children: Sequence[int]) -> np.ndarray:
    """[len(children), count] uint64: for each child c and i in first..first+count-1,
    `SeedSequence(seed, spawn_key=(i, c)).generate_state(1, np.uint64)[0]` (child c of
    replication i's seed, `replication_seeds`), computed for all at once with numpy's
    SeedSequence algorithm (about 60 us a replication as objects, a few here)."""
    if first + count > _MASK32 + 1:
        raise ValueError("replication indices past 2**32")
    index = np.tile(np.arange(first, first + count, dtype=np.uint32), len(children))
    child = np.repeat(np.asarray(children, dtype=np.uint32), count)
    words = _state_words(_pools(seed, index, child), 2)
    return (words[0] | (words[1] << np.uint64(32))).reshape(len(children), count)


def _pools(seed: int, index: np.ndarray, child: np.ndarray) -> list[np.ndarray]:
    """The entropy pools (4 arrays of 32-bit words) of `SeedSequence(seed,
    spawn_key=(index[k], child[k]))` for every k, as numpy's SeedSequence mixes them."""
    run = _words(seed)
    run += [0] * (_POOL - len(run))
    size = index.shape[0]
    entropy = [*(np.full(size, w, dtype=np.uint32) for w in run), index, child]
    hash_const = [_INIT_A]

    def hashmix(value: np.ndarray) -> np.ndarray:
        value = value ^ np.uint32(hash_const[0])
        hash_const[0] = hash_const[0] * _MULT_A & _MASK32
        value = value * np.uint32(hash_const[0])
        return value ^ (value >> np.uint32(16))

    def mix(x: np.ndarray, y: np.ndarray) -> np.ndarray:
        result = np.uint32(_MIX_L) * x - np.uint32(_MIX_R) * y
        return result ^ (result >> np.uint32(16))

    pool = [hashmix(entropy[i]) for i in range(_POOL)]
    for src in range(_POOL):
        for dst in range(_POOL):
            if src != dst:
                pool[dst] = mix(pool[dst], hashmix(pool[src]))
    for src in range(_POOL, len(entropy)):
        for dst in range(_POOL):
            pool[dst] = mix(pool[dst], hashmix(entropy[src]))
    return pool


def _state_words(pool: list[np.ndarray], count: int) -> list[np.ndarray]:
    """`generate_state(count, np.uint32)` of each pool, as uint64 arrays (one a word): the
    pool's words in turn, hashed."""
    words = []
    hash_const = _INIT_B
    for i in range(count):
        value = pool[i % _POOL] ^ np.uint32(hash_const)
        hash_const = hash_const * _MULT_B & _MASK32
        value = value * np.uint32(hash_const)
        words.append((value ^ (value >> np.uint32(16))).astype(np.uint64))
    return words


#: PCG64's multiplier (numpy's `PCG64`, the default 128-bit one)
_PCG_MULT = 0x2360ED051FC65DA44385DF649FCCF645
_MASK128 = (1 << 128) - 1


def first_event_draws(seed: int, indices: Sequence[int]) -> list[int]:
    """`int(np.random.default_rng(SeedSequence(seed, spawn_key=(i, 1))).integers(2**63))`
    for each i of `indices`: the first draw of replication i's event stream, without
    making its generator (about 20 us each): the stream's PCG64 state seeded from the
    child's `generate_state(4, np.uint64)` (computed for all at once), one step, its
    XSL-RR output, halved (numpy's bounded integer below 2**63 of a 64-bit draw)."""
    index = np.asarray(indices, dtype=np.int64)
    if index.size and (index.min() < 0 or index.max() > _MASK32):
        raise ValueError("replication indices outside 0..2**32 - 1")
    words = _state_words(_pools(seed, index.astype(np.uint32),
                                np.ones(index.shape[0], dtype=np.uint32)), 8)
    state = [(w[0] | (w[1] << np.uint64(32))).tolist() for w in (words[0:2], words[2:4],
                                                                 words[4:6], words[6:8])]
    return [_pcg64_first(*v) for v in zip(*state, strict=True)]


def _pcg64_first(s0: int, s1: int, i0: int, i1: int) -> int:
    """The first `integers(2**63)` of a PCG64 seeded with state words s0, s1 and
    increment words i0, i1 (numpy's `pcg64_set_seed`, then one step and its output)."""
    inc = ((((i0 << 64) | i1) << 1) | 1) & _MASK128
    state = (inc + ((s0 << 64) | s1)) & _MASK128
    state = (state * _PCG_MULT + inc) & _MASK128
    state = (state * _PCG_MULT + inc) & _MASK128
    x, rot = ((state >> 64) ^ state) & MASK64, state >> 122
    return (((x >> rot) | (x << (-rot & 63))) & MASK64) >> 1


class ReplicationSeed:
    """Replication i's seed in a run of `seed` (SeedSequence(seed, spawn_key=(i,)), as
    `replication_seeds` gives it) with its population and roster keys computed for a chunk
    at once (`chunk_seeds`); its event stream's SeedSequence made only when asked for."""

    __slots__ = ("index", "key", "roster_key", "seed")

    def __init__(self, seed: int, index: int, key: int, roster_key: int) -> None:
        self.seed, self.index, self.key, self.roster_key = seed, index, key, roster_key

    def events(self) -> np.random.SeedSequence:
        """Child 1 of the replication's seed (its event stream)."""
        return np.random.SeedSequence(self.seed, spawn_key=(self.index, 1))


def chunk_seeds(seed: int, count: int, first: int = 0) -> list[ReplicationSeed]:
    """The seeds of replications first..first+count-1 (`replication_seeds`'), with the
    keys `engine.replication.Replication` derives from children 0 and 2 of each."""
    keys, roster = child_keys(seed, first, count, (0, 2)).tolist()
    return [ReplicationSeed(seed, first + i, keys[i], roster[i]) for i in range(count)]
