"""The optimize document's report tables: the plan, marginal returns, headcount,
verified targets, search against confirmation, binding constraints, month flighting."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mktsim.i18n import N_, _
from mktsim.report.fmt import (
    COUNT,
    MONEY,
    NUMBER,
    PERCENT,
    RATIO,
    TEXT,
    format_month,
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


def confirmation_table(results: Results) -> Table | None:
    """Per target: the probability on the search's replications and on the confirmation's
    (own seed stream), their 95% intervals and counts, the one-sided 95% lower bound that
    decides, the required confidence and whether the target passes."""
    opt = results.optimize or {}
    confirmation = opt.get("confirmation") or {}
    checks = {t.get("id"): t for t in confirmation.get("targets") or []}
    if not checks:
        return None
    search = {t.get("id"): t for t in (opt.get("search") or {}).get("targets") or []}
    rows = []
    for tid, c in checks.items():
        s = search.get(tid) or {}
        p, lo, hi = prob(s)
        cp, clo, chi = prob(c if "interval" in c else _confirmed(opt, tid))
        rows.append({"id": results.label("targets", str(tid)), "search": p, "search_low": lo,
                     "search_high": hi, "search_met": s.get("met"),
                     "search_reps": (opt.get("search") or {}).get("replications"),
                     "confirmed": cp if cp is not None else c.get("probability"),
                     "confirmed_low": clo, "confirmed_high": chi, "confirmed_met": c.get("met"),
                     "confirmed_reps": c.get("replications"), "lower": c.get("lower"),
                     "confidence": c.get("confidence"),
                     "passes": _("yes") if c.get("passes") else _("no")})
    columns = [("id", _("Target"), TEXT), ("search", _("Search probability"), PERCENT),
               ("search_low", _("Search low"), PERCENT),
               ("search_high", _("Search high"), PERCENT),
               ("search_met", _("Search runs met"), COUNT),
               ("search_reps", _("Search runs"), COUNT),
               ("confirmed", _("Confirmed probability"), PERCENT),
               ("confirmed_low", _("Confirmed low"), PERCENT),
               ("confirmed_high", _("Confirmed high"), PERCENT),
               ("confirmed_met", _("Confirmation runs met"), COUNT),
               ("confirmed_reps", _("Confirmation runs"), COUNT),
               ("lower", _("Lower bound (one-sided 95%)"), PERCENT),
               ("confidence", _("Required"), PERCENT), ("passes", _("Passes"), TEXT)]
    note = _("A target passes when the lower end of a one-sided 95% Wilson interval of its "
             "probability on the confirmation runs (a seed stream the search never used) "
             "reaches the required confidence.")
    if confirmation.get("tolerance"):
        note += " " + _("Tolerance allowed below the confidence: {tolerance}.").format(
            tolerance=f"{confirmation['tolerance']:.1%}")
    return records("confirmation", _("Optimised plan: search against confirmation"), rows,
                   columns, note=note, optional=("search", "search_low", "search_high",
                                                 "search_met", "search_reps",
                                                 "confirmed_low", "confirmed_high"))


def _confirmed(opt: Mapping[str, Any], tid: Any) -> Mapping[str, Any] | None:
    """The `verified` entry of target `tid` (the confirmation's interval)."""
    return next((t for t in (opt.get("verified") or {}).get("targets") or []
                 if t.get("id") == tid), None)


BOUND_KINDS = {"group": N_("channel group"), "channel": N_("channel money"),
               "budget": N_("budget")}
BOUND_SIDES = {"max_share": N_("highest share"), "min_share": N_("lowest share"),
               "lowest": N_("lowest"), "highest": N_("highest")}


def binding_table(results: Results) -> Table | None:
    """The bounds the optimised plan sits on: kind, name, which bound and its value."""
    rows = [{"kind": _(BOUND_KINDS[b["kind"]]) if b.get("kind") in BOUND_KINDS
             else str(b.get("kind")), "name": _binding_name(results, b),
             "bound": _(BOUND_SIDES[b["bound"]]) if b.get("bound") in BOUND_SIDES
             else str(b.get("bound")),
             "value": b.get("value"), **_shadow(b)}
            for b in (results.optimize or {}).get("binding") or [] if isinstance(b, Mapping)]
    columns = [("kind", _("Constraint"), TEXT), ("name", _("Name"), TEXT),
               ("bound", _("Bound"), TEXT), ("value", _("Value at the bound"), NUMBER),
               ("shadow", _("Shadow cost per unit of money"), NUMBER),
               ("shadow_low", _("Shadow cost low"), NUMBER),
               ("shadow_high", _("Shadow cost high"), NUMBER),
               ("why", _("Why not estimated"), TEXT)]
    return records("binding", _("Optimised plan: binding constraints"), rows, columns,
                   optional=("shadow", "shadow_low", "shadow_high", "why"),
                   note=_("Constraints the plan sits on. Shadow cost: the objective's gain "
                          "per unit of money when the bound is loosened by 2% of the "
                          "budget, paired on the search's replications (95% interval)."))


def _shadow(b: Mapping[str, Any]) -> dict[str, Any]:
    """The shadow cost's columns of a binding entry."""
    s = b.get("shadow")
    if not isinstance(s, Mapping):
        return {"why": _("not estimated in target mode") if "target mode" in str(
            b.get("shadow_note") or "") else str(b.get("shadow_note") or "")}
    lo, hi = (s.get("interval") or [None, None])[:2]
    return {"shadow": s.get("per_money"), "shadow_low": lo, "shadow_high": hi}


def _binding_name(results: Results, b: Mapping[str, Any]) -> str:
    name = str(b.get("name") or "")
    return results.label("channels", name) if b.get("kind") == "channel" else name


def flighting_table(results: Results) -> Table | None:
    """The month flighting chosen by the search (1 = an average month) against the
    season of the same months: one column per channel when each channel has its curve
    (with the plan's media money by month, on-air windows counted), else the plan's."""
    chosen = (results.optimize or {}).get("flighting") or {}
    season = chosen.get("season") or []
    channels = chosen.get("channels") or {}
    weights = chosen.get("weights") or []
    first = results.start_date
    months = [format_month(first.year + (first.month - 1 + m) // 12,
                           (first.month - 1 + m) % 12 + 1) for m in range(12)]
    if chosen.get("per_channel") and channels:
        heads = {c: results.label("channels", c) for c in channels}
        rows = [{"month": months[m], "season": season[m] if m < len(season) else None,
                 **{c: v["weights"][m] for c, v in channels.items()},
                 "money": sum(v["money"][m] for v in channels.values())}
                for m in range(12)]
        columns = [("month", _("Month"), TEXT), ("season", _("Seasonality of demand"), RATIO),
                   *[(c, heads[c], RATIO) for c in channels],
                   ("money", money_header(_("Media money"), results), MONEY)]
        return records("flighting", _("Optimised plan: flighting by month and channel"),
                       rows, columns, note=_("Each channel's weight relative to its average "
                                             "month (1); its money over the year is kept."))
    rows = [{"month": months[m], "weight": w, "season": season[m] if m < len(season) else None}
            for m, w in enumerate(weights)]
    return records("flighting", _("Optimised plan: flighting by month"), rows,
                   [("month", _("Month"), TEXT), ("weight", _("Spend weight chosen"), RATIO),
                    ("season", _("Seasonality of demand"), RATIO)],
                   note=_("Relative to an average month (1)."))
