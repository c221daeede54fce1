"""Joint posterior draws in `uncertainties:` (`{draws: FILE}`): one row of the file per
replication for every path that names it, so correlations are kept; checked at load; used
by run, compare, optimize and sweep; written by `calibrate --out`."""

from __future__ import annotations

import csv
import datetime as dt
import json
import math
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

import mktsim
from mktsim.cli import main
from mktsim.scenario.errors import ScenarioError
from mktsim.scenario.uncertainty.joint_draws import draw_rows
from mktsim.scenario.uncertainty.section import sample_values

AWARE = "channels.social.awareness.per_year"
LIFT = "channels.social.conversion.lift"
RHO = 0.95


def write_draws(path: Path, columns: dict[str, np.ndarray]) -> Path:
    with path.open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(list(columns))
        for row in zip(*columns.values(), strict=True):
            w.writerow([repr(float(v)) for v in row])
    return path


def correlated_draws(n: int = 400, rho: float = RHO, seed: int = 5) -> dict[str, np.ndarray]:
    """Two positive columns (awareness effect, conversion lift) with correlation ~rho."""
    z = np.random.default_rng(seed).multivariate_normal([0, 0], [[1, rho], [rho, 1]], n)
    return {AWARE: 0.5 + 0.1 * z[:, 0], LIFT: 0.3 + 0.05 * z[:, 1]}


def with_uncertainties(text: str, entries: str) -> str:
    return text + "uncertainties:\n" + entries


@pytest.fixture
def joint(tmp_path: Path, tiny_scenario_text: str) -> Path:
    """The tiny scenario with the social channel's two effects drawn jointly."""
    write_draws(tmp_path / "post.csv", correlated_draws())
    path = tmp_path / "joint.yaml"
    path.write_text(with_uncertainties(tiny_scenario_text, (
        f"  {AWARE}: {{draws: post.csv}}\n"
        f"  {LIFT}: draws(post.csv)\n"
        "  market.word_of_mouth.imitation: '0.1:0.3'\n")), encoding="utf-8")
    return path


# --------------------------------------------------------------------------- rows


@given(seed=st.integers(0, 2**32 - 1), n=st.integers(1, 40), total=st.integers(1, 130),
       cut=st.integers(0, 130))
def test_rows_depend_on_seed_and_replication_only(seed: int, n: int, total: int,
                                                  cut: int) -> None:
    """Any split into chunks (any number of workers) gives the same rows, and each cycle
    of n replications uses every row once."""
    whole = draw_rows(seed, "post.csv", n, 0, total)
    cut = min(cut, total)
    parts = np.concatenate([draw_rows(seed, "post.csv", n, 0, cut),
                            draw_rows(seed, "post.csv", n, cut, total - cut)])
    assert np.array_equal(whole, parts)
    for start in range(0, total - n + 1, n):
        assert sorted(whole[start:start + n]) == list(range(n))
    assert ((whole >= 0) & (whole < n)).all()


def test_paths_of_one_file_share_the_row(joint: Path) -> None:
    loaded = mktsim.load(joint).loaded
    from mktsim.params import parse_design_mapping

    params = parse_design_mapping(loaded.data["uncertainties"])
    values = sample_values(params, 11, 0, 50)
    draws = correlated_draws()
    pairs = {(a, b) for a, b in zip(draws[AWARE], draws[LIFT], strict=True)}
    assert all((v[AWARE], v[LIFT]) in pairs for v in values)  # whole rows, never mixed
    assert len({v[AWARE] for v in values}) == 50  # 50 <= 400 rows: no row twice


