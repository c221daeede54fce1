"""Extreme values: refused with a message (exit 2) or simulated, never a traceback."""

import pytest
from click.testing import CliRunner

from mktsim.cli import main

REFUSED = [
    "market.size=10000000000000000000",
    "market.size=0",
    "channels.social.cost.cpm=1e-300",
    "channels.social.cost.cpm=1e300",
    "strategies.steady.budget=1e300",
    "market.segments.young.churn_per_year=1e9",
    "market.segments.young.share=nan",
    "market.segments.young.share=inf",
    "seed=-1",
    "horizon_days=0",
    "market.choice.price_weight=-1e300",
    "market.choice.price_weight=1e300",
    "market.segments.young.price_sensitivity=1e308",
    "channels.social.awareness.shape=1e9",
]
SIMULATED = [
    "channels.social.cost.cpm=0.000001",
    "strategies.steady.budget=1e15",
    "market.segments.young.churn_per_year=10000",
    "market.size=10000000000",
]


def _run(path, setting):
    return CliRunner().invoke(main, ["run", str(path), "-n", "2", "--format", "csv",
                                     "--set", setting])


@pytest.mark.parametrize("setting", REFUSED)
def test_extreme_values_are_refused_with_a_message(tiny_scenario_path, setting):
    result = _run(tiny_scenario_path, setting)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert setting.split("=")[0] in result.output


@pytest.mark.parametrize("setting", SIMULATED)
def test_extreme_but_valid_values_are_simulated(tiny_scenario_path, setting):
    result = _run(tiny_scenario_path, setting)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("kpi,mean")


@pytest.mark.parametrize("setting", [
    "teams.sales.headcount=1000000000000000000000000000000",
    "teams.sales.headcount=100001",
    "strategies.steady.extends=[steady]",
])
def test_odd_values_are_refused_before_running(tiny_scenario_path, setting):
    result = CliRunner().invoke(main, ["validate", str(tiny_scenario_path), "--set", setting])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output


def test_extends_must_name_one_strategy(tmp_path, tiny_scenario_text):
    path = tmp_path / "s.yaml"
    path.write_text(tiny_scenario_text.replace("extends: steady", "extends: [steady]"))
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code == 2
    assert "must name one strategy" in result.output


def test_out_inside_a_file_is_refused_before_running(tiny_scenario_path):
    out = tiny_scenario_path / "results"
    result = CliRunner().invoke(main, ["run", str(tiny_scenario_path), "-n", "2", "--out",
                                       str(out)])
    assert result.exit_code == 2
    assert "is a file, not a folder" in result.output
    assert "KPIs" not in result.output  # nothing ran


def test_sweep_of_an_unknown_path_stops_before_it_starts(tiny_scenario_path, tmp_path):
    out = tmp_path / "sweep"
    result = CliRunner().invoke(main, ["sweep", str(tiny_scenario_path), "--out", str(out),
                                       "--param", "market.sise=1:2", "--samples", "3"])
    assert result.exit_code == 2
    assert "did you mean 'size'?" in result.output
    assert not out.exists()


def test_sweep_rounds_whole_number_values(tiny_scenario_path, tmp_path):
    import pandas as pd

    out = tmp_path / "sweep"
    result = CliRunner().invoke(main, ["sweep", str(tiny_scenario_path), "--out", str(out),
                                       "--param", "teams.sales.headcount=1:5", "--samples", "4",
                                       "--replications", "2", "--strategies", "steady",
                                       "--workers", "1"])
    assert result.exit_code == 0, result.output
    rows = pd.read_parquet(out / "points")
    assert rows["teams.sales.headcount"].between(1, 5).all()
    assert (rows["teams.sales.headcount"] == rows["teams.sales.headcount"].round()).all()
    assert len(rows) == 4 * 2
