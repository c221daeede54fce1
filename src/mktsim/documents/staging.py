"""All-or-nothing output of a command: everything it writes is staged next to its target
and moved into place only when the whole command succeeded.

    with staged_outputs(inputs=[scenario, history]) as stage:
        folder = stage.folder(out)          # a temporary folder beside `out`
        result.save(folder)                 # written there (and read back by reports)
        write_atomic(fitted, text)          # a temporary file beside `fitted`
    # here: every staged file and folder moved into place, or nothing when anything failed

While a stage is active, `documents.files.write_atomic` writes to a temporary file beside
its target (following the umask) and leaves the rename to the stage. A target that is an
input of the command (a file read through `note_input`, or given in `inputs`) or that a
folder stands in the way of is refused when written, before anything is moved; at the end
every target is checked again before the first move. A folder target's entries replace
the files of the same name already there (`--out` replaces its own earlier result).
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from contextvars import ContextVar
from pathlib import Path

from ..i18n import N_, _

_ACTIVE: ContextVar[Staging | None] = ContextVar("mktsim_staging", default=None)


class OutputRefused(OSError):
    """An output that would overwrite an input or that something stands in the way of."""


def umask() -> int:
    """The process's umask (read without changing it for longer than a call)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def open_beside(path: Path) -> tuple[int, Path]:
    """A new temporary file beside `path` (hidden, unique), created with the permissions
    the umask gives a new file; (file descriptor, its path)."""
    for _attempt in range(100):
        tmp = path.parent / f".{path.name}.{secrets.token_hex(4)}.tmp"
        try:
            return os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666), tmp
        except FileExistsError:
            continue
    raise FileExistsError(f"cannot create a temporary file beside {path}")


def same_file(a: Path, b: Path) -> bool:
    """Whether two paths name one file (the same inode, or the same resolved path)."""
    try:
        return os.path.samefile(a, b)
    except OSError:
        return Path(os.path.abspath(a)).resolve() == Path(os.path.abspath(b)).resolve()


def note_input(path: str | Path) -> None:
    """Record a file the running command reads: the active stage refuses to write it."""
    stage = _ACTIVE.get()
    if stage is not None:
        stage.inputs.append(Path(path))


#: the inputs and outputs callers of `refuse_overwrite` name, for the catalog
_NAMES = (N_("scenario"), N_("history"), N_("actuals"), N_("--out (its posterior draws)"))


def refuse_overwrite(outputs: dict[str, Path | None], inputs: dict[str, Path | None]
                     ) -> None:
    """Before any work: no output (`{option: path}`) may be one of the inputs."""
    for option, out in outputs.items():
        for what, given in inputs.items():
            if out is not None and given is not None and same_file(out, given):
                raise OutputRefused(_("{option} {out} would overwrite the {what} {given}, an "
                                      "input of this command; write to another name").format(
                                          option=_(option), out=out, what=_(what),
                                          given=given))


