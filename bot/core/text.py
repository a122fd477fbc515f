"""Small text helpers shared by flows, documents and the engine: shortening a label to fit,
numbers, filling a template with text of several lines, and recognising a keyword (or a quoted
literal) as a whole answer."""

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


def fill_indented(template: str, **values: str) -> str:
    """`template.format(**values)`, where a value of several lines goes on at the column its
    placeholder starts at ("• {question}\n  {answer}": each line of the answer under the
    first, not at the margin). Blank lines stay blank."""
    indented: dict[str, str] = {}
    for name, value in values.items():
        lines = value.splitlines()
        if len(lines) < 2:  # one line needs nothing
            indented[name] = value
            continue
        place = template.find("{" + name + "}")
        start = template.rfind("\n", 0, place) + 1
        margin = " " * len(template[start:place]) if place >= 0 else ""
        indented[name] = "\n".join(
            [lines[0], *(margin + line if line.strip() else "" for line in lines[1:])]
        )
    return template.format(**indented)


def parse_int(text: str) -> int | None:
    """A whole number written in ASCII digits, or None: `str.isdigit` also accepts "²" and
    other digits `int` refuses, so a tampered value or a stray character must not reach it."""
    text = text.strip()
    return int(text) if text.isascii() and text.isdigit() else None


_TRAILING = ".!"
_QUOTES = (('"', '"'), ("'", "'"), ("\u201c", "\u201d"), ("\u2018", "\u2019"))


def trimmed(text: str) -> str:
    """A short answer as it is read: spaces collapsed, a trailing . or ! dropped."""
    return " ".join(text.split()).rstrip(_TRAILING).rstrip()


def _said(text: str) -> str:
    """How a short answer compares: trimmed and case folded."""
    return trimmed(text).casefold()


def keyword_in(text: str, keywords: Mapping[str, Iterable[str]]) -> str | None:
    """The id of the keyword that `text` is, as a whole answer, or None.

    `keywords` maps each keyword id (`skip`, `cancel`...) to the words that mean it. Case does not
    count, nor surrounding whitespace, nor a trailing "." or "!" ("Skip!" is `skip`); a word
    inside a longer answer ("I'd skip that meeting") is no keyword."""
    said = _said(text)
    if not said:
        return None
    for keyword_id, words in keywords.items():
        if any(_said(word) == said for word in words):
            return keyword_id
    return None


def unquoted_literal(text: str) -> str | None:
    """What is inside quotes around the whole answer ("x", 'x', “x” or ‘x’), or None.

    A person quotes a word to mean the word itself, not the command it names: `"skip"` is an
    answer of skip."""
    text = text.strip()
    for opening, closing in _QUOTES:
        if len(text) > 2 and text.startswith(opening) and text.endswith(closing):
            inner = text[1:-1]
            if opening in inner or closing in inner:  # "a" or "b": two quotes, not one
                return None
            return inner.strip() or None
    return None
