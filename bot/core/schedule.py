"""When things are due, in each person's own time zone (zoneinfo, never a fixed offset)."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

REMINDER_LOCAL_TIME = time(10, 0)  # mid-morning, inside anyone's working day


def zone(time_zone: str | None) -> ZoneInfo:
    try:
        return ZoneInfo(time_zone) if time_zone else ZoneInfo("UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def reminder_due_at(now: datetime, *, days: int, time_zone: str | None) -> datetime:
    """`days` from now, at the reminder's local time in that zone, as a UTC instant.

    The local date advances by calendar days, so a reminder stays at 10:00 local across a
    daylight-saving change instead of drifting by an hour.
    """
    local_zone = zone(time_zone)
    local_day = now.astimezone(local_zone).date() + timedelta(days=days)
    local = datetime.combine(local_day, REMINDER_LOCAL_TIME, tzinfo=local_zone)
    return local.astimezone(UTC)
