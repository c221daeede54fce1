"""Shared pieces of the command line: options (as decorators), error handling, progress,
safe writes."""

from __future__ import annotations

import atexit
import functools
import gc
import os
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any, NoReturn, TypeVar

import click

from ..i18n import _, set_language

F = TypeVar("F", bound=Callable[..., Any])


class InputError(click.ClickException):
    """Bad input from the user: printed as a message, exit code 2, no traceback."""

    exit_code = 2

    def show(self, file: Any = None) -> None:
        """Print the message to stderr."""
        click.echo(_("error: {message}").format(message=self.format_message()), err=True)


SCENARIO = click.argument("scenario", type=click.Path(dir_okay=False, path_type=Path))
SEED = click.option("--seed", type=click.IntRange(0), help="Root seed (default: the scenario's).")


def workers_option(default: int, zero: str = "all cores") -> Callable[[F], F]:
    """`--workers/-w N` (0 = `zero`)."""
    return click.option("--workers", "-w", type=click.IntRange(0, 512), default=default,
                        show_default=True,
                        help=f"Worker processes (0 = {zero}). Results do not depend on it.")


def _scheduler_address(ctx: click.Context, param: click.Parameter, value: str | None
                       ) -> str | None:
    """--scheduler checked as tcp://HOST:PORT before anything runs."""
    if value is None:
        return None
    from ..engine.workers import SchedulerError, check_scheduler

    try:
        return check_scheduler(value)
    except SchedulerError as exc:
        raise InputError(_("--scheduler: {problem}").format(problem=exc)) from None


def executor_options(func: F) -> F:
    """`--dask` (a LocalCluster of --workers processes) and `--scheduler tcp://HOST:PORT`
    (a running Dask cluster); the command gets `executor` ("local" or "dask") and
    `scheduler`."""

    @functools.wraps(func)
    def wrapper(*args: Any, use_dask: bool, scheduler: str | None, **kwargs: Any) -> Any:
        executor = "dask" if use_dask or scheduler is not None else "local"
        return func(*args, executor=executor, scheduler=scheduler, **kwargs)

    wrapper = click.option(
        "--scheduler", metavar="tcp://HOST:PORT", callback=_scheduler_address,
        help="Run on the Dask cluster at this scheduler address (the cluster's workers, "
             "not --workers). Same numbers as local workers.")(wrapper)
    wrapper = click.option(
        "--dask", "use_dask", is_flag=True,
        help="Run on a local Dask cluster of --workers processes.")(wrapper)
    return wrapper  # type: ignore[return-value]


def report_option(where: str) -> Callable[[F], F]:
    """`--report md,html,xlsx` into the results folder named by `where`."""
    return click.option("--report", "report_formats", metavar="FORMATS",
                        help=f"Also write a report into {where}: md,html,xlsx.")


def workers(n: int) -> int:
    """0 -> every core."""
    from ..engine.montecarlo import default_workers

    return n or default_workers()


#: Whether this process has paused the collector for its start-up already.
_STARTED: list[bool] = []


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cycle collector off while the API is imported and the file validated, the
    first time in a process; then what was made (modules, classes, schemas, the scenario:
    alive until the process ends) is kept out of every later collection (`gc.freeze`) and
    the collector is on again, whatever happens. The collections during the run (numba
    loading its registries, the replications) then no longer walk the start-up's objects:
    `run -n 20 -w 1` takes about 0.2 s less CPU (2.03-2.14 s against 2.20-2.41 s), and
    forked workers do not touch those objects' pages. A process that calls the commands
    again (tests) freezes only once."""
    if _STARTED:
        yield
        return
    _STARTED.append(True)
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if was_on:
            gc.enable()


def load_scenario(path: Path, overrides: tuple[str, ...] | list[str]) -> Any:
    """`mktsim.load`, with the scenario's lint warnings printed to stderr."""
    with collector_paused():
        import mktsim

        scenario = mktsim.load(path, list(overrides))
    print_warnings(scenario.loaded.warnings)
    return scenario


def report_formats(text: str | None, out: Path | None, option: str) -> list[str]:
    """Checked report formats (before anything runs); they need a results folder."""
    if text is None:
        return []
    from ..report import ReportError, check_formats

    try:
        formats = check_formats(text)
    except ReportError as exc:
        raise InputError(_("--report: {problem}").format(problem=exc)) from None
    if out is None:
        raise InputError(_("--report needs {option} DIR to write the report into")
                         .format(option=option))
    return formats


def one_line(exc: Exception) -> InputError:
    """A scenario error with one problem as a one-line message."""
    from ..scenario.errors import ScenarioError

    if isinstance(exc, ScenarioError) and len(exc.problems) == 1:
        return InputError(exc.problems[0].render())
    return InputError(str(exc))


def set_option(func: F) -> F:
    """`--set path=value`, repeatable."""
    return click.option(
        "--set", "overrides", multiple=True, metavar="PATH=VALUE",
        help="Override a scenario value, e.g. --set channels.kol.cost.cpm=45 (repeatable).",
    )(func)


