"""The engine against the Bass closed form, with confidence intervals over replications.

Criterion (MODELS.md section 7): the Monte Carlo mean lies within 4 standard errors of the
closed form, plus the documented discretisation error of daily steps (0.001 of the market).
"""

from pathlib import Path

import numpy as np
import pytest

import mktsim
from mktsim.engine.montecarlo import simulate
from mktsim.kpis import KPI_INDEX
from mktsim.model.bass import bass_cdf
from mktsim.model.response import daily_retention, hill

ROOT = Path(__file__).resolve().parents[1]
BASS = ROOT / "scenarios" / "validation" / "bass.yaml"
DISCRETISATION = 0.001


def adopted_share(run, market):
    """[R, D] share of the market that ever adopted, at the end of each day."""
    return run.daily[:, KPI_INDEX["cumulative_adopters"], :] / market


def assert_follows(shares, theory, days):
    mean = shares[:, days].mean(axis=0)
    se = shares[:, days].std(axis=0, ddof=1) / np.sqrt(shares.shape[0])
    gap = np.abs(mean - theory)
    assert np.all(gap <= 4 * se + DISCRETISATION), (mean, theory, se)


def test_pure_bass_matches_closed_form():
    scenario = mktsim.load(BASS)
    result = scenario.run(replications=20)
    shares = adopted_share(result.run, 1_000_000)
    years = np.arange(1, 16)
    days = years * 365 - 1  # state at the end of day d is time (d + 1) / 365
    assert_follows(shares, bass_cdf(years, 0.03, 0.38), days)


def test_pure_bass_is_not_trivially_close():
    """Guard: with q = 0 the same check fails, so the test above can fail."""
    scenario = mktsim.load(BASS, ["market.word_of_mouth.imitation=0.0"])
    shares = adopted_share(scenario.run(replications=5).run, 1_000_000)
    years = np.arange(1, 16)
    with pytest.raises(AssertionError):
        assert_follows(shares, bass_cdf(years, 0.03, 0.38), years * 365 - 1)


GBM = """
name: generalized bass
start_date: 2027-01-01
horizon_days: 1825
seed: 7
market:
  size: 200_000
  bass_consistent: true
  word_of_mouth: {innovation: 0.03, imitation: 0.38}
  segments: {all: {share: 1}}
products: {p: {price: 10, unit_cost: 5}}
channels:
  tv:
    type: offline
    cost: {model: cpm, cpm: 20}
    awareness: {per_year: 1.5, half_saturation: 3.0, shape: 1.5}
    adstock: {retention_per_week: 0.6}
strategies:
  pulsed:
    budget: 3_000_000
    allocation: {tv: 1}
    flighting: {by: quarter, weights: [3, 0.5, 1, 0.2]}
"""


def test_generalized_bass_with_time_varying_spend():
    """h = (p + qF) x(t) must give F(X(t)), X = integral of x (Bass, Krishnan & Jain 1994)."""
    from mktsim.scenario.load import load_text

    scenario = mktsim.Scenario(load_text(GBM))
    plan = scenario.plan("pulsed")
    run = simulate(plan, 16, 7)
    # x(t) from the plan's spend, computed independently of the kernel
    theta = daily_retention(0.6)
    per_person = plan.spend[0] * (1000 / 20) / 200_000
    stock = np.zeros_like(per_person)
    for d, x in enumerate(per_person):
        stock[d] = x + (theta * stock[d - 1] if d else 0.0)
    boost = 1.0 + 1.5 * hill(stock, 3.0, 1.5)
    assert boost.max() - boost.min() > 0.8  # the spend really varies
    big_x = np.cumsum(boost) / 365.0
    days = np.arange(90, 1825, 91)
    assert_follows(adopted_share(run, 200_000), bass_cdf(big_x[days], 0.03, 0.38), days)
    # and it differs from plain Bass, so the check has teeth
    plain = bass_cdf((days + 1) / 365, 0.03, 0.38)
    assert np.abs(bass_cdf(big_x[days], 0.03, 0.38) - plain).max() > 0.02


SBG = ROOT / "scenarios" / "validation" / "sbg.yaml"


def test_shifted_beta_geometric_retention_matches_closed_form():
    """Latent-class sBG churn: the surviving share after t annual renewals follows
    S(t) = B(a, b + t) / B(a, b) (Fader & Hardie 2007: 0.851, 0.747, 0.489, 0.378)."""
    from closed_forms import sbg_survival

    result = mktsim.load(SBG).run(replications=10)
    shares = result.run.daily[:, KPI_INDEX["customers"], :] / 100_000
    years = np.array([1, 2, 7, 12])
    theory = np.array([sbg_survival(int(t), 0.668, 3.806) for t in years])
    assert np.round(theory, 3).tolist() == [0.851, 0.747, 0.489, 0.378]
    assert_follows(shares, theory, years * 365 - 1)


def test_sbg_is_not_geometric():
    """Guard: geometric churn with the same first-year retention misses S(7) by far."""
    from closed_forms import sbg_survival

    rate = -np.log(sbg_survival(1, 0.668, 3.806))
    scenario = mktsim.load(SBG, ["market.segments.high_end.churn_beta=null",
                                 f"market.segments.high_end.churn_per_year={rate}"])
    shares = scenario.run(replications=3).run.daily[:, KPI_INDEX["customers"], :] / 100_000
    assert abs(shares[:, 7 * 365 - 1].mean() - sbg_survival(7, 0.668, 3.806)) > 0.1
