"""The market information system: survey noise has the stated variance, internal reports
are late but exact, research buys precision and costs money."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from mktsim.engine.layout import CH_SPEND
from mktsim.model.review_plan import InfoSettings, Study
from mktsim.rules.observe import sample_size_on
from mktsim.rules.surveys import survey_share, survey_shares
from rules_fixtures import scenario

REVIEW = """rules:
  review: {every_days: 3}
  when_then: []
"""


def variance_interval(var: float, m: int, level: float = 0.999) -> tuple[float, float]:
    """Where the sample variance of m normal draws with variance `var` falls."""
    lo, hi = stats.chi2.ppf([(1 - level) / 2, (1 + level) / 2], m - 1)
    return var * lo / (m - 1), var * hi / (m - 1)


@pytest.mark.parametrize(("p", "n"), [(0.3, 400), (0.05, 2000), (0.6, 100)])
def test_survey_share_has_binomial_variance(p, n):
    keys = np.random.default_rng(1).integers(0, 2**63, size=5000, dtype=np.uint64)
    across_replications = survey_shares(keys, "brand_awareness", 30, np.full(5000, n),
                                        np.full(5000, p))
    across_days = np.array([survey_share(int(keys[0]), "consideration", day, n, p)
                            for day in range(-50, 4950)])
    expected = p * (1 - p) / n
    for draws in (across_replications, across_days):
        low, high = variance_interval(expected, len(draws))
        assert low <= draws.var(ddof=1) <= high
        assert abs(draws.mean() - p) < 4 * np.sqrt(expected / len(draws))
    counts = across_replications * n  # whole numbers of respondents
    assert np.all(np.abs(counts - np.round(counts)) < 1e-6)


def test_survey_draws_depend_on_replication_measure_and_day_only():
    keys = np.array([11, 12, 2**63 + 5], dtype=np.uint64)
    shares, sizes = np.array([0.2, 0.4, 0.6]), np.array([300, 300, 300])
    together = survey_shares(keys, "brand_awareness", 7, sizes, shares)
    alone = [survey_share(int(k), "brand_awareness", 7, 300, float(p))
             for k, p in zip(keys[::-1], shares[::-1], strict=True)][::-1]
    assert together.tolist() == alone
    other_day = survey_shares(keys, "brand_awareness", 8, sizes, shares)
    other_measure = survey_shares(keys, "consideration", 7, sizes, shares)
    assert together.tolist() != other_day.tolist() != other_measure.tolist()
    assert survey_share(11, "brand_awareness", 7, 300, float("nan")) == 0.0


def test_studies_raise_the_sample_size_while_they_run():
    info = InfoSettings(7, 400, 14, 30, (Study("brand_awareness", 10, 40, 5000, 0.0),))
    assert sample_size_on(info, "brand_awareness", 9) == 400
    assert sample_size_on(info, "brand_awareness", 10) == 5000
    assert sample_size_on(info, "consideration", 20) == 400
    assert sample_size_on(info, "brand_awareness", 40) == 400


def errors(result, kpi: str, first: int = -10**6) -> tuple[np.ndarray, np.ndarray]:
    """(observed - true, true) of every observation of a KPI describing day >= first."""
    rows = [r for log in result.run.reviews for r in log.observations
            if r[1] == kpi and r[2] >= first]
    obs = np.array([r[3] for r in rows])
    true = np.array([r[4] for r in rows])
    return obs - true, true


def test_observed_awareness_noise_in_a_run():
    result = scenario(REVIEW, "information: {survey: {sample_size: 300, lag_days: 5}}\n").run(
        replications=12)
    err, true = errors(result, "brand_awareness")
    expected = float(np.mean(true * (1 - true) / 300))
    low, high = variance_interval(expected, len(err))
    assert low <= err.var(ddof=1) <= high
    assert abs(err.mean()) < 4 * np.sqrt(expected / len(err))


def test_internal_reports_are_late_but_exact():
    result = scenario(REVIEW, "information: {report_lag_days: 4}\n").run(replications=2)
    for log, daily in zip(result.run.reviews, result.run.daily, strict=True):
        rows = [r for r in log.observations if r[1] == "units"]
        assert rows
        for day, _, as_of, observed, true in rows:
            assert as_of == day - 1 - 4
            expected = daily[5, : as_of + 1].sum() if as_of >= 0 else 0.0
            assert observed == true == pytest.approx(expected)


def test_research_costs_money_and_tightens_the_noise():
    study = """information:
  survey: {sample_size: 100}
  research:
    - {measure: brand_awareness, start: 2027-01-01, days: 90, sample_size: 20_000, cost: 30_000}
"""
    result = scenario(REVIEW, study).run(replications=12)
    spend = result.run.channels[:, :, CH_SPEND].sum(axis=1)
    assert spend == pytest.approx(np.full(12, 270_000.0))
    assert (result.run.daily[:, 8, 0] >= 30_000).all()  # booked as marketing spend on its first day
    err, true = errors(result, "brand_awareness", first=0)  # fielded while the study ran
    expected = float(np.mean(true * (1 - true) / 20_000))
    low, high = variance_interval(expected, len(err))
    assert low <= err.var(ddof=1) <= high
    research = [d for d in result.decisions if d["action"] == "research"]
    assert research[0]["fraction_of_replications"] == 1.0


def test_drawn_gives_a_survey_once_drawn_and_draws_nothing():
    """`Observer.drawn` reads the survey `value_on` drew, and None before (no draw)."""
    from pathlib import Path

    from mktsim.engine.replication import Replication
    from mktsim.engine.rng import replication_seeds
    from mktsim.model.compile import compile_plan
    from mktsim.rules.observe import Observer
    from mktsim.rules.review import ReviewLoop
    from mktsim.scenario.load import load_spec

    loaded = load_spec(Path(__file__).resolve().parents[1] / "scenarios" / "smart_band.yaml")
    rep = Replication(compile_plan(loaded.spec, "adaptive"), replication_seeds(3, 1)[0],
                      (ReviewLoop(),))
    rep.run()
    observer = Observer(rep, InfoSettings(7, 400, 14, 30, ()))
    assert observer.drawn("brand_awareness", 10) is None
    assert observer.drawn("brand_awareness", 10) is None  # still nothing drawn
    seen = observer.value_on("brand_awareness", 10)
    assert seen != observer.true_value("brand_awareness", 10)  # a survey, with noise
    assert observer.drawn("brand_awareness", 10) == seen
    assert observer.drawn("brand_awareness", 11) is None
