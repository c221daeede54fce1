"""The review logs added up where their chunk ran (`rules.log.ReviewTally`): chunks' tallies
join to the tally of all the logs, whatever the chunks, and a run's decisions, rules'
summary and rule-bought money are those of its replications' logs, on 1 and 2 workers."""

from __future__ import annotations

import itertools
from types import SimpleNamespace

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

import mktsim
from mktsim.rules.log import ReviewTally, aggregate_decisions, review_tally
from mktsim.simulate.spend import spend_lines

_VALUE = st.one_of(st.floats(allow_nan=True, allow_infinity=False, width=32),
                   st.integers(-5, 5), st.sampled_from(["tv", "kol", "store"]), st.booleans())
_DECISION = st.fixed_dictionaries({
    "day": st.sampled_from([30, 60, 90]),
    "rule": st.sampled_from(["cut", "grow", "research:awareness"]),
    "action": st.sampled_from(["shift_budget", "train", "research"]),
    "status": st.sampled_from(["done", "skipped: not enough budget left", "skipped: paused"]),
    "args": st.fixed_dictionaries({}, optional={"share": _VALUE, "to": _VALUE,
                                                "cost": st.floats(0, 1e6)}),
    "seen": st.dictionaries(st.sampled_from(["roi('tv')", "gap('units')"]), _VALUE,
                            max_size=2),
})
_LOG = st.one_of(st.none(), st.builds(SimpleNamespace,
                                      decisions=st.lists(_DECISION, max_size=6)))


def _dated(logs: list) -> list:
    for log in logs:
        for d in log.decisions if log is not None else []:
            d["date"] = f"day {d['day']}"
    return logs


def _figures(tally: ReviewTally) -> tuple:
    return (repr(tally.decisions()), repr(tally.rule_rows()), tally.training.tolist(),
            tally.research.tolist())


@settings(max_examples=60, deadline=None)
@given(logs=st.lists(_LOG, max_size=12), cuts=st.lists(st.integers(0, 12), max_size=4))
def test_chunks_tallies_join_to_the_tally_of_all_the_logs(logs, cuts) -> None:
    logs = _dated(logs)
    bounds = sorted({0, len(logs), *(min(c, len(logs)) for c in cuts)})
    parts = [ReviewTally.of(logs[a:b]) for a, b in itertools.pairwise(bounds)]
    whole = ReviewTally.of(logs)
    joined = ReviewTally.joined(parts) if parts else whole
    assert _figures(joined) == _figures(whole)
    assert joined.replications == len(logs)


def test_a_run_gives_its_logs_figures_on_one_and_two_workers(smart_band_path) -> None:
    scenario = mktsim.load(smart_band_path)
    one, two = (scenario.run("adaptive", 40, seed=11, workers=w, incremental=False)
                for w in (1, 2))
    for result in (one, two):
        assert result.run.review_tally is not None
        logs = ReviewTally.of(result.run.reviews)
        assert _figures(result.run.review_tally) == _figures(logs)
        assert repr(result.decisions) == repr(aggregate_decisions(result.run.reviews))
    assert _figures(one.run.review_tally) == _figures(two.run.review_tally)
    assert repr(one.decisions) == repr(two.decisions) and one.decisions
    assert repr(one.to_dict()["rules"]) == repr(two.to_dict()["rules"])


def test_a_run_made_of_another_s_replications_tallies_its_own_logs(smart_band_path) -> None:
    """`track` resamples a run's replications: their tally is made from their logs."""
    from mktsim.track.run import resample_run

    result = mktsim.load(smart_band_path).run("adaptive", 12, seed=5, incremental=False)
    picked = resample_run(result.run, np.array([3, 3, 0, 7]))
    assert picked.review_tally is None
    assert _figures(review_tally(picked)) == _figures(ReviewTally.of(picked.reviews))
    bought = spend_lines(picked, None).research
    assert np.array_equal(bought, ReviewTally.of(picked.reviews).research)


def test_a_log_crosses_processes_packed_until_read(smart_band_path) -> None:
    import pickle

    result = mktsim.load(smart_band_path).run("adaptive", 3, seed=2, incremental=False)
    log = result.run.reviews[0]
    copy = pickle.loads(pickle.dumps(log))
    assert "decisions" not in vars(copy) and isinstance(vars(copy)["_packed"], bytes)
    again = pickle.loads(pickle.dumps(copy))  # passed on unread: still packed
    assert "decisions" not in vars(again)
    assert again.decisions == log.decisions and log.decisions
    assert copy.decisions == log.decisions and "_packed" not in vars(copy)
    assert "observed" not in vars(copy) and "_observed" in vars(copy) and log.observed
    assert [day for day, _ in copy.observed] == [day for day, _ in log.observed]
    assert all(np.array_equal(a, b, equal_nan=True)
               for (_, a), (_, b) in zip(copy.observed, log.observed, strict=True))
    assert repr(copy.observations) == repr(log.observations)
