"""A batch's research for all acting replications at once (`batch_review.research_together`)
gives the decisions, channel scales, booked costs and studies of `Review.act` one
replication at a time, including both reasons to skip."""

import numpy as np
import pytest

from batch_review_fixtures import DAY, adaptive_plan, reviews_of_a_batch
from mktsim.rules.actions import commissioned
from mktsim.rules.batch_review import research_together
from mktsim.rules.functions import ReviewEnvironment

RULE = 0  # measure_awareness: research brand_awareness, 2000 people, 60 days, 80,000


@pytest.fixture(scope="module")
def plan():
    return adaptive_plan()


def states(reviews):
    """Replication 1 runs a study as large already, replication 2 has almost no money
    left; the others pay."""
    running = commissioned(reviews[1].rules, "brand_awareness", DAY - 5, 60, 2000, 0.0)
    reviews[1].set_rules(running)
    for c in range(len(reviews[2].channels)):
        reviews[2].rep.set_channel_scale(c, 1e-9)


def test_research_at_once_is_that_of_act_one_by_one(plan):
    together, alone = (reviews_of_a_batch(plan, 5) for _ in range(2))
    states(together)
    states(alone)
    assert together[0].rules.rules[RULE].then[0].kind == "research"
    done = [0] * len(together)
    acting = [(i, {"day": float(DAY)}, None) for i in range(len(together))]
    assert research_together(together, RULE, acting, DAY, done)
    one_by_one = [r.act(RULE, ReviewEnvironment(r, DAY), {"day": float(DAY)}, 0) for r in alone]
    assert done == one_by_one == [1, 0, 0, 1, 1]
    assert repr([r.log.decisions for r in together]) == repr([r.log.decisions for r in alone])
    assert [d["status"] for r in together for d in r.log.decisions] == [
        "done", "skipped: a study of brand_awareness at least as large is running",
        "skipped: not enough budget left", "done", "done"]
    for a, b in zip(together, alone, strict=True):
        np.testing.assert_array_equal(a.rep.chan_scale, b.rep.chan_scale)
        np.testing.assert_array_equal(a.rep.extra_spend, b.rep.extra_spend)
        assert a.rules.info.studies == b.rules.info.studies
        assert a.observer.info is a.rules.info and a.acted == b.acted
    assert together[0].rules is together[3].rules  # the same study: the same rules
