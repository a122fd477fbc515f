"""The toolkit pictures: they render for any amount of content, labels never overlap or leave
the picture, items land where they belong, and every word comes from the caller."""

from __future__ import annotations

import dataclasses
import io
import itertools
from collections.abc import Callable, Sequence
from typing import Literal

import matplotlib.image
import numpy as np
import pytest
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Circle, FancyBboxPatch
from matplotlib.text import Text
from matplotlib.transforms import Bbox

from bot.documents.model import (
    ContinuumItem,
    ContinuumWords,
    MapItem,
    MapWords,
    VennItem,
    VennWords,
)
from bot.documents.pictures import (
    collaboration_map_figure,
    continuum_figure,
    draw_collaboration_map,
    draw_continuum,
    draw_venn,
    to_png,
    venn_figure,
)

CONTINUUM_WORDS = ContinuumWords(
    title="My mindset continuum", fixed="Fixed", growth="Growth", off_the_line="Off the line"
)
VENN_WORDS = VennWords(
    title="Priorities",
    circles=(("district", "District"), ("school", "School"), ("library", "Library")),
)
MAP_WORDS = MapWords(
    title="Collaboration map",
    priority="School or district priority",
    strength="Library strength or interest",
    margin="Not clearly aligned",
    center="Inquiry-based research",
)
KEYS = ("district", "school", "library")
REGIONS = [frozenset(combo) for size in (1, 2, 3) for combo in itertools.combinations(KEYS, size)]


def long_label(index: int) -> str:
    """A 60+ character label, different for every index."""
    return (
        f"habit number {index} about asking colleagues for feedback on lessons and plans"
        if index % 2
        else f"item {index}: trying unfamiliar technology with students in front of the class"
    )


def many_continuum(count: int = 15) -> list[ContinuumItem]:
    # Duplicated positions (several items at 5 and at 0), both ends, and a spread.
    positions = [5, 5, 5, 0, 0, 10, 10, 2, 3.5, 7, 7.5, 8, 1, 9, 4.9]
    return [ContinuumItem(long_label(i), positions[i % len(positions)]) for i in range(count)]


def many_venn(count: int = 15) -> list[VennItem]:
    return [VennItem(long_label(i), REGIONS[i % len(REGIONS)]) for i in range(count)]


def many_map(count: int = 16) -> list[MapItem]:
    kinds: tuple[Literal["priority"], Literal["strength"]] = ("priority", "strength")
    return [MapItem(long_label(i), kinds[i % 2], i % 3 != 0) for i in range(count)]


# ---------------------------------------------------------------------------------------------
# Helpers


def text_boxes(figure: Figure, gid: str | None = None) -> list[tuple[str, Bbox]]:
    """Every non-empty text the figure draws (optionally only those with `gid`), with its box
    in display pixels."""
    figure.canvas.draw()
    renderer = figure.canvas.get_renderer()  # type: ignore[attr-defined]
    boxes = []
    for text in figure.findobj(Text):
        assert isinstance(text, Text)
        if not text.get_text() or not text.get_visible():
            continue
        if gid is not None and text.get_gid() != gid:
            continue
        boxes.append((text.get_text(), text.get_window_extent(renderer)))
    return boxes


def overlapping(boxes: Sequence[tuple[str, Bbox]], tolerance: float = 0.5) -> list[tuple[str, str]]:
    """Pairs whose boxes overlap by more than `tolerance` pixels both ways (touching is fine)."""
    pairs = []
    for (text_a, a), (text_b, b) in itertools.combinations(boxes, 2):
        across = min(a.x1, b.x1) - max(a.x0, b.x0)
        up = min(a.y1, b.y1) - max(a.y0, b.y0)
        if across > tolerance and up > tolerance:
            pairs.append((text_a, text_b))
    return pairs


def outside(figure: Figure, boxes: Sequence[tuple[str, Bbox]], tolerance: float = 0.5) -> list[str]:
    width, height = figure.bbox.width, figure.bbox.height
    return [
        text
        for text, box in boxes
        if box.x0 < -tolerance
        or box.y0 < -tolerance
        or box.x1 > width + tolerance
        or box.y1 > height + tolerance
    ]


