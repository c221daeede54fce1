"""The confirmation of a plan found by the search: its own seed stream, a one-sided Wilson
lower bound, and more money when the plan falls short."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from scipy.stats import binom

import mktsim
from mktsim.decision.confirm import (
    confirm_seed,
    confirmation,
    lower_bound,
    search_margin,
)
from mktsim.decision.optimize import optimize
from mktsim.decision.optimum_doc import optimum_doc
from mktsim.decision.outcome import Outcome
from test_decision_search import two_channel_text


def test_confirmation_seeds_are_reproducible_and_distinct() -> None:
    seeds = [confirm_seed(2027, a) for a in range(5)]
    assert seeds == [confirm_seed(2027, a) for a in range(5)]
    assert len(set(seeds)) == 5 and 2027 not in seeds
    assert confirm_seed(2028, 0) not in seeds


@pytest.mark.parametrize("n", [100, 500, 1000])
@pytest.mark.parametrize("c", [0.6, 0.8, 0.9])
def test_a_plan_just_at_the_confidence_rarely_passes(n: int, c: float) -> None:
    # exact binomial: a plan whose true probability equals the confidence passes the
    # one-sided 95% lower bound at most about 5% of the time (Wilson is close to exact)
    k = np.arange(n + 1)
    passes = np.array([lower_bound(int(i), n) >= c for i in k])
    assert binom.pmf(k, n, c)[passes].sum() < 0.065
    # and one comfortably above it passes most of the time
    above = c + 2.5 * search_margin(c, 10**9, n)
    assert binom.pmf(k, n, min(above, 0.999))[passes].sum() > 0.8


def test_search_margin_shrinks_with_replications() -> None:
    assert search_margin(0.8, 80, 500) > search_margin(0.8, 320, 500) > \
        search_margin(0.8, 320, 2000) > 0


def _outcome(met: list[list[bool]], confidence: list[float]) -> Outcome:
    m = np.array(met, dtype=bool)
    return Outcome({"profit": np.zeros(m.shape[1])}, m, m.astype(float),
                   tuple(f"t{i}" for i in range(len(m))), np.array(confidence))


def test_confirmation_verdict_uses_the_lower_bound_and_the_tolerance() -> None:
    o = _outcome([[True] * 85 + [False] * 15, [True] * 100], [0.8, 0.9])
    c = confirmation(o, seed=1)
    assert c.targets[0].probability == 0.85 and c.targets[0].lower < 0.8
    assert not c.passed and c.targets[1].passes()
    loose = confirmation(o, seed=1, tolerance=0.05)
    assert loose.passed and not loose.strictly
    assert c.to_dict()["targets"][0]["met"] == 85


def test_target_plan_is_confirmed_on_its_own_stream(tmp_path: Path,
                                                   tiny_scenario_text: str) -> None:
    path = tmp_path / "two.yaml"
    path.write_text(two_channel_text(tiny_scenario_text, sold=6400, sold_confidence=0.8))
    sc = mktsim.load(path)
    opt = optimize(sc, "target", evaluations=40, verify_reps=200)
    assert opt.reached and opt.confirmation is not None and opt.confirmation.passed
    assert opt.verify_seed == confirm_seed(sc.spec.seed, opt.confirmation.attempt)
    assert opt.verified.replications == 200
    doc = json.loads(json.dumps(optimum_doc(opt).to_dict()))
    conf = doc["confirmation"]
    assert conf["passed"] and conf["attempts"] == len(opt.confirmations)
    for t in conf["targets"]:
        assert t["lower"] >= t["confidence"] and t["replications"] == 200
    search = {t["id"]: t for t in doc["search"]["targets"]}
    assert all(0 <= search[t["id"]]["met"] <= doc["search"]["replications"]
               for t in conf["targets"])
    assert "confirmed on 200 fresh replications" in doc["message"]


ROOT = Path(__file__).resolve().parents[1]
FRESH_RUN_SEED = 9_114_201  # a seed the search and its confirmation never use


def _mktsim(*args: str) -> str:
    import subprocess
    import sys

    res = subprocess.run([sys.executable, "-m", "mktsim", *args], capture_output=True,
                         text=True, cwd=ROOT, timeout=1800, check=False)
    assert res.returncode == 0, res.stderr[-2000:]
    return res.stdout


@pytest.mark.slow
@pytest.mark.parametrize("overrides", [
    (),
    ("--set", "targets.2.change=0.45", "--set", "market.size=38000000"),
])
def test_target_plan_keeps_its_promise_on_a_fresh_seed(tmp_path: Path,
                                                       overrides: tuple[str, ...]) -> None:
    plan = tmp_path / "plan.yaml"
    doc = json.loads(_mktsim("optimize", "scenarios/smart_band.yaml", "--mode", "target",
                             "--confidence", "0.8", "--out", str(plan), "--format", "json",
                             "--workers", "2", *overrides))
    assert doc["feasible"] and doc["confirmation"]["passed"], doc["message"]
    assert FRESH_RUN_SEED not in (doc["verify_seed"], 2027)
    # `mktsim run PLAN` runs the plan found (the first strategy of the file written)
    run = json.loads(_mktsim("run", str(plan), "-n", "400", "--seed", str(FRESH_RUN_SEED),
                             "--format", "json", "--no-incremental", "--workers", "2",
                             *overrides))
    assert run["strategy"] == "optimized"
    for t in run["targets"]:
        assert t["interval"][1] >= 0.8, (t["id"], t["probability"], t["interval"])
