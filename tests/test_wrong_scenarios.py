"""Deliberately wrong scenarios: each file says in its header what must be reported.

Header directives (comment lines at the top of each file in `tests/wrong_scenarios/`):

- ``# expect: TEXT``: a problem whose rendered line contains TEXT must be reported;
- ``# line: N`` (after an expect): that problem is reported at line N;
- ``# reject: TEXT``: no rendered problem may contain TEXT;
- ``# max_seconds: S``: loading must fail within S seconds (default 5);
- ``# xfail: REASON``: the loader does not yet report this as it should.

All ``expect`` lines of a file must be reported by one load, at once.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from click.testing import CliRunner

from mktsim.cli import main
from mktsim.scenario.errors import ScenarioError
from mktsim.scenario.load import load_spec

FOLDER = Path(__file__).parent / "wrong_scenarios"
DIRECTIVE = re.compile(r"^#\s*(expect|line|reject|max_seconds|xfail):\s*(.*?)\s*$")


@dataclass
class Expectation:
    """What one wrong file must produce."""

    expects: list[tuple[str, int | None]] = field(default_factory=list)
    rejects: list[str] = field(default_factory=list)
    max_seconds: float = 5.0
    xfail: str | None = None


def read_header(path: Path) -> Expectation:
    """Parse the directives of the file's leading comment block."""
    exp = Expectation()
    for raw in path.read_text(encoding="utf-8").splitlines():
        if not raw.startswith("#"):
            break
        match = DIRECTIVE.match(raw)
        if not match:
            continue
        key, value = match.groups()
        if key == "expect":
            exp.expects.append((value, None))
        elif key == "line":
            assert exp.expects, f"{path.name}: '# line:' before any '# expect:'"
            text, _ = exp.expects[-1]
            exp.expects[-1] = (text, int(value))
        elif key == "reject":
            exp.rejects.append(value)
        elif key == "max_seconds":
            exp.max_seconds = float(value)
        else:
            exp.xfail = value
    return exp


FILES = sorted(FOLDER.glob("*.yaml"))


def _params() -> list[object]:
    out = []
    for path in FILES:
        exp = read_header(path)
        marks = [pytest.mark.xfail(strict=True, reason=exp.xfail)] if exp.xfail else []
        out.append(pytest.param(path, id=path.stem, marks=marks))
    return out


def test_the_folder_covers_enough_mistakes() -> None:
    assert len(FILES) >= 20
    for path in FILES:
        assert read_header(path).expects, f"{path.name} has no '# expect:' line"


@pytest.mark.parametrize("path", _params())
def test_wrong_scenario_is_reported(path: Path) -> None:
    exp = read_header(path)
    began = time.perf_counter()
    with pytest.raises(ScenarioError) as info:
        load_spec(path)
    elapsed = time.perf_counter() - began
    problems = info.value.problems
    rendered = [p.render() for p in problems]
    shown = "\n".join(rendered)
    assert elapsed < exp.max_seconds, f"took {elapsed:.1f} s"
    assert all(p.file == str(path) for p in problems), shown
    assert all(p.severity == "error" for p in problems), shown
    for text, line in exp.expects:
        hits = [p for p, r in zip(problems, rendered, strict=True) if text in r]
        assert hits, f"expected {text!r} in:\n{shown}"
        if line is not None:
            assert line in [p.line for p in hits], f"expected line {line} for {text!r} in:\n{shown}"
    for text in exp.rejects:
        assert not any(text in r for r in rendered), f"did not expect {text!r} in:\n{shown}"
    assert "Traceback" not in str(info.value)


@pytest.mark.parametrize("name", ["unknown_nested_key", "several_cross_problems",
                                  "alias_bomb", "list_not_mapping"])
def test_validate_command_reports_wrong_file(name: str) -> None:
    path = FOLDER / f"{name}.yaml"
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.stderr
    assert result.stdout == ""
    for text, _ in read_header(path).expects:
        assert text in result.stderr
    assert "the scenario cannot be run" in result.stderr


def test_validate_json_lists_every_problem() -> None:
    import json

    path = FOLDER / "several_schema_problems.yaml"
    result = CliRunner().invoke(main, ["validate", str(path), "--format", "json"])
    assert result.exit_code == 2
    doc = json.loads(result.stdout)
    assert doc["valid"] is False
    fields = {p["field"]: p["line"] for p in doc["problems"]}
    assert fields == {"market.size": 12, "channels.social.type": 23, "targets.0.confidence": 35}


def test_run_command_refuses_wrong_file(tmp_path: Path) -> None:
    out = tmp_path / "out"
    path = FOLDER / "allocation_unknown_channel.yaml"
    result = CliRunner().invoke(main, ["run", str(path), "-n", "5", "--out", str(out)])
    assert result.exit_code == 2
    assert result.stderr.startswith("error: ")
    assert "did you mean 'social'?" in result.stderr
    assert "Traceback" not in result.stderr
    assert not out.exists() or not any(out.iterdir())
