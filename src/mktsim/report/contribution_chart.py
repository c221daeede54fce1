"""The stacked decomposition of a calibration's headline KPI over time: per period, the
base demand (or the baseline), each demand driver, each channel and the interaction, as
a PNG (HTML and Markdown reports) and as an Excel sheet with a native stacked chart."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from ..i18n import _
from .fmt import phrase
from .tables.contributions import part_label

if TYPE_CHECKING:
    from ..calibrate.result import CalibrationResult
    from ..documents.contributions import Contributions

SHEET = "decomposition"


def stacked_series(contributions: Contributions) -> dict[str, list[float]]:
    """The headline KPI's per-period values of every entry that adds up to the total
    (label -> one value per period), in the order stacked; with the interaction they sum
    to the total of each period."""
    kpi = contributions.kpi
    return {part_label(e.name) if e.part != "channel" else e.name: e.values[kpi].periods
            for e in contributions.entries if e.in_total}


def decomposition_png(result: CalibrationResult) -> bytes | None:
    """PNG: stacked bars per period (positive parts up, negative down) and the total as a
    line; None without contributions."""
    if result.contributions is None:
        return None
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from ..i18n import use_language
    from .fonts import chart_language, font_family

    with use_language(chart_language()), matplotlib.rc_context({"font.family": font_family()}):
        return _png(result, result.contributions, plt)


def _png(result: CalibrationResult, c: Contributions, plt: Any) -> bytes:
    import io

    series = stacked_series(c)
    x = np.arange(len(result.dates))
    fig, ax = plt.subplots(figsize=(10, 4))
    up, down = np.zeros(len(x)), np.zeros(len(x))
    for name, values in series.items():
        v = np.nan_to_num(np.asarray(values, dtype=float))
        bottom = np.where(v >= 0, up, down)
        ax.bar(x, v, bottom=bottom, width=1.0, label=name, linewidth=0)
        up, down = up + np.maximum(v, 0), down + np.minimum(v, 0)
    ax.plot(x, c.entry("total").values[c.kpi].periods, color="black", linewidth=1,
            label=part_label("total"))
    step = max(1, len(x) // 6)
    ax.set_xticks(x[::step], [result.dates[i] for i in x[::step]], fontsize=7, rotation=30)
    ax.set_title(_("Contributions to {kpi} per period").format(kpi=phrase(c.kpi)))
    ax.legend(fontsize=6, ncol=2, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    buf = io.BytesIO()
    fig.tight_layout()
    fig.savefig(buf, format="png", dpi=90)
    plt.close(fig)
    return buf.getvalue()


def decomposition_sheet(book: Any, result: CalibrationResult) -> None:
    """A `decomposition` sheet: the date, the stacked parts and the total per period,
    with a stacked column chart of the parts (openpyxl's native chart)."""
    c = result.contributions
    if c is None:
        return
    from openpyxl.chart import BarChart, Reference

    series = stacked_series(c)
    sheet = book.create_sheet(SHEET)
    sheet.append([_("date"), *series, part_label("total")])
    total = c.entry("total").values[c.kpi].periods
    for i, date in enumerate(result.dates):
        sheet.append([date, *(_cell(v[i]) for v in series.values()), _cell(total[i])])
    chart = BarChart()
    chart.type, chart.grouping, chart.overlap = "col", "stacked", 100
    chart.title = _("Contributions to {kpi} per period").format(kpi=phrase(c.kpi))
    rows = len(result.dates) + 1
    chart.add_data(Reference(sheet, min_col=2, max_col=len(series) + 1, min_row=1,
                             max_row=rows), titles_from_data=True)
    chart.set_categories(Reference(sheet, min_col=1, min_row=2, max_row=rows))
    chart.width, chart.height = 24, 10
    sheet.add_chart(chart, f"{_column_letter(len(series) + 3)}2")


def _cell(v: float) -> float | None:
    return None if v != v else float(v)


def _column_letter(n: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(n)
