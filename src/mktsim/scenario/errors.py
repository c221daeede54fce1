"""Problems found in a scenario file, reported all at once with file, line and field."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..i18n import N_, _, ngettext

#: Severity words as printed.
SEVERITY = {"error": N_("error"), "warning": N_("warning")}


#: Sources of a problem that are not files, printed in the active language.
FILE_WORDS = {"command line": N_("command line")}


def severity_word(severity: str) -> str:
    """`error` or `warning` in the active language."""
    return _(SEVERITY[severity]) if severity in SEVERITY else severity


@dataclass(frozen=True)
class Problem:
    """One thing wrong (or doubtful) in a scenario.

    `where` is the dotted field path (``channels.kol.cost.cpm``); `line` is 1-based,
    or None when the value came from the command line or a default.
    """

    file: str
    line: int | None
    where: str
    message: str
    hint: str = ""
    severity: str = "error"

    def render(self) -> str:
        """One line: ``file:line: field: message (hint)``."""
        file = _(FILE_WORDS[self.file]) if self.file in FILE_WORDS else self.file
        place = f"{file}:{self.line}" if self.line else file
        text = f"{place}: {self.where or _('(top level)')}: {self.message}"
        if self.hint:
            text = _("{problem}. {hint}").format(problem=text, hint=self.hint)
        return text


@dataclass
class ScenarioError(Exception):
    """Raised when a scenario cannot be used; carries every problem found."""

    problems: list[Problem] = field(default_factory=list)

    def __str__(self) -> str:
        n = len(self.problems)
        head = ngettext("{n} problem in the scenario:", "{n} problems in the scenario:",
                        n).format(n=n)
        return "\n".join([head, *("  " + p.render() for p in self.problems)])
