"""The toolkit's pictures (continuum, Venn, collaboration map) as matplotlib figures and PNGs."""

from __future__ import annotations

import io
import itertools
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
from matplotlib.artist import Artist
from matplotlib.backend_bases import RendererBase
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import Collection, LineCollection
from matplotlib.colors import LinearSegmentedColormap, to_rgba
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.lines import Line2D
from matplotlib.patches import Circle, FancyBboxPatch, Patch

from bot.core.text import shorten
from bot.documents.model import (
    ContinuumItem,
    ContinuumWords,
    MapItem,
    MapWords,
    VennItem,
    VennWords,
)

__all__ = [
    "collaboration_map_figure",
    "continuum_figure",
    "draw_collaboration_map",
    "draw_continuum",
    "draw_venn",
    "to_png",
    "venn_figure",
]

# Every layout below works in points (1/72 inch) on one axes that fills the figure, so a text's
# measured size, a box drawn around it and the figure's size all share one unit. Labels are
# measured before they are placed; nothing relies on matplotlib to move text out of the way.

_DPI = 100  # the figure's own resolution (what a test's renderer sees); to_png chooses the PNG's
_POINTS_PER_INCH = 72.0
_LINESPACING = 1.25
_MARGIN = 16.0  # blank border around every picture
_GAP = 5.0  # least blank space between two labels or notes

_INK = "#1f2933"
_MUTED = "#52606d"
_RULE = "#9aa5b1"
_PAPER = "#ffffff"

_TITLE_SIZE = 14.0
_HEADING_SIZE = 11.0
_LABEL_SIZE = 9.5

# Continuum.
_CONTINUUM_WIDTH = 580.0  # width inside the border (8.5 inches with it); crowds make it wider
_END_SIZE = 12.0
_END_WIDTH = 110.0  # the "fixed"/"growth" words wrap at this width
_BOX_PAD = 4.0  # between a label's text and its box
_BOX_WIDEST = 140.0
_BOX_ONE_ROW = 96.0  # when one row would need boxes narrower than this, use two staggered rows
_BOX_NARROWEST = 76.0  # the line grows longer rather than make boxes narrower than this
_FAN = 26.0  # least distance between the line and the nearest row of labels
_ROW_GAP = 8.0
_MARKER = 9.0
_FIXED = "#d2691e"  # the fixed end, and the highlight for items on the fixed side
_FIXED_FILL = "#fde3cc"
_GROWTH = "#1f8a7a"
_GROWTH_EDGE = "#b6c2cc"
_BULLET_INDENT = 14.0
_COLUMN_GAP = 28.0

# Venn.
_VENN_RADIUS = 150.0
_VENN_GROWTH = 1.15  # the circles grow by this factor until every region's list fits
_VENN_SIZES = (10.0, 9.5, 9.0, 8.5, 8.0, 7.5, 7.0)  # label sizes tried, down to the floor
_VENN_WRAPS = (70.0, 90.0, 110.0, 135.0, 165.0, 200.0)  # wrap widths tried (points)
_VENN_SPREADS = (1.0, 0.85, 0.7)  # centre distances tried (radii): closer widens the overlaps
_VENN_PAD = 6.0  # between a region's list and the circle edges around it
_VENN_LABEL_SIZE = 12.5
_VENN_COLOURS = ("#4e79a7", "#e07b39", "#4f9a5a")

# Collaboration map.
_MAP_RADIUS = 150.0
_MAP_GROWTH = 1.08
_NOTE_TEXT_WIDTH = 112.0
_NOTE_PAD = 7.0
_CENTRE_SIZE = 13.0
_PRIORITY_FILL = "#ffe27a"
_PRIORITY_EDGE = "#c9a227"
_STRENGTH_FILL = "#cfe6fb"
_STRENGTH_EDGE = "#4a8fd1"
_CIRCLE_FILL = "#f2f6fa"
_CIRCLE_EDGE = "#5b7aa6"
_MARGIN_FILL = "#f7f7f4"
# The map's quadrants (Who, When, What, Where) in the corners of the sheet, around the circle.
_QUADRANT_CORNERS = ((-1.0, 1.0), (1.0, 1.0), (-1.0, -1.0), (1.0, -1.0))  # in the words' order
_QUADRANT_WRAPS = (230.0, 200.0, 170.0)  # wrap widths tried (points), widest first
_QUADRANT_LIMIT = 220  # longer answers are cut at a word and end with an ellipsis
_QUADRANT_CLEAR = 12.0  # least space between a quadrant's words and the lines, circle or margins
_QUADRANT_LABEL_SIZE = 11.5
_QUADRANT_LABEL_COLOUR = "#3e5c86"
_QUADRANT_LINE = "#b3bfcc"
_QUADRANT_SLACK = 1.06  # room for words pinned at their left to draw a little wider at other dpi


