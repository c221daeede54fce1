"""Writing documents and tables so that a reader never sees a file half-written."""

from __future__ import annotations

import json
import math
import os
from pathlib import Path
from typing import Any


def write_atomic(path: Path, data: bytes | str) -> None:
    """Write a file so that a reader never sees it half-written: a temporary file beside
    it (with the permissions the umask gives a new file), renamed over it. Under an active
    `documents.staging` stage the rename waits for the end of the command. A `.json`
    document never holds NaN or Infinity (not JSON): such a number is written as null."""
    from .staging import active, open_beside

    path = Path(path)
    payload = data.encode() if isinstance(data, str) else data
    if path.suffix.lower() == ".json":
        payload = finite_json(payload)
    stage = active()
    shown = path if stage is None else stage.final(path)  # never a temporary folder
    try:
        if stage is not None and stage.defers(path):
            stage.write(path, payload)
            return
        if stage is not None:
            stage.check_final(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = open_beside(path)
    except OSError as exc:
        raise written_to(exc, shown) from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(payload)
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise written_to(exc, shown) from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def finite_json(payload: bytes) -> bytes:
    """A JSON text with every NaN and Infinity replaced by null (unchanged when it has
    none)."""
    if b"NaN" not in payload and b"Infinity" not in payload:
        return payload
    try:
        doc = json.loads(payload, parse_constant=lambda _name: None)
    except ValueError:
        return payload
    return (json.dumps(_finite(doc), indent=1) + "\n").encode()


def finite_text(text: str) -> str:
    """`finite_json` of a str (for JSON printed to stdout)."""
    return finite_json(text.encode()).decode()


def _finite(doc: Any) -> Any:
    if isinstance(doc, float) and not math.isfinite(doc):
        return None
    if isinstance(doc, dict):
        return {k: _finite(v) for k, v in doc.items()}
    if isinstance(doc, list):
        return [_finite(v) for v in doc]
    return doc


def written_to(exc: OSError, path: Path) -> OSError:
    """The error of writing `path`, naming it (not an internal temporary file)."""
    from .staging import OutputRefused

    if isinstance(exc, OutputRefused):
        return exc
    return OSError(exc.errno, f"cannot write {path.name} in {path.parent}: "
                   f"{exc.strerror or exc}", str(path))
