"""Recognising a keyword, or a quoted literal, as a whole answer."""

from __future__ import annotations

import pytest

from bot.core.text import fill_indented, keyword_in, unquoted_literal

KEYWORDS = {
    "skip": ("skip",),
    "back": ("back", "go back"),
    "help": ("help", "?", "what can you do"),
}


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("skip", "skip"),
        ("  SKIP  ", "skip"),
        ("Skip.", "skip"),
        ("skip!", "skip"),
        ("Go   Back", "back"),
        ("go back!", "back"),
        ("?", "help"),
        ("What can you do", "help"),
        ("skip it", None),
        ("I'd skip that meeting", None),
        ("", None),
        ("   ", None),
        (".", None),
        ('"skip"', None),  # quoted: the word itself, not the command
        ("skip?", None),  # only a trailing . or ! is set aside
    ],
)
def test_keyword_in(typed: str, expected: str | None) -> None:
    assert keyword_in(typed, KEYWORDS) == expected


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ('"skip"', "skip"),
        ("'back'", "back"),
        ("\u201cmore\u201d", "more"),
        ("\u2018pause\u2019", "pause"),
        ('  " skip "  ', "skip"),
        ('"two words"', "two words"),
        ("skip", None),
        ('"skip', None),
        ('skip"', None),
        ('""', None),
        ('" "', None),
        ('"a" and "b"', None),
        ("'", None),
    ],
)
def test_unquoted_literal(typed: str, expected: str | None) -> None:
    assert unquoted_literal(typed) == expected


FORM_KEYWORDS = {"cancel": ["cancel", "stop"], "pause": ["pause", "not now"], "help": ["help", "?"]}


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
def test_keyword_in_form_words(typed: str, found: str | None) -> None:
    assert keyword_in(typed, FORM_KEYWORDS) == found


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
def test_unquoted_literal_of_form_words(typed: str, literal: str | None) -> None:
    assert unquoted_literal(typed) == literal


def test_fill_indented_puts_each_line_of_a_value_under_its_first() -> None:
    template = "• {question}\n  {answer}"
    assert fill_indented(template, question="Why?", answer="One.\nTwo.\n\nThree.") == (
        "• Why?\n  One.\n  Two.\n\n  Three."
    )
    assert fill_indented(template, question="Why?", answer="Once.") == "• Why?\n  Once."
    assert fill_indented("{a}: {b}", a="x\ny", b="z") == "x\ny: z"  # at the margin: as it is
