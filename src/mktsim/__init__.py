"""mktsim: simulate a marketing plan day by day, many times over, before the money is spent.

The public API (docs/api.md) is loaded lazily so that `mktsim --help` stays fast.
"""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"
API = ("AnalyzeResult", "CompareResult", "ExplainResult", "OptimizeResult", "RunResult",
       "Scenario", "SweepResult", "analyze", "load", "validate", "write_report")
__all__ = [*API, "ScenarioError", "__version__"]


def __getattr__(name: str) -> Any:
    if name in API:
        from . import api

        return getattr(api, name)
    if name == "ScenarioError":
        from .scenario.errors import ScenarioError

        return ScenarioError
    raise AttributeError(name)
