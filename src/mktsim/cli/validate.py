"""`mktsim validate`: every problem at once, errors and SMART warnings."""

from __future__ import annotations

import json
from pathlib import Path

import click

from ..i18n import _, ngettext
from ..scenario.errors import Problem, ScenarioError, severity_word


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
        click.echo(_("{path}: valid: {strategies} strategies, {channels} channels, "
                     "{targets} targets, {warnings} warnings").format(
                         path=path, strategies=len(spec.strategies),
                         channels=len(spec.channels), targets=len(spec.targets),
                         warnings=len(loaded.warnings)))
    return 0


def _print(problems: list[Problem], fmt: str, ok: bool) -> None:
    if fmt == "json":
        click.echo(json.dumps({"valid": ok, "problems": [
            {"file": p.file, "line": p.line, "field": p.where, "message": p.message,
             "hint": p.hint, "severity": p.severity} for p in problems]}, indent=2))
        return
    for p in problems:
        click.echo(_("{severity}: {problem}").format(severity=severity_word(p.severity),
                                                     problem=p.render()), err=not ok)
    if not ok:
        n = len(problems)
        click.echo(ngettext("{n} problem: the scenario cannot be run",
                            "{n} problems: the scenario cannot be run", n).format(n=n),
                   err=True)
