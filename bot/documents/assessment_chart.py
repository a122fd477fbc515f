"""The self-assessment's charts: a radar of the latest ratings over earlier ones, and trends."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Literal

from matplotlib import patheffects
from matplotlib.colors import to_hex, to_rgb
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Polygon, Rectangle
from matplotlib.patheffects import AbstractPathEffect
from matplotlib.text import Text

# The layout helpers of the toolkit pictures: labels are measured in points and placed so that
# none overlaps another or leaves the picture, and the figure is sized to what it holds.
from bot.documents.pictures import (
    _GAP,
    _INK,
    _LABEL_SIZE,
    _MUTED,
    _RULE,
    _add_title,
    _Box,
    _Label,
    _Measurer,
    _render,
    _Scene,
    to_png,
)

__all__ = [
    "draw_radar",
    "draw_trend",
    "radar_alt_text",
    "radar_figure",
    "trend_alt_text",
    "trend_figure",
]

_LATEST = "#1f8a7a"
_PREVIOUS = "#3e5c86"
_PAPER_RGB = (1.0, 1.0, 1.0)
_GRID = "#d9e0e7"

# Radar.
_AXIS_SIZE = 9.0
_TICK_SIZE = 7.5
_RADAR_RADII = tuple(110.0 * 1.07**step for step in range(30))  # tried smallest first
_RADAR_WRAPS = (130.0, 110.0, 92.0, 78.0)  # axis-label wrap widths tried at each radius
_LABEL_CLEAR = 9.0  # least distance between the outer ring and an axis label
_DOT_CLEAR = 4.5  # least distance between a scale number and where a rating's dot can be
_LEGEND_WRAP = 170.0
_LEGEND_SAMPLE = 22.0  # length of a legend's sample line

# Trend (small multiples: one panel per area, all on the same dates and scale).
_PANEL_WIDTH = 160.0  # the plot area of one panel
_PANEL_HEIGHT = 64.0
_PANEL_TICKS = 14.0  # room left of a plot area for its scale numbers
_PANEL_VALUE = 18.0  # room right of a plot area for the latest value
_PANEL_PAD = 9.0  # between a plot area's sides and its first and last dates
_PANEL_INSET = 6.0  # between a plot area's top and bottom and the scale's ends
_PANEL_GAP_X = 22.0
_PANEL_GAP_Y = 16.0
_PANEL_TITLE_SIZE = 9.0
_PANEL_DATE_SIZE = 7.0
_PANEL_TICK_GAP = 10.0  # least height between two numbered gridlines of a panel
_SAME_DAY_STEP = 8.0  # between the dots of assessments finished on the same date


@dataclass(frozen=True)
class _Series:
    """How one assessment's polygon or line is drawn."""

    colour: str
    width: float
    style: Literal["-", "--"]
    marker: str | None
    fill_alpha: float


def _fade(colour: str, amount: float) -> str:
    """`colour` mixed with the paper: 0 keeps it, 1 is the paper (solid, so overlaps stay clean)."""
    red, green, blue = (
        c + (p - c) * amount for c, p in zip(to_rgb(colour), _PAPER_RGB, strict=True)
    )
    return to_hex((red, green, blue))


def _latest_style() -> _Series:
    return _Series(_LATEST, 2.6, "-", "o", 0.14)


def _previous_style(index: int, count: int) -> _Series:
    """The `index`-th of `count` earlier assessments, oldest first: the one just before the
    latest is plainly visible and each older one is fainter."""
    age = (count - 1 - index) / (count - 1) if count > 1 else 0.0  # 0 newest .. 1 oldest
    return _Series(_fade(_PREVIOUS, 0.2 + 0.55 * age), 1.3, "--", None, 0.0)


def _clamp(value: float, low: float, high: float) -> float:
    """A value on the scale; NaN (not rated) stays NaN, so the line breaks there."""
    if math.isnan(value):
        return value
    return min(max(float(value), low), high)


