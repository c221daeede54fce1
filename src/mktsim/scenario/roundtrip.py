"""Values put into a scenario file read for a round trip (ruamel.yaml keeps its comments,
key order and quoting): the writers of fitted scenarios and of plans found by a search
change a few values and leave everything else as the author wrote it."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ruamel.yaml.comments import CommentedMap


def set_in_document(doc: Any, dotted: str, value: Any) -> None:
    """Set a dotted path in a round-trip document, creating mappings on the way; a number
    is an index into a list (`moves.0.price`, `seasonality.by_month.7`)."""
    node = doc
    parts: list[str] = dotted.split(".")
    for part in parts[:-1]:
        if isinstance(node, list):
            node = node[int(part)]
            continue
        if part not in node or node[part] is None:
            node[part] = CommentedMap()
        node = node[part]
    last = parts[-1]
    if isinstance(node, list):
        node[int(last)] = value
    else:
        node[last] = value


def apply_overrides_to_document(doc: Any, overrides: Iterable[str]) -> None:
    """Write `--set path=value` overrides into a round-trip document."""
    from .overrides import parse_override

    for text in overrides:
        path, value = parse_override(text)
        set_in_document(doc, ".".join(str(p) for p in path), value)
