"""The run document's promotions table: each promotion's gross lift, dip, net lift (gross
- dip), where the lift came from, and its net ROI (docs/model.md, "Promotions that
borrow")."""

from __future__ import annotations

from typing import Any

from mktsim.i18n import _
from mktsim.report.fmt import COUNT, DATE, MONEY, PERCENT, RATIO, TEXT
from mktsim.report.load import Results
from mktsim.report.tables.common import money_header
from mktsim.report.tables.model import Table, records


def _mean(entry: Any) -> Any:
    return entry.get("mean") if isinstance(entry, dict) else entry


def promotions_table(results: Results) -> Table | None:
    """One row per promotion: units of gross lift, dip and net lift, and their sources."""
    rows = [{"name": p.get("name"), "start": p.get("start"), "days": p.get("days"),
             "discount": p.get("discount"),
             **{k: _mean(p.get(k)) for k in ("gross_lift", "dip", "net_lift", "moved_forward",
                                             "brand_switching", "category_expansion",
                                             "margin_change", "discount_cost", "net_roi")}}
            for p in results.promotions]
    columns = [("name", _("Promotion"), TEXT), ("start", _("Start"), DATE),
               ("days", _("Days"), COUNT), ("discount", _("Discount"), PERCENT),
               ("gross_lift", _("Gross lift (units)"), COUNT),
               ("dip", _("Dip after (units)"), COUNT),
               ("net_lift", _("Net lift (units)"), COUNT),
               ("moved_forward", _("Moved forward"), COUNT),
               ("brand_switching", _("From competitors"), COUNT),
               ("category_expansion", _("New to the category"), COUNT),
               ("margin_change", money_header(_("Margin change"), results), MONEY),
               ("discount_cost", money_header(_("Discount given"), results), MONEY),
               ("net_roi", _("Net ROI"), RATIO)]
    return records("promotions", _("Promotions: gross lift, dip and net lift"), rows, columns,
                   note=_("Against the same runs without the promotion. Net lift = gross "
                          "lift - dip; gross lift = moved forward + from competitors + new "
                          "to the category. Net ROI = margin change over the promotion and "
                          "its dip / discount given on every unit sold during it."))