def _ticks(low: float, high: float) -> list[float]:
    """The scale's rings or gridlines: every whole number when there are few, else five."""
    span = high - low
    if span <= 10 and float(low).is_integer() and float(high).is_integer():
        return [low + step for step in range(1, int(span) + 1)]
    return [low + span * step / 5 for step in range(1, 6)]


def _number(value: float) -> str:
    return f"{value:g}"


# --------------------------------------------------------------------------------------------
# Radar


def draw_radar(
    axes_labels: Sequence[str],
    latest: Sequence[float],
    previous: Sequence[Sequence[float]] = (),
    *,
    scale_max: float,
    title: str,
    latest_label: str,
    previous_labels: Sequence[str] = (),
    scale_min: float = 0.0,
    dpi: int = 120,
) -> bytes:
    """`radar_figure` as PNG bytes."""
    figure = radar_figure(
        axes_labels,
        latest,
        previous,
        scale_max=scale_max,
        title=title,
        latest_label=latest_label,
        previous_labels=previous_labels,
        scale_min=scale_min,
    )
    return to_png(figure, dpi)


def radar_figure(
    axes_labels: Sequence[str],
    latest: Sequence[float],
    previous: Sequence[Sequence[float]] = (),
    *,
    scale_max: float,
    title: str,
    latest_label: str,
    previous_labels: Sequence[str] = (),
    scale_min: float = 0.0,
) -> Figure:
    """One spoke per area, clockwise from the top, scale_min at the centre and scale_max on the
    outer ring. The earlier assessments (`previous`, oldest first) are thin dashed outlines,
    the older the fainter; the latest is drawn last, bold, filled and with a dot per rating.
    A NaN rating (not rated) breaks that outline. The labels are wrapped and set outside the
    outer ring; a legend of the series (`latest_label`, then `previous_labels` newest first)
    sits below and the title above."""
    count = len(axes_labels)
    if count == 0:
        raise ValueError("a radar chart needs at least one area")
    if scale_max <= scale_min:
        raise ValueError(f"scale_max ({scale_max}) must be above scale_min ({scale_min})")
    for name, values in [("latest", latest), *(("previous", p) for p in previous)]:
        if len(values) != count:
            raise ValueError(f"{name} has {len(values)} ratings for {count} areas")
    if len(previous_labels) != len(previous):
        raise ValueError(
            f"{len(previous_labels)} previous_labels for {len(previous)} previous assessments"
        )
    measurer = _Measurer()
    scene = _Scene()
    angles = [math.pi / 2 - 2 * math.pi * k / count for k in range(count)]
    radius, labels = _fit_labels(measurer, axes_labels, angles)

    def point(value: float, angle: float) -> tuple[float, float]:
        r = radius * (value - scale_min) / (scale_max - scale_min)
        return r * math.cos(angle), r * math.sin(angle)

    scene.extents.append(_Box(-radius, -radius, radius, radius))
    for level in _ticks(scale_min, scale_max):
        ring = [point(level, a) for a in angles]
        ring.append(ring[0])
        outer = level == scale_max
        scene.artists.append(
            Line2D(
                [x for x, _ in ring],
                [y for _, y in ring],
                color=_RULE if outer else _GRID,
                linewidth=1.0 if outer else 0.8,
                zorder=1,
                gid="lantern-ring",
            )
        )
    for angle in angles:
        x, y = point(scale_max, angle)
        scene.artists.append(
            Line2D((0.0, x), (0.0, y), color=_GRID, linewidth=0.8, zorder=1, gid="lantern-spoke")
        )
    levels = _ticks(scale_min, scale_max)
    # Every other one from the outer ring down when there are many, so they do not crowd a
    # narrow chart.
    for level in levels[::-1][:: 2 if len(levels) > 5 else 1]:
        text = _number(level)
        width, height = measurer.size(text, _TICK_SIZE)
        box = _tick_box(point, angles, level, scale_max, (width, height))
        if box is not None:
            scene.add_label(_Label(text, box, _TICK_SIZE, colour=_MUTED, gid="lantern-tick"))

    series = [
        (values, _previous_style(index, len(previous)), f"lantern-previous-{index}")
        for index, values in enumerate(previous)
    ]
    series.append((latest, _latest_style(), "lantern-latest"))
    for zorder, (values, style, gid) in enumerate(series, start=2):
        clamped = [_clamp(v, scale_min, scale_max) for v in values]
        points = [point(v, a) for v, a in zip(clamped, angles, strict=True)]
        closed = [*points, points[0]]
        if style.fill_alpha and not any(math.isnan(v) for v in clamped) and count > 2:
            scene.artists.append(
                Polygon(
                    points,
                    closed=True,
                    facecolor=style.colour,
                    alpha=style.fill_alpha,
                    edgecolor="none",
                    zorder=zorder,
                    gid=f"{gid}-fill",
                )
            )
        scene.artists.append(
            Line2D(
                [x for x, _ in closed],
                [y for _, y in closed],
                color=style.colour,
                linewidth=style.width,
                linestyle=style.style,
                marker=style.marker,
                markersize=5.0,
                zorder=zorder,
                gid=gid,
            )
        )
    for label in labels:
        scene.add_label(label)

    entries = [(latest_label, _latest_style())]
    entries += [
        (previous_labels[index], _previous_style(index, len(previous)))
        for index in reversed(range(len(previous)))
    ]
    _add_legend(scene, measurer, entries)
    _add_title(scene, measurer, title)
    figure = _render(scene)
    # The scale numbers sit under the outlines' path; a halo of paper keeps them legible.
    halo: list[AbstractPathEffect] = [patheffects.withStroke(linewidth=2.5, foreground="white")]
    for artist in figure.findobj(Text):
        if isinstance(artist, Text) and artist.get_gid() == "lantern-tick":
            artist.set_path_effects(halo)
    return figure


