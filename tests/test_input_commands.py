"""The reproducers of hostile inputs, through the commands: each exits 2 at once with a
message that names the file, the line or row and the field, and no traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from mktsim.cli import main

ROOT = Path(__file__).parents[1]
SMART = ROOT / "scenarios" / "smart_band.yaml"
HISTORY = ROOT / "scenarios" / "smart_band_history.csv"
ACTUALS = ROOT / "scenarios" / "smart_band_actuals_h1.csv"
FREE = ["--param", "market.word_of_mouth.imitation=0.05:0.4"]


def refused(args: list[str]) -> str:
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    return result.output


def scenario_with(tmp_path: Path, text: str, replace: tuple[str, str] | None = None) -> Path:
    source = SMART.read_text(encoding="utf-8")
    if replace is not None:
        assert replace[0] in source
        source = source.replace(replace[0], replace[1])
    path = tmp_path / "s.yaml"
    path.write_text(source + text, encoding="utf-8")
    (tmp_path / "h.csv").write_bytes(HISTORY.read_bytes())
    return path


def line_of(path: Path, needle: str) -> int:
    """The last line holding `needle` (the appended section's)."""
    return [i for i, line in enumerate(path.read_text().splitlines(), start=1)
            if needle in line][-1]


@pytest.mark.parametrize(("entry", "needle", "message"), [
    ("strategy: nope", "strategy: nope", "calibration.strategy: unknown strategy 'nope'"),
    ("parameters: {market.word_of_mouth.imitation: normal(0.3)}", "parameters:",
     "normal(mu,sigma) takes 2 numbers"),
    ("parameters: {market.size: lots}", "parameters:", "calibration.parameters.market.size"),
    ("weights: {foo: 1}", "weights:", "calibration.weights.foo: unknown series 'foo'"),
])
def test_calibration_section_problems_have_their_line(tmp_path, entry, needle, message):
    path = scenario_with(tmp_path, f"calibration:\n  history: h.csv\n  {entry}\n")
    for args in (["validate", str(path)], ["calibrate", str(path), *FREE]):
        out = refused(args)
        assert message in out
        assert f"{path}:{line_of(path, needle)}:" in out


@pytest.mark.parametrize("column", ["5", "1.5", "[a]", "{a: 1}", "true"])
def test_a_draws_column_that_is_not_a_name_has_its_line(tmp_path, column):
    (tmp_path / "d.csv").write_text("market.size,x\n1,2\n")
    path = scenario_with(tmp_path, "", (
        "  market.awareness_decay_per_year: triangular(0.25, 0.35, 0.5)",
        f"  market.awareness_decay_per_year: {{draws: d.csv, column: {column}}}"))
    out = refused(["validate", str(path)])
    assert f"{path}:{line_of(path, 'draws: d.csv')}:" in out
    assert "is not a name" in out


def test_a_draws_cell_1e309_names_the_file_row_and_column(tmp_path):
    (tmp_path / "d.csv").write_text("size,x\n1,2\n1e309,3\n")
    path = scenario_with(tmp_path, "", (
        "  market.awareness_decay_per_year: triangular(0.25, 0.35, 0.5)",
        "  market.awareness_decay_per_year: {draws: d.csv, column: x}"))
    out = refused(["validate", str(path)])
    assert "d.csv: row 3, column size: '1e309' is not a finite number" in out


def test_a_param_given_twice_or_also_set_is_refused_before_the_fit(tmp_path):
    path = "market.word_of_mouth.imitation"
    out = refused(["calibrate", str(SMART), "--history", str(HISTORY),
                   "--param", f"{path}=0.05:0.4", "--param", f"{path}=0.1:0.3"])
    assert f"--param {path}: given twice" in out
    out = refused(["calibrate", str(SMART), "--history", str(HISTORY),
                   "--param", f"{path}=0.05:0.4", "--set", f"{path}=0.2"])
    assert f"--param {path}: also fixed by --set {path}=0.2" in out


def test_track_then_names_then(tmp_path):
    out = refused(["track", str(SMART), "--actuals", str(ACTUALS), "-n", "10",
                   "--then", "nope"])
    assert "--then: unknown strategy 'nope'" in out and "--strategy" not in out


@pytest.mark.parametrize("command", ["calibrate", "track"])
def test_a_cell_longer_than_csvs_field_limit_is_refused_at_its_row(tmp_path, command):
    bad = tmp_path / "h.csv"
    lines = ACTUALS.read_text().splitlines()
    lines[2] = lines[2] + "9" * 140_000
    bad.write_text("\n".join(lines) + "\n")
    option = "--history" if command == "calibrate" else "--actuals"
    out = refused([command, str(SMART), option, str(bad), *(FREE if command == "calibrate"
                                                            else ["-n", "10"])])
    assert f"{bad}:3:" in out and "more than 10,000" in out


@pytest.mark.parametrize("dates", [("9999-12-20", "9999-12-27"), ("9999-11-01", "9999-12-01"),
                                   ("9998-01-01", "9999-01-01")])
def test_actuals_near_year_9999_exit_2(tmp_path, dates):
    bad = tmp_path / "a.csv"
    bad.write_text("date,units\n" + "".join(f"{d},10\n" for d in dates))
    out = refused(["track", str(SMART), "--actuals", str(bad), "-n", "10"])
    assert f"{bad}:2: date:" in out and "outside the years 1900-2200" in out


@pytest.mark.parametrize("cell", ["1204%", "1e300", "299_796", "\u0661\u0662", "NaN"])
def test_actuals_numbers_are_plain_or_refused(tmp_path, cell):
    bad = tmp_path / "a.csv"
    lines = ACTUALS.read_text().splitlines()
    header = lines[0].split(",")
    row = lines[2].split(",")
    j = header.index("units")
    row[j] = cell
    lines[2] = ",".join(row)
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = refused(["track", str(SMART), "--actuals", str(bad), "-n", "10"])
    assert f"{bad}:3: units:" in out


def test_devnull_and_a_symlink_loop_say_what_they_are(tmp_path):
    loop = tmp_path / "loop.csv"
    loop.symlink_to(tmp_path / "loop2.csv")
    (tmp_path / "loop2.csv").symlink_to(loop)
    out = refused(["calibrate", str(SMART), "--history", "/dev/null", *FREE])
    assert "/dev/null" in out and "a device, not a file" in out
    out = refused(["track", str(SMART), "--actuals", str(loop), "-n", "10"])
    assert "a loop of symbolic links" in out
