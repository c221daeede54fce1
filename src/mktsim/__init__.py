"""mktsim: simulate a marketing plan day by day, many times over, before the money is spent.

The public API is loaded lazily so that `mktsim --help` stays fast.
"""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"
__all__ = ["Scenario", "ScenarioError", "__version__", "load"]


def __getattr__(name: str) -> Any:
    if name in ("load", "Scenario"):
        from . import api

        return getattr(api, name)
    if name == "ScenarioError":
        from .scenario.errors import ScenarioError

        return ScenarioError
    raise AttributeError(name)
