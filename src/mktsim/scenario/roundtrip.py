"""Values put into a scenario file read for a round trip (ruamel.yaml keeps its comments,
key order and quoting): the writers of fitted scenarios and of plans found by a search
change a few values and leave everything else as the author wrote it."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ruamel.yaml.comments import CommentedMap


def set_in_document(doc: Any, dotted: str, value: Any) -> None:
    """Set a dotted path in a round-trip document, creating mappings on the way; a number
    is an index into a list (`moves.0.price`, `seasonality.by_month.7`), which must be in
    the document (ScenarioError otherwise: a list left at its default, or inherited
    through a strategy's `extends`, cannot take one item)."""
    node = doc
    parts: list[str] = dotted.split(".")
    for i, part in enumerate(parts):
        if isinstance(node, list):
            if not part.isdigit() or int(part) >= len(node):
                _not_in_file(dotted, ".".join(parts[:i]))
            key: Any = int(part)
        elif part.isdigit():
            _not_in_file(dotted, ".".join(parts[:i]))
        else:
            key = part
        if i == len(parts) - 1:
            node[key] = value
            return
        if not isinstance(node, list) and (key not in node or node[key] is None):
            node[key] = CommentedMap()
        node = node[key]


def _not_in_file(dotted: str, where: str) -> None:
    from ..i18n import _
    from .errors import Problem, ScenarioError

    raise ScenarioError([Problem(
        "--out", None, dotted,
        _("cannot write {path} into the file: {where} is not a list written in it (a "
          "default or an inherited value)").format(path=dotted, where=where),
        _("write the whole list into the scenario file, then run the command again"))])


def apply_overrides_to_document(doc: Any, overrides: Iterable[str]) -> None:
    """Write `--set path=value` overrides into a round-trip document."""
    from .overrides import parse_override

    for text in overrides:
        path, value = parse_override(text)
        set_in_document(doc, ".".join(str(p) for p in path), value)
