"""Hostile YAML is refused while it is parsed: deep nesting and huge files, in well under
the seconds they used to take, with a message and (where there is one) a line."""

from __future__ import annotations

import time

import pytest
from click.testing import CliRunner

from mktsim.cli import main
from mktsim.scenario.errors import ScenarioError
from mktsim.scenario.load import load_spec
from mktsim.scenario.yamlio import MAX_DEPTH, MAX_VALUES

CASES = {
    "flow_brackets": "name: x\nmarket: " + "[" * 10_000 + "]" * 10_000 + "\n",
    "flow_lists": "name: x\nmarket: " + "[1, " * 10_000 + "]" * 10_000 + "\n",
    "block_dashes": "name: x\nmarket:\n  " + "- " * 10_000 + "x\n",
    "block_keys": "name: x\n" + "".join("  " * i + f"k{i}:\n" for i in range(2_000)),
    "many_list_items": "name: x\nchannels:\n" + "  - 1\n" * 800_000,
    "one_long_flow_list": "name: x\nchannels: [" + "1, " * 1_600_000 + "1]\n",
    "many_mappings": "name: x\nchannels:\n" + "  - {a: 1}\n" * 30_000,
}
"""Each just under the 5 MB cap or 10,000 levels deep."""


@pytest.mark.parametrize("case", sorted(CASES))
def test_hostile_file_is_refused_fast(tmp_path, case):
    path = tmp_path / f"{case}.yaml"
    path.write_text(CASES[case], encoding="utf-8")
    assert path.stat().st_size < 5_000_000
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert (f"deeper than {MAX_DEPTH} levels" in result.output
            or f"more than {MAX_VALUES:,} values" in result.output
            or "lines, more than a scenario may have" in result.output), result.output
    assert str(path) in result.output
    started = time.perf_counter()  # the schema and the CLI are imported by now
    with pytest.raises(ScenarioError):
        load_spec(path)
    elapsed = time.perf_counter() - started
    assert elapsed < 2.0, f"took {elapsed:.1f} s to refuse"  # was 4-30 s


def test_deep_nesting_names_its_line(tmp_path):
    path = tmp_path / "deep.yaml"
    path.write_text("name: x\nmarket:\n  segments:\n    a: " + "[" * 100 + "]" * 100 + "\n")
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code == 2
    assert f"{path}:4:" in result.output


def test_a_real_scenario_is_far_below_the_limits():
    from pathlib import Path

    from mktsim.scenario.yamlio import parse_yaml

    text = (Path(__file__).parents[1] / "scenarios" / "smart_band.yaml").read_text("utf-8")
    _data, locations = parse_yaml(text, "smart_band.yaml")
    assert len(locations) < MAX_VALUES / 10
