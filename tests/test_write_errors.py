"""Write errors name the file and the folder the user gave, never an internal temporary
file alone (a full disk is simulated by failing the real write with ENOSPC)."""

from __future__ import annotations

import errno
import os

from click.testing import CliRunner

from mktsim.cli import main
from mktsim.documents.files import write_atomic


class _FullDisk:
    """A file object whose writes fail as on a full disk."""

    def __init__(self, fd: int) -> None:
        self.fd = fd

    def __enter__(self) -> _FullDisk:
        return self

    def __exit__(self, *exc: object) -> None:
        os.close(self.fd)

    def write(self, data: bytes) -> int:
        raise OSError(errno.ENOSPC, "No space left on device")


def test_write_error_names_the_file_and_folder(tmp_path, monkeypatch):
    target = tmp_path / "results" / "run.json"
    monkeypatch.setattr(os, "fdopen", lambda fd, mode: _FullDisk(fd))
    try:
        write_atomic(target, "{}")
    except OSError as exc:
        text = str(exc.strerror)
        assert "No space left on device" in text
        assert "run.json" in text and str(target.parent) in text
        assert exc.filename == str(target)
    else:
        raise AssertionError("the write did not fail")
    assert list(target.parent.iterdir()) == []  # no temporary file left behind


def test_cli_write_error_is_one_line_naming_the_folder(tiny_scenario_path, tmp_path,
                                                       monkeypatch):
    out = tmp_path / "out"
    monkeypatch.setattr(os, "fdopen", lambda fd, mode: _FullDisk(fd))
    result = CliRunner().invoke(main, ["run", str(tiny_scenario_path), "-n", "2",
                                       "--out", str(out)])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert "No space left on device" in result.output
    assert str(out) in result.output
    assert ".tmp" not in result.output and "/." not in result.output
