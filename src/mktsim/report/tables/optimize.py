"""The optimize document's report tables: the plan, marginal returns, headcount,
verified targets."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from mktsim.i18n import _
from mktsim.report.fmt import (
    COUNT,
    MONEY,
    NUMBER,
    PERCENT,
    RATIO,
    TEXT,
)
from mktsim.report.load import Results
from mktsim.report.tables.common import measure, money_header, prob
from mktsim.report.tables.model import Table, drop_empty, records


def plan_table(results: Results) -> Table | None:
    """The optimised plan: share of budget and amount per channel, marginal ROI."""
    opt = results.optimize
    if not opt:
        return None
    plan = opt.get("plan") or {}
    allocation: Mapping[str, float] = plan.get("allocation") or {}
    if not allocation:
        return None
    budget = plan.get("budget")
    marginal = opt.get("marginal_roi") or {}
    frame = pd.DataFrame(
        [
            {
                _("Channel"): results.label("channels", ch),
                _("Share of budget"): share,
                money_header(_("Budget"), results): None if budget is None else budget * share,
                _("Marginal ROI"): marginal.get(ch),
            }
            for ch, share in allocation.items()
        ]
    )
    frame = drop_empty(frame, list(frame.columns[2:]))
    kinds: dict[str, str | list[str]] = {_("Share of budget"): PERCENT, _("Marginal ROI"): RATIO}
    kinds.update({c: MONEY for c in frame.columns if "(" in c})
    return Table(
        "plan",
        _("Optimised plan"),
        frame,
        kinds,
        note=_("Marginal ROI: extra return of one more unit of money in the channel."),
    )


def marginal_table(results: Results) -> Table | None:
    """What one more unit of money buys in each channel, as found by the optimiser."""
    marginal = (results.optimize or {}).get("marginal") or {}
    rows = [{"channel": results.label("channels", ch), **v} for ch, v in marginal.items()
            if isinstance(v, Mapping)]
    keys = list(dict.fromkeys(k for r in rows for k in r if k != "channel"))
    columns = [("channel", _("Channel"), TEXT)] + [
        (
            k,
            money_header(measure(k), results) if k == "spend" else measure(k),
            MONEY if k == "spend" else NUMBER,
        )
        for k in keys
    ]
    return records("marginal", _("Marginal returns by channel"), rows, columns)


def headcount_table(results: Results) -> Table | None:
    """Headcount of the optimised plan, by role."""
    heads = ((results.optimize or {}).get("plan") or {}).get("headcount") or {}
    if not heads:
        return None
    frame = pd.DataFrame({_("Role"): [results.label("teams", k) for k in heads],
                          _("Headcount"): list(heads.values())})
    return Table("headcount", _("Optimised headcount"), frame, {_("Headcount"): COUNT})


def verified_table(results: Results) -> Table | None:
    """Target probabilities of the optimised plan, re-checked with fresh runs."""
    verified = (results.optimize or {}).get("verified") or {}
    rows = verified.get("targets") or []
    if not rows:
        return None
    frame = pd.DataFrame(
        [
            dict(
                zip(
                    (_("Target"), _("Probability"), _("Probability low"), _("Probability high")),
                    (results.label("targets", str(t.get("id"))), *prob(t)),
                    strict=True,
                )
            )
            for t in rows
        ]
    )
    reps = verified.get("replications")
    return Table(
        "verified",
        _("Optimised plan: targets (verified)"),
        frame,
        dict.fromkeys(frame.columns[1:], PERCENT),
        note=_("Checked with {n:,} fresh runs.").format(n=reps) if isinstance(reps, int) else "",
    )
