"""When things are due, in each person's own time zone (zoneinfo, never a fixed offset)."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

REMINDER_LOCAL_TIME = time(10, 0)  # mid-morning, inside anyone's working day

CADENCES = ("weekly", "fortnightly", "monthly", "quarterly", "days")
"""How often a relationship is due: the named ones, or every N days."""

NUDGE_MODES = ("each", "daily", "weekly")


def time_zone_named(name: str | None) -> ZoneInfo | None:
    """The IANA time zone of that name; None for anything else. A name such as "America" is a
    directory of the zone database and a very long one no file name at all: zoneinfo raises
    OSError for those, not ZoneInfoNotFoundError, so every lookup of a name from outside goes
    through here."""
    if not name or len(name) > MAX_TIME_ZONE_NAME:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return None


MAX_TIME_ZONE_NAME = 64  # the longest IANA name is 32 characters


def zone(time_zone: str | None) -> ZoneInfo:
    return time_zone_named(time_zone) or ZoneInfo("UTC")


def reminder_due_at(now: datetime, *, days: int, time_zone: str | None) -> datetime:
    """`days` from now, at the reminder's local time in that zone, as a UTC instant.

    The local date advances by calendar days, so a reminder stays at 10:00 local across a
    daylight-saving change instead of drifting by an hour.
    """
    local_zone = zone(time_zone)
    local_day = now.astimezone(local_zone).date() + timedelta(days=days)
    local = datetime.combine(local_day, REMINDER_LOCAL_TIME, tzinfo=local_zone)
    return local.astimezone(UTC)


@dataclass(frozen=True)
class WorkingHours:
    """When a person may be nudged: ISO weekdays (1 = Monday) and minutes after local midnight."""

    time_zone: str | None = None
    days: frozenset[int] = frozenset({1, 2, 3, 4, 5})
    start_minute: int = 9 * 60
    end_minute: int = 17 * 60

    @classmethod
    def parse_days(cls, days: str) -> frozenset[int]:
        """ "12345" -> {1, ..., 5}; anything not a weekday digit is ignored."""
        return frozenset(int(c) for c in days if c in "1234567")

    @property
    def zone(self) -> ZoneInfo:
        return zone(self.time_zone)

    def start_on(self, day: date) -> datetime:
        """The start of the working day on `day`, local, as a UTC instant."""
        start = time(self.start_minute // 60, self.start_minute % 60)
        return datetime.combine(day, start, tzinfo=self.zone).astimezone(UTC)

    def contains(self, moment: datetime) -> bool:
        local = moment.astimezone(self.zone)
        minute = local.hour * 60 + local.minute
        return local.isoweekday() in self.days and self.start_minute <= minute < self.end_minute

    def first_start_on_or_after(self, day: date) -> datetime:
        """The start of the first working day on or after `day` (that day itself if it works)."""
        if not self.days:  # no working days at all: treat every day as one
            return self.start_on(day)
        for offset in range(7):
            candidate = day + timedelta(days=offset)
            if candidate.isoweekday() in self.days:
                return self.start_on(candidate)
        raise AssertionError("unreachable: some weekday is a working day")

    def next_moment(self, now: datetime) -> datetime:
        """`now` if it is within working hours, else the start of the next working period."""
        if self.contains(now):
            return now
        local = now.astimezone(self.zone)
        today_start = self.first_start_on_or_after(local.date())
        if today_start > now:
            return today_start
        return self.first_start_on_or_after(local.date() + timedelta(days=1))


def add_months(day: date, months: int) -> date:
    """The same day of the month `months` later, or that month's last day if it is shorter."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def cadence_step(day: date, *, cadence: str, every_days: int | None) -> date:
    """The local date one cadence after `day`."""
    if cadence == "weekly":
        return day + timedelta(days=7)
    if cadence == "fortnightly":
        return day + timedelta(days=14)
    if cadence == "monthly":
        return add_months(day, 1)
    if cadence == "quarterly":
        return add_months(day, 3)
    if cadence == "days" and every_days and every_days > 0:
        return day + timedelta(days=every_days)
    raise ValueError(f"unknown cadence {cadence!r} ({every_days!r} days)")


