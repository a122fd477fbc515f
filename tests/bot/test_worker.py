"""The worker's tick through the real engine and a fake Slack: nudges, digests, reminders and
summaries go out once, in the person's working hours, and survive Slack's refusals."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot.adapters.slack.render import escape
from bot.adapters.slack.sender import SlackSender, worker_client
from bot.core.clock import FixedClock
from bot.engine.plan_store import apply_plan_effect
from bot.engine.scheduled import ScheduledWork
from bot.engine.turns import Engine
from bot.flows.plan_model import (
    LogCheckIn,
    PlanEffect,
    SaveActionItem,
    SaveNudgeSettings,
    SaveRelationship,
    SetActionDone,
    SkipRelationship,
    SnoozeRelationship,
)
from bot.worker import RATE_WINDOW_SECONDS, Worker, WorkerConfig, WorkspaceLimiter
from content import Content
from storage.database import Database
from storage.models import (
    ActionItem,
    Delivery,
    Person,
    PersonSchedule,
    Relationship,
    ToolkitReminder,
)
from tests.chat_script import ChatScript
from tests.fakes.slack_api import FakeSlackApi

SLACK = frozenset({"slack"})
USER = "U-ana"
MONDAY_9_CHICAGO = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)  # the clock fixture's start
NEXT_MONDAY_9 = datetime(2026, 11, 30, 15, 0, tzinfo=UTC)


@pytest.fixture
def engine(content: Content, any_database: Database, clock: FixedClock) -> Engine:
    return Engine(content=content, database=any_database, clock=clock)


@pytest.fixture
def slack() -> Iterator[FakeSlackApi]:
    with FakeSlackApi() as fake:
        yield fake


@pytest.fixture
def worker(engine: Engine, slack: FakeSlackApi) -> Iterator[Worker]:
    sender = SlackSender(worker_client("xoxb-test", base_url=slack.url))
    config = WorkerConfig(threads=4, rate_per_workspace=20)
    running = Worker(engine, sender, platforms=SLACK, config=config)
    yield running
    running.close()


def person(engine: Engine, user: str = USER, *, time_zone: str = "America/Chicago") -> ChatScript:
    """A Slack person who has said hello (so the engine knows them and their time zone)."""
    chat = ChatScript(engine, user_id=user, platform="slack", time_zone=time_zone)
    chat.reachable_later = True
    chat.say("hello")
    return chat


def store(engine: Engine, chat: ChatScript, *effects: PlanEffect) -> None:
    """Store plan effects as the engine does after a flow step, at the clock's time."""
    with engine.database.unit_of_work() as uow:
        row = uow.repos.people.get_or_create(
            platform=chat.platform,
            workspace_external_id=chat.workspace_id,
            person_external_id=chat.user_id,
        )
        for effect in effects:
            apply_plan_effect(uow, row, effect, engine.clock.now())


def relate(
    engine: Engine,
    chat: ChatScript,
    name: str,
    *,
    cadence: str = "weekly",
    every_days: int | None = None,
    relationship_id: int | None = None,
) -> int:
    store(
        engine,
        chat,
        SaveRelationship(
            relationship_id=relationship_id,
            name=name,
            kind="person",
            constituency="governing",
            constituency_label=None,
            cadence=cadence,
            cadence_days=every_days,
            strategies="Monthly coffee",
            success_measures=("Budget supported",),
        ),
    )
    return relationship_by_name(engine, name).id


def settings(
    engine: Engine,
    chat: ChatScript,
    *,
    mode: str = "each",
    balance: bool = False,
    days: frozenset[int] = frozenset({1, 2, 3, 4, 5}),
) -> None:
    store(engine, chat, SaveNudgeSettings(days, 9 * 60, 17 * 60, mode, balance))


def relationship_by_name(engine: Engine, name: str) -> Relationship:
    with engine.database.unit_of_work() as uow:
        return uow.session.scalars(select(Relationship).where(Relationship.name == name)).one()


def deliveries(engine: Engine) -> list[Delivery]:
    return ScheduledWork(engine, platforms=SLACK).deliveries()


def the_person(engine: Engine, user: str = USER) -> Person:
    with engine.database.unit_of_work() as uow:
        return uow.session.scalars(select(Person).where(Person.external_id == user)).one()


