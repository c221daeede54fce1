"""`--set dotted.path=value` overrides, applied to the raw data before validation."""

from __future__ import annotations

import re
from typing import Any

from ..i18n import _
from .errors import Problem, ScenarioError
from .yamlio import parse_yaml

_PATH = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.([A-Za-z0-9_]+))*$")
SOURCE = "command line"


def parse_override(text: str) -> tuple[tuple[str | int, ...], Any]:
    """Split `path=value` and read the value as a YAML scalar (number, date, text...)."""
    key, sep, value = text.partition("=")
    key = key.strip()
    if not sep or not _PATH.match(key):
        raise ScenarioError(
            [
                Problem(
                    SOURCE,
                    None,
                    f"--set {text}",
                    _("expected --set dotted.path=value"),
                    _("for example --set channels.kol.cost.cpm=45"),
                )
            ]
        )
    parsed, _locs = parse_yaml(value if value.strip() else "''", SOURCE)
    if isinstance(parsed, dict | list):
        raise ScenarioError(
            [Problem(SOURCE, None, f"--set {key}", _("the value must be a single value"))]
        )
    path = tuple(int(p) if p.isdigit() else p for p in key.split("."))
    return path, parsed


def apply_overrides(data: Any, overrides: list[str]
                    ) -> tuple[Any, dict[tuple[str | int, ...], str]]:
    """Apply each override in order; return the new data and {path set: override text}."""
    touched: dict[tuple[str | int, ...], str] = {}
    for text in overrides:
        path, value = parse_override(text)
        _set(data, path, value, text)
        touched[path] = text
    return data, touched


def replaced(data: Any, dotted: str, value: Any) -> Any:
    """A copy of `data` with `value` at a dotted path; only the containers along the path
    are copied, the rest is shared (the input is not changed)."""
    path = tuple(int(p) if p.isdigit() else p for p in dotted.split("."))
    return _replaced(data, path, value, dotted)


def _replaced(node: Any, path: tuple[str | int, ...], value: Any, dotted: str) -> Any:
    if not path:
        return value
    head, rest = path[0], path[1:]
    if isinstance(node, dict):
        out = dict(node)
        out[str(head)] = _replaced(node.get(str(head), {}), rest, value, dotted)
        return out
    if isinstance(node, list) and isinstance(head, int) and head < len(node):
        items = list(node)
        items[head] = _replaced(node[head], rest, value, dotted)
        return items
    _fail(path, f"{dotted}={value}")


def without(data: Any, loc: tuple[str | int, ...]) -> Any:
    """A copy of `data` with the mapping key at `loc` removed (containers along the path
    copied), or None when `loc` is not a key of a mapping."""
    if not loc:
        return None
    head, rest = loc[0], loc[1:]
    if isinstance(data, dict) and str(head) in data:
        out = dict(data)
        if not rest:
            del out[str(head)]
            return out
        inner = without(data[str(head)], rest)
        if inner is None:
            return None
        out[str(head)] = inner
        return out
    if isinstance(data, list) and isinstance(head, int) and head < len(data) and rest:
        inner = without(data[head], rest)
        if inner is None:
            return None
        items = list(data)
        items[head] = inner
        return items
    return None


def _set(data: Any, path: tuple[str | int, ...], value: Any, text: str) -> None:
    node = data
    for i, part in enumerate(path[:-1]):
        node = _child(node, part, path[: i + 1], text)
    last = path[-1]
    if isinstance(node, list) and isinstance(last, int) and last < len(node):
        node[last] = value
    elif isinstance(node, dict):
        node[str(last)] = value
    else:
        _fail(path, text)


def _child(node: Any, part: str | int, where: tuple[str | int, ...], text: str) -> Any:
    if isinstance(node, dict):
        return node.setdefault(str(part), {})
    if isinstance(node, list) and isinstance(part, int) and part < len(node):
        return node[part]
    _fail(where, text)


def _fail(path: tuple[str | int, ...], text: str) -> None:
    where = ".".join(str(p) for p in path)
    raise ScenarioError(
        [Problem(SOURCE, None, f"--set {text}",
                 _("'{where}' is not a section or list item").format(where=where))]
    )


def without_drawn(data: Any, paths: list[str]) -> tuple[Any, dict[str, Any]]:
    """`data` without the `uncertainties:` entries on `paths` (dotted), and those entries:
    a value fixed on the command line or by a sweep point is not drawn again."""
    drawn = data.get("uncertainties") if isinstance(data, dict) else None
    if not isinstance(drawn, dict):
        return data, {}
    fixed = set(paths)
    dropped = {key: spec for key, spec in drawn.items() if str(key) in fixed}
    if not dropped:
        return data, {}
    out = dict(data)
    out["uncertainties"] = {k: v for k, v in drawn.items() if k not in dropped}
    return out, dropped
