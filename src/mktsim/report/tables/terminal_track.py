"""The terminal's tables of a tracked plan (`mktsim track`): targets given the actuals beside
the plan's own, and the re-optimised rest of the year."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from mktsim.i18n import N_, LabelBook, _
from mktsim.kpis import KPIS
from mktsim.report.fmt import fmt_value
from mktsim.report.tables.model import LEFT, RIGHT, Table, text_table
from mktsim.report.tables.terminal_compare import probability_text
from mktsim.report.tables.terminal_run import kpi_name, verdict_cell
from mktsim.report.words import STATUSES, word

if TYPE_CHECKING:
    from mktsim.track import Tracking

TRACK_COLUMNS = (N_("target"), N_("goal"), N_("P(met) now"), N_("95% interval"),
                 N_("plan's P(met)"), N_("at the as-of date"), N_("verdict"))
CHANGE_COLUMNS = (N_("lever"), N_("spent to date"), N_("planned after"), N_("new plan after"),
                  N_("change"))
TARGET_COLUMNS = (N_("target"), N_("confidence"), N_("plan P(met)"), N_("new P(met)"),
                  N_("verdict"))


def tracking_view(t: Tracking, labels: LabelBook | None = None) -> Table:
    """Per target: P(met) given the actuals with its interval, the plan's P(met), and
    on track or behind the linear trajectory at the as-of date."""
    book = labels if labels is not None else LabelBook()
    rows = []
    for tt in t.targets:
        v, u, pos = tt.conditional, tt.unconditional, tt.position
        sign = ">=" if v.direction == "at_least" else "<="
        where = word(STATUSES, pos.status, pos.status)
        if pos.status != "not started" and pos.relative_gap is not None:
            where = f"{where} {pos.relative_gap:+.0%}"
        rows.append([book("targets", v.target.id),
                     f"{kpi_name(v.target.metric)} {sign} "
                     f"{fmt_value(v.threshold, KPIS[v.target.metric].unit)}",
                     f"{v.probability:.0%}", f"{v.interval[0]:.0%}-{v.interval[1]:.0%}",
                     f"{u.probability:.0%}", where, verdict_cell(v.verdict, v.met)])
    heads = [_(c) for c in TRACK_COLUMNS]
    return text_table("tracking", _("Targets given the actuals to {date} - strategy "
                                    "{strategy}").format(
        date=t.as_of, strategy=book("strategies", t.conditioned.strategy)), heads, rows,
        no_wrap=frozenset(heads[:1]))


def signed(value: float) -> str:
    """Money with its sign: ``+1,000``, ``-500``."""
    return ("+" if value > 0 else "") + fmt_value(value, "money")


def change_view(doc: dict[str, Any]) -> Table:
    """Money per channel and people per lever team after the as-of date: plan -> new."""
    rows: list[list[Any]] = [
        [c["channel"], fmt_value(c["spent"], "money"), fmt_value(c["before"], "money"),
         fmt_value(c["after"], "money"), signed(c["change"])] for c in doc["channels"]]
    rem = doc["remaining"]
    rows.append([(_("media money"), "bold"), fmt_value(rem["spent"], "money"),
                 fmt_value(rem["before"], "money"), fmt_value(rem["after"], "money"),
                 signed(rem["after"] - rem["before"])])
    rows += [[_("{team} (people)").format(team=h["team"]), "", str(h["before"]),
              str(h["after"]), f"{h['hires']:+d}"] for h in doc["headcount"]]
    return text_table("reoptimize_changes", _("What changes from {day} on (strategy "
                                              "{strategy} -> reoptimized)").format(
        day=doc["first_day"], strategy=doc["strategy"]), [_(c) for c in CHANGE_COLUMNS],
        rows, [LEFT] + [RIGHT] * (len(CHANGE_COLUMNS) - 1))


def change_targets_view(doc: dict[str, Any]) -> Table:
    """Per target: P(met) given the actuals under the plan and under the new plan (fresh
    replications), each with its 95% interval."""
    rows: list[list[Any]] = []
    for t in doc["targets"]:
        before, after = t["before"], t["after"]
        if after is None:
            rows.append([t["id"], f"{t['confidence']:.0%}", probability_text(before), "-",
                         _("deadline before the as-of date")])
            continue
        verdict = (_("met"), "green") if t["met"] else \
            (_("short by {gap:.0%}").format(gap=t["shortfall"]), "red")
        shown = probability_text(after)
        if t.get("lower") is not None:
            shown = _("{probability}, lower {lower}").format(probability=shown,
                                                             lower=f"{t['lower']:.0%}")
        rows.append([t["id"], f"{t['confidence']:.0%}", probability_text(before),
                     shown, verdict])
    return text_table("reoptimize_targets", _("Targets given the actuals: plan -> new plan "
                                              "(verified on {n} fresh replications; met: "
                                              "the one-sided 95% lower bound reaches the "
                                              "confidence)").format(
        n=doc["verified"]["replications"]), [_(c) for c in TARGET_COLUMNS], rows)
