"""Risk-aware objectives (a low quantile or the CVaR of a KPI) and the frontier of
expected profit against its p10."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from mktsim.cli import main
from mktsim.decision.outcome import tail_statistic
from mktsim.scenario.decision import Objective
from test_decision_search import two_channel_text


@given(st.lists(st.floats(-1e6, 1e6), min_size=1, max_size=200), st.floats(0.01, 0.5))
def test_tail_statistics_are_ordered(values: list[float], level: float) -> None:
    v = np.array(values)
    cvar = tail_statistic(v, "cvar", level)
    assert cvar <= tail_statistic(v, "mean", level) + 1e-6 * (1 + abs(cvar))
    assert cvar <= tail_statistic(v, "quantile", level) + 1e-6 * (1 + abs(cvar)) or \
        len(v) * level < 1


def test_tail_statistics_of_a_known_sample() -> None:
    v = np.arange(1.0, 101.0)  # 1..100
    assert tail_statistic(v, "cvar", 0.1) == pytest.approx(5.5)  # mean of 1..10
    assert tail_statistic(v, "quantile", 0.1) == pytest.approx(np.quantile(v, 0.1))
    assert tail_statistic(np.array([np.nan, 2.0]), "mean", 0.1) == 2.0


def test_objective_words_and_checks() -> None:
    assert Objective(maximize="profit", statistic="quantile").describe() == \
        "maximize p10 of profit"
    assert "CVaR 5%" in Objective(maximize="profit", statistic="cvar", level=0.05).describe()
    assert "p90 of cac" in Objective(minimize="cac", statistic="quantile").describe()
    with pytest.raises(ValidationError, match="probability"):
        Objective(maximize="p_all_targets", statistic="cvar")


def test_frontier_shows_expected_profit_against_its_p10(tmp_path: Path,
                                                       tiny_scenario_text: str) -> None:
    path = tmp_path / "two.yaml"
    path.write_text(two_channel_text(tiny_scenario_text), encoding="utf-8")
    res = CliRunner().invoke(main, ["optimize", str(path), "--frontier", "100000,300000",
                                    "--evaluations", "6", "-n", "10", "--format", "json"])
    assert res.exit_code == 0, res.output
    points = json.loads(res.output)["points"]
    assert [(p["budget"], p["maximized"]) for p in points] == [
        (100000.0, "mean"), (100000.0, "quantile"), (300000.0, "mean"),
        (300000.0, "quantile")]
    for p in points:
        assert p["quantile"] <= p["mean"] and p["replications"] == 200
        assert abs(sum(p["allocation"].values()) - 1.0) < 1e-6
    table = CliRunner().invoke(main, ["optimize", str(path), "--frontier", "100000",
                                      "--evaluations", "4", "-n", "5"])
    assert table.exit_code == 0 and "p10" in table.output
    bad = CliRunner().invoke(main, ["optimize", str(path), "--frontier", "lots"])
    assert bad.exit_code == 2 and "--frontier" in bad.output
