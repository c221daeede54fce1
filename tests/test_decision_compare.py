"""compare: paired intervals, reproducibility, and the CLI."""

from __future__ import annotations

import json

from click.testing import CliRunner

import mktsim
from mktsim.cli import main
from mktsim.decision.compare import compare

SCENARIO = "scenarios/smart_band.yaml"


def test_paired_narrower_than_unpaired_and_reproducible() -> None:
    sc = mktsim.load(SCENARIO)
    a = compare(sc, ["baseline", "digital_first"], max_reps=40, batch=40)
    b = compare(sc, ["baseline", "digital_first"], max_reps=40, batch=40)
    paired = a.differences()["profit"]["digital_first"]["interval"]
    unpaired = a.differences(paired=False)["profit"]["digital_first"]["interval"]
    assert paired[1] - paired[0] < 0.5 * (unpaired[1] - unpaired[0])
    assert a.to_dict() == b.to_dict()
    assert abs(sum(a.probability_best().values()) - 1.0) < 1e-9
    assert a.stopped == "max reps"


def test_cli_compare_json(tmp_path) -> None:  # type: ignore[no-untyped-def]
    res = CliRunner().invoke(main, ["compare", SCENARIO, "--strategies", "baseline,digital_first",
                                    "--max-reps", "20", "--format", "json", "--out",
                                    str(tmp_path)])
    assert res.exit_code == 0, res.output
    doc = json.loads((tmp_path / "compare.json").read_text())
    assert doc["kind"] == "compare" and doc["reference"] == "baseline"
    assert set(doc["probability_best"]) == {"baseline", "digital_first"}


def test_cli_compare_unknown_strategy() -> None:
    res = CliRunner().invoke(main, ["compare", SCENARIO, "--strategies", "nope"])
    assert res.exit_code == 2
