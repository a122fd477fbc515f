"""Which picture a toolkit work section draws, from its records and the words in content."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from bot.documents.model import (
    ContinuumItem,
    ContinuumWords,
    MapItem,
    MapWords,
    Picture,
    VennItem,
    VennWords,
)
from content import Content
from content.work import WorkSection

SEPARATOR = ","


def section_picture(
    content: Content,
    section: WorkSection,
    records: Sequence[Mapping[str, str]],
    *,
    center: str | None = None,
    quadrants: Mapping[str, str] | None = None,
) -> Picture | None:
    """The section's picture (continuum, Venn or collaboration map); None if it has none."""
    # Imported here: matplotlib loads only when a picture is actually drawn.
    from bot.documents import pictures

    words = content.toolkit_work.pictures
    if section.picture == "continuum":
        on_line = [r for r in records if r.get("position", "") != ""]
        off_line = [r["label"] for r in records if r.get("position", "") == "" and r.get("label")]
        png = pictures.draw_continuum(
            [ContinuumItem(r["label"], float(r["position"])) for r in on_line if r.get("label")],
            ContinuumWords(
                title=words.continuum.title,
                fixed=words.continuum.fixed,
                growth=words.continuum.growth,
                off_the_line=words.continuum.off_the_line,
            ),
            off_line,
        )
        return Picture(f"{section.id}.png", words.continuum.title, png)
    if section.picture == "venn":
        circles = section.field("circles").options
        png = pictures.draw_venn(
            [
                VennItem(
                    r["label"], frozenset(v for v in r.get("circles", "").split(SEPARATOR) if v)
                )
                for r in records
                if r.get("label")
            ],
            VennWords(
                title=words.venn.title,
                circles=tuple((option.value, option.label) for option in circles),
            ),
        )
        return Picture(f"{section.id}.png", words.venn.title, png)
    if section.picture == "collaboration_map":
        png = pictures.draw_collaboration_map(
            [
                MapItem(
                    r["label"],
                    "strength" if r.get("kind") == "strength" else "priority",
                    r.get("aligned") == "yes",
                )
                for r in records
                if r.get("label")
            ],
            map_words(content, center=center, quadrants=quadrants),
        )
        return Picture(f"{section.id}.png", words.collaboration_map.title, png)
    return None


def map_words(
    content: Content, *, center: str | None, quadrants: Mapping[str, str] | None
) -> MapWords:
    """The map's words: its labels from content, the chosen area and the quadrants' answers."""
    words = content.toolkit_work.pictures.collaboration_map
    corners = (
        tuple((label, quadrants.get(name, "")) for name, label in words.quadrants.items())
        if quadrants
        else ()
    )
    return MapWords(
        title=words.title,
        priority=words.priority,
        strength=words.strength,
        margin=words.margin,
        center=center,
        quadrants=corners,
    )
