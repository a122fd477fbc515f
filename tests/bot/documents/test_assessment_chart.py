"""Assessment radar and trend charts: valid PNGs, no label overlapping or leaving the picture."""

from __future__ import annotations

import io
import math
from datetime import date, timedelta

import matplotlib.image
import numpy as np
import pytest
from matplotlib.axes import Axes
from matplotlib.colors import to_rgb
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Polygon, Rectangle
from matplotlib.text import Text

from bot.documents.assessment_chart import (
    draw_radar,
    draw_trend,
    radar_alt_text,
    radar_figure,
    trend_alt_text,
    trend_figure,
)
from tests.bot.documents.test_pictures import assert_png, outside, overlapping, text_boxes

LONG_LABELS = (
    "Engagement with individuals in the branch and at the desk",
    "Convening neighborhoods and communities around shared aspirations",
    "Sharing what is learned from convenings",
    "Collaboration with agencies and connected persons",
    "Advocating with political savvy to remove barriers",
    "Learning + Literacy",
    "Stewardship + Integrity: where I sit between them",
    "Respect + Civility",
    "Inclusion + Equity for every patron",
    "Service + Privacy",
    "Information + Truth",
    "Thinking and Acting Strategically",
    "Innovation/Embrace Risk Taking",
    "Supercalifragilisticexpialidociousness",  # longer than any wrap width: broken
)
START = date(2024, 1, 15)


def labels(count: int) -> list[str]:
    return [LONG_LABELS[i % len(LONG_LABELS)] + ("" if i < 14 else f" {i}") for i in range(count)]


def ratings(count: int, seed: int) -> list[float]:
    return [float(1 + (i * 7 + seed * 3) % 5) for i in range(count)]


def radar(axes: int, previous: int, **overrides: object) -> Figure:
    options: dict[str, object] = {
        "scale_max": 5,
        "title": "Competencies: your latest ratings, with a title long enough to wrap " * 2,
        "latest_label": "12 Jan 2026 (latest)",
        "previous_labels": [
            f"{(START + timedelta(days=91 * i)).isoformat()}" for i in range(previous)
        ],
    }
    options.update(overrides)
    return radar_figure(
        labels(axes),
        ratings(axes, previous),
        [ratings(axes, i) for i in range(previous)],
        **options,  # type: ignore[arg-type]
    )


def series(count: int, points: int) -> dict[str, list[tuple[date, float]]]:
    return {
        name: [(START + timedelta(days=91 * k), float(1 + (k + i) % 5)) for k in range(points)]
        for i, name in enumerate(labels(count))
    }


def gids(figure: Figure, gid: str) -> list[str]:
    return [
        " ".join(t.get_text().split())
        for t in figure.findobj(Text)
        if isinstance(t, Text) and t.get_text() and t.get_gid() == gid
    ]


def lines(figure: Figure, prefix: str) -> list[Line2D]:
    return [
        line
        for line in figure.findobj(Line2D)
        if isinstance(line, Line2D) and str(line.get_gid()).startswith(prefix)
    ]


def vertices(line: Line2D) -> list[tuple[float, float]]:
    xs = np.asarray(line.get_xdata(), dtype=float)
    ys = np.asarray(line.get_ydata(), dtype=float)
    return [(float(x), float(y)) for x, y in zip(xs, ys, strict=True)]


def outer_radius(figure: Figure) -> float:
    """The outer ring's radius, from the first spoke (centre to outer ring, pointing up)."""
    (_, (x, y)) = vertices(lines(figure, "lantern-spoke")[0])
    return math.hypot(x, y)


def png_size(png: bytes) -> tuple[int, int]:
    image = matplotlib.image.imread(io.BytesIO(png), format="png")
    height, width = image.shape[:2]
    return width, height


def lightness(colour: object) -> float:
    return sum(to_rgb(colour)) / 3  # type: ignore[arg-type]


