"""The balance chart: planned against logged check-ins per constituency, as a figure and PNG."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle

# The layout helpers of the toolkit pictures: the same measured, overlap-free placement in points.
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

__all__ = ["BalanceChartRow", "BalanceChartWords", "Status", "balance_figure", "draw_balance"]

Status = Literal["on-track", "due", "neglected"]

_NAME_SIZE = 10.0
_STATUS_SIZE = 8.5
_VALUE_SIZE = 8.5
_NAME_WIDTH = 170.0  # constituency names wrap at this width, right-aligned against the bars
_NAME_GAP = 12.0  # between the names and the bars' baseline
_BAR_AREA = 300.0  # the longest bar
_BAR_HEIGHT = 11.0
_BAR_GAP = 3.0  # between a row's planned and logged bars
_ROW_GAP = 14.0  # between rows
_VALUE_GAP = 4.0  # between a bar's end and its number
_LEGEND_WIDTH = 150.0  # legend words wrap at this width
_SWATCH = (18.0, 11.0)

_PLANNED_FILL = "#e4e9ef"
_PLANNED_EDGE = "#7b8794"
# The logged bar and the status word share a colour; neglected bars are hatched as well and the
# status word carries its own symbol, so the status never rests on colour alone.
_STATUS_COLOURS: Mapping[Status, str] = {
    "on-track": "#1f8a7a",
    "due": "#b7791f",
    "neglected": "#c0392b",
}
_STATUS_EDGES: Mapping[Status, str] = {
    "on-track": "#1f8a7a",
    "due": "#b7791f",
    "neglected": "#7f1d1d",  # darker, so the hatching shows
}
_STATUS_HATCH: Mapping[Status, str | None] = {"on-track": None, "due": None, "neglected": "////"}
_STATUSES: tuple[Status, ...] = ("on-track", "due", "neglected")


@dataclass(frozen=True)
class BalanceChartRow:
    """One constituency: check-ins planned over the window (fractional: the bar is drawn to
    scale, its number rounded half up), logged, and status."""

    name: str
    planned: float
    logged: int
    status: Status  # its colour
    status_word: str | None = None  # under the name, when not the status's own word


@dataclass(frozen=True)
class BalanceChartWords:
    title: str
    planned: str  # legend: the planned bars
    planned_value: str  # "{count} planned", beside a planned bar
    logged_value: str  # "{count} logged", beside a logged bar
    statuses: Mapping[
        Status, str
    ]  # under each name and in the legend, with a symbol: "⚠ neglected"


def draw_balance(
    rows: Sequence[BalanceChartRow], words: BalanceChartWords, dpi: int = 120
) -> bytes:
    """`balance_figure` as PNG bytes."""
    return to_png(balance_figure(rows, words), dpi)


def balance_figure(rows: Sequence[BalanceChartRow], words: BalanceChartWords) -> Figure:
    """Horizontal bars, one pair per constituency from top to bottom in the given order: the
    planned check-ins (light) above the logged ones (the status colour), each with its number;
    the name (wrapped) and status word to the left; a legend below and the title above. The
    logged bars' colours are explained by the status words, so no legend entry names them."""
    measurer = _Measurer()
    scene = _Scene()
    widest = max([1.0] + [max(row.planned, float(row.logged)) for row in rows])
    unit = _BAR_AREA / widest
    value_height = measurer.size("0", _VALUE_SIZE)[1]
    pitch = max(_BAR_HEIGHT, value_height) + _BAR_GAP  # centre to centre of a row's two bars
    # Every row keeps the whole width, so the picture's width does not depend on the numbers.
    scene.extents.append(_Box(-_NAME_GAP - _NAME_WIDTH, 0.0, _BAR_AREA, 0.0))
    top = 0.0
    for row in rows:
        top = _add_row(scene, measurer, row, words, top, unit, pitch) - _ROW_GAP
    bottom = top + _ROW_GAP
    if rows:
        baseline = Line2D((0.0, 0.0), (bottom, 0.0), color=_RULE, linewidth=1.0, zorder=1)
        scene.add_artist(baseline, _Box(-0.5, bottom, 0.5, 0.0))
    _add_legend(scene, measurer, words, bottom - 2 * _ROW_GAP)
    _add_title(scene, measurer, words.title)
    return _render(scene)


