"""Did-you-mean suggestions."""

from __future__ import annotations

import difflib
from collections.abc import Iterable

from ..i18n import _


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """`did you mean 'x'?` for the closest choice, else the list of choices."""
    options = sorted(str(c) for c in choices)
    close = difflib.get_close_matches(word, options, n=1, cutoff=0.6)
    if close:
        return _("did you mean '{name}'?").format(name=close[0])
    if not options:
        return ""
    shown = ", ".join(options[:12]) + (", ..." if len(options) > 12 else "")
    return _("expected one of: {names}").format(names=shown)
