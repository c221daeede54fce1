"""The compare document's tables: the report's comparison tables and the strategies table
of `compare --format md`."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from mktsim.i18n import _
from mktsim.report.fmt import (
    COUNT,
    PERCENT,
    label,
    unit_label,
)
from mktsim.report.load import Results
from mktsim.report.tables.common import kpi_kind, kpi_meta, prob, target_column
from mktsim.report.tables.model import LEFT, RIGHT, Table, drop_empty, text_table


def comparison_table(results: Results) -> Table | None:
    """One row per strategy: rank, chance of being best, chance of meeting targets."""
    cmp = results.compare
    if not cmp:
        return None
    ranking = list(cmp.get("ranking") or [])
    rows = []
    for s in cmp["strategies"]:
        p, lo, hi = prob((cmp.get("all_targets") or {}).get(s))
        row: dict[str, Any] = {
            _("Strategy"): (_("{strategy} (reference)") if s == cmp.get("reference")
                            else "{strategy}").format(strategy=results.label("strategies", s)),
            _("Rank"): ranking.index(s) + 1 if s in ranking else None,
            _("Chance of being best"): (cmp.get("probability_best") or {}).get(s),
            _("All targets met"): p,
            _("All targets low"): lo,
            _("All targets high"): hi,
        }
        for t in cmp.get("targets") or []:
            row[target_column(results, str(t.get("id")))] = prob(
                (t.get("by_strategy") or {}).get(s))[0]
        rows.append(row)
    frame = drop_empty(pd.DataFrame(rows), None)
    kinds: dict[str, str | list[str]] = {
        c: PERCENT for c in frame.columns if c not in (_("Strategy"), _("Rank"))
    }
    kinds[_("Rank")] = COUNT
    return Table(
        "comparison",
        _("Strategy comparison"),
        frame,
        kinds,
        note=_("Probabilities of meeting targets with their 95% confidence interval."),
    )


def comparison_kpis_table(results: Results) -> Table | None:
    """Expected KPIs per strategy and their difference from the reference strategy."""
    cmp = results.compare
    if not cmp or not cmp.get("kpis"):
        return None
    rows, kinds = [], []
    diffs = cmp.get("differences") or {}
    for name, per in cmp["kpis"].items():
        for s, entry in per.items():
            d = (diffs.get(name) or {}).get(s) or {}
            lo, hi = (entry.get("interval") or [None, None])[:2]
            dlo, dhi = (d.get("interval") or [None, None])[:2]
            kinds.append(kpi_kind(results, name))
            rows.append(
                {
                    _("KPI"): label(name),
                    _("Unit"): unit_label(kpi_meta(results, name)[0], results.currency),
                    _("Strategy"): results.label("strategies", s),
                    _("Expected"): entry.get("mean"),
                    _("Low"): lo,
                    _("High"): hi,
                    _("Difference vs reference"): d.get("mean"),
                    _("Difference low"): dlo,
                    _("Difference high"): dhi,
                }
            )
    frame = drop_empty(
        pd.DataFrame(rows),
        (_("Difference vs reference"), _("Difference low"), _("Difference high"))
    )
    value_cols = [c for c in frame.columns if c not in (_("KPI"), _("Unit"), _("Strategy"))]
    return Table(
        "comparison_kpis",
        _("Key results by strategy"),
        frame,
        dict.fromkeys(value_cols, kinds),
        note=_("Low–high: 95% confidence interval. Reference strategy: {strategy}.").format(
            strategy=results.label("strategies", str(cmp.get("reference", "")))),
    )


def strategies_table(rows: Sequence[Mapping[str, Any]]) -> Table | None:
    """`compare --format md`: one row per strategy as in `CompareResult.frame()` (the
    columns of the first row; numeric columns right-aligned, numbers written plainly).
    None without rows."""
    if not rows:
        return None
    cols = list(rows[0])
    numeric = [all(isinstance(r.get(c), int | float) or r.get(c) is None for r in rows)
               for c in cols]
    cells = [[plain_cell(r.get(c)) for c in cols] for r in rows]
    return text_table("strategies", "", cols, cells,
                      [RIGHT if n else LEFT for n in numeric])


def plain_cell(value: Any) -> str:
    """A number of a machine-made table: 4 significant digits, thousands separated from
    1,000 up, 3 significant digits below 0.001; blanks for missing values."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    if value != 0 and abs(value) < 1e-3:
        return f"{value:.3g}"
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    return f"{value:.4g}"


def strategies_markdown(rows: Sequence[Mapping[str, Any]]) -> str:
    """The strategies table as Markdown ("" without rows)."""
    from mktsim.report.render.markdown import markdown_table

    table = strategies_table(rows)
    return "" if table is None else markdown_table(table)
