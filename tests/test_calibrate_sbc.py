"""Simulation-based calibration (slow): histories simulated at parameter values drawn
from the prior, each fitted; the 90% intervals must hold the truth about 90% of the time
and the 90% predictive band must hold at least 80% of the held-out weeks. 20 histories
of a small Bass market, with innovation and imitation free and with the market size
free too (its posterior a long curved ridge with the other two), so that clearly wrong
coverage fails (a binomial test against 0.9) within a few minutes;
benchmarks/bench_calibrate_sbc.py runs the same with 50 histories."""

from __future__ import annotations

from pathlib import Path

import pytest
from scipy.stats import binomtest

from sbc_fixtures import PRIORS, run_sbc

HISTORIES = 20


@pytest.mark.slow
@pytest.mark.parametrize("free", [2, 3])
def test_intervals_and_bands_hold_the_truth_as_often_as_they_say(tmp_path: Path, free: int
                                                                 ) -> None:
    cov = run_sbc(tmp_path, HISTORIES, PRIORS[:free], seed=1)
    held = sum(cov.held.values())
    total = cov.fits * free
    # too sure of itself: the pooled coverage is clearly below 90%
    assert binomtest(held, total, 0.9, alternative="less").pvalue > 0.01, cov
    for path in cov.held:  # no parameter clearly off on its own (at 90%, 15 of 20 or
        assert cov.held[path] >= 0.75 * cov.fits, (path, cov)  # fewer: 4.3%)
    assert cov.band >= 0.8, cov