# --- radar ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("axes", "previous"), [(14, 0), (14, 1), (14, 8), (3, 2), (1, 0)])
def test_radar_png(axes: int, previous: int) -> None:
    png = draw_radar(
        labels(axes),
        ratings(axes, 0),
        [ratings(axes, i) for i in range(previous)],
        scale_max=5,
        title="Competencies",
        latest_label="latest",
        previous_labels=[f"earlier {i}" for i in range(previous)],
    )
    assert_png(png)


def test_radar_size_is_bounded_and_deterministic() -> None:
    def draw() -> bytes:
        return draw_radar(
            labels(14),
            ratings(14, 0),
            [ratings(14, i) for i in range(8)],
            scale_max=5,
            title="Competencies: your latest ratings",
            latest_label="12 Jan 2026 (latest)",
            previous_labels=[f"{i + 1} Jan 2025" for i in range(8)],
        )

    png = draw()
    assert png == draw()
    width, height = png_size(png)
    # About a Slack message's width: big enough to read, small enough not to need scrolling.
    assert 700 <= width <= 1100
    assert 600 <= height <= 1100


@pytest.mark.parametrize(("axes", "previous"), [(3, 0), (5, 1), (13, 3), (14, 0), (14, 8), (20, 2)])
def test_radar_text_never_overlaps_or_leaves_the_picture(axes: int, previous: int) -> None:
    figure = radar(axes, previous)
    boxes = text_boxes(figure)
    assert len(gids(figure, "lantern-axis")) == axes
    assert overlapping(boxes) == []
    assert outside(figure, boxes) == []


@pytest.mark.parametrize("axes", [3, 5, 14, 20])
def test_axis_labels_stay_outside_the_outer_ring(axes: int) -> None:
    figure = radar(axes, 2)
    (plot,) = figure.axes
    assert isinstance(plot, Axes)
    radius = outer_radius(figure)
    to_data = plot.transData.inverted()
    for text, box in text_boxes(figure, "lantern-axis"):
        (x0, y0), (x1, y1) = to_data.transform([(box.x0, box.y0), (box.x1, box.y1)])
        nearest = math.hypot(min(max(0.0, x0), x1), min(max(0.0, y0), y1))
        assert nearest >= radius, text


def test_the_overlap_checks_can_fail() -> None:
    figure = radar(14, 1)
    axis = [
        t for t in figure.findobj(Text) if isinstance(t, Text) and t.get_gid() == "lantern-axis"
    ]
    axis[1].set_position(axis[0].get_position())
    axis[2].set_position((10_000.0, 0.0))
    boxes = text_boxes(figure)
    assert overlapping(boxes)
    assert outside(figure, boxes)


def test_long_labels_wrap_without_losing_words() -> None:
    figure = radar(14, 0)
    drawn = gids(figure, "lantern-axis")
    assert drawn[:13] == list(LONG_LABELS[:13])
    assert drawn[13].replace(" ", "") == LONG_LABELS[13]  # the one word too long is broken
    raw = [t.get_text() for t in figure.findobj(Text) if isinstance(t, Text)]
    assert any("\n" in text for text in raw)


def test_latest_is_bold_and_on_top_earlier_ones_fade_with_age() -> None:
    figure = radar(6, 4)
    (latest,) = lines(figure, "lantern-latest")
    earlier = [lines(figure, f"lantern-previous-{i}")[0] for i in range(4)]
    assert all(latest.get_linewidth() > line.get_linewidth() for line in earlier)
    assert all(latest.get_zorder() > line.get_zorder() for line in earlier)
    assert latest.get_marker() == "o"
    assert all(line.get_linestyle() == "--" for line in earlier)
    # Oldest first: each earlier one is paler than the one after it.
    shades = [lightness(line.get_color()) for line in earlier]
    assert shades == sorted(shades, reverse=True)
    assert len(set(shades)) == 4
    fills = [p for p in figure.findobj(Polygon) if isinstance(p, Polygon)]
    assert [str(p.get_gid()) for p in fills] == ["lantern-latest-fill"]


