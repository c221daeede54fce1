"""Replications run in batches give the numbers of running each alone, bit for bit, on any
number of threads; replications with work between their events are never batched."""

import dataclasses
from pathlib import Path

import numpy as np
import pytest

import mktsim
from mktsim.engine.batch import schedule_key
from mktsim.engine.controls import MissingController
from mktsim.engine.montecarlo import batchable, run_batched, run_chunk, simulate
from mktsim.engine.replication import Replication
from mktsim.engine.rng import replication_seeds
from mktsim.kpis import KPIS
from mktsim.rules.review import ReviewLoop
from mktsim.simulate.sampled import uncertain_plans

SMART_BAND = Path(__file__).resolve().parents[1] / "scenarios" / "smart_band.yaml"


@pytest.fixture(scope="module")
def scenario():
    return mktsim.load(SMART_BAND)


def alone(plans, seed, first=0):
    """Each replication on its own: SimPy drives its events."""
    children = replication_seeds(seed, len(plans), first)
    return [Replication(p, child).run() for p, child in zip(plans, children, strict=True)]


def assert_same(batched, single):
    for a, b in zip(batched, single, strict=True):
        for field in ("daily", "channels", "leaks", "state"):
            np.testing.assert_array_equal(getattr(a, field), getattr(b, field))


@pytest.mark.parametrize("strategy", ["baseline", "digital_first", "experience_led"])
def test_a_batch_of_sampled_plans_equals_each_run_alone(scenario, strategy):
    source = uncertain_plans(scenario.loaded, strategy, 11)
    plans = [p for p, _ in source.plans_for(0, 12)]
    assert len({schedule_key(Replication(p, c)) for p, c
                in zip(plans, replication_seeds(11, 12), strict=True)}) == 1
    reps = [Replication(p, c) for p, c in zip(plans, replication_seeds(11, 12), strict=True)]
    assert_same(run_batched(reps), alone(plans, 11))


def test_threads_do_not_change_the_numbers(scenario):
    plan = scenario.plan("digital_first")
    one = run_chunk(plan, 5, 3, 9, threads=1)
    two = run_chunk(plan, 5, 3, 9, threads=2)
    for a, b in zip(one[:4], two[:4], strict=True):
        np.testing.assert_array_equal(a, b)
    single = alone([plan] * 9, 5, first=3)
    np.testing.assert_array_equal(one[0], np.stack([r.daily for r in single]))


def test_plans_with_other_event_days_run_in_their_own_batches(scenario):
    plans = [scenario.plan("baseline"), scenario.plan("experience_led"),
             scenario.plan("baseline"), scenario.plan("digital_first")]
    reps = [Replication(p, c) for p, c
            in zip(plans, replication_seeds(2, len(plans)), strict=True)]
    assert len({schedule_key(r) for r in reps}) == 3  # the strategies' events differ
    assert_same(run_batched(reps), alone(plans, 2))


def test_replications_with_rules_run_in_batches(scenario):
    plan = scenario.plan("adaptive")
    assert plan.rules is not None
    assert batchable(plan, (ReviewLoop(),))
    assert not batchable(plan, ())
    assert batchable(scenario.plan("baseline"), (ReviewLoop(),))
    with pytest.raises(MissingController):
        simulate(plan, 2, seed=1)
    run = simulate(plan, 3, seed=1, controllers=(ReviewLoop(),))
    assert all(log is not None and log.decisions for log in run.reviews)


def _decisions(logs):
    return [[(d["day"], d["rule"], d["action"], d["status"], repr(d["args"]))
             for d in log.decisions]
            for log in logs]


def test_rules_give_the_same_numbers_whatever_the_batch(scenario):
    """A replication with rules draws from its own streams, and its batch syncs on days
    the rules fix in advance: batches of any size and threads give the same numbers."""
    plan, loop = scenario.plan("adaptive"), (ReviewLoop(),)
    whole = run_chunk(plan, 7, 0, 6, controllers=loop)
    parts = [run_chunk(plan, 7, first, count, controllers=loop, threads=threads)
             for first, count, threads in ((0, 1, 1), (1, 3, 2), (4, 2, 1))]
    for i in range(4):
        np.testing.assert_array_equal(whole[i], np.concatenate([p[i] for p in parts]))
    assert _decisions(whole[5]) == _decisions([log for p in parts for log in p[5]])
    # the surveys too: each from its replication's own keyed streams
    assert _logs(whole[5]) == _logs([log for p in parts for log in p[5]])


