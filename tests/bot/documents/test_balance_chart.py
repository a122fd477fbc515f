"""The balance chart: one planned and one logged bar per constituency, drawn to scale, with
readable names however long, neglected constituencies marked in words as well as colour, and
no text overlapping another or a bar."""

from __future__ import annotations

from collections.abc import Sequence

import pytest
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from matplotlib.text import Text
from matplotlib.transforms import Bbox

from bot.documents.balance_chart import (
    BalanceChartRow,
    BalanceChartWords,
    Status,
    balance_figure,
    draw_balance,
)
from tests.bot.documents.test_pictures import assert_png, outside, overlapping, text_boxes

WORDS = BalanceChartWords(
    title="Check-ins against plan, last 90 days",
    planned="Planned check-ins",
    planned_value="{count} planned",
    logged_value="{count} logged",
    statuses={"on-track": "✓ on track", "due": "● check-in due", "neglected": "⚠ neglected"},
)
STATUSES: tuple[Status, ...] = ("on-track", "due", "neglected")


def long_name(index: int) -> str:
    return (
        f"constituency {index}: the public library board of trustees and the friends group"
        if index % 2
        else f"partners {index} in local government"
    )


def rows(count: int) -> list[BalanceChartRow]:
    return [
        BalanceChartRow(long_name(i), planned=(i * 3.7) % 14, logged=(i * 5) % 11, status=s)
        for i, s in zip(range(count), STATUSES * 4, strict=False)
    ]


def texts(figure: Figure, gid: str | None = None) -> list[str]:
    """Every text the figure draws (optionally only those with `gid`), lines joined."""
    return [
        " ".join(t.get_text().split())
        for t in figure.findobj(Text)
        if isinstance(t, Text) and t.get_text() and (gid is None or t.get_gid() == gid)
    ]


def bars(figure: Figure, kind: str) -> list[Rectangle]:
    return [
        patch
        for patch in figure.findobj(Rectangle)
        if isinstance(patch, Rectangle) and patch.get_gid() == f"lantern-bar-{kind}"
    ]


def bar_boxes(figure: Figure) -> list[tuple[str, Bbox]]:
    figure.canvas.draw()
    renderer = figure.canvas.get_renderer()  # type: ignore[attr-defined]
    return [
        (str(bar.get_gid()), bar.get_window_extent(renderer))
        for kind in ("planned", "logged")
        for bar in bars(figure, kind)
    ]


def crossing(words: Sequence[tuple[str, Bbox]], shapes: Sequence[tuple[str, Bbox]]) -> list[str]:
    """Texts drawn over a bar."""
    return [
        text
        for text, box in words
        if any(overlapping([(text, box), (shape, other)]) for shape, other in shapes)
    ]


@pytest.mark.parametrize("count", [0, 1, 5, 12])
def test_png(count: int) -> None:
    png = draw_balance(rows(count), WORDS)
    assert len(png) > 0
    assert_png(png)


def test_png_is_deterministic() -> None:
    assert draw_balance(rows(4), WORDS) == draw_balance(rows(4), WORDS)


@pytest.mark.parametrize("count", [1, 2, 5, 8, 12, 20])
def test_nothing_overlaps_or_leaves_the_picture(count: int) -> None:
    figure = balance_figure(rows(count), WORDS)
    boxes = text_boxes(figure)
    assert overlapping(boxes) == []
    assert outside(figure, boxes) == []
    assert crossing(boxes, bar_boxes(figure)) == []
    assert overlapping(bar_boxes(figure)) == []


def test_overlap_checks_can_fail() -> None:
    """The same figure with every value moved onto the first bar does fail them."""
    figure = balance_figure(rows(5), WORDS)
    for text in figure.findobj(Text):
        if isinstance(text, Text) and text.get_gid() == "lantern-value":
            text.set_position((0.0, bars(figure, "planned")[0].get_y() + 5.0))
    boxes = text_boxes(figure)
    assert overlapping(boxes)
    assert crossing(boxes, bar_boxes(figure))


def test_every_name_number_and_status_is_written() -> None:
    chart_rows = rows(6)
    figure = balance_figure(chart_rows, WORDS)
    assert texts(figure, "lantern-title") == [WORDS.title]
    assert texts(figure, "lantern-name") == [row.name for row in chart_rows]
    assert texts(figure, "lantern-status") == [WORDS.statuses[row.status] for row in chart_rows]
    values = texts(figure, "lantern-value")
    for row in chart_rows:
        assert f"{int(row.planned + 0.5)} planned" in values
        assert f"{row.logged} logged" in values
    assert texts(figure, "lantern-legend") == ["Planned check-ins", *WORDS.statuses.values()]


def test_long_names_wrap_without_breaking_words() -> None:
    name = "the public library board of trustees, the friends group and the foundation board"
    figure = balance_figure([BalanceChartRow(name, 4.0, 2, "due")], WORDS)
    (drawn,) = [
        t.get_text()
        for t in figure.findobj(Text)
        if isinstance(t, Text) and t.get_gid() == "lantern-name"
    ]
    assert "\n" in drawn
    assert drawn.replace("\n", " ") == name


def test_planned_is_rounded_half_up() -> None:
    figure = balance_figure([BalanceChartRow("staff", 2.5, 0, "due")], WORDS)
    assert "3 planned" in texts(figure, "lantern-value")


def test_bars_are_drawn_to_scale() -> None:
    chart_rows = [
        BalanceChartRow("staff", 12.0, 3, "neglected"),
        BalanceChartRow("community", 6.0, 6, "on-track"),
    ]
    figure = balance_figure(chart_rows, WORDS)
    planned = [bar.get_width() for bar in bars(figure, "planned")]
    logged = [bar.get_width() for bar in bars(figure, "logged")]
    assert planned[0] == pytest.approx(2 * planned[1])
    assert logged[0] == pytest.approx(planned[0] / 4)
    assert logged[1] == pytest.approx(planned[1])
    # top to bottom in the given order
    assert bars(figure, "planned")[0].get_y() > bars(figure, "planned")[1].get_y()


def test_nothing_logged_draws_no_bar_but_still_its_number() -> None:
    figure = balance_figure([BalanceChartRow("yourself", 3.0, 0, "neglected")], WORDS)
    assert bars(figure, "logged") == []
    assert "0 logged" in texts(figure, "lantern-value")


def test_neglected_is_marked_by_words_and_hatching_not_colour_alone() -> None:
    statuses: tuple[Status, ...] = ("on-track", "neglected")
    figure = balance_figure([BalanceChartRow("x", 5.0, 1, s) for s in statuses], WORDS)
    on_track, neglected = bars(figure, "logged")
    assert neglected.get_hatch()
    assert not on_track.get_hatch()
    assert neglected.get_facecolor() != on_track.get_facecolor()
    assert texts(figure, "lantern-status") == ["✓ on track", "⚠ neglected"]
