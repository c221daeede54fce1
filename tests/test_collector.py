"""The cycle collector is off while a chunk of replications runs, and as it was after."""

from __future__ import annotations

import gc
import pickle

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


def test_no_collection_runs_during_a_chunk_and_its_numbers_stay(tiny_scenario_path) -> None:
    """`run_chunk` (which goes to worker processes by name, so the paused function must
    pickle as itself) runs no collection even when one is due at every allocation."""
    import mktsim

    plan = mktsim.load(tiny_scenario_path).plan("steady")
    assert pickle.loads(pickle.dumps(montecarlo.run_chunk)) is montecarlo.run_chunk
    plain = montecarlo.run_chunk.__wrapped__(plan, 3, 0, 2)
    collections: list[str] = []
    threshold = gc.get_threshold()
    gc.callbacks.append(lambda phase, info: collections.append(phase))
    gc.set_threshold(1)
    try:
        paused = montecarlo.run_chunk(plan, 3, 0, 2)
    finally:
        gc.set_threshold(*threshold)
        gc.callbacks.pop()
    assert collections == [] and gc.isenabled()
    assert all(np.array_equal(a, b) for a, b in zip(plain[:4], paused[:4], strict=True))