def test_replications_reproduce_the_correlation_of_the_draws(joint: Path) -> None:
    """Sampled values across 300 replications of a run: their correlation is the draws'
    within a 99.9% interval (Fisher z), where independent draws would give about 0."""
    reps = 300
    run = mktsim.load(joint).run(replications=reps, incremental=False)
    samples = run.run.samples
    assert samples is not None and list(samples.columns) == [
        AWARE, LIFT, "market.word_of_mouth.imitation"]
    draws = correlated_draws()
    target = float(np.corrcoef(draws[AWARE], draws[LIFT])[0, 1])
    got = float(np.corrcoef(samples[AWARE], samples[LIFT])[0, 1])
    half = 3.29 / math.sqrt(reps - 3)
    assert abs(math.atanh(got) - math.atanh(target)) < half, (got, target)
    other = float(np.corrcoef(samples[AWARE], samples["market.word_of_mouth.imitation"])[0, 1])
    assert abs(other) < half  # the marginal uncertainty stays independent of the draws


def test_same_seed_same_numbers_on_one_or_two_workers(joint: Path) -> None:
    scenario = mktsim.load(joint)
    one = scenario.run(replications=24, seed=3, workers=1, incremental=False)
    two = scenario.run(replications=24, seed=3, workers=2, incremental=False)
    assert one.run.samples is not None and two.run.samples is not None
    assert one.run.samples.equals(two.run.samples)
    np.testing.assert_array_equal(one.run.daily, two.run.daily)  # NaN where undefined
    other = scenario.run(replications=24, seed=4, incremental=False)
    assert not other.run.samples.equals(one.run.samples)


def test_set_fixes_one_path_the_other_keeps_its_rows(joint: Path) -> None:
    scenario = mktsim.load(joint, [f"{LIFT}=0.4"])
    assert scenario.loaded.fixed == {LIFT: "draws(post.csv)"}
    assert any("draws(post.csv)" in w.message for w in scenario.loaded.warnings)
    run = scenario.run(replications=10, incremental=False)
    assert run.run.samples is not None and LIFT not in run.run.samples.columns
    assert set(run.run.samples[AWARE]) <= set(correlated_draws()[AWARE])


def test_draws_are_kept_in_the_loaded_data_and_the_hash(joint: Path, tmp_path: Path) -> None:
    """Workers (even on other machines) never read the file; a changed file is a changed
    scenario."""
    before = mktsim.load(joint).loaded
    entry = before.data["uncertainties"][AWARE]
    assert entry["draws"] == "post.csv" and len(entry["values"]) == 400
    write_draws(tmp_path / "post.csv", correlated_draws(seed=6))
    assert mktsim.load(joint).loaded.content_hash != before.content_hash


def test_a_row_a_rule_between_values_refuses_names_the_row(tmp_path: Path,
                                                         tiny_scenario_text: str) -> None:
    """Each column's extreme rows are checked at load, whole (the row's other values of
    the same file with it); another row that breaks a rule between values is reported
    with the replication and the row it took."""
    young = "market.segments.young"
    write_draws(tmp_path / "held.csv", {
        f"{young}.initial_awareness": np.array([0.02, 0.1, 0.3]),
        f"{young}.initial_consideration": np.array([0.01, 0.15, 0.2])})
    path = tmp_path / "s.yaml"
    path.write_text(with_uncertainties(tiny_scenario_text, (
        f"  {young}.initial_awareness: draws(held.csv)\n"
        f"  {young}.initial_consideration: draws(held.csv)\n")), encoding="utf-8")
    scenario = mktsim.load(path)  # the extreme rows are valid; the middle one is not
    with pytest.raises(ScenarioError, match=r"took row 3 of held.csv"):
        scenario.run(replications=4, incremental=False)
    write_draws(tmp_path / "held.csv", {f"{young}.initial_awareness": np.array([0.05, 0.3]),
                                        f"{young}.initial_consideration": np.array([0.1, 0.02])})
    with pytest.raises(ScenarioError, match=r"held.csv row 2"):
        mktsim.load(path)  # the smallest awareness comes with its row's consideration


# --------------------------------------------------------------------------- bad input

