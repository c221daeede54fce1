"""The `mktsim` command line: help, init, validate, run and its output formats."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from mktsim.cli import main
from mktsim.scenario.load import load_spec

RUN_KEYS = {"kind", "name", "scenario_hash", "strategy", "seed", "replications", "version",
            "currency", "start_date", "horizon_days", "kpis", "targets", "series"}


def _invoke(*args: str):
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.mark.parametrize("command", sorted(main.commands))
def test_every_command_has_help_with_an_example(command: str) -> None:
    result = _invoke(command, "--help")
    assert result.exit_code == 0, result.output
    assert "Example" in result.output
    assert f"mktsim {command}" in result.output


def test_main_help_and_version() -> None:
    result = _invoke("--help")
    assert result.exit_code == 0
    assert "Example" in result.output
    for command in main.commands:
        assert command in result.output
    assert _invoke("--version").output.startswith("mktsim, version ")


def test_help_does_not_import_the_heavy_libraries() -> None:
    code = ("import sys\nfrom mktsim.cli import main\n"
            "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
            "print(' '.join(m for m in ('numba', 'numpy', 'pandas', 'simpy') if m in sys.modules),"
            " file=sys.stderr)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60, check=True)
    assert "Usage" in done.stdout
    assert done.stderr.strip() == ""


# --- init -------------------------------------------------------------------------------------


def test_init_writes_the_template_and_refuses_to_overwrite(tmp_path: Path) -> None:
    shipped = Path(__file__).parents[1] / "src" / "mktsim" / "templates" / "smart_band.yaml"
    result = _invoke("init", "smart-band", tmp_path / "plans")
    assert result.exit_code == 0, result.output
    path = tmp_path / "plans" / "smart_band.yaml"
    assert path.read_text() == shipped.read_text()
    path.write_text("# my own edits\n")
    again = _invoke("init", "smart-band", tmp_path / "plans")
    assert again.exit_code == 2
    assert "file exists" in again.stderr and "--force" in again.stderr
    assert path.read_text() == "# my own edits\n"
    forced = _invoke("init", "smart-band", tmp_path / "plans", "--force")
    assert forced.exit_code == 0
    assert path.read_text() == shipped.read_text()


def test_init_bass_and_unknown_template(tmp_path: Path) -> None:
    assert _invoke("init", "bass", tmp_path).exit_code == 0
    assert (tmp_path / "bass.yaml").exists()
    bad = _invoke("init", "smart_band", tmp_path / "x")
    assert bad.exit_code == 2
    assert "unknown template 'smart_band'" in bad.stderr
    assert "did you mean 'smart-band'?" in bad.stderr
    assert not (tmp_path / "x").exists()


# --- validate ---------------------------------------------------------------------------------


def test_validate_ok(smart_band_path: Path) -> None:
    result = _invoke("validate", smart_band_path)
    assert result.exit_code == 0, result.output
    spec = load_spec(smart_band_path).spec
    assert (f"valid: {len(spec.strategies)} strategies, {len(spec.channels)} channels, "
            f"{len(spec.targets)} targets") in result.output


def test_validate_json(tiny_scenario_path: Path) -> None:
    result = _invoke("validate", tiny_scenario_path, "--format", "json")
    assert result.exit_code == 0
    assert json.loads(result.stdout) == {"valid": True, "problems": []}


def test_validate_failing(tiny_scenario_path: Path) -> None:
    text = tiny_scenario_path.read_text().replace("cpm: 40", "cpm: -40")
    tiny_scenario_path.write_text(text.replace("metric: units", "metric: unit"))
    result = _invoke("validate", tiny_scenario_path)
    assert result.exit_code == 2
    assert "channels.social.cost.cpm" in result.stderr
    assert "Traceback" not in result.stderr
    as_json = _invoke("validate", tiny_scenario_path, "--format", "json")
    assert as_json.exit_code == 2
    doc = json.loads(as_json.stdout)
    assert doc["valid"] is False
    assert [p["field"] for p in doc["problems"]] == ["channels.social.cost.cpm"]
    assert doc["problems"][0]["line"] == 34
    assert set(doc["problems"][0]) == {"file", "line", "field", "message", "hint", "severity"}


def test_validate_missing_file(tmp_path: Path) -> None:
    result = _invoke("validate", tmp_path / "nope.yaml")
    assert result.exit_code == 2
    assert "cannot read the file" in result.stderr
    assert "Traceback" not in result.stderr


# --- run --------------------------------------------------------------------------------------


def _run_json(path: Path, *args: str) -> dict:
    result = _invoke("run", path, "-n", "5", "--format", "json", *args)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_run_json_document(tiny_scenario_path: Path) -> None:
    doc = _run_json(tiny_scenario_path, "-s", "pulsed", "--seed", "11")
    assert set(doc) >= RUN_KEYS
    assert doc["kind"] == "run" and doc["name"] == "Tiny plan"
    assert doc["strategy"] == "pulsed" and doc["seed"] == 11 and doc["replications"] == 5
    assert doc["scenario_hash"].startswith("sha256:")
    assert doc["horizon_days"] == 60 and doc["start_date"] == "2027-01-01"
    for name in ("brand_awareness", "units", "revenue", "marketing_spend", "cac"):
        stats = doc["kpis"][name]
        assert {"mean", "p5", "p50", "p95", "unit", "kind"} <= set(stats)
    awareness = doc["kpis"]["brand_awareness"]
    assert awareness["p5"] <= awareness["p50"] <= awareness["p95"]
    assert 0 < awareness["mean"] < 1
    assert [t["id"] for t in doc["targets"]] == ["aware", "sold"]
    for t in doc["targets"]:
        assert {"id", "metric", "threshold", "by", "probability", "interval", "met",
                "verdict"} <= set(t)
        assert 0 <= t["probability"] <= 1 and len(t["interval"]) == 2
        assert isinstance(t["met"], bool)
    assert doc["targets"][0]["by"] == "2027-03-01"
    assert doc["series"]["day"] == list(range(60))
    assert len(doc["series"]["brand_awareness"]["mean"]) == 60
    assert {"mean", "p5", "p50", "p95"} <= set(doc["series"]["units"])


def test_run_defaults_to_the_first_strategy(tiny_scenario_path: Path) -> None:
    assert _run_json(tiny_scenario_path)["strategy"] == "steady"


def test_same_seed_same_numbers(tiny_scenario_path: Path) -> None:
    first = _run_json(tiny_scenario_path, "--seed", "3")
    second = _run_json(tiny_scenario_path, "--seed", "3")
    assert first == second
    other = _run_json(tiny_scenario_path, "--seed", "4")
    assert other["kpis"]["units"] != first["kpis"]["units"]


def test_run_csv(tiny_scenario_path: Path) -> None:
    import pandas as pd

    result = _invoke("run", tiny_scenario_path, "-n", "5", "--format", "csv")
    assert result.exit_code == 0, result.output
    table = pd.read_csv(io.StringIO(result.stdout), index_col=0)
    assert {"mean", "p5", "p50", "p95"} <= set(table.columns)
    assert "brand_awareness" in table.index and "units" in table.index


def test_run_table(tiny_scenario_path: Path) -> None:
    result = _invoke("run", tiny_scenario_path, "-n", "5")
    assert result.exit_code == 0, result.output
    assert "Tiny plan - strategy steady, seed 7" in result.stdout
    assert "KPIs at the horizon (5 replications)" in result.stdout


def test_run_out_parquet(tiny_scenario_path: Path, tmp_path: Path) -> None:
    import pandas as pd

    out = tmp_path / "out"
    result = _invoke("run", tiny_scenario_path, "-n", "5", "--format", "parquet", "--out", out)
    assert result.exit_code == 0, result.output
    doc = json.loads((out / "run.json").read_text())
    assert set(doc) >= RUN_KEYS
    series = pd.read_parquet(out / "series.parquet")
    assert {"day", "kpi", "mean", "p5", "p50", "p95"} <= set(series.columns)
    assert series["day"].max() == 59
    assert "brand_awareness" in set(series["kpi"])


def test_parquet_needs_out(tiny_scenario_path: Path) -> None:
    result = _invoke("run", tiny_scenario_path, "-n", "5", "--format", "parquet")
    assert result.exit_code == 2
    assert result.stderr.startswith("error: ") and "--out" in result.stderr


@pytest.mark.parametrize(("change", "message"), [
    (("cpm: 40", "cpm: lots"), "channels.social.cost.cpm"),
    (("allocation: {social: 0.7, store: 0.3}", "allocation: {social: 0.7, stor: 0.3}"),
     "did you mean 'store'?"),
])
def test_bad_input_writes_nothing(tiny_scenario_path: Path, tmp_path: Path,
                                  change: tuple[str, str], message: str) -> None:
    tiny_scenario_path.write_text(tiny_scenario_path.read_text().replace(*change))
    out = tmp_path / "out"
    result = _invoke("run", tiny_scenario_path, "-n", "5", "--out", out)
    assert result.exit_code == 2
    assert result.stderr.startswith("error: ")
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert not out.exists() or not any(out.iterdir())


@pytest.mark.parametrize("args", [("-s", "pulsd"), ("--report", "pdf", "--out", "OUT"),
                                  ("--report", "md"), ("--set", "market.size")])
def test_bad_options_exit_2_and_write_nothing(tiny_scenario_path: Path, tmp_path: Path,
                                              args: tuple[str, ...]) -> None:
    out = tmp_path / "OUT"
    args = tuple(str(out) if a == "OUT" else a for a in args)
    result = _invoke("run", tiny_scenario_path, "-n", "5", *args)
    assert result.exit_code == 2, result.output
    assert "error" in result.stderr.lower()
    assert "Traceback" not in result.stderr
    assert not out.exists() or not any(out.iterdir())


def test_unknown_strategy_suggests(tiny_scenario_path: Path) -> None:
    result = _invoke("run", tiny_scenario_path, "-s", "pulsd")
    assert "unknown strategy 'pulsd'" in result.stderr
    assert "did you mean 'pulsed'?" in result.stderr


def test_run_as_a_real_process(tiny_scenario_path: Path, tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "mktsim", "run", str(tiny_scenario_path), "-n", "5", "--seed", "3",
         "--format", "json"], capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    doc = json.loads(done.stdout)
    assert doc["seed"] == 3 and doc["replications"] == 5
    assert doc == _run_json(tiny_scenario_path, "--seed", "3")
    bad = subprocess.run([sys.executable, "-m", "mktsim", "validate", str(tmp_path / "no.yaml")],
                         capture_output=True, text=True, timeout=60)
    assert bad.returncode == 2
    assert "Traceback" not in bad.stderr
