"""optimize: levers, reproducibility, and the scenario written with the winner."""

from __future__ import annotations

import numpy as np
from click.testing import CliRunner

import mktsim
from mktsim.cli import main
from mktsim.decision.levers import lever_space, project_capped

SCENARIO = "scenarios/smart_band.yaml"


def test_projection_respects_bounds_and_total() -> None:
    out = project_capped(np.array([5.0, 1.0, 0.0]), np.array([0.0, 2.0, 1.0]),
                         np.array([3.0, 10.0, 10.0]), 8.0)
    assert abs(out.sum() - 8.0) < 1e-6 and out[0] <= 3.0 + 1e-9 and out[2] >= 1.0 - 1e-9


def test_reference_round_trips() -> None:
    sc = mktsim.load(SCENARIO)
    space = lever_space(sc.loaded)
    strat = space.strategy(space.x0(), space.budget)
    assert abs(sum(strat["allocation"].values()) - 1.0) < 1e-9


def test_cli_optimize_writes_runnable_scenario(tmp_path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "best.yaml"
    args = ["optimize", SCENARIO, "--evaluations", "4", "-n", "10", "--verify-reps", "10",
            "--format", "json", "--out", str(out)]
    res = CliRunner().invoke(main, args)
    assert res.exit_code == 0, res.output
    assert "# Smart-band launch plan" in out.read_text()
    run = mktsim.load(out).run("optimized", 5)
    assert len(run.targets()) == 4
