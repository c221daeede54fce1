"""docs/api.md: its notebook example runs, and every command documents an example."""

from __future__ import annotations

import os
import re
from pathlib import Path

import click
import pytest

ROOT = Path(__file__).parents[1]


def _python_blocks(path: Path) -> list[str]:
    return re.findall(r"```python\n(.*?)```", path.read_text(encoding="utf-8"), re.S)


def test_the_notebook_example_of_docs_api_runs(monkeypatch: pytest.MonkeyPatch,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    blocks = _python_blocks(ROOT / "docs" / "api.md")
    assert len(blocks) == 1
    monkeypatch.chdir(ROOT)
    namespace: dict[str, object] = {}
    exec(compile(blocks[0], "docs/api.md", "exec"), namespace)
    out = capsys.readouterr().out
    assert "rows" in out
    rows = namespace["rows"]
    assert len(rows) == 3 * 2  # type: ignore[arg-type]  # points x replications
    assert set(namespace["kpis"]["kpi"]) >= {"revenue", "profit"}  # type: ignore[index]


def test_every_command_has_help_with_an_example() -> None:
    from mktsim.cli import main

    assert isinstance(main, click.Group)
    ctx = click.Context(main)
    for name, command in main.commands.items():
        text = command.get_help(click.Context(command, info_name=name, parent=ctx))
        assert command.help and command.get_short_help_str(), name
        assert "Example:" in text and f"mktsim {name}" in text, name


def test_the_console_script_points_at_the_cli_package() -> None:
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert 'mktsim = "mktsim.cli:entry"' in text
    assert os.path.isfile(ROOT / "src" / "mktsim" / "cli" / "__init__.py")