def _tick_box(
    point: Callable[[float, float], tuple[float, float]],
    angles: Sequence[float],
    level: float,
    scale_max: float,
    size: tuple[float, float],
) -> _Box | None:
    """Where a ring's number goes: on the ring midway between the first two spokes, off every
    spoke a rating's dot sits on; None where the spokes are too close there (an inner ring of
    many spokes). With fewer than three spokes the ring has no edge between them: beside the
    top spoke, below the ring."""
    width, height = size
    if len(angles) < 3:
        y = point(level, angles[0])[1]
        return _Box(_DOT_CLEAR, y - height - _DOT_CLEAR, _DOT_CLEAR + width, y - _DOT_CLEAR)
    (ax, ay), (bx, by) = point(level, angles[0]), point(level, angles[1])
    box = _Box.around((ax + bx) / 2, (ay + by) / 2, width, height)
    # A dot may sit anywhere along either spoke (a rating past the scale on the outer ring).
    for angle in angles[:2]:
        if _from_segment(box, (0.0, 0.0), point(scale_max, angle)) < _DOT_CLEAR:
            return None
    return box


def _from_segment(box: _Box, start: tuple[float, float], end: tuple[float, float]) -> float:
    """The least distance between a box and a line segment (sampled finely enough for text)."""
    (x0, y0), (x1, y1) = start, end
    steps = 64
    nearest = math.inf
    for index in range(steps + 1):
        t = index / steps
        x, y = x0 + (x1 - x0) * t, y0 + (y1 - y0) * t
        dx = max(box.x0 - x, 0.0, x - box.x1)
        dy = max(box.y0 - y, 0.0, y - box.y1)
        nearest = min(nearest, math.hypot(dx, dy))
    return nearest


