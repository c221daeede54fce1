"""Read YAML into plain Python data plus a map of where each value stands.

Only plain YAML is accepted: mappings, lists, strings, numbers, booleans, dates and null.
Tags (``!!python/...``) are refused, nothing is ever constructed from a tag, and the
number of values is bounded so that aliases cannot blow up memory.

A plain, valid file is read by `scenario.yamlfast` (libyaml's parser, in C); any other
file, and every file with an error, by ruamel.yaml's round-trip loader below, which writes
the error messages. Both give the same data and lines.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from pathlib import Path
from typing import Any

from ..documents.staging import note_input
from ..i18n import N_, _
from .errors import Problem, ScenarioError
from .yamlfast import fast_parse

Path_ = tuple[str | int, ...]
Locations = dict[Path_, int]

MAX_BYTES = 5_000_000
MAX_VALUES = 20_000
#: Lines and nesting levels a scenario may have; both are checked while parsing, so a
#: hostile file is refused in a fraction of a second (a real plan has a few hundred lines
#: and fewer than 10 levels).
MAX_LINES = 50_000
MAX_DEPTH = 64
#: Levels of nesting a value may sit under (checked on the data, after parsing).
MAX_PATH = 40
_NESTS = N_("file nests deeper than {depth} levels, more than a scenario may have")
_HOLDS = N_("file holds more than {n:,} values, more than a scenario may have")
_FEW_LINES = N_("a scenario is a few hundred lines of sections and values")


def read_yaml(path: Path) -> tuple[Any, Locations]:
    """Load a YAML file; return its data and the 1-based line of every value."""
    name = str(path)
    note_input(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ScenarioError(
            [Problem(name, None, "", _("cannot read the file: {reason}").format(
                reason=exc.strerror))]) from None
    if len(raw) > MAX_BYTES:
        raise ScenarioError([Problem(name, None, "", _("file is larger than 5 MB"))])
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ScenarioError([Problem(name, None, "", _("file is not UTF-8 text"))]) from None
    return parse_yaml(text, name)


STANDARD_TAGS = {f"tag:yaml.org,2002:{t}" for t in
                 ("map", "seq", "str", "int", "float", "bool", "null", "timestamp")}


class _TooLarge(Exception):
    """The file nests deeper or holds more values than a scenario can."""

    def __init__(self, message: str, line: int | None) -> None:
        super().__init__(message)
        self.line = line


@functools.cache
def _round_trip_classes() -> tuple[type, type]:
    """The round-trip constructor and parser (ruamel.yaml, imported on first use)."""
    from ruamel.yaml.constructor import RoundTripConstructor
    from ruamel.yaml.events import CollectionEndEvent, CollectionStartEvent, NodeEvent
    from ruamel.yaml.parser import RoundTripParser

    class _Constructor(RoundTripConstructor):
        """Round-trip constructor that keeps dates as text: the schema checks them, so an
        impossible date is reported with its field and line."""

    _Constructor.add_constructor("tag:yaml.org,2002:timestamp",
                                 _Constructor.construct_yaml_str)

    class _BoundedParser(RoundTripParser):
        """The round-trip parser, counting nesting and values as events stream past, so
        that a hostile file is refused before it is composed (no deep recursion, no huge
        tree)."""

        depth = 0
        values = 0

        def get_event(self) -> Any:
            event = super().get_event()
            if isinstance(event, CollectionStartEvent):
                self.depth += 1
                if self.depth > MAX_DEPTH:
                    raise _TooLarge(_(_NESTS).format(depth=MAX_DEPTH), _line(event))
            elif isinstance(event, CollectionEndEvent):
                self.depth -= 1
            if isinstance(event, NodeEvent):
                self.values += 1
                if self.values > MAX_VALUES:
                    raise _TooLarge(_(_HOLDS).format(n=MAX_VALUES), _line(event))
            return event

    return _Constructor, _BoundedParser


def _line(event: Any) -> int | None:
    mark = getattr(event, "start_mark", None)
    return mark.line + 1 if mark is not None else None


def _flow_too_deep(text: str) -> int | None:
    """The line where brackets (`[`, `{`) first nest deeper than MAX_DEPTH, or None.
    Brackets inside quoted text count too: a real scenario stays far below the limit."""
    depth = 0
    for match in re.finditer(r"[\[\]{}]", text):
        depth += 1 if match.group() in "[{" else -1
        if depth > MAX_DEPTH:
            return text.count("\n", 0, match.start()) + 1
    return None


def parse_yaml(text: str, name: str) -> tuple[Any, Locations]:
    """Parse YAML text (see `read_yaml`)."""
    lines = text.count("\n") + 1
    brackets = text.count("[") + text.count("{")
    if text.count(",") > MAX_VALUES or brackets > MAX_VALUES:
        raise ScenarioError([Problem(name, None, "", _(_HOLDS).format(n=MAX_VALUES),
                                     _(_FEW_LINES))])
    deep = _flow_too_deep(text)
    if deep is not None:
        raise ScenarioError([Problem(name, deep, "", _(_NESTS).format(depth=MAX_DEPTH),
                                     _(_FEW_LINES))])
    if lines > MAX_LINES:
        raise ScenarioError([Problem(name, None, "",
                                     _("file has {lines:,} lines, more than a scenario may "
                                       "have ({limit:,})").format(lines=lines,
                                                                  limit=MAX_LINES),
                                     _("split long lists into a design or history file"))])
    plain = fast_parse(text, MAX_VALUES, min(MAX_DEPTH, MAX_PATH))
    if plain is not None:
        return plain
    return _round_trip(text, name)


def _round_trip(text: str, name: str) -> tuple[Any, Locations]:
    """Parse with ruamel.yaml's round-trip loader: every file the fast path leaves, and
    the messages of every error."""
    from ruamel.yaml import YAML
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    yaml = YAML(typ="rt", pure=True)
    yaml.Constructor, yaml.Parser = _round_trip_classes()
    try:
        node = yaml.load(text)
    except _TooLarge as exc:
        raise ScenarioError([Problem(name, exc.line, "", str(exc),
                                     _(_FEW_LINES))]) from None
    except MarkedYAMLError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else None
        msg = _("not valid YAML: {problem}").format(problem=exc.problem or exc.context)
        raise ScenarioError(
            [Problem(name, line, "", msg, _("check indentation and quoting"))]) from None
    except (YAMLError, RecursionError, ValueError) as exc:
        raise ScenarioError([Problem(name, None, "", _("not valid YAML: {problem}").format(
            problem=exc))]) from None
    locations: Locations = {}
    budget = [MAX_VALUES]
    data = _plain(node, (), locations, name, budget, 1)
    return data, locations


def _plain(
    node: Any, path: Path_, locs: Locations, name: str, budget: list[int], line: int
) -> Any:
    budget[0] -= 1
    if budget[0] < 0:
        raise ScenarioError([Problem(name, line, _dotted(path), _("too many values (aliases?)"))])
    if len(path) > MAX_PATH:
        raise ScenarioError([Problem(name, line, _dotted(path), _("nested too deeply"))])
    from ruamel.yaml.comments import CommentedMap, CommentedSeq, TaggedScalar

    if isinstance(node, TaggedScalar) or _has_tag(node):
        raise ScenarioError(
            [Problem(name, line, _dotted(path), _("YAML tags are not allowed"),
                     _("remove the '!' tag"))]
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
    node: Any, path: Path_, locs: Locations, name: str, budget: list[int]
) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in node.items():
        key_line = node.lc.key(key)[0] + 1
        if not isinstance(key, str | int) or isinstance(key, bool):
            raise ScenarioError(
                [Problem(name, key_line, _dotted(path),
                         _("key {key} must be a name").format(key=repr(key)))]
            )
        key = str(key)
        locs[(*path, key)] = key_line
        out[key] = _plain(value, (*path, key), locs, name, budget, key_line)
    return out


def _item_line(node: Any, i: int, default: int) -> int:
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
