"""What the worker says when a relationship is due: one nudge, or a digest of several."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime

from bot.core.messages import Choice, Reply
from bot.flows.base import choice_value
from bot.flows.plan_forms import constituency_name
from bot.flows.plan_model import CheckInView, RelationshipView
from bot.flows.wording import cadence_text, day_text, due_text
from content import Content
from content.checkin import Durations

TEXT_LIMIT = 3000  # a Slack section's text, and the most one reply should say
BUTTON_LIMIT = 75  # a Slack button's label
NOTES_SHOWN = 600  # of the last check-in's notes, quoted in a nudge
STRATEGIES_SHOWN = 700  # room kept for the day it fell due, so the measures still fit
MEASURES_SHOWN = 8
MEASURE_SHOWN = 150
NAME_SHOWN = 80
DIGEST_BUTTONS = 10
DIGEST_LINES = 20


def clip(text: str, limit: int) -> str:
    """At most `limit` characters; a cut text ends with an ellipsis."""
    text = text.strip()
    if len(text) <= limit:
        return text
    return text[: limit - 1].rstrip() + "…"


def human_duration(words: Durations, days: int) -> str:
    """A length of time as people say it: "5 days", "a week", "3 weeks", "2 months"."""
    days = max(days, 1)
    if days < 14 and days % 7:
        return words.days.format(count=days)
    if days < 28:
        return words.weeks.format(count=days // 7)
    if days < 365:
        return words.months.format(count=max(1, round(days / 30.4)))
    return words.years.format(count=round(days / 365))


def ago(words: Durations, days: int) -> str:
    """ "today", "yesterday", "3 weeks ago"."""
    if days <= 0:
        return words.today
    if days == 1:
        return words.yesterday
    return words.ago.format(duration=human_duration(words, days))


def relationship_label(content: Content, relationship: RelationshipView) -> str:
    """ "Name (constituency)", within an option's 75 characters."""
    option = content.checkin.form.relationship_option.format(
        name=clip(relationship.name, NAME_SHOWN),
        constituency=constituency_name(content, relationship),
    )
    return clip(option, BUTTON_LIMIT)


def log_named_label(content: Content, name: str) -> str:
    """ "Log: Name" on a button, the name shortened to fit."""
    return named_label(content.checkin.labels.log_named, name)


def named_label(template: str, name: str) -> str:
    """A button label naming a relationship, the name shortened to fit."""
    room = BUTTON_LIMIT - len(template.format(name=""))
    return clip(template.format(name=clip(name, max(room, 1))), BUTTON_LIMIT)


def _days_since(moment: datetime, now: datetime) -> int:
    return max(0, (now - moment).days)


def _since_line(
    content: Content,
    relationship: RelationshipView,
    last: CheckInView | None,
    *,
    now: datetime,
    today: date,
) -> str:
    words = content.checkin.nudge
    name = clip(relationship.name, NAME_SHOWN)
    if last is None:
        added = ago(content.checkin.durations, _days_since(relationship.created_at, now))
        return words.never.format(name=name, ago=added)
    days = (today - last.happened_on).days
    when = day_text(content, last.happened_on, today=today)
    if days <= 0:
        return words.since_last_today.format(name=name)
    if days == 1:
        return words.since_last_yesterday.format(name=name, date=when)
    duration = human_duration(content.checkin.durations, days)
    return words.since_last.format(name=name, duration=duration, date=when)


def _went_then(content: Content, went: str | None) -> str | None:
    words = content.checkin.went
    phrases = {
        "well": words.well_then,
        "mixed": words.mixed_then,
        "difficult": words.difficult_then,
    }
    phrase = phrases.get(went or "")
    return content.checkin.nudge.went.format(went=phrase) if phrase else None


def _plan_lines(content: Content, relationship: RelationshipView) -> list[str]:
    """The planned strategies and success measures, shortened to keep the nudge readable."""
    words = content.checkin.nudge
    paragraphs: list[str] = []
    if relationship.strategies and relationship.strategies.strip():
        strategies = clip(relationship.strategies, STRATEGIES_SHOWN)
        paragraphs.append(words.strategies.format(strategies=strategies))
    measures = [m for m in relationship.success_measures if m.strip()]
    if measures:
        lines = [words.measures]
        lines += [
            words.measure.format(measure=clip(m, MEASURE_SHOWN)) for m in measures[:MEASURES_SHOWN]
        ]
        if len(measures) > MEASURES_SHOWN:
            lines.append(words.more_measures.format(count=len(measures) - MEASURES_SHOWN))
        paragraphs.append("\n".join(lines))
    return paragraphs


