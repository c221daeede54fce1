"""JSON text of a document, exactly as `json.dumps(value, indent=indent)` writes it, faster.

`json.dumps` with an indent runs the standard library's pure-Python encoder, one generator
step per value: a run document's daily series (hundreds of days, four quantiles of some
forty KPIs) takes it about half a second. `dumps` writes the same characters (same
separators, `ensure_ascii`, NaN and infinity spelled as `json` does, floats by
`float.__repr__`) with one string join per list and per mapping, and no third-party
library: orjson and the like format floats differently (`1e16` rather than `1e+16`) and
indent only by two spaces, so the files would change. Values it does not know (what
`json.dumps` would need a `default` for) go to `json.dumps`, which raises as before.
"""

from __future__ import annotations

import json
from json.encoder import encode_basestring_ascii as _string
from typing import Any

_INFINITY = float("inf")


class _Unknown(TypeError):
    """A value json cannot write without a `default`."""


def dumps(value: Any, indent: int = 1) -> str:
    """`json.dumps(value, indent=indent)`, character for character."""
    try:
        return _text(value, "\n", "\n" + " " * indent)
    except _Unknown:
        return json.dumps(value, indent=indent)


def _float(value: float) -> str:
    if value != value:
        return "NaN"
    if value == _INFINITY:
        return "Infinity"
    if value == -_INFINITY:
        return "-Infinity"
    return float.__repr__(value)


def _text(value: Any, pad: str, step: str) -> str:
    """`value` written at the nesting whose line break and indent is `pad`; `step` is a
    line break and one level of indent."""
    kind = type(value)
    if kind is float:
        return _float(value)
    if kind is str:
        return _string(value)
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if kind is int:
        return int.__repr__(value)
    if kind is list or kind is tuple:
        return _list(value, pad, step)
    if kind is dict:
        return _dict(value, pad, step)
    return _subclass(value, pad, step)


def _subclass(value: Any, pad: str, step: str) -> str:
    """Values of subclasses of the JSON types (numpy floats, enums), as json tests them."""
    if isinstance(value, str):
        return _string(value)
    if isinstance(value, int):
        return int.__repr__(value)
    if isinstance(value, float):
        return _float(value)
    if isinstance(value, list | tuple):
        return _list(value, pad, step)
    if isinstance(value, dict):
        return _dict(value, pad, step)
    raise _Unknown(type(value).__name__)


def _list(items: Any, pad: str, step: str) -> str:
    if not items:
        return "[]"
    inner = pad + step[1:]
    return "[" + inner + ("," + inner).join([_text(v, inner, step) for v in items]) + pad + "]"


def _dict(mapping: dict[Any, Any], pad: str, step: str) -> str:
    if not mapping:
        return "{}"
    inner = pad + step[1:]
    parts = [_string(_key(k)) + ": " + _text(v, inner, step) for k, v in mapping.items()]
    return "{" + inner + ("," + inner).join(parts) + pad + "}"


def _key(key: Any) -> str:
    """A mapping key as json turns it into text."""
    if isinstance(key, str):
        return key
    if isinstance(key, float):
        return _float(key)
    if key is True:
        return "true"
    if key is False:
        return "false"
    if key is None:
        return "null"
    if isinstance(key, int):
        return int.__repr__(key)
    raise _Unknown(type(key).__name__)