class Staging:
    """The outputs of one command, staged until `commit`."""

    def __init__(self, inputs: Iterable[Path] = ()) -> None:
        self.inputs: list[Path] = list(inputs)
        self.files: dict[Path, Path] = {}  # target -> temporary file beside it
        self.folders: dict[Path, Path] = {}  # target -> temporary folder beside it
        self.created: list[Path] = []  # folders made for the temporaries, outermost first

    def folder(self, target: Path | str | None) -> Path | None:
        """A temporary folder beside `target` whose content replaces target's at commit."""
        if target is None:
            return None
        target = Path(os.path.abspath(target))
        if target in self.folders:
            return self.folders[target]
        if target.exists() and not target.is_dir():
            raise OutputRefused(_("{path} exists and is not a folder; name a folder").format(
                path=target))
        self._make_parents(target)
        tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.staging-", dir=target.parent))
        tmp.chmod(0o777 & ~umask())
        self.folders[target] = tmp
        if target.is_dir():
            _mirror(target, tmp)  # what is there already: read by reports, kept
        return tmp

    def defers(self, path: Path) -> bool:
        """Whether a write of `path` is staged (not one inside a staged folder)."""
        full = Path(os.path.abspath(path))
        return not any(tmp == full or tmp in full.parents for tmp in self.folders.values())

    def final(self, path: Path) -> Path:
        """Where a file written into a staged folder goes at commit (else `path`)."""
        full = Path(os.path.abspath(path))
        for target, tmp in self.folders.items():
            if tmp in full.parents:
                return target / full.relative_to(tmp)
        return Path(path)

    def check_final(self, path: Path) -> None:
        """Refuse now a file written into a staged folder whose place in the target is
        taken by a folder or is an input (the move at commit would fail)."""
        if self.final(path) != Path(path):
            self._check_file_target(self.final(path))

    def write(self, path: Path, payload: bytes) -> None:
        """Stage `payload` for `path`: a temporary file beside it, renamed at commit."""
        target = Path(os.path.abspath(path))
        self._check_file_target(target)
        self._make_parents(target)
        old = self.files.pop(target, None)
        if old is not None:
            old.unlink(missing_ok=True)
        fd, tmp = open_beside(target)
        self.files[target] = tmp
        with os.fdopen(fd, "wb") as fh:
            fh.write(payload)

    def _check_file_target(self, target: Path) -> None:
        if target.is_dir():
            raise OutputRefused(_("cannot write {name} in {folder}: a folder of that name is "
                                  "in the way; move it or write elsewhere").format(
                                      name=target.name, folder=target.parent))
        for given in self.inputs:
            if same_file(target, given):
                raise OutputRefused(_("{path} is an input of this command and would be "
                                      "overwritten; write the output to another name").format(
                                          path=target))

    def _make_parents(self, target: Path) -> None:
        missing = [p for p in reversed(target.parents) if not p.exists()]
        for folder in missing:
            folder.mkdir()
            self.created.append(folder)

    def commit(self) -> None:
        """Check every target, then move every staged file into place."""
        moves = [(tmp, target) for target, tmp in self.files.items()]
        for target, tmp in self.folders.items():
            if target.exists() and not target.is_dir():
                raise OutputRefused(_("{path} exists and is not a folder; name a folder")
                                    .format(path=target))
            moves += [(src, target / src.relative_to(tmp)) for src in _changed(tmp, target)]
        for _src, dest in moves:
            blocked = next((p for p in dest.parents if p.exists() and not p.is_dir()), None)
            if blocked is not None:
                raise OutputRefused(_("cannot write {name} in {folder}: the file {blocked} is "
                                      "in the way; move it or write elsewhere").format(
                                          name=dest.name, folder=dest.parent, blocked=blocked))
            self._check_file_target(dest)
        for src, dest in moves:
            dest.parent.mkdir(parents=True, exist_ok=True)
            os.replace(src, dest)
        self.files.clear()
        self.rollback()  # the temporary folders, with the links of unchanged files

    def rollback(self) -> None:
        """Remove every temporary file and folder, and the folders made for them."""
        for tmp in self.files.values():
            tmp.unlink(missing_ok=True)
        for tmp in self.folders.values():
            shutil.rmtree(tmp, ignore_errors=True)
        for folder in reversed(self.created):
            with contextlib.suppress(OSError):
                folder.rmdir()  # only when empty
        self.files.clear()
        self.folders.clear()
        self.created.clear()


def _mirror(source: Path, copy: Path) -> None:
    """`copy` made to hold `source`'s files as hard links (a copy where links cannot be
    made): the command reads what the folder holds; unchanged files are not moved."""
    for entry in os.scandir(source):
        src, dest = Path(entry.path), copy / entry.name
        if entry.name.startswith(".") and ".staging-" in entry.name:
            continue
        if entry.is_dir(follow_symlinks=False):
            dest.mkdir()
            _mirror(src, dest)
        elif entry.is_file(follow_symlinks=False):
            try:
                os.link(src, dest)
            except OSError:
                shutil.copy2(src, dest)


def _changed(tmp: Path, target: Path) -> list[Path]:
    """Files (and symbolic links) under `tmp` that are not the very file at their place
    under `target`."""
    out = []
    for root, _dirs, names in os.walk(tmp):
        for name in names:
            src = Path(root) / name
            dest = target / src.relative_to(tmp)
            if not (dest.is_file() and os.path.samefile(src, dest)):
                out.append(src)
    return sorted(out)


def active() -> Staging | None:
    """The stage of the running command, if any."""
    return _ACTIVE.get()


def staged_folder(target: Path | None) -> Path | None:
    """Where to write the folder `target` now: its temporary folder under an active stage,
    else `target` itself."""
    stage = _ACTIVE.get()
    return target if stage is None or target is None else stage.folder(target)


@contextlib.contextmanager
def unstaged() -> Iterator[None]:
    """Write directly inside the block (each file still atomically): for a file the same
    command reads back, such as a sweep folder's analyze.json."""
    token = _ACTIVE.set(None)
    try:
        yield
    finally:
        _ACTIVE.reset(token)


def _succeeded(exc: BaseException) -> bool:
    """A command that stopped with exit code 0 (click's Exit, SystemExit(0))."""
    if isinstance(exc, SystemExit):
        return exc.code in (0, None)
    return type(exc).__name__ == "Exit" and getattr(exc, "exit_code", 1) == 0


@contextlib.contextmanager
def staged_outputs(inputs: Iterable[Path | str | None] = ()) -> Iterator[Staging]:
    """Stage every output written inside the block; move them into place at its end when
    it succeeded, remove them all when anything failed. Nested blocks share the stage."""
    given = [Path(p) for p in inputs if p is not None]
    outer = _ACTIVE.get()
    if outer is not None:
        outer.inputs += given
        yield outer
        return
    stage = Staging(given)
    token = _ACTIVE.set(stage)
    try:
        try:
            yield stage
        except BaseException as exc:
            if not _succeeded(exc):
                stage.rollback()
                raise
            _commit(stage)
            raise
        _commit(stage)
    finally:
        _ACTIVE.reset(token)


def _commit(stage: Staging) -> None:
    try:
        stage.commit()
    except BaseException:
        stage.rollback()
        raise