def patch_boxes(figure: Figure, gid_prefix: str) -> list[tuple[str, Bbox]]:
    figure.canvas.draw()
    renderer = figure.canvas.get_renderer()  # type: ignore[attr-defined]
    return [
        (str(patch.get_gid()), patch.get_window_extent(renderer))
        for patch in figure.findobj(FancyBboxPatch)
        if isinstance(patch, FancyBboxPatch) and str(patch.get_gid()).startswith(gid_prefix)
    ]


def assert_png(png: bytes) -> None:
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    image = matplotlib.image.imread(io.BytesIO(png), format="png")
    height, width = image.shape[:2]
    assert 300 <= width <= 4000
    assert 150 <= height <= 6000


def assert_readable(figure: Figure) -> None:
    boxes = text_boxes(figure)
    assert boxes, "nothing was written"
    assert overlapping(boxes) == []
    assert outside(figure, boxes) == []


# ---------------------------------------------------------------------------------------------
# PNGs for 0, 1 and many items


@pytest.mark.parametrize("count", [0, 1, 15])
def test_continuum_png(count: int) -> None:
    off = [long_label(100 + i) for i in range(min(count, 4))]
    assert_png(draw_continuum(many_continuum(count), CONTINUUM_WORDS, off))


@pytest.mark.parametrize("count", [0, 1, 15])
def test_venn_png(count: int) -> None:
    assert_png(draw_venn(many_venn(count), VENN_WORDS))


@pytest.mark.parametrize("count", [0, 1, 16])
def test_map_png(count: int) -> None:
    assert_png(draw_collaboration_map(many_map(count), MAP_WORDS))


def test_to_png_follows_dpi() -> None:
    figure = continuum_figure(many_continuum(3), CONTINUUM_WORDS)
    small = matplotlib.image.imread(io.BytesIO(to_png(figure, dpi=60)), format="png")
    large = matplotlib.image.imread(io.BytesIO(to_png(figure, dpi=120)), format="png")
    assert abs(large.shape[1] - 2 * small.shape[1]) <= 2


# ---------------------------------------------------------------------------------------------
# No overlaps, nothing outside the picture