def nudge_choices(content: Content, relationship_id: int) -> tuple[Choice, ...]:
    labels = content.checkin.labels
    rid = str(relationship_id)
    return (
        Choice(choice_value("checkin", "log", rid), labels.log, "primary"),
        Choice(choice_value("checkin", "snooze", f"{rid}/day"), labels.snooze_day),
        Choice(choice_value("checkin", "snooze", f"{rid}/week"), labels.snooze_week),
        Choice(choice_value("checkin", "snooze", f"{rid}/date"), labels.snooze_until),
        Choice(choice_value("checkin", "skip", rid), labels.skip),
    )


def nudge_replies(
    content: Content,
    relationship: RelationshipView,
    last: CheckInView | None,
    *,
    now: datetime,
    today: date,
    time_zone: str | None,
) -> tuple[Reply, ...]:
    """The nudge for one due relationship: how long it has been, what was said last time, the
    day it fell due (worded as the plan words it), the plan for it, and the buttons to log,
    snooze or skip."""
    words = content.checkin.nudge
    opening = [
        words.heading.format(name=clip(relationship.name, NAME_SHOWN)),
        _since_line(content, relationship, last, now=now, today=today),
    ]
    went = _went_then(content, last.went if last else None)
    if went:
        opening.append(went)
    if relationship.next_due_at is not None:
        when = due_text(content, relationship.next_due_at, time_zone=time_zone, today=today)
        cadence = cadence_text(content, relationship.cadence, relationship.cadence_days)
        opening.append(words.due.format(date=when, cadence=cadence))
    paragraphs = [" ".join(opening), *_plan_lines(content, relationship)]
    quote = None
    if last is not None and last.notes and last.notes.strip():
        quote = clip(last.notes, NOTES_SHOWN)
        paragraphs.append(words.notes_then)
    # The quote is shown under the text: together they stay within one section's limit.
    text = clip("\n\n".join(paragraphs), TEXT_LIMIT - len(quote or ""))
    return (Reply(text, choices=nudge_choices(content, relationship.id), quote=quote),)


def digest_replies(
    content: Content,
    due: list[RelationshipView],
    lasts: Mapping[int, CheckInView],
    *,
    now: datetime,
    today: date,
    time_zone: str | None,
) -> tuple[Reply, ...]:
    """One message for every due relationship, each with the day it fell due; () when none is
    due (nothing is sent)."""
    if not due:
        return ()
    words = content.checkin.digest
    durations = content.checkin.durations
    heading = words.heading.format(count=len(due))
    lines = [heading]
    for relationship in due[:DIGEST_LINES]:
        last = lasts.get(relationship.id)
        since = (
            words.since_last.format(ago=ago(durations, (today - last.happened_on).days))
            if last is not None
            else words.never.format(ago=ago(durations, _days_since(relationship.created_at, now)))
        )
        fell_due = relationship.next_due_at or now
        when = due_text(content, fell_due, time_zone=time_zone, today=today)
        name = clip(relationship.name, NAME_SHOWN)
        lines.append(words.line.format(name=name, since=since, date=when))
    if len(due) > DIGEST_LINES:
        lines.append(words.more.format(count=len(due) - DIGEST_LINES))
    text = clip("\n".join(lines) + "\n\n" + words.footer, TEXT_LIMIT)
    labels = content.checkin.labels
    choices = [
        Choice(
            choice_value("checkin", "log", str(r.id)),
            log_named_label(content, r.name),
            "primary" if index == 0 else None,
        )
        for index, r in enumerate(due[:DIGEST_BUTTONS])
    ]
    # The single nudge of each, with its snooze and skip, one press away.
    choices += [
        Choice(
            choice_value("checkin", "nudge", str(r.id)), named_label(labels.options_named, r.name)
        )
        for r in due[:DIGEST_BUTTONS]
    ]
    choices.append(Choice(choice_value("checkin", "start"), labels.log_another))
    choices.append(Choice(choice_value("plan", "settings"), labels.settings))
    return (Reply(text, choices=tuple(choices)),)
