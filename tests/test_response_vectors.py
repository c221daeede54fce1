"""Published test vectors of carryover, saturation, reach and the closed forms (MODELS.md)."""

import math

import numpy as np
import pytest

from closed_forms import (
    churn_hazard,
    competing_risks,
    daily_probability,
    logit_shares,
    ltv_geometric,
    own_price_elasticity,
    sbg_survival,
)
from mktsim.model.bass import bass_cdf, bass_lifecycle, bass_pdf, bass_peak
from mktsim.model.people import skill_at, wright_time
from mktsim.model.response import (
    daily_retention,
    geometric_adstock,
    hill,
    logistic_saturation,
    nbd_reach,
    poisson_reach,
)
from mktsim.scenario.pricing import competition_based, cost_plus, demand_based


def test_adstock_not_normalized():
    assert geometric_adstock([100, 0, 0, 0], 0.5) == pytest.approx([100, 50, 25, 12.5])


def test_adstock_normalized_over_window():
    out = geometric_adstock([100, 0, 0, 0], 0.5, normalize=True, window=4)
    assert out == pytest.approx([53.3333, 26.6667, 13.3333, 6.6667], abs=1e-4)


def test_adstock_long_run_multiplier():
    out = geometric_adstock(np.ones(2000), 0.9)
    assert out[-1] == pytest.approx(1 / (1 - 0.9))


def test_weekly_to_daily_retention():
    assert daily_retention(0.5) ** 7 == pytest.approx(0.5)


@pytest.mark.parametrize(("x", "k", "s", "want"), [
    (25, 50, 2, 0.2), (50, 50, 2, 0.5), (100, 50, 2, 0.8),
    (25, 50, 1, 0.333333), (100, 50, 1, 0.666667),
])
def test_hill_vectors(x, k, s, want):
    assert hill(x, k, s) == pytest.approx(want, abs=1e-6)


def test_logistic_vectors():
    assert logistic_saturation([1, 2, 4], 0.5) == pytest.approx(
        [0.244919, 0.462117, 0.761594], abs=1e-6)


def test_reach():
    assert poisson_reach(100) == pytest.approx(1 - math.exp(-1))
    assert nbd_reach(100, 1e6) == pytest.approx(poisson_reach(100), rel=1e-4)
    assert nbd_reach(100, 1.0) == pytest.approx(0.5)


def test_bass_vectors():
    p, q = 0.03, 0.38
    assert bass_cdf([1, 5, 10], p, q) == pytest.approx([0.035758, 0.331199, 0.812803], abs=1e-6)
    assert 10_000 * bass_pdf([1, 5, 10], p, q) == pytest.approx(
        [420.295, 1042.364, 634.345], abs=1e-3)
    t_star, f_star, peak = bass_peak(p, q)
    assert (t_star, f_star, peak) == pytest.approx((6.19262, 0.460526, 0.110592), abs=1e-5)
    t1, t2 = bass_lifecycle(p, q)
    assert (round(t1, 2), round(t2, 2)) == (2.98, 9.40)


def test_choice_and_pricing():
    shares = logit_shares([0.0, 0.0], outside=0.0)
    assert shares == pytest.approx([1 / 3, 1 / 3])
    assert own_price_elasticity(-0.0105, 249, 0.0) == pytest.approx(-2.6145)
    assert demand_based(100, -2.62) == pytest.approx(161.7284, abs=1e-3)
    assert cost_plus(100, 0.25) == 125
    assert competition_based([249, 269], -0.05) == pytest.approx(246.05)


def test_hazards_crm_and_people():
    assert daily_probability(0.38 * 1.0) == pytest.approx(1 - math.exp(-0.38 / 365))
    assert -math.log(1 - 0.38) / 365 == pytest.approx(0.0013, abs=1e-4)
    stay, routes = competing_risks([0.1, 0.3])
    assert stay + sum(routes) == pytest.approx(1.0)
    assert routes[1] / routes[0] == pytest.approx(3.0)
    assert churn_hazard(0.8, 365) == pytest.approx(-math.log(0.8) / 365)
    a, b = 0.668, 3.806
    assert [round(sbg_survival(t, a, b), 3) for t in (1, 2, 7, 12)] == [0.851, 0.747, 0.489, 0.378]
    assert ltv_geometric(1.0, 0.8, 0.1) == pytest.approx(2.6667, abs=1e-4)
    assert wright_time(4, 1.0, 0.8) == pytest.approx(0.64)
    assert skill_at(1e9, 0.5, 1.0, 25) == pytest.approx(1.0)
