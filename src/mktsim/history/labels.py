"""Channels a history file names by any text (`spend.电视`, `spend.tv-national`).

A scenario keys a channel by a name (letters, digits and _, starting with a letter) and
may show any text as its `label`. A drafted scenario keys such a column's channel by the
text with its other characters as `_` (`tv_national`), or `channel_<n>` (its place among
the spend columns) when nothing of it is left, and labels it with the text; a history
column `spend.<label>` is then that channel's column, in `calibrate` and `track` too.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
MAX_NAME = 64


def is_name(text: str) -> bool:
    """A scenario key: letters, digits and _, starting with a letter, at most 64 long."""
    return bool(NAME.match(text)) and len(text) <= MAX_NAME


def channel_keys(written: Iterable[str]) -> dict[str, str]:
    """Each spend column's channel text -> the channel's key in a drafted scenario."""
    texts = list(dict.fromkeys(written))
    keys = {t: t for t in texts if is_name(t)}
    for place, text in enumerate(texts, start=1):
        if text not in keys:
            keys[text] = _free(plain_name(text) or f"channel_{place}", set(keys.values()))
    return keys


def plain_name(text: str) -> str:
    """`text` with its other characters as _ when that is a name (ASCII text only: a
    Chinese name keeps none of its meaning), else ""."""
    if re.search(r"[^\x00-\x7f]", text):
        return ""
    plain = re.sub(r"[^A-Za-z0-9_]+", "_", text).strip("_")[:MAX_NAME]
    return plain if is_name(plain) else ""


def _free(key: str, taken: set[str]) -> str:
    """`key`, or `key_2`, `key_3`, ... when taken."""
    n, out = 1, key
    while out in taken:
        n += 1
        out = f"{key[:MAX_NAME - 4]}_{n}"
    return out


def labelled_columns(channels: Mapping[str, Any]) -> dict[str, str]:
    """`spend.<label text>` -> `spend.<key>` for each channel with a label (every
    language's text of it) that is not itself a name."""
    out: dict[str, str] = {}
    for key, channel in channels.items():
        for text in _texts(getattr(channel, "label", None)):
            if text != key and not is_name(text):
                out[f"spend.{text}"] = f"spend.{key}"
    return out


def _texts(label: Any) -> list[str]:
    if label is None:
        return []
    if isinstance(label, str):
        return [label.strip()]
    return [v.strip() for v in label.model_dump().values() if v]
