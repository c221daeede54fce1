"""The analysis of a sweep as `mktsim analyze` shows it: one table per section (targets,
probability by parameter, sobol, morris, tornado, discovery), in the terminal with
translated titles and headings, in Markdown (``--format md``) with the document's keys."""

from __future__ import annotations

import math
from typing import Any

from mktsim.i18n import N_, _
from mktsim.report.tables.model import Table, text_table

SECTION_TITLES = {"targets": N_("targets"), "probability by parameter":
                  N_("probability by parameter"), "sobol": N_("sobol"),
                  "morris": N_("morris"), "tornado": N_("tornado"),
                  "discovery": N_("discovery")}
COLUMNS = {"target": N_("target"), "probability": N_("probability"), "runs": N_("runs"),
           "parameter": N_("parameter"), "level": N_("level"), "output": N_("output"),
           "sentence": N_("sentence"), "coverage": N_("coverage"), "density": N_("density"),
           "swing": N_("swing"), "baseline": N_("baseline")}


def section_text(value: Any) -> str:
    """A cell as text: large numbers with thousands separators, small ones to 4 digits."""
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:.4g}"
    return "" if value is None else str(value)


def _words(text: str, known: dict[str, str], translate: bool) -> str:
    return _(known[text]) if translate and text in known else text


def section_tables(doc: dict[str, Any], translate: bool = True) -> list[Table]:
    """Each non-empty section of an analyze document as a table; ``translate``: titles and
    headings in the active language (else the document's keys)."""
    from mktsim.sweep.analyze import section_frames

    tables = []
    for name, df in section_frames(doc).items():
        heads = [_words(str(c), COLUMNS, translate) for c in df.columns]
        rows = [[section_text(v) for v in row] for row in df.itertuples(index=False)]
        tables.append(text_table(name, _words(name, SECTION_TITLES, translate), heads, rows))
    return tables


def analyze_markdown(doc: dict[str, Any]) -> str:
    """`analyze --format md`: a heading and a table per section, then the notes."""
    from mktsim.report.render.markdown import markdown_table

    blocks = [f"## {t.title}\n\n" + markdown_table(t) + "\n"
              for t in section_tables(doc, translate=False)]
    return "\n".join(blocks + [f"note: {n}\n" for n in doc.get("notes", [])])


def analyze_csv(doc: dict[str, Any]) -> str:
    """`analyze --format csv`: a ``# section`` line and its CSV per section, then the
    notes."""
    from mktsim.sweep.analyze import section_frames

    blocks = [f"# {name}\n" + df.to_csv(index=False) for name, df in section_frames(doc).items()]
    return "\n".join(blocks + [f"note: {n}\n" for n in doc.get("notes", [])])
