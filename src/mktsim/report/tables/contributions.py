"""The contributions table of a calibration: per channel, the baseline, each demand driver
and the interaction, what it produced of a KPI over the history window, with its 90%
interval over the posterior draws, its share of the total, and a channel's spend, ROI and
marginal ROI (`documents.contributions`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from mktsim.i18n import N_, _
from mktsim.report.fmt import phrase
from mktsim.report.tables.model import RIGHT, Table, text_table

if TYPE_CHECKING:
    from mktsim.calibrate.result import CalibrationResult
    from mktsim.documents.contributions import ContributionEntry, Contributions

HEADER = [N_("part"), N_("contribution"), N_("90% interval"), N_("share"), N_("spend"),
          "ROI", N_("ROI 90%"), N_("marginal ROI")]


def part_label(name: str) -> str:
    """An entry's name in the active language: channels by name, the other parts worded."""
    words = {"base": _("base demand"), "baseline": _("baseline"), "season": _("season"),
             "trend": _("trend"), "interaction": _("interaction"), "total": _("total")}
    if name in words:
        return words[name]
    kind, _dot, rest = name.partition(".")
    if kind == "control" and rest:
        return _("control {name}").format(name=rest)
    if kind == "event" and rest:
        return _("event {name}").format(name=rest)
    return name


def entry_label(entry: ContributionEntry) -> str:
    """The label of an entry; a channel's name as it is, the baseline apart marked as
    not part of the sum."""
    text = part_label(entry.name) if entry.part != "channel" else entry.name
    if not entry.in_total and entry.part != "total":
        text = _("{part}, not added").format(part=text)
    return text


def contribution_rows(contributions: Contributions, kpi: str) -> list[list[str]]:
    """One row per entry: label, contribution, interval, share of the total, spend, ROI,
    its interval, marginal ROI."""
    total = contributions.entry("total").values[kpi].contribution
    rows = []
    for e in contributions.entries:
        v = e.values[kpi]
        share = v.contribution / total if total else float("nan")
        rows.append([entry_label(e), _amount(v.contribution),
                     f"{_amount(v.interval[0])} - {_amount(v.interval[1])}",
                     f"{share:.1%}", "" if e.spend is None else _amount(e.spend),
                     _ratio(v.roi), _pair(v.roi_interval), _ratio(v.marginal_roi)])
    return rows


def how_made(contributions: Contributions) -> str:
    """Where the values and the intervals come from: the fit's optimum and the draws, or
    (`at_optimum` 0) the draws alone."""
    if contributions.at_optimum:
        return _("Values at the fit's optimum ({n} replications); 90% intervals over {draws} "
                 "posterior draws (replications per draw: {reps}, on common random numbers), "
                 "widened to hold the value where it falls outside.").format(
            n=contributions.at_optimum, draws=contributions.draws,
            reps=contributions.replications)
    return _("Values and 90% intervals over {draws} posterior draws (replications per "
             "draw: {reps}, on common random numbers).").format(draws=contributions.draws,
                                                      reps=contributions.replications)


def contribution_table(contributions: Contributions, kpi: str) -> Table:
    """The decomposition of one KPI."""
    note = _("Baseline: the KPI with no media spend; base demand: with no spend and every "
             "demand driver neutral. {how} ROI: {kpi} per money spent; marginal ROI: {kpi} "
             "per extra money when last year's spend rises by {step:.0%}. The parts of a "
             "nonlinear model do not add up exactly: the interaction is the remainder.").format(
        how=how_made(contributions), kpi=phrase(kpi), step=contributions.step)
    key = "contributions" if kpi == contributions.kpi else f"contributions_{kpi}"
    return text_table(key, _("Contributions to {kpi}").format(kpi=phrase(kpi)),
                      [_(h) for h in HEADER], contribution_rows(contributions, kpi),
                      align=["left", *[RIGHT] * 7], note=note, fold=True)


def contribution_tables(result: CalibrationResult) -> list[Table]:
    """One table per KPI, the headline first; none without contributions."""
    c = result.contributions
    return [] if c is None else [contribution_table(c, kpi) for kpi in c.kpis]


def _amount(x: float) -> str:
    if abs(x) >= 1e6:
        return f"{x / 1e6:,.2f} M"
    return f"{x:,.0f}" if abs(x) >= 100 or x == 0 else f"{x:,.2f}"


def _ratio(x: float | None) -> str:
    return "" if x is None else f"{x:.3g}"


def _pair(p: tuple[float, float] | None) -> str:
    return "" if p is None else f"{p[0]:.3g} - {p[1]:.3g}"
