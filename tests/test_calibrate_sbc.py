"""Simulation-based calibration (slow): histories simulated at parameter values drawn
from the prior, each fitted; the 90% intervals must hold the truth about 90% of the time
and the 90% predictive band must hold at least 80% of the held-out weeks. 20 histories
of a small Bass market (innovation and imitation free), so that clearly wrong coverage
fails (a binomial test against 0.9) within a few minutes; benchmarks/bench_calibrate_sbc.py
runs the same with 50 histories, and with the market size freed too."""

from __future__ import annotations

from pathlib import Path

import pytest
from scipy.stats import binomtest

from sbc_fixtures import PRIORS, run_sbc

HISTORIES = 20
FREE = PRIORS[:2]


@pytest.mark.slow
def test_intervals_and_bands_hold_the_truth_as_often_as_they_say(tmp_path: Path) -> None:
    cov = run_sbc(tmp_path, HISTORIES, FREE, seed=1)
    held = sum(cov.held.values())
    total = cov.fits * len(FREE)
    # too sure of itself: the pooled coverage is clearly below 90%
    assert binomtest(held, total, 0.9, alternative="less").pvalue > 0.01, cov
    for path in cov.held:  # no parameter far off on its own
        assert cov.held[path] >= 0.6 * cov.fits, (path, cov)
    assert cov.band >= 0.8, cov