def posts(slack: FakeSlackApi, user: str = USER) -> list[str]:
    return [
        str(call.args.get("text", ""))
        for call in slack.calls_to("chat.postMessage")
        if call.args.get("channel") == user
    ]


def at(clock: FixedClock, moment: datetime) -> None:
    clock.advance_to(moment)


# -- nudges ------------------------------------------------------------------------------------


def test_a_due_nudge_goes_out_once_at_nine_local_and_not_before(
    engine: Engine, worker: Worker, slack: FakeSlackApi, clock: FixedClock
) -> None:
    ana = person(engine)
    settings(engine, ana)
    relate(engine, ana, "Board chair")
    assert relationship_by_name(engine, "Board chair").next_due_at == NEXT_MONDAY_9

    at(clock, NEXT_MONDAY_9 - timedelta(minutes=1))
    assert worker.tick().sent == 0
    assert posts(slack) == []

    at(clock, NEXT_MONDAY_9)
    assert worker.tick().sent == 1
    assert worker.tick().sent == 0
    [text] = posts(slack)
    assert "Board chair" in text
    [delivery] = deliveries(engine)
    assert (delivery.kind, delivery.status, delivery.attempts) == ("nudge", "sent", 1)
    assert delivery.message_ts
    assert delivery.occurrence == NEXT_MONDAY_9.isoformat()
    row = relationship_by_name(engine, "Board chair")
    assert row.next_due_at == NEXT_MONDAY_9 + timedelta(days=7)
    assert row.last_nudged_at == NEXT_MONDAY_9
    assert row.claimed_until is None


def test_a_nudge_due_outside_working_hours_waits_for_them(
    engine: Engine, worker: Worker, slack: FakeSlackApi, clock: FixedClock
) -> None:
    ana = person(engine)
    settings(engine, ana, days=frozenset({1, 2, 3, 4}))  # Fridays are quiet
    relate(engine, ana, "Mayor", cadence="days", every_days=4)  # due Friday 27 November
    assert relationship_by_name(engine, "Mayor").next_due_at == NEXT_MONDAY_9  # not Friday

    # Edited to be due at once, late in the evening: it waits for the next morning.
    evening = datetime(2026, 11, 24, 3, 0, tzinfo=UTC)  # Monday 21:00 in Chicago
    at(clock, evening)
    mayor = relationship_by_name(engine, "Mayor").id
    with engine.database.unit_of_work() as uow:
        row = uow.session.get(Relationship, mayor)
        assert row is not None
        row.next_due_at = evening
    assert worker.tick().sent == 0
    assert posts(slack) == []
    tuesday_9 = datetime(2026, 11, 24, 15, 0, tzinfo=UTC)
    assert relationship_by_name(engine, "Mayor").next_due_at == tuesday_9
    at(clock, tuesday_9)
    assert worker.tick().sent == 1


def test_after_three_days_down_each_overdue_relationship_gets_one_catch_up_nudge(
    engine: Engine, worker: Worker, slack: FakeSlackApi, clock: FixedClock
) -> None:
    ana = person(engine)
    settings(engine, ana)
    relate(engine, ana, "Board chair", cadence="days", every_days=1)
    relate(engine, ana, "Friends group")
    back = NEXT_MONDAY_9 + timedelta(days=3, hours=2)  # Thursday 11:00 local
    at(clock, back)
    report = worker.tick()
    assert report.sent == 2
    assert worker.tick().sent == 0
    texts = posts(slack)
    assert len(texts) == 2
    assert sum("Board chair" in text for text in texts) == 1
    # Counted on from now, not from the missed occurrences.
    assert relationship_by_name(engine, "Board chair").next_due_at == datetime(
        2026, 12, 4, 15, 0, tzinfo=UTC
    )
    assert relationship_by_name(engine, "Friends group").next_due_at == datetime(
        2026, 12, 10, 15, 0, tzinfo=UTC
    )


