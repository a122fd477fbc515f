"""Reading what people type into forms: dates, times of day, runs of days, "every N days".

One module for every form that takes one of these, so the terminal and Slack read them alike.
A small parser of our own rather than dateparser (1.5, tried with PREFER_DATES_FROM past, a
RELATIVE_BASE and languages ['en']): it reads "last tuesday" well, but also reads far more than
a form should take without asking ("9" as 24 September, "may" as 24 May), which would store a
wrong date silently, and it cannot read times or runs of days. The forms need a handful of
shapes read exactly, relative to the person's own local day; the words come from content
(`DateWords`), so they can be translated.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

Prefer = Literal["past", "future"]


@dataclass(frozen=True)
class DateWords:
    """The words a date or a time may be typed with, all compared case-insensitively."""

    weekdays: tuple[tuple[str, ...], ...]  # Monday first: each day's names ("mon", "monday")
    months: tuple[tuple[str, ...], ...]  # January first
    today: tuple[str, ...] = ()
    yesterday: tuple[str, ...] = ()
    tomorrow: tuple[str, ...] = ()
    last: tuple[str, ...] = ()  # "last tuesday": the one before today
    next: tuple[str, ...] = ()  # "next tuesday": the one after today
    ago: tuple[str, ...] = ()  # "3 days ago"
    days: tuple[str, ...] = ()  # "day", "days"
    weeks: tuple[str, ...] = ()  # "week", "weeks"
    every: tuple[str, ...] = ()  # "every 45 days"
    am: tuple[str, ...] = ()
    pm: tuple[str, ...] = ()
    range_words: tuple[str, ...] = ()  # "mon to thu"


def _clean(text: str) -> str:
    return " ".join(text.casefold().replace(",", " ").split()).rstrip(".")


def _among(word: str, words: Sequence[str]) -> bool:
    return word in {w.casefold() for w in words}


def _index(word: str, names: Sequence[Sequence[str]]) -> int | None:
    """Which of `names` the word is (its position), by a full name or one of its short forms;
    a start of at least three letters of a name also counts ("tues", "sept")."""
    for position, forms in enumerate(names):
        for form in forms:
            name = form.casefold()
            if word == name or (len(word) >= 3 and name.startswith(word)):
                return position
    return None


def _ordinal(word: str) -> int | None:
    match = re.fullmatch(r"(\d{1,2})(st|nd|rd|th)?", word)
    return int(match.group(1)) if match else None


def _day_of_month(
    day: int, month: int, year: int | None, *, today: date, prefer: Prefer
) -> date | None:
    if year is not None:
        try:
            return date(year, month, day)
        except ValueError:
            return None
    # No year: the nearest such day on the side the form prefers.
    for candidate_year in (
        (today.year, today.year - 1) if prefer == "past" else (today.year, today.year + 1)
    ):
        try:
            candidate = date(candidate_year, month, day)
        except ValueError:
            continue  # 29 February in a year without one
        if (prefer == "past" and candidate <= today) or (prefer == "future" and candidate >= today):
            return candidate
    return None


def parse_date(text: str, *, today: date, words: DateWords, prefer: Prefer = "past") -> date | None:
    """A calendar date as people type it, relative to `today` (the person's local day):
    2026-12-03, today, yesterday, tomorrow, 3 days ago, in 2 weeks, last tuesday, next friday,
    tuesday (the nearest one on the `prefer` side, today included), 3 Dec, Dec 3rd, 3 December
    2026, Thu 3 Dec. None when it is none of these."""
    said = _clean(text)
    if not said:
        return None
    if re.fullmatch(r"\d{4}-\d{1,2}-\d{1,2}", said):
        year, month, day = (int(part) for part in said.split("-"))
        try:
            return date(year, month, day)
        except ValueError:
            return None
    if _among(said, words.today):
        return today
    if _among(said, words.yesterday):
        return today - timedelta(days=1)
    if _among(said, words.tomorrow):
        return today + timedelta(days=1)
    parts = said.split()
    ago = _ago(parts, words)
    if ago is not None:
        return today - timedelta(days=ago)
    if len(parts) == 3 and parts[0] == "in":
        ahead = _ago([parts[1], parts[2], *words.ago[:1]], words)
        if ahead is not None:
            return today + timedelta(days=ahead)
    if len(parts) == 2 and (_among(parts[0], words.last) or _among(parts[0], words.next)):
        weekday = _index(parts[1], words.weekdays)
        if weekday is None:
            return None
        if _among(parts[0], words.last):
            back = (today.weekday() - weekday) % 7 or 7
            return today - timedelta(days=back)
        ahead = (weekday - today.weekday()) % 7 or 7
        return today + timedelta(days=ahead)
    if len(parts) == 1 and (weekday := _index(parts[0], words.weekdays)) is not None:
        if prefer == "past":
            return today - timedelta(days=(today.weekday() - weekday) % 7)
        return today + timedelta(days=(weekday - today.weekday()) % 7)
    if len(parts) >= 3 and _index(parts[0], words.weekdays) is not None:
        parts = parts[1:]  # "thu 3 dec": the day of the week is only a reminder
    return _month_day(parts, words, today=today, prefer=prefer)


def _ago(parts: Sequence[str], words: DateWords) -> int | None:
    """ "3 days ago", "2 weeks ago" as a number of days."""
    if len(parts) != 3 or not _among(parts[2], words.ago) or not parts[0].isdigit():
        return None
    count = int(parts[0])
    if _among(parts[1], words.days):
        return count
    if _among(parts[1], words.weeks):
        return count * 7
    return None


def _month_day(
    parts: Sequence[str], words: DateWords, *, today: date, prefer: Prefer
) -> date | None:
    """ "3 dec", "dec 3rd", "3 december 2026", "december 3 2026"."""
    if len(parts) not in (2, 3):
        return None
    year: int | None = None
    if len(parts) == 3:
        if not re.fullmatch(r"\d{4}", parts[2]):
            return None
        year = int(parts[2])
    first, second = parts[0], parts[1]
    day, month = _ordinal(first), _index(second, words.months)
    if day is None or month is None:
        day, month = _ordinal(second), _index(first, words.months)
    if day is None or month is None:
        return None
    return _day_of_month(day, month + 1, year, today=today, prefer=prefer)


def parse_time(text: str, words: DateWords) -> int | None:
    """A time of day as minutes after midnight: 07:30, 7:30am, 7.30 pm, 9, 9am, 21:00."""
    said = _clean(text).replace(" ", "")
    suffix: str | None = None
    for kind, markers in (("am", words.am), ("pm", words.pm)):
        for marker in sorted(
            (m.casefold().replace(" ", "") for m in markers), key=len, reverse=True
        ):
            if marker and said.endswith(marker):
                said, suffix = said[: -len(marker)], kind
                break
        if suffix:
            break
    match = re.fullmatch(r"(\d{1,2})(?:[:.h](\d{2}))?", said)
    if match is None:
        return None
    hour, minute = int(match.group(1)), int(match.group(2) or 0)
    if minute > 59:
        return None
    if suffix is not None:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if suffix == "pm" else 0)
    elif hour > 23:
        return None
    return hour * 60 + minute


def parse_every_days(text: str, words: DateWords) -> int | None:
    """A number of days as typed for a cadence: 45, 45 days, every 45 days, every 2 weeks."""
    parts = _clean(text).split()
    if parts and _among(parts[0], words.every):
        parts = parts[1:]
    if not parts or not parts[0].isascii() or not parts[0].isdigit():
        return None
    count = int(parts[0])
    if len(parts) == 1 or (len(parts) == 2 and _among(parts[1], words.days)):
        return count
    if len(parts) == 2 and _among(parts[1], words.weeks):
        return count * 7
    return None


def parse_choices(
    text: str, options: Sequence[tuple[str, Sequence[str]]], words: DateWords | None = None
) -> list[str] | None:
    """Several options in order (working days, say) typed as keys or names, separated by
    commas or spaces, with runs: "1-4", "Mon-Thu", "mon to thu", "1,3,5", "Sun-Tue" (a run
    may go round the end). `options` are (key, names) in their order; the keys chosen, in the
    options' order, or None when a part is none of them."""
    said = text.casefold()
    for word in words.range_words if words else ():
        said = re.sub(rf"\s+{re.escape(word.casefold())}\s+", "-", said)
    said = re.sub(r"\s*[-\u2013\u2014]\s*", "-", said)
    parts = [part for part in re.split(r"[,;\s]+", said) if part]
    if not parts:
        return None
    keys = [key for key, _ in options]

    def position(word: str) -> int | None:
        if word in keys:
            return keys.index(word)
        return _index(word, [tuple(names) for _, names in options])

    chosen: set[int] = set()
    for part in parts:
        first, dash, last = part.partition("-")
        start = position(first)
        if start is None:
            return None
        if not dash:
            chosen.add(start)
            continue
        end = position(last)
        if end is None:
            return None
        span = (end - start) % len(keys)
        chosen.update((start + step) % len(keys) for step in range(span + 1))
    return [keys[index] for index in sorted(chosen)]
