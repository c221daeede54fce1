"""Languages of everything mktsim prints: message catalogs, the active language, labels.

Fixed text is written in English in the code and wrapped in `_()` (or `ngettext` for
counts, `N_` to mark text translated later); the English text is the message id, and
`src/mktsim/locale/zh/LC_MESSAGES/mktsim.po` (a gettext catalog, read with Babel) holds
its Chinese. The active language is set once per command (`--lang`, `MKTSIM_LANG`, the
locale, English otherwise) with `set_language`; `use_language` changes it for a block.

    from mktsim.i18n import _
    _("{n} replications").format(n=200)

Layer 0: imports nothing of mktsim.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from functools import cache
from importlib import resources
from typing import Any

LANGUAGES = ("en", "zh")
DEFAULT = "en"
ENV = "MKTSIM_LANG"
DOMAIN = "mktsim"
_LOCALE_ENV = ("LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE")

_active: list[str] = []


def normalize(text: str) -> str:
    """``zh``, ``zh_CN.UTF-8``, ``zh-Hans``, ``cn``, ``chinese`` -> ``zh``; ``en_GB`` -> ``en``.

    Raises ValueError for a language mktsim does not speak."""
    code = text.strip().lower().replace("-", "_").split(".")[0].split("@")[0]
    if code.startswith("zh") or code in ("cn", "chinese", "中文"):
        return "zh"
    if code.startswith("en") or code in ("english", "c", "posix"):
        return "en"
    raise ValueError(f"unknown language '{text}'; choose en or zh")


def default_language() -> str:
    """`MKTSIM_LANG`, else the locale (LC_ALL, LC_MESSAGES, LANG, LANGUAGE), else English."""
    value = os.environ.get(ENV, "").strip()
    if value:
        return normalize(value)
    for name in _LOCALE_ENV:
        value = os.environ.get(name, "").strip()
        if value:
            try:
                return normalize(value.split(":")[0])
            except ValueError:
                return DEFAULT
    return DEFAULT


def set_language(lang: str | None = None) -> str:
    """Make `lang` (default: `default_language()`) the active language; return it."""
    chosen = normalize(lang) if lang else default_language()
    _active[:] = [chosen]
    return chosen


def get_language() -> str:
    """The active language (`default_language()` until one is set)."""
    if not _active:
        _active.append(default_language())
    return _active[0]


@contextmanager
def use_language(lang: str | None) -> Iterator[str]:
    """The language `lang` for the block (None: leave the active one)."""
    before = get_language()
    chosen = normalize(lang) if lang else before
    _active[:] = [chosen]
    try:
        yield chosen
    finally:
        _active[:] = [before]


def catalog_path(lang: str) -> Any:
    """The .po file of a language (a resource of the installed package)."""
    return resources.files("mktsim") / "locale" / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


@cache
def catalog(lang: str) -> Mapping[str, str | tuple[str, ...]]:
    """msgid -> translation of a language's catalog (empty for English)."""
    if lang == DEFAULT:
        return {}
    from babel.messages.pofile import read_po

    with catalog_path(lang).open("rb") as f:
        po = read_po(f, locale=lang, domain=DOMAIN)
    out: dict[str, str | tuple[str, ...]] = {}
    for m in po:
        if not m.id or (m.fuzzy and not m.string):
            continue
        key = m.id[0] if isinstance(m.id, tuple | list) else m.id
        value = tuple(m.string) if isinstance(m.string, tuple | list) else m.string
        if value and any(value):
            out[key] = value
    return out


def gettext(message: str) -> str:
    """`message` in the active language (itself when no translation exists)."""
    found = catalog(get_language()).get(message)
    if isinstance(found, tuple):
        return found[0] or message
    return found or message


_ = gettext


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or plural form for `n` in the active language."""
    found = catalog(get_language()).get(singular)
    if found:
        return found[0] if isinstance(found, tuple) else found
    return singular if n == 1 else plural


def N_(message: str) -> str:
    """Mark `message` for the catalog without translating it now (translate with `_`)."""
    return message


def is_zh() -> bool:
    """True when the active language is Chinese."""
    return get_language() == "zh"


def pick(text: str | Mapping[str, Any] | None, lang: str | None = None) -> str | None:
    """A label in a language: a string as it is; ``{en: ..., zh: ...}`` by language, then
    English, then any other; None when no text."""
    if text is None:
        return None
    if isinstance(text, str):
        return text or None
    lang = lang or get_language()
    for key in (lang, DEFAULT, *text):
        value = text.get(key)
        if isinstance(value, str) and value:
            return value
    return None


__all__ = ["DEFAULT", "ENV", "LANGUAGES", "N_", "_", "catalog", "default_language",
           "get_language", "gettext", "is_zh", "ngettext", "normalize", "pick",
           "set_language", "use_language"]


class LabelBook:
    """The labels of a scenario's keys: kind (channels, segments, products, teams,
    strategies, targets, objectives) -> key -> text or {lang: text}. Called with a kind and
    a key it gives the label in the active language, else `default`, else the key."""

    def __init__(self, labels: Mapping[str, Mapping[str, Any]] | None = None) -> None:
        self.labels = {k: dict(v) for k, v in (labels or {}).items()}

    def __call__(self, kind: str, key: str, default: str | None = None) -> str:
        found = pick((self.labels.get(kind) or {}).get(key))
        return found or (default if default is not None else key)

    def __bool__(self) -> bool:
        return any(self.labels.values())


__all__ += ["LabelBook"]