def cadence_length(cadence: str, every_days: int | None) -> timedelta:
    """The cadence as a length of time, for telling how overdue something is."""
    start = date(2001, 1, 1)  # a date whose next months are of typical length
    return cadence_step(start, cadence=cadence, every_days=every_days) - start


def relationship_due_at(
    since: datetime, *, cadence: str, every_days: int | None, hours: WorkingHours
) -> datetime:
    """One cadence after `since` (a check-in, a nudge, the day it was planned), at the start of
    the first working day then: 9:00 local stays 9:00 local across daylight-saving changes."""
    local_day = since.astimezone(hours.zone).date()
    return hours.first_start_on_or_after(
        cadence_step(local_day, cadence=cadence, every_days=every_days)
    )


def checkin_moment(happened_on: date, *, hours: WorkingHours, now: datetime) -> datetime:
    """When a check-in on that local day counts from: now, if it is today (or a day ahead);
    else the start of that working day."""
    if happened_on >= now.astimezone(hours.zone).date():
        return now
    return hours.start_on(happened_on)


def relationship_next_due(
    *,
    created_at: datetime,
    last_checkin_at: datetime | None,
    last_nudged_at: datetime | None,
    cadence: str,
    every_days: int | None,
    hours: WorkingHours,
    now: datetime,
) -> datetime:
    """The one decision of when a relationship is next due: one cadence from the later of its
    last check-in (or its start) and its last nudge, so a change to it never brings back a
    nudge just sent; something already due stays due (now)."""
    since = max(last_checkin_at or created_at, last_nudged_at or created_at)
    due = relationship_due_at(since, cadence=cadence, every_days=every_days, hours=hours)
    return max(due, now)


def action_due_at(due_on: date, *, hours: WorkingHours) -> datetime:
    """An action item is reminded at the start of its due day (or the next working day)."""
    return hours.first_start_on_or_after(due_on)


def digest_due_at(now: datetime, *, mode: str, hours: WorkingHours) -> datetime:
    """The next digest after `now`: tomorrow's working start, or next week's first one."""
    local_day = now.astimezone(hours.zone).date()
    if mode == "weekly":
        monday = local_day + timedelta(days=8 - local_day.isoweekday())
        return hours.first_start_on_or_after(monday)
    return hours.first_start_on_or_after(local_day + timedelta(days=1))


def balance_due_at(now: datetime, *, hours: WorkingHours) -> datetime:
    """The weekly balance summary: the first working start of next week."""
    return digest_due_at(now, mode="weekly", hours=hours)


def weekly_post_due_at(
    now: datetime, *, weekday: int, minute: int, time_zone: str | None
) -> datetime:
    """The next moment after `now` that is `weekday` (ISO, 1 = Monday) at `minute` past local
    midnight in `time_zone`, in UTC. Local time is kept across daylight-saving changes; a time
    that a change skips (02:30 on the spring-forward night) falls an hour later that day."""
    local_zone = zone(time_zone)
    local_now = now.astimezone(local_zone)
    at = time(minute // 60, minute % 60)
    day = local_now.date() + timedelta(days=(weekday - local_now.isoweekday()) % 7)
    while True:
        moment = datetime.combine(day, at, tzinfo=local_zone)
        # A skipped local time is not a real moment: round-trip through UTC moves it on.
        moment = moment.astimezone(UTC).astimezone(local_zone)
        if moment > now:
            return moment.astimezone(UTC)
        day += timedelta(days=7)


REASSESS_MONTHS = 3  # a quarter


def reassess_due_at(last: datetime, *, hours: WorkingHours) -> datetime:
    """A quarter after `last` (the latest finished assessment, or the last reminder), at the
    start of the first working day on or after that local date."""
    day = add_months(last.astimezone(hours.zone).date(), REASSESS_MONTHS)
    return hours.first_start_on_or_after(day)
