"""The rule functions read as columns for a batch's reviews at once
(`rules.batch_review.COLUMNS`) give each review's own value, bit for bit."""

from pathlib import Path

import numpy as np
import pytest

import mktsim
from mktsim.engine.replication import Replication
from mktsim.engine.rng import replication_seeds
from mktsim.rules.batch_review import COLUMNS, best_channels, channel_measures_of
from mktsim.rules.compiled import compile_review
from mktsim.rules.review import Review

SMART_BAND = Path(__file__).resolve().parents[1] / "scenarios" / "smart_band.yaml"


@pytest.fixture(scope="module")
def plan():
    return mktsim.load(SMART_BAND).plan("adaptive")


def _reviews(plan, day):
    """A review of each of four replications synced to `day`, its report taken then."""
    rules = compile_review(plan)
    reviews = []
    for child in replication_seeds(3, 4):
        rep = Replication(plan, child)
        rep.sync(day)
        reviews.append(Review(rep, rules))
        reviews[-1].snapshot = rep.channel_totals()
    return reviews


@pytest.mark.parametrize("day", [0, 31, 200, 364])
def test_target_columns_equal_each_reviews_target_function(plan, day):
    """target, gap and on_track of stock targets (surveyed awareness, before and after
    the deadline) and of a flow (units over the year), on the first day and later."""
    reviews = _reviews(plan, day)
    for name in ("target", "gap", "on_track"):
        for target in ("awareness_up", "awareness_h1", "sales_up"):
            column = COLUMNS[name](reviews, day, [target]).tolist()
            alone = [float(r.target_function(name, target, day)) for r in reviews]
            assert column == alone, (name, target)
    values = [float(r.target_function("gap", "sales_up", day)) for r in reviews]
    assert len(set(values)) == (1 if day == 0 else len(reviews))  # the replications differ


@pytest.mark.parametrize("day", [0, 90, 300])
def test_channel_measures_and_best_channels_equal_each_reviews(plan, day):
    reviews = _reviews(plan, day)
    for measure in ("roi", "cac", "spend", "new_customers"):
        together = channel_measures_of(reviews, measure)
        np.testing.assert_array_equal(together, [r.channel_measures(measure) for r in reviews])
    for measure, leave_out in (("roi", None), ("roi", "social"), ("cac", "kol")):
        assert best_channels(reviews, day, measure, leave_out) == [
            r.best_channel(measure, day, leave_out) for r in reviews]
    if day:
        assert np.isfinite(channel_measures_of(reviews, "roi")).any()
