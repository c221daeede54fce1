"""Parameter recovery on synthetic histories simulated by mktsim from known values: a
channel's awareness effect and a segment's churn (weekly), and Bass over 20 histories
(slow)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pytest

import mktsim
from history_fixtures import blank_history, simulate_history, write_history
from mktsim.history.periods import PeriodKind

BASS = Path(__file__).parents[1] / "src" / "mktsim" / "templates" / "bass.yaml"
SMART = Path(__file__).parents[1] / "scenarios" / "smart_band.yaml"
START = dt.date(2026, 1, 5)
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


def _weekly(tmp_path: Path, truth: dict[str, float], kpis: list[str], weeks: int,
            seed: int, spend: dict[str, np.ndarray] | None = None) -> Path:
    """One simulated weekly history of the smart band at `truth`, written as a CSV."""
    loaded = mktsim.load(SMART).loaded
    obs = simulate_history(loaded, truth, kpis, START, weeks, PeriodKind.WEEK, seed, spend)
    columns = {**obs, **{f"spend.{c}": s for c, s in (spend or {}).items()}}
    dates = blank_history(START, weeks, PeriodKind.WEEK).dates
    return write_history(tmp_path / "history.csv", dates, columns)


def test_a_channels_awareness_effect_is_recovered_from_a_year_of_weeks(tmp_path: Path
                                                                      ) -> None:
    rng = np.random.default_rng(1)
    spend = {"social": rng.uniform(20_000, 120_000, 52).round(-2),
             "kol": rng.uniform(10_000, 90_000, 52).round(-2)}
    truth = {"channels.social.awareness.per_year": 0.15}
    history = _weekly(tmp_path, truth, ["units", "brand_awareness"], 52, 1, spend)
    result = mktsim.load(SMART).calibrate(
        history=history, params=("channels.social.awareness.per_year=0.02:0.5",), starts=2)
    (est,) = result.parameters
    assert est.identified
    assert est.estimate == pytest.approx(0.15, rel=0.10)


def test_a_segments_churn_is_recovered_from_two_years_of_weeks(tmp_path: Path) -> None:
    truth = {"market.segments.young_urban.churn_per_year": 0.45}
    history = _weekly(tmp_path, truth, ["units", "churned"], 104, 1)
    result = mktsim.load(SMART).calibrate(
        history=history, params=("market.segments.young_urban.churn_per_year=0.05:0.8",),
        starts=2)
    (est,) = result.parameters
    assert est.identified
    assert est.estimate == pytest.approx(0.45, rel=0.10)