def test_a_check_in_snooze_or_skip_counts_at_the_next_tick(
    engine: Engine, worker: Worker, slack: FakeSlackApi, clock: FixedClock
) -> None:
    ana = person(engine)
    settings(engine, ana)
    checked = relate(engine, ana, "Checked in")
    snoozed = relate(engine, ana, "Snoozed")
    skipped = relate(engine, ana, "Skipped")
    at(clock, NEXT_MONDAY_9 - timedelta(hours=1))
    store(
        engine,
        ana,
        LogCheckIn(checked, date(2026, 11, 30), "well", None, (), "form"),
        SnoozeRelationship(snoozed, date(2026, 12, 2)),
        SkipRelationship(skipped),
    )
    at(clock, NEXT_MONDAY_9)
    worker.tick()
    sent = posts(slack)
    assert not any(name in text for text in sent for name in ("Checked in", "Snoozed", "Skipped"))
    at(clock, datetime(2026, 12, 2, 15, 0, tzinfo=UTC))
    worker.tick()
    assert sum("Snoozed" in text for text in posts(slack)) == 1
    assert not any("Checked in" in text or "Skipped" in text for text in posts(slack))


def test_a_cadence_edit_moves_the_next_nudge_at_once(
    engine: Engine, worker: Worker, slack: FakeSlackApi, clock: FixedClock
) -> None:
    ana = person(engine)
    settings(engine, ana)
    rid = relate(engine, ana, "Staff")
    relate(engine, ana, "Staff", cadence="days", every_days=2, relationship_id=rid)
    wednesday = datetime(2026, 11, 25, 15, 0, tzinfo=UTC)
    assert relationship_by_name(engine, "Staff").next_due_at == wednesday
    at(clock, wednesday)
    assert worker.tick().sent == 1
    assert relationship_by_name(engine, "Staff").next_due_at == datetime(
        2026, 11, 27, 15, 0, tzinfo=UTC
    )


def test_a_check_in_made_while_the_nudge_is_claimed_wins(engine: Engine, clock: FixedClock) -> None:
    ana = person(engine)
    settings(engine, ana)
    rid = relate(engine, ana, "Board chair")
    at(clock, NEXT_MONDAY_9)
    work = ScheduledWork(engine, platforms=SLACK)
    [due] = work.claim(NEXT_MONDAY_9, limit=10, lease=timedelta(minutes=5))
    store(engine, ana, LogCheckIn(rid, date(2026, 11, 30), "well", None, (), "quick"))
    assert work.prepare(due, NEXT_MONDAY_9) is None
    row = relationship_by_name(engine, "Board chair")
    assert row.next_due_at == NEXT_MONDAY_9 + timedelta(days=7)
    assert row.claimed_until is None
    assert deliveries(engine) == []


# -- Slack refusing ----------------------------------------------------------------------------


def test_a_429_is_retried_after_its_retry_after_and_sent_once(
    engine: Engine, worker: Worker, slack: FakeSlackApi, clock: FixedClock
) -> None:
    # The limiter runs on a clock of its own, so a slow machine cannot end the pause early.
    moment = [0.0]
    worker.limiter = WorkspaceLimiter(worker.limiter.rate, clock=lambda: moment[0])
    ana = person(engine)
    settings(engine, ana)
    relate(engine, ana, "Board chair")
    slack.fail("chat.postMessage", "ratelimited", status=429, headers={"Retry-After": "1"}, times=1)
    at(clock, NEXT_MONDAY_9)
    report = worker.tick()
    assert (report.sent, report.retrying) == (0, 1)
    [delivery] = deliveries(engine)
    assert (delivery.status, delivery.attempts, delivery.error) == ("retrying", 1, "ratelimited")
    row = relationship_by_name(engine, "Board chair")
    assert row.next_due_at == NEXT_MONDAY_9  # kept: never dropped
    assert row.claimed_until == NEXT_MONDAY_9 + timedelta(seconds=1)

    at(clock, NEXT_MONDAY_9 + timedelta(seconds=2))
    moment[0] = 0.9
    assert worker.tick().sent == 0  # the workspace itself waits out Retry-After
    moment[0] = 1.1
    assert worker.tick().sent == 1
    assert worker.tick().sent == 0
    assert len(slack.calls_to("chat.postMessage")) == 2
    [delivery] = deliveries(engine)
    assert (delivery.status, delivery.attempts) == ("sent", 2)