BAD_FILES = [  # (file content (bytes), spec, what the message must say)
    (None, "{draws: nowhere.csv}", ["nowhere.csv", "file not found", "relative to the"]),
    (b"\xff\xfe\x00\x01", "draws(d.csv)", ["d.csv", "not UTF-8"]),
    (b"", "draws(d.csv)", ["d.csv", "file is empty"]),
    (f"{AWARE}\n".encode(), "draws(d.csv)", ["d.csv", "no rows of draws"]),
    (b"a,b\n0.5,0.3\n", "{draws: d.csv, column: c}", ["d.csv", "no column c", "a, b"]),
    (f"{AWARE}\n0.5\nnan\n".encode(), "draws(d.csv)",
     ["d.csv", "row 3", f"column {AWARE}", "'nan' is not a finite number"]),
    (f"{AWARE}\n0.5\ninf\n".encode(), "draws(d.csv)", ["row 3", "'inf'"]),
    (f"{AWARE}\n0.5\n__import__('os')\n".encode(), "draws(d.csv)",
     ["row 3", "is not a finite number"]),
    (f"x,{AWARE}\n1,\n".encode(), "draws(d.csv)", ["row 2", f"column {AWARE}", "empty cell"]),
    (f"x,{AWARE}\n1,2,3\n".encode(), "draws(d.csv)", ["row 2", "3 cells", "header has 2"]),
    (f"{AWARE}\n0.5\n-0.2\n".encode(), "draws(d.csv)",
     ["smallest draw (d.csv row 3", f"column {AWARE}", "-0.2", "drop that row"]),
    (b"q\n0.5\n", "{draws: d.csv, column: q, values: [1]}", ["unexpected key 'values'"]),
    (b"q\n0.5\n", "{draws: d.csv, colum: q}", ["unexpected key 'colum'", "'column'"]),
]


@pytest.mark.parametrize(("content", "spec", "needles"), BAD_FILES)
def test_bad_draws_exit_2_naming_file_row_column(tmp_path: Path, tiny_scenario_text: str,
                                                 content: bytes | None, spec: str,
                                                 needles: list[str]) -> None:
    if content is not None:
        (tmp_path / "d.csv").write_bytes(content)
    path = tmp_path / "bad.yaml"
    path.write_text(with_uncertainties(tiny_scenario_text, f"  {AWARE}: {spec}\n"),
                    encoding="utf-8")
    for command in (["validate", str(path)], ["run", str(path), "-n", "2"]):
        res = CliRunner().invoke(main, command)
        assert res.exit_code == 2, res.output
        assert "Traceback" not in res.output
        assert f"uncertainties.{AWARE}" in res.output
        for needle in needles:
            assert needle in res.output, (needle, res.output)


def test_a_non_numeric_path_and_a_fixed_section_are_refused(tmp_path: Path,
                                                            tiny_scenario_text: str) -> None:
    (tmp_path / "d.csv").write_text("x\n0.5\n", encoding="utf-8")
    for key, needle in (("name", "'name' cannot be uncertain"),
                        ("market.nosuch", "not a numeric value"),
                        ("market.word_of_mouth", "not a numeric value"),
                        ("channels.social.type", "not a numeric value")):
        path = tmp_path / "bad.yaml"
        path.write_text(with_uncertainties(tiny_scenario_text, f"  {key}: draws(d.csv, x)\n"),
                        encoding="utf-8")
        res = CliRunner().invoke(main, ["validate", str(path)])
        assert res.exit_code == 2 and needle in res.output, res.output


def test_draws_outside_uncertainties_are_refused(joint: Path, tmp_path: Path) -> None:
    res = CliRunner().invoke(main, ["sweep", str(joint), "--out", str(tmp_path / "s"),
                                    "--param", f"{AWARE}=draws(post.csv)"])
    assert res.exit_code == 2 and "uncertainties: section" in res.output, res.output


# --------------------------------------------------------------------------- commands


