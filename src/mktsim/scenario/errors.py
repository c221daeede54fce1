"""Problems found in a scenario file, reported all at once with file, line and field."""

from __future__ import annotations

from dataclasses import dataclass, field


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
        place = f"{self.file}:{self.line}" if self.line else self.file
        text = f"{place}: {self.where or '(top level)'}: {self.message}"
        if self.hint:
            text += f". {self.hint}"
        return text


@dataclass
class ScenarioError(Exception):
    """Raised when a scenario cannot be used; carries every problem found."""

    problems: list[Problem] = field(default_factory=list)

    def __str__(self) -> str:
        n = len(self.problems)
        head = f"{n} problem{'s' if n != 1 else ''} in the scenario:"
        return "\n".join([head, *("  " + p.render() for p in self.problems)])