def test_server_errors_are_retried_with_a_growing_backoff_never_dropped(
    engine: Engine, worker: Worker, slack: FakeSlackApi, clock: FixedClock
) -> None:
    ana = person(engine)
    settings(engine, ana)
    relate(engine, ana, "Board chair")
    slack.fail("chat.postMessage", "internal_error", status=500, times=2)
    now = NEXT_MONDAY_9
    at(clock, now)
    assert worker.tick().retrying == 1
    assert relationship_by_name(engine, "Board chair").claimed_until == now + timedelta(seconds=30)
    at(clock, now + timedelta(seconds=29))
    assert worker.tick().claimed == 0
    now += timedelta(seconds=31)
    at(clock, now)
    assert worker.tick().retrying == 1
    assert relationship_by_name(engine, "Board chair").claimed_until == now + timedelta(seconds=60)
    at(clock, now + timedelta(seconds=61))
    assert worker.tick().sent == 1
    [delivery] = deliveries(engine)
    assert (delivery.status, delivery.attempts) == ("sent", 3)
    assert len(posts(slack)) == 3


def test_a_connection_error_is_retried(
    engine: Engine, worker: Worker, slack: FakeSlackApi, clock: FixedClock
) -> None:
    ana = person(engine)
    settings(engine, ana)
    relate(engine, ana, "Board chair")
    live = worker.send
    with FakeSlackApi() as gone:
        dead_url = gone.url
    worker.send = SlackSender(worker_client("xoxb-test", base_url=dead_url))
    at(clock, NEXT_MONDAY_9)
    assert worker.tick().retrying == 1
    [delivery] = deliveries(engine)
    assert delivery.status == "retrying"
    assert delivery.error is not None
    assert delivery.error.startswith("connection")
    worker.send = live
    at(clock, NEXT_MONDAY_9 + timedelta(seconds=31))
    assert worker.tick().sent == 1
    assert len(posts(slack)) == 1


@pytest.mark.parametrize("error", ["user_not_found", "account_inactive"])
def test_someone_unreachable_is_recorded_then_nudged_once_they_are_back(
    engine: Engine, worker: Worker, slack: FakeSlackApi, clock: FixedClock, error: str
) -> None:
    ana = person(engine)
    settings(engine, ana)
    relate(engine, ana, "Board chair")
    slack.fail("chat.postMessage", error, times=1)
    at(clock, NEXT_MONDAY_9)
    assert worker.tick().not_retried == 1
    gone = the_person(engine)
    assert gone.unreachable_since == NEXT_MONDAY_9
    assert gone.unreachable_reason == error
    [delivery] = deliveries(engine)
    assert (delivery.status, delivery.error) == ("undeliverable", error)

    at(clock, NEXT_MONDAY_9 + timedelta(days=1))
    assert worker.tick().claimed == 0  # no more attempts while unreachable
    assert len(slack.calls_to("chat.postMessage")) == 1

    ana.say("hi again")
    assert the_person(engine).unreachable_since is None
    assert worker.tick().sent == 1
    assert "Board chair" in posts(slack)[-1]
    # The missed occurrence stays on record; the catch-up is an occurrence of its own.
    assert [d.status for d in deliveries(engine)] == ["undeliverable", "sent"]
    assert worker.tick().claimed == 0


def test_terminal_people_are_not_sent_plan_nudges(
    engine: Engine, worker: Worker, slack: FakeSlackApi, clock: FixedClock
) -> None:
    terminal = ChatScript(engine, user_id="ana", platform="console")
    terminal.say("hello")
    settings(engine, terminal)
    relate(engine, terminal, "Board chair")
    at(clock, NEXT_MONDAY_9)
    assert worker.tick().sent == 0
    assert slack.calls_to("chat.postMessage") == []
    assert relationship_by_name(engine, "Board chair").next_due_at == NEXT_MONDAY_9 + timedelta(
        days=1
    )


# -- digests, action items, balance ------------------------------------------------------------


