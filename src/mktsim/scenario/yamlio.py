"""Read YAML into plain Python data plus a map of where each value stands.

Only plain YAML is accepted: mappings, lists, strings, numbers, booleans, dates and null.
Tags (``!!python/...``) are refused, nothing is ever constructed from a tag, and the
number of values is bounded so that aliases cannot blow up memory.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq, TaggedScalar
from ruamel.yaml.constructor import RoundTripConstructor
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from .errors import Problem, ScenarioError

Path_ = tuple[str | int, ...]
Locations = dict[Path_, int]

MAX_BYTES = 5_000_000
MAX_VALUES = 200_000


def read_yaml(path: Path) -> tuple[Any, Locations]:
    """Load a YAML file; return its data and the 1-based line of every value."""
    name = str(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ScenarioError(
            [Problem(name, None, "", f"cannot read the file: {exc.strerror}")]) from None
    if len(raw) > MAX_BYTES:
        raise ScenarioError([Problem(name, None, "", "file is larger than 5 MB")])
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ScenarioError([Problem(name, None, "", "file is not UTF-8 text")]) from None
    return parse_yaml(text, name)


class _Constructor(RoundTripConstructor):
    """Round-trip constructor that keeps dates as text: the schema checks them, so an
    impossible date is reported with its field and line."""


_Constructor.add_constructor("tag:yaml.org,2002:timestamp", _Constructor.construct_yaml_str)

STANDARD_TAGS = {f"tag:yaml.org,2002:{t}" for t in
                 ("map", "seq", "str", "int", "float", "bool", "null", "timestamp")}


def parse_yaml(text: str, name: str) -> tuple[Any, Locations]:
    """Parse YAML text (see `read_yaml`)."""
    yaml = YAML(typ="rt", pure=True)
    yaml.Constructor = _Constructor
    try:
        node = yaml.load(text)
    except MarkedYAMLError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else None
        msg = f"not valid YAML: {exc.problem or exc.context}"
        raise ScenarioError(
            [Problem(name, line, "", msg, "check indentation and quoting")]) from None
    except (YAMLError, RecursionError, ValueError) as exc:
        raise ScenarioError([Problem(name, None, "", f"not valid YAML: {exc}")]) from None
    locations: Locations = {}
    budget = [MAX_VALUES]
    data = _plain(node, (), locations, name, budget, 1)
    return data, locations


def _plain(
    node: Any, path: Path_, locs: Locations, name: str, budget: list[int], line: int
) -> Any:
    budget[0] -= 1
    if budget[0] < 0:
        raise ScenarioError([Problem(name, line, _dotted(path), "too many values (aliases?)")])
    if len(path) > 40:
        raise ScenarioError([Problem(name, line, _dotted(path), "nested too deeply")])
    if isinstance(node, TaggedScalar) or _has_tag(node):
        raise ScenarioError(
            [Problem(name, line, _dotted(path), "YAML tags are not allowed", "remove the '!' tag")]
        )
    if isinstance(node, CommentedMap):
        return _plain_map(node, path, locs, name, budget)
    if isinstance(node, CommentedSeq):
        out = []
        for i, item in enumerate(node):
            item_line = _item_line(node, i, line)
            locs[(*path, i)] = item_line
            out.append(_plain(item, (*path, i), locs, name, budget, item_line))
        return out
    return _scalar(node)


def _plain_map(
    node: CommentedMap, path: Path_, locs: Locations, name: str, budget: list[int]
) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in node.items():
        key_line = node.lc.key(key)[0] + 1
        if not isinstance(key, str | int) or isinstance(key, bool):
            raise ScenarioError(
                [Problem(name, key_line, _dotted(path), f"key {key!r} must be a name")]
            )
        key = str(key)
        locs[(*path, key)] = key_line
        out[key] = _plain(value, (*path, key), locs, name, budget, key_line)
    return out


def _item_line(node: CommentedSeq, i: int, default: int) -> int:
    try:
        return int(node.lc.item(i)[0]) + 1
    except (TypeError, KeyError, IndexError):
        return default


def _has_tag(node: Any) -> bool:
    tag = getattr(node, "tag", None)
    value = getattr(tag, "value", tag)
    return isinstance(value, str) and value not in STANDARD_TAGS


def _scalar(node: Any) -> Any:
    if isinstance(node, bool) or node is None:
        return node
    if isinstance(node, int):
        return int(node)
    if isinstance(node, float):
        return float(node)
    if isinstance(node, dt.datetime):
        return node.date() if node.time() == dt.time() else node
    if isinstance(node, dt.date | str):
        return node if isinstance(node, dt.date) else str(node)
    return str(node)


def _dotted(path: Path_) -> str:
    return ".".join(str(p) for p in path)
