"""What every document shares: strict JSON values and a reader that names its file."""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np


class DocumentError(ValueError):
    """A result document that cannot be read: names the file and the key."""


def clean(value: Any) -> Any:
    """Strict JSON: NaN/inf -> None, numpy scalars and arrays -> Python, dates -> ISO text,
    recursively."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, np.floating | np.integer | np.bool_):
        return clean(value.item())
    if isinstance(value, dict):
        return {str(k): clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [clean(v) for v in value]
    if isinstance(value, np.ndarray):
        if value.dtype.kind in "iub" or (value.dtype.kind == "f" and np.isfinite(value).all()):
            return value.tolist()  # nothing to clean: Python numbers, nested as the array
        return [clean(v) for v in value.tolist()]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


class Reader:
    """Helpers that read typed values from one JSON document, naming it in errors."""

    def __init__(self, filename: str) -> None:
        self.filename = filename

    def fail(self, what: str) -> DocumentError:
        """Build an error that names the file."""
        return DocumentError(f"{self.filename}: {what}")

    def require(self, obj: Mapping[str, Any], key: str, where: str = "") -> Any:
        """Return ``obj[key]`` or raise naming the missing key."""
        if not isinstance(obj, Mapping):
            raise self.fail(f"{where or 'document'} must be an object")
        if key not in obj:
            place = f" in {where}" if where else ""
            raise self.fail(f"missing key '{key}'{place}")
        return obj[key]

    def number(self, value: Any, where: str, optional: bool = False) -> float | None:
        """Convert to float; ``None`` allowed only when ``optional``."""
        if value is None and optional:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.fail(f"{where} must be a number, got {value!r}")
        return float(value)

    def real(self, value: Any, where: str) -> float:
        """Convert to float, refusing ``None``."""
        result = self.number(value, where)
        assert result is not None
        return result

    def flag(self, value: Any, where: str, default: bool = False) -> bool:
        """A JSON true/false (`default` when absent: None); any other value refused."""
        if value is None:
            return default
        if not isinstance(value, bool):
            raise self.fail(f"{where} must be true or false, got {value!r}")
        return value

    def count(self, value: Any, where: str, optional: bool = False) -> int:
        """A whole number 0 or more (0 when absent and `optional`)."""
        if value is None and optional:
            return 0
        number = self.number(value, where)
        if number is None or not number.is_integer() or number < 0:
            raise self.fail(f"{where} must be a whole number 0 or more, got {value!r}")
        return int(number)

    def day(self, value: Any, where: str) -> dt.date:
        """Parse an ISO date (YYYY-MM-DD)."""
        try:
            return dt.date.fromisoformat(str(value)[:10])
        except ValueError:
            raise self.fail(f"{where} must be a date YYYY-MM-DD, got {value!r}") from None

    def mapping(self, value: Any, where: str) -> dict[str, Any]:
        """Check that ``value`` is a JSON object."""
        if not isinstance(value, Mapping):
            raise self.fail(f"{where} must be an object")
        return dict(value)

    def listing(self, value: Any, where: str) -> list[Any]:
        """Check that ``value`` is a JSON array."""
        if not isinstance(value, list):
            raise self.fail(f"{where} must be a list")
        return value

    def interval(self, raw: Any, where: str) -> tuple[float, float] | None:
        """``[low, high]`` (or None)."""
        if raw is None:
            return None
        pair = self.listing(raw, where)
        if len(pair) != 2:
            raise self.fail(f"{where} must be [low, high]")
        return (self.real(pair[0], f"{where}[0]"), self.real(pair[1], f"{where}[1]"))


def read_json(path: Path, kind: str) -> dict[str, Any]:
    """Read one JSON document and check its ``kind``."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise DocumentError(f"{path.name}: cannot be read ({exc.strerror or exc})") from None
    except UnicodeDecodeError:
        raise DocumentError(f"{path.name}: is not UTF-8 text") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise DocumentError(
            f"{path.name}: malformed JSON at line {exc.lineno} column {exc.colno}: {exc.msg}"
        ) from None
    if not isinstance(data, dict):
        raise DocumentError(f"{path.name}: must hold a JSON object")
    found = data.get("kind")
    if found is not None and found != kind:
        raise DocumentError(f"{path.name}: 'kind' is {found!r}, expected {kind!r}")
    return data
