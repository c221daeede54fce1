"""A check against theory: a price cut against a competitor that matches every cut gains
(almost) no share in the long run, against one that does not answer it gains clearly.

In the logit choice model our share among the people who consider us depends on price
differences only, so a competitor who lowers its price by the same amount of money as we
did (the `match_cut` reaction) leaves that share where it was. What remains is a small
loss: the competitor's lower price also wins category purchases from the people who do not
consider us. Long-run share is units / category units over days 180-364 (the match takes
effect on day 98), paired by seed, cut minus steady.

Figures (200 replications, seed 3): matched gain -0.81 share points (95% CI -0.87 to
-0.76), unanswered gain +8.93 points (95% CI +8.86 to +9.00), base share 45.5%.
`PYTHONPATH=src python -m pytest -m slow tests/test_rivals_theory.py -s` prints them.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from mktsim.kpis import KPI_INDEX
from mktsim.simulate import run_plan
from rivals_fixtures import MATCHER, rivals

FIRST, LAST = 180, 364


def window_share(daily: np.ndarray) -> np.ndarray:
    """Our units / category units over days FIRST+1..LAST, per replication (the category
    from the to-date market share: category to date = our units to date / share)."""
    units = np.cumsum(daily[:, KPI_INDEX["units"], :], axis=1)
    category = units / daily[:, KPI_INDEX["market_share"], :]
    return (units[:, LAST] - units[:, FIRST]) / (category[:, LAST] - category[:, FIRST])


def share_gain(rival: str, replications: int) -> tuple[float, float, float]:
    """Mean long-run share gain of the cut and its 95% confidence interval."""
    scenario = rivals(rival)
    steady = run_plan(scenario.plan("steady"), replications, seed=3)
    cut = run_plan(scenario.plan("cut"), replications, seed=3)
    gain = window_share(cut.daily) - window_share(steady.daily)
    half = 1.96 * gain.std(ddof=1) / math.sqrt(replications)
    return float(gain.mean()), float(gain.mean() - half), float(gain.mean() + half)


def check(replications: int, tolerance: float, clear_gain: float) -> None:
    matched, m_low, m_high = share_gain(MATCHER, replications)
    alone, a_low, a_high = share_gain("", replications)
    print(f"\nmatched: {matched:+.4f} ({m_low:+.4f} to {m_high:+.4f}); "
          f"unanswered: {alone:+.4f} ({a_low:+.4f} to {a_high:+.4f}); "
          f"{replications} replications")
    assert -tolerance < m_low and m_high < tolerance  # the whole CI near zero
    assert a_low > clear_gain  # the whole CI clearly positive
    assert abs(matched) < 0.15 * alone


def test_a_matched_cut_gains_almost_nothing_an_unanswered_cut_gains_share():
    """12 replications: matched gain within +-1.5 share points, unanswered above 7."""
    check(12, tolerance=0.015, clear_gain=0.07)


@pytest.mark.slow
def test_a_matched_cut_gains_almost_nothing_an_unanswered_cut_gains_share_precisely():
    """200 replications: matched gain within +-1 share point (its CI is about +-0.06
    points wide), unanswered gain above 8.5 points; matched under a tenth of unanswered."""
    check(200, tolerance=0.01, clear_gain=0.085)
