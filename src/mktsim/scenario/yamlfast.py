"""The fast path from YAML text to plain data and line numbers, for well-formed scenarios.

`scenario.yamlio` reads a scenario with ruamel.yaml's round-trip loader, in pure Python
(about 0.4 s for the shipped smart band). Most files are plain: mappings, lists and
scalars, no anchors, aliases or tags. For those, `fast_parse` takes the events of
libyaml's parser (PyYAML's `CParser`, in C) and builds the same data and the same line map
itself, resolving each plain scalar as the round-trip loader does (YAML 1.2, ruamel's own
resolver table; dates kept as text). Anything else, and every error, returns None, and
the round-trip loader reads the file again: it alone writes the error messages, so they
stay exactly as they were. Nothing is ever constructed from a tag: a tag means None.

The same guards as the round-trip path hold while the events stream past (nesting, number
of values), so a hostile file costs no more here than there.
"""

from __future__ import annotations

import functools
import re
from typing import Any

Path_ = tuple[str | int, ...]
Locations = dict[Path_, int]

#: ruamel.yaml's round-trip loader refuses these characters (`Reader.NON_PRINTABLE`).
_NON_PRINTABLE = re.compile(
    "[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_DIGITS = tuple("0123456789")
#: ruamel.yaml's implicit resolvers of YAML 1.2 plain scalars (`ruamel.yaml.resolver.
#: implicit_resolvers`), in its order: (tag, pattern, flags, first characters). Written out
#: here, not imported, because importing `ruamel.yaml.resolver` imports the whole of
#: ruamel.yaml (about 0.015 s at every start); tests/test_startup.py checks that this is
#: ruamel's table.
RESOLVER_TABLE: tuple[tuple[str, str, int, tuple[str, ...]], ...] = (
    ("bool", "^(?:true|True|TRUE|false|False|FALSE)$", re.X | re.U, tuple("tTfF")),
    ("float", """^(?:
         [-+]?(?:[0-9][0-9_]*)\\.[0-9_]*(?:[eE][-+]?[0-9]+)?
        |[-+]?(?:[0-9][0-9_]*)(?:[eE][-+]?[0-9]+)
        |[-+]?\\.[0-9_]+(?:[eE][-+][0-9]+)?
        |[-+]?\\.(?:inf|Inf|INF)
        |\\.(?:nan|NaN|NAN))$""", re.X | re.U, ("-", "+", *_DIGITS, ".")),
    ("int", """^(?:[-+]?0b[0-1_]+
        |[-+]?0o?[0-7_]+
        |[-+]?[0-9_]+
        |[-+]?0x[0-9a-fA-F_]+)$""", re.X | re.U, ("-", "+", *_DIGITS)),
    ("merge", "^(?:<<)$", re.U, ("<",)),
    ("null", """^(?: ~
        |null|Null|NULL
        | )$""", re.X | re.U, ("~", "n", "N", "")),
    ("timestamp", """^(?:[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]
        |[0-9][0-9][0-9][0-9] -[0-9][0-9]? -[0-9][0-9]?
        (?:[Tt]|[ \\t]+)[0-9][0-9]?
        :[0-9][0-9] :[0-9][0-9] (?:\\.[0-9]*)?
        (?:[ \\t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)$""", re.X | re.U, _DIGITS),
    ("value", "^(?:=)$", re.U, ("=",)),
    ("yaml", "^(?:!|&|\\*)$", re.U, ("!", "&", "*")),
)
_INF = 1e300
while _INF != _INF * _INF:  # ruamel's infinity and NaN, computed as it does
    _INF *= _INF
_NAN = -_INF / _INF


class _Unusual(Exception):
    """Not a plain file: leave it to the round-trip loader."""


def fast_parse(text: str, max_values: int, max_depth: int) -> tuple[Any, Locations] | None:
    """Data and 1-based lines of `text` (as `yamlio.parse_yaml` gives them), or None when
    the file is not plain or not valid: the round-trip loader then reads it. Stops (None)
    past `max_values` values or `max_depth` levels of nesting."""
    if _NON_PRINTABLE.search(text):
        return None
    try:
        from yaml.cyaml import CParser
    except ImportError:  # PyYAML without libyaml
        return None
    import yaml

    parser = CParser(text)
    try:
        return _Builder(max_values, max_depth).build(parser)
    except (_Unusual, yaml.YAMLError, ValueError, IndexError, KeyError):
        return None
    finally:
        parser.dispose()


class _Builder:
    """Plain data and its line map from a stream of parser events."""

    def __init__(self, max_values: int, max_depth: int) -> None:
        self.max_values = max_values
        self.max_depth = max_depth
        self.values = 0
        self.locs: Locations = {}
        #: open collections: [container, its path, pending key or None, key's line]
        self.stack: list[list[Any]] = []

    def build(self, parser: Any) -> tuple[Any, Locations]:
        import yaml

        root: list[Any] = []
        documents = 0
        while True:
            event = parser.get_event()
            kind = type(event)
            if kind is yaml.ScalarEvent:
                self._node(event, root, _scalar(event))
            elif kind is yaml.MappingStartEvent or kind is yaml.SequenceStartEvent:
                container: Any = {} if kind is yaml.MappingStartEvent else []
                path = self._node(event, root, container)
                self.stack.append([container, path, None, 0])
            elif kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
                if self.stack.pop()[2] is not None:
                    raise _Unusual
            elif kind is yaml.DocumentStartEvent:
                documents += 1
                if documents > 1 or event.version is not None or event.tags:
                    raise _Unusual
            elif kind is yaml.StreamEndEvent:
                return (root[0] if root else None), self.locs
            elif kind is yaml.AliasEvent:
                raise _Unusual

    def _node(self, event: Any, root: list[Any], value: Any) -> Path_:
        """Place a node's value (a key, a mapping's value, a list item or the document);
        return its path."""
        if event.anchor is not None or event.tag is not None:
            raise _Unusual
        self.values += 1
        if self.values >= self.max_values or len(self.stack) >= self.max_depth:
            raise _Unusual
        line = event.start_mark.line + 1
        if not self.stack:
            root.append(value)
            return ()
        frame = self.stack[-1]
        container, path = frame[0], frame[1]
        if isinstance(container, list):
            here = (*path, len(container))
            self.locs[here] = line
            container.append(value)
            return here
        if frame[2] is None:  # a key
            if type(value) not in (str, int) or str(value) in container:
                raise _Unusual
            frame[2], frame[3] = str(value), line
            return path
        here = (*path, frame[2])
        self.locs[here] = frame[3]
        container[frame[2]] = value
        frame[2] = None
        return here


def _scalar(event: Any) -> Any:
    """A scalar as the round-trip loader (YAML 1.2, dates as text) and `yamlio` make it."""
    value: str = event.value
    if not event.implicit[0]:  # quoted or block: text
        return value
    tag = _resolve(value)
    if tag == "str" or tag == "timestamp":
        return value
    if tag == "null":
        return None
    if tag == "bool":
        return value.lower() == "true"
    if tag == "int":
        return _int(value)
    if tag == "float":
        return _float(value)
    raise _Unusual  # merge keys (<<) and the like


def _resolve(value: str) -> str:
    for tag, pattern in _resolvers().get(value[0] if value else "", []):
        if pattern.match(value):
            return tag
    return "str"


@functools.cache
def _resolvers() -> dict[str, list[tuple[str, re.Pattern[str]]]]:
    """First character -> [(tag, compiled pattern)] of `RESOLVER_TABLE`, in its order."""
    table: dict[str, list[tuple[str, re.Pattern[str]]]] = {}
    for tag, pattern, flags, firsts in RESOLVER_TABLE:
        for first in firsts:
            table.setdefault(first, []).append((tag, re.compile(pattern, flags)))
    return table


def _int(text: str) -> int:
    """ruamel's `construct_yaml_int` for YAML 1.2: 0b, 0x, 0o, else decimal."""
    digits = text.replace("_", "")
    sign = -1 if digits[0] == "-" else 1
    if digits[0] in "+-":
        digits = digits[1:]
    for prefix, base in (("0b", 2), ("0x", 16), ("0o", 8)):
        if digits.startswith(prefix):
            if not digits[2:]:
                raise _Unusual
            return sign * int(digits[2:], base)
    return sign * int(digits)


def _float(text: str) -> float:
    """ruamel's `construct_yaml_float` for YAML 1.2."""
    digits = text.replace("_", "").lower()
    sign = -1 if digits[0] == "-" else 1
    if digits[0] in "+-":
        digits = digits[1:]
    if digits == ".inf":
        return sign * _INF
    if digits == ".nan":
        return _NAN
    return sign * float(digits)
