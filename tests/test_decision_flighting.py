"""Flighting by month as a lever: bookable weights, the lever space, the chart, and a
month-flighted plan against the flat one on fresh seeds."""

from __future__ import annotations

import dataclasses
import itertools
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import mktsim
from mktsim.decision.flighting import MonthFlighting, bookable, plan_season
from mktsim.decision.levers import lever_space
from mktsim.decision.optimize import CANDIDATE, candidate_scenario, optimize
from mktsim.decision.outcome import outcome_of
from mktsim.report.charts import chart_style, flighting_chart
from mktsim.scenario.errors import ScenarioError
from test_report_charts import _text_boxes

SCENARIO = "scenarios/smart_band.yaml"
SEASON = (1.1, 0.8, 0.9, 0.9, 1.0, 1.3, 0.9, 0.9, 1.0, 1.0, 1.4, 1.1)


@given(st.lists(st.floats(0.01, 100.0), min_size=12, max_size=12),
       st.floats(0.2, 0.9), st.floats(1.1, 4.0), st.floats(1.1, 3.0))
def test_bookable_weights_keep_every_rule(raw: list[float], low: float, high: float,
                                          step: float) -> None:
    w = bookable(np.array(raw), low, high, step)
    assert abs(w.mean() - 1.0) < 2e-3
    assert w.min() >= low - 1e-6 and w.max() <= high + 1e-6
    ratios = np.exp(np.abs(np.diff(np.log(np.append(w, w[0])))))
    assert ratios.max() <= step + 1e-4


def test_following_the_season_raises_the_peak_months() -> None:
    m = MonthFlighting(SEASON, 0.5, 2.0, 1.6)
    flat = m.weights(m.flat())
    follow = m.weights(np.array([2.0, 0, 0, 0, 0]))
    assert flat == [1.0] * 12
    assert follow[10] == max(follow) and follow[1] == min(follow)  # November, February
    assert plan_season(list(SEASON), 11)[0] == 1.4  # a plan starting in November


def _month_lever(sc: mktsim.api.Scenario, per_channel: bool = True) -> mktsim.api.Scenario:
    return sc.with_values({"decision.levers.flighting": {
        "by": "month", "min": 0.5, "max": 2, "max_step": 1.6, "per_channel": per_channel}})


def test_plan_wide_month_lever_writes_one_month_flighting() -> None:
    sc = _month_lever(mktsim.load(SCENARIO), per_channel=False)
    space = lever_space(sc.loaded)
    assert space.dims == len(space.free) + 5 + len(space.teams)
    x = space.x0()
    x[len(space.free)] = 1.5
    data = space.strategy(x, space.budget)
    assert data["flighting"]["by"] == "month" and len(data["flighting"]["weights"]) == 12
    assert space.headcount(x) == space.headcount(space.x0())
    candidate_scenario(sc, data).plan(CANDIDATE)  # a valid strategy


def test_month_lever_writes_a_curve_per_channel_keeping_its_money() -> None:
    sc = _month_lever(mktsim.load(SCENARIO))
    space = lever_space(sc.loaded)
    assert space.dims == len(space.free) * 3 + len(space.free) + len(space.teams)
    x = space.x0()
    start = len(space.free)
    x[start] = 2.0  # social follows the season, kol a yearly wave against it
    x[start + 3: start + 6] = [0.0, -0.6, 0.0]
    data = space.strategy(x, space.budget)
    own = data["flighting"]["by_month"]
    assert set(space.free) <= set(own) and own["social"] != own["kol"]
    assert "weights" not in data["flighting"]
    plan = candidate_scenario(sc, data).plan(CANDIDATE)
    for i, c in enumerate(plan.channels):  # each channel's money is its share, any curve
        want = space.budget * data["allocation"].get(c, 0.0)
        assert plan.spend[i].sum() == pytest.approx(want, rel=1e-9, abs=1e-6)
    social = np.array(own["social"])
    assert social[10] == social.max()  # November: Double 11, the season's peak


def test_month_bounds_must_hold_an_average_month() -> None:
    with pytest.raises(ScenarioError, match="at most 1"):
        mktsim.load(SCENARIO).with_values(
            {"decision.levers.flighting": {"by": "month", "min": 1.2, "max": 2}})


def test_flighting_chart_draws_weights_against_the_season(tmp_path: Path) -> None:
    from mktsim.report.load import load_results
    from report_fixtures import write_results

    write_results(tmp_path, reps=20, kpis=("revenue",))
    results = load_results(tmp_path)
    assert flighting_chart(results) is None  # no optimisation: no chart
    chosen = {"by": "month", "weights": [0.8] * 6 + [1.2] * 6, "season": list(SEASON)}
    results = dataclasses.replace(results, optimize={"flighting": chosen})
    with chart_style():
        fig = flighting_chart(results)
        assert fig is not None
        boxes = _text_boxes(fig)
    for (a, box_a), (b, box_b) in itertools.combinations(boxes, 2):
        assert not box_a.overlaps(box_b), f"{a!r} overlaps {b!r}"


@pytest.mark.slow
def test_month_flighted_plan_beats_the_flat_plan_on_fresh_seeds() -> None:
    # the smart band's season (618 and Double 11) with unit sales as the objective: the
    # search's month flighting sells more than the same plan spread evenly, paired on
    # 200 fresh replications
    sc = mktsim.load(SCENARIO).with_values({
        "decision.objective": {"maximize": "units"},
        "decision.levers": {"channels": {"social": {}},  # the mix stays the reference's
                            "flighting": {"by": "month", "min": 0.5, "max": 2,
                                          "max_step": 1.6}}})
    opt = optimize(sc, "fixed", evaluations=48, replications=30, verify_reps=30, workers=2)
    assert opt.flighting is not None and opt.flighting["season"] == list(SEASON)
    flat = {k: v for k, v in opt.strategy.items() if k != "flighting"}
    runs = [outcome_of(candidate_scenario(sc, s).run(CANDIDATE, 200, 555, workers=2))
            for s in (opt.strategy, flat)]
    d = runs[0].kpis["units"] - runs[1].kpis["units"]
    assert d.mean() - 1.96 * d.std(ddof=1) / np.sqrt(len(d)) > 0, d.mean()
