"""The compare document's tables: the report's comparison tables and the strategies table
of `compare --format md`."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from mktsim.i18n import _
from mktsim.report.fmt import (
    COUNT,
    PERCENT,
    TEXT,
    label,
    unit_label,
)
from mktsim.report.load import Results
from mktsim.report.tables.common import kpi_kind, kpi_meta, prob, target_column
from mktsim.report.tables.model import LEFT, RIGHT, Table, records, text_table


def comparison_table(results: Results) -> Table | None:
    """One row per strategy: rank, chance of being best, chance of meeting targets."""
    cmp = results.compare or {}
    ranking, targets = list(cmp.get("ranking") or []), cmp.get("targets") or []
    rows = []
    for s in cmp.get("strategies") or []:
        p, lo, hi = prob((cmp.get("all_targets") or {}).get(s))
        name = results.label("strategies", s)
        rows.append({
            "strategy": _("{strategy} (reference)").format(strategy=name)
            if s == cmp.get("reference") else name,
            "rank": ranking.index(s) + 1 if s in ranking else None,
            "best": (cmp.get("probability_best") or {}).get(s), "all": p, "low": lo,
            "high": hi, **{f"target:{t.get('id')}": prob((t.get("by_strategy") or {}).get(s))[0]
                           for t in targets}})
    columns = [("strategy", _("Strategy"), TEXT), ("rank", _("Rank"), COUNT),
               ("best", _("Chance of being best"), PERCENT),
               ("all", _("All targets met"), PERCENT), ("low", _("All targets low"), PERCENT),
               ("high", _("All targets high"), PERCENT),
               *((f"target:{t.get('id')}", target_column(results, str(t.get("id"))), PERCENT)
                 for t in targets)]
    return records("comparison", _("Strategy comparison"), rows, columns, note=_(
        "Probabilities of meeting targets with their 95% confidence interval."))


def comparison_kpis_table(results: Results) -> Table | None:
    """Expected KPIs per strategy and their difference from the reference strategy."""
    cmp = results.compare or {}
    rows, kinds = [], []
    diffs = cmp.get("differences") or {}
    for name, per in (cmp.get("kpis") or {}).items():
        for s, entry in per.items():
            d = (diffs.get(name) or {}).get(s) or {}
            lo, hi = (entry.get("interval") or [None, None])[:2]
            dlo, dhi = (d.get("interval") or [None, None])[:2]
            kinds.append(kpi_kind(results, name))
            rows.append({"kpi": label(name), "strategy": results.label("strategies", s),
                         "unit": unit_label(kpi_meta(results, name)[0], results.currency),
                         "mean": entry.get("mean"), "low": lo, "high": hi,
                         "diff": d.get("mean"), "diff_low": dlo, "diff_high": dhi})
    columns = [("kpi", _("KPI"), TEXT), ("unit", _("Unit"), TEXT),
               ("strategy", _("Strategy"), TEXT), ("mean", _("Expected"), kinds),
               ("low", _("Low"), kinds), ("high", _("High"), kinds),
               ("diff", _("Difference vs reference"), kinds),
               ("diff_low", _("Difference low"), kinds),
               ("diff_high", _("Difference high"), kinds)]
    return records("comparison_kpis", _("Key results by strategy"), rows, columns,
                   optional=("diff", "diff_low", "diff_high"),
                   note=_("Low–high: 95% confidence interval. Reference strategy: {strategy}.")
                   .format(strategy=results.label("strategies", str(cmp.get("reference", "")))))


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
