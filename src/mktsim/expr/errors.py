"""Errors of the rule expression language and the helpers that word them.

Every problem found in a rule expression, whether while compiling it or while
evaluating it, is reported as an :class:`ExpressionError`.  Its text is always a
single line, so it can go straight into a log or a validation report.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

#: How many alternatives an "expected one of: ..." list shows before "...".
MAX_LISTED = 12
#: Longest piece of user text quoted inside a message.
MAX_QUOTED = 40


class ExpressionError(ValueError):
    """A rule expression that cannot be compiled or evaluated.

    Attributes:
        message: what is wrong, in one line.
        position: 0-based character offset into the original expression text
            where the problem is, or ``None`` when it concerns the whole text.
        expected: what would have been accepted there (e.g. ``"one of: roi, cac"``),
            or ``None``.
        text: the expression text, when known (used by :meth:`excerpt`).

    ``str(error)`` reads ``column 14: unknown function 'rio' (did you mean 'roi'?);
    expected one of: cac, kpi, roi``.  Columns in the text are counted from 1, as
    editors do, so the column shown is ``position + 1``.
    """

    def __init__(
        self,
        message: str,
        position: int | None = None,
        expected: str | None = None,
        text: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = one_line(message)
        self.position = position
        self.expected = None if expected is None else one_line(expected)
        self.text = text

    def __str__(self) -> str:
        where = "" if self.position is None else f"column {self.position + 1}: "
        tail = "" if not self.expected else f"; expected {self.expected}"
        return f"{where}{self.message}{tail}"

    def __reduce__(self) -> tuple[type[ExpressionError], tuple[object, ...]]:
        """Keep every attribute when the error crosses a process boundary."""
        return (type(self), (self.message, self.position, self.expected, self.text))

    def excerpt(self) -> str:
        """Return the expression with a caret under the faulty column (two lines).

        Falls back to ``str(self)`` when the text or position is unknown.
        """
        if self.text is None or self.position is None or "\n" in self.text:
            return str(self)
        return f"{self.text}\n{' ' * self.position}^ {self}"


def one_line(text: str) -> str:
    """Replace line breaks and other control characters by spaces."""
    return "".join(ch if ch.isprintable() else " " for ch in text)


def quote(text: str) -> str:
    """Quote user text for a message, shortened and on one line."""
    if len(text) > MAX_QUOTED:
        text = text[: MAX_QUOTED - 3] + "..."
    return repr(one_line(text))


def one_of(options: Iterable[str]) -> str | None:
    """Word a set of alternatives as ``"one of: a, b, c, ..."`` (or None if empty)."""
    items = sorted(set(options))
    if not items:
        return None
    shown = items[:MAX_LISTED]
    more = ", ..." if len(items) > MAX_LISTED else ""
    if len(items) == 1:
        return items[0]
    return "one of: " + ", ".join(shown) + more


def suggest(word: str, candidates: Iterable[str]) -> str | None:
    """Return the candidate closest to ``word`` (a likely typo), or None.

    A candidate equal to ``word`` ignoring case wins; otherwise
    :func:`difflib.get_close_matches` picks the best match.
    """
    pool = sorted(set(candidates))
    folded = word.casefold()
    for candidate in pool:
        if candidate.casefold() == folded:
            return candidate
    close = difflib.get_close_matches(word, pool, n=1, cutoff=0.6)
    if close:
        return close[0]
    by_fold = {c.casefold(): c for c in pool}
    close = difflib.get_close_matches(folded, list(by_fold), n=1, cutoff=0.6)
    return by_fold[close[0]] if close else None


def did_you_mean(word: str, candidates: Iterable[str]) -> str:
    """Return ``" (did you mean 'x'?)"`` for a likely typo, else an empty string."""
    guess = suggest(word, candidates)
    return "" if guess is None or guess == word else f" (did you mean {guess!r}?)"
