"""Rich tables for `compare`, `optimize` and `explain`."""

from __future__ import annotations

import math
from typing import Any

from rich.markup import escape
from rich.table import Table

from ..i18n import N_, LabelBook, _, is_zh
from ..kpis import KPIS
from .terminal import fmt_value, uncertainty_note, wide_console

SHOWN_KPIS = ("brand_awareness", "units", "revenue", "profit", "marketing_spend", "cac")


def _p(d: dict[str, Any]) -> str:
    lo, hi = d["interval"]
    return f"{d['probability']:.0%} ({lo:.0%}-{hi:.0%})"


def _m(d: dict[str, Any], unit: str) -> str:
    lo, hi = d["interval"]
    return _("{mean} ({low} to {high})").format(mean=fmt_value(d["mean"], unit),
                                                 low=fmt_value(lo, unit), high=fmt_value(hi, unit))


SPEND_ROWS = (("budget", N_("budget (media)")), ("media", N_("media spent")),
              ("commissions", N_("+ commissions on sales")),
              ("loyalty", N_("+ loyalty programme")),
              ("training", N_("+ training")), ("research", N_("research (out of the budget)")),
              ("total", N_("total marketing spend")))


def _book(labels: LabelBook | None) -> LabelBook:
    return labels if labels is not None else LabelBook()


def _kpi_name(kpi: str) -> str:
    from .fmt import label

    return label(kpi) if is_zh() else kpi


def _spend_table(doc: dict[str, Any], names: list[str], labels: LabelBook) -> Table:
    """Budget against spend by line, per strategy (means per run)."""
    t = Table(title=_("Budget against spend (means per run): media is the budget; "
                      "commissions, loyalty and scheduled training come on top"))
    t.add_column(_("line"))
    for s in names:
        t.add_column(escape(labels("strategies", s)), justify="right")
    for key, words in SPEND_ROWS:
        values = [doc["spend"].get(s, {}).get(key) for s in names]
        if key not in ("budget", "media", "total") and not any(values):
            continue
        t.add_row(_(words), *(fmt_value(v, "money") for v in values))
    return t

def print_uncertainty_note(doc: dict[str, Any], con: Any) -> None:
    """The note that target probabilities include the scenario's parameter uncertainty."""
    drawn = doc.get("parameter_uncertainty") or []
    if drawn:
        con.print(escape(uncertainty_note(len(drawn), doc.get("joint_draws"))))


def print_compare(doc: dict[str, Any], console: Any = None,
                  labels: LabelBook | None = None) -> None:
    """Targets, KPIs, paired differences, P(best) and ranking of a comparison."""
    con = console or wide_console()
    book = _book(labels)
    print_uncertainty_note(doc, con)
    names = doc["strategies"]
    reference = book("strategies", doc["reference"])
    t = Table(title=_("P(target met), 95% interval - {n} paired replications").format(
        n=doc["replications"]))
    t.add_column(_("target"))
    for s in names:
        t.add_column(escape(book("strategies", s)), justify="right")
    for tg in doc["targets"]:
        t.add_row(escape(book("targets", tg["id"])), *(_p(tg["by_strategy"][s]) for s in names))
    t.add_row("[bold]" + _("all targets") + "[/bold]",
              *(_p(doc["all_targets"][s]) for s in names))
    con.print(t)
    k = Table(title=_("Expected KPIs; difference vs {strategy} (paired t interval)").format(
        strategy=escape(reference)))
    k.add_column(_("KPI"))
    for s in names:
        k.add_column(escape(book("strategies", s)), justify="right")
    for kpi in SHOWN_KPIS:
        unit = KPIS[kpi].unit
        k.add_row(_kpi_name(kpi), *(_m(doc["kpis"][kpi][s], unit) for s in names))
        k.add_row(
            _("  vs {strategy}").format(strategy=escape(reference)),
            *("" if s == doc["reference"] else _m(doc["differences"][kpi][s], unit) for s in names),
        )
    con.print(k)
    if doc.get("spend"):
        con.print(_spend_table(doc, names, book))
    r = Table(title=_("Ranking by objective: {objective}").format(objective=doc["objective"]))
    for col in (N_("rank"), N_("strategy"), N_("P(best in a run)")):
        r.add_column(_(col))
    for i, s in enumerate(doc["ranking"], 1):
        r.add_row(str(i), escape(book("strategies", s)), f"{doc['probability_best'][s]:.0%}")
    con.print(r)
    con.print(_("P(best in a run): share of replications in which the strategy is the best "
                "by the objective (ties on targets broken by the second measure)."))
    con.print(_("stopped: {why} after {n} replications").format(why=doc["stopped"],
                                                                n=doc["replications"]))


