"""Shared pieces of the command line: options, error handling, progress, safe writes."""

from __future__ import annotations

import functools
import os
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])


class InputError(click.ClickException):
    """Bad input from the user: printed as a message, exit code 2, no traceback."""

    exit_code = 2

    def show(self, file: Any = None) -> None:
        """Print the message to stderr."""
        click.echo(f"error: {self.format_message()}", err=True)


def set_option(func: F) -> F:
    """`--set path=value`, repeatable."""
    return click.option(
        "--set", "overrides", multiple=True, metavar="PATH=VALUE",
        help="Override a scenario value, e.g. --set channels.kol.cost.cpm=45 (repeatable).",
    )(func)


def user_errors(func: F) -> F:
    """Turn scenario errors and rules that fail during a run into InputError (exit 2,
    one message)."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from .rules.review import RuleRuntimeError
        from .scenario.errors import ScenarioError

        try:
            return func(*args, **kwargs)
        except (ScenarioError, RuleRuntimeError) as exc:
            raise InputError(str(exc)) from None
        except OSError as exc:  # a folder or file that cannot be written or read
            where = f": {exc.filename}" if exc.filename else ""
            raise InputError(f"{exc.strerror or exc}{where}") from None
        except KeyboardInterrupt:
            click.echo("interrupted", err=True)
            sys.exit(130)

    return wrapper  # type: ignore[return-value]


def print_warnings(warnings: list[Any]) -> None:
    """Lint warnings to stderr, one line each."""
    for w in warnings:
        click.echo(f"warning: {w.render()}", err=True)


@contextmanager
def progress_bar(total: int, label: str, enabled: bool = True) -> Iterator[Callable[[int], None]]:
    """A rich progress bar on stderr (only when stderr is a terminal and enabled)."""
    if not enabled or not sys.stderr.isatty():
        yield lambda n: None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    with Progress("[progress.description]{task.description}", BarColumn(),
                  MofNCompleteColumn(), TimeRemainingColumn(),
                  console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task(label, total=total)
        yield lambda n: bar.advance(task, n)


def write_atomic(path: Path, data: bytes | str) -> None:
    """Write a file so that a reader never sees it half-written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = data.encode() if isinstance(data, str) else data
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(payload)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def check_out_dir(out: Path | None, option: str = "--out") -> None:
    """`--out` must be a folder we can write into, or one we can create (checked before
    any work, without creating anything)."""
    if out is None:
        return
    if out.exists() and not out.is_dir():
        raise InputError(f"{option} {out}: exists and is not a folder; name a folder")
    check_writable(out, option)


def check_writable(path: Path, option: str) -> None:
    """The nearest existing folder of `path` must be a folder we may write in."""
    existing = path.absolute()
    while not existing.exists():
        existing = existing.parent
    if not existing.is_dir():
        raise InputError(f"{option} {path}: {existing} is a file, not a folder")
    if not os.access(existing, os.W_OK | os.X_OK):
        raise InputError(f"{option} {path}: cannot write in {existing}")