def test_a_digest_replaces_separate_nudges(
    engine: Engine, worker: Worker, slack: FakeSlackApi, clock: FixedClock
) -> None:
    ana = person(engine)
    relate(engine, ana, "Board chair")
    relate(engine, ana, "Friends group")
    settings(engine, ana, mode="daily")
    at(clock, NEXT_MONDAY_9)
    report = worker.tick()
    assert report.sent == 1
    [text] = posts(slack)
    assert "Board chair" in text
    assert "Friends group" in text
    assert [(d.kind, d.status) for d in deliveries(engine)] == [("digest", "sent")]
    for name in ("Board chair", "Friends group"):
        assert relationship_by_name(engine, name).next_due_at == NEXT_MONDAY_9 + timedelta(days=7)
    with engine.database.unit_of_work() as uow:
        digest = uow.session.scalars(
            select(PersonSchedule).where(PersonSchedule.kind == "digest")
        ).one()
        assert digest.next_due_at == NEXT_MONDAY_9 + timedelta(days=1)
    at(clock, NEXT_MONDAY_9 + timedelta(days=1))
    worker.tick()
    assert len(posts(slack)) == 1  # nothing due the next day: no empty digest


def test_an_action_item_is_reminded_on_its_day_and_once_more_two_working_days_later(
    engine: Engine, worker: Worker, slack: FakeSlackApi, clock: FixedClock
) -> None:
    ana = person(engine)
    settings(engine, ana)
    friday = date(2026, 11, 27)
    store(engine, ana, SaveActionItem(None, "Send the budget brief", "Board chair", friday, "plan"))
    at(clock, datetime(2026, 11, 27, 15, 0, tzinfo=UTC))
    assert worker.tick().sent == 1
    assert "Send the budget brief" in posts(slack)[0]
    with engine.database.unit_of_work() as uow:
        item = uow.session.scalars(select(ActionItem)).one()
        assert item.next_due_at == datetime(2026, 12, 1, 15, 0, tzinfo=UTC)  # Tuesday
    at(clock, datetime(2026, 12, 1, 15, 0, tzinfo=UTC))
    assert worker.tick().sent == 1
    with engine.database.unit_of_work() as uow:
        assert uow.session.scalars(select(ActionItem)).one().next_due_at is None
    at(clock, datetime(2026, 12, 8, 15, 0, tzinfo=UTC))
    assert worker.tick().sent == 0
    assert len(posts(slack)) == 2


def test_an_action_item_done_is_not_reminded(
    engine: Engine, worker: Worker, slack: FakeSlackApi, clock: FixedClock
) -> None:
    ana = person(engine)
    settings(engine, ana)
    store(engine, ana, SaveActionItem(None, "Send the brief", None, date(2026, 11, 25), "plan"))
    with engine.database.unit_of_work() as uow:
        action_id = uow.session.scalars(select(ActionItem.id)).one()
    store(engine, ana, SetActionDone(action_id, True))
    at(clock, datetime(2026, 11, 25, 15, 0, tzinfo=UTC))
    assert worker.tick().claimed == 0
    assert posts(slack) == []


def test_the_balance_summary_goes_out_weekly(
    engine: Engine, worker: Worker, slack: FakeSlackApi, clock: FixedClock
) -> None:
    ana = person(engine)
    settings(engine, ana, balance=True)
    relate(engine, ana, "Board chair", cadence="quarterly")
    at(clock, NEXT_MONDAY_9)
    assert worker.tick().sent == 1
    assert len(posts(slack)) == 1
    at(clock, NEXT_MONDAY_9 + timedelta(days=3))
    assert worker.tick().sent == 0
    at(clock, NEXT_MONDAY_9 + timedelta(days=7))
    assert worker.tick().sent == 1
    assert [(d.kind, d.status) for d in deliveries(engine)] == [
        ("balance", "sent"),
        ("balance", "sent"),
    ]
    with engine.database.unit_of_work() as uow:
        balance = uow.session.scalars(select(PersonSchedule)).one()
        assert balance.next_due_at == NEXT_MONDAY_9 + timedelta(days=14)


# -- toolkit reminders -------------------------------------------------------------------------


def toolkit_reminder(engine: Engine) -> ToolkitReminder | None:
    with engine.database.unit_of_work() as uow:
        return uow.session.scalars(select(ToolkitReminder)).first()


