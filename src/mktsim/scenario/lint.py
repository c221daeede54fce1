"""SMART lint: warnings about targets that are not Specific, Time-bound, Relevant..."""

from __future__ import annotations

from ..i18n import _
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
        warn(("targets",), _("no targets: runs show KPIs but no verdicts"),
             _("add SMART targets (metric, threshold, by, confidence, serves)"))
    for i, t in enumerate(spec.targets):
        path = ("targets", i)
        if t.by is None:
            warn(path, _("target '{id}' has no deadline (not time-bound)").format(id=t.id),
                 _("add 'by:'; it is judged on the last day, {date}").format(
                     date=spec.end_date))
        elif t.by > spec.end_date:
            warn((*path, "by"), _("target '{id}' deadline {date} is past the horizon")
                 .format(id=t.id, date=t.by),
                 _("it is judged on the last simulated day, {date}; lengthen horizon_days "
                   "to judge it on time").format(date=spec.end_date))
        if t.confidence is None:
            warn(path, _("target '{id}' has no required confidence").format(id=t.id),
                 _("add 'confidence:'; {confidence} is used").format(
                     confidence=f"{DEFAULT_CONFIDENCE:.0%}"))
        if t.serves is None:
            warn(path, _("target '{id}' serves no objective (not relevant)").format(id=t.id),
                 _("add 'serves: <objective>' naming an entry of 'objectives'"))
        if t.level is None:
            warn(path, _("target '{id}' has no level").format(id=t.id),
                 _("add 'level: short', 'mid' or 'long'"))
    return out