@dataclass(frozen=True)
class _Box:
    """An axis-aligned rectangle in points."""

    x0: float
    y0: float
    x1: float
    y1: float

    @classmethod
    def around(cls, x: float, y: float, width: float, height: float) -> _Box:
        return cls(x - width / 2, y - height / 2, x + width / 2, y + height / 2)

    @property
    def width(self) -> float:
        return self.x1 - self.x0

    @property
    def height(self) -> float:
        return self.y1 - self.y0

    @property
    def centre_x(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def centre_y(self) -> float:
        return (self.y0 + self.y1) / 2

    def grown(self, pad: float) -> _Box:
        return _Box(self.x0 - pad, self.y0 - pad, self.x1 + pad, self.y1 + pad)

    def union(self, other: _Box) -> _Box:
        return _Box(
            min(self.x0, other.x0),
            min(self.y0, other.y0),
            max(self.x1, other.x1),
            max(self.y1, other.y1),
        )


@dataclass(frozen=True)
class _Label:
    """A text drawn centred in `box`, which is exactly the text's measured size."""

    text: str
    box: _Box
    size: float
    weight: str = "normal"
    colour: str = _INK
    align: str = "center"  # how the lines of a wrapped text line up with each other
    gid: str = "lantern-text"
    anchor: str = "center"  # which side of `box` the text is pinned to: "center" or "left"


@dataclass
class _Scene:
    """What a picture draws, collected before the figure exists so it can be sized to fit."""

    labels: list[_Label] = field(default_factory=list)
    artists: list[Artist] = field(default_factory=list)
    extents: list[_Box] = field(default_factory=list)

    def add_label(self, label: _Label) -> None:
        self.labels.append(label)
        self.extents.append(label.box)

    def add_artist(self, artist: Artist, extent: _Box) -> None:
        self.artists.append(artist)
        self.extents.append(extent)

    def bounds(self) -> _Box:
        if not self.extents:
            return _Box(0.0, 0.0, 1.0, 1.0)
        bounds = self.extents[0]
        for extent in self.extents[1:]:
            bounds = bounds.union(extent)
        return bounds


class _Measurer:
    """Measures texts (in points) as the figure will draw them; one per picture, not shared."""

    def __init__(self) -> None:
        self._figure = Figure(dpi=_DPI)
        canvas = FigureCanvasAgg(self._figure)
        self._renderer: RendererBase = canvas.get_renderer()  # type: ignore[no-untyped-call]
        self._sizes: dict[tuple[str, float, str], tuple[float, float]] = {}
        self._widths: dict[tuple[str, float, str], float] = {}
        self._wraps: dict[tuple[str, float, float, str], tuple[str, float, int]] = {}

    def size(self, text: str, size: float, weight: str = "normal") -> tuple[float, float]:
        """Width and height of `text` in points, exactly as drawn."""
        key = (text, size, weight)
        known = self._sizes.get(key)
        if known is None:
            artist = self._figure.text(
                0.0,
                0.0,
                text,
                fontsize=size,
                fontweight=weight,
                linespacing=_LINESPACING,
                parse_math=False,
            )
            extent = artist.get_window_extent(self._renderer)
            artist.remove()
            scale = _POINTS_PER_INCH / _DPI
            known = (extent.width * scale, extent.height * scale)
            self._sizes[key] = known
        return known

    def estimate(self, text: str, size: float, weight: str = "normal") -> tuple[float, float]:
        """Close to `size` but much cheaper: each word measured once, line heights assumed."""
        lines = text.split("\n")
        space = self._width(" ", size, weight)
        width = max(
            sum(self._width(word, size, weight) for word in line.split(" "))
            + space * line.count(" ")
            for line in lines
        )
        return width, self.size("\n".join(["Élp"] * len(lines)), size, weight)[1]

    def _width(self, piece: str, size: float, weight: str) -> float:
        key = (piece, size, weight)
        known = self._widths.get(key)
        if known is None:
            properties = FontProperties(size=size, weight=weight)
            if piece == " ":  # a lone space measures as nothing; take it from between two letters
                pair = self._renderer.get_text_width_height_descent("x x", properties, False)[0]
                letter = self._renderer.get_text_width_height_descent("x", properties, False)[0]
                pixels = pair - 2 * letter
            else:
                pixels = self._renderer.get_text_width_height_descent(piece, properties, False)[0]
            known = pixels * _POINTS_PER_INCH / _DPI
            self._widths[key] = known
        return known

    def wrap(self, text: str, width: float, size: float, weight: str = "normal") -> str:
        """`text` in lines at most about `width` points wide, broken between words or after a
        hyphen; a word longer than the width is broken too."""
        words = _clean(text)
        key = (words, width, size, weight)
        known = self._wraps.get(key)
        if known is None:
            known = self._fill(words, width, size, weight)
            self._wraps[key] = known
        return known[0]

    def _fill(self, words: str, width: float, size: float, weight: str) -> tuple[str, float, int]:
        """Greedy line filling on measured word widths: (text, widest line, line count)."""
        space = self._width(" ", size, weight)
        lines: list[str] = []
        widths: list[float] = []
        line, line_width = "", 0.0
        for word in words.split(" ") if words else []:
            for index, piece in enumerate(_HYPHENATED.findall(word)):
                joiner = "" if index else " "
                piece_width = self._width(piece, size, weight)
                added = line_width + (space if joiner else 0.0) + piece_width
                if line and added <= width:
                    line, line_width = line + joiner + piece, added
                    continue
                if line:
                    lines.append(line)
                    widths.append(line_width)
                line, line_width = piece, piece_width
                while line_width > width and len(line) > 1:  # too long alone: break the word
                    cut = len(line) - 1
                    while cut > 1 and self._width(line[:cut], size, weight) > width:
                        cut -= 1
                    lines.append(line[:cut])
                    widths.append(self._width(line[:cut], size, weight))
                    line = line[cut:]
                    line_width = self._width(line, size, weight)
        if line:
            lines.append(line)
            widths.append(line_width)
        return "\n".join(lines), max(widths, default=0.0), len(lines)


_HYPHENATED = re.compile(r"[^-]*-+(?=[^-])|[^-]+|-+")  # "future-ready" -> "future-", "ready"


def _breaks_words(text: str, wrapped: str) -> bool:
    """Whether wrapping broke a word anywhere but after a hyphen."""
    return _clean(wrapped.replace("-\n", "-")) != _clean(text)


def _clean(text: str) -> str:
    return " ".join(text.split())


def _render(scene: _Scene) -> Figure:
    bounds = scene.bounds().grown(_MARGIN)
    figure = Figure(
        figsize=(bounds.width / _POINTS_PER_INCH, bounds.height / _POINTS_PER_INCH),
        dpi=_DPI,
        facecolor=_PAPER,
    )
    FigureCanvasAgg(figure)
    axes = figure.add_axes((0.0, 0.0, 1.0, 1.0))
    axes.set_axis_off()
    axes.set_xlim(bounds.x0, bounds.x1)
    axes.set_ylim(bounds.y0, bounds.y1)
    for artist in scene.artists:
        if isinstance(artist, Patch):
            axes.add_patch(artist)
        elif isinstance(artist, Line2D):
            axes.add_line(artist)
        elif isinstance(artist, Collection):
            axes.add_collection(artist, autolim=False)
        else:  # pragma: no cover - every picture only makes the kinds above
            axes.add_artist(artist)
    for label in scene.labels:
        axes.text(
            label.box.x0 if label.anchor == "left" else label.box.centre_x,
            label.box.centre_y,
            label.text,
            ha=label.anchor,
            va="center",
            multialignment=label.align,
            fontsize=label.size,
            fontweight=label.weight,
            color=label.colour,
            linespacing=_LINESPACING,
            parse_math=False,
            zorder=6,
            gid=label.gid,
        )
    return figure


def _add_title(scene: _Scene, measurer: _Measurer, title: str) -> None:
    """The title centred above everything drawn so far."""
    content = scene.bounds()
    text = measurer.wrap(title, max(content.width, 360.0), _TITLE_SIZE, "bold")
    if not text:
        return
    width, height = measurer.size(text, _TITLE_SIZE, "bold")
    box = _Box.around(content.centre_x, content.y1 + 16.0 + height / 2, width, height)
    scene.add_label(_Label(text, box, _TITLE_SIZE, weight="bold", gid="lantern-title"))


def _note_patch(box: _Box, fill: str, edge: str, rounding: float, gid: str) -> FancyBboxPatch:
    return FancyBboxPatch(
        (box.x0, box.y0),
        box.width,
        box.height,
        boxstyle=f"round,pad=0,rounding_size={rounding}",
        facecolor=fill,
        edgecolor=edge,
        linewidth=1.0,
        zorder=3,
        gid=gid,
    )


def _spread(
    targets: Sequence[float], gaps: Sequence[float], low: float, high: float
) -> list[float]:
    """Positions as close as possible to the sorted `targets` (least squares), each at least
    `gaps[k]` after the one before it, all within [low, high]."""
    count = len(targets)
    if count == 0:
        return []
    offsets = [0.0]
    for gap in gaps[: count - 1]:
        offsets.append(offsets[-1] + gap)
    if offsets[-1] > high - low > 0:  # no room: squeeze (callers leave room, so only rounding)
        offsets = [offset * (high - low) / offsets[-1] for offset in offsets]
    # With c[k] = d[k] + offsets[k] the gap rule becomes "d never decreases": an isotonic
    # regression (pool adjacent violators), then a clip, which is optimal for equal bounds.
    blocks: list[tuple[float, int]] = []
    for target, offset in zip(targets, offsets, strict=True):
        total, size = target - offset, 1
        while blocks and blocks[-1][0] / blocks[-1][1] > total / size:
            previous_total, previous_size = blocks.pop()
            total += previous_total
            size += previous_size
        blocks.append((total, size))
    upper = max(low, high - offsets[-1])
    values: list[float] = []
    for total, size in blocks:
        values.extend([min(max(total / size, low), upper)] * size)
    return [value + offset for value, offset in zip(values, offsets, strict=True)]


# --------------------------------------------------------------------------------------------
# Continuum


def _clamp_position(position: float) -> float:
    """A position on the 0..10 line; outside values sit at the nearer end, NaN in the middle."""
    if math.isnan(position):
        return 5.0
    return min(max(float(position), 0.0), 10.0)


def continuum_figure(
    items: Sequence[ContinuumItem],
    words: ContinuumWords,
    off_the_line: Sequence[str] = (),
) -> Figure:
    """The fixed-growth line with every item at its position (0 fixed .. 10 growth).

    Items alternate above and below the line in order of position. On each side the labels
    stand in one row (two staggered rows when crowded) spread along the line as close to their
    markers as they fit, each joined to its marker by a leader; the leaders keep the markers'
    order, so they never cross and never pass through a label. Items on the fixed side
    (position below 5) are highlighted. Habits that do not fit on the spectrum are listed
    under `words.off_the_line` at the bottom. Blank labels are left out.
    """
    measurer = _Measurer()
    scene = _Scene()
    entries = sorted(
        (
            (_clamp_position(item.position), label)
            for item in items
            if (label := _clean(item.label))
        ),
        key=lambda entry: entry[0],
    )
    above, below = entries[0::2], entries[1::2]

    fixed_text = measurer.wrap(words.fixed, _END_WIDTH, _END_SIZE, "bold")
    growth_text = measurer.wrap(words.growth, _END_WIDTH, _END_SIZE, "bold")
    fixed_width, fixed_height = measurer.size(fixed_text, _END_SIZE, "bold")
    growth_width, growth_height = measurer.size(growth_text, _END_SIZE, "bold")
    left_room = max(fixed_width + 14.0, _BOX_WIDEST / 2)
    right_room = max(growth_width + 14.0, _BOX_WIDEST / 2)
    length = _CONTINUUM_WIDTH - left_room - right_room
    plans = [_plan_side(measurer, [label for _, label in side], length) for side in (above, below)]
    length = max([length] + [plan.need for plan in plans])  # a crowded line grows longer

    _draw_line(scene, length)
    scene.extents.append(_Box(-left_room, 0.0, length + right_room, 0.0))  # one width for all
    if fixed_text:
        box = _Box.around(-10.0 - fixed_width / 2, 0.0, fixed_width, fixed_height)
        scene.add_label(_Label(fixed_text, box, _END_SIZE, "bold", _FIXED, "right", "lantern-end"))
    if growth_text:
        box = _Box.around(length + 10.0 + growth_width / 2, 0.0, growth_width, growth_height)
        scene.add_label(_Label(growth_text, box, _END_SIZE, "bold", _GROWTH, "left", "lantern-end"))
    # Labels may reach past the ends of the line, so they keep clear of the end words.
    clearance = max(fixed_height, growth_height) / 2 + _GAP * 2
    _continuum_side(scene, [p for p, _ in above], plans[0], length, 1.0, clearance)
    _continuum_side(scene, [p for p, _ in below], plans[1], length, -1.0, clearance)

    content = scene.bounds()
    _add_list(scene, measurer, words.off_the_line, off_the_line, content.x0, content.x1, content.y0)
    _add_title(scene, measurer, words.title)
    return _render(scene)


def _draw_line(scene: _Scene, length: float) -> None:
    """The line itself: a gradient from the fixed colour to the growth colour, with ticks."""
    xs = np.linspace(0.0, length, 81)
    zeros = np.zeros_like(xs)
    starts = np.column_stack([xs[:-1], zeros[:-1]])
    ends = np.column_stack([xs[1:], zeros[1:]])
    colours = LinearSegmentedColormap.from_list("lantern-continuum", [_FIXED, _GROWTH])(
        np.linspace(0.0, 1.0, len(xs) - 1)
    )
    line = LineCollection(
        list(np.stack([starts, ends], axis=1)),
        colors=colours,
        linewidths=5.0,
        capstyle="round",
        zorder=1,
        gid="lantern-line",
    )
    scene.add_artist(line, _Box(-3.0, -3.0, length + 3.0, 3.0))
    scene.extents.append(_Box(0.0, -_FAN - 16.0, length, _FAN + 16.0))  # room even when empty
    for step in range(11):
        x = length * step / 10
        reach = 8.0 if step == 5 else 5.0
        tick = Line2D([x, x], [-reach, reach], color=_RULE, linewidth=1.0, zorder=0.5)
        scene.add_artist(tick, _Box(x - 1.0, -reach, x + 1.0, reach))


@dataclass(frozen=True)
class _SidePlan:
    """One side's labels, wrapped, and the least distance between consecutive slots."""

    rows: int
    texts: tuple[str, ...]
    sizes: tuple[tuple[float, float], ...]
    gaps: tuple[float, ...]

    @property
    def need(self) -> float:
        """The length of line the labels need."""
        return sum(self.gaps)


def _plan_side(measurer: _Measurer, labels: Sequence[str], length: float) -> _SidePlan:
    """The widest boxes that fit along `length`: one row while boxes can be at least
    _BOX_ONE_ROW wide, else two staggered rows; when even _BOX_NARROWEST boxes in two rows do
    not fit, the caller lengthens the line to the plan's `need`."""
    for rows, narrowest in ((1, _BOX_ONE_ROW), (2, _BOX_NARROWEST)):
        widest = _BOX_WIDEST
        while widest >= narrowest:
            plan = _side_plan(measurer, labels, widest, rows)
            if plan.need <= length:
                return plan
            widest -= 8.0
    return _side_plan(measurer, labels, _BOX_NARROWEST, 2)


def _side_plan(measurer: _Measurer, labels: Sequence[str], widest: float, rows: int) -> _SidePlan:
    texts = tuple(measurer.wrap(label, widest - 2 * _BOX_PAD, _LABEL_SIZE) for label in labels)
    sizes = tuple(measurer.size(text, _LABEL_SIZE) for text in texts)
    halves = [width / 2 + _BOX_PAD for width, _ in sizes]
    if rows == 1:  # neighbours side by side
        gaps = tuple(a + b + _GAP for a, b in itertools.pairwise(halves))
    else:  # a near box keeps clear of its neighbours' leaders, so same-row boxes never meet
        gaps = tuple(max(a, b) + _GAP for a, b in itertools.pairwise(halves))
    return _SidePlan(rows, texts, sizes, gaps)


def _continuum_side(
    scene: _Scene,
    positions: Sequence[float],
    plan: _SidePlan,
    length: float,
    direction: float,
    clearance: float,
) -> None:
    """One side's labels (`direction` 1 above the line, -1 below), `positions` sorted.

    The labels get slots along the line in the markers' order, far enough apart that boxes in
    a row never meet and (two rows, alternating near and far) a near box never covers a far
    label's leader. Each leader runs straight from its marker to its slot within a band no
    label enters, then straight out to its box, so no two leaders cross.
    """
    count = len(positions)
    if count == 0:
        return
    rows = plan.rows
    targets = [length * position / 10 for position in positions]
    slots = _spread(targets, plan.gaps, 0.0, length)
    heights = [height + 2 * _BOX_PAD for _, height in plan.sizes]
    reach = max(abs(slot - target) for slot, target in zip(slots, targets, strict=True))
    fan = max(min(max(_FAN, 0.3 * reach), 90.0), clearance)
    starts: list[float] = []
    distance = fan
    for row in range(rows):
        starts.append(distance)
        distance += max(heights[row::rows], default=0.0) + _ROW_GAP

    for index, position in enumerate(positions):
        near = starts[index % rows]
        slot, target, text = slots[index], targets[index], plan.texts[index]
        width, height = plan.sizes[index]
        centre_y = direction * (near + heights[index] / 2)
        box = _Box.around(slot, centre_y, width + 2 * _BOX_PAD, heights[index])
        fixed = position < 5
        leader = Line2D(
            [target, slot, slot],
            [0.0, direction * fan, direction * near],
            color=_RULE,
            linewidth=0.9,
            zorder=2,
        )
        scene.add_artist(
            leader, _Box(min(target, slot), min(0.0, centre_y), max(target, slot), 0.0)
        )
        marker = Line2D(
            [target],
            [0.0],
            marker="o",
            markersize=_MARKER,
            markerfacecolor=_FIXED if fixed else _GROWTH,
            markeredgecolor=_PAPER,
            markeredgewidth=1.5,
            linestyle="none",
            zorder=4,
            gid="lantern-marker",
        )
        scene.add_artist(marker, _Box.around(target, 0.0, _MARKER + 2, _MARKER + 2))
        patch = _note_patch(
            box,
            _FIXED_FILL if fixed else _PAPER,
            _FIXED if fixed else _GROWTH_EDGE,
            3.0,
            "lantern-box-fixed" if fixed else "lantern-box-growth",
        )
        scene.add_artist(patch, box)
        text_box = _Box.around(slot, centre_y, width, height)
        scene.add_label(_Label(text, text_box, _LABEL_SIZE, gid="lantern-item"))


def _add_list(
    scene: _Scene,
    measurer: _Measurer,
    heading: str,
    labels: Sequence[str],
    left: float,
    right: float,
    top: float,
) -> None:
    """`heading` and a bulleted list of `labels` in columns, below `top`; nothing if no labels."""
    cleaned = [label for label in (_clean(text) for text in labels) if label]
    if not cleaned:
        return
    width = max(right - left, 300.0)
    top -= 22.0
    scene.add_artist(
        Line2D([left, left + width], [top, top], color="#d9dee3", linewidth=1.0, zorder=1),
        _Box(left, top, left + width, top),
    )
    top -= 12.0
    heading_text = measurer.wrap(heading, width, _HEADING_SIZE, "bold")
    if heading_text:
        heading_width, heading_height = measurer.size(heading_text, _HEADING_SIZE, "bold")
        box = _Box(left, top - heading_height, left + heading_width, top)
        scene.add_label(
            _Label(heading_text, box, _HEADING_SIZE, "bold", _INK, "left", "lantern-heading")
        )
        top -= heading_height + 8.0
    columns = 2 if width >= 400.0 else 1
    column_width = (width - (columns - 1) * _COLUMN_GAP) / columns
    tops = [top] * columns
    for label in cleaned:
        column = max(range(columns), key=lambda c: (tops[c], -c))
        x = left + column * (column_width + _COLUMN_GAP)
        text = measurer.wrap(label, column_width - _BULLET_INDENT, _LABEL_SIZE)
        text_width, text_height = measurer.size(text, _LABEL_SIZE)
        box = _Box(
            x + _BULLET_INDENT,
            tops[column] - text_height,
            x + _BULLET_INDENT + text_width,
            tops[column],
        )
        scene.add_label(_Label(text, box, _LABEL_SIZE, align="left", gid="lantern-item"))
        first_line = measurer.size(text.split("\n", 1)[0], _LABEL_SIZE)[1]
        bullet_y = tops[column] - first_line / 2
        bullet = Line2D(
            [x + 5.0], [bullet_y], marker="o", markersize=4.0, color=_MUTED, linestyle="none"
        )
        scene.add_artist(bullet, _Box.around(x + 5.0, bullet_y, 4.0, 4.0))
        tops[column] -= text_height + 6.0


# --------------------------------------------------------------------------------------------
# Venn

_Region = tuple[bool, bool, bool]


class _VennGeometry:
    """Three circles of one radius on an equilateral triangle, sampled on a grid of points."""

    def __init__(self, radius: float, spread: float) -> None:
        """`spread` is the distance between centres in radii (1: each circle passes through the
        other two centres)."""
        self.radius = radius
        spread *= radius
        self.spread = spread
        height = spread * math.sqrt(3) / 2
        self.centres: list[tuple[float, float]] = [
            (-spread / 2, height / 3),
            (spread / 2, height / 3),
            (0.0, -2 * height / 3),
        ]
        step = radius / 24
        xs = np.arange(-spread / 2 - radius, spread / 2 + radius + step, step)
        ys = np.arange(-2 * height / 3 - radius, height / 3 + radius + step, step)
        self.xs, self.ys = np.meshgrid(xs, ys)
        self.offsets_x = [np.abs(self.xs - cx) for cx, _ in self.centres]
        self.offsets_y = [np.abs(self.ys - cy) for _, cy in self.centres]
        self.distances = [
            np.hypot(dx, dy) for dx, dy in zip(self.offsets_x, self.offsets_y, strict=True)
        ]

    def pole(self, region: _Region) -> tuple[float, float]:
        """The point of the region farthest from every circle's edge."""
        inside = np.ones_like(self.xs, dtype=bool)
        clearance = np.full_like(self.xs, np.inf)
        for distance, wanted in zip(self.distances, region, strict=True):
            inside &= (distance < self.radius) == wanted
            clearance = np.minimum(clearance, np.abs(distance - self.radius))
        scores = np.where(inside, clearance, -np.inf)
        index = np.unravel_index(int(np.argmax(scores)), scores.shape)
        return float(self.xs[index]), float(self.ys[index])

    def place(
        self, region: _Region, width: float, height: float, pole: tuple[float, float]
    ) -> tuple[float, float] | None:
        """The centre nearest `pole` for a width x height block lying wholly in the region."""
        half_width, half_height = width / 2, height / 2
        fits: npt.NDArray[np.bool_] = np.ones_like(self.xs, dtype=bool)
        for dx, dy, wanted in zip(self.offsets_x, self.offsets_y, region, strict=True):
            if wanted:  # every corner inside this circle
                far = (dx + half_width) ** 2 + (dy + half_height) ** 2
                fits &= far <= (self.radius - _VENN_PAD) ** 2
            else:  # the nearest point of the block outside it
                near = (
                    np.maximum(dx - half_width, 0.0) ** 2 + np.maximum(dy - half_height, 0.0) ** 2
                )
                fits &= near >= (self.radius + _VENN_PAD) ** 2
        if not fits.any():
            return None
        away = np.where(fits, np.hypot(self.xs - pole[0], self.ys - pole[1]), np.inf)
        index = np.unravel_index(int(np.argmin(away)), away.shape)
        return float(self.xs[index]), float(self.ys[index])


@dataclass(frozen=True)
class _Block:
    """A region's list: its texts, their sizes, one font size, and where it is centred."""

    texts: tuple[str, ...]
    sizes: tuple[tuple[float, float], ...]
    font: float
    centre: tuple[float, float]


def venn_figure(items: Sequence[VennItem], words: VennWords) -> Figure:
    """Three overlapping circles with each item listed in the region of its circles.

    `words.circles` gives the three (key, label) pairs in order: top left, top right, bottom.
    An item whose circle set is empty, or names a key that is not one of the three, is left
    out (so are blank labels). Each region's items are a wrapped list placed wholly inside the
    region; a crowded region uses smaller text (down to a floor), and when even that does not
    fit, the circles (and so the figure) grow.
    """
    if len(words.circles) != 3:
        raise ValueError(f"a Venn picture has three circles, not {len(words.circles)}")
    keys = [key for key, _ in words.circles]
    groups: dict[_Region, list[str]] = {}
    for item in items:
        label = _clean(item.label)
        if not label or not item.circles or not item.circles <= set(keys):
            continue
        region = (keys[0] in item.circles, keys[1] in item.circles, keys[2] in item.circles)
        groups.setdefault(region, []).append(label)

    measurer = _Measurer()
    radius = _VENN_RADIUS
    fitted: tuple[_VennGeometry, list[_Block]] | None = None
    while fitted is None:  # lists have a bounded size, so circles big enough always hold them
        for spread in _VENN_SPREADS:
            geometry = _VennGeometry(radius, spread)
            blocks = _fit_venn(geometry, groups, measurer)
            if blocks is not None:
                fitted = geometry, blocks
                break
        else:
            radius *= _VENN_GROWTH
    geometry, blocks = fitted
    radius = geometry.radius

    scene = _Scene()
    for (cx, cy), colour in zip(geometry.centres, _VENN_COLOURS, strict=True):
        circle = Circle(
            (cx, cy),
            radius,
            facecolor=to_rgba(colour, 0.16),
            edgecolor=colour,
            linewidth=2.0,
            zorder=1,
            gid="lantern-circle",
        )
        scene.add_artist(circle, _Box.around(cx, cy, 2 * radius, 2 * radius))
    for block in blocks:
        _add_block(scene, block)
    _add_circle_labels(scene, measurer, geometry, [label for _, label in words.circles])
    _add_title(scene, measurer, words.title)
    return _render(scene)


def _fit_venn(
    geometry: _VennGeometry, groups: dict[_Region, list[str]], measurer: _Measurer
) -> list[_Block] | None:
    """Every region's block, or None when one does not fit even at the floor size."""
    blocks: list[_Block] = []
    for region, labels in groups.items():
        block = _fit_region(geometry, region, labels, measurer)
        if block is None:
            return None
        blocks.append(block)
    return blocks


def _fit_region(
    geometry: _VennGeometry, region: _Region, labels: Sequence[str], measurer: _Measurer
) -> _Block | None:
    """The largest text size at which the region's list fits, placed nearest the region's pole."""
    pole = geometry.pole(region)
    close = 0.12 * geometry.radius
    for allow_broken in (False, True):  # smaller text rather than words broken in two
        for font in _VENN_SIZES:
            found: list[tuple[float, _Block]] = []
            for width in reversed(_VENN_WRAPS):  # widest first: fewer lines read better
                if width > 1.5 * geometry.radius:
                    continue
                texts = tuple(measurer.wrap(label, width, font) for label in labels)
                if not allow_broken and any(
                    _breaks_words(label, text) for label, text in zip(labels, texts, strict=True)
                ):
                    continue
                estimates = [measurer.estimate(text, font) for text in texts]
                if geometry.place(region, *_block_size(estimates, font), pole) is None:
                    continue  # (cheap) no room, so no need to measure it exactly
                sizes = tuple(measurer.size(text, font) for text in texts)
                centre = geometry.place(region, *_block_size(sizes, font), pole)
                if centre is not None:
                    found.append((math.dist(centre, pole), _Block(texts, sizes, font, centre)))
            if found:  # the widest wrap sitting near the middle of the region, else the nearest
                near = [block for away, block in found if away <= close]
                return near[0] if near else min(found, key=lambda entry: entry[0])[1]
    return None


def _block_size(sizes: Sequence[tuple[float, float]], font: float) -> tuple[float, float]:
    """Width and height of a list of texts of these sizes, stacked."""
    height = sum(h for _, h in sizes) + _item_gap(font) * (len(sizes) - 1)
    return max(w for w, _ in sizes), height


def _item_gap(font: float) -> float:
    return max(_GAP, 0.6 * font)


def _add_block(scene: _Scene, block: _Block) -> None:
    x, y = block.centre
    height = sum(h for _, h in block.sizes) + _item_gap(block.font) * (len(block.sizes) - 1)
    top = y + height / 2
    for text, (width, text_height) in zip(block.texts, block.sizes, strict=True):
        box = _Box.around(x, top - text_height / 2, width, text_height)
        scene.add_label(_Label(text, box, block.font, gid="lantern-item"))
        top -= text_height + _item_gap(block.font)


def _add_circle_labels(
    scene: _Scene, measurer: _Measurer, geometry: _VennGeometry, labels: Sequence[str]
) -> None:
    """Each circle's name outside it: above the two top circles, below the bottom one."""
    radius = geometry.radius
    shifts = (-0.3 * radius, 0.3 * radius, 0.0)
    for index, (label, (cx, cy), shift, colour) in enumerate(
        zip(labels, geometry.centres, shifts, _VENN_COLOURS, strict=True)
    ):
        room = min(1.5 * radius, geometry.spread + 0.6 * radius - 16.0)  # top two never meet
        text = measurer.wrap(label, room, _VENN_LABEL_SIZE, "bold")
        if not text:
            continue
        width, height = measurer.size(text, _VENN_LABEL_SIZE, "bold")
        above = index < 2
        y = cy + radius + 8.0 + height / 2 if above else cy - radius - 8.0 - height / 2
        box = _Box.around(cx + shift, y, width, height)
        scene.add_label(
            _Label(text, box, _VENN_LABEL_SIZE, "bold", colour, gid="lantern-circle-label")
        )


# --------------------------------------------------------------------------------------------
# Collaboration map


@dataclass(frozen=True)
class _Note:
    text: str
    kind: str  # "priority" or "strength"
    text_size: tuple[float, float]

    @property
    def width(self) -> float:
        return self.text_size[0] + 2 * _NOTE_PAD

    @property
    def height(self) -> float:
        return self.text_size[1] + 2 * _NOTE_PAD


def collaboration_map_figure(items: Sequence[MapItem], words: MapWords) -> Figure:
    """The collaboration map: a circle with the aligned notes inside and the rest outside.

    Inside the circle the chosen area (`words.center`, when given) is in the middle, aligned
    priorities in rows above it and aligned strengths in rows below; the circle grows until
    they fit. Notes that are not aligned stand on the margins, left and right, under
    `words.margin`. Priorities are square yellow notes and strengths rounded blue ones, with a
    legend. Blank labels are left out.
    """
    measurer = _Measurer()
    priorities: list[_Note] = []
    strengths: list[_Note] = []
    margin: list[_Note] = []
    for item in items:
        label = _clean(item.label)
        if not label:
            continue
        text = measurer.wrap(label, _NOTE_TEXT_WIDTH, _LABEL_SIZE)
        note = _Note(text, item.kind, measurer.size(text, _LABEL_SIZE))
        if not item.aligned:
            margin.append(note)
        elif item.kind == "priority":
            priorities.append(note)
        else:
            strengths.append(note)

    scene = _Scene()
    radius = _MAP_RADIUS
    centre_text = ""
    centre_size = (0.0, 0.0)
    for _ in range(80):
        centre_text = measurer.wrap(
            words.center or "", min(1.2 * radius, 260.0), _CENTRE_SIZE, "bold"
        )
        centre_size = (
            measurer.size(centre_text, _CENTRE_SIZE, "bold") if centre_text else (0.0, 0.0)
        )
        if math.hypot(centre_size[0] / 2, centre_size[1] / 2) <= radius - 2 * _GAP:
            start = centre_size[1] / 2 + 2 * _GAP if centre_text else _GAP
            upper = _pack_half(priorities, radius, start, 1.0)
            lower = _pack_half(strengths, radius, start, -1.0)
            if upper is not None and lower is not None:
                break
        radius *= _MAP_GROWTH
    else:  # pragma: no cover - notes have a bounded width, so a big circle always holds them
        raise RuntimeError("the collaboration map's notes did not fit")

    circle = Circle(
        (0.0, 0.0),
        radius,
        facecolor=_CIRCLE_FILL,
        edgecolor=_CIRCLE_EDGE,
        linewidth=2.0,
        zorder=1,
        gid="lantern-circle",
    )
    scene.add_artist(circle, _Box.around(0.0, 0.0, 2 * radius, 2 * radius))
    holes: list[_Box] = []  # what the quadrants' cross does not run through
    if centre_text:
        box = _Box.around(0.0, 0.0, *centre_size)
        holes.append(box.grown(2 * _GAP))
        scene.add_label(
            _Label(centre_text, box, _CENTRE_SIZE, "bold", "#243b53", gid="lantern-centre")
        )
    for placed in (upper, lower):
        for note, box in placed:
            _add_note(scene, note, box, "lantern-aligned")

    half = (len(margin) + 1) // 2
    column_width = max((note.width for note in margin), default=0.0)  # both sides alike
    areas = [
        _add_margin(scene, measurer, words.margin, margin[:half], radius, column_width, -1.0),
        _add_margin(scene, measurer, words.margin, margin[half:], radius, column_width, 1.0),
    ]
    if words.quadrants:
        obstacles = [area for area in areas if area is not None]
        _add_quadrants(scene, measurer, words.quadrants, radius, obstacles, holes)
    _add_legend(scene, measurer, words)
    _add_title(scene, measurer, words.title)
    return _render(scene)


def _pack_half(
    notes: Sequence[_Note], radius: float, start: float, direction: float
) -> list[tuple[_Note, _Box]] | None:
    """`notes` in centred rows inside the circle, from `start` away from the middle outward
    (`direction` 1 up, -1 down); None when they do not all fit."""
    limit = radius - 2 * _GAP
    placed: list[tuple[_Note, _Box]] = []
    index, near = 0, start
    while index < len(notes):
        row: list[_Note] = []
        row_width = row_height = 0.0
        while index < len(notes):
            note = notes[index]
            height = max(row_height, note.height)
            width = row_width + (_GAP * 2 if row else 0.0) + note.width
            far = near + height
            half = math.sqrt(limit**2 - far**2) if far < limit else 0.0
            if width > 2 * half:
                break
            row.append(note)
            row_width, row_height = width, height
            index += 1
        if not row:
            return None
        x = -row_width / 2
        centre_y = direction * (near + row_height / 2)
        for note in row:
            placed.append(
                (note, _Box.around(x + note.width / 2, centre_y, note.width, note.height))
            )
            x += note.width + _GAP * 2
        near += row_height + _GAP * 2
    return placed


def _add_note(scene: _Scene, note: _Note, box: _Box, gid: str) -> None:
    """A sticky note: priorities square and yellow, strengths rounded and blue."""
    if note.kind == "priority":
        patch = _note_patch(box, _PRIORITY_FILL, _PRIORITY_EDGE, 0.5, f"{gid}-priority")
    else:
        patch = _note_patch(box, _STRENGTH_FILL, _STRENGTH_EDGE, 9.0, f"{gid}-strength")
    scene.add_artist(patch, box)
    text_box = _Box.around(box.centre_x, box.centre_y, *note.text_size)
    scene.add_label(_Label(note.text, text_box, _LABEL_SIZE, gid="lantern-item"))


def _add_margin(
    scene: _Scene,
    measurer: _Measurer,
    heading: str,
    notes: Sequence[_Note],
    radius: float,
    column_width: float,
    side: float,
) -> _Box | None:
    """A margin area (`side` -1 left of the circle, 1 right): `heading` over notes in columns.
    Returns the area drawn (None when there are no notes)."""
    if not notes:
        return None
    tallest = max(2 * radius, 240.0)
    columns = 1
    while columns < 3 and _column_heights(notes, columns)[0] > tallest:
        columns += 1
    height, per_column = _column_heights(notes, columns)
    inner_width = columns * column_width + (columns - 1) * _GAP * 2
    heading_text = measurer.wrap(heading, inner_width, _HEADING_SIZE, "bold")
    heading_width, heading_height = (
        measurer.size(heading_text, _HEADING_SIZE, "bold") if heading_text else (0.0, 0.0)
    )
    inner_width = max(inner_width, heading_width)
    pad = 10.0
    heading_room = heading_height + 8.0 if heading_text else 0.0
    area_height = heading_room + height + 2 * pad
    area_width = inner_width + 2 * pad
    near_edge = radius + 24.0
    x0 = near_edge if side > 0 else -near_edge - area_width
    area = _Box(x0, -area_height / 2, x0 + area_width, area_height / 2)
    scene.add_artist(
        FancyBboxPatch(
            (area.x0, area.y0),
            area.width,
            area.height,
            boxstyle="round,pad=0,rounding_size=10",
            facecolor=_MARGIN_FILL,
            edgecolor=_RULE,
            linewidth=1.2,
            linestyle=(0, (5, 3)),
            zorder=0.5,
            gid="lantern-margin",
        ),
        area,
    )
    top = area.y1 - pad
    if heading_text:
        box = _Box.around(area.centre_x, top - heading_height / 2, heading_width, heading_height)
        scene.add_label(
            _Label(heading_text, box, _HEADING_SIZE, "bold", _MUTED, gid="lantern-margin-heading")
        )
        top -= heading_room
    left = area.centre_x - (columns * column_width + (columns - 1) * _GAP * 2) / 2
    for column in range(columns):
        column_notes = notes[column * per_column : (column + 1) * per_column]
        x = left + column * (column_width + _GAP * 2) + column_width / 2
        y = top
        for note in column_notes:
            _add_note(
                scene,
                note,
                _Box(x - note.width / 2, y - note.height, x + note.width / 2, y),
                "lantern-margin",
            )
            y -= note.height + _GAP * 2
    return area


def _column_heights(notes: Sequence[_Note], columns: int) -> tuple[float, int]:
    """The tallest column's height and the notes per column, filling columns in order."""
    per_column = math.ceil(len(notes) / columns)
    tallest = 0.0
    for start in range(0, len(notes), per_column):
        column = notes[start : start + per_column]
        height = sum(note.height for note in column) + _GAP * 2 * (len(column) - 1)
        tallest = max(tallest, height)
    return tallest, per_column


@dataclass(frozen=True)
class _Corner:
    """One quadrant's words, wrapped: its label (bold) over its answer (may be empty)."""

    label: str
    label_size: tuple[float, float]
    answer: str
    answer_size: tuple[float, float]

    @property
    def gap(self) -> float:
        return 4.0 if self.label and self.answer else 0.0

    @property
    def width(self) -> float:
        """The room kept for the words: their width and some slack on the right, as texts
        pinned at their left edge draw a few percent wider or narrower at some resolutions."""
        return max(self.label_size[0], self.answer_size[0]) * _QUADRANT_SLACK

    @property
    def height(self) -> float:
        return self.label_size[1] + self.gap + self.answer_size[1]


def _corner(measurer: _Measurer, label: str, answer: str, width: float) -> _Corner:
    label_text = measurer.wrap(label, width, _QUADRANT_LABEL_SIZE, "bold")
    answer_text = measurer.wrap(shorten(answer, _QUADRANT_LIMIT), width, _LABEL_SIZE)
    return _Corner(
        label_text,
        measurer.size(label_text, _QUADRANT_LABEL_SIZE, "bold") if label_text else (0.0, 0.0),
        answer_text,
        measurer.size(answer_text, _LABEL_SIZE) if answer_text else (0.0, 0.0),
    )


def _add_quadrants(
    scene: _Scene,
    measurer: _Measurer,
    quadrants: Sequence[tuple[str, str]],
    radius: float,
    obstacles: Sequence[_Box],
    holes: Sequence[_Box],
) -> None:
    """The source's four quadrants: a light dashed cross through the circle's centre out to
    the edges of the sheet, and each quadrant's label and answer in its corner of the sheet
    (Who top left, When top right, What bottom left, Where bottom right).

    Each corner's words stay inside their quadrant, clear of the cross, the circle and the
    `obstacles` (the margin areas); they sit as far into the corner as the sheet allows, and
    the sheet grows (the least it can) when they do not fit in it yet. The cross runs under
    the notes and stops short of the obstacles and the `holes` (the chosen area's title).
    """
    corners: list[tuple[float, float, list[_Corner]]] = []
    for (label, answer), (sx, sy) in zip(quadrants, _QUADRANT_CORNERS, strict=False):
        options = [_corner(measurer, label, answer, width) for width in _QUADRANT_WRAPS]
        if any(option.height for option in options):
            corners.append((sx, sy, options))
    sheet = scene.bounds()
    for final in (False, True):  # the second pass pushes each corner into the sheet's corner
        placed: list[tuple[_Corner, _Box]] = []
        for sx, sy, options in corners:
            placed.append(_place_corner(options, sx, sy, radius, obstacles, sheet))
        for _, box in placed:
            sheet = sheet.union(box)
        if not final:  # the cross reaches well past the circle
            sheet = sheet.union(_Box.around(0.0, 0.0, 2 * radius, 2 * radius).grown(16.0))
    sheet = sheet.grown(2 * _GAP)  # and a little past the words
    gaps = [box.grown(_GAP) for box in obstacles] + list(holes)
    across = [(box.x0, box.x1) for box in gaps if box.y0 < 0.0 < box.y1]
    along = [(box.y0, box.y1) for box in gaps if box.x0 < 0.0 < box.x1]
    segments = [((x0, 0.0), (x1, 0.0)) for x0, x1 in _cut(sheet.x0, sheet.x1, across)]
    segments += [((0.0, y0), (0.0, y1)) for y0, y1 in _cut(sheet.y0, sheet.y1, along)]
    for (x0, y0), (x1, y1) in segments:
        line = Line2D(
            (x0, x1),
            (y0, y1),
            color=_QUADRANT_LINE,
            linewidth=1.3,
            linestyle=(0, (6, 4)),
            zorder=1.5,  # over the circle's paper, under the notes
            gid="lantern-quadrant-line",
        )
        scene.add_artist(line, _Box(min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)))
    for corner, box in placed:
        top = box.y1
        if corner.label:
            width, height = corner.label_size
            label_box = _Box(box.x0, top - height, box.x0 + width, top)
            scene.add_label(
                _Label(
                    corner.label,
                    label_box,
                    _QUADRANT_LABEL_SIZE,
                    "bold",
                    _QUADRANT_LABEL_COLOUR,
                    align="left",
                    gid="lantern-quadrant-label",
                    anchor="left",
                )
            )
            top -= height + corner.gap
        if corner.answer:
            width, height = corner.answer_size
            answer_box = _Box(box.x0, top - height, box.x0 + width, top)
            scene.add_label(
                _Label(
                    corner.answer,
                    answer_box,
                    _LABEL_SIZE,
                    colour=_INK,
                    align="left",
                    gid="lantern-quadrant-answer",
                    anchor="left",
                )
            )


