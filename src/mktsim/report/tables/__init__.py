"""The tables of every document, built once as :class:`Table` objects (``model``) and
drawn by the renderers: Rich in the terminal (``report.render.rich``), Markdown
(``report.render.markdown``), HTML and Excel.

The modules are split by document: ``run`` and ``run_log`` (run.json), ``compare``,
``optimize``, ``track``, ``analyze``, ``calibrate``; the terminal's views of a document
are in ``terminal_*``. Every report builder returns ``None`` when the results folder has
no data for it; :func:`all_tables` gives those that have data, in report order.

Each name below is imported from its module when first asked for (module `__getattr__`),
so that drawing one document's tables (`mktsim run`'s terminal view) does not import
every document and its tables.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mktsim.report.load import Results
    from mktsim.report.tables.model import Table

__all__ = [
    "BUILDERS", "KIND_WORDS", "Table", "action_text", "aggregate", "all_tables",
    "channel_kind", "kpi_header", "kpi_kind", "kpi_meta", "leak_info", "leak_kind",
    "measure", "money_header", "output_kind", "output_name", "output_phrase", "records",
    "target_column", "target_output", "text_table", "verdict_word",
]

#: name -> the module of this package that defines it
_HOME: dict[str, str] = {
    "discovery_table": "analyze", "morris_table": "analyze", "output_kind": "analyze",
    "output_name": "analyze", "output_phrase": "analyze", "sobol_table": "analyze",
    "target_bands_table": "analyze", "target_output": "analyze", "tornado_table": "analyze",
    "uncertainty_table": "analyze",
    "KIND_WORDS": "common", "action_text": "common", "kpi_header": "common",
    "kpi_kind": "common", "kpi_meta": "common", "measure": "common", "money_header": "common",
    "target_column": "common", "verdict_word": "common",
    "comparison_kpis_table": "compare", "comparison_table": "compare",
    "Table": "model", "records": "model", "text_table": "model",
    "binding_table": "optimize", "confirmation_table": "optimize",
    "flighting_table": "optimize", "headcount_table": "optimize", "marginal_table": "optimize",
    "plan_table": "optimize", "verified_table": "optimize",
    "promotions_table": "promotions",
    "aggregate": "run", "channel_kind": "run", "channels_table": "run", "kpis_table": "run",
    "monthly_table": "run", "quarterly_table": "run", "targets_table": "run",
    "budget_table": "run_log", "competitor_moves_table": "run_log",
    "decisions_table": "run_log", "leak_info": "run_log", "leak_kind": "run_log",
    "leaks_table": "run_log",
    "reoptimize_changes_table": "track", "reoptimize_targets_table": "track",
}

#: The report's table builders, in report order (`builders()`).
_BUILDER_NAMES = (
    "targets_table",
    "kpis_table",
    "monthly_table",
    "quarterly_table",
    "channels_table",
    "budget_table",
    "promotions_table",
    "decisions_table",
    "competitor_moves_table",
    "leaks_table",
    "comparison_table",
    "comparison_kpis_table",
    "plan_table",
    "marginal_table",
    "headcount_table",
    "verified_table",
    "confirmation_table",
    "binding_table",
    "flighting_table",
    "reoptimize_changes_table",
    "reoptimize_targets_table",
    "uncertainty_table",
    "target_bands_table",
    "tornado_table",
    "sobol_table",
    "morris_table",
    "discovery_table",
)


def __getattr__(name: str) -> Any:
    """A table's name from its module, imported when first asked for; `BUILDERS`."""
    if name == "BUILDERS":
        return builders()
    module = _HOME.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{module}"), name)


def builders() -> list[Callable[[Results], Table | None]]:
    """Every document's table builder, in report order."""
    return [__getattr__(name) for name in _BUILDER_NAMES]


def all_tables(results: Results) -> dict[str, Table]:
    """Every table that has data, by key, in report order."""
    tables = (build(results) for build in builders())
    return {t.key: t for t in tables if t is not None}
