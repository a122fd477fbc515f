"""Renders one example of each toolkit picture into docs/pictures/: python docs/make_pictures.py"""

from __future__ import annotations

from pathlib import Path

from bot.documents.model import (
    ContinuumItem,
    ContinuumWords,
    MapItem,
    MapWords,
    VennItem,
    VennWords,
)
from bot.documents.pictures import draw_collaboration_map, draw_continuum, draw_venn

OUT = Path(__file__).resolve().parent / "pictures"


def continuum() -> bytes:
    items = [
        ContinuumItem("feedback from others", 2),
        ContinuumItem("asking for help with new technology", 3),
        ContinuumItem("sharing unfinished ideas with colleagues", 3.5),
        ContinuumItem("saying no to extra duties", 4.5),
        ContinuumItem("co-teaching with classroom teachers", 6),
        ContinuumItem("reflecting after a lesson that did not go well", 7),
        ContinuumItem("learning from students", 8),
        ContinuumItem("try new things", 9),
    ]
    words = ContinuumWords(
        title="My mindset continuum",
        fixed="Fixed",
        growth="Growth",
        off_the_line="Habits that don't fit on the line",
    )
    off = [
        "I check email before every class, which breaks up planning time",
        "I prefer to plan alone on Sunday evenings",
    ]
    return draw_continuum(items, words, off)


def venn() -> bytes:
    d, s, lib = "district", "school", "library"
    items = [
        VennItem("1:1 devices", frozenset({d, s})),
        VennItem("strategic plan: future-ready graduates", frozenset({d})),
        VennItem("technology levy", frozenset({d})),
        VennItem("school improvement plan: literacy", frozenset({s})),
        VennItem("media literacy", frozenset({d, s, lib})),
        VennItem("new makerspace", frozenset({lib})),
        VennItem("reading promotion", frozenset({s, lib})),
        VennItem("digital citizenship lessons", frozenset({d, lib})),
        VennItem("collection weeding", frozenset({lib})),
        VennItem("professional learning on inquiry", frozenset({s})),
    ]
    words = VennWords(
        title="District, school and library priorities",
        circles=((d, "District"), (s, "School"), (lib, "Library")),
    )
    return draw_venn(items, words)


def collaboration_map() -> bytes:
    items = [
        MapItem("student research skills across subjects", "priority", True),
        MapItem("reading achievement in grades 6-8", "priority", True),
        MapItem("information literacy instruction", "strength", True),
        MapItem("co-teaching inquiry units", "strength", True),
        MapItem("a flexible learning space", "strength", True),
        MapItem("technology levy roll-out", "priority", False),
        MapItem("makerspace programming", "strength", False),
        MapItem("podcast club", "strength", False),
    ]
    words = MapWords(
        title="Collaboration map",
        priority="School or district priority",
        strength="Library strength or interest",
        margin="Not clearly aligned",
        center="Inquiry-based research",
        quadrants=(
            ("Who", "Ms. Rivera (grade 7 science), Mr. Chen (ELA) and the librarian"),
            ("When", "Second semester: planning in January, co-taught unit in February-March"),
            (
                "What",
                "A six-week inquiry unit where students ask their own questions, find and "
                "evaluate sources in the library databases, take notes and cite them, then "
                "share findings at a research fair for families",
            ),
            ("Where", ""),
        ),
    )
    return draw_collaboration_map(items, words)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "continuum.png").write_bytes(continuum())
    (OUT / "venn.png").write_bytes(venn())
    (OUT / "collaboration-map.png").write_bytes(collaboration_map())


if __name__ == "__main__":
    main()