def test_legend_names_the_latest_then_earlier_ones_newest_first() -> None:
    previous = ["15 Jan 2025", "15 Apr 2025", "15 Jul 2025"]
    figure = radar(5, 3, previous_labels=previous)
    assert gids(figure, "lantern-legend") == [
        "12 Jan 2026 (latest)",
        "15 Jul 2025",
        "15 Apr 2025",
        "15 Jan 2025",
    ]
    assert len(lines(figure, "lantern-legend-sample")) == 4
    assert gids(figure, "lantern-title")


def test_ratings_land_on_their_rings() -> None:
    figure = radar_figure(
        ["a", "b", "c", "d"],
        [5.0, 2.5, 0.0, 9.0],  # 9 is past the scale: drawn on the outer ring
        [],
        scale_max=5,
        title="t",
        latest_label="now",
    )
    (latest,) = lines(figure, "lantern-latest")
    radius = outer_radius(figure)
    points = vertices(latest)
    distances = [math.hypot(x, y) for x, y in points]
    assert distances[:4] == pytest.approx([radius, radius / 2, 0.0, radius])
    assert points[0][1] == pytest.approx(radius)  # the first area at the top
    assert points[-1] == points[0]  # the outline is closed


def test_scale_min_sits_at_the_centre() -> None:
    figure = radar_figure(
        ["a", "b", "c"],
        [1.0, 3.0, 5.0],
        [],
        scale_max=5,
        scale_min=1,
        title="t",
        latest_label="now",
    )
    (latest,) = lines(figure, "lantern-latest")
    radius = outer_radius(figure)
    distances = [math.hypot(x, y) for x, y in vertices(latest)]
    assert distances[:3] == pytest.approx([0.0, radius / 2, radius])
    assert gids(figure, "lantern-tick") == ["5", "4", "3", "2"]


def test_an_area_not_rated_breaks_the_outline_and_the_fill() -> None:
    figure = radar_figure(
        ["a", "b", "c", "d"],
        [3.0, math.nan, 4.0, 2.0],
        [],
        scale_max=5,
        title="t",
        latest_label="now",
    )
    (latest,) = lines(figure, "lantern-latest")
    assert math.isnan(vertices(latest)[1][0])
    assert not [p for p in figure.findobj(Polygon) if isinstance(p, Polygon)]
    assert_png(
        draw_radar(["a", "b", "c"], [math.nan] * 3, [], scale_max=5, title="t", latest_label="now")
    )


def test_long_scales_number_every_other_ring() -> None:
    figure = radar(5, 0, scale_max=10)
    assert gids(figure, "lantern-tick") == ["10", "8", "6", "4", "2"]


def spoke_segments(figure: Figure) -> list[tuple[tuple[float, float], tuple[float, float]]]:
    return [
        (points[0], points[1])
        for points in (vertices(line) for line in lines(figure, "lantern-spoke"))
    ]


def from_segment(
    box: tuple[float, float, float, float], start: tuple[float, float], end: tuple[float, float]
) -> float:
    x0, y0, x1, y1 = box
    nearest = math.inf
    for step in range(201):
        t = step / 200
        x = start[0] + (end[0] - start[0]) * t
        y = start[1] + (end[1] - start[1]) * t
        nearest = min(nearest, math.hypot(max(x0 - x, 0.0, x - x1), max(y0 - y, 0.0, y - y1)))
    return nearest


