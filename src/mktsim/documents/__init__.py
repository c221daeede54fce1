"""The result documents: run, compare, optimize, explain, analyze, calibrate and track
(with the re-optimisation of a tracked plan inside).

One module per document, each a dataclass with `to_dict()` (the JSON written by the
library and the commands) and `from_dict()` (what the report reads back). The layout of
every document is described in docs/results-format.md. Documents import nothing of
mktsim but each other: a reader never pulls in a process.
"""

from __future__ import annotations

import importlib
from typing import Any

#: Each name of the package -> the module that defines it; imported when first asked for,
#: so that reading a scenario (`documents.staging`) or writing a run loads only the
#: documents it uses.
NAMES = {"DocumentError": "base", "clean": "base", "CalibrateDocument": "calibrate",
         "CompareDocument": "compare", "ExplainDocument": "explain", "FUNNEL": "leaks",
         "LEAKS": "leaks", "is_loss": "leaks", "OptimizeDocument": "optimize",
         "RunDocument": "run", "AnalyzeDocument": "sweep", "ReoptimizeDocument": "track",
         "TrackDocument": "track"}

__all__ = ["FUNNEL", "LEAKS", "AnalyzeDocument", "CalibrateDocument", "CompareDocument",
           "DocumentError", "ExplainDocument", "OptimizeDocument", "ReoptimizeDocument",
           "RunDocument", "TrackDocument", "clean", "is_loss"]


def __getattr__(name: str) -> Any:
    if name not in NAMES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f".{NAMES[name]}", __name__), name)
