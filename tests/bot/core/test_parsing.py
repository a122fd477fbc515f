"""Dates, times, runs of days and cadences as people type them into forms."""

from __future__ import annotations

from datetime import date

import pytest

from bot.core.parsing import parse_choices, parse_date, parse_every_days, parse_time
from bot.flows.forms import date_words
from content import Content

MONDAY = date(2026, 11, 23)
TUESDAY = date(2026, 11, 24)


@pytest.mark.parametrize(
    ("typed", "today", "expected"),
    [
        ("2026-12-03", MONDAY, date(2026, 12, 3)),
        ("today", MONDAY, MONDAY),
        ("Yesterday", MONDAY, date(2026, 11, 22)),
        ("yesterday.", MONDAY, date(2026, 11, 22)),
        ("last tuesday", MONDAY, date(2026, 11, 17)),
        ("last Tuesday", TUESDAY, date(2026, 11, 17)),  # on a Tuesday: a week ago, not today
        ("last tues", TUESDAY, date(2026, 11, 17)),
        ("tuesday", TUESDAY, TUESDAY),  # alone, the nearest on the past side, today included
        ("friday", MONDAY, date(2026, 11, 20)),
        ("3 Dec", date(2026, 12, 10), date(2026, 12, 3)),
        ("3 Dec", MONDAY, date(2025, 12, 3)),  # no year, in the past: last year's
        ("Dec 3rd", date(2026, 12, 10), date(2026, 12, 3)),
        ("3 December 2026", MONDAY, date(2026, 12, 3)),
        ("Thu 3 Dec 2026", MONDAY, date(2026, 12, 3)),
        ("3 days ago", MONDAY, date(2026, 11, 20)),
        ("2 weeks ago", MONDAY, date(2026, 11, 9)),
    ],
)
def test_dates_in_the_past(content: Content, typed: str, today: date, expected: date) -> None:
    assert parse_date(typed, today=today, words=date_words(content), prefer="past") == expected


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("3 Dec", date(2026, 12, 3)),
        ("tomorrow", date(2026, 11, 24)),
        ("next monday", date(2026, 11, 30)),
        ("monday", MONDAY),
        ("in 2 weeks", date(2026, 12, 7)),
        ("1 Feb", date(2027, 2, 1)),
    ],
)
def test_dates_ahead(content: Content, typed: str, expected: date) -> None:
    words = date_words(content)
    assert parse_date(typed, today=MONDAY, words=words, prefer="future") == expected


@pytest.mark.parametrize(
    "typed", ["", "soon", "2026-02-30", "31 Nov", "last", "last blursday", "9", "3 Dec 26"]
)
def test_what_is_no_date(content: Content, typed: str) -> None:
    assert parse_date(typed, today=MONDAY, words=date_words(content)) is None


@pytest.mark.parametrize(
    ("typed", "minutes"),
    [
        ("07:30", 450),
        ("7:30am", 450),
        ("7.30 pm", 1170),
        ("9", 540),
        ("9am", 540),
        ("12am", 0),
        ("12pm", 720),
        ("21:00", 1260),
    ],
)
def test_times(content: Content, typed: str, minutes: int) -> None:
    assert parse_time(typed, date_words(content)) == minutes


@pytest.mark.parametrize("typed", ["25", "7:75", "13pm", "noonish", ""])
def test_what_is_no_time(content: Content, typed: str) -> None:
    assert parse_time(typed, date_words(content)) is None


DAYS = [
    (str(n), (name,))
    for n, name in enumerate(
        ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"], 1
    )
]


@pytest.mark.parametrize(
    ("typed", "chosen"),
    [
        ("Mon-Thu", ["1", "2", "3", "4"]),
        ("1-4", ["1", "2", "3", "4"]),
        ("mon to thu", ["1", "2", "3", "4"]),
        ("1,3,5", ["1", "3", "5"]),
        ("Mon, Wed, Fri", ["1", "3", "5"]),
        ("Sun-Tue", ["1", "2", "7"]),  # a run round the end of the week
        ("tuesday – thursday", ["2", "3", "4"]),
    ],
)
def test_runs_of_days(content: Content, typed: str, chosen: list[str]) -> None:
    assert parse_choices(typed, DAYS, date_words(content)) == chosen


@pytest.mark.parametrize("typed", ["Mon-Blursday", "8", "", "0-3"])
def test_what_is_no_run_of_days(content: Content, typed: str) -> None:
    assert parse_choices(typed, DAYS, date_words(content)) is None


@pytest.mark.parametrize(
    ("typed", "days"),
    [("45", 45), ("every 45 days", 45), ("45 days", 45), ("every 2 weeks", 14), ("500", 500)],
)
def test_cadences(content: Content, typed: str, days: int) -> None:
    assert parse_every_days(typed, date_words(content)) == days


def test_what_is_no_cadence(content: Content) -> None:
    assert parse_every_days("every so often", date_words(content)) is None