def _fit_labels(
    measurer: _Measurer, texts: Sequence[str], angles: Sequence[float]
) -> tuple[float, list[_Label]]:
    """The smallest radius (and widest wrap at it) at which no two axis labels overlap."""
    placed: list[_Label] = []
    for radius in _RADAR_RADII:
        for wrap in _RADAR_WRAPS:
            placed = [
                _axis_label(measurer, text, angle, radius, wrap)
                for text, angle in zip(texts, angles, strict=True)
            ]
            if not _overlap([label.box.grown(_GAP / 2) for label in placed]):
                return radius, placed
    return _RADAR_RADII[-1], placed  # pragma: no cover - hundreds of labels would be needed


def _axis_label(measurer: _Measurer, text: str, angle: float, radius: float, wrap: float) -> _Label:
    """A label just outside the ring at its spoke, on the side facing away from the centre."""
    wrapped = measurer.wrap(text, wrap, _AXIS_SIZE, "bold") or " "
    width, height = measurer.size(wrapped, _AXIS_SIZE, "bold")
    cos, sin = math.cos(angle), math.sin(angle)
    distance = radius + _LABEL_CLEAR
    # The box slides from centred over the spoke (at the top and bottom) to beside it (at the
    # sides), so it always faces away from the centre.
    centre_x = distance * cos + width / 2 * max(-1.0, min(1.0, 2.0 * cos))
    centre_y = distance * sin + height / 2 * max(-1.0, min(1.0, 2.0 * sin))
    box = _Box.around(centre_x, centre_y, width, height)
    # Near the diagonals a corner can still reach into the ring: push it out along the spoke.
    for _ in range(40):
        if _nearest(box) >= radius + _LABEL_CLEAR - 0.5:
            break
        box = _Box.around(box.centre_x + 2.0 * cos, box.centre_y + 2.0 * sin, width, height)
    align = "center" if abs(cos) < 0.2 else ("left" if cos > 0 else "right")
    return _Label(wrapped, box, _AXIS_SIZE, "bold", _INK, align, "lantern-axis")


def _nearest(box: _Box) -> float:
    """The distance from the centre to the nearest point of `box`."""
    x = min(max(0.0, box.x0), box.x1)
    y = min(max(0.0, box.y0), box.y1)
    return math.hypot(x, y)


def _overlap(boxes: Sequence[_Box]) -> bool:
    for index, a in enumerate(boxes):
        for b in boxes[index + 1 :]:
            if a.x0 < b.x1 and b.x0 < a.x1 and a.y0 < b.y1 and b.y0 < a.y1:
                return True
    return False


def _add_legend(scene: _Scene, measurer: _Measurer, entries: Sequence[tuple[str, _Series]]) -> None:
    """A sample line and its name for each series, in rows centred below everything drawn."""
    content = scene.bounds()
    room = max(content.width, 300.0)
    measured: list[tuple[str, float, float, _Series]] = []
    for text, style in entries:
        wrapped = measurer.wrap(text, _LEGEND_WRAP, _LABEL_SIZE)
        width, height = measurer.size(wrapped, _LABEL_SIZE) if wrapped else (0.0, 0.0)
        measured.append((wrapped, width, height, style))
    rows: list[list[tuple[str, float, float, _Series]]] = [[]]
    used = 0.0
    for entry in measured:
        entry_width = _LEGEND_SAMPLE + 6.0 + entry[1]
        if rows[-1] and used + 4 * _GAP + entry_width > room:  # no room on this row
            rows.append([])
            used = 0.0
        used += (4 * _GAP if rows[-1] else 0.0) + entry_width
        rows[-1].append(entry)
    line_top = content.y0 - 3 * _GAP
    for row in rows:
        widths = [_LEGEND_SAMPLE + 6.0 + width for _, width, _, _ in row]
        x = content.centre_x - (sum(widths) + 4 * _GAP * (len(row) - 1)) / 2
        line_height = max([10.0] + [height for _, _, height, _ in row])
        y = line_top - line_height / 2
        for (wrapped, width, height, style), entry_width in zip(row, widths, strict=True):
            sample = Line2D(
                (x, x + _LEGEND_SAMPLE),
                (y, y),
                color=style.colour,
                linewidth=style.width,
                linestyle=style.style,
                marker=style.marker,
                markevery=[1] if style.marker else None,
                markersize=5.0,
                zorder=2,
                gid="lantern-legend-sample",
            )
            scene.add_artist(sample, _Box(x, y - 4.0, x + _LEGEND_SAMPLE, y + 4.0))
            if wrapped:
                x0 = x + _LEGEND_SAMPLE + 6.0
                box = _Box(x0, y - height / 2, x0 + width, y + height / 2)
                scene.add_label(
                    _Label(
                        wrapped, box, _LABEL_SIZE, align="left", gid="lantern-legend", anchor="left"
                    )
                )
            x += entry_width + 4 * _GAP
        line_top -= line_height + 2 * _GAP


