"""The cycle collector is off while a chunk of replications runs, and as it was after."""

from __future__ import annotations

import gc

import numpy as np
import pytest

from mktsim.engine import montecarlo
from mktsim.engine.collector import collector_paused


@pytest.mark.parametrize("on", [True, False])
def test_the_collector_is_off_inside_and_as_before_after(on: bool) -> None:
    seen: list[bool] = []
    was = gc.isenabled()
    try:
        gc.enable() if on else gc.disable()
        collector_paused(lambda: seen.append(gc.isenabled()))()
        assert seen == [False] and gc.isenabled() is on
    finally:
        gc.enable() if was else gc.disable()


def test_the_collector_is_on_again_after_a_failure() -> None:
    def fails() -> None:
        raise ValueError("bad")

    assert gc.isenabled()
    with pytest.raises(ValueError, match="bad"):
        collector_paused(fails)()
    assert gc.isenabled()


def test_no_collection_runs_during_a_chunk_s_batches_and_numbers_stay(tiny_scenario_path
                                                                       ) -> None:
    """`run_batched` runs no collection even when one is due at every allocation; its
    numbers are those of the same batches with the collector on."""
    import mktsim
    from mktsim.engine.replication import Replication
    from mktsim.engine.rng import replication_seeds

    plan = mktsim.load(tiny_scenario_path).plan("steady")

    def reps() -> list[Replication]:
        return [Replication(plan, child) for child in replication_seeds(3, 2)]

    plain = montecarlo.run_batched.__wrapped__(reps())
    ready = reps()
    collections: list[str] = []
    threshold = gc.get_threshold()
    gc.callbacks.append(lambda phase, info: collections.append(phase))
    gc.set_threshold(1)
    try:
        paused = montecarlo.run_batched(ready)
    finally:
        gc.set_threshold(*threshold)
        gc.callbacks.pop()
    assert collections == [] and gc.isenabled()
    for a, b in zip(plain, paused, strict=True):
        assert np.array_equal(a.daily, b.daily) and np.array_equal(a.state, b.state)
