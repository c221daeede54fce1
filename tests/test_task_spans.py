"""The tasks `compare` puts on a pool (`engine.montecarlo.task_spans`): every replication
once, in order, the last ones smaller so that the workers end together."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from mktsim.engine.montecarlo import MIN_CHUNK, task_spans


@given(st.integers(0, 50), st.integers(0, 3000), st.integers(1, 120), st.integers(1, 8))
def test_tasks_cover_every_replication_once_the_last_ones_smaller(begin, more, chunk,
                                                                  workers) -> None:
    end = begin + more
    spans = task_spans(begin, end, chunk, workers)
    assert all(n > 0 for _, n in spans)
    firsts = [f for f, _ in spans]
    assert firsts == sorted(set(firsts))
    assert [f + n for f, n in spans[:-1]] == firsts[1:]
    assert (spans[0][0] if spans else end) == begin and sum(n for _, n in spans) == more
    assert all(n <= chunk for _, n in spans)
    tail = [n for f, n in spans if f >= end - workers * chunk]
    assert all(n <= max(chunk // 2, min(chunk, MIN_CHUNK // 2)) for n in tail)
