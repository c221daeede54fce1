"""A font for Chinese text in charts: found on the machine, or English charts and one
warning.

matplotlib draws with DejaVu Sans, which has no CJK glyphs: Chinese text would come out as
boxes. `cjk_font()` looks for a CJK font (Noto Sans CJK, Source Han Sans, WenQuanYi, the
system fonts of Windows and macOS) among matplotlib's fonts and then among the system's
font files; `chart_language()` says in which language charts can be drawn: Chinese when such
a font exists, else English, with one warning that says how to install one.
"""

from __future__ import annotations

import re
import warnings
from functools import cache
from pathlib import Path

from ..i18n import _, get_language

#: Families tried in order (simplified Chinese first).
CJK_FAMILIES = (
    "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "Source Han Sans CN",
    "Noto Sans CJK JP", "Noto Sans CJK TC", "Noto Sans CJK KR", "Source Han Sans",
    "WenQuanYi Zen Hei", "WenQuanYi Micro Hei", "Microsoft YaHei", "SimHei", "PingFang SC",
    "Heiti SC", "Hiragino Sans GB", "Noto Serif CJK SC", "Noto Serif CJK JP",
    "AR PL UMing CN", "AR PL UKai CN", "Droid Sans Fallback",
)
#: File names of CJK fonts, for fonts matplotlib's cache does not know yet.
CJK_FILES = re.compile(r"(NotoSans(CJK|SC|TC)|SourceHanSans|wqy|WenQuanYi|msyh|simhei|"
                       r"PingFang|NotoSerifCJK|uming|ukai|DroidSansFallback)", re.IGNORECASE)
#: What a chart shows in Chinese, to check a candidate font has the glyphs.
PROBE = "中文图表预算渠道目标万元年月日"
INSTALL_HINT = ("Debian/Ubuntu: apt-get install fonts-noto-cjk; Fedora: dnf install "
                "google-noto-sans-cjk-fonts; macOS and Windows ship one")


class MissingFontWarning(UserWarning):
    """No CJK font was found: Chinese charts are drawn in English."""


_warned: list[bool] = []


def _covers(path: str, text: str = PROBE) -> bool:
    """The font file has a glyph for every character of `text`."""
    try:
        from fontTools.ttLib import TTCollection, TTFont

        with open(path, "rb") as f:
            if path.lower().endswith((".ttc", ".otc")):
                font = TTCollection(f, lazy=True).fonts[0]
            else:
                font = TTFont(f, lazy=True)
            cmap = font.getBestCmap() or {}
    except Exception:  # an unreadable font file is no candidate
        return False
    return all(ord(c) in cmap for c in text)


@cache
def cjk_font() -> tuple[str, str] | None:
    """(family, file) of a CJK font matplotlib can use, or None."""
    from matplotlib import font_manager

    manager = font_manager.fontManager
    known: dict[str, str] = {}
    for f in sorted(manager.ttflist, key=lambda f: (f.weight not in (400, "normal", "regular"),
                                                    f.style != "normal", f.fname)):
        known.setdefault(f.name, f.fname)  # the regular face of each family first
    for family in CJK_FAMILIES:
        if family in known and _covers(known[family]):
            return family, known[family]
    def regular_first(path: str) -> tuple[bool, bool, str]:
        name = Path(path).name
        return ("Regular" not in name, "Sans" not in name, name)

    for path in sorted(font_manager.findSystemFonts(), key=regular_first):
        if CJK_FILES.search(Path(path).name) and _covers(path):
            try:
                manager.addfont(path)
            except Exception:  # a font matplotlib cannot read
                continue
            name = font_manager.FontProperties(fname=path).get_name()
            return name, path
    return None


def chart_language() -> str:
    """The language charts are drawn in: the active one, except Chinese without a CJK
    font (then English, with one MissingFontWarning per process)."""
    lang = get_language()
    if lang != "zh" or cjk_font() is not None:
        return lang
    if not _warned:
        _warned.append(True)
        warnings.warn(_("no Chinese (CJK) font found: charts are drawn in English so that no "
                        "character shows as a box; install one ({hint})").format(
                            hint=INSTALL_HINT), MissingFontWarning, stacklevel=2)
    return "en"


def font_family() -> list[str]:
    """matplotlib's font.family for the active language: the CJK font first in Chinese."""
    found = cjk_font() if get_language() == "zh" else None
    return [found[0], "DejaVu Sans"] if found else ["DejaVu Sans"]