def radar_alt_text(
    axes_labels: Sequence[str],
    latest: Sequence[float],
    *,
    scale_max: float,
    template: str,
    item_template: str,
    **fields: object,
) -> str:
    """A text for screen readers: `template` filled with `fields` and {items}, the areas joined
    by "; ", each `item_template` filled with {area}, {value} and {max} (NaN areas left out)."""
    items = "; ".join(
        item_template.format(area=label, value=_number(value), max=_number(scale_max))
        for label, value in zip(axes_labels, latest, strict=True)
        if not math.isnan(value)
    )
    return template.format(items=items, **fields)


# --------------------------------------------------------------------------------------------
# Trend


def draw_trend(
    series: Mapping[str, Sequence[tuple[date, float]]],
    *,
    scale_max: float,
    title: str,
    scale_min: float = 0.0,
    format_date: Callable[[date], str] = date.isoformat,
    dpi: int = 120,
) -> bytes:
    """`trend_figure` as PNG bytes."""
    figure = trend_figure(
        series, scale_max=scale_max, title=title, scale_min=scale_min, format_date=format_date
    )
    return to_png(figure, dpi)


def trend_figure(
    series: Mapping[str, Sequence[tuple[date, float]]],
    *,
    scale_max: float,
    title: str,
    scale_min: float = 0.0,
    format_date: Callable[[date], str] = date.isoformat,
) -> Figure:
    """Small multiples: one panel per area (in the mapping's order, in rows of up to three),
    each the area's ratings over time on the same dates and scale, so panels compare at a
    glance and fourteen areas stay as readable as one. Each panel has its name above, the
    scale at the left, the first and last dates below and the latest rating beside its last
    point. A single assessment shows as one dot in the middle.

    Points are in date order; points of one date keep the order given (the order they were
    finished in), so the last of them is the latest, and sit side by side around their date."""
    if scale_max <= scale_min:
        raise ValueError(f"scale_max ({scale_max}) must be above scale_min ({scale_min})")
    measurer = _Measurer()
    scene = _Scene()
    dates = sorted({when for points in series.values() for when, _ in points})
    # How many points a date holds at most in any panel: the dots it spreads over.
    per_date: dict[date, int] = {}
    for points in series.values():
        for when in {when for when, _ in points}:
            count = sum(1 for other, _ in points if other == when)
            per_date[when] = max(per_date.get(when, 0), count)
    names = list(series)
    columns = 1 if len(names) <= 1 else 2 if len(names) <= 4 else 3
    panel_width = _PANEL_TICKS + _PANEL_WIDTH + _PANEL_VALUE
    top = 0.0
    for row_start in range(0, len(names), columns):
        row = names[row_start : row_start + columns]
        titles = [
            measurer.wrap(name, panel_width, _PANEL_TITLE_SIZE, "bold") or " " for name in row
        ]
        title_height = max(measurer.size(t, _PANEL_TITLE_SIZE, "bold")[1] for t in titles)
        bottom = top
        for column, (name, wrapped) in enumerate(zip(row, titles, strict=True)):
            left = column * (panel_width + _PANEL_GAP_X)
            bottom = _add_panel(
                scene,
                measurer,
                _Panel(name, wrapped, left, top, title_height),
                series[name],
                _Dates(dates, per_date),
                (scale_min, scale_max),
                format_date,
            )
        top = bottom - _PANEL_GAP_Y
    if not names:
        scene.extents.append(_Box(0.0, 0.0, panel_width, _PANEL_HEIGHT))
    _add_title(scene, measurer, title)
    return _render(scene)


