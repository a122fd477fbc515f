"""Which words and records each toolkit picture is drawn from."""

from __future__ import annotations

from bot.documents.toolkit_pictures import map_words, section_picture
from content import Content


def test_the_map_carries_the_chosen_area_and_the_four_quadrants(content: Content) -> None:
    words = map_words(
        content,
        center="Inquiry-based research",
        quadrants={"who": "The two of us", "where": "The library"},
    )
    assert words.center == "Inquiry-based research"
    assert words.quadrants == (
        ("Who", "The two of us"),
        ("When", ""),
        ("What", ""),
        ("Where", "The library"),
    )
    assert map_words(content, center=None, quadrants=None).quadrants == ()


def test_each_picture_section_draws_a_png(content: Content) -> None:
    records = {
        "continuum": [{"label": "feedback", "position": "2"}, {"label": "off the line"}],
        "venn": [{"label": "media literacy", "circles": "district,library"}],
        "collaboration-map": [{"label": "reading", "kind": "priority", "aligned": "yes"}],
    }
    for section_id, rows in records.items():
        section = content.toolkit_work.section(section_id)
        picture = section_picture(content, section, rows)
        assert picture is not None
        assert picture.filename == f"{section_id}.png"
        assert picture.png.startswith(b"\x89PNG")
    assert section_picture(content, content.toolkit_work.section("strengths"), []) is None
