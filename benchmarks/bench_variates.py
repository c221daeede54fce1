"""Nanoseconds per variate: the kernel's samplers (`engine.variates`, SplitMix64 counter) against
numba's np.random (Mersenne Twister), side by side in one run.

Run: python benchmarks/bench_variates.py [--variates N]

Prints ns per uniform, per binomial variate for n p from 0.01 to 10^5 (inversion below
n min(p, 1 - p) = 10, BTRS above), and per hypergeometric variate (urn below a sample of 10,
HRUA above).
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from numba import njit

from mktsim.engine.variates import binomial, hypergeometric, new_stream, uniform


@njit(cache=True)
def _ours_binomial(rs, n, p, size):
    total = 0
    for _ in range(size):
        total += binomial(rs, n, p)
    return total


@njit(cache=True)
def _numba_binomial(seed, n, p, size):
    np.random.seed(seed)
    total = 0
    for _ in range(size):
        total += np.random.binomial(n, p)
    return total


@njit(cache=True)
def _ours_hypergeometric(rs, good, bad, sample, size):
    total = 0
    for _ in range(size):
        total += hypergeometric(rs, good, bad, sample)
    return total


@njit(cache=True)
def _numba_hypergeometric(seed, good, bad, sample, size):
    np.random.seed(seed)
    total = 0
    for _ in range(size):
        total += np.random.hypergeometric(good, bad, sample)
    return total


@njit(cache=True)
def _ours_uniform(rs, size):
    total = 0.0
    for _ in range(size):
        total += uniform(rs)
    return total


@njit(cache=True)
def _numba_uniform(seed, size):
    np.random.seed(seed)
    total = 0.0
    for _ in range(size):
        total += np.random.random()
    return total


def _ns(fn, *args, size: int, repeat: int = 5) -> float:
    fn(*args, 100)  # compile / warm
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn(*args, size)
        best = min(best, time.perf_counter() - start)
    return best / size * 1e9


BINOMIAL = [(100, 1e-4), (1000, 0.001), (50, 0.1), (100, 0.05), (20, 0.3), (1000, 0.009),
            (1000, 0.02), (1000, 0.3), (10**6, 0.1), (10**6, 0.97)]
HYPERGEOMETRIC = [(30, 70, 5), (300, 700, 50), (10**5, 10**6, 1000), (40, 10**6, 200)]


def main() -> None:
    """Print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--variates", type=int, default=1_000_000)
    size = parser.parse_args().variates
    ours = _ns(_ours_uniform, new_stream(1), size=size)
    theirs = _ns(_numba_uniform, 1, size=size)
    print(f"{'uniform':>34}: {ours:6.1f} ns (numba np.random {theirs:6.1f} ns)")
    for n, p in BINOMIAL:
        ours = _ns(_ours_binomial, new_stream(1), n, p, size=size)
        theirs = _ns(_numba_binomial, 1, n, p, size=size)
        print(f"binomial n={n:>8} p={p:<7} (np={n * min(p, 1 - p):>8.4g}): {ours:6.1f} ns "
              f"(numba np.random {theirs:6.1f} ns, x{theirs / ours:.1f})")
    for good, bad, sample in HYPERGEOMETRIC:
        ours = _ns(_ours_hypergeometric, new_stream(1), good, bad, sample, size=size)
        theirs = _ns(_numba_hypergeometric, 1, good, bad, sample, size=size)
        print(f"hypergeometric {good:>7}/{bad:>8} take {sample:>5}: {ours:6.1f} ns "
              f"(numba np.random {theirs:6.1f} ns, x{theirs / ours:.1f})")


if __name__ == "__main__":
    main()
