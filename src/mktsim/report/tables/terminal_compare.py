"""The terminal's tables of a comparison (`mktsim compare`): target probabilities,
expected KPIs with paired differences, spend by line, the ranking."""

from __future__ import annotations

from typing import Any

from mktsim.i18n import N_, LabelBook, _
from mktsim.kpis import KPIS
from mktsim.report.fmt import fmt_value
from mktsim.report.tables.model import PLAIN, RIGHT, Table, text_table
from mktsim.report.tables.terminal_run import kpi_name

SHOWN_KPIS = ("brand_awareness", "units", "revenue", "profit", "marketing_spend", "cac")
SPEND_ROWS = (("budget", N_("budget (media)")), ("media", N_("media spent")),
              ("commissions", N_("+ commissions on sales")),
              ("loyalty", N_("+ loyalty programme")),
              ("training", N_("+ training")), ("research", N_("research (out of the budget)")),
              ("total", N_("total marketing spend")))


def probability_text(d: dict[str, Any]) -> str:
    """``84% (79%-88%)``: a probability and its 95% interval."""
    lo, hi = d["interval"]
    return f"{d['probability']:.0%} ({lo:.0%}-{hi:.0%})"


def target_text(d: dict[str, Any]) -> str:
    """``84% (79%-88%), lower 81% met``: a target's probability, its 95% interval and its
    one-sided 95% lower bound, met when the bound reaches the required confidence, "bound
    not reached" when only the point estimate does (a document written before the bound
    was added shows the probability alone)."""
    if d.get("lower") is None:
        return probability_text(d)
    verdict = (_("met") if d.get("passes") else _("not met")
               if d["probability"] < d.get("confidence", 0.0) else _("bound not reached"))
    return _("{probability}, lower {lower} {verdict}").format(
        probability=probability_text(d), lower=f"{d['lower']:.0%}", verdict=verdict)


def mean_text(d: dict[str, Any], unit: str) -> str:
    """An expected value and its interval."""
    lo, hi = d["interval"]
    return _("{mean} ({low} to {high})").format(mean=fmt_value(d["mean"], unit),
                                                 low=fmt_value(lo, unit), high=fmt_value(hi, unit))


def _by_strategy(first: str, doc: dict[str, Any], book: LabelBook) -> tuple[list[str], list[str]]:
    """A first column, then one right-aligned column per strategy."""
    names = [first, *(book("strategies", s) for s in doc["strategies"])]
    return names, [PLAIN] + [RIGHT] * len(doc["strategies"])


def targets_view(doc: dict[str, Any], book: LabelBook) -> Table:
    """P(target met) with its interval, per target and strategy, then all targets."""
    names = doc["strategies"]
    heads, align = _by_strategy(_("target"), doc, book)
    rows: list[list[Any]] = [[book("targets", tg["id"]),
                              *(target_text(tg["by_strategy"][s]) for s in names)]
                             for tg in doc["targets"]]
    rows.append([(_("all targets"), "bold"),
                 *(probability_text(doc["all_targets"][s]) for s in names)])
    return text_table("comparison", _("P(target met), 95% interval, one-sided 95% lower "
                                      "bound - {n} paired replications; met: the lower "
                                      "bound reaches the required confidence").format(
                                          n=doc["replications"]),
                      heads, rows, align)


def kpis_view(doc: dict[str, Any], book: LabelBook) -> Table:
    """Expected KPIs per strategy, each followed by its difference from the reference."""
    names, reference = doc["strategies"], book("strategies", doc["reference"])
    heads, align = _by_strategy(_("KPI"), doc, book)
    rows = []
    for kpi in SHOWN_KPIS:
        unit = KPIS[kpi].unit
        rows.append([kpi_name(kpi), *(mean_text(doc["kpis"][kpi][s], unit) for s in names)])
        rows.append([_("  vs {strategy}").format(strategy=reference),
                     *("" if s == doc["reference"] else
                       mean_text(doc["differences"][kpi][s], unit) for s in names)])
    return text_table("comparison_kpis", _("Expected KPIs; difference vs {strategy} (paired t "
                                           "interval)").format(strategy=reference),
                      heads, rows, align)


def spend_view(doc: dict[str, Any], book: LabelBook) -> Table:
    """Budget against spend by line, per strategy (means per run)."""
    names = doc["strategies"]
    heads, align = _by_strategy(_("line"), doc, book)
    rows = []
    for key, words in SPEND_ROWS:
        values = [doc["spend"].get(s, {}).get(key) for s in names]
        if key in ("budget", "media", "total") or any(values):
            rows.append([_(words), *(fmt_value(v, "money") for v in values)])
    return text_table("spend", _("Budget against spend (means per run): media is the budget; "
                                 "commissions, loyalty and scheduled training come on top"),
                      heads, rows, align)


def ranking_view(doc: dict[str, Any], book: LabelBook) -> Table:
    """The strategies by the objective, with their chance of being the best in a run."""
    rows = [[str(i), book("strategies", s), f"{doc['probability_best'][s]:.0%}"]
            for i, s in enumerate(doc["ranking"], 1)]
    return text_table("ranking", _("Ranking by objective: {objective}").format(
        objective=doc["objective"]), [_("rank"), _("strategy"), _("P(best in a run)")], rows)


def compare_views(doc: dict[str, Any], book: LabelBook) -> list[Table]:
    """The comparison's terminal tables, in the order printed."""
    views = [targets_view(doc, book), kpis_view(doc, book)]
    if doc.get("spend"):
        views.append(spend_view(doc, book))
    return [*views, ranking_view(doc, book)]
