"""Rich tables for `compare`, `optimize` and `explain`."""

from __future__ import annotations

import math
from typing import Any

from rich.markup import escape
from rich.table import Table

from ..kpis import KPIS
from .terminal import fmt_value, uncertainty_note, wide_console

SHOWN_KPIS = ("brand_awareness", "units", "revenue", "profit", "marketing_spend", "cac")


def _p(d: dict[str, Any]) -> str:
    lo, hi = d["interval"]
    return f"{d['probability']:.0%} ({lo:.0%}-{hi:.0%})"


def _m(d: dict[str, Any], unit: str) -> str:
    lo, hi = d["interval"]
    return f"{fmt_value(d['mean'], unit)} ({fmt_value(lo, unit)} to {fmt_value(hi, unit)})"


SPEND_ROWS = (("budget", "budget (media)"), ("media", "media spent"),
              ("commissions", "+ commissions on sales"), ("loyalty", "+ loyalty programme"),
              ("training", "+ training"), ("research", "research (out of the budget)"),
              ("total", "total marketing spend"))


def _spend_table(doc: dict[str, Any], names: list[str]) -> Table:
    """Budget against spend by line, per strategy (means per run)."""
    t = Table(title="Budget against spend (means per run): media is the budget; "
                    "commissions, loyalty and scheduled training come on top")
    t.add_column("line")
    for s in names:
        t.add_column(s, justify="right")
    for key, words in SPEND_ROWS:
        values = [doc["spend"].get(s, {}).get(key) for s in names]
        if key not in ("budget", "media", "total") and not any(values):
            continue
        t.add_row(words, *(fmt_value(v, "money") for v in values))
    return t

def print_uncertainty_note(doc: dict[str, Any], con: Any) -> None:
    """The note that target probabilities include the scenario's parameter uncertainty."""
    drawn = doc.get("parameter_uncertainty") or []
    if drawn:
        con.print(escape(uncertainty_note(len(drawn), doc.get("joint_draws"))))


def print_compare(doc: dict[str, Any], console: Any = None) -> None:
    """Targets, KPIs, paired differences, P(best) and ranking of a comparison."""
    con = console or wide_console()
    print_uncertainty_note(doc, con)
    names = doc["strategies"]
    t = Table(title=f"P(target met), 95% interval - {doc['replications']} paired replications")
    t.add_column("target")
    for s in names:
        t.add_column(s, justify="right")
    for tg in doc["targets"]:
        t.add_row(tg["id"], *(_p(tg["by_strategy"][s]) for s in names))
    t.add_row("[bold]all targets[/bold]", *(_p(doc["all_targets"][s]) for s in names))
    con.print(t)
    k = Table(title=f"Expected KPIs; difference vs {doc['reference']} (paired t interval)")
    k.add_column("KPI")
    for s in names:
        k.add_column(s, justify="right")
    for kpi in SHOWN_KPIS:
        unit = KPIS[kpi].unit
        k.add_row(kpi, *(_m(doc["kpis"][kpi][s], unit) for s in names))
        k.add_row(
            f"  vs {doc['reference']}",
            *("" if s == doc["reference"] else _m(doc["differences"][kpi][s], unit) for s in names),
        )
    con.print(k)
    if doc.get("spend"):
        con.print(_spend_table(doc, names))
    r = Table(title=f"Ranking by objective: {doc['objective']}")
    for col in ("rank", "strategy", "P(best in a run)"):
        r.add_column(col)
    for i, s in enumerate(doc["ranking"], 1):
        r.add_row(str(i), s, f"{doc['probability_best'][s]:.0%}")
    con.print(r)
    con.print("P(best in a run): share of replications in which the strategy is the best "
              "by the objective (ties on targets broken by the second measure).")
    con.print(f"stopped: {doc['stopped']} after {doc['replications']} replications")


