"""The result documents: run, compare, optimize, explain, analyze, calibrate and track
(with the re-optimisation of a tracked plan inside).

One module per document, each a dataclass with `to_dict()` (the JSON written by the
library and the commands) and `from_dict()` (what the report reads back). The layout of
every document is described in docs/results-format.md. Documents import nothing of
mktsim but each other: a reader never pulls in a process.
"""

from .base import DocumentError, clean
from .calibrate import CalibrateDocument
from .compare import CompareDocument
from .explain import ExplainDocument
from .leaks import FUNNEL, LEAKS, is_loss
from .optimize import OptimizeDocument
from .run import RunDocument
from .sweep import AnalyzeDocument
from .track import ReoptimizeDocument, TrackDocument

__all__ = ["FUNNEL", "LEAKS", "AnalyzeDocument", "CalibrateDocument", "CompareDocument",
           "DocumentError", "ExplainDocument", "OptimizeDocument", "ReoptimizeDocument",
           "RunDocument", "TrackDocument", "clean", "is_loss"]