@pytest.mark.parametrize("count", [0, 1, 2, 5, 15, 30])
def test_continuum_labels_never_overlap(count: int) -> None:
    off = [long_label(200 + i) for i in range(count // 3)]
    figure = continuum_figure(many_continuum(count), CONTINUUM_WORDS, off)
    assert_readable(figure)
    assert len(text_boxes(figure, "lantern-item")) == count + len(off)
    # the label boxes (their highlighted backgrounds) do not meet either
    assert overlapping(patch_boxes(figure, "lantern-box")) == []


def test_continuum_all_at_one_position() -> None:
    items = [ContinuumItem(long_label(i), 5) for i in range(15)]
    assert_readable(continuum_figure(items, CONTINUUM_WORDS))
    items = [ContinuumItem(long_label(i), 10) for i in range(15)]
    assert_readable(continuum_figure(items, CONTINUUM_WORDS))


@pytest.mark.parametrize("count", [1, 7, 15, 40])
def test_venn_labels_never_overlap(count: int) -> None:
    figure = venn_figure(many_venn(count), VENN_WORDS)
    assert_readable(figure)
    assert len(text_boxes(figure, "lantern-item")) == count


@pytest.mark.parametrize("region", REGIONS)
def test_venn_crowded_region(region: frozenset[str]) -> None:
    items = [VennItem(long_label(i), region) for i in range(15)]
    figure = venn_figure(items, VENN_WORDS)
    assert_readable(figure)
    assert_items_in_their_regions(figure, items)
    # the text shrank, but not below the floor
    sizes = [
        float(text.get_fontsize())
        for text in figure.findobj(Text)
        if isinstance(text, Text) and text.get_gid() == "lantern-item"
    ]
    assert sizes
    assert min(sizes) >= 7.0


@pytest.mark.parametrize("count", [1, 6, 16, 30])
def test_map_labels_never_overlap(count: int) -> None:
    figure = collaboration_map_figure(many_map(count), MAP_WORDS)
    assert_readable(figure)
    assert len(text_boxes(figure, "lantern-item")) == count
    notes = patch_boxes(figure, "lantern-aligned") + patch_boxes(figure, "lantern-margin-")
    assert len(notes) == count
    assert overlapping(notes) == []


def test_map_all_aligned_or_none() -> None:
    for aligned in (True, False):
        items = [
            MapItem(long_label(i), "priority" if i % 3 else "strength", aligned) for i in range(18)
        ]
        assert_readable(collaboration_map_figure(items, MAP_WORDS))


def test_overlap_check_catches_labels_on_one_line() -> None:
    """The checks above can fail: the same figure with every label moved to one height does."""
    figure = continuum_figure(many_continuum(15), CONTINUUM_WORDS)
    assert_readable(figure)
    for text in figure.findobj(Text):
        if isinstance(text, Text) and text.get_gid() == "lantern-item":
            x, _ = text.get_position()
            text.set_position((x, 0.0))
    assert overlapping(text_boxes(figure, "lantern-item"))


def test_outside_check_catches_a_label_off_the_picture() -> None:
    figure = venn_figure(many_venn(3), VENN_WORDS)
    assert outside(figure, text_boxes(figure)) == []
    figure.axes[0].text(-10_000.0, 0.0, "lost", gid="lantern-item")
    assert outside(figure, text_boxes(figure)) == ["lost"]


# ---------------------------------------------------------------------------------------------
# Items where they belong


def markers(figure: Figure) -> list[Line2D]:
    return [
        line
        for line in figure.findobj(Line2D)
        if isinstance(line, Line2D) and line.get_gid() == "lantern-marker"
    ]


def marker_x(line: Line2D) -> float:
    return float(np.asarray(line.get_xdata(), dtype=float)[0])


def test_continuum_markers_follow_positions() -> None:
    items = [
        ContinuumItem("a", 0),
        ContinuumItem("b", 2.5),
        ContinuumItem("c", 10),
        ContinuumItem("d", 5),
    ]
    figure = continuum_figure(items, CONTINUUM_WORDS)
    xs = sorted(marker_x(line) for line in markers(figure))
    assert len(xs) == 4
    zero, quarter, half, ten = xs
    assert quarter - zero == pytest.approx((ten - zero) / 4)
    assert half - zero == pytest.approx((ten - zero) / 2)


def test_continuum_out_of_range_positions_sit_at_the_ends() -> None:
    items = [ContinuumItem("below", -3), ContinuumItem("above", 14), ContinuumItem("zero", 0)]
    figure = continuum_figure(items, CONTINUUM_WORDS)
    xs = [marker_x(line) for line in markers(figure)]
    assert min(xs) == pytest.approx(sorted(xs)[1])  # -3 and 0 share the fixed end
    assert_readable(figure)


def test_continuum_highlights_the_fixed_side() -> None:
    items = [
        ContinuumItem("one", 1),
        ContinuumItem("four", 4.9),
        ContinuumItem("five", 5),
        ContinuumItem("nine", 9),
    ]
    figure = continuum_figure(items, CONTINUUM_WORDS)
    fixed = patch_boxes(figure, "lantern-box-fixed")
    growth = patch_boxes(figure, "lantern-box-growth")
    assert (len(fixed), len(growth)) == (2, 2)
    fills = {
        str(patch.get_gid()): patch.get_facecolor()
        for patch in figure.findobj(FancyBboxPatch)
        if isinstance(patch, FancyBboxPatch)
    }
    assert fills["lantern-box-fixed"] != fills["lantern-box-growth"]
    colours = {
        tuple(line.get_markerfacecolor())
        if not isinstance(line.get_markerfacecolor(), str)
        else line.get_markerfacecolor()
        for line in markers(figure)
    }
    assert len(colours) == 2


def test_continuum_lists_off_the_line_items_at_the_bottom() -> None:
    figure = continuum_figure(
        [ContinuumItem("on the line", 6)], CONTINUUM_WORDS, ["checking email first", "  "]
    )
    boxes = dict(text_boxes(figure))
    assert set(boxes) >= {"Off the line", "checking email first", "on the line"}
    assert boxes["Off the line"].y1 < boxes["on the line"].y0
    assert boxes["checking email first"].y1 < boxes["Off the line"].y0
    assert_readable(figure)


def assert_items_in_their_regions(figure: Figure, items: Sequence[VennItem]) -> None:
    circles = [
        c
        for c in figure.findobj(Circle)
        if isinstance(c, Circle) and c.get_gid() == "lantern-circle"
    ]
    assert len(circles) == 3
    axes = figure.axes[0]
    figure.canvas.draw()
    geometry = []
    for circle in circles:
        cx, cy = axes.transData.transform(circle.center)
        edge_x, _ = axes.transData.transform((circle.center[0] + circle.radius, circle.center[1]))
        geometry.append((cx, cy, edge_x - cx))
    by_text = {" ".join(text.split()): box for text, box in text_boxes(figure, "lantern-item")}
    for item in items:
        box = by_text[" ".join(item.label.split())]
        corners = [(box.x0, box.y0), (box.x0, box.y1), (box.x1, box.y0), (box.x1, box.y1)]
        for key, (cx, cy, radius) in zip(KEYS, geometry, strict=True):
            inside = [(x - cx) ** 2 + (y - cy) ** 2 < radius**2 for x, y in corners]
            if key in item.circles:
                assert all(inside), (item.label, key)
            else:
                # wholly outside: the box's nearest point is beyond the radius
                nx = min(max(cx, box.x0), box.x1)
                ny = min(max(cy, box.y0), box.y1)
                assert (nx - cx) ** 2 + (ny - cy) ** 2 > radius**2, (item.label, key)


def test_venn_items_in_their_regions() -> None:
    items = many_venn(21)
    assert_items_in_their_regions(venn_figure(items, VENN_WORDS), items)


@pytest.mark.parametrize("count", [0, 15])
def test_venn_circle_labels_outside_every_circle(count: int) -> None:
    # crowding the middle makes the circles overlap more, which brings the top labels closer
    items = [VennItem(long_label(i), frozenset(KEYS)) for i in range(count)]
    long_names = VennWords(
        title="t",
        circles=tuple((key, f"{key} and a rather long name for it") for key in KEYS),
    )
    figure = venn_figure(items, long_names)
    assert_readable(figure)
    axes = figure.axes[0]
    figure.canvas.draw()
    circles = [
        c
        for c in figure.findobj(Circle)
        if isinstance(c, Circle) and c.get_gid() == "lantern-circle"
    ]
    labels = text_boxes(figure, "lantern-circle-label")
    assert len(labels) == 3
    for circle in circles:
        cx, cy = axes.transData.transform(circle.center)
        edge_x, _ = axes.transData.transform((circle.center[0] + circle.radius, circle.center[1]))
        for text, box in labels:
            nx = min(max(cx, box.x0), box.x1)
            ny = min(max(cy, box.y0), box.y1)
            assert (nx - cx) ** 2 + (ny - cy) ** 2 > (edge_x - cx) ** 2, text


def test_venn_ignores_empty_and_unknown_circle_sets() -> None:
    items = [
        VennItem("kept", frozenset({"school"})),
        VennItem("no circles", frozenset()),
        VennItem("unknown circle", frozenset({"county"})),
        VennItem("partly unknown", frozenset({"school", "county"})),
    ]
    figure = venn_figure(items, VENN_WORDS)
    assert [text for text, _ in text_boxes(figure, "lantern-item")] == ["kept"]


def test_venn_needs_three_circles() -> None:
    with pytest.raises(ValueError, match="three"):
        venn_figure([], VennWords(title="t", circles=(("a", "A"), ("b", "B"))))


def test_map_aligned_inside_and_others_on_the_margins() -> None:
    items = many_map(12)
    figure = collaboration_map_figure(items, MAP_WORDS)
    circle = next(
        c
        for c in figure.findobj(Circle)
        if isinstance(c, Circle) and c.get_gid() == "lantern-circle"
    )
    axes = figure.axes[0]
    figure.canvas.draw()
    cx, cy = axes.transData.transform(circle.center)
    edge_x, _ = axes.transData.transform((circle.center[0] + circle.radius, circle.center[1]))
    radius = edge_x - cx
    by_text = dict(text_boxes(figure, "lantern-item"))
    for item in items:
        box = next(b for text, b in by_text.items() if " ".join(text.split()) == item.label)
        corners = [(box.x0, box.y0), (box.x0, box.y1), (box.x1, box.y0), (box.x1, box.y1)]
        distances = [((x - cx) ** 2 + (y - cy) ** 2) ** 0.5 for x, y in corners]
        if item.aligned:
            assert max(distances) < radius, item.label
        else:
            assert min(distances) > radius, item.label
    # the chosen area in the middle, the margin heading and the legend present
    texts = {" ".join(t.split()) for t, _ in text_boxes(figure)}
    assert {
        "Inquiry-based research",
        "Not clearly aligned",
        MAP_WORDS.priority,
        MAP_WORDS.strength,
    } <= texts


def test_map_kinds_look_different() -> None:
    items = [MapItem("p", "priority", True), MapItem("s", "strength", True)]
    figure = collaboration_map_figure(items, MAP_WORDS)
    patches = {
        str(p.get_gid()): p
        for p in figure.findobj(FancyBboxPatch)
        if isinstance(p, FancyBboxPatch) and str(p.get_gid()).startswith("lantern-aligned")
    }
    priority, strength = patches["lantern-aligned-priority"], patches["lantern-aligned-strength"]
    assert priority.get_facecolor() != strength.get_facecolor()
    assert priority.get_boxstyle().rounding_size != strength.get_boxstyle().rounding_size  # type: ignore[attr-defined]


def test_map_without_centre() -> None:
    words = MapWords(title="Map", priority="P", strength="S", margin="M", center=None)
    assert_readable(collaboration_map_figure(many_map(5), words))


# ---------------------------------------------------------------------------------------------
# The collaboration map's quadrants (Who, When, What, Where)


LONG_ANSWER = " ".join(f"respuesta{index} muy larga sobre el plan" for index in range(12))[:300]
QUADRANTS = (
    ("¿Quién?", "la bibliotecaria y dos maestras de ciencias"),
    ("¿Cuándo?", LONG_ANSWER),
    ("¿Qué?", ""),  # not answered yet: the label alone
    ("¿Dónde?", "en la biblioteca"),
)
QUADRANT_MAP = MapWords(
    title="Mapa de colaboración",
    priority="Prioridad de la escuela",
    strength="Fortaleza de la biblioteca",
    margin="Sin alinear",
    center="Investigación guiada por preguntas",
    quadrants=QUADRANTS,
)
CORNERS = {"¿Quién?": (-1, 1), "¿Cuándo?": (1, 1), "¿Qué?": (-1, -1), "¿Dónde?": (1, -1)}


def map_circle(figure: Figure) -> tuple[float, float, float]:
    """The map circle's centre and radius in display pixels."""
    circle = next(
        c
        for c in figure.findobj(Circle)
        if isinstance(c, Circle) and c.get_gid() == "lantern-circle"
    )
    figure.canvas.draw()
    transform = figure.axes[0].transData
    cx, cy = transform.transform(circle.center)
    edge_x, _ = transform.transform((circle.center[0] + circle.radius, circle.center[1]))
    return float(cx), float(cy), float(edge_x - cx)


def quadrant_lines(figure: Figure) -> list[tuple[float, float, float, float]]:
    """Each quadrant line as (x0, y0, x1, y1) in display pixels."""
    figure.canvas.draw()
    transform = figure.axes[0].transData
    lines = []
    for line in figure.findobj(Line2D):
        if isinstance(line, Line2D) and line.get_gid() == "lantern-quadrant-line":
            xs = np.asarray(line.get_xdata(), dtype=float)
            ys = np.asarray(line.get_ydata(), dtype=float)
            (x0, y0), (x1, y1) = transform.transform(np.column_stack([xs, ys]))
            lines.append((float(x0), float(y0), float(x1), float(y1)))
    return lines


def quadrant_boxes(figure: Figure) -> list[tuple[str, Bbox]]:
    labels = text_boxes(figure, "lantern-quadrant-label")
    return labels + text_boxes(figure, "lantern-quadrant-answer")


def test_map_quadrants_png() -> None:
    assert_png(draw_collaboration_map(many_map(15), QUADRANT_MAP))


@pytest.mark.parametrize("count", [0, 1, 6, 15, 30])
@pytest.mark.parametrize("centre", ["Investigación guiada por preguntas", None])
def test_map_quadrants_never_overlap(count: int, centre: str | None) -> None:
    words = dataclasses.replace(QUADRANT_MAP, center=centre)
    figure = collaboration_map_figure(many_map(count), words)
    assert_readable(figure)  # the quadrants' words, notes, margins, title and legend
    assert len(text_boxes(figure, "lantern-quadrant-label")) == 4
    assert len(text_boxes(figure, "lantern-quadrant-answer")) == 3  # one is not answered
    # nor do the quadrants' words meet a note, a margin area or the legend's samples
    patches = patch_boxes(figure, "lantern-")
    assert patches
    for text, box in quadrant_boxes(figure):
        for patch in patches:
            assert overlapping([(text, box), patch]) == [], (text, patch[0])


def answer_box(answers: Sequence[tuple[str, Bbox]], answer: str) -> Bbox | None:
    """The box of the drawn `answer` (wrapped, maybe shortened), None when none is drawn."""
    first = answer.split()[0] if answer.split() else None
    found = [box for text, box in answers if first is not None and text.split()[0] == first]
    assert len(found) <= 1
    return found[0] if found else None


@pytest.mark.parametrize("count", [0, 15])
def test_map_quadrants_in_their_corners(count: int) -> None:
    figure = collaboration_map_figure(many_map(count), QUADRANT_MAP)
    cx, cy, radius = map_circle(figure)
    labels = dict(text_boxes(figure, "lantern-quadrant-label"))
    answers = text_boxes(figure, "lantern-quadrant-answer")
    assert set(labels) == set(CORNERS)
    for label, answer in QUADRANTS:
        sx, sy = CORNERS[label]
        below = answer_box(answers, answer)
        assert (below is None) == (answer == "")
        parts = [labels[label]] if below is None else [labels[label], below]
        for part in parts:
            # wholly on its side of both lines of the cross: Who top left, When top right, ...
            assert (part.x1 < cx) if sx < 0 else (part.x0 > cx), label
            assert (part.y0 > cy) if sy > 0 else (part.y1 < cy), label
            # and outside the circle: its nearest point is beyond the radius
            nx = min(max(cx, part.x0), part.x1)
            ny = min(max(cy, part.y0), part.y1)
            assert (nx - cx) ** 2 + (ny - cy) ** 2 > radius**2, label
        if below is not None:  # the answer under its label, lined up on the left
            assert below.y1 <= labels[label].y0 + 0.5
            assert abs(below.x0 - labels[label].x0) <= 1.0


def test_map_quadrant_lines_cross_at_the_centre() -> None:
    figure = collaboration_map_figure(many_map(15), QUADRANT_MAP)
    cx, cy, radius = map_circle(figure)
    lines = quadrant_lines(figure)
    across = [line for line in lines if abs(line[1] - cy) < 0.5 and abs(line[3] - cy) < 0.5]
    along = [line for line in lines if abs(line[0] - cx) < 0.5 and abs(line[2] - cx) < 0.5]
    assert across
    assert along
    assert len(across) + len(along) == len(lines)
    # from one side of the sheet to the other, well past the circle
    assert min(min(x0, x1) for x0, _, x1, _ in across) < cx - radius - 50
    assert max(max(x0, x1) for x0, _, x1, _ in across) > cx + radius + 50
    assert min(min(y0, y1) for _, y0, _, y1 in along) < cy - radius - 20
    assert max(max(y0, y1) for _, y0, _, y1 in along) > cy + radius + 20
    # light and dashed, under the notes
    for line in figure.findobj(Line2D):
        if isinstance(line, Line2D) and line.get_gid() == "lantern-quadrant-line":
            assert line.get_linestyle() == "--"
            assert line.get_zorder() < 3
    # but not through the chosen area's title or the title and legend
    for text, box in text_boxes(figure, "lantern-centre") + text_boxes(figure, "lantern-title"):
        for x0, y0, x1, y1 in lines:
            crosses_x = min(x0, x1) < box.x1 and max(x0, x1) > box.x0
            crosses_y = min(y0, y1) < box.y1 and max(y0, y1) > box.y0
            assert not (crosses_x and crosses_y), text
    legend = text_boxes(figure, "lantern-legend") + patch_boxes(figure, "lantern-legend")
    bottom = min(min(y0, y1) for _, y0, _, y1 in along)
    assert all(box.y1 < bottom for _, box in legend)


def test_map_quadrant_long_answer_is_shortened() -> None:
    figure = collaboration_map_figure(many_map(3), QUADRANT_MAP)
    answer = answer_box(text_boxes(figure, "lantern-quadrant-answer"), LONG_ANSWER)
    assert answer is not None
    (text,) = [
        " ".join(t.split())
        for t, _ in text_boxes(figure, "lantern-quadrant-answer")
        if t.startswith("respuesta0")
    ]
    assert len(LONG_ANSWER) == 300
    assert text.endswith("\u2026")
    assert 150 <= len(text) <= 220
    assert LONG_ANSWER.startswith(text.removesuffix("\u2026").rstrip())


def test_map_quadrants_leave_the_rest_alone() -> None:
    """The quadrants only add to the picture: the notes, margins and centre stay where they
    are around the circle, and without quadrants the picture is exactly as before."""
    items = many_map(15)
    plain = collaboration_map_figure(items, dataclasses.replace(QUADRANT_MAP, quadrants=()))
    with_quadrants = collaboration_map_figure(items, QUADRANT_MAP)
    assert quadrant_lines(plain) == []
    assert quadrant_boxes(plain) == []

    def around_the_circle(figure: Figure) -> list[tuple[str, tuple[float, ...]]]:
        cx, cy, _ = map_circle(figure)
        return [
            (text, (round(box.x0 - cx, 1), round(box.y0 - cy, 1), round(box.x1 - cx, 1)))
            for gid in ("lantern-item", "lantern-centre", "lantern-margin-heading")
            for text, box in text_boxes(figure, gid)
        ]

    assert around_the_circle(with_quadrants) == around_the_circle(plain)
    assert with_quadrants.get_size_inches()[0] >= plain.get_size_inches()[0]
    assert with_quadrants.get_size_inches()[1] > plain.get_size_inches()[1]


@pytest.mark.parametrize(
    ("count", "size"),
    [(0, (5.078, 5.535)), (6, (9.416, 5.868)), (15, (11.038, 7.490)), (30, (14.011, 10.364))],
)
def test_map_without_quadrants_keeps_its_size(count: int, size: tuple[float, float]) -> None:
    """The sizes the map had before it could show quadrants (matplotlib's own DejaVu Sans)."""
    figure = collaboration_map_figure(many_map(count), MAP_WORDS)
    assert tuple(figure.get_size_inches()) == pytest.approx(size, abs=0.002)
    assert quadrant_lines(figure) == []


def test_map_quadrants_beyond_four_or_blank_are_left_out() -> None:
    quadrants = (*QUADRANTS[:2], (" ", "  "), QUADRANTS[3], ("¿Extra?", "no"))
    figure = collaboration_map_figure(
        many_map(4), dataclasses.replace(QUADRANT_MAP, quadrants=quadrants)
    )
    assert_readable(figure)
    labels = [text for text, _ in text_boxes(figure, "lantern-quadrant-label")]
    assert sorted(labels) == sorted(["¿Quién?", "¿Cuándo?", "¿Dónde?"])
    assert quadrant_lines(figure)  # the cross is still drawn


# ---------------------------------------------------------------------------------------------
# Every word comes from the caller


SPANISH_CONTINUUM = ContinuumWords(
    title="Mi continuo de mentalidad",
    fixed="Fija",
    growth="Crecimiento",
    off_the_line="Fuera de la línea",
)
SPANISH_VENN = VennWords(
    title="Prioridades", circles=(("d", "Distrito"), ("e", "Escuela"), ("b", "Biblioteca"))
)
SPANISH_MAP = MapWords(
    title="Mapa de colaboración",
    priority="Prioridad de la escuela",
    strength="Fortaleza de la biblioteca",
    margin="Sin alinear",
    center="Investigación",
)


def words_of(figure: Figure) -> set[str]:
    return {
        " ".join(text.get_text().split()) for text in figure.findobj(Text) if isinstance(text, Text)
    }


def assert_words_from(figure: Figure, allowed: Sequence[str]) -> None:
    # Wrapping may break a long word, so compare without any whitespace at all.
    allowed_squashed = {"".join(text.split()) for text in allowed}
    for text in words_of(figure):
        squashed = "".join(text.split())
        if not squashed or squashed.replace(".", "").replace("-", "").isdigit():
            continue
        assert squashed in allowed_squashed, f"{text!r} is not from the inputs"


def test_no_hard_coded_words() -> None:
    cases: list[tuple[Callable[[], Figure], list[str]]] = [
        (
            lambda: continuum_figure(
                [ContinuumItem("pedir ayuda", 2), ContinuumItem("probar cosas nuevas", 9)],
                SPANISH_CONTINUUM,
                ["revisar el correo primero"],
            ),
            [
                "pedir ayuda",
                "probar cosas nuevas",
                "revisar el correo primero",
                *vars(SPANISH_CONTINUUM).values(),
            ],
        ),
        (
            lambda: venn_figure(
                [
                    VennItem("alfabetización mediática", frozenset({"d", "e", "b"})),
                    VennItem("nuevo makerspace", frozenset({"b"})),
                ],
                SPANISH_VENN,
            ),
            [
                "alfabetización mediática",
                "nuevo makerspace",
                SPANISH_VENN.title,
                "Distrito",
                "Escuela",
                "Biblioteca",
            ],
        ),
        (
            lambda: collaboration_map_figure(
                [
                    MapItem("lectura", "priority", True),
                    MapItem("investigación guiada", "strength", False),
                ],
                SPANISH_MAP,
            ),
            ["lectura", "investigación guiada", *[v for v in vars(SPANISH_MAP).values() if v]],
        ),
    ]
    for make, allowed in cases:
        figure = make()
        assert_words_from(figure, allowed)
        assert words_of(figure) - {""}  # something was written


def test_map_quadrant_words_come_from_the_caller() -> None:
    figure = collaboration_map_figure(
        [MapItem("lectura", "priority", True), MapItem("club de podcast", "strength", False)],
        QUADRANT_MAP,
    )
    allowed = [
        "lectura",
        "club de podcast",
        *[v for v in vars(QUADRANT_MAP).values() if isinstance(v, str)],
        *[text for pair in QUADRANTS for text in pair if text != LONG_ANSWER],
    ]
    allowed_squashed = {"".join(text.split()) for text in allowed}
    long_squashed = "".join(LONG_ANSWER.split())
    drawn = words_of(figure) - {""}
    assert drawn
    for text in drawn:
        squashed = "".join(text.split())
        shortened = squashed.endswith("\u2026") and long_squashed.startswith(squashed[:-1])
        assert squashed in allowed_squashed or shortened, f"{text!r} is not from the inputs"


def test_labels_are_not_parsed_as_maths() -> None:
    items = [ContinuumItem("a $5 budget and a $10 grant", 3)]
    figure = continuum_figure(items, CONTINUUM_WORDS)
    assert "a $5 budget and a $10 grant" in words_of(figure)
    assert_readable(figure)
