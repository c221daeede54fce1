"""Incremental channel contribution: the counterfactual runs against a run of the scenario
edited to drop the channel, on the same seed."""

import json
import math

import numpy as np
import pytest

import mktsim
from mktsim.documents.run import RunDocument
from mktsim.kpis import KPI_INDEX
from mktsim.simulate.incremental import contributions


def _total(result, kpi, n):
    return result.run.daily[:n, KPI_INDEX[kpi], :].sum(axis=1)


def test_contribution_equals_a_run_without_the_channel(tiny_scenario_path):
    scenario = mktsim.load(tiny_scenario_path)
    base = scenario.run("steady", replications=12, seed=4, incremental=False)
    found = contributions(scenario, base, replications=8)
    assert set(found) == {"social", "store"}
    # the same strategy written without social: the store keeps its 30% of 300k
    edited = scenario.with_values({"strategies.steady.budget": 90_000,
                                   "strategies.steady.allocation": {"social": 0.0,
                                                                    "store": 1.0}})
    without = edited.run("steady", replications=8, seed=4, incremental=False)
    for field, kpi in (("units", "units"), ("revenue", "revenue"), ("margin", "gross_margin")):
        expected = _total(base, kpi, 8) - _total(without, kpi, 8)
        np.testing.assert_allclose(getattr(found["social"], field), expected, rtol=1e-12)
    social = found["social"].estimates()
    assert social["units"]["mean"] > 0  # awareness from social sells units
    spend = base.run.channels[:8, 0, 0].mean()
    assert social["roi"]["mean"] == pytest.approx(
        (found["social"].margin.mean() - spend) / spend)
    lo, hi = social["roi"]["interval"]
    assert lo < social["roi"]["mean"] < hi


def test_run_document_carries_incremental_with_intervals(tiny_scenario_path):
    scenario = mktsim.load(tiny_scenario_path)
    result = scenario.run("steady", replications=6, seed=4, incremental_reps=4)
    doc = result.to_dict()
    for channel in doc["channels"]:
        inc = channel["incremental"]
        assert set(inc) == {"units", "revenue", "margin", "roi", "cac"}
        for est in inc.values():
            assert len(est["interval"]) == 2
    back = RunDocument.from_dict(json.loads(json.dumps(doc)))
    assert back.channels[0].incremental == doc["channels"][0]["incremental"]
    assert "incremental" not in back.channels[0].values
    skipped = scenario.run("steady", replications=3, seed=4, incremental=False).to_dict()
    assert "incremental" not in skipped["channels"][0]


def test_awareness_channel_earns_units_last_touch_misses(smart_band_path):
    """The launch event converts nobody itself but sells units through awareness."""
    scenario = mktsim.load(smart_band_path)
    base = scenario.run("digital_first", replications=10, seed=7, incremental=False)
    channels = base.channels()
    assert channels.loc["launch_event", "new_customers"] == 0
    event = contributions(scenario, base)["launch_event"].estimates()
    lo, _ = event["units"]["interval"]
    assert lo > 1000
    assert event["roi"]["mean"] > channels.loc["launch_event", "roi"] + 0.5
    assert math.isfinite(event["cac"]["mean"])