def _cut(
    low: float, high: float, holes: Sequence[tuple[float, float]]
) -> list[tuple[float, float]]:
    """The parts of [low, high] outside every hole."""
    parts: list[tuple[float, float]] = []
    start = low
    for hole_low, hole_high in sorted(holes):
        if hole_low > start:
            parts.append((start, min(hole_low, high)))
        start = max(start, hole_high)
    if start < high:
        parts.append((start, high))
    return [(a, b) for a, b in parts if b - a > 1.0]


def _place_corner(
    options: Sequence[_Corner],
    sx: float,
    sy: float,
    radius: float,
    obstacles: Sequence[_Box],
    sheet: _Box,
) -> tuple[_Corner, _Box]:
    """Where one quadrant's words go (`sx`, `sy`: the corner's side, -1 or 1, on each axis).

    Worked out in the top-right quadrant with the sheet and obstacles mirrored into it: for a
    few horizontal positions (against the cross, just past the circle, past each obstacle,
    flush with the sheet's edge) the lowest clear height, raised into the sheet's corner when
    there is room; the position growing the sheet least wins, then the one nearest the corner.
    """

    def mirror(box: _Box) -> _Box:
        xs = sorted((sx * box.x0, sx * box.x1))
        ys = sorted((sy * box.y0, sy * box.y1))
        return _Box(xs[0], ys[0], xs[1], ys[1])

    bounds = mirror(sheet)
    blocks = [mirror(box) for box in obstacles]
    clear = _QUADRANT_CLEAR
    area = bounds.width * bounds.height
    best: tuple[tuple[float, float, int], _Corner, _Box] | None = None
    for rank, corner in enumerate(options):
        width, height = corner.width, corner.height
        starts = {clear, radius + clear, bounds.x1 - width}
        starts.update(block.x1 + clear for block in blocks)
        for start in sorted(starts):
            x0 = max(start, clear)
            y0 = clear
            if x0 < radius + clear:  # above the circle, its nearest corner clear of it
                y0 = max(y0, math.sqrt((radius + clear) ** 2 - x0**2))
            for block in sorted(blocks, key=lambda block: block.y0):
                beside = x0 < block.x1 + clear and x0 + width > block.x0 - clear
                if beside and y0 < block.y1 + clear and y0 + height > block.y0 - clear:
                    y0 = block.y1 + clear
            y0 = max(y0, bounds.y1 - height)  # into the corner when the sheet has room
            box = _Box(x0, y0, x0 + width, y0 + height)
            grown = bounds.union(box)
            growth = round(grown.width * grown.height - area, 3)
            away = (bounds.x1 - box.x1) + (bounds.y1 - box.y1)
            key = (growth, round(away, 3), rank)
            if best is None or key < best[0]:
                best = (key, corner, box)
    assert best is not None  # there is always at least one wrap width and one position
    _, corner, box = best
    return corner, mirror(box)


