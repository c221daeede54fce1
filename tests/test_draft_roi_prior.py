"""The drafted lift prior of `init from-history` comes from a prior on each channel's ROI.

The same ROI prior median for every channel whatever their number (Meridian's mean ROI at
the always-on sd), wider
for a flighted channel than for an always-on one, turned into a lift at the channel's money
and the KPI's level; the channels' prior contribution is capped, and a units KPI without a
price falls back to the money split of a fixed media share.
"""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from mktsim.history import History
from mktsim.history.draft import (
    LIFT_PRIOR_SD,
    MAX_MEDIA_SHARE,
    MEDIA_SHARE,
    ROI_MEAN,
    ROI_MEDIAN,
    ROI_SD,
    draft,
)
from mktsim.history.periods import PeriodKind

START = dt.date(2024, 1, 5)
WEEKS = 104


def _history(spend: dict[str, np.ndarray], revenue: float = 1e6,
             units: float | None = None) -> History:
    """A weekly history with flat revenue (or units) and the given money columns."""
    dates = tuple(START + dt.timedelta(weeks=i) for i in range(WEEKS))
    ends = tuple(d + dt.timedelta(days=7) for d in dates)
    series = ({"units": np.full(WEEKS, units)} if units is not None
              else {"revenue": np.full(WEEKS, revenue)})
    return History("h.csv", PeriodKind.WEEK, dates, ends, series, spend=spend)


def _columns(seed: int = 1) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    t = np.arange(WEEKS)
    return {"tv": np.where(t % 13 < 8, 120_000 * rng.uniform(0.7, 1.3, WEEKS), 0.0),
            "search": 50_000 * rng.uniform(0.5, 1.5, WEEKS),
            "social": 70_000 * rng.uniform(0.4, 1.6, WEEKS)}


def _implied_roi(d, channel) -> float:
    """The ROI a channel's lift median stands for: baseline x lift / 2 per money a day."""
    c = next(c for c in d.channels if c.name == channel)
    baseline = d.level * (1 - d.media_share)
    return baseline * c.lift / 2 / c.spend_per_day


def test_each_channel_gets_the_roi_prior_whatever_the_number_of_channels() -> None:
    columns = _columns()
    three = draft(_history(columns), "h.csv", "revenue")
    two = draft(_history({k: columns[k] for k in ("tv", "search")}), "h.csv", "revenue")
    for d in (three, two):
        for c in d.channels:
            assert math.isclose(c.roi, ROI_MEDIAN, rel_tol=1e-12)
            assert math.isclose(_implied_roi(d, c.name), c.roi, rel_tol=1e-9)
    # fewer channels: less of the KPI on the media (not a fixed media share split anew)
    assert two.media_share < three.media_share
    spend = sum(float(v.mean()) for v in columns.values()) / 7
    assert math.isclose(three.media_share * three.level,
                        sum(c.roi * c.spend_per_day for c in three.channels), rel_tol=1e-9)
    assert three.media_share < ROI_MEAN * spend / three.level


def test_a_flighted_channel_gets_the_wider_prior() -> None:
    d = draft(_history(_columns()), "h.csv", "revenue")
    sds = {c.name: (c.lift_sd, c.flighted) for c in d.channels}
    assert sds["tv"] == (ROI_SD["flighted"], True)
    assert sds["search"] == (ROI_SD["always_on"], False)
    assert ROI_SD["flighted"] > ROI_SD["always_on"]


def test_the_drafted_scenario_states_the_roi_prior(tmp_path) -> None:
    from mktsim.history.draft_text import priors

    d = draft(_history(_columns()), "h.csv", "revenue")
    found = {path: (prior, key, values) for path, prior, key, values in priors(d)}
    prior, key, values = found["channels.tv.conversion.lift"]
    tv = d.channels[0]
    assert prior == f"lognormal({math.log(tv.lift):.4f}, {ROI_SD['flighted']:g})"
    assert key == "prior_lift_flighted"
    assert values["low"] < values["roi"] == tv.roi < values["high"]
    assert found["channels.search.conversion.lift"][1] == "prior_lift_always_on"


@settings(max_examples=40, deadline=None)
@given(st.floats(1e2, 1e8), st.floats(1e3, 1e6), st.floats(0.05, 20.0))
def test_media_share_capped_and_roi_kept_below_the_cap(revenue: float, tv: float,
                                                      ratio: float) -> None:
    """Whatever the money against the KPI, the channels' prior share stays within the cap
    and each lift stands for its channel's ROI (scaled down together at the cap)."""
    columns = {"tv": np.full(WEEKS, tv), "search": np.full(WEEKS, tv * ratio)}
    d = draft(_history(columns, revenue=revenue), "h.csv", "revenue")
    assert 0 < d.media_share <= MAX_MEDIA_SHARE
    uncapped = sum(ROI_MEDIAN * c.spend_per_day
                   for c in d.channels) / d.level
    assert math.isclose(d.media_share, min(uncapped, MAX_MEDIA_SHARE), rel_tol=1e-9)
    for c in d.channels:
        if c.lift > 1e-3:
            assert math.isclose(_implied_roi(d, c.name), c.roi, rel_tol=1e-9)
    assert math.isclose(d.channels[0].roi, d.channels[1].roi, rel_tol=1e-9)


def test_units_without_a_price_share_the_fixed_media_share_by_money() -> None:
    columns = _columns()
    d = draft(_history(columns, units=5000.0), "h.csv", "units")
    assert d.price_source == "assumed"
    assert d.media_share == MEDIA_SHARE
    total = sum(float(v.sum()) for v in columns.values())
    for c in d.channels:
        assert math.isnan(c.roi) and c.lift_sd == LIFT_PRIOR_SD
        share = float(columns[c.name].sum()) / total
        assert math.isclose(c.lift, MEDIA_SHARE / (1 - MEDIA_SHARE) * 2 * share,
                            rel_tol=1e-9)


def test_a_zero_kpi_level_still_drafts_positive_lifts() -> None:
    d = draft(_history(_columns(), revenue=0.0), "h.csv", "revenue")
    assert all(math.isfinite(c.lift) and c.lift > 0 for c in d.channels)
    assert d.market_size >= 1000