def _add_row(
    scene: _Scene,
    measurer: _Measurer,
    row: BalanceChartRow,
    words: BalanceChartWords,
    top: float,
    unit: float,
    pitch: float,
) -> float:
    """One constituency's name, status and bars below `top`; returns the row's bottom."""
    colour = _STATUS_COLOURS[row.status]
    name = measurer.wrap(row.name, _NAME_WIDTH, _NAME_SIZE, "bold") or " "
    word = row.status_word or words.statuses[row.status]
    status = measurer.wrap(word, _NAME_WIDTH, _STATUS_SIZE, "bold")
    name_size = measurer.size(name, _NAME_SIZE, "bold")
    status_size = measurer.size(status, _STATUS_SIZE, "bold") if status else (0.0, 0.0)
    label_height = name_size[1] + (2.0 + status_size[1] if status else 0.0)
    bars_height = pitch + _BAR_HEIGHT
    height = max(label_height, bars_height)
    centre = top - height / 2

    right = -_NAME_GAP
    name_top = centre + label_height / 2
    name_box = _Box(right - name_size[0], name_top - name_size[1], right, name_top)
    scene.add_label(
        _Label(name, name_box, _NAME_SIZE, "bold", _INK, "right", "lantern-name", "left")
    )
    if status:
        status_top = name_box.y0 - 2.0
        status_box = _Box(right - status_size[0], status_top - status_size[1], right, status_top)
        scene.add_label(
            _Label(
                status, status_box, _STATUS_SIZE, "bold", colour, "right", "lantern-status", "left"
            )
        )

    planned_y = centre + pitch / 2
    logged_y = centre - pitch / 2
    _add_bar(scene, row.planned * unit, planned_y, _PLANNED_FILL, _PLANNED_EDGE, None, "planned")
    _add_bar(
        scene,
        row.logged * unit,
        logged_y,
        colour,
        _STATUS_EDGES[row.status],
        _STATUS_HATCH[row.status],
        "logged",
    )
    for value, words_template, y, end in (
        (math.floor(row.planned + 0.5), words.planned_value, planned_y, row.planned * unit),
        (row.logged, words.logged_value, logged_y, row.logged * unit),
    ):
        text = words_template.format(count=value)
        width, text_height = measurer.size(text, _VALUE_SIZE)
        x0 = end + _VALUE_GAP
        box = _Box(x0, y - text_height / 2, x0 + width, y + text_height / 2)
        scene.add_label(
            _Label(
                text,
                box,
                _VALUE_SIZE,
                colour=_MUTED,
                align="left",
                gid="lantern-value",
                anchor="left",
            )
        )
    return top - height


def _add_bar(
    scene: _Scene,
    length: float,
    centre_y: float,
    fill: str,
    edge: str,
    hatch: str | None,
    kind: str,
) -> None:
    if length <= 0.0:
        return
    box = _Box(0.0, centre_y - _BAR_HEIGHT / 2, length, centre_y + _BAR_HEIGHT / 2)
    bar = Rectangle(
        (box.x0, box.y0),
        box.width,
        box.height,
        facecolor=fill,
        edgecolor=edge,
        hatch=hatch,
        linewidth=1.0,
        zorder=2,
        gid=f"lantern-bar-{kind}",
    )
    scene.add_artist(bar, box)


def _add_legend(scene: _Scene, measurer: _Measurer, words: BalanceChartWords, top: float) -> None:
    """A sample of each kind of bar and its meaning, in rows below the chart from its left."""
    samples: list[tuple[str, str, str, str, str | None]] = [
        ("planned", words.planned, _PLANNED_FILL, _PLANNED_EDGE, None)
    ]
    for status in _STATUSES:
        fill, edge = _STATUS_COLOURS[status], _STATUS_EDGES[status]
        samples.append((status, words.statuses[status], fill, edge, _STATUS_HATCH[status]))
    left = -_NAME_GAP - _NAME_WIDTH
    right = max(scene.bounds().x1, _BAR_AREA)
    x, line_top, line_height = left, top, 0.0
    for kind, text, fill, edge, hatch in samples:
        wrapped = measurer.wrap(text, _LEGEND_WIDTH, _LABEL_SIZE)
        width, height = measurer.size(wrapped, _LABEL_SIZE) if wrapped else (0.0, 0.0)
        entry_width = _SWATCH[0] + 6.0 + width
        entry_height = max(_SWATCH[1], height)
        if x > left and x + entry_width > right:  # no room left on this line: start another
            x, line_top, line_height = left, line_top - line_height - 2 * _GAP, 0.0
        line_height = max(line_height, entry_height)
        y = line_top - entry_height / 2
        swatch = _Box(x, y - _SWATCH[1] / 2, x + _SWATCH[0], y + _SWATCH[1] / 2)
        patch = Rectangle(
            (swatch.x0, swatch.y0),
            swatch.width,
            swatch.height,
            facecolor=fill,
            edgecolor=edge,
            hatch=hatch,
            linewidth=1.0,
            zorder=2,
            gid=f"lantern-legend-{kind}",
        )
        scene.add_artist(patch, swatch)
        if wrapped:
            box = _Box(swatch.x1 + 6.0, y - height / 2, swatch.x1 + 6.0 + width, y + height / 2)
            scene.add_label(
                _Label(wrapped, box, _LABEL_SIZE, align="left", gid="lantern-legend", anchor="left")
            )
        x += entry_width + 4 * _GAP
