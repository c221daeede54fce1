"""SMART lint: warnings about targets that are not Specific, Time-bound, Relevant..."""

from __future__ import annotations

from .errors import Problem
from .model import ScenarioSpec
from .translate import line_of
from .yamlio import Locations

DEFAULT_CONFIDENCE = 0.8


def smart_lint(spec: ScenarioSpec, locs: Locations, file: str) -> list[Problem]:
    """Warnings (not errors) for targets missing a SMART element."""
    out: list[Problem] = []

    def warn(path: tuple[str | int, ...], message: str, hint: str) -> None:
        where = ".".join(str(p) for p in path)
        out.append(Problem(file, line_of(path, locs), where, message, hint, "warning"))

    if not spec.targets:
        warn(("targets",), "no targets: runs show KPIs but no verdicts",
             "add SMART targets (metric, threshold, by, confidence, serves)")
    for i, t in enumerate(spec.targets):
        path = ("targets", i)
        if t.by is None:
            warn(path, f"target '{t.id}' has no deadline (not time-bound)",
                 f"add 'by:'; it is judged on the last day, {spec.end_date}")
        elif t.by > spec.end_date:
            warn((*path, "by"), f"target '{t.id}' deadline {t.by} is past the horizon",
                 f"it is judged on the last simulated day, {spec.end_date}; "
                 "lengthen horizon_days to judge it on time")
        if t.confidence is None:
            warn(path, f"target '{t.id}' has no required confidence",
                 f"add 'confidence:'; {DEFAULT_CONFIDENCE:.0%} is used")
        if t.serves is None:
            warn(path, f"target '{t.id}' serves no objective (not relevant)",
                 "add 'serves: <objective>' naming an entry of 'objectives'")
        if t.level is None:
            warn(path, f"target '{t.id}' has no level", "add 'level: short', 'mid' or 'long'")
    return out
