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
]
SIMULATED = [
    "channels.social.cost.cpm=0.000001",
    "strategies.steady.budget=1e15",
    "market.choice.price_weight=-1e300",
    "market.choice.price_weight=1e300",
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