@pytest.mark.parametrize(("axes", "scale_max"), [(3, 5), (5, 10), (13, 5), (14, 5), (16, 10)])
def test_scale_numbers_keep_off_every_spoke_a_dot_can_sit_on(axes: int, scale_max: int) -> None:
    """A rating's dot sits on a spoke (the top one too): the numbers are between spokes."""
    figure = radar(axes, 1, scale_max=scale_max)
    (plot,) = figure.axes
    assert isinstance(plot, Axes)
    to_data = plot.transData.inverted()
    ticks = text_boxes(figure, "lantern-tick")
    assert ticks[0][0] == str(scale_max)  # the outer ring is always numbered
    for text, box in ticks:
        (x0, y0), (x1, y1) = to_data.transform([(box.x0, box.y0), (box.x1, box.y1)])
        for start, end in spoke_segments(figure):
            assert from_segment((x0, y0, x1, y1), start, end) >= 4.0, (text, axes)


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"axes_labels": []}, "at least one area"),
        ({"latest": [1.0, 2.0]}, "latest has 2 ratings for 3 areas"),
        ({"previous": [[1.0, 2.0, 3.0], [1.0]]}, "previous has 1 ratings for 3 areas"),
        ({"previous": [[1.0, 2.0, 3.0]]}, "0 previous_labels for 1 previous"),
        ({"scale_max": 0}, "scale_max"),
    ],
)
def test_radar_refuses_mismatched_input(arguments: dict[str, object], message: str) -> None:
    call: dict[str, object] = {
        "axes_labels": ["a", "b", "c"],
        "latest": [1.0, 2.0, 3.0],
        "previous": [],
        "scale_max": 5,
        "title": "t",
        "latest_label": "now",
    }
    call.update(arguments)
    with pytest.raises(ValueError, match=message):
        radar_figure(**call)  # type: ignore[arg-type]


def test_radar_alt_text() -> None:
    text = radar_alt_text(
        ["Engagement", "Convening", "Sharing"],
        [4.0, math.nan, 2.5],
        scale_max=5,
        template="Radar chart of your {assessment} ratings: {items}.",
        item_template="{area} {value} of {max}",
        assessment="leadership",
    )
    assert text == "Radar chart of your leadership ratings: Engagement 4 of 5; Sharing 2.5 of 5."


# --- trend ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("count", "points"), [(14, 1), (14, 9), (3, 3), (1, 2), (0, 0)])
def test_trend_png(count: int, points: int) -> None:
    assert_png(draw_trend(series(count, points), scale_max=5, scale_min=1, title="Over time"))


def test_trend_size_is_bounded_and_deterministic() -> None:
    def draw() -> bytes:
        return draw_trend(series(14, 9), scale_max=5, scale_min=1, title="Competencies over time")

    png = draw()
    assert png == draw()
    width, height = png_size(png)
    assert 900 <= width <= 1300
    assert 800 <= height <= 1400


@pytest.mark.parametrize(("count", "points"), [(1, 1), (2, 5), (13, 4), (14, 1), (14, 9)])
def test_trend_text_never_overlaps_or_leaves_the_picture(count: int, points: int) -> None:
    figure = trend_figure(
        series(count, points),
        scale_max=5,
        scale_min=1,
        title="Your ratings over time",
        format_date=lambda d: d.strftime("%a %d %b %Y"),
    )
    boxes = text_boxes(figure)
    # Every name, in order (the one word too long for a panel is broken, so compare unspaced).
    drawn = [name.replace(" ", "") for name in gids(figure, "lantern-panel")]
    assert drawn == [name.replace(" ", "") for name in labels(count)]
    assert overlapping(boxes) == []
    assert outside(figure, boxes) == []


def test_every_area_gets_a_panel_with_its_latest_rating() -> None:
    data = {
        "Self-Awareness": [
            (date(2025, 1, 1), 2.0),
            (date(2025, 4, 1), 3.0),
            (date(2025, 7, 1), 4.0),
        ],
        "Influence": [(date(2025, 4, 1), 5.0), (date(2025, 1, 1), 1.0)],  # any order
        "Leading Change": [(date(2025, 1, 1), math.nan)],  # never rated
    }
    figure = trend_figure(
        data, scale_max=5, scale_min=1, title="Over time", format_date=lambda d: d.strftime("%b %Y")
    )
    assert gids(figure, "lantern-panel") == list(data)
    assert gids(figure, "lantern-value") == ["4", "5"]
    trends = lines(figure, "lantern-trend")
    assert len(trends) == 2
    xs = [x for x, _ in vertices(trends[1])]
    assert xs == sorted(xs)  # drawn in date order
    # The shared dates: first and last under each panel.
    assert gids(figure, "lantern-date") == ["Jan 2025", "Jul 2025"] * 3
    assert gids(figure, "lantern-tick") == ["1", "2", "3", "4", "5"] * 3


