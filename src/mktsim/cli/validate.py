"""`mktsim validate`: every problem at once, errors and SMART warnings."""

from __future__ import annotations

import json
from pathlib import Path

import click

from ..scenario.errors import Problem, ScenarioError


def run_validate(path: Path, overrides: list[str], fmt: str) -> int:
    """Print findings; return the exit code (0 valid, 2 invalid)."""
    import mktsim

    try:
        loaded = mktsim.validate(path, overrides)
    except ScenarioError as exc:
        _print(exc.problems, fmt, ok=False)
        return 2
    spec = loaded.spec
    _print(loaded.warnings, fmt, ok=True)
    if fmt == "text":
        click.echo(f"{path}: valid: {len(spec.strategies)} strategies, {len(spec.channels)} "
                   f"channels, {len(spec.targets)} targets, {len(loaded.warnings)} warnings")
    return 0


def _print(problems: list[Problem], fmt: str, ok: bool) -> None:
    if fmt == "json":
        click.echo(json.dumps({"valid": ok, "problems": [
            {"file": p.file, "line": p.line, "field": p.where, "message": p.message,
             "hint": p.hint, "severity": p.severity} for p in problems]}, indent=2))
        return
    for p in problems:
        click.echo(f"{p.severity}: {p.render()}", err=not ok)
    if not ok:
        n = len(problems)
        click.echo(f"{n} problem{'s' if n != 1 else ''}: the scenario cannot be run", err=True)
