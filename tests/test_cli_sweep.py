"""`mktsim sweep` and `mktsim analyze` on the command line."""

from __future__ import annotations

import json
import subprocess
import sys

from click.testing import CliRunner

from mktsim.cli import main
from sweep_fixtures import PARAMS, write_tiny


def _sweep_args(scenario, out, *extra):
    args = ["sweep", str(scenario), "--out", str(out), "--replications", "3", "--seed", "3"]
    for p in PARAMS:
        args += ["--param", p]
    return [*args, *extra]


def test_sweep_then_analyze_json(tmp_path):
    scenario = write_tiny(tmp_path)
    runner = CliRunner()
    res = runner.invoke(main, _sweep_args(scenario, tmp_path / "s", "--samples", "12",
                                          "--workers", "1"))
    assert res.exit_code == 0, res.output
    res = runner.invoke(main, ["analyze", str(tmp_path / "s"), "--format", "json",
                               "--out", str(tmp_path / "a.json")])
    assert res.exit_code == 0, res.output
    data = json.loads((tmp_path / "a.json").read_text())
    assert data["kind"] == "analyze" and 0 <= data["targets"]["sales"]["probability"] <= 1
    assert data["tornado"] and {"output", "parameter", "swing"} <= set(data["tornado"][0])
    assert json.loads((tmp_path / "s" / "analyze.json").read_text()) == data
    for fmt in ("table", "md", "csv"):
        assert runner.invoke(main, ["analyze", str(tmp_path / "s"), "--format", fmt]).exit_code == 0


def test_sobol_design_file_gives_indices(tmp_path):
    scenario = write_tiny(tmp_path)
    design = tmp_path / "design.yaml"
    design.write_text("method: sobol\nsamples: 8\nseed: 4\nreplications: 2\n"
                      "strategies: [high]\nparameters:\n"
                      "  market.segments.everyone.purchase_per_year: '0.2:0.8'\n"
                      "  channels.social.cost.cpm: {range: [20, 80]}\n")
    runner = CliRunner()
    res = runner.invoke(main, ["sweep", str(scenario), "--out", str(tmp_path / "s"),
                               "--design", str(design), "--workers", "2"])
    assert res.exit_code == 0, res.output
    manifest = json.loads((tmp_path / "s" / "manifest.json").read_text())
    assert manifest["strategies"] == ["high"] and manifest["points"]["done"] == 8 * 4
    data = json.loads(runner.invoke(main, ["analyze", str(tmp_path / "s"),
                                           "--format", "json"]).output)
    assert {r["parameter"] for r in data["sobol"]} == {
        "market.segments.everyone.purchase_per_year", "channels.social.cost.cpm"}
    assert {"S1", "S1_conf", "ST", "ST_conf", "output"} <= set(data["sobol"][0])


def test_user_errors_exit_2(tmp_path):
    scenario = write_tiny(tmp_path)
    runner = CliRunner()
    res = runner.invoke(main, ["sweep", str(scenario), "--out", str(tmp_path / "x")])
    assert res.exit_code == 2 and "nothing to sweep" in res.output
    res = runner.invoke(main, ["sweep", str(scenario), "--out", str(tmp_path / "x"),
                               "--param", "a.b=30-60"])
    assert res.exit_code == 2
    res = runner.invoke(main, _sweep_args(scenario, tmp_path / "s", "--samples", "2",
                                          "--strategies", "nope"))
    assert res.exit_code == 2 and "nope" in res.output
    assert runner.invoke(main, _sweep_args(scenario, tmp_path / "s", "--samples", "2",
                                           "--workers", "1")).exit_code == 0
    res = runner.invoke(main, _sweep_args(scenario, tmp_path / "s", "--samples", "3",
                                          "--resume"))
    assert res.exit_code == 2 and "design differs" in res.output
    res = runner.invoke(main, ["analyze", str(tmp_path)])
    assert res.exit_code == 2 and "not a sweep" in res.output


def test_sweep_as_a_subprocess(tmp_path):
    scenario = write_tiny(tmp_path)
    args = _sweep_args(scenario, tmp_path / "s", "--samples", "3", "--workers", "2",
                       "--strategies", "low")
    done = subprocess.run([sys.executable, "-m", "mktsim", *args], capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "3 points run" in done.stderr
    assert len(list((tmp_path / "s" / "points").glob("point-*.parquet"))) == 3
