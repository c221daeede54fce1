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
    run = _words(seed)
    run += [0] * (_POOL - len(run))
    size = count * len(children)
    index = np.tile(np.arange(first, first + count, dtype=np.uint32), len(children))
    entropy = [*(np.full(size, w, dtype=np.uint32) for w in run), index,
               np.repeat(np.asarray(children, dtype=np.uint32), count)]
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
    return _state_word(pool).reshape(len(children), count)


def _state_word(pool: list[np.ndarray]) -> np.ndarray:
    """`generate_state(1, np.uint64)` of each pool: its first two 32-bit words hashed, the
    first the low half."""
    words = []
    hash_const = _INIT_B
    for value in pool[:2]:
        value = value ^ np.uint32(hash_const)
        hash_const = hash_const * _MULT_B & _MASK32
        value = value * np.uint32(hash_const)
        words.append((value ^ (value >> np.uint32(16))).astype(np.uint64))
    return words[0] | (words[1] << np.uint64(32))


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
