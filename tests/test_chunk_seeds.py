"""A chunk's replication keys computed at once (`engine.rng.chunk_seeds`) are those of
numpy's SeedSequence objects, and a replication made from them is the same replication;
the first draws of replications' event streams computed at once
(`engine.rng.first_event_draws`) are those of numpy's generators, which go on after them."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mktsim.engine.rng import child_keys, chunk_seeds, first_event_draws, replication_seeds

SMART_BAND = Path(__file__).resolve().parents[1] / "scenarios" / "smart_band.yaml"


@settings(max_examples=60, deadline=None)
@given(st.one_of(st.integers(0, 2**32), st.integers(0, 2**130)), st.integers(0, 2**32 - 9),
       st.integers(1, 8))
def test_keys_are_seed_sequence_s(seed: int, first: int, count: int) -> None:
    keys = child_keys(seed, first, count, (0, 1, 2))
    for j, parent in enumerate(replication_seeds(seed, count, first)):
        for c, child in enumerate(parent.spawn(3)):
            assert int(keys[c, j]) == int(child.generate_state(1, np.uint64)[0])


def test_a_replication_from_a_chunk_seed_is_the_same_replication() -> None:
    import mktsim
    from mktsim.engine.replication import Replication

    plan = mktsim.load(SMART_BAND).plan("baseline")
    for fast, slow in zip(chunk_seeds(77, 3, 5), replication_seeds(77, 3, 5), strict=True):
        a, b = Replication(plan, fast), Replication(plan, slow)
        assert (a.key, a.roster_key) == (b.key, b.roster_key)
        assert a.rng.integers(2**63) == b.rng.integers(2**63)


def test_negative_seeds_and_indices_past_32_bits_are_refused() -> None:
    with pytest.raises(ValueError, match="non-negative"):
        child_keys(-1, 0, 2, (0,))
    with pytest.raises(ValueError, match="2\\*\\*32"):
        child_keys(1, 2**32 - 1, 2, (0,))


@settings(max_examples=60, deadline=None)
@given(st.one_of(st.integers(0, 2**32), st.integers(0, 2**130)),
       st.lists(st.integers(0, 2**32 - 1), max_size=6))
def test_first_event_draws_are_numpy_s(seed: int, indices: list[int]) -> None:
    expected = [int(np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(i, 1)))
                    .integers(2**63)) for i in indices]
    assert first_event_draws(seed, indices) == expected


def test_a_stream_drawn_at_once_goes_on_as_its_generator() -> None:
    import mktsim
    from mktsim.engine.replication import Replication

    plan = mktsim.load(SMART_BAND).plan("baseline")
    seeds = chunk_seeds(77, 4, 5)
    reps = [Replication(plan, seed) for seed in seeds]
    reps[2].rng.random()  # drawn from already: left to draw its own
    first = Replication.first_event_draws(reps)
    assert first[2] is None and Replication.first_event_draws(reps[:1]) == [None]
    for rep, value, seed in zip(reps, first, seeds, strict=True):
        if value is None:
            continue
        alone = np.random.default_rng(seed.events())
        assert value == int(alone.integers(2**63))
        assert rep.rng.random() == alone.random()  # the stream after its first draw


def test_a_replication_given_twice_draws_its_first_key_once() -> None:
    """As one by one: the first occurrence gets the stream's first draw, the repeat None
    (it draws itself, the stream's second value)."""
    import mktsim
    from mktsim.engine.replication import Replication

    plan = mktsim.load(SMART_BAND).plan("baseline")
    seed = chunk_seeds(77, 1, 5)[0]
    twice = Replication(plan, seed)
    first = Replication.first_event_draws([twice, twice])
    once = Replication(plan, seed)
    one_by_one = [*Replication.first_event_draws([once]), *Replication.first_event_draws([once])]
    assert first == one_by_one and first[1] is None
    alone = np.random.default_rng(seed.events())
    assert first[0] == int(alone.integers(2**63))
    second = int(alone.integers(2**63))  # the stream goes on after its one draw taken
    assert int(twice.rng.integers(2**63)) == second == int(once.rng.integers(2**63))
