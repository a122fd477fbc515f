"""Earlier versions of a toolkit answer: a step's summary offers them for an answer that has
them, newest first, each with when it was saved in the person's time zone."""

from __future__ import annotations

from datetime import timedelta

from bot.core.clock import FixedClock
from content import Content
from tests.chat_script import ChatScript


def saved_on(content: Content, weekday: int, day: int, month: int, time: str) -> str:
    """When a version was saved, as the content words it (a date of this year)."""
    dates = content.checkin.dates
    day_words = dates.this_year.format(
        weekday=dates.weekdays[weekday], day=day, month=dates.months[month - 1]
    )
    return content.coach.toolkit.version_when.format(day=day_words, time=time)


def test_the_summary_offers_earlier_versions_newest_first_in_the_persons_time(
    chat: ChatScript, content: Content, clock: FixedClock
) -> None:
    words = content.coach.toolkit
    labels = content.coach.labels
    step = content.toolkit.steps[0]
    first, second = step.reflection_questions[:2]
    assert chat.time_zone == "America/Chicago"
    started = clock.now()  # Monday 23 November 2026, 15:00 UTC: 09:00 in Chicago

    chat.command("coach", "toolkit 1")
    chat.say("first version")
    chat.say("an answer given once")
    clock.advance_to(started + timedelta(days=1, hours=11))  # Wed 02:00 UTC: Tue in Chicago
    chat.press(f"toolkit:edit:{step.id}/{first.id}")
    chat.say("second version")
    clock.advance_to(started + timedelta(days=3))
    chat.press(f"toolkit:edit:{step.id}/{first.id}")
    chat.say("third version")
    chat.press(f"toolkit:edit:{step.id}/{second.id}")
    chat.say("an answer given once")  # the same again: no new version

    chat.press(f"toolkit:summary:{step.id}")
    offered = [choice.label for choice in chat.choices]
    assert words.summary_versions_label.format(position=1) in offered
    assert words.summary_versions_label.format(position=2) not in offered
    assert "third version" in chat.text

    chat.choose(words.summary_versions_label.format(position=1))
    shown = chat.text
    assert words.versions_heading.format(position=1, question=first.text) in shown
    second_line = words.version_line.format(
        when=saved_on(content, 1, 24, 11, "20:00"), text="second version"
    )
    first_line = words.version_line.format(
        when=saved_on(content, 0, 23, 11, "09:00"), text="first version"
    )
    assert second_line in shown
    assert first_line in shown
    assert shown.index(second_line) < shown.index(first_line)  # newest first
    assert "third version" not in shown  # the answer as it is now is no earlier version
    assert [c.label for c in chat.choices] == [
        words.summary_edit_label.format(position=1),
        labels.summary,
    ]
    chat.choose(words.summary_edit_label.format(position=1))
    assert first.text in chat.text


def test_an_answer_without_earlier_versions_says_so(chat: ChatScript, content: Content) -> None:
    step = content.toolkit.steps[0]
    question = step.reflection_questions[0]
    chat.command("coach", "toolkit 1")
    chat.say("only version")
    chat.press(f"toolkit:versions:{step.id}/{question.id}")
    assert content.coach.toolkit.no_versions in chat.text
    chat.press(f"toolkit:versions:{step.id}/no-such-question")
    assert content.coach.general.stale_choice in chat.text