def print_optimum(doc: dict[str, Any], console: Any = None,
                  labels: LabelBook | None = None) -> None:
    """The winning plan, its verified targets, and the marginal returns."""
    con = console or wide_console()
    book = _book(labels)
    print_uncertainty_note(doc, con)
    status = ("[green]" + _("reached") + "[/green]" if doc["feasible"]
              else "[red]" + _("not reached") + "[/red]")
    con.print(_("optimize ({mode}): {objective} - {status}; {n} candidate plans evaluated")
              .format(mode=doc["mode"], objective=doc["objective"], status=status,
                      n=doc["evaluations"]))
    con.print(_("budget {budget}, lever teams {teams}, total {total}").format(
        budget=fmt_value(doc["budget"], "money"), teams=fmt_value(doc["team_cost"], "money"),
        total=fmt_value(doc["total_cost"], "money")))
    a = Table(title=_("Winning plan"))
    for col in (N_("channel"), N_("share"), N_("money")):
        a.add_column(_(col), justify="left" if col == "channel" else "right")
    for ch, share in doc["plan"]["allocation"].items():
        a.add_row(escape(book("channels", ch)), f"{share:.1%}",
                  fmt_value(share * doc["budget"], "money"))
    for team, n in (doc["plan"].get("headcount") or {}).items():
        a.add_row(_("team {team}").format(team=escape(book("teams", team))), "",
                  _("{n} people").format(n=n))
    con.print(a)
    con.print(confirmation_table(doc, book))
    if doc.get("binding"):
        sits = ", ".join(f"{b['kind']} {b['name']} {b['bound']} {b['value']:,.6g}"
                         for b in doc["binding"])
        con.print(_("bounds the plan sits on: {bounds}").format(bounds=escape(sits)))
    for note in str(doc.get("message") or "").split("; ")[1:]:  # after the headline
        con.print("[yellow]" + _("note:") + f"[/yellow] {escape(note)}")
    if doc.get("price_elasticity"):
        con.print(_elasticity_table(doc["price_elasticity"], book))
    if doc.get("marginal"):
        print_marginal(doc["marginal"], con, book)


def print_marginal(marginal: dict[str, dict[str, float]], console: Any = None,
                   labels: LabelBook | None = None) -> None:
    """What the next unit of money buys in each channel."""
    con = console or wide_console()
    book = _book(labels)
    t = Table(title=_("Marginal return of the next unit of money, by channel"))
    for col in (N_("channel"), N_("spend"), N_("profit / money"), N_("revenue / money"),
                N_("units per 10k")):
        t.add_column(_(col), justify="left" if col == "channel" else "right")
    for ch, row in marginal.items():
        t.add_row(
            escape(book("channels", ch)),
            fmt_value(row["spend"], "money"),
            f"{row['profit_per_money']:.2f}",
            f"{row['revenue_per_money']:.2f}",
            f"{row['units_per_money'] * 1e4:.1f}",
        )
    con.print(t)


def _elasticity_table(found: dict[str, Any], labels: LabelBook | None = None) -> Table:
    """The own-price elasticity the model implies per product (day 0), by segment."""
    book = _book(labels)
    segments = list(dict.fromkeys(s for e in found.values() for s in e["by_segment"]))
    t = Table(title=_("Own-price elasticity the model implies on day 0: b_p P (1 - s)"))
    t.add_column(_("product"), justify="left")
    t.add_column(_("mean (by segment size)"), justify="right")
    for s in segments:
        t.add_column(escape(book("segments", s)), justify="right")
    for product, e in found.items():
        t.add_row(escape(book("products", product)), f"{e['mean']:.2f}",
                  *(f"{e['by_segment'].get(s, math.nan):.2f}" for s in segments))
    return t


