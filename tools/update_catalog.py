"""Refresh the message catalog: extract every message id of src/mktsim (gettext `_`,
`N_`, `ngettext`) with Babel and merge it into src/mktsim/locale/zh/LC_MESSAGES/mktsim.po,
keeping the translations already there (new ids get an empty msgstr for a translator;
`tests/test_i18n.py` fails until every one has its Chinese).

    python tools/update_catalog.py
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "src" / "mktsim"
PO = SOURCE / "locale" / "zh" / "LC_MESSAGES" / "mktsim.po"
KEYWORDS = {"_": None, "N_": None, "gettext": None, "ngettext": (1, 2)}


def extracted() -> Catalog:
    """Every message id in the source, with where it is used."""
    found = Catalog(locale="zh", domain="mktsim", project="mktsim")
    for filename, lineno, message, _comments, _context in extract_from_dir(
            SOURCE, method_map=[("**.py", "python")], keywords=KEYWORDS):
        found.add(message, locations=[(f"mktsim/{filename}", lineno)])
    return found


def merged(translations: dict[str, str | tuple[str, ...]] | None = None) -> Catalog:
    """The extracted ids with the translations of the current .po (and `translations`)."""
    old: dict[str, object] = {}
    if PO.exists():
        with PO.open("rb") as f:
            for m in read_po(f, locale="zh"):
                if m.id:
                    key = m.id[0] if isinstance(m.id, tuple | list) else m.id
                    old[key] = m.string
    old.update(translations or {})
    out = Catalog(locale="zh", domain="mktsim", project="mktsim", version="0.1.0",
                  copyright_holder="mktsim", msgid_bugs_address="",
                  language_team="zh <mktsim>", fuzzy=False)
    for m in extracted():
        key = m.id[0] if isinstance(m.id, tuple | list) else m.id
        text = old.get(key, "")
        if isinstance(m.id, tuple | list):
            text = (text if isinstance(text, str) else (text or ("",))[0],)
        elif isinstance(text, tuple | list):
            text = text[0] if text else ""
        out.add(m.id, text, locations=m.locations)
    return out


def main() -> int:
    catalog = merged()
    PO.parent.mkdir(parents=True, exist_ok=True)
    with PO.open("wb") as f:
        write_po(f, catalog, width=100, sort_output=False, include_previous=False,
                 include_lineno=False)
    missing = [m.id for m in catalog if m.id and not (m.string if isinstance(m.string, str)
                                                      else all(m.string))]
    print(f"{PO.relative_to(ROOT)}: {len(catalog)} messages, {len(missing)} untranslated")
    return 0


if __name__ == "__main__":
    sys.exit(main())
