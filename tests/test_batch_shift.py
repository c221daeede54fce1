"""A batch's shift_budget for all acting replications at once (`batch_review.shifts_at_once`)
gives the statuses, amounts and channel scales of `shift_money` one replication at a time,
including every reason to skip."""

import numpy as np
import pytest

from batch_review_fixtures import DAY, adaptive_plan, reviews_of_a_batch
from mktsim.rules.actions import shift_money
from mktsim.rules.batch_review import _money_left, shifts_at_once


@pytest.fixture(scope="module")
def plan():
    return adaptive_plan()


def settings_and_states(reviews):
    """One replication for each way a shift goes (or is skipped)."""
    channels = reviews[0].channels
    social, kol = channels.index("social"), channels.index("kol")
    targets = ["kol", "kol", "social", "", "kol", "kol", "live_stream", "kol"]
    reviews[1].actions.paused[kol] = 1.0  # destination paused
    reviews[4].rep.set_channel_scale(social, 0.0)  # nothing left to move
    reviews[5].rep.set_channel_scale(kol, 0.0)  # destination has no money left
    reviews[7].rep.set_channel_scale(social, np.nan)  # nothing to move
    return [{"from": "social", "to": to, "share": 0.25} for to in targets]


def test_shifts_at_once_are_those_of_shift_money_one_by_one(plan):
    together, alone = reviews_of_a_batch(plan, 8), reviews_of_a_batch(plan, 8)
    settings = settings_and_states(together)
    settings_and_states(alone)
    channels = together[0].channels
    left = _money_left(together, DAY)
    done = shifts_at_once(together, [dict(a) for a in settings], channels, left)
    one_by_one = [shift_money(r.actions, dict(a), channels, money.__getitem__)
                  for r, a, money in zip(alone, settings, left.tolist(), strict=True)]
    assert done is not None
    assert [status for status, _ in done] == [status for status, _ in one_by_one]
    assert repr(done) == repr(one_by_one)
    assert {status for status, _ in done} == {
        "done", "skipped: destination is paused",
        "skipped: source and destination are the same", "skipped: no destination channel",
        "skipped: nothing left to move", "skipped: destination has no planned spend left",
        "skipped: nothing to move"}
    for a, b in zip(together, alone, strict=True):
        np.testing.assert_array_equal(a.rep.chan_scale, b.rep.chan_scale)


def test_shares_that_differ_are_shifted_one_by_one(plan):
    reviews = reviews_of_a_batch(plan, 3)
    settings = [{"from": "social", "to": "kol", "share": share} for share in (0.1, 0.2, 0.1)]
    left = _money_left(reviews, DAY)
    assert shifts_at_once(reviews, settings, reviews[0].channels, left) is None