@dataclass(frozen=True)
class _Dates:
    """The dates of every panel, and how many points each holds at most."""

    days: Sequence[date]
    per_date: Mapping[date, int]


def _in_date_order(points: Sequence[tuple[date, float]]) -> list[tuple[date, int, float]]:
    """Each point with its place among the points of its date, sorted by date only (stable:
    same-date points keep the order given)."""
    seen: dict[date, int] = {}
    ordered: list[tuple[date, int, float]] = []
    for when, value in sorted(points, key=lambda point: point[0]):
        ordered.append((when, seen.get(when, 0), value))
        seen[when] = seen.get(when, 0) + 1
    return ordered


def _labelled_levels(levels: Sequence[float], gap: float) -> list[float]:
    """The gridlines to number, `gap` points apart: all of them when there is room, else every
    n-th from the lowest so that both ends are numbered (1, 4, 7, 10), else only the ends."""
    intervals = len(levels) - 1
    for step in range(1, max(intervals, 1) + 1):
        if gap * step >= _PANEL_TICK_GAP and intervals % step == 0:
            return list(levels[::step])
    return [levels[0], levels[-1]]


@dataclass(frozen=True)
class _Panel:
    name: str
    title: str  # wrapped
    left: float
    top: float
    title_height: float  # the tallest title of the row, so plot areas line up