def test_a_single_assessment_is_one_dot_in_the_middle() -> None:
    figure = trend_figure({"Influence": [(date(2025, 1, 1), 3.0)]}, scale_max=5, title="t")
    (trend,) = lines(figure, "lantern-trend")
    (frame,) = [
        p
        for p in figure.findobj(Rectangle)
        if isinstance(p, Rectangle) and p.get_gid() == "lantern-panel-frame"
    ]
    ((x, _),) = vertices(trend)
    assert x == pytest.approx(frame.get_x() + frame.get_width() / 2)
    assert gids(figure, "lantern-date") == ["2025-01-01"]


def test_long_date_formats_stack_instead_of_overlapping() -> None:
    figure = trend_figure(
        series(4, 3),
        scale_max=5,
        title="t",
        format_date=lambda d: d.strftime("on the morning of %A %d %B %Y"),
    )
    boxes = text_boxes(figure, "lantern-date")
    assert len(boxes) == 8
    assert overlapping(text_boxes(figure)) == []
    assert outside(figure, text_boxes(figure)) == []


def test_same_day_assessments_keep_the_order_they_were_finished_in() -> None:
    day = date(2025, 3, 1)
    figure = trend_figure({"A": [(day, 5.0), (day, 2.0)]}, scale_max=5, scale_min=1, title="t")
    assert gids(figure, "lantern-value") == ["2"]  # the latest, not the lowest
    (trend,) = lines(figure, "lantern-trend")
    (first_x, first_y), (second_x, second_y) = vertices(trend)
    assert first_x < second_x  # side by side, in the order given
    assert first_y > second_y  # the 5, then the 2
    text = trend_alt_text(
        {"A": [(day, 5.0), (day, 2.0)]},
        template="{items}",
        item_template="{area} from {first} to {last} over {count} assessments",
    )
    assert text == "A from 5 to 2 over 2 assessments"


def test_same_day_dots_line_up_across_panels() -> None:
    day, later = date(2025, 3, 1), date(2025, 6, 1)
    figure = trend_figure(
        {
            "A": [(day, 5.0), (day, 2.0), (later, 3.0)],
            "B": [(day, math.nan), (day, 4.0), (later, 1.0)],  # the first not rated
        },
        scale_max=5,
        scale_min=1,
        title="t",
    )
    a, b = lines(figure, "lantern-trend")
    a_xs = [x for x, _ in vertices(a)]
    b_xs = [x for x, _ in vertices(b)]
    panel_shift = b_xs[-1] - a_xs[-1]  # B's panel is beside A's
    assert [x + panel_shift for x in a_xs[1:]] == pytest.approx(b_xs)


def test_a_one_to_ten_scale_numbers_both_ends_evenly() -> None:
    figure = trend_figure(series(1, 3), scale_max=10, scale_min=1, title="t")
    assert gids(figure, "lantern-tick") == ["1", "4", "7", "10"]
    figure = trend_figure(series(1, 3), scale_max=5, scale_min=1, title="t")
    assert gids(figure, "lantern-tick") == ["1", "2", "3", "4", "5"]  # no 0


def test_trend_alt_text_for_an_area_rated_once() -> None:
    text = trend_alt_text(
        {"A": [(date(2025, 1, 1), math.nan), (date(2025, 4, 1), 3.0)]},
        template="{items}",
        item_template="{area} from {first} to {last} over {count} assessments",
        once_template="{area} {last}, rated once",
    )
    assert text == "A 3, rated once"


def test_trend_alt_text() -> None:
    text = trend_alt_text(
        {
            "Influence": [(date(2025, 4, 1), 4.0), (date(2025, 1, 1), 2.0)],
            "Leading Change": [],
        },
        template="Line chart of your {assessment} ratings over time: {items}.",
        item_template="{area} from {first} to {last} over {count} assessments",
        assessment="competencies",
    )
    assert text == (
        "Line chart of your competencies ratings over time: "
        "Influence from 2 to 4 over 2 assessments."
    )


def test_trend_refuses_an_empty_scale() -> None:
    with pytest.raises(ValueError, match="scale_max"):
        trend_figure({}, scale_max=1, scale_min=1, title="t")
