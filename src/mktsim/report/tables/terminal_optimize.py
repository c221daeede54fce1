"""The terminal's tables of `mktsim optimize` and `mktsim explain`: the winning plan, its
targets on the search and on the confirmation, the risk frontier, marginal returns, price
elasticities, leaks, channels and teams."""

from __future__ import annotations

import math
from typing import Any

from mktsim.i18n import LabelBook, _
from mktsim.report.fmt import fmt_value
from mktsim.report.tables.model import LEFT, PLAIN, RIGHT, Table, text_table
from mktsim.report.tables.terminal_run import leak_words


def _left_then_right(heads: list[str]) -> list[str]:
    return [LEFT] + [RIGHT] * (len(heads) - 1)


def plan_view(doc: dict[str, Any], book: LabelBook) -> Table:
    """The winner: share and money per channel, then people per lever team."""
    rows = [[book("channels", ch), f"{share:.1%}", fmt_value(share * doc["budget"], "money")]
            for ch, share in doc["plan"]["allocation"].items()]
    rows += [[_("team {team}").format(team=book("teams", team)), "",
              _("{n} people").format(n=n)]
             for team, n in (doc["plan"].get("headcount") or {}).items()]
    heads = [_("channel"), _("share"), _("money")]
    return text_table("plan", _("Winning plan"), heads, rows, _left_then_right(heads))


def confirmation_view(doc: dict[str, Any], book: LabelBook) -> Table:
    """Per target: P(met) on the search's replications and on the confirmation's, with
    counts, 95% intervals and the one-sided 95% lower bound that decides."""
    search = {t["id"]: t for t in (doc.get("search") or {}).get("targets") or []}
    checks = {t["id"]: t for t in (doc.get("confirmation") or {}).get("targets") or []}
    rows = []
    for tg in doc["verified"]["targets"]:
        s, c = search.get(tg["id"]), checks.get(tg["id"])
        rows.append([book("targets", tg["id"]),
                     _counted(s, doc["search"]["replications"]) if s else "",
                     _counted(tg, doc["verified"]["replications"]),
                     f"{c['lower']:.1%}" if c else "", f"{tg['confidence']:.0%}",
                     (_("yes") if c["passes"] else _("no")) if c else ""])
    heads = [_("target"), _("search P(met)"), _("confirmed P(met)"),
             _("lower bound (95%, one-sided)"), _("required"), _("passes")]
    return text_table("confirmation", _("Targets: search against confirmation ({n} fresh "
                                        "replications)").format(
        n=doc["verified"]["replications"]), heads, rows)


def _counted(d: dict[str, Any], reps: int) -> str:
    """`82% (74%-88%), 66/80`: probability, 95% interval and count."""
    lo, hi = d["interval"]
    n = d.get("met")
    count = "" if n is None else f", {n}/{reps}"
    return f"{d['probability']:.0%} ({lo:.0%}-{hi:.0%}){count}"


def binding_words(doc: dict[str, Any]) -> str:
    """The bounds the plan sits on, one phrase each ('' when none)."""
    return ", ".join(f"{b['kind']} {b['name']} {b['bound']} {b['value']:,.6g}"
                     + (_(" (shadow cost {value} per unit of money)").format(
                         value=f"{b['shadow']['per_money']:+.3g}")
                        if (b.get("shadow") or {}).get("per_money") is not None else "")
                     for b in doc.get("binding") or [])


def frontier_view(rows: list[dict[str, Any]]) -> Table:
    """Expected profit against its low quantile, per budget and objective (what safety
    costs)."""
    cells = []
    for r in rows:
        what = (_("expected {kpi}") if r["maximized"] == "mean" else _("p{q} of {kpi}")).format(
            kpi=r["kpi"], q=f"{100 * r['level']:g}")
        lo, hi = r["mean_interval"]
        cells.append([fmt_value(r["budget"], "money"), what, fmt_value(r["mean"], "money"),
                      f"{fmt_value(lo, 'money')} - {fmt_value(hi, 'money')}",
                      f"p{100 * r['level']:g} {fmt_value(r['quantile'], 'money')}",
                      str(r["replications"])])
    heads = [_("budget"), _("plan maximising"), _("expected"), _("95% interval"),
             _("low quantile"), _("replications")]
    return text_table("frontier", _("What safety costs: expected value against the bad "
                                    "tail"), heads, cells, RIGHT)