def _add_panel(
    scene: _Scene,
    measurer: _Measurer,
    panel: _Panel,
    points: Sequence[tuple[date, float]],
    shared: _Dates,
    scale: tuple[float, float],
    format_date: Callable[[date], str],
) -> float:
    """One area's panel below `panel.top`; returns the panel's bottom."""
    low, high = scale
    dates = shared.days
    title_size = measurer.size(panel.title, _PANEL_TITLE_SIZE, "bold")
    title_box = _Box(panel.left, panel.top - title_size[1], panel.left + title_size[0], panel.top)
    scene.add_label(
        _Label(
            panel.title, title_box, _PANEL_TITLE_SIZE, "bold", _INK, "left", "lantern-panel", "left"
        )
    )
    x0 = panel.left + _PANEL_TICKS
    y1 = panel.top - panel.title_height - _GAP
    plot = _Box(x0, y1 - _PANEL_HEIGHT, x0 + _PANEL_WIDTH, y1)
    frame = Rectangle(
        (plot.x0, plot.y0),
        plot.width,
        plot.height,
        facecolor="none",
        edgecolor=_RULE,
        linewidth=0.8,
        zorder=1,
        gid="lantern-panel-frame",
    )
    scene.add_artist(frame, plot)

    def y_of(value: float) -> float:
        inner = plot.height - 2 * _PANEL_INSET
        return plot.y0 + _PANEL_INSET + inner * (value - low) / (high - low)

    levels = [low, *_ticks(low, high)]
    for level in levels:
        y = y_of(level)
        scene.artists.append(
            Line2D((plot.x0, plot.x1), (y, y), color=_GRID, linewidth=0.6, zorder=1)
        )
    # Every number of a short scale; of a long one, as many as fit evenly.
    spacing = (y_of(levels[1]) - y_of(levels[0])) if len(levels) > 1 else _PANEL_HEIGHT
    for level in _labelled_levels(levels, spacing):
        text = _number(level)
        width, height = measurer.size(text, _PANEL_DATE_SIZE)
        y = y_of(level)
        box = _Box(plot.x0 - 3.0 - width, y - height / 2, plot.x0 - 3.0, y + height / 2)
        scene.add_label(_Label(text, box, _PANEL_DATE_SIZE, colour=_MUTED, gid="lantern-tick"))

    def x_of(when: date, place: int = 0) -> float:
        if len(dates) < 2:
            x = plot.centre_x
        else:
            span = (dates[-1] - dates[0]).days or 1
            inner = plot.width - 2 * _PANEL_PAD
            x = plot.x0 + _PANEL_PAD + inner * (when - dates[0]).days / span
        # Points of one date side by side around it, in the order they came, inside the frame.
        spread = (place - (shared.per_date.get(when, 1) - 1) / 2) * _SAME_DAY_STEP
        return min(max(x + spread, plot.x0 + 2.0), plot.x1 - 2.0)

    shown = [
        (x_of(when, place), _clamp(value, low, high))
        for when, place, value in _in_date_order(points)
        if not math.isnan(value)
    ]
    if shown:
        xs = [x for x, _ in shown]
        ys = [y_of(value) for _, value in shown]
        line = Line2D(
            xs,
            ys,
            color=_LATEST,
            linewidth=2.0,
            marker="o",
            markersize=4.0,
            zorder=3,
            gid="lantern-trend",
        )
        scene.artists.append(line)
        text = _number(shown[-1][1])
        width, height = measurer.size(text, _PANEL_TITLE_SIZE, "bold")
        # Beside the last point; past the frame when that point is at the right-hand end.
        value_x = plot.x1 + 3.0 if xs[-1] > plot.x1 - 2 * _PANEL_PAD else xs[-1] + 5.0
        value_y = min(max(ys[-1], plot.y0 + height / 2), plot.y1 - height / 2)
        box = _Box(value_x, value_y - height / 2, value_x + width, value_y + height / 2)
        scene.add_label(
            _Label(text, box, _PANEL_TITLE_SIZE, "bold", _LATEST, "left", "lantern-value", "left")
        )

    bottom = plot.y0
    marks = [dates[0], dates[-1]] if len(dates) > 1 else list(dates)
    previous: _Box | None = None
    for index, when in enumerate(marks):
        text = format_date(when)
        width, height = measurer.size(text, _PANEL_DATE_SIZE)
        # The first date starts at the plot's left edge and the last ends at its right edge,
        # under their points; a single date is centred under its dot.
        if len(marks) == 1:
            x0 = x_of(when) - width / 2
        else:
            x0 = plot.x0 if index == 0 else plot.x1 - width
        top = plot.y0 - 2.0
        if previous is not None and x0 < previous.x1 + _GAP:  # a long format: go a line lower
            top = previous.y0 - 1.0
        box = _Box(x0, top - height, x0 + width, top)
        scene.add_label(_Label(text, box, _PANEL_DATE_SIZE, colour=_MUTED, gid="lantern-date"))
        bottom = min(bottom, box.y0)
        previous = box
    right = plot.x1 + _PANEL_VALUE
    scene.extents.append(_Box(panel.left, bottom, right, panel.top))
    return bottom


def trend_alt_text(
    series: Mapping[str, Sequence[tuple[date, float]]],
    *,
    template: str,
    item_template: str,
    once_template: str | None = None,
    **fields: object,
) -> str:
    """A text for screen readers: `template` filled with `fields` and {items}, each area's
    `item_template` filled with {area}, {first}, {last} and {count} (its first and latest
    rating, in date order and same-date ratings in the order given, and how many there are),
    or `once_template` ({area}, {last}) for an area rated once when given; areas with no
    rating are left out."""
    items: list[str] = []
    for name, points in series.items():
        shown = [value for _, _, value in _in_date_order(points) if not math.isnan(value)]
        if len(shown) == 1 and once_template is not None:
            items.append(once_template.format(area=name, last=_number(shown[0])))
        elif shown:
            items.append(
                item_template.format(
                    area=name,
                    first=_number(shown[0]),
                    last=_number(shown[-1]),
                    count=len(shown),
                )
            )
    return template.format(items="; ".join(items), **fields)
