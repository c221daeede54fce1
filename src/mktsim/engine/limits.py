"""Inputs the engine refuses to run (a market too large for the per-customer arrays, a
network its market cannot hold), as plain data: the simulate layer reports them as the
scenario's problems."""

from __future__ import annotations

#: (dotted field of the scenario, what is wrong, how to fix it)
Limit = tuple[str, str, str]


class EngineLimit(ValueError):
    """Raised when the engine cannot run a plan; carries every limit it passed."""

    def __init__(self, limits: list[Limit]) -> None:
        super().__init__(limits)
        self.limits = limits

    def __str__(self) -> str:
        return "; ".join(f"{where}: {message} ({hint})" for where, message, hint in self.limits)
