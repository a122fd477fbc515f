"""Small text helpers shared by flows and documents: shortening a label, reading keywords."""

from __future__ import annotations

from collections.abc import Iterable, Mapping


def shorten(text: str, limit: int) -> str:
    """`text` on one line, cut at a word and ended with an ellipsis when longer than `limit`."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:.-") + "\u2026"


def parse_int(text: str) -> int | None:
    """A whole number written in ASCII digits, or None: `str.isdigit` also accepts "²" and
    other digits `int` refuses, so a tampered value or a stray character must not reach it."""
    text = text.strip()
    return int(text) if text.isascii() and text.isdigit() else None


_QUOTES = (('"', '"'), ("'", "'"), ("\u201c", "\u201d"), ("\u2018", "\u2019"))


def _said(text: str) -> str:
    """What a person said, compared as a keyword: one line, lower case, no closing . or !."""
    return " ".join(text.split()).casefold().rstrip(".!").strip()


def keyword_in(text: str, keywords: Mapping[str, Iterable[str]]) -> str | None:
    """The id (cancel, pause, help...) of the keyword the whole of `text` is, or None.

    Case-insensitive; surrounding space and a closing "." or "!" do not count. A quoted
    answer ("cancel") is never a keyword: see `unquoted_literal`."""
    said = _said(text)
    if not said:
        return None
    for keyword_id, words in keywords.items():
        if any(said == _said(word) for word in words):
            return keyword_id
    return None


def unquoted_literal(text: str) -> str | None:
    """The words inside quotes that wrap the whole answer ("cancel", 'skip', “more”), so a
    person can give a keyword as an answer; None when the answer is not quoted."""
    stripped = text.strip()
    for opening, closing in _QUOTES:
        if len(stripped) > 2 and stripped.startswith(opening) and stripped.endswith(closing):
            inner = stripped[1:-1]
            if opening not in inner and closing not in inner:
                return inner.strip()
    return None
