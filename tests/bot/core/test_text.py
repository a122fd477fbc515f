"""Keywords said as an answer, and a keyword given as an answer by quoting it."""

from __future__ import annotations

import pytest

from bot.core.text import keyword_in, unquoted_literal

KEYWORDS = {"cancel": ["cancel", "stop"], "pause": ["pause", "not now"], "help": ["help", "?"]}


@pytest.mark.parametrize(
    ("typed", "found"),
    [
        ("cancel", "cancel"),
        ("  Cancel. ", "cancel"),
        ("STOP!", "cancel"),
        ("not  now", "pause"),
        ("?", "help"),
        ("cancel the meeting", None),
        ('"cancel"', None),
        ("", None),
    ],
)
def test_keyword_in(typed: str, found: str | None) -> None:
    assert keyword_in(typed, KEYWORDS) == found


@pytest.mark.parametrize(
    ("typed", "literal"),
    [
        ('"cancel"', "cancel"),
        ("'pause'", "pause"),
        ("\u201chelp\u201d", "help"),
        ("cancel", None),
        ('"a" and "b"', None),
        ('""', None),
    ],
)
def test_unquoted_literal(typed: str, literal: str | None) -> None:
    assert unquoted_literal(typed) == literal