def test_a_due_toolkit_reminder_is_sent_once_and_moves_on(
    engine: Engine, worker: Worker, slack: FakeSlackApi, clock: FixedClock, content: Content
) -> None:
    ana = person(engine)
    ana.command("coach", "toolkit 2")
    ana.press("toolkit:remind:3")
    assert worker.tick().sent == 0
    at(clock, datetime(2026, 11, 26, 16, 0, tzinfo=UTC))
    assert worker.tick().sent == 1
    assert worker.tick().sent == 0
    [text] = posts(slack)
    step = content.toolkit.steps[1]
    reminder_text = content.coach.toolkit.reminder.format(number=2, question=step.guiding_question)
    assert escape(reminder_text)[:60] in text
    due = toolkit_reminder(engine)
    assert due is not None
    assert due.next_due_at == datetime(2026, 11, 29, 16, 0, tzinfo=UTC)
    assert due.last_sent_at == datetime(2026, 11, 26, 16, 0, tzinfo=UTC)


def test_working_in_the_toolkit_postpones_the_reminder(engine: Engine, clock: FixedClock) -> None:
    ana = person(engine)
    ana.command("coach", "toolkit 1")
    ana.press("toolkit:remind:3")
    at(clock, datetime(2026, 11, 25, 15, 0, tzinfo=UTC))
    ana.say("an answer")
    due = toolkit_reminder(engine)
    assert due is not None
    assert due.next_due_at == datetime(2026, 11, 28, 16, 0, tzinfo=UTC)


def test_a_toolkit_reminder_slack_refused_is_tried_again(
    engine: Engine, worker: Worker, slack: FakeSlackApi, clock: FixedClock
) -> None:
    ana = person(engine)
    ana.command("coach", "toolkit 1")
    ana.press("toolkit:remind:3")
    slack.fail("chat.postMessage", "internal_error", status=500, times=1)
    moment = datetime(2026, 11, 26, 16, 0, tzinfo=UTC)
    at(clock, moment)
    assert worker.tick().retrying == 1
    at(clock, moment + timedelta(seconds=31))
    assert worker.tick().sent == 1
    assert [(d.kind, d.status, d.attempts) for d in deliveries(engine)] == [("toolkit", "sent", 2)]


def test_people_nothing_can_reach_are_not_reminded(
    engine: Engine, worker: Worker, slack: FakeSlackApi, clock: FixedClock
) -> None:
    terminal = ChatScript(engine, user_id="ana", platform="console")
    terminal.command("coach", "toolkit 1")
    terminal.press("toolkit:remind:3")
    at(clock, datetime(2026, 11, 26, 16, 0, tzinfo=UTC))
    worker.tick()
    assert slack.calls_to("chat.postMessage") == []
    due = toolkit_reminder(engine)
    assert due is None or due.next_due_at is None


# -- daylight saving ---------------------------------------------------------------------------

DST_CHANGES = [
    ("America/Chicago", date(2026, 11, 1)),
    ("Europe/London", date(2026, 10, 25)),
    ("Australia/Sydney", date(2026, 4, 5)),
    ("Asia/Kolkata", date(2026, 10, 25)),  # no daylight saving: 9:00 stays 9:00 regardless
    ("Pacific/Auckland", date(2026, 4, 5)),
]


@pytest.mark.parametrize(("time_zone", "change"), DST_CHANGES)
def test_a_weekly_nudge_arrives_at_nine_local_either_side_of_a_clock_change(
    engine: Engine,
    worker: Worker,
    slack: FakeSlackApi,
    clock: FixedClock,
    time_zone: str,
    change: date,
) -> None:
    zone = ZoneInfo(time_zone)
    before = datetime.combine(change - timedelta(days=6), datetime.min.time(), zone)
    monday_before = before.replace(hour=9)
    monday_after = (before + timedelta(days=7)).replace(hour=9)
    at(clock, monday_before - timedelta(days=7))
    ana = person(engine, time_zone=time_zone)
    settings(engine, ana)
    relate(engine, ana, "Board chair")
    for monday in (monday_before, monday_after):
        nine = monday.astimezone(UTC)
        at(clock, nine - timedelta(minutes=1))
        assert worker.tick().sent == 0
        at(clock, nine)
        assert worker.tick().sent == 1
    sent_at = [d.updated_at.astimezone(zone) for d in deliveries(engine)]
    assert [(moment.hour, moment.minute) for moment in sent_at] == [(9, 0), (9, 0)]
    offsets = {moment.utcoffset() for moment in sent_at}
    assert len(offsets) == (1 if time_zone == "Asia/Kolkata" else 2)


