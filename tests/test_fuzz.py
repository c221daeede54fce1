"""Seeded mutations of the shipped scenarios (lines dropped, files truncated, values
replaced by hostile ones, indentation broken): every one is either a valid scenario or a
ScenarioError with problems that name the file; nothing else escapes."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from click.testing import CliRunner

from mktsim.cli import main
from mktsim.scenario.errors import ScenarioError
from mktsim.scenario.load import load_text

ROOT = Path(__file__).parents[1] / "scenarios"
SOURCES = sorted(ROOT.rglob("*.yaml"))
HOSTILE = ["true", "false", "null", "~", '"２７"', "-1", "1e308", "-1e308", "nan", ".inf",
           "[]", "{}", "[1, [2, [3]]]", "'30%'", "2027-02-30", "!!python/object:os.system",
           "*alias", "&anchor x", "'" + "x" * 300 + "'", "0x1F", "1_000_000_000_000_000_000",
           "-0", '""', "{a: {b: {c: {d: 1}}}}", "|\n  block"]
MUTATIONS_PER_FILE = 80


def _mutate(text: str, rng: random.Random) -> str:
    lines = text.splitlines()
    kind = rng.randrange(6)
    i = rng.randrange(len(lines))
    if kind == 0:  # drop a line
        del lines[i]
    elif kind == 1:  # truncate the file
        return text[: rng.randrange(len(text))]
    elif kind == 2 and ":" in lines[i]:  # replace a value by a hostile one
        key = lines[i].split(":", 1)[0]
        lines[i] = f"{key}: {rng.choice(HOSTILE)}"
    elif kind == 3:  # break the indentation
        lines[i] = " " * rng.randrange(1, 5) + lines[i]
    elif kind == 4:  # duplicate a line
        lines.insert(i, lines[i])
    else:  # swap two lines
        j = rng.randrange(len(lines))
        lines[i], lines[j] = lines[j], lines[i]
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.name)
def test_mutated_scenarios_are_valid_or_refused_with_problems(source):
    rng = random.Random(f"mktsim-fuzz-{source.name}")
    text = source.read_text(encoding="utf-8")
    outcomes = {"valid": 0, "refused": 0}
    for n in range(MUTATIONS_PER_FILE):
        mutated = _mutate(text, rng)
        for _ in range(rng.randrange(3)):  # sometimes several mutations at once
            mutated = _mutate(mutated, rng) if mutated.strip() else mutated
        try:
            load_text(mutated, "mutated.yaml")
        except ScenarioError as exc:
            assert exc.problems, f"mutation {n}: a ScenarioError without problems"
            assert all(p.file in ("mutated.yaml", "command line") for p in exc.problems)
            assert all(p.message for p in exc.problems)
            outcomes["refused"] += 1
        else:
            outcomes["valid"] += 1
    assert outcomes["refused"] > 0


def test_mutated_scenarios_through_the_cli_exit_0_or_2(tmp_path):
    rng = random.Random("mktsim-fuzz-cli")
    text = (ROOT / "smart_band.yaml").read_text(encoding="utf-8")
    runner = CliRunner()
    for n in range(30):
        path = tmp_path / f"m{n}.yaml"
        path.write_text(_mutate(text, rng), encoding="utf-8")
        result = runner.invoke(main, ["validate", str(path)])
        assert result.exit_code in (0, 2), (n, result.output)
        assert "Traceback" not in result.output
        assert result.exception is None or isinstance(result.exception, SystemExit)
