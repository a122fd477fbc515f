"""The worker's tick: due toolkit reminders go out once, in the person's time, and move on."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from bot.core.clock import FixedClock
from bot.core.engine import Engine
from bot.core.messages import Reply
from bot.worker import send_due_reminders
from content import Content
from storage.database import Database
from storage.models import ToolkitReminder
from tests.chat_script import ChatScript


class Outbox:
    def __init__(self, *, failing: bool = False) -> None:
        self.sent: list[tuple[str, str, tuple[Reply, ...]]] = []
        self.failing = failing

    def __call__(self, platform: str, user_id: str, replies: tuple[Reply, ...]) -> None:
        if self.failing:
            raise RuntimeError("Slack is down")
        self.sent.append((platform, user_id, replies))


def reminder(database: Database) -> ToolkitReminder | None:
    with database.unit_of_work() as uow:
        return uow.session.scalars(select(ToolkitReminder)).first()


def slack_person(engine: Engine) -> ChatScript:
    person = ChatScript(engine, user_id="U-slack", platform="slack")
    person.reachable_later = True
    return person


def test_a_due_reminder_is_sent_once_and_moves_on(
    engine: Engine, database: Database, clock: FixedClock, content: Content
) -> None:
    person = slack_person(engine)
    person.command("coach", "toolkit 2")
    person.press("toolkit:remind:3")
    outbox = Outbox()
    assert send_due_reminders(engine, outbox, platforms=frozenset({"slack"})) == 0

    clock.advance_to(datetime(2026, 11, 26, 16, 0, tzinfo=UTC))
    assert send_due_reminders(engine, outbox, platforms=frozenset({"slack"})) == 1
    assert send_due_reminders(engine, outbox, platforms=frozenset({"slack"})) == 0
    [(platform, user, replies)] = outbox.sent
    assert (platform, user) == ("slack", "U-slack")
    step = content.toolkit.steps[1]
    assert content.coach.toolkit.reminder.format(number=2, question=step.guiding_question) in (
        replies[0].text
    )
    due = reminder(database)
    assert due is not None
    assert due.next_due_at == datetime(2026, 11, 29, 16, 0, tzinfo=UTC)


def test_working_in_the_toolkit_postpones_the_reminder(
    engine: Engine, database: Database, clock: FixedClock
) -> None:
    person = slack_person(engine)
    person.command("coach", "toolkit 1")
    person.press("toolkit:remind:3")
    clock.advance_to(datetime(2026, 11, 25, 15, 0, tzinfo=UTC))
    person.say("an answer")
    due = reminder(database)
    assert due is not None
    assert due.next_due_at == datetime(2026, 11, 28, 16, 0, tzinfo=UTC)


def test_a_failed_send_is_tried_again_after_the_claim_expires(
    engine: Engine, clock: FixedClock
) -> None:
    person = slack_person(engine)
    person.command("coach", "toolkit 1")
    person.press("toolkit:remind:3")
    clock.advance_to(datetime(2026, 11, 26, 16, 0, tzinfo=UTC))
    assert send_due_reminders(engine, Outbox(failing=True), platforms=frozenset({"slack"})) == 0
    working = Outbox()
    assert send_due_reminders(engine, working, platforms=frozenset({"slack"})) == 0  # claimed
    clock.advance_to(datetime(2026, 11, 26, 16, 6, tzinfo=UTC))
    assert send_due_reminders(engine, working, platforms=frozenset({"slack"})) == 1


def test_people_nothing_can_reach_are_not_reminded(
    engine: Engine, database: Database, clock: FixedClock
) -> None:
    person = slack_person(engine)
    person.command("coach", "toolkit 1")
    person.press("toolkit:remind:3")
    clock.advance_to(datetime(2026, 11, 26, 16, 0, tzinfo=UTC))
    outbox = Outbox()
    assert send_due_reminders(engine, outbox, platforms=frozenset()) == 0
    assert outbox.sent == []
    due = reminder(database)
    assert due is not None
    assert due.next_due_at is None


def test_the_reminder_lands_at_ten_local_across_a_daylight_saving_change(
    engine: Engine, database: Database, clock: FixedClock
) -> None:
    clock.advance_to(datetime(2026, 10, 30, 15, 0, tzinfo=UTC))  # Friday, CDT (UTC-5)
    person = slack_person(engine)
    person.command("coach", "toolkit 1")
    person.press("toolkit:remind:3")
    due = reminder(database)
    assert due is not None
    # Monday 2 November is CST (UTC-6): 10:00 local is 16:00 UTC, not 15:00.
    assert due.next_due_at == datetime(2026, 11, 2, 16, 0, tzinfo=UTC)