def test_rules_give_the_same_numbers_on_one_and_two_workers(scenario):
    from mktsim.engine.workers import open_pool

    plan, loop = scenario.plan("adaptive"), (ReviewLoop(),)
    one = simulate(plan, 20, seed=3, workers=1, controllers=loop)
    threads = simulate(plan, 20, seed=3, workers=2, controllers=loop)
    with open_pool("local", 2) as pool:
        processes = simulate(plan, 20, seed=3, workers=2, pool=pool.executor,
                             controllers=loop)
    for other in (threads, processes):
        np.testing.assert_array_equal(one.daily, other.daily)
        np.testing.assert_array_equal(one.channels, other.channels)
        assert _decisions(one.reviews) == _decisions(other.reviews)
        assert _logs(one.reviews) == _logs(other.reviews)


def test_a_promotion_whose_length_is_computed_runs_alone():
    """The day a promotion ends is then known only during the run: no batch."""
    from rules_fixtures import scenario as rules_scenario

    rules = """\
rules:
  review: {every_days: 30}
  price_bounds: {band: {min: 150, max: 250}}
  when_then:
    - name: promo
      when: "day >= 30"
      then:
        - promotion: {product: band, depth: 10%, days: "7 if day < 45 else 14"}
"""
    plan = rules_scenario(rules).plan("steady")
    assert ReviewLoop().batch_days(plan) is None
    assert not batchable(plan, (ReviewLoop(),))
    run = simulate(plan, 2, seed=1, controllers=(ReviewLoop(),))
    assert {d["args"]["days"] for d in run.reviews[0].decisions} == {7, 14}


class Spender:
    """A controller without `idle`: it moves money, so it must run in each replication."""

    def start(self, controls):
        controls.at(100, lambda: controls.set_channel_scale(0, 3.0))


def test_a_controller_without_idle_runs_in_every_replication(scenario):
    plan = scenario.plan("baseline")
    assert not batchable(plan, (Spender(),))
    plain = simulate(plan, 3, seed=4)
    moved = simulate(plan, 3, seed=4, controllers=(Spender(),))
    spend = mktsim.kpis.KPI_NAMES.index("marketing_spend")
    np.testing.assert_array_equal(plain.daily[:, spend, :100], moved.daily[:, spend, :100])
    assert (moved.daily[:, spend, 100:].sum() > plain.daily[:, spend, 100:].sum())


def test_threads_in_this_process_and_worker_processes_give_the_same_numbers(scenario):
    from mktsim.engine.workers import open_pool

    plan = scenario.plan("digital_first")
    one = simulate(plan, 30, seed=8, workers=1)
    threads = simulate(plan, 30, seed=8, workers=2)  # no pool: batches on 2 threads here
    with open_pool("local", 2) as pool:
        processes = simulate(plan, 30, seed=8, workers=2, pool=pool.executor)
        assert pool.executor.started
    for other in (threads, processes):
        np.testing.assert_array_equal(one.daily, other.daily)
        np.testing.assert_array_equal(one.channels, other.channels)


def test_one_thread_never_starts_numbas_threads():
    """Worker processes fork cheaply only from a process whose threading layer never ran
    (engine.workers.start_method): a run on one worker must leave it alone."""
    import subprocess
    import sys

    code = ("import mktsim; from mktsim.engine.montecarlo import simulate; "
            "from mktsim.engine.workers import numba_threads_started; "
            f"plan = mktsim.load({str(SMART_BAND)!r}).plan('digital_first'); "
            "simulate(plan, 3, seed=1, workers=1); print(numba_threads_started())")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    assert done.stdout.strip() == "False"


def test_span_keys_of_a_batch_are_the_replications_own():
    from mktsim.engine.batch import span_keys
    from mktsim.engine.rng import span_key

    keys = np.random.default_rng(3).integers(0, 2**64 - 1, size=500, dtype=np.uint64,
                                             endpoint=True)
    for day in (0, 1, 30, 364, 10_000):
        assert span_keys(keys, day).tolist() == [span_key(int(k), day) for k in keys]


def _logs(logs):
    """Decisions with what each condition saw, and every observation."""
    return [([(d["day"], d["rule"], d["action"], d["status"], repr(d["args"]),
               repr(d["seen"])) for d in log.decisions], repr(log.observations))
            for log in logs]