def marginal_view(marginal: dict[str, dict[str, float]], book: LabelBook) -> Table:
    """What the next unit of money buys in each channel."""
    rows = [[book("channels", ch), fmt_value(row["spend"], "money"),
             f"{row['profit_per_money']:.2f}", f"{row['revenue_per_money']:.2f}",
             f"{row['units_per_money'] * 1e4:.1f}"] for ch, row in marginal.items()]
    heads = [_("channel"), _("spend"), _("profit / money"), _("revenue / money"),
             _("units per 10k")]
    return text_table("marginal", _("Marginal return of the next unit of money, by channel"),
                      heads, rows, _left_then_right(heads))


def elasticity_view(found: dict[str, Any], book: LabelBook) -> Table:
    """The own-price elasticity the model implies per product (day 0), by segment."""
    segments = list(dict.fromkeys(s for e in found.values() for s in e["by_segment"]))
    heads = [_("product"), _("mean (by segment size)"), *(book("segments", s)
                                                          for s in segments)]
    rows = [[book("products", product), f"{e['mean']:.2f}",
             *(f"{e['by_segment'].get(s, math.nan):.2f}" for s in segments)]
            for product, e in found.items()]
    return text_table("elasticity", _("Own-price elasticity the model implies on day 0: "
                                      "b_p P (1 - s)"), heads, rows, _left_then_right(heads))


def leaks_view(doc: dict[str, Any], book: LabelBook) -> Table:
    """The funnel's losses of the explained strategy (means per run)."""
    rows = [[leak_words(name), fmt_value(value, "count")]
            for name, value in doc["leaks"]["funnel"].items()]
    return text_table("leaks", _("Where the plan leaks - {strategy} (means per run)").format(
        strategy=book("strategies", doc["strategy"])), [_("loss"), _("count")], rows,
        [PLAIN, RIGHT])


def channels_view(doc: dict[str, Any], book: LabelBook) -> Table:
    """Spend, saturation, incremental (when measured) and last-touch returns by channel."""
    rows = doc["leaks"]["channels"]
    measured = any("incremental_roi" in r for r in rows.values())
    heads = [_("channel"), _("spend"), _("saturation")]
    heads += [_("incr. units"), _("incr. ROI"), _("incr. CAC")] if measured else []
    heads += [_("ROI (LT)"), _("CAC (LT)"), _("capacity lost")]
    cells = []
    for ch, row in rows.items():
        line = [book("channels", ch), fmt_value(row["spend"], "money"),
                f"{row['saturation']:.0%}"]
        if measured:
            line += [fmt_value(row.get("incremental_units"), "count"),
                     fmt_value(row.get("incremental_roi"), "ratio"),
                     fmt_value(row.get("incremental_cac"), "money")]
        cells.append([*line, fmt_value(row["roi"], "ratio"), fmt_value(row["cac"], "money"),
                      fmt_value(row["capacity_lost"], "count")])
    return text_table("channels", _("Channels (incr.: what the plan loses without the "
                                    "channel; LT: last touch)"), heads, cells,
                      _left_then_right(heads))


def teams_view(doc: dict[str, Any], book: LabelBook) -> Table:
    """Offered work against capacity per team, titled with the bottleneck."""
    from mktsim.decision.explain import bottleneck_words

    teams = doc["leaks"]["teams"]
    rows = [[book("teams", team), fmt_value(row["work"], "count"),
             fmt_value(row["capacity"], "count"), f"{row['utilisation']:.0%}"]
            for team, row in teams.items()]
    heads = [_("team"), _("work"), _("capacity"), _("utilisation")]
    return text_table("teams", _("Teams: offered work / capacity - {bottleneck}").format(
        bottleneck=bottleneck_words(teams, book)), heads, rows, _left_then_right(heads))


def extra_views(doc: dict[str, Any], book: LabelBook) -> list[Table]:
    """Price elasticities and marginal returns, when the document has them."""
    views = []
    if doc.get("price_elasticity"):
        views.append(elasticity_view(doc["price_elasticity"], book))
    if doc.get("marginal"):
        views.append(marginal_view(doc["marginal"], book))
    return views


def explain_views(doc: dict[str, Any], book: LabelBook) -> list[Table]:
    """The explanation's terminal tables, in the order printed."""
    return [leaks_view(doc, book), channels_view(doc, book), teams_view(doc, book),
            *extra_views(doc, book)]
