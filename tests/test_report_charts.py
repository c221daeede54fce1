"""Charts: pixel size, which charts exist, targets drawn at their deadline, no text collisions."""

from __future__ import annotations

import itertools
import struct
from pathlib import Path
from typing import Any

import pytest

from mktsim.report.charts import (
    HEIGHT_PX,
    WIDTH_PX,
    budget_chart,
    chart_style,
    compare_targets_chart,
    day_num,
    fan_chart,
    funnel_chart,
    percent_ticks,
    render_charts,
    response_chart,
    tornado_charts,
)
from mktsim.report.load import Results, load_results
from report_fixtures import write_results


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> Results:
    folder = tmp_path_factory.mktemp("charts")
    kpis = ("revenue", "marketing_spend", "brand_awareness", "consideration", "customers")
    write_results(folder, reps=80, kpis=(*kpis, "loyalty_members", "cac"))
    return load_results(folder)


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def test_every_chart_is_slide_sized(results: Results, tmp_path: Path) -> None:
    charts = render_charts(results, tmp_path)
    assert results.series is not None
    expected = {f"fan_{k}" for k in results.series.kpis} | {
        "funnel",
        "budget",
        "compare_targets",
        "compare_kpis",
        "response_curves",
        "tornado_revenue",
        "tornado_sales_up",
    }
    assert {c.key for c in charts} == expected
    for chart in charts:
        assert png_size(chart.path) == (WIDTH_PX, HEIGHT_PX) == (1600, 900)
        assert chart.path.stat().st_size > 10_000


def test_only_charts_with_data(tmp_path: Path) -> None:
    kpis = ("revenue", "customers", "loyalty_members")
    write_results(
        tmp_path / "r",
        optional=False,
        compare=False,
        optimize=False,
        analyze=False,
        days=60,
        reps=20,
        kpis=kpis,
    )
    charts = render_charts(load_results(tmp_path / "r"), tmp_path / "png")
    assert {c.key for c in charts} == {f"fan_{k}" for k in kpis} | {"funnel"}


def test_targets_drawn_at_their_deadline(results: Results) -> None:
    for target in results.targets:
        with chart_style():
            fig = fan_chart(results, target.metric)
        assert fig is not None
        points = [
            (list(line.get_xdata()), list(line.get_ydata()))
            for ax in fig.axes
            for line in ax.get_lines()
        ]
        assert ([day_num(target.by)], [target.threshold]) in points


def test_axes_name_their_units(results: Results) -> None:
    with chart_style():
        revenue = fan_chart(results, "revenue")
        awareness = fan_chart(results, "brand_awareness")
    assert revenue is not None and awareness is not None
    assert revenue.get_suptitle().startswith("Revenue")
    assert [ax.get_ylabel() for ax in revenue.axes] == ["Per day (CNY)", "Total to date (CNY)"]
    assert awareness.axes[0].get_ylabel() == "Brand awareness (%)"


def test_percent_ticks_use_the_decimals_they_need() -> None:
    assert percent_ticks([0.05, 0.1, 0.15]) == ["5%", "10%", "15%"]
    assert percent_ticks([0.012, 0.014, 0.016]) == ["1.2%", "1.4%", "1.6%"]
    assert percent_ticks([0.5]) == ["50%"]


def _text_boxes(fig: Any) -> list[tuple[str, Any]]:
    """Screen boxes of every piece of text actually drawn (ticks outside the view are not)."""
    from matplotlib.text import Text

    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    tick_labels, drawn = set(), []
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            lo, hi = sorted(axis.get_view_interval())
            for tick in axis.get_major_ticks() + axis.get_minor_ticks():
                tick_labels.update({id(tick.label1), id(tick.label2)})
                if lo - 1e-9 * abs(hi - lo) <= tick.get_loc() <= hi + 1e-9 * abs(hi - lo):
                    drawn += [t for t in (tick.label1, tick.label2) if t.get_visible()]
    drawn += [t for t in fig.findobj(Text) if id(t) not in tick_labels and t.get_visible()]
    return [(t.get_text(), t.get_window_extent(renderer)) for t in drawn if t.get_text().strip()]


@pytest.mark.parametrize(
    "draw",
    [
        lambda r: fan_chart(r, "revenue"),
        lambda r: fan_chart(r, "brand_awareness"),
        lambda r: fan_chart(r, "marketing_spend"),
        lambda r: fan_chart(r, "cac"),
        funnel_chart,
        compare_targets_chart,
        response_chart,
        budget_chart,
        lambda r: tornado_charts(r)[0][1],
    ],
)
def test_no_text_overlaps_or_leaves_the_image(results: Results, draw: Any) -> None:
    with chart_style():
        fig = draw(results)
        boxes = _text_boxes(fig)
    assert boxes
    for text, box in boxes:
        assert (
            box.x0 >= -1 and box.y0 >= -1 and box.x1 <= WIDTH_PX + 1 and box.y1 <= HEIGHT_PX + 1
        ), text
    for (a, box_a), (b, box_b) in itertools.combinations(boxes, 2):
        assert not box_a.overlaps(box_b), f"{a!r} overlaps {b!r}"
