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


def test_an_evaluation_s_outcome_from_readings_is_the_full_record_s() -> None:
    """The search's evaluations keep only what the outcome reads of the daily record
    (`Evaluator.outcome`); in this process and on a pool it is the outcome of the whole
    record, bit for bit."""
    import numpy as np

    import mktsim
    from mktsim.decision.levers import lever_space
    from mktsim.decision.optimize import Evaluator
    from mktsim.decision.outcome import outcome_of, worker_pool

    sc = mktsim.load("scenarios/smart_band.yaml")
    space = lever_space(sc.loaded)
    x = space.x0()
    for workers in (1, 2):
        with worker_pool(workers) as pool:
            ev = Evaluator(sc, space, 12, 5, 10, workers, pool=pool)
            kept = ev.outcome(x, space.budget)
            run = ev.run(x, space.budget)
            full = outcome_of(run)
        assert isinstance(run.run.daily, np.ndarray) and ev.count == 2
        for k, values in full.kpis.items():
            assert np.array_equal(values, kept.kpis[k], equal_nan=True), (workers, k)
        assert np.array_equal(full.met, kept.met) and np.array_equal(full.soft, kept.soft)
        assert all(np.array_equal(v, kept.spend[k]) for k, v in full.spend.items())