def test_run_compare_optimize_say_which_values_are_drawn_jointly(joint: Path) -> None:
    note = "2 of them jointly, one row of post.csv per replication"
    res = CliRunner().invoke(main, ["run", str(joint), "-n", "10", "--no-incremental"])
    assert res.exit_code == 0, res.output
    assert "parameter uncertainty: 3 values drawn per replication" in res.output
    assert note in " ".join(res.output.split())
    doc = json.loads(CliRunner().invoke(main, ["run", str(joint), "-n", "10", "--format",
                                               "json", "--no-incremental"]).stdout)
    assert doc["joint_draws"] == {"post.csv": [AWARE, LIFT]}
    assert doc["parameter_uncertainty"] == [AWARE, LIFT, "market.word_of_mouth.imitation"]
    base = ["compare", str(joint), "--max-reps", "20"]
    res = CliRunner().invoke(main, base)
    assert res.exit_code == 0, res.output
    assert note in " ".join(res.output.split())
    doc = json.loads(CliRunner().invoke(main, [*base, "--format", "json"]).stdout)
    assert doc["joint_draws"] == {"post.csv": [AWARE, LIFT]}
    opt = ["optimize", str(joint), "--evaluations", "4", "-n", "10", "--verify-reps", "10",
           "--format", "json"]
    res = CliRunner().invoke(main, opt)
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout)["joint_draws"] == {"post.csv": [AWARE, LIFT]}


def test_optimize_out_elsewhere_still_finds_the_draws(joint: Path, tmp_path: Path) -> None:
    out = tmp_path / "other" / "best.yaml"
    out.parent.mkdir()
    res = CliRunner().invoke(main, ["optimize", str(joint), "--evaluations", "4", "-n", "10",
                                    "--verify-reps", "10", "--out", str(out)])
    assert res.exit_code == 0, res.output
    again = mktsim.load(out)
    assert again.loaded.data["uncertainties"][AWARE]["draws"] == "../post.csv"


def test_sweep_draws_the_joint_values_per_replication(joint: Path, tmp_path: Path) -> None:
    """Joint draws are no design axis: a sweep of the marginal uncertainty draws them per
    replication at every point, and says so; with only joint draws there is nothing to
    sweep without --param."""
    res = CliRunner().invoke(main, ["sweep", str(joint), "--out", str(tmp_path / "s"),
                                    "--samples", "2", "--replications", "3",
                                    "--workers", "1"])
    assert res.exit_code == 0, res.output
    assert "2 of them jointly, one row of post.csv" in " ".join(res.output.split())
    manifest = json.loads((tmp_path / "s" / "manifest.json").read_text())
    assert [p["path"] for p in manifest["design"]["params"]] == [
        "market.word_of_mouth.imitation"]
    only = tmp_path / "only.yaml"
    only.write_text(joint.read_text().replace("  market.word_of_mouth.imitation: '0.1:0.3'\n",
                                              ""), encoding="utf-8")
    res = CliRunner().invoke(main, ["sweep", str(only), "--out", str(tmp_path / "t")])
    assert res.exit_code == 2 and "joint draws" in res.output, res.output


# --------------------------------------------------------------------------- calibrate


