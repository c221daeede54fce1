"""The optimize document's report tables: the plan, marginal returns, headcount,
verified targets."""

from __future__ import annotations

from collections.abc import Mapping

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
from mktsim.report.tables.model import Table, records


def plan_table(results: Results) -> Table | None:
    """The optimised plan: share of budget and amount per channel, marginal ROI."""
    opt = results.optimize or {}
    allocation: Mapping[str, float] = (opt.get("plan") or {}).get("allocation") or {}
    budget = (opt.get("plan") or {}).get("budget")
    marginal = opt.get("marginal_roi") or {}
    rows = [{"channel": results.label("channels", ch), "share": share,
             "money": None if budget is None else budget * share, "roi": marginal.get(ch)}
            for ch, share in allocation.items()]
    columns = [("channel", _("Channel"), TEXT), ("share", _("Share of budget"), PERCENT),
               # without a currency the heading names none, and the amounts are plain numbers
               ("money", money_header(_("Budget"), results),
                MONEY if results.currency else TEXT),
               ("roi", _("Marginal ROI"), RATIO)]
    return records("plan", _("Optimised plan"), rows, columns, optional=("money", "roi"),
                   note=_("Marginal ROI: extra return of one more unit of money in the "
                          "channel."))


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
    rows = [{"team": results.label("teams", k), "n": n} for k, n in heads.items()]
    return records("headcount", _("Optimised headcount"), rows,
                   [("team", _("Role"), TEXT), ("n", _("Headcount"), COUNT)], optional=())


def verified_table(results: Results) -> Table | None:
    """Target probabilities of the optimised plan, re-checked with fresh runs."""
    verified = (results.optimize or {}).get("verified") or {}
    rows = [dict(zip(("id", "p", "low", "high"),
                     (results.label("targets", str(t.get("id"))), *prob(t)), strict=True))
            for t in verified.get("targets") or []]
    reps = verified.get("replications")
    columns = [("id", _("Target"), TEXT), ("p", _("Probability"), PERCENT),
               ("low", _("Probability low"), PERCENT), ("high", _("Probability high"), PERCENT)]
    return records("verified", _("Optimised plan: targets (verified)"), rows, columns,
                   optional=(), note=_("Checked with {n:,} fresh runs.").format(n=reps)
                   if isinstance(reps, int) else "")
