"""What the flows' forms share: reading a typed date, time or cadence in the content's words."""

from __future__ import annotations

from datetime import date
from functools import cache

from bot.core.parsing import DateWords, Prefer, parse_date, parse_every_days, parse_time
from content import Content
from content.coach import DateWordsText


@cache
def _words(text: DateWordsText) -> DateWords:
    # The content's model holds exactly the parser's words, field for field.
    return DateWords(**text.model_dump())


def date_words(content: Content) -> DateWords:
    return _words(content.coach.date_words)


def typed_date(content: Content, text: str, *, today: date, prefer: Prefer) -> date | None:
    """A date as the person typed it, relative to their own local `today`."""
    return parse_date(text, today=today, words=date_words(content), prefer=prefer)


def typed_time(content: Content, text: str) -> int | None:
    """A time of day as typed, in minutes after midnight."""
    return parse_time(text, date_words(content))


def typed_days(content: Content, text: str) -> int | None:
    """A cadence's number of days as typed: 45, every 45 days, every 2 weeks."""
    return parse_every_days(text, date_words(content))
