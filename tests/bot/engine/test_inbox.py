"""The inbox and outbox: turns kept before the ack, taken once and in order across processes;
replies kept with their turn and sent through the retry policy, from where they stopped."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from bot.core.clock import FixedClock
from bot.core.codec import dumps
from bot.core.messages import Inbound, InboundKind, Outcome, Reply
from bot.core.sending import SendError, SendFailure
from bot.engine.inbox import (
    Inbox,
    InboxSettings,
    OutgoingMessage,
    PlannedSend,
    Sweeper,
    person_key,
)
from bot.engine.retry import RetryPolicy
from bot.engine.turns import Engine
from content import Content
from storage.database import Database
from storage.inbox_repositories import ClaimedTurn
from storage.models import Answer, AnswerRevision, InboxTurn, OutboxMessage, Reflection

WORKSPACE = "T-inbox"
QUICK = RetryPolicy(attempts=4, first_backoff_seconds=0.1, patience_seconds=5.0)


@dataclass
class FakePlatform:
    """A platform adapter for tests: every reply goes to the person's conversation; sends are
    recorded, and scripted failures are raised first."""

    name: str = "slack"
    sent: list[tuple[str, str]] = field(default_factory=list)  # (user, text)
    failures: list[SendError] = field(default_factory=list)
    # text -> failures that begin right after it is sent (an outage in the middle of a batch)
    fail_after: dict[str, list[SendError]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def plan(
        self, inbound: Inbound, outcome: Outcome, reply_to: Mapping[str, Any], *, in_request: bool
    ) -> list[PlannedSend]:
        if not outcome.replies or (in_request and reply_to.get("answered_in_request")):
            return []
        if reply_to.get("form"):
            return [
                PlannedSend(
                    "form",
                    {"channel": inbound.user_id},
                    outcome.replies[:1],
                    deadline=datetime.fromisoformat(reply_to["form"]),
                )
            ]
        return [PlannedSend("messages", {"channel": inbound.user_id}, outcome.replies)]

    def send(self, message: OutgoingMessage, *, start: int, record: Callable[[int], None]) -> None:
        if message.kind == "form" and message.deadline is not None:
            raise SendError("expired_trigger_id", SendFailure.REJECTED)
        for index, reply in enumerate(message.replies[start:], start=start):
            with self.lock:
                if self.failures:
                    raise self.failures.pop(0)
                self.sent.append((str(message.address["channel"]), reply.text))
                outage = self.fail_after.pop(reply.text, [])
                self.failures.extend(outage)
            record(index + 1)
            if outage:
                raise self.failures.pop(0)

    def post_instead(self, message: OutgoingMessage) -> Mapping[str, Any]:
        return {"channel": message.address["channel"], "instead": True}

    def texts_to(self, user: str) -> list[str]:
        return [text for to, text in self.sent if to == user]


def dm(user: str, text: str) -> Inbound:
    return Inbound(
        platform="slack", workspace_id=WORKSPACE, user_id=user, kind=InboundKind.TEXT, text=text
    )


def command(user: str, name: str, text: str) -> Inbound:
    return Inbound(
        platform="slack",
        workspace_id=WORKSPACE,
        user_id=user,
        kind=InboundKind.COMMAND,
        command=name,
        text=text,
    )


def build_inbox(
    database: Database,
    content: Content,
    clock: FixedClock,
    platform: FakePlatform,
    *,
    lease: timedelta = timedelta(seconds=30),
) -> Inbox:
    engine = Engine(content=content, database=database, clock=clock)
    settings = InboxSettings(lease=lease, grace=timedelta(0), policy=QUICK)
    return Inbox(engine, {"slack": platform}, settings, sleep=lambda _seconds: None)


def rows(database: Database, model: type) -> int:
    with database.unit_of_work() as uow:
        return int(uow.session.scalar(select(func.count()).select_from(model)) or 0)


@pytest.fixture
def platform() -> FakePlatform:
    return FakePlatform()


@pytest.fixture
def inbox(
    any_database: Database, content: Content, clock: FixedClock, platform: FakePlatform
) -> Inbox:
    return build_inbox(any_database, content, clock, platform)


# -- in ---------------------------------------------------------------------------------------


def test_a_kept_turn_is_taken_once_its_replies_sent_and_both_rows_gone(
    inbox: Inbox, platform: FakePlatform, any_database: Database, content: Content
) -> None:
    key = inbox.accept(command("U1", "reflect", "kept before the ack"), {})
    assert rows(any_database, InboxTurn) == 1
    assert rows(any_database, Reflection) == 0  # kept, not yet taken

    [taken] = inbox.drain(key)

    assert taken.outcome.replies
    with any_database.unit_of_work() as uow:
        assert [r.text for r in uow.session.scalars(select(Reflection))] == ["kept before the ack"]
    assert platform.texts_to("U1") == [reply.text for reply in taken.outcome.replies]
    assert rows(any_database, InboxTurn) == 0
    assert rows(any_database, OutboxMessage) == 0
    assert inbox.drain(key) == []  # nothing twice


def toolkit_step_with_most_questions(content: Content) -> tuple[int, list[str]]:
    step = max(content.toolkit.steps, key=lambda s: len(s.reflection_questions))
    return step.number, [question.id for question in step.reflection_questions]


@pytest.mark.parametrize("people", [6])
def test_each_persons_answers_land_under_their_own_questions_across_two_processes(
    any_database: Database,
    content: Content,
    clock: FixedClock,
    people: int,
) -> None:
    """Two processes (each its own engine and connections) receive one person's DMs turn by
    turn, each taking turns right after its ack, as the web does: every answer is stored under
    the question it answered."""
    number, questions = toolkit_step_with_most_questions(content)
    platforms = [FakePlatform(), FakePlatform()]
    databases = [Database(any_database.url) for _ in platforms]
    inboxes = [
        build_inbox(db, content, clock, platform)
        for db, platform in zip(databases, platforms, strict=True)
    ]
    try:
        users = [f"U{n}" for n in range(people)]
        for user in users:
            answered = inboxes[0].run_now(command(user, "coach", f"toolkit {number}"), {})
            assert answered.outcome.later  # opening a step draws: it is taken after the ack
            inboxes[0].drain(person_key(dm(user, "")))

        def one_person(user: str) -> None:
            workers: list[threading.Thread] = []
            for index in range(len(questions)):
                process = inboxes[index % 2]
                key = process.accept(dm(user, f"{user} answer {index + 1}"), {})
                worker = threading.Thread(target=process.drain, args=(key,))
                worker.start()
                workers.append(worker)
            for worker in workers:
                worker.join(timeout=60)

        threads = [threading.Thread(target=one_person, args=(user,)) for user in users]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        for user in users:  # anything a race left for the sweep
            inboxes[1].drain(person_key(dm(user, "")))

        with any_database.unit_of_work() as uow:
            answers = list(uow.session.scalars(select(Answer)))
            revisions = uow.session.scalar(select(func.count()).select_from(AnswerRevision))
            for user in users:
                person = uow.repos.people.find(
                    platform="slack", workspace_external_id=WORKSPACE, person_external_id=user
                )
                assert person is not None
                mine = {a.question_id: a.text for a in answers if a.person_id == person.id}
                assert mine == {
                    question: f"{user} answer {index + 1}"
                    for index, question in enumerate(questions)
                }
        assert revisions == len(answers)  # none stored twice
        assert rows(any_database, InboxTurn) == 0
    finally:
        for db in databases:
            db.dispose()


def test_a_turn_left_by_a_dead_process_is_taken_after_its_lease_and_only_once(
    any_database: Database, content: Content, clock: FixedClock, platform: FakePlatform
) -> None:
    inbox = build_inbox(any_database, content, clock, platform, lease=timedelta(seconds=5))
    key = inbox.accept(command("U1", "reflect", "left behind"), {})
    with any_database.unit_of_work() as uow:  # a process claims it, then dies
        dead = uow.inbox.claim_head(
            person_key=key, token="dead", now=clock.now(), lease=timedelta(seconds=5)
        )
    assert dead is not None
    assert inbox.drain(key) == []  # still held
    assert inbox.left_behind() == []

    clock.advance_to(clock.now() + timedelta(seconds=6))
    assert inbox.left_behind() == [key]
    [taken] = inbox.drain(key)
    assert taken.outcome.replies
    assert rows(any_database, Reflection) == 1
    # The dead process's claim can no longer take it: nothing is stored twice.
    with any_database.unit_of_work() as uow:
        assert not uow.inbox.take(turn_id=dead.id, token="dead")


def test_a_process_whose_lease_ran_out_mid_turn_keeps_nothing(
    any_database: Database, content: Content, clock: FixedClock, platform: FakePlatform
) -> None:
    """Two processes take the same turn (the first was slow past its lease): one keeps it."""
    first = build_inbox(any_database, content, clock, platform, lease=timedelta(seconds=5))
    key = first.accept(command("U1", "reflect", "only once"), {})
    with any_database.unit_of_work() as uow:
        slow = uow.inbox.claim_head(
            person_key=key, token="slow", now=clock.now(), lease=timedelta(seconds=5)
        )
    assert isinstance(slow, ClaimedTurn)
    clock.advance_to(clock.now() + timedelta(seconds=6))
    assert len(first.drain(key)) == 1  # the second process takes it over

    late = first._take(slow, in_request=False)  # the slow one finishes its turn now
    assert late is not None
    assert late.outcome.duplicate
    assert rows(any_database, Reflection) == 1


def test_a_command_in_the_request_waits_behind_the_persons_earlier_turns(
    inbox: Inbox, any_database: Database
) -> None:
    inbox.accept(command("U1", "reflect", "first"), {})
    answered = inbox.run_now(command("U1", "reflect", "second"), {"answered_in_request": True})
    assert not answered.outcome.later
    assert answered.outcome.replies
    with any_database.unit_of_work() as uow:
        texts = [r.text for r in uow.session.scalars(select(Reflection).order_by(Reflection.id))]
    assert texts == ["first", "second"]


# -- out --------------------------------------------------------------------------------------


def test_a_reply_refused_for_a_moment_is_sent_once_after_retries(
    inbox: Inbox, platform: FakePlatform, any_database: Database
) -> None:
    platform.failures = [
        SendError("internal_error", SendFailure.TRANSIENT),
        SendError("ratelimited", SendFailure.TRANSIENT, 0.01),
    ]
    key = inbox.accept(command("U1", "reflect", "through the storm"), {})
    [taken] = inbox.drain(key)
    assert platform.texts_to("U1") == [reply.text for reply in taken.outcome.replies]
    assert rows(any_database, OutboxMessage) == 0


def test_a_send_that_keeps_failing_waits_in_the_outbox_and_goes_on_from_where_it_stopped(
    any_database: Database, content: Content, clock: FixedClock, platform: FakePlatform
) -> None:
    inbox = build_inbox(any_database, content, clock, platform)
    key = person_key(dm("U1", ""))
    first, second = Reply("one"), Reply("two")
    keep_messages(any_database, clock, key, (first, second))
    outage = SendError("service_unavailable", SendFailure.TRANSIENT)
    platform.fail_after = {"one": [outage] * 10}  # every retry of "two" fails for now
    inbox.send_waiting(key)
    assert platform.texts_to("U1") == ["one"]
    assert rows(any_database, OutboxMessage) == 1
    assert inbox.left_behind() == []  # waits for its retry time

    platform.failures = []
    clock.advance_to(clock.now() + timedelta(minutes=5))
    assert inbox.left_behind() == [key]
    inbox.send_waiting(key)
    assert platform.texts_to("U1") == ["one", "two"]  # "one" not again
    assert rows(any_database, OutboxMessage) == 0


def test_a_later_message_waits_for_an_earlier_one(
    any_database: Database, content: Content, clock: FixedClock, platform: FakePlatform
) -> None:
    inbox = build_inbox(any_database, content, clock, platform)
    key = person_key(dm("U1", ""))
    for text in ("earlier", "later"):
        keep_messages(any_database, clock, key, (Reply(text),))
    platform.failures = [SendError("fatal_error", SendFailure.TRANSIENT)] * 10
    inbox.send_waiting(key)
    platform.failures = []
    assert platform.texts_to("U1") == []
    clock.advance_to(clock.now() + timedelta(minutes=5))
    inbox.send_waiting(key)
    assert platform.texts_to("U1") == ["earlier", "later"]


def test_a_form_that_cannot_open_in_time_is_asked_in_the_conversation(
    inbox: Inbox, platform: FakePlatform, any_database: Database, clock: FixedClock
) -> None:
    key = inbox.accept(command("U1", "reflect", ""), {"form": clock.now().isoformat()})
    [taken] = inbox.drain(key)
    assert taken.outcome.replies
    assert platform.texts_to("U1") == [taken.outcome.replies[0].text]
    assert rows(any_database, OutboxMessage) == 0


def test_a_message_refused_for_good_is_dropped_and_the_queue_goes_on(
    inbox: Inbox, platform: FakePlatform, any_database: Database
) -> None:
    platform.failures = [SendError("invalid_blocks", SendFailure.REJECTED)]
    first = inbox.accept(command("U1", "reflect", "one"), {})
    inbox.accept(command("U1", "reflect", "two"), {})
    taken = inbox.drain(first)
    assert len(taken) == 2
    assert platform.texts_to("U1") == list(
        reply.text for reply in taken[1].outcome.replies
    )  # the first turn's replies were refused; the second's still went
    assert rows(any_database, OutboxMessage) == 0


def test_the_sweeper_hands_over_people_left_behind(
    inbox: Inbox, platform: FakePlatform, any_database: Database
) -> None:
    key = inbox.accept(command("U1", "reflect", "found by the sweep"), {})
    handed: list[str] = []
    sweeper = Sweeper(inbox, handed.append, interval=60)
    assert sweeper.sweep_once() == 1
    assert handed == [key]


def keep_messages(
    database: Database, clock: FixedClock, key: str, replies: tuple[Reply, ...]
) -> None:
    """One outbox row of replies to U1, as a turn keeps them."""
    with database.unit_of_work() as uow:
        uow.outbox.add(
            person_key=key,
            platform="slack",
            workspace_external_id=WORKSPACE,
            kind="messages",
            address={"channel": "U1"},
            payload=dumps(replies),
            deadline=None,
            at=clock.now(),
        )


@pytest.fixture(autouse=True)
def _no_thread_left() -> Iterator[None]:
    before = threading.active_count()
    yield
    assert threading.active_count() <= before + 1
