"""Constraints of the `decision:` section: channel groups, committed money, the change
against the reference, a monthly cap; refused before the search when no plan can meet
them, and kept by the plan written."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

import mktsim
from mktsim.cli import main
from mktsim.decision.constraints import GroupRule, keep_groups
from mktsim.decision.levers import lever_space
from mktsim.decision.optimize import CANDIDATE, candidate_scenario

SCENARIO = Path("scenarios/smart_band.yaml")
ONLINE = ["social", "kol", "live_stream", "online_store"]
CONSTRAINTS = """\
  constraints:
    groups:
      online: {channels: [social, kol, live_stream, online_store], max_share: 0.6}
    committed:
      - {channel: experience_stores, amount: 3_000_000}
      - {channel: telemarketing, amount: 150_000, months: [6, 11]}
"""


def _write(tmp_path: Path, constraints: str) -> Path:
    path = tmp_path / "constrained.yaml"
    path.write_text(SCENARIO.read_text(encoding="utf-8") + constraints, encoding="utf-8")
    return path


@given(st.lists(st.floats(0.0, 10.0), min_size=5, max_size=5),
       st.floats(0.2, 0.8))
def test_groups_hold_and_money_is_kept(raw: list[float], cap: float) -> None:
    lo, hi = np.zeros(5), np.full(5, 10.0)
    v = np.array(raw)
    total = float(v.sum())
    rule = GroupRule("g", (0, 1, 2), 0.0, None, cap)
    out = keep_groups(v, lo, hi, (rule,), total)
    assert abs(out.sum() - total) < 1e-6 * max(total, 1.0)
    assert np.all(out >= lo - 1e-9) and np.all(out <= hi + 1e-9)
    if total > 0 and (1 - cap) * total <= 20.0:  # the two others can take the excess
        assert out[:3].sum() <= cap * total + 1e-6


def test_plan_written_keeps_the_group_and_the_commitments(tmp_path: Path) -> None:
    path = _write(tmp_path, CONSTRAINTS)
    out = tmp_path / "plan.yaml"
    res = CliRunner().invoke(main, ["optimize", str(path), "--evaluations", "6", "-n", "8",
                                    "--verify-reps", "10", "--format", "json",
                                    "--out", str(out)])
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    online = sum(doc["plan"]["allocation"][c] for c in ONLINE)
    binds = {(b["kind"], b["name"]) for b in doc.get("binding") or []}
    assert (("group", "online") in binds) == (abs(online - 0.6) <= 1e-3)
    sc = mktsim.load(out)
    strat = sc.spec.strategies[CANDIDATE]
    alloc = strat.allocation
    assert sum(alloc[c] for c in ONLINE) <= 0.6 + 1e-5
    assert alloc["experience_stores"] * strat.budget >= 3_000_000 - 1.0
    plan = sc.plan(CANDIDATE)  # money committed in June and November, day by day
    tele = list(plan.channels).index("telemarketing")
    dates = [sc.spec.start_date.toordinal() + d for d in range(sc.spec.horizon_days)]
    months = np.array([__import__("datetime").date.fromordinal(d).month for d in dates])
    in_months = plan.spend[tele, np.isin(months, [6, 11])].sum()
    assert in_months >= 150_000 - 1.0, in_months


def test_max_change_bounds_every_moved_channel() -> None:
    sc = mktsim.load(SCENARIO).with_values({"decision.constraints": {"max_change": 0.3}})
    space = lever_space(sc.loaded)
    for x in np.random.default_rng(3).uniform(0, 1, (20, space.dims)):
        x = np.clip(x, *np.array(space.bounds()).T)
        money = space.amounts(x, space.budget)
        for c in space.free:
            ref = space.ref_amounts[c]
            assert 0.7 * ref - 1e-6 <= money[c] <= 1.3 * ref + 1e-6, c


def test_constraints_no_plan_can_meet_are_refused_with_file_and_line(tmp_path: Path) -> None:
    path = _write(tmp_path, CONSTRAINTS.replace("max_share: 0.6", "max_share: 0.1"))
    res = CliRunner().invoke(main, ["optimize", str(path), "--evaluations", "2"])
    assert res.exit_code == 2
    assert f"{path.name}:" in res.output and "decision.constraints" in res.output
    assert "groups" in res.output
    line = len(SCENARIO.read_text(encoding="utf-8").splitlines()) + 1
    assert f":{line}" in res.output, res.output


def test_max_change_against_a_commitment_is_refused(tmp_path: Path) -> None:
    # experience stores have CNY 600k in the reference: 3M committed is 5 x, not +-90%
    path = _write(tmp_path, CONSTRAINTS + "    max_change: 0.9\n")
    res = CliRunner().invoke(main, ["validate", str(path)])
    assert res.exit_code == 2 and "without the max_change constraints" in res.output


def test_unknown_channel_in_a_group_is_named(tmp_path: Path) -> None:
    path = _write(tmp_path, CONSTRAINTS.replace("live_stream, online_store]",
                                                "live_streem, online_store]"))
    res = CliRunner().invoke(main, ["validate", str(path)])
    assert res.exit_code == 2 and "live_streem" in res.output


def test_monthly_cap_lowers_the_highest_budget() -> None:
    sc = mktsim.load(SCENARIO)
    capped = sc.with_values({"decision.constraints": {"monthly_cap": 1_500_000}})
    assert lever_space(capped.loaded).budget_bounds[1] < lever_space(sc.loaded).budget_bounds[1]
    strat = lever_space(capped.loaded).strategy(lever_space(capped.loaded).x0(),
                                                lever_space(capped.loaded).budget_bounds[1])
    plan = candidate_scenario(capped, strat).plan(CANDIDATE)
    assert plan.spend.sum() > 0