def print_optimum(doc: dict[str, Any], console: Any = None) -> None:
    """The winning plan, its verified targets, and the marginal returns."""
    con = console or wide_console()
    print_uncertainty_note(doc, con)
    status = "[green]reached[/green]" if doc["feasible"] else "[red]not reached[/red]"
    con.print(
        f"optimize ({doc['mode']}): {doc['objective']} - {status}; "
        f"{doc['evaluations']} candidate plans evaluated"
    )
    con.print(
        f"budget {fmt_value(doc['budget'], 'money')}, lever teams "
        f"{fmt_value(doc['team_cost'], 'money')}, "
        f"total {fmt_value(doc['total_cost'], 'money')}"
    )
    a = Table(title="Winning plan")
    for col in ("channel", "share", "money"):
        a.add_column(col, justify="left" if col == "channel" else "right")
    for ch, share in doc["plan"]["allocation"].items():
        a.add_row(ch, f"{share:.1%}", fmt_value(share * doc["budget"], "money"))
    for team, n in (doc["plan"].get("headcount") or {}).items():
        a.add_row(f"team {team}", "", f"{n} people")
    con.print(a)
    t = Table(title=f"Verified on fresh seeds ({doc['verified']['replications']} replications)")
    for col in ("target", "P(met)", "95% interval", "required"):
        t.add_column(col)
    for tg in doc["verified"]["targets"]:
        lo, hi = tg["interval"]
        t.add_row(
            tg["id"], f"{tg['probability']:.0%}", f"{lo:.0%}-{hi:.0%}", f"{tg['confidence']:.0%}"
        )
    con.print(t)
    for note in str(doc.get("message") or "").split("; ")[1:]:  # after the headline
        con.print(f"[yellow]note:[/yellow] {escape(note)}")
    if doc.get("price_elasticity"):
        con.print(_elasticity_table(doc["price_elasticity"]))
    if doc.get("marginal"):
        print_marginal(doc["marginal"], con)


def print_marginal(marginal: dict[str, dict[str, float]], console: Any = None) -> None:
    """What the next unit of money buys in each channel."""
    con = console or wide_console()
    t = Table(title="Marginal return of the next unit of money, by channel")
    for col in ("channel", "spend", "profit / money", "revenue / money", "units per 10k"):
        t.add_column(col, justify="left" if col == "channel" else "right")
    for ch, row in marginal.items():
        t.add_row(
            ch,
            fmt_value(row["spend"], "money"),
            f"{row['profit_per_money']:.2f}",
            f"{row['revenue_per_money']:.2f}",
            f"{row['units_per_money'] * 1e4:.1f}",
        )
    con.print(t)


def _elasticity_table(found: dict[str, Any]) -> Table:
    """The own-price elasticity the model implies per product (day 0), by segment."""
    segments = list(dict.fromkeys(s for e in found.values() for s in e["by_segment"]))
    t = Table(title="Own-price elasticity the model implies on day 0: b_p P (1 - s)")
    for col in ("product", "mean (by segment size)", *segments):
        t.add_column(col, justify="left" if col == "product" else "right")
    for product, e in found.items():
        t.add_row(product, f"{e['mean']:.2f}",
                  *(f"{e['by_segment'].get(s, math.nan):.2f}" for s in segments))
    return t


def print_explain(doc: dict[str, Any], console: Any = None) -> None:
    """Where the plan leaks, the bottleneck team, channel ROI/CAC, marginal returns."""
    con = console or wide_console()
    f = Table(title=f"Where the plan leaks - {doc['strategy']} (means per run)")
    f.add_column("loss")
    f.add_column("count", justify="right")
    for name, value in doc["leaks"]["funnel"].items():
        f.add_row(name.replace("_", " "), fmt_value(value, "count"))
    con.print(f)
    c = Table(title="Channels (incr.: what the plan loses without the channel; LT: last "
                    "touch)")
    rows = doc["leaks"]["channels"]
    measured = any("incremental_roi" in r for r in rows.values())
    cols = ["channel", "spend", "saturation"]
    cols += ["incr. units", "incr. ROI", "incr. CAC"] if measured else []
    cols += ["ROI (LT)", "CAC (LT)", "capacity lost"]
    for col in cols:
        c.add_column(col, justify="left" if col == "channel" else "right")
    for ch, row in rows.items():
        cells = [ch, fmt_value(row["spend"], "money"), f"{row['saturation']:.0%}"]
        if measured:
            cells += [fmt_value(row.get("incremental_units"), "count"),
                      fmt_value(row.get("incremental_roi"), "ratio"),
                      fmt_value(row.get("incremental_cac"), "money")]
        cells += [fmt_value(row["roi"], "ratio"), fmt_value(row["cac"], "money"),
                  fmt_value(row["capacity_lost"], "count")]
        c.add_row(*cells)
    con.print(c)
    from ..decision.explain import bottleneck_words

    t = Table(title=f"Teams: offered work / capacity - {bottleneck_words(doc['leaks']['teams'])}")
    for col in ("team", "work", "capacity", "utilisation"):
        t.add_column(col, justify="left" if col == "team" else "right")
    for team, row in doc["leaks"]["teams"].items():
        t.add_row(
            team,
            fmt_value(row["work"], "count"),
            fmt_value(row["capacity"], "count"),
            f"{row['utilisation']:.0%}",
        )
    con.print(t)
    if doc.get("price_elasticity"):
        con.print(_elasticity_table(doc["price_elasticity"]))
    if doc.get("marginal"):
        print_marginal(doc["marginal"], con)
