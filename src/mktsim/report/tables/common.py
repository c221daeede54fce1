"""Helpers shared by the tables of every document: KPI units and headings, words."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mktsim.i18n import _
from mktsim.report.fmt import (
    currency_unit,
    label,
    unit_kind,
    unit_label,
)
from mktsim.report.load import Results
from mktsim.report.words import (
    CHANNEL_MEASURES,
    KINDS,
    VERDICTS,
    word,
)

KIND_WORDS = KINDS  # kind -> words (message ids: translate with `word`)


def kpi_meta(results: Results, name: str) -> tuple[str, str]:
    """(unit, kind) of a KPI; unknown KPIs are plain numbers observed as levels."""
    kpi = results.kpis.get(name)
    return (kpi.unit, kpi.kind) if kpi else ("", "stock")


def kpi_kind(results: Results, name: str) -> str:
    """Display kind (money, percent, ...) of a KPI."""
    return unit_kind(kpi_meta(results, name)[0], results.currency)


def kpi_header(results: Results, name: str) -> str:
    """Column header with unit, e.g. ``Revenue (CNY)``."""
    unit = unit_label(kpi_meta(results, name)[0], results.currency)
    return f"{label(name)} ({unit})" if unit else label(name)


def money_header(text: str, results: Results) -> str:
    """Header for a money column, naming the currency."""
    return f"{text} ({currency_unit(results.currency)})" if results.currency else text


def measure(name: str) -> str:
    """A per-channel measure as a heading (``incremental_roi`` -> ``Incremental ROI``)."""
    if name in CHANNEL_MEASURES:
        return _(CHANNEL_MEASURES[name])
    return label(name)


def target_column(results: Results, target: str) -> str:
    """The heading of a target's column in the comparison table."""
    return _("Target {target}").format(target=results.label("targets", target))


def verdict_word(verdict: str, met: bool | None) -> str:
    """A target's verdict in the active language (from `met` when the file has none)."""
    text = verdict or ("met" if met else "not met" if met is not None else "")
    return word(VERDICTS, text, text)


def action_text(action: str, status: str = "") -> str:
    """A rule's action in words, with its status when it was not carried out."""
    from mktsim.report.words import ACTIONS

    text = word(ACTIONS, action)
    if status and status != "done":
        return _("{action} ({status})").format(action=text, status=status)
    return text


def prob(entry: Any) -> tuple[float | None, float | None, float | None]:
    """(probability, low, high) from ``{"probability": p, "interval": [lo, hi]}``."""
    if not isinstance(entry, Mapping):
        return None, None, None
    low, high = (entry.get("interval") or [None, None])[:2]
    return entry.get("probability"), low, high
