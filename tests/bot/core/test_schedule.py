"""Due times in each person's own zone and hours: daylight saving, quiet days, month ends."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.core.schedule import (
    WorkingHours,
    add_months,
    balance_due_at,
    digest_due_at,
    relationship_due_at,
    weekly_post_due_at,
)

# A Sunday on which the clocks change in each zone (Kolkata has no daylight saving at all).
CLOCK_CHANGES = [
    ("America/Chicago", date(2026, 3, 8)),
    ("America/Chicago", date(2026, 11, 1)),
    ("Europe/London", date(2026, 3, 29)),
    ("Europe/London", date(2026, 10, 25)),
    ("Australia/Sydney", date(2026, 4, 5)),
    ("Australia/Sydney", date(2026, 10, 4)),
    ("Asia/Kolkata", date(2026, 10, 25)),
    ("Pacific/Auckland", date(2026, 4, 5)),
    ("Pacific/Auckland", date(2026, 9, 27)),
]


@pytest.mark.parametrize(("time_zone", "change"), CLOCK_CHANGES)
def test_a_weekly_relationship_stays_at_nine_local_across_a_clock_change(
    time_zone: str, change: date
) -> None:
    zone = ZoneInfo(time_zone)
    hours = WorkingHours(time_zone=time_zone)
    week_before = datetime.combine(change - timedelta(days=13), datetime.min.time(), zone)
    monday_before = week_before.replace(hour=9) + timedelta(days=7)
    due_before = relationship_due_at(
        week_before.replace(hour=9), cadence="weekly", every_days=None, hours=hours
    )
    due_after = relationship_due_at(due_before, cadence="weekly", every_days=None, hours=hours)
    assert due_before == monday_before.astimezone(UTC)
    for due in (due_before, due_after):
        local = due.astimezone(zone)
        assert (local.isoweekday(), local.hour, local.minute) == (1, 9, 0)
    assert due_after.astimezone(zone).date() - due_before.astimezone(zone).date() == timedelta(7)
    gap = due_after - due_before
    if time_zone == "Asia/Kolkata":
        assert gap == timedelta(days=7)
    else:
        assert gap in {timedelta(days=7, hours=1), timedelta(days=7, hours=-1)}


def test_quiet_days_are_skipped() -> None:
    hours = WorkingHours(time_zone="Europe/London", days=frozenset({1, 2, 3, 4}))
    friday = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
    due = relationship_due_at(friday, cadence="weekly", every_days=None, hours=hours)
    assert due == datetime(2026, 11, 30, 9, 0, tzinfo=UTC)  # Friday 27th is quiet: Monday


def test_every_n_days_counts_calendar_days_then_finds_a_working_day() -> None:
    hours = WorkingHours(time_zone="America/Chicago")
    thursday = datetime(2026, 11, 26, 16, 0, tzinfo=UTC)
    due = relationship_due_at(thursday, cadence="days", every_days=2, hours=hours)
    assert due == datetime(2026, 11, 30, 15, 0, tzinfo=UTC)  # Saturday -> Monday 9:00 CST


class TestNextMoment:
    hours = WorkingHours(time_zone="America/Chicago")

    def test_inside_working_hours_is_now(self) -> None:
        now = datetime(2026, 11, 24, 18, 30, tzinfo=UTC)  # Tuesday 12:30
        assert self.hours.contains(now)
        assert self.hours.next_moment(now) == now

    def test_before_the_day_starts_is_that_morning(self) -> None:
        early = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)  # Tuesday 6:00
        assert self.hours.next_moment(early) == datetime(2026, 11, 24, 15, 0, tzinfo=UTC)

    def test_after_the_day_ends_is_the_next_morning(self) -> None:
        evening = datetime(2026, 11, 24, 23, 0, tzinfo=UTC)  # Tuesday 17:00: the end, excluded
        assert not self.hours.contains(evening)
        assert self.hours.next_moment(evening) == datetime(2026, 11, 25, 15, 0, tzinfo=UTC)

    def test_a_friday_evening_waits_for_monday(self) -> None:
        friday = datetime(2026, 11, 28, 1, 0, tzinfo=UTC)  # Friday 19:00
        assert self.hours.next_moment(friday) == datetime(2026, 11, 30, 15, 0, tzinfo=UTC)

    def test_no_working_days_means_every_day(self) -> None:
        always = WorkingHours(time_zone="UTC", days=frozenset())
        sunday = datetime(2026, 11, 29, 20, 0, tzinfo=UTC)
        assert always.next_moment(sunday) == datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


def test_an_unknown_zone_is_treated_as_utc() -> None:
    hours = WorkingHours(time_zone="Mars/Olympus")
    assert hours.start_on(date(2026, 11, 30)) == datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2028, 1, 31), 1, date(2028, 2, 29)),  # a leap year
        (date(2026, 11, 30), 3, date(2027, 2, 28)),  # across the year's end
        (date(2026, 12, 15), 1, date(2027, 1, 15)),
        (date(2026, 3, 31), -1, date(2026, 2, 28)),
        (date(2026, 5, 31), 1, date(2026, 6, 30)),
        (date(2026, 1, 15), 12, date(2027, 1, 15)),
    ],
)
def test_add_months_keeps_the_day_or_the_month_end(day: date, months: int, expected: date) -> None:
    assert add_months(day, months) == expected


def test_monthly_from_the_31st_lands_on_the_months_last_working_day_or_after() -> None:
    hours = WorkingHours(time_zone="UTC")
    since = datetime(2026, 1, 31, 10, 0, tzinfo=UTC)
    due = relationship_due_at(since, cadence="monthly", every_days=None, hours=hours)
    assert due == datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # 28 February is a Saturday


def test_digests_and_the_balance_summary_fall_on_working_mornings() -> None:
    hours = WorkingHours(time_zone="Australia/Sydney")
    friday_noon = datetime(2026, 11, 27, 1, 0, tzinfo=UTC)  # Friday 12:00 AEDT
    assert digest_due_at(friday_noon, mode="daily", hours=hours) == datetime(
        2026, 11, 29, 22, 0, tzinfo=UTC
    )  # Monday 9:00 AEDT
    assert balance_due_at(friday_noon, hours=hours) == datetime(2026, 11, 29, 22, 0, tzinfo=UTC)
    monday = datetime(2026, 11, 29, 23, 0, tzinfo=UTC)  # Monday 10:00 AEDT
    assert digest_due_at(monday, mode="weekly", hours=hours) == datetime(
        2026, 12, 6, 22, 0, tzinfo=UTC
    )


# -- a team channel's weekly post ----------------------------------------------------------------

MONDAY_9_CHICAGO = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("weekday", "minute", "expected"),
    [
        (1, 540, datetime(2026, 11, 30, 15, 0, tzinfo=UTC)),  # exactly now: next week's
        (1, 541, datetime(2026, 11, 23, 15, 1, tzinfo=UTC)),  # a minute later today
        (1, 600, datetime(2026, 11, 23, 16, 0, tzinfo=UTC)),  # later today
        (1, 539, datetime(2026, 11, 30, 14, 59, tzinfo=UTC)),  # a minute ago: next week's
        (3, 540, datetime(2026, 11, 25, 15, 0, tzinfo=UTC)),  # Wednesday this week
        (7, 1380, datetime(2026, 11, 30, 5, 0, tzinfo=UTC)),  # Sunday 23:00, Monday in UTC
    ],
)
def test_the_weekly_post_is_the_next_such_moment_strictly_after_now(
    weekday: int, minute: int, expected: datetime
) -> None:
    due = weekly_post_due_at(
        MONDAY_9_CHICAGO, weekday=weekday, minute=minute, time_zone="America/Chicago"
    )
    assert due == expected
    assert due > MONDAY_9_CHICAGO
    assert due - MONDAY_9_CHICAGO <= timedelta(days=7)


def test_the_weekly_post_counts_weekdays_in_the_channels_zone_not_in_utc() -> None:
    sunday_utc = datetime(2026, 11, 29, 21, 0, tzinfo=UTC)  # already Monday 08:00 in Sydney
    due = weekly_post_due_at(sunday_utc, weekday=1, minute=540, time_zone="Australia/Sydney")
    assert due == datetime(2026, 11, 29, 22, 0, tzinfo=UTC)  # Monday 09:00 AEDT, that day


def test_the_weekly_post_in_an_unknown_zone_is_kept_in_utc() -> None:
    due = weekly_post_due_at(MONDAY_9_CHICAGO, weekday=1, minute=600, time_zone="Mars/Olympus")
    assert due == datetime(2026, 11, 30, 10, 0, tzinfo=UTC)


@pytest.mark.parametrize("weekday", [7, 1], ids=["on-the-day-of-the-change", "the-monday-after"])
@pytest.mark.parametrize(("time_zone", "change"), CLOCK_CHANGES)
def test_the_weekly_post_stays_at_its_local_time_across_a_clock_change(
    time_zone: str, change: date, weekday: int
) -> None:
    zone = ZoneInfo(time_zone)
    ten_days_before = datetime.combine(change - timedelta(days=10), datetime.min.time(), zone)
    before = weekly_post_due_at(ten_days_before, weekday=weekday, minute=540, time_zone=time_zone)
    after = weekly_post_due_at(before, weekday=weekday, minute=540, time_zone=time_zone)
    # The week before the change, then the week of it (the change itself is at night).
    expected_days = (
        (change - timedelta(days=7), change)
        if weekday == 7
        else (
            change - timedelta(days=6),
            change + timedelta(days=1),
        )
    )
    for due, day in zip((before, after), expected_days, strict=True):
        local = due.astimezone(zone)
        assert (local.date(), local.hour, local.minute) == (day, 9, 0)
    gap = after - before
    if time_zone == "Asia/Kolkata":
        assert gap == timedelta(days=7)
    else:
        assert gap in {timedelta(days=7, hours=1), timedelta(days=7, hours=-1)}


SKIPPED_TIMES = [
    # (zone, a local time the spring-forward night skips, the instant it falls on instead)
    ("America/Chicago", datetime(2026, 3, 8, 2, 30), datetime(2026, 3, 8, 8, 30, tzinfo=UTC)),
    ("Europe/London", datetime(2026, 3, 29, 1, 30), datetime(2026, 3, 29, 1, 30, tzinfo=UTC)),
    ("Australia/Sydney", datetime(2026, 10, 4, 2, 30), datetime(2026, 10, 3, 16, 30, tzinfo=UTC)),
    ("Pacific/Auckland", datetime(2026, 9, 27, 2, 30), datetime(2026, 9, 26, 14, 30, tzinfo=UTC)),
]


@pytest.mark.parametrize(("time_zone", "skipped", "expected"), SKIPPED_TIMES)
def test_a_weekly_post_at_a_skipped_local_time_falls_an_hour_later_that_day(
    time_zone: str, skipped: datetime, expected: datetime
) -> None:
    zone = ZoneInfo(time_zone)
    day_before = datetime.combine(skipped.date() - timedelta(days=1), skipped.time(), zone)
    minute = skipped.hour * 60 + skipped.minute
    weekday = skipped.isoweekday()
    due = weekly_post_due_at(day_before, weekday=weekday, minute=minute, time_zone=time_zone)
    assert due == expected
    local = due.astimezone(zone)
    assert (local.date(), local.hour, local.minute) == (skipped.date(), skipped.hour + 1, 30)
    # The week after, the time exists again and is kept.
    following = weekly_post_due_at(due, weekday=weekday, minute=minute, time_zone=time_zone)
    local = following.astimezone(zone)
    assert (local.date(), local.hour, local.minute) == (
        skipped.date() + timedelta(days=7),
        skipped.hour,
        30,
    )


AMBIGUOUS_TIMES = [
    # (zone, a local time the fall-back night has twice, the first of the two instants)
    ("America/Chicago", datetime(2026, 11, 1, 1, 30), datetime(2026, 11, 1, 6, 30, tzinfo=UTC)),
    ("Europe/London", datetime(2026, 10, 25, 1, 30), datetime(2026, 10, 25, 0, 30, tzinfo=UTC)),
    ("Australia/Sydney", datetime(2026, 4, 5, 2, 30), datetime(2026, 4, 4, 15, 30, tzinfo=UTC)),
    ("Pacific/Auckland", datetime(2026, 4, 5, 2, 30), datetime(2026, 4, 4, 13, 30, tzinfo=UTC)),
]


@pytest.mark.parametrize(("time_zone", "ambiguous", "first"), AMBIGUOUS_TIMES)
def test_a_weekly_post_at_a_local_time_that_happens_twice_is_the_first_and_only_once(
    time_zone: str, ambiguous: datetime, first: datetime
) -> None:
    zone = ZoneInfo(time_zone)
    day_before = datetime.combine(ambiguous.date() - timedelta(days=1), ambiguous.time(), zone)
    minute = ambiguous.hour * 60 + ambiguous.minute
    weekday = ambiguous.isoweekday()
    due = weekly_post_due_at(day_before, weekday=weekday, minute=minute, time_zone=time_zone)
    assert due == first
    second_time = first + timedelta(hours=1)  # the same local time, an hour later
    assert second_time.astimezone(zone).replace(tzinfo=None) == ambiguous
    next_week = datetime.combine(ambiguous.date() + timedelta(days=7), ambiguous.time(), zone)
    # Posted at the first: neither at it again nor at the second, but a week later.
    for now in (first, first + timedelta(minutes=30), second_time):
        assert weekly_post_due_at(
            now, weekday=weekday, minute=minute, time_zone=time_zone
        ) == next_week.astimezone(UTC)


def test_only_real_time_zones_are_named() -> None:
    """Directories of the zone database, paths and very long names are no time zone (zoneinfo
    raises OSError for those, not ZoneInfoNotFoundError)."""
    from bot.core.schedule import time_zone_named, zone

    assert str(time_zone_named("Europe/London")) == "Europe/London"
    for name in ("America", "Etc", "x" * 500, "../../etc/passwd", "", None, "Nowhere/Land"):
        assert time_zone_named(name) is None, name
        assert str(zone(name)) == "UTC"
