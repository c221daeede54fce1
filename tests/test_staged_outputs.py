"""All-or-nothing output: staged beside the targets, moved into place only when the
command succeeded; inputs never overwritten; files follow the umask; JSON never holds NaN."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from mktsim.cli import main
from mktsim.documents.files import write_atomic
from mktsim.documents.staging import (
    OutputRefused,
    note_input,
    refuse_overwrite,
    staged_folder,
    staged_outputs,
)

ROOT = Path(__file__).parents[1]
SMART = ROOT / "scenarios" / "smart_band.yaml"
HISTORY = ROOT / "scenarios" / "smart_band_history.csv"
ACTUALS = ROOT / "scenarios" / "smart_band_actuals_h1.csv"
BASS = ROOT / "src" / "mktsim" / "templates" / "bass.yaml"
FREE = ["--param", "market.word_of_mouth.imitation=0.05:0.4"]


def tree(folder: Path) -> list[str]:
    """Every path under `folder`, hidden ones included, relative and sorted."""
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


def test_everything_is_moved_into_place_when_the_block_succeeds(tmp_path):
    with staged_outputs():
        write_atomic(tmp_path / "new" / "fitted.yaml", "a: 1\n")
        folder = staged_folder(tmp_path / "out")
        write_atomic(folder / "run.json", "{}")
        (folder / "images").mkdir()
        (folder / "images" / "a.png").write_bytes(b"png")
        assert not (tmp_path / "out").exists() and not (tmp_path / "new" / "fitted.yaml"
                                                        ).exists()
    assert tree(tmp_path) == ["new", "new/fitted.yaml", "out", "out/images",
                              "out/images/a.png", "out/run.json"]


def test_nothing_is_written_when_the_block_fails(tmp_path):
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "old.csv").write_text("kept")
    with pytest.raises(RuntimeError), staged_outputs():
        write_atomic(tmp_path / "a" / "b" / "fitted.yaml", "a: 1\n")
        write_atomic(staged_folder(tmp_path / "out") / "run.json", "{}")
        raise RuntimeError("the fit failed")
    assert tree(tmp_path) == ["out", "out/old.csv"]


def test_a_folder_in_the_way_is_refused_before_anything_moves(tmp_path):
    (tmp_path / "out" / "calibration.json").mkdir(parents=True)
    with pytest.raises(OutputRefused) as info, staged_outputs():
        write_atomic(tmp_path / "fitted.yaml", "a: 1\n")
        write_atomic(tmp_path / "out" / "calibration.json", "{}")
    assert "a folder of that name is in the way" in str(info.value)
    assert tree(tmp_path) == ["out", "out/calibration.json"]


def test_an_earlier_output_is_replaced(tmp_path):
    for text in ("first", "second"):
        with staged_outputs():
            write_atomic(tmp_path / "fitted.yaml", text)
            write_atomic(staged_folder(tmp_path / "out") / "run.json", json.dumps(text))
    assert (tmp_path / "fitted.yaml").read_text() == "second"
    assert json.loads((tmp_path / "out" / "run.json").read_text()) == "second"
    assert tree(tmp_path) == ["fitted.yaml", "out", "out/run.json"]


def test_an_input_is_never_overwritten(tmp_path):
    history = tmp_path / "fit.draws.csv"
    history.write_text("date,units\n")
    with pytest.raises(OutputRefused), staged_outputs():
        note_input(history)
        write_atomic(tmp_path / "fit.draws.csv", "a,b\n")
    assert history.read_text() == "date,units\n"
    with pytest.raises(OutputRefused) as info:
        refuse_overwrite({"--out": tmp_path / "." / "fit.draws.csv"}, {"history": history})
    assert "--out" in str(info.value) and "history" in str(info.value)


@pytest.mark.parametrize("mask", [0o022, 0o077, 0o002])
def test_written_files_follow_the_umask(tmp_path, mask):
    old = os.umask(mask)
    try:
        write_atomic(tmp_path / "plain.json", "{}")
        with staged_outputs():
            write_atomic(tmp_path / "staged.yaml", "a: 1")
            write_atomic(staged_folder(tmp_path / "out") / "run.json", "{}")
    finally:
        os.umask(old)
    for path in (tmp_path / "plain.json", tmp_path / "staged.yaml", tmp_path / "out" /
                 "run.json"):
        assert path.stat().st_mode & 0o777 == 0o666 & ~mask, path
    assert (tmp_path / "out").stat().st_mode & 0o777 == 0o777 & ~mask


def test_json_never_holds_nan_or_infinity(tmp_path):
    path = tmp_path / "calibration.json"
    write_atomic(path, json.dumps({"r2": float("nan"), "x": [1.0, float("inf")], "s": "NaN"}))

    def refuse(name: str) -> None:
        raise AssertionError(f"{name} in the JSON")

    doc = json.loads(path.read_text(), parse_constant=refuse)
    assert doc == {"r2": None, "x": [1.0, None], "s": "NaN"}


def test_calibrate_refuses_an_out_that_would_overwrite_its_history(tmp_path):
    history = tmp_path / "fit.draws.csv"
    history.write_bytes(HISTORY.read_bytes())
    result = CliRunner().invoke(main, ["calibrate", str(SMART), "--history", str(history),
                                       *FREE, "--out", str(tmp_path / "fit.yaml")])
    assert result.exit_code == 2, result.output
    assert "would overwrite the history" in result.output
    assert history.read_bytes() == HISTORY.read_bytes()
    assert tree(tmp_path) == ["fit.draws.csv"]


def test_calibrate_refuses_an_out_that_is_its_scenario(tmp_path):
    scenario = tmp_path / "s.yaml"
    scenario.write_bytes(SMART.read_bytes())
    (tmp_path / "h.csv").write_bytes(HISTORY.read_bytes())
    result = CliRunner().invoke(main, ["calibrate", str(scenario), "--history",
                                       str(tmp_path / "h.csv"), *FREE, "--out", str(scenario)])
    assert result.exit_code == 2 and "would overwrite the scenario" in result.output
    assert scenario.read_bytes() == SMART.read_bytes()


@pytest.mark.slow
def test_calibrate_writes_nothing_when_its_out_dir_cannot_take_a_file(tmp_path):
    from test_calibrate import noise_free_bass

    history = noise_free_bass(tmp_path / "bass.csv", periods=24)
    out = tmp_path / "out"
    (out / "calibration.md").mkdir(parents=True)
    before = tree(tmp_path)
    result = CliRunner().invoke(main, [
        "calibrate", str(BASS), "--set", "market.size=100000", "--history", str(history),
        "--param", "market.word_of_mouth.imitation=0.1:0.8", "-n", "2",
        "--out", str(tmp_path / "fitted.yaml"), "--out-dir", str(out), "--report", "md"])
    assert result.exit_code == 2, result.output
    assert "calibration.md" in result.output and "in the way" in result.output
    assert tree(tmp_path) == before  # no fitted file, no draws, no json, no charts


@pytest.mark.slow
def test_track_writes_nothing_when_its_out_folder_cannot_take_a_file(tmp_path):
    out = tmp_path / "out"
    (out / "track.json").mkdir(parents=True)
    result = CliRunner().invoke(main, ["track", str(SMART), "--actuals", str(ACTUALS),
                                       "-n", "10", "--out", str(out)])
    assert result.exit_code == 2, result.output
    assert "track.json" in result.output and "in the way" in result.output
    assert tree(tmp_path) == ["out", "out/track.json"]


@pytest.mark.slow
def test_calibrate_out_with_list_indices_replaces_its_own_earlier_result(tmp_path):
    import mktsim

    fitted = tmp_path / "fitted.yaml"
    args = ["calibrate", str(SMART), "--history", str(HISTORY), "-n", "2",
            "--param", "market.seasonality.by_month.7=0.6:1.4",
            "--set", "market.competitors.xiaomi.moves.0.price=225", "--out", str(fitted)]
    for _ in range(2):  # the second run replaces the first's files
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 0, result.output
    spec = mktsim.load(fitted).spec
    assert spec.market.competitors["xiaomi"].moves[0].price == 225
    assert 0.6 <= spec.market.seasonality.by_month[7] <= 1.4
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fitted.draws.csv", "fitted.yaml"]


@pytest.mark.slow
def test_track_out_with_list_indices_in_set(tmp_path):
    result = CliRunner().invoke(main, [
        "track", str(SMART), "--actuals", str(ACTUALS), "-n", "10",
        "--set", "market.competitors.xiaomi.moves.0.price=225",
        "--set", "market.seasonality.by_month.7=1.1", "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out" / "track.json").is_file()
    assert not [p for p in tmp_path.rglob(".*")]  # no temporary file or folder left


def test_calibrate_refuses_an_out_over_the_history_of_its_calibration_section(tmp_path):
    history = tmp_path / "fit.draws.csv"
    history.write_bytes(HISTORY.read_bytes())
    scenario = tmp_path / "s.yaml"
    scenario.write_text(SMART.read_text() + "calibration:\n  history: fit.draws.csv\n  "
                        "parameters: {market.word_of_mouth.imitation: '0.05:0.4'}\n")
    result = CliRunner().invoke(main, ["calibrate", str(scenario), "--out",
                                       str(tmp_path / "fit.yaml")])
    assert result.exit_code == 2, result.output
    assert "would overwrite the history" in result.output
    assert history.read_bytes() == HISTORY.read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fit.draws.csv", "s.yaml"]


@pytest.mark.slow
def test_optimize_out_with_list_indices_in_set(tmp_path):
    import mktsim

    out = tmp_path / "opt.yaml"
    result = CliRunner().invoke(main, [
        "optimize", str(SMART), "--evaluations", "4", "--replications", "5",
        "--verify-reps", "10", "--set", "market.competitors.xiaomi.moves.0.price=225",
        "--set", "market.seasonality.by_month.7=1.1", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "optimized" in mktsim.load(out).spec.strategies
    assert sorted(p.name for p in tmp_path.iterdir()) == ["opt.yaml"]


def test_a_staged_folder_holds_what_the_target_holds_and_keeps_it(tmp_path):
    out = tmp_path / "out"
    (out / "images").mkdir(parents=True)
    (out / "compare.json").write_text('{"kind": "compare"}')
    (out / "images" / "old.png").write_bytes(b"old")
    (out / "h1.csv").write_text("date,units\n")
    with staged_outputs():
        note_input(out / "h1.csv")  # an input inside the output folder, left alone
        folder = staged_folder(out)
        assert json.loads((folder / "compare.json").read_text()) == {"kind": "compare"}
        write_atomic(folder / "run.json", "{}")
        write_atomic(folder / "images" / "new.png", b"new")
    assert tree(tmp_path) == ["out", "out/compare.json", "out/h1.csv", "out/images",
                              "out/images/new.png", "out/images/old.png", "out/run.json"]
    assert (out / "h1.csv").read_text() == "date,units\n"
