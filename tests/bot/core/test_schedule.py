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
