"""One worker, several platforms: each person's messages go through their workspace's
platform's sender, and a platform without a sender is a neutral failure, never a crash."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest

from bot.adapters.slack.sender import SlackSender, worker_client
from bot.core.clock import FixedClock
from bot.core.messages import Reply
from bot.core.sending import Senders
from bot.engine.turns import Engine
from bot.worker import Worker, WorkerConfig
from content import Content
from storage.database import Database
from tests.bot.test_worker import (
    NEXT_MONDAY_9,
    at,
    deliveries,
    posts,
    relate,
    relationship_by_name,
    settings,
)
from tests.chat_script import ChatScript
from tests.fakes.slack_api import FakeSlackApi


class FakeTeams:
    """A second platform's sender: records whom it reached."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, str]] = []

    def __call__(
        self, platform: str, workspace_id: str, target: str, replies: tuple[Reply, ...]
    ) -> str:
        self.sent.append((workspace_id, target))
        return f"teams-{len(self.sent)}"


@pytest.fixture
def engine(content: Content, database: Database, clock: FixedClock) -> Engine:
    return Engine(content=content, database=database, clock=clock)


@pytest.fixture
def slack() -> Iterator[FakeSlackApi]:
    with FakeSlackApi() as fake:
        yield fake


def someone(engine: Engine, user: str, platform: str, workspace: str) -> ChatScript:
    chat = ChatScript(
        engine, user_id=user, platform=platform, workspace_id=workspace, time_zone="America/Chicago"
    )
    chat.reachable_later = True
    chat.say("hello")
    settings(engine, chat)
    return chat


def test_one_worker_delivers_to_each_platform_through_its_own_sender(
    engine: Engine, slack: FakeSlackApi, clock: FixedClock
) -> None:
    teams = FakeTeams()
    senders = Senders(
        {"slack": SlackSender(worker_client("xoxb-test", base_url=slack.url)), "teams": teams}
    )
    relate(engine, someone(engine, "U-ana", "slack", "T-library"), "Board chair")
    relate(engine, someone(engine, "29:ben", "teams", "tenant-1"), "Mayor")
    worker = Worker(engine, senders, config=WorkerConfig(threads=2))
    try:
        at(clock, NEXT_MONDAY_9)
        assert worker.tick().sent == 2
    finally:
        worker.close()
    [text] = posts(slack, "U-ana")
    assert "Board chair" in text
    assert teams.sent == [("tenant-1", "29:ben")]
    assert sorted((d.kind, d.status) for d in deliveries(engine)) == [
        ("nudge", "sent"),
        ("nudge", "sent"),
    ]


def test_a_platform_without_a_sender_waits_a_day_and_nothing_is_lost(
    engine: Engine, slack: FakeSlackApi, clock: FixedClock
) -> None:
    senders = Senders({"slack": SlackSender(worker_client("xoxb-test", base_url=slack.url))})
    relate(engine, someone(engine, "29:ben", "teams", "tenant-1"), "Mayor")
    # Told it serves Teams too (a wiring slip): the send fails neutrally, and is kept.
    worker = Worker(
        engine, senders, platforms=frozenset({"slack", "teams"}), config=WorkerConfig(threads=2)
    )
    try:
        at(clock, NEXT_MONDAY_9)
        report = worker.tick()
    finally:
        worker.close()
    assert (report.sent, report.retrying, report.errors) == (0, 1, 0)
    [delivery] = deliveries(engine)
    assert (delivery.status, delivery.error) == ("retrying", "no sender for teams")
    row = relationship_by_name(engine, "Mayor")
    assert row.next_due_at == NEXT_MONDAY_9
    assert row.claimed_until == NEXT_MONDAY_9 + timedelta(days=1)
