"""A value set on the command line (or by a sweep point) is fixed for the run: the
`uncertainties:` entry on the same path is not drawn, and the output says so."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

import mktsim
from mktsim.cli import main
from mktsim.scenario.load import load_spec, with_values

SMART_BAND = Path(__file__).parents[1] / "scenarios" / "smart_band.yaml"
PATH = "market.segments.young_urban.purchase_per_year"


def test_set_drops_the_uncertainty_on_its_path():
    plain = load_spec(SMART_BAND)
    assert PATH in plain.data["uncertainties"]
    fixed = load_spec(SMART_BAND, [f"{PATH}=0.9"])
    assert PATH not in fixed.data["uncertainties"]
    assert set(fixed.data["uncertainties"]) == set(plain.data["uncertainties"]) - {PATH}
    assert fixed.fixed == {PATH: str(plain.data["uncertainties"][PATH])}
    assert any(w.severity == "warning" and PATH in w.message and "not drawn" in w.message
               for w in fixed.warnings)


def test_set_value_is_the_value_every_replication_uses():
    result = mktsim.load(SMART_BAND, [f"{PATH}=0.9"]).run("baseline", replications=4, seed=3)
    drawn = result.run.samples
    assert drawn is not None and PATH not in drawn.columns
    assert len(drawn.columns) > 0  # the other uncertainties are still drawn
    plain = mktsim.load(SMART_BAND).run("baseline", replications=4, seed=3)
    assert result.kpis().loc["units", "mean"] > 1.2 * plain.kpis().loc["units", "mean"]


def test_cli_says_which_uncertainty_was_dropped():
    result = CliRunner().invoke(main, ["run", str(SMART_BAND), "-n", "4", "--format", "json",
                                       "--set", f"{PATH}=0.9"])
    assert result.exit_code == 0, result.output
    assert "not drawn" in result.stderr
    doc = json.loads(result.stdout)
    assert PATH in doc["fixed"]


def test_a_sweep_point_value_is_not_drawn_again():
    loaded = load_spec(SMART_BAND)
    point = with_values(loaded, {PATH: 0.5})
    assert PATH not in point.data["uncertainties"]
    assert point.spec.market.segments["young_urban"].purchase_per_year == 0.5
