"""Small text helpers shared by flows and documents: shortening a label to fit."""

from __future__ import annotations


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