def _add_legend(scene: _Scene, measurer: _Measurer, words: MapWords) -> None:
    """One sample note and its name for each kind, centred under everything drawn so far."""
    content = scene.bounds()
    swatch_width, swatch_height = 18.0, 13.0
    entries: list[tuple[str, str, float, float]] = []
    for kind, name in (("priority", words.priority), ("strength", words.strength)):
        text = measurer.wrap(name, 220.0, _LABEL_SIZE + 0.5)
        width, height = measurer.size(text, _LABEL_SIZE + 0.5) if text else (0.0, 0.0)
        entries.append((kind, text, width, height))
    total = sum(swatch_width + 6.0 + width for _, _, width, _ in entries) + 24.0
    tallest = max([swatch_height] + [height for _, _, _, height in entries])
    y = content.y0 - 20.0 - tallest / 2
    x = content.centre_x - total / 2
    for kind, text, width, height in entries:
        swatch = _Box.around(x + swatch_width / 2, y, swatch_width, swatch_height)
        if kind == "priority":
            patch = _note_patch(swatch, _PRIORITY_FILL, _PRIORITY_EDGE, 0.5, "lantern-legend")
        else:
            patch = _note_patch(swatch, _STRENGTH_FILL, _STRENGTH_EDGE, 5.0, "lantern-legend")
        scene.add_artist(patch, swatch)
        x += swatch_width + 6.0
        if text:
            box = _Box(x, y - height / 2, x + width, y + height / 2)
            scene.add_label(
                _Label(text, box, _LABEL_SIZE + 0.5, align="left", gid="lantern-legend")
            )
        x += width + 24.0


# --------------------------------------------------------------------------------------------
# PNG


def to_png(figure: Figure, dpi: int = 120) -> bytes:
    """The figure as PNG bytes at `dpi` (the figure already has the right size and margins)."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi, facecolor=_PAPER)
    png: bytes = buffer.getvalue()
    return png


def draw_continuum(
    items: Sequence[ContinuumItem],
    words: ContinuumWords,
    off_the_line: Sequence[str] = (),
    dpi: int = 120,
) -> bytes:
    """`continuum_figure` as PNG bytes."""
    return to_png(continuum_figure(items, words, off_the_line), dpi)


def draw_venn(items: Sequence[VennItem], words: VennWords, dpi: int = 120) -> bytes:
    """`venn_figure` as PNG bytes."""
    return to_png(venn_figure(items, words), dpi)


def draw_collaboration_map(items: Sequence[MapItem], words: MapWords, dpi: int = 120) -> bytes:
    """`collaboration_map_figure` as PNG bytes."""
    return to_png(collaboration_map_figure(items, words), dpi)
