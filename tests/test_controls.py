"""The review loop acts on a replication only through `engine.controls.Controls`: run
behind a view that exposes nothing else, it makes the same decisions and the same numbers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pytest

from mktsim.engine.controls import Controls
from mktsim.engine.montecarlo import simulate
from mktsim.rules.review import ReviewLoop
from rules_fixtures import scenario

CONTROLS = frozenset(name for name in vars(Controls) if not name.startswith("_"))

EVERY_ACTION = """rules:
  review: {every_days: 15}
  max_actions_per_review: 4
  price_bounds: {band: {min: 150, max: 250}}
  when_then:
    - name: watch_the_team
      when: "backlog('sales') >= 0 and utilisation('sales') >= 0 and day == 15"
      then:
        - {hire: {team: sales, count: 2}}
        - {train: {team: sales, skill_gain: 0.1, cost: 5_000}}
    - name: prices
      when: "day == 30 and price('band') > 0 and competitor_price('rival') > 0"
      then:
        - {promotion: {product: band, depth: 0.1, days: 10}}
        - {change_price: {product: band, by: -0.05}}
    - name: money
      when: "day == 45 and budget_left() > 0 and spend('social') > 0"
      then:
        - {shift_budget: {from: social, to: "best_channel('roi', 'social')", share: 0.3}}
        - {pause: {channel: social}}
    - name: back
      when: "day == 60 and (gap('sold') > 0 or not on_track('sold')) and trend('units', 14) > -1"
      then:
        - {resume: {channel: social}}
        - {set_price: {product: band, price: 210}}
        - {research: {measure: brand_awareness, sample_size: 2000, days: 20, cost: 3_000}}
"""


class ControlsOnly:
    """A replication seen through the `Controls` protocol alone."""

    def __init__(self, replication: Any) -> None:
        object.__setattr__(self, "_replication", replication)

    def __getattr__(self, name: str) -> Any:
        if name not in CONTROLS:
            raise AttributeError(f"{name!r} is not one of the engine's controls")
        return getattr(self._replication, name)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"a controller may not set {name!r} on a replication")


@dataclass(frozen=True)
class Narrowed:
    """A controller handed only the controls of each replication."""

    inner: Any

    def start(self, controls: Controls) -> Any:
        return self.inner.start(ControlsOnly(controls))

    def batch_days(self, plan: Any) -> Any:
        """The inner controller's days (None if it has none), so that both run alike."""
        own = getattr(self.inner, "batch_days", None)
        return own(plan) if own is not None else None


@pytest.fixture(scope="module")
def plan():
    return scenario(EVERY_ACTION).plan("steady")


def test_the_protocol_names_the_issue_s_controls():
    wanted = {"channel_totals", "kpi_on", "kpi_total", "backlog", "capacity", "scale_channel",
              "book_cost", "set_list_price", "set_discount", "hire", "train", "at", "sync",
              "refresh", "env", "plan", "rng"}
    assert wanted <= CONTROLS


def test_the_view_refuses_what_is_not_a_control(plan):
    from mktsim.engine.replication import Replication

    view = ControlsOnly(Replication(plan, np.random.SeedSequence(1)))
    with pytest.raises(AttributeError, match="chan_scale"):
        _ = view.chan_scale
    with pytest.raises(AttributeError, match="not one of"):
        view._notify(0)


def test_the_review_loop_needs_nothing_but_the_controls(plan):
    full = simulate(plan, 3, seed=7, controllers=(ReviewLoop(),))
    narrow = simulate(plan, 3, seed=7, controllers=(Narrowed(ReviewLoop()),))
    decisions = [d for log in full.reviews for d in log.decisions]
    done = {d["action"] for d in decisions if d["status"] == "done"}
    # every kind of action was carried out, so every control was exercised
    assert done >= {"hire", "train", "promotion", "change_price", "shift_budget", "pause",
                    "resume", "set_price", "research"}
    assert [log.decisions for log in narrow.reviews] == [log.decisions for log in full.reviews]
    np.testing.assert_array_equal(narrow.daily, full.daily)
    np.testing.assert_array_equal(narrow.channels, full.channels)


def test_the_view_of_the_agents_engine_is_the_same(plan):
    full = simulate(plan, 1, seed=3, engine="agents", controllers=(ReviewLoop(),))
    narrow = simulate(plan, 1, seed=3, engine="agents", controllers=(Narrowed(ReviewLoop()),))
    np.testing.assert_array_equal(narrow.daily, full.daily)


@dataclass(frozen=True)
class FortnightlyPause:
    """The controller of docs/architecture.md: a channel off and on every 14 days."""

    channel: int

    def start(self, controls: Controls) -> None:
        def toggle() -> None:
            scale = controls.channel_scale(self.channel)
            controls.set_channel_scale(self.channel, 0.0 if scale else 1.0)
            controls.refresh()

        for day in range(7, controls.plan.horizon, 14):
            controls.at(day, toggle)


def test_a_controller_written_against_the_protocol_changes_spend_on_its_days():
    from mktsim.kpis import KPI_INDEX

    plan = scenario().plan("steady")
    social = plan.channels.index("social")
    base = simulate(plan, 1, seed=2)
    paused = simulate(plan, 1, seed=2, controllers=(Narrowed(FortnightlyPause(social)),))
    per_day = plan.spend[social]  # planned money per day
    spend = KPI_INDEX["marketing_spend"]
    gap = base.daily[0, spend] - paused.daily[0, spend]
    for day in range(plan.horizon):
        off = (max(day - 7, -1) // 14) % 2 == 0 and day >= 7
        assert gap[day] == pytest.approx(per_day[day] if off else 0.0, abs=1e-6), day