def test_calibrate_out_then_run_uses_the_joint_draws(tmp_path: Path) -> None:
    """A short noise-free Bass history leaves p and q strongly (negatively) correlated:
    the fitted file draws them jointly from the CSV written beside it, and a run on it
    takes whole rows of that CSV."""
    from history_fixtures import blank_history, write_history
    from mktsim.history.periods import PeriodKind

    h = blank_history(dt.date(2027, 1, 1), 24, PeriodKind.MONTH)
    days = np.array([(d - h.start).days for d in (*h.dates, h.ends[-1])]) / 365.0
    p, q, m = 0.03, 0.38, 100_000
    e = np.exp(-(p + q) * days)
    new = m * np.diff((1 - e) / (1 + (q / p) * e))
    history = write_history(tmp_path / "bass.csv", h.dates, {"new_customers": new})
    fitted = tmp_path / "fit" / "fitted.yaml"
    bass = Path(mktsim.__file__).parent / "templates" / "bass.yaml"
    res = CliRunner().invoke(main, [
        "calibrate", str(bass), "--set", "market.size=100000", "--set", "horizon_days=60",
        "--history", str(history), "--param", "market.word_of_mouth.innovation=0.005:0.1",
        "--param", "market.word_of_mouth.imitation=0.1:0.8", "--format", "json",
        "--out", str(fitted), "--out-dir", str(tmp_path / "out"), "--report", "md"])
    assert res.exit_code == 0, res.output
    draws_file = tmp_path / "fit" / "fitted.draws.csv"
    paths = ["market.word_of_mouth.innovation", "market.word_of_mouth.imitation"]
    doc = json.loads(res.stdout)
    assert doc["posterior_draws"]["file"] == str(draws_file)
    assert doc["posterior_draws"]["joint"] == [paths]
    assert "fitted.draws.csv" in (tmp_path / "out" / "calibration.md").read_text()
    assert "fitted.draws.csv" in res.stderr
    text = fitted.read_text()
    assert "drawn jointly, one row of fitted.draws.csv per replication" in text
    rows = list(csv.reader(draws_file.open()))
    assert rows[0][:2] == paths and len(rows) == 401  # then the start state's columns
    table = {(float(r[0]), float(r[1])) for r in rows[1:]}
    assert np.corrcoef(np.array(sorted(table)).T)[0, 1] < -0.5

    run = CliRunner().invoke(main, ["run", str(fitted), "-n", "12", "--format", "json",
                                    "--no-incremental"])
    assert run.exit_code == 0, run.output
    joint = json.loads(run.stdout)["joint_draws"]
    assert list(joint) == ["fitted.draws.csv"] and joint["fitted.draws.csv"][:2] == paths
    assert any(".initial_" in p for p in joint["fitted.draws.csv"])  # the start state
    result = mktsim.load(fitted).run(replications=12, incremental=False)
    assert result.run.samples is not None
    used = set(zip(result.run.samples[paths[0]], result.run.samples[paths[1]], strict=True))
    assert used <= table and len(used) == 12


def test_calibrating_a_fitted_file_again_keeps_other_draws_reachable(
        tmp_path: Path, joint: Path) -> None:
    """An `uncertainties:` draws entry the calibration does not free is kept, its file
    reference rewritten for the fitted file's folder."""
    from mktsim.calibrate.result import CalibrationResult
    from mktsim.calibrate.writeout import fitted_text

    result = CalibrationResult(str(joint), "h.csv", "steady", "month", 3, 0, [], [], {}, [],
                               {}, np.zeros((3, 0)))
    text = fitted_text(joint.read_text(), result, [], moved=(tmp_path, tmp_path / "sub"),
                       draws_file="fitted.draws.csv")
    assert f"{AWARE}: {{draws: ../post.csv}}" in text
    assert f"{LIFT}: draws(../post.csv)" in text
    with pytest.raises(ScenarioError, match="would overwrite"):
        fitted_text(joint.read_text(), result, [], draws_file="post.csv")


def test_only_correlated_parameters_are_written_jointly() -> None:
    """Pairs at |rank correlation| >= 0.3 are joined, through chains too; an independent
    parameter keeps a distribution of its own."""
    from mktsim.calibrate.identify import JOINT_CORRELATION, joint_groups

    rng = np.random.default_rng(1)
    a, c, d = rng.normal(size=(3, 2000))
    b = a + 0.4 * rng.normal(size=2000)          # strongly with a
    e = np.exp(0.6 * d + rng.normal(size=2000))  # with d, through a monotone map
    draws = np.column_stack([a, b, c, d, e])
    assert joint_groups(list("abcde"), draws) == [["a", "b"], ["d", "e"]]
    x = rng.normal(size=2000)
    chain = np.column_stack([x, x + 2 * rng.normal(size=2000), rng.normal(size=2000)])
    chain[:, 2] = chain[:, 1] + 4 * rng.normal(size=2000)  # x - z only through y
    rho = np.corrcoef(chain, rowvar=False)
    assert abs(rho[0, 2]) < JOINT_CORRELATION <= min(abs(rho[0, 1]), abs(rho[1, 2]))
    assert joint_groups(["x", "y", "z"], chain) == [["x", "y", "z"]]
    assert joint_groups(["x"], chain[:, :1]) == []