def user_errors(func: F) -> F:
    """Turn scenario errors, unreadable result documents and rules that fail during a run
    into InputError (exit 2, one message)."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from ..documents.base import DocumentError
        from ..documents.staging import staged_outputs
        from ..engine.workers import SchedulerError
        from ..rules.review import RuleRuntimeError
        from ..rules.rivals import ReactionError
        from ..scenario.errors import ScenarioError

        try:
            with staged_outputs():  # every output moved into place only at success
                return func(*args, **kwargs)
        except (ScenarioError, RuleRuntimeError, ReactionError, DocumentError,
                SchedulerError) as exc:
            raise InputError(str(exc)) from None
        except OSError as exc:  # a folder or file that cannot be written or read
            text = str(exc.strerror or exc)
            where = f": {exc.filename}" if exc.filename and "cannot write" not in text else ""
            raise InputError(f"{text}{where}") from None
        except KeyboardInterrupt:
            click.echo(_("interrupted"), err=True)
            sys.exit(130)

    return wrapper  # type: ignore[return-value]


def exit_now(code: object) -> NoReturn:
    """End the process as Python ends it on `SystemExit(code)` (non-daemon threads waited
    for, `atexit` functions run, the standard streams flushed, exit status 120 when they
    cannot be), but without tearing the interpreter down: freeing every module and object
    one by one took about 0.1 s of CPU after `run`, whose process holds numba's, pydantic's
    and the scenario's hundreds of thousands of objects. Nothing is left to finish then:
    the commands close what they write and move their outputs into place before they
    return. Where Python's finalization steps cannot be called, a plain `sys.exit`."""
    status = 0 if code is None else code if isinstance(code, int) else 1
    if not isinstance(code, int | None):
        print(code, file=sys.stderr)
    wait_for_threads = getattr(threading, "_shutdown", None)
    run_exit_functions = getattr(atexit, "_run_exitfuncs", None)
    if wait_for_threads is None or run_exit_functions is None:
        sys.exit(status)
    wait_for_threads()
    run_exit_functions()
    for stream in (sys.stdout, sys.stderr):
        try:
            if stream is not None:
                stream.flush()
        except (OSError, ValueError):
            status = status or 120
    os._exit(status)


def print_warnings(warnings: list[Any]) -> None:
    """Lint warnings to stderr, one line each."""
    for w in warnings:
        click.echo(_("warning: {message}").format(message=w.render()), err=True)


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


def check_out_dir(out: Path | None, option: str = "--out") -> None:
    """`--out` must be a folder we can write into, or one we can create (checked before
    any work, without creating anything)."""
    if out is None:
        return
    if out.exists() and not out.is_dir():
        raise InputError(_("{option} {path}: exists and is not a folder; name a folder")
                         .format(option=option, path=out))
    check_writable(out, option)


def check_writable(path: Path, option: str) -> None:
    """The nearest existing folder of `path` must be a folder we may write in."""
    existing = path.absolute()
    if existing.is_file():
        existing = existing.parent  # an earlier output, replaced
    while not existing.exists():
        existing = existing.parent
    if not existing.is_dir():
        raise InputError(_("{option} {path}: {existing} is a file, not a folder")
                         .format(option=option, path=path, existing=existing))
    if not os.access(existing, os.W_OK | os.X_OK):
        raise InputError(_("{option} {path}: cannot write in {existing}")
                         .format(option=option, path=path, existing=existing))


LANG_META = "mktsim_lang"


def _lang_callback(ctx: click.Context, param: click.Parameter, value: str | None) -> None:
    """Set the language of everything the command prints: `--lang`, else the one given to
    `mktsim --lang`, else MKTSIM_LANG, the locale, English."""
    if value is not None:
        ctx.meta[LANG_META] = value
    elif ctx.parent is None:
        ctx.meta.pop(LANG_META, None)
    set_language(ctx.meta.get(LANG_META))


def lang_option() -> click.Option:
    """`--lang en|zh` (eager, so errors of the other options are already in the language)."""
    return click.Option(["--lang"], type=click.Choice(["en", "zh"], case_sensitive=False),
                        callback=_lang_callback, expose_value=False, is_eager=True,
                        help="Language of tables, messages and reports (default: "
                             "MKTSIM_LANG, else the locale, else en).")


def write_atomic(path: Path, data: bytes | str) -> None:
    """Write a file so that a reader never sees it half-written."""
    from ..documents.files import write_atomic as write

    write(path, data)


class Bars:
    """Progress bars that open on their first step, one at a time (the tracking's, then
    the re-optimisation's): a context manager that closes the last one."""

    def __init__(self) -> None:
        self._open: ExitStack | None = None
        self._showing: object = None
        self._advance: Callable[[int], None] = lambda n: None

    def __enter__(self) -> Bars:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def bar(self, total: int, label: Callable[[], str], enabled: bool = True
            ) -> Callable[[int], None]:
        """The progress callback of a bar of `total` steps, labelled `label()` when it
        opens (closing the bar open before it)."""
        key = object()

        def advance(n: int) -> None:
            if self._showing is not key:
                self.close()
                self._open = ExitStack()
                self._advance = self._open.enter_context(progress_bar(total, label(), enabled))
                self._showing = key
            self._advance(n)

        return advance

    def close(self) -> None:
        """Close the bar that is open, if any."""
        if self._open is not None:
            self._open.close()
        self._open, self._showing = None, None
