"""Dates and lengths of time as the coach says them: one function words every due date."""

from __future__ import annotations

from datetime import date, datetime

from bot.core.schedule import (
    WorkingHours,
    checkin_moment,
    relationship_due_at,
    relationship_next_due,
    zone,
)
from bot.flows.plan_model import RelationshipView
from content import Content

DAYS_IN_WEEK = 7


def day_text(content: Content, day: date, *, today: date) -> str:
    """ "Tue 3 Dec"; with the year when it is not this year's."""
    words = content.checkin.dates
    weekday = words.weekdays[day.weekday()]
    month = words.months[day.month - 1]
    if day.year == today.year:
        return words.this_year.format(weekday=weekday, day=day.day, month=month)
    return words.other_year.format(weekday=weekday, day=day.day, month=month, year=day.year)


def due_day(due: datetime, time_zone: str | None) -> date:
    """The day a due instant falls on in the person's own time zone."""
    return due.astimezone(zone(time_zone)).date()


def due_text(content: Content, due: datetime, *, time_zone: str | None, today: date) -> str:
    """The day something is due, as every surface words it (the check-in's confirmation, the
    plan, the home page, a nudge and a digest): "Thu 7 Jan", in the person's time zone."""
    return day_text(content, due_day(due, time_zone), today=today)


def next_due(
    relationship: RelationshipView,
    *,
    hours: WorkingHours,
    now: datetime,
    checkin_on: date | None = None,
) -> datetime | None:
    """When the relationship is next due, decided as the engine stores it (None when paused);
    with `checkin_on`, as it will be once a check-in on that day is logged."""
    if relationship.paused:
        return None
    last = relationship.last_checkin_at
    if checkin_on is not None:
        moment = checkin_moment(checkin_on, hours=hours, now=now)
        last = moment if last is None else max(last, moment)
    return relationship_next_due(
        created_at=relationship.created_at,
        last_checkin_at=last,
        last_nudged_at=relationship.last_nudged_at,
        cadence=relationship.cadence,
        every_days=relationship.cadence_days,
        hours=hours,
        now=now,
    )


def skipped_due(relationship: RelationshipView, *, hours: WorkingHours, now: datetime) -> datetime:
    """Skip this occurrence: one cadence from now (as the engine stores a skip)."""
    return relationship_due_at(
        now, cadence=relationship.cadence, every_days=relationship.cadence_days, hours=hours
    )


def cadence_text(content: Content, cadence: str, every_days: int | None) -> str:
    """How often, exactly: "every month", "every 45 days", "every 6 weeks" (weeks only when the
    days are a whole number of them)."""
    words = content.plan.cadences
    if cadence == "days" and every_days:
        if every_days % DAYS_IN_WEEK == 0:
            return words.every_weeks.format(count=every_days // DAYS_IN_WEEK)
        return words.every_days.format(count=every_days)
    return words.words.get(cadence, cadence)


def wait_text(content: Content, days: int) -> str:
    """How long until a day, exactly: "5 days", "3 weeks" only when it is 21 days, "45 days"."""
    words = content.checkin.durations
    if days % DAYS_IN_WEEK == 0:
        return words.weeks.format(count=days // DAYS_IN_WEEK)
    return words.days.format(count=days)
