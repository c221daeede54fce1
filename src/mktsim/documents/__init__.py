"""The result documents: run, compare, optimize, explain, analyze and the re-optimisation
of a tracked plan.

One module per document, each a dataclass with `to_dict()` (the JSON written by the
library and the commands) and `from_dict()` (what the report reads back). The layout of
every document is described in docs/results-format.md.
"""

from .base import DocumentError, clean
from .compare import CompareDocument
from .explain import ExplainDocument
from .leaks import FUNNEL, LEAKS, is_loss
from .optimize import OptimizeDocument
from .run import RunDocument
from .sweep import AnalyzeDocument
from .track import ReoptimizeDocument

__all__ = ["FUNNEL", "LEAKS", "AnalyzeDocument", "CompareDocument", "DocumentError",
           "ExplainDocument", "OptimizeDocument", "ReoptimizeDocument", "RunDocument", "clean",
           "is_loss"]
