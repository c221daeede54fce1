"""`simulate.run_plan`, the one place a run is wired: the engine kind by name, the review
loop by default, the scenario's network handed to the engine as plain data, the engine's
refusals reported as the scenario's problems, and a run of replications first..first+n-1
that gives the numbers of the whole run."""

from __future__ import annotations

import pickle
from pathlib import Path

import numpy as np
import pytest

import mktsim
from mktsim.engine.controls import MissingController
from mktsim.engine.limits import EngineLimit
from mktsim.engine.montecarlo import simulate
from mktsim.engine.network import NetworkShape
from mktsim.rules.review import ReviewLoop
from mktsim.scenario.errors import ScenarioError
from mktsim.simulate import EngineKind, run_plan
from mktsim.simulate.agents import network_shape

ROOT = Path(__file__).resolve().parents[1]
SMALL = {"market.size": 400, "horizon_days": 120}


@pytest.fixture(scope="module")
def bass() -> mktsim.Scenario:
    return mktsim.load(ROOT / "scenarios" / "validation" / "bass.yaml").with_values(SMALL)


@pytest.fixture(scope="module")
def band() -> mktsim.Scenario:
    return mktsim.load(ROOT / "scenarios" / "smart_band.yaml")


def test_engine_kinds_are_looked_up_by_their_old_names() -> None:
    assert EngineKind.lookup("counts") is EngineKind.COUNTS
    assert EngineKind.lookup(EngineKind.AGENTS) is EngineKind.AGENTS
    assert EngineKind.AGENTS == "agents" and str(EngineKind.COUNTS) == "counts"
    with pytest.raises(ValueError, match="unknown engine 'people'"):
        EngineKind.lookup("people")


def test_the_review_loop_runs_by_default(band: mktsim.Scenario) -> None:
    plan = band.plan("adaptive")
    assert plan.rules is not None
    with pytest.raises(MissingController):
        run_plan(plan, 1, 5, controllers=())
    wired = run_plan(plan, 2, 5)
    by_hand = simulate(plan, 2, 5, controllers=(ReviewLoop(),))
    np.testing.assert_array_equal(wired.daily, by_hand.daily)
    assert all(log is not None for log in wired.reviews)


def test_a_slice_of_replications_gives_the_numbers_of_the_whole_run(bass) -> None:
    plan = bass.plan()
    whole = run_plan(plan, 5, 9)
    part = run_plan(plan, 2, 9, first=3)
    np.testing.assert_array_equal(part.daily, whole.daily[3:5])
    np.testing.assert_array_equal(part.states, whole.states[3:5])


def test_the_network_reaches_the_agents_engine_only(bass) -> None:
    network = bass.with_values({"market.network": {"model": "erdos_renyi", "degree": 6}}
                               ).spec.market.network
    plan = bass.plan()
    mixed, graph = (run_plan(plan, 2, 4, engine="agents", network=n) for n in (None, network))
    assert not np.array_equal(mixed.daily, graph.daily)
    counts = [run_plan(plan, 2, 4, network=n).daily for n in (None, network)]
    np.testing.assert_array_equal(*counts)
    assert network_shape(network) == NetworkShape("erdos_renyi", 6.0, 0.1, 0)


def test_engine_limits_are_reported_as_the_scenarios_problems(bass) -> None:
    tiny = bass.with_values({"market.size": 8, "market.network": {
        "model": "watts_strogatz", "degree": 10, "seed_hubs": 9}})
    with pytest.raises(ScenarioError) as caught:
        run_plan(tiny.plan(), 1, 1, engine="agents", network=tiny.spec.market.network)
    where = [p.where for p in caught.value.problems]
    assert where == ["market.network.degree", "market.network.seed_hubs"]
    assert "needs more than 8 people" in caught.value.problems[0].message


def test_engine_limits_travel_from_worker_processes() -> None:
    limit = EngineLimit([("market.size", "too many people", "use the counts engine")])
    back = pickle.loads(pickle.dumps(limit))
    assert back.limits == limit.limits and "market.size: too many people" in str(back)


def test_channels_are_removed_only_from_plans_it_can_change(band: mktsim.Scenario) -> None:
    class Fixed:
        def plans_for(self, first: int, count: int):
            return [(band.plan("baseline"), {})] * count

    with pytest.raises(TypeError, match="cannot remove channels"):
        run_plan(band.plan("baseline"), 1, 1, source=Fixed(), without=(0,))
