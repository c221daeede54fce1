"""The result documents: run, compare, optimize, explain and analyze.

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

__all__ = ["FUNNEL", "LEAKS", "AnalyzeDocument", "CompareDocument", "DocumentError",
           "ExplainDocument", "OptimizeDocument", "RunDocument", "clean", "is_loss"]
