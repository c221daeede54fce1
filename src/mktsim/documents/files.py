"""Writing documents and tables so that a reader never sees a file half-written."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_atomic(path: Path, data: bytes | str) -> None:
    """Write a file so that a reader never sees it half-written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = data.encode() if isinstance(data, str) else data
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(payload)
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise written_to(exc, path) from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def written_to(exc: OSError, path: Path) -> OSError:
    """The error of writing `path`, naming it (not an internal temporary file)."""
    return OSError(exc.errno, f"cannot write {path.name} in {path.parent}: "
                   f"{exc.strerror or exc}", str(path))
