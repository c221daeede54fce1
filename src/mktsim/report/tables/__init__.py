"""The tables of every document, built once as :class:`Table` objects (``model``) and
drawn by the renderers: Rich in the terminal (``report.render.rich``), Markdown
(``report.render.markdown``), HTML and Excel.

The modules are split by document: ``run`` and ``run_log`` (run.json), ``compare``,
``optimize``, ``track``, ``analyze``, ``calibrate``; the terminal's views of a document
are in ``terminal_*``. Every report builder returns ``None`` when the results folder has
no data for it; :func:`all_tables` gives those that have data, in report order.
"""

from __future__ import annotations

from collections.abc import Callable

from mktsim.report.load import Results
from mktsim.report.tables.analyze import (
    discovery_table,
    morris_table,
    output_kind,
    output_name,
    output_phrase,
    sobol_table,
    target_bands_table,
    target_output,
    tornado_table,
    uncertainty_table,
)
from mktsim.report.tables.common import (
    KIND_WORDS,
    action_text,
    kpi_header,
    kpi_kind,
    kpi_meta,
    measure,
    money_header,
    target_column,
    verdict_word,
)
from mktsim.report.tables.compare import comparison_kpis_table, comparison_table
from mktsim.report.tables.model import Table, records, text_table
from mktsim.report.tables.optimize import (
    binding_table,
    confirmation_table,
    flighting_table,
    headcount_table,
    marginal_table,
    plan_table,
    verified_table,
)
from mktsim.report.tables.promotions import promotions_table
from mktsim.report.tables.run import (
    aggregate,
    channel_kind,
    channels_table,
    kpis_table,
    monthly_table,
    quarterly_table,
    targets_table,
)
from mktsim.report.tables.run_log import (
    budget_table,
    competitor_moves_table,
    decisions_table,
    leak_info,
    leak_kind,
    leaks_table,
)
from mktsim.report.tables.track import reoptimize_changes_table, reoptimize_targets_table

__all__ = [
    "BUILDERS", "KIND_WORDS", "Table", "action_text", "aggregate", "all_tables",
    "channel_kind", "kpi_header", "kpi_kind", "kpi_meta", "leak_info", "leak_kind",
    "measure", "money_header", "output_kind", "output_name", "output_phrase", "records",
    "target_column", "target_output", "text_table", "verdict_word",
]

BUILDERS: list[Callable[[Results], Table | None]] = [
    targets_table,
    kpis_table,
    monthly_table,
    quarterly_table,
    channels_table,
    budget_table,
    promotions_table,
    decisions_table,
    competitor_moves_table,
    leaks_table,
    comparison_table,
    comparison_kpis_table,
    plan_table,
    marginal_table,
    headcount_table,
    verified_table,
    confirmation_table,
    binding_table,
    flighting_table,
    reoptimize_changes_table,
    reoptimize_targets_table,
    uncertainty_table,
    target_bands_table,
    tornado_table,
    sobol_table,
    morris_table,
    discovery_table,
]


def all_tables(results: Results) -> dict[str, Table]:
    """Every table that has data, by key, in report order."""
    tables = (build(results) for build in BUILDERS)
    return {t.key: t for t in tables if t is not None}
