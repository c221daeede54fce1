"""Parameter recovery over many synthetic histories simulated by mktsim (slow)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

import mktsim
from history_fixtures import blank_history, simulate_history, write_history
from mktsim.history.periods import PeriodKind

BASS = Path(__file__).parents[1] / "src" / "mktsim" / "templates" / "bass.yaml"
TRUTH = {"market.word_of_mouth.innovation": 0.03, "market.word_of_mouth.imitation": 0.38}
PRIORS = ("market.word_of_mouth.innovation=0.005:0.1",
          "market.word_of_mouth.imitation=0.1:0.8")


@pytest.mark.slow
def test_bass_recovery_and_interval_coverage_over_20_histories(tmp_path: Path) -> None:
    scenario = mktsim.load(BASS, ["market.size=100000"])
    start = dt.date(2020, 1, 1)
    dates = blank_history(start, 120, PeriodKind.MONTH).dates
    covered, total = 0, 0
    for seed in range(20):
        obs = simulate_history(scenario.loaded, TRUTH, ["new_customers"], start, 120,
                               PeriodKind.MONTH, 1000 + seed)
        history = write_history(tmp_path / f"h{seed}.csv", dates, obs)
        result = scenario.calibrate(history=history, params=PRIORS, starts=2)
        for est in result.parameters:
            assert est.identified
            assert est.estimate == pytest.approx(TRUTH[est.path], rel=0.10)
            covered += est.interval[0] <= TRUTH[est.path] <= est.interval[1]
            total += 1
    assert covered / total >= 0.8