def test_the_limiter_holds_a_slot_from_a_sends_start_until_a_window_after_it_ends() -> None:
    moment = [0.0]
    limiter = WorkspaceLimiter(2, clock=lambda: moment[0])
    limiter.take(1)
    limiter.take(1)
    assert limiter.wait(1) > 0  # both slots in flight
    assert limiter.wait(2) == 0  # another workspace has its own

    moment[0] = 5.0  # a slow network: the first send ends late
    limiter.done(1)
    assert limiter.wait(1) == pytest.approx(RATE_WINDOW_SECONDS)  # one in flight, one cooling

    moment[0] = 5.0 + RATE_WINDOW_SECONDS
    assert limiter.wait(1) == 0
    limiter.pause(1, 30)
    assert limiter.wait(1) == pytest.approx(30)


# -- changes after a nudge, refusals for good ----------------------------------------------------


def test_an_edit_after_a_nudge_brings_no_second_nudge(
    engine: Engine, worker: Worker, slack: FakeSlackApi, clock: FixedClock
) -> None:
    ana = person(engine)
    settings(engine, ana)
    chair = relate(engine, ana, "Board chair")
    at(clock, NEXT_MONDAY_9)
    assert worker.tick().sent == 1

    at(clock, NEXT_MONDAY_9 + timedelta(days=1))
    relate(engine, ana, "Board chair (Ms Ortiz)", relationship_id=chair)  # same cadence
    settings(engine, ana, days=frozenset({1, 2, 3, 4}))  # and new working days

    assert worker.tick().claimed == 0
    assert len(posts(slack)) == 1
    # A week after the nudge, at 9:00 Chicago: the edit moved nothing.
    assert relationship_by_name(engine, "Board chair (Ms Ortiz)").next_due_at == NEXT_MONDAY_9 + (
        timedelta(days=7)
    )


def test_a_snooze_survives_new_settings_and_a_new_time_zone(
    engine: Engine, worker: Worker, clock: FixedClock
) -> None:
    ana = person(engine)
    settings(engine, ana)
    chair = relate(engine, ana, "Board chair")
    store(engine, ana, SnoozeRelationship(chair, date(2026, 12, 21)))

    settings(engine, ana, mode="each", balance=True)
    assert engine.profile_changed(
        platform="slack",
        workspace_id=ana.workspace_id,
        user_id=USER,
        time_zone="Europe/London",
        deactivated=False,
    )

    due = relationship_by_name(engine, "Board chair").next_due_at
    assert due == datetime(2026, 12, 21, 9, 0, tzinfo=UTC)  # 9:00 in London, the same day


def test_a_refusal_for_good_fails_that_occurrence_only_and_moves_on(
    engine: Engine, worker: Worker, slack: FakeSlackApi, clock: FixedClock
) -> None:
    ana = person(engine)
    settings(engine, ana)
    relate(engine, ana, "Board chair")
    slack.fail("chat.postMessage", "invalid_blocks", times=1)
    at(clock, NEXT_MONDAY_9)

    report = worker.tick()

    assert (report.sent, report.not_retried) == (0, 1)
    [delivery] = deliveries(engine)
    assert (delivery.status, delivery.error) == ("failed", "invalid_blocks")
    assert the_person(engine).unreachable_since is None
    at(clock, NEXT_MONDAY_9 + timedelta(hours=2))
    assert worker.tick().claimed == 0  # not retried
    assert relationship_by_name(engine, "Board chair").next_due_at == NEXT_MONDAY_9 + timedelta(
        days=7
    )


def test_a_picture_that_cannot_be_uploaded_does_not_repeat_the_message(
    engine: Engine, worker: Worker, slack: FakeSlackApi, clock: FixedClock
) -> None:
    ana = person(engine)
    settings(engine, ana, balance=True)
    relate(engine, ana, "Board chair")
    slack.fail("files.getUploadURLExternal", "missing_scope", times=5)
    at(clock, NEXT_MONDAY_9)

    worker.tick()
    at(clock, NEXT_MONDAY_9 + timedelta(hours=3))
    worker.tick()

    balance = [d for d in deliveries(engine) if d.kind == "balance"]
    assert [d.status for d in balance] == ["sent"]
    summaries = [text for text in posts(slack) if "Board chair" not in text]
    assert len(summaries) == 1