def test_reviews_together_give_what_each_review_alone_gives(scenario, monkeypatch):
    """The day's reviews of a batch run together (compiled conditions over leaf columns,
    `rules.batch_review`) make the decisions, see the values and leave the numbers that
    each replication's review run on its own in the same batch makes, sees and leaves."""
    from mktsim.rules.review import ReviewStep

    plan, loop = scenario.plan("adaptive"), (ReviewLoop(),)
    together = run_chunk(plan, 9, 0, 8, controllers=loop)
    monkeypatch.setattr(ReviewStep, "run_together", None)  # each review on its own
    one_by_one = run_chunk(plan, 9, 0, 8, controllers=loop)
    for i in range(4):
        np.testing.assert_array_equal(together[i], one_by_one[i])
    assert _logs(together[5]) == _logs(one_by_one[5])
    assert sum(len(log.decisions) for log in together[5]) > 8


def test_rosters_of_other_widths_give_the_numbers_of_each_run_alone(scenario):
    """A batch stacks its rosters, padded to the widest; a roster widened before the batch
    or by a hire during it (experience_led hires past its teams' slots) changes nothing,
    with people leaving often so that the rosters' person arrays are read."""
    plan = dataclasses.replace(scenario.plan("experience_led"),
                               team_attrition=np.full(len(scenario.plan("baseline").teams),
                                                      0.02))
    reps = [Replication(plan, c) for c in replication_seeds(4, 3)]
    reps[1].roster._make_room(3 * reps[1].roster.joined.shape[1])
    single = [Replication(plan, c) for c in replication_seeds(4, 3)]
    single[1].roster._make_room(3 * single[1].roster.joined.shape[1])
    assert_same(run_batched(reps), [rep.run() for rep in single])
    for a, b in zip(reps, single, strict=True):
        assert a.roster.people == b.roster.people
    assert_same(run_batched([Replication(plan, c) for c in replication_seeds(4, 3)]),
                alone([plan] * 3, 4))


def test_review_days_kept_by_the_rules_are_those_computed(scenario):
    from mktsim.rules import review

    source = uncertain_plans(scenario.loaded, "adaptive", 3)
    plans = [p for p, _ in source.plans_for(0, 3)]
    loop = ReviewLoop()
    days = [loop.batch_days(p) for p in plans]
    assert days[0] and all(d == review._batch_days(p) for d, p in zip(days, plans, strict=True))
    shorter = dataclasses.replace(plans[0], rules=dataclasses.replace(
        plans[0].rules, review_days=plans[0].rules.review_days[:2]))
    assert loop.batch_days(shorter) == review._batch_days(shorter) != days[0]


def test_review_logs_closed_together_read_what_each_closed_alone_reads(scenario, monkeypatch):
    """A batch's review logs read their observations at once (`ReviewLog.close_together`,
    from the batch's daily record in place): the figures each log reads when closed on its
    own, flows summed in the same order."""

    import mktsim.engine.batch as batch_module
    from mktsim.engine.controls import close_logs
    from mktsim.rules.review import ReviewLog

    plan, loop = scenario.plan("adaptive"), (ReviewLoop(),)
    together = run_chunk(plan, 11, 0, 7, controllers=loop)
    # without the batch's daily record: each replication's history copied out
    monkeypatch.setattr(batch_module, "close_logs", lambda logs, daily: close_logs(logs))
    copied = run_chunk(plan, 11, 0, 7, controllers=loop)
    monkeypatch.setattr(ReviewLog, "close_together", None)  # each log's `close`
    one_by_one = run_chunk(plan, 11, 0, 7, controllers=loop)
    assert _logs(together[5]) == _logs(one_by_one[5]) == _logs(copied[5])
    assert all(len(log.observed) == 12 for log in together[5])
    flows = [kpi for kpi, spec in KPIS.items() if spec.kind == "flow"]
    assert any(name in flows and true > 0 for log in together[5]
               for _, name, _, _, true in log.observations)


@dataclasses.dataclass(frozen=True)
class Unannounced:
    """Says it acts on day 30 only, but also changes the spend on day 45."""

    def batch_days(self, plan):
        return (30,)

    def start(self, controls):
        controls.at(30, lambda: controls.set_channel_scale(0, 2.0))
        controls.at(45, lambda: controls.set_channel_scale(0, 3.0))


def test_a_change_on_a_day_the_controller_did_not_name_is_an_error_in_a_batch(scenario):
    plan = scenario.plan("baseline")
    assert batchable(plan, (Unannounced(),))
    with pytest.raises(RuntimeError, match="not one of the days its batch_days gave"):
        run_chunk(plan, 4, 0, 3, controllers=(Unannounced(),))
