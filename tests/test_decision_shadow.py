"""The shadow cost of a binding constraint: the objective's gain per unit of money when
the bound is loosened a little, on common random numbers; or the reason it is not
estimated."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np

import mktsim
from conftest import TINY_SCENARIO
from mktsim.decision.optimize import optimize
from mktsim.decision.optimum_doc import optimum_doc
from mktsim.decision.shadow import STEP
from test_decision_search import two_channel_text

CAPS = ("decision.levers.channels.social.max_share", "decision.levers.channels.store.max_share")


def _capped(tmp_path: Path) -> mktsim.Scenario:
    """Two channels whose shares are capped at 10% and 90%: both sit on their caps."""
    path = tmp_path / "capped.yaml"
    path.write_text(two_channel_text(TINY_SCENARIO))
    return mktsim.load(path).with_values({CAPS[0]: 0.1, CAPS[1]: 0.9})


def test_binding_caps_carry_a_paired_shadow_cost(tmp_path: Path) -> None:
    sc = _capped(tmp_path)
    opt = optimize(sc, "fixed", evaluations=12, replications=20, verify_reps=20)
    binds = {(b["kind"], b["name"]): b for b in opt.binding}
    assert ("channel", "social") in binds and ("channel", "store") in binds
    shadows = [b["shadow"] for b in opt.binding if b["shadow"] is not None]
    assert shadows, opt.binding  # at least one cap holds back money the weights ask for
    for b in opt.binding:
        if b["shadow"] is None:
            assert b["shadow_note"]
            continue
        s = b["shadow"]
        lo, hi = s["interval"]
        assert lo <= s["per_money"] <= hi and math.isfinite(s["per_money"])
        assert 0 < s["step"] <= STEP * opt.budget + 1e-6
    doc = json.loads(json.dumps(optimum_doc(opt).to_dict()))
    assert any(b.get("shadow") for b in doc["binding"])


def test_shadow_cost_is_the_paired_gain_per_unit_of_money() -> None:
    """On common random numbers the replication noise cancels: a plan that gains 3 per
    unit of money loosened, on top of a noisy profit, is estimated at 3 with a narrow
    interval; an objective to minimise counts a fall as a gain."""
    from mktsim.decision.outcome import Outcome
    from mktsim.decision.shadow import shadow_cost
    from mktsim.scenario.decision import Objective

    rng = np.random.default_rng(1)
    profit = rng.normal(1e6, 2e5, 200)
    money = 1000.0
    gain = 3.0 * money + rng.normal(0, 50, 200)

    def outcome(values: np.ndarray) -> Outcome:
        return Outcome({"profit": values, "cac": -values}, np.zeros((0, 200), bool),
                       np.zeros((0, 200)), (), np.zeros(0))

    base, loose = outcome(profit), outcome(profit + gain)
    s = shadow_cost(base, loose, Objective(maximize="profit"), money)
    lo, hi = s["interval"]
    assert lo <= 3.0 <= hi and hi - lo < 0.05
    down = shadow_cost(base, loose, Objective(minimize="cac"), money)
    assert down["per_money"] > 0  # cac fell: a gain
    p10 = shadow_cost(base, loose, Objective(maximize="profit", statistic="quantile",
                                             level=0.1), money)
    assert p10["interval"] is None and abs(p10["per_money"] - 3.0) < 0.5


def test_target_mode_says_why_no_shadow_cost(tmp_path: Path) -> None:
    sc = _capped(tmp_path)
    opt = optimize(sc, "target", evaluations=12, replications=20, verify_reps=20)
    for b in opt.binding:
        assert b["shadow"] is None and "target mode" in b["shadow_note"]


def test_report_binding_table_shows_the_shadow_cost(tmp_path: Path) -> None:
    import dataclasses

    from mktsim.report.load import load_results
    from mktsim.report.tables.optimize import binding_table
    from report_fixtures import write_results

    sc = _capped(tmp_path)
    opt = optimize(sc, "fixed", evaluations=12, replications=20, verify_reps=20)
    doc = json.loads(json.dumps(optimum_doc(opt).to_dict()))
    write_results(tmp_path / "r", reps=20, kpis=("revenue",))
    results = dataclasses.replace(load_results(tmp_path / "r"), optimize=doc)
    frame = binding_table(results).frame
    assert len(frame) == len(doc["binding"])
    shown = [b["shadow"]["per_money"] for b in doc["binding"] if b.get("shadow")]
    assert frame["Shadow cost per unit of money"].dropna().tolist() == shown