def print_explain(doc: dict[str, Any], console: Any = None,
                  labels: LabelBook | None = None) -> None:
    """Where the plan leaks, the bottleneck team, channel ROI/CAC, marginal returns."""
    from .words import LEAK_WORDS, word

    con = console or wide_console()
    book = _book(labels)
    f = Table(title=_("Where the plan leaks - {strategy} (means per run)").format(
        strategy=escape(book("strategies", doc["strategy"]))))
    f.add_column(_("loss"))
    f.add_column(_("count"), justify="right")
    for name, value in doc["leaks"]["funnel"].items():
        shown = word(LEAK_WORDS, name) if is_zh() else name.replace("_", " ")
        f.add_row(shown, fmt_value(value, "count"))
    con.print(f)
    c = Table(title=_("Channels (incr.: what the plan loses without the channel; LT: last "
                      "touch)"))
    rows = doc["leaks"]["channels"]
    measured = any("incremental_roi" in r for r in rows.values())
    cols = [N_("channel"), N_("spend"), N_("saturation")]
    cols += [N_("incr. units"), N_("incr. ROI"), N_("incr. CAC")] if measured else []
    cols += [N_("ROI (LT)"), N_("CAC (LT)"), N_("capacity lost")]
    for col in cols:
        c.add_column(_(col), justify="left" if col == "channel" else "right")
    for ch, row in rows.items():
        cells = [escape(book("channels", ch)), fmt_value(row["spend"], "money"),
                 f"{row['saturation']:.0%}"]
        if measured:
            cells += [fmt_value(row.get("incremental_units"), "count"),
                      fmt_value(row.get("incremental_roi"), "ratio"),
                      fmt_value(row.get("incremental_cac"), "money")]
        cells += [fmt_value(row["roi"], "ratio"), fmt_value(row["cac"], "money"),
                  fmt_value(row["capacity_lost"], "count")]
        c.add_row(*cells)
    con.print(c)
    from ..decision.explain import bottleneck_words

    t = Table(title=_("Teams: offered work / capacity - {bottleneck}").format(
        bottleneck=bottleneck_words(doc["leaks"]["teams"], book)))
    for col in (N_("team"), N_("work"), N_("capacity"), N_("utilisation")):
        t.add_column(_(col), justify="left" if col == "team" else "right")
    for team, row in doc["leaks"]["teams"].items():
        t.add_row(
            escape(book("teams", team)),
            fmt_value(row["work"], "count"),
            fmt_value(row["capacity"], "count"),
            f"{row['utilisation']:.0%}",
        )
    con.print(t)
    if doc.get("price_elasticity"):
        con.print(_elasticity_table(doc["price_elasticity"], book))
    if doc.get("marginal"):
        print_marginal(doc["marginal"], con, book)


def confirmation_table(doc: dict[str, Any], book: LabelBook) -> Table:
    """Per target: P(met) on the search's replications and on the confirmation's, with
    counts, 95% intervals and the one-sided 95% lower bound that decides."""
    search = {t["id"]: t for t in (doc.get("search") or {}).get("targets") or []}
    checks = {t["id"]: t for t in (doc.get("confirmation") or {}).get("targets") or []}
    t = Table(title=_("Targets: search against confirmation ({n} fresh replications)")
              .format(n=doc["verified"]["replications"]))
    for col in (N_("target"), N_("search P(met)"), N_("confirmed P(met)"),
                N_("lower bound (95%, one-sided)"), N_("required"), N_("passes")):
        t.add_column(_(col))
    for tg in doc["verified"]["targets"]:
        s, c = search.get(tg["id"]), checks.get(tg["id"])
        t.add_row(escape(book("targets", tg["id"])),
                  _counted(s, doc["search"]["replications"]) if s else "",
                  _counted(tg, doc["verified"]["replications"]),
                  f"{c['lower']:.1%}" if c else "", f"{tg['confidence']:.0%}",
                  (_("yes") if c["passes"] else _("no")) if c else "")
    return t


def _counted(d: dict[str, Any], reps: int) -> str:
    """`82% (74%-88%), 66/80`: probability, 95% interval and count."""
    lo, hi = d["interval"]
    n = d.get("met")
    count = "" if n is None else f", {n}/{reps}"
    return f"{d['probability']:.0%} ({lo:.0%}-{hi:.0%}){count}"


def print_frontier(rows: list[dict[str, Any]], console: Any = None) -> None:
    """Expected profit against its p10, per budget and objective (what safety costs)."""
    con = console or wide_console()
    t = Table(title=_("What safety costs: expected value against the bad tail"))
    for col in (N_("budget"), N_("plan maximising"), N_("expected"), N_("95% interval"),
                N_("low quantile"), N_("replications")):
        t.add_column(_(col), justify="right")
    for r in rows:
        what = (_("expected {kpi}") if r["maximized"] == "mean" else _("p{q} of {kpi}")).format(
            kpi=r["kpi"], q=f"{100 * r['level']:g}")
        lo, hi = r["mean_interval"]
        t.add_row(fmt_value(r["budget"], "money"), what, fmt_value(r["mean"], "money"),
                  f"{fmt_value(lo, 'money')} - {fmt_value(hi, 'money')}",
                  f"p{100 * r['level']:g} {fmt_value(r['quantile'], 'money')}",
                  str(r["replications"]))
    con.print(t)
