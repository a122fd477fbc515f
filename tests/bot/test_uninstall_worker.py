"""A workspace that uninstalls Lantern: its sends stop at once, its data is kept for the
retention period and then deleted; a refused token pauses the workspace and marks nobody."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from bot.adapters.slack.sender import SlackSender, worker_client
from bot.core.clock import FixedClock
from bot.engine.turns import Engine
from bot.worker import Worker, WorkerConfig
from content import Content
from storage.database import Database
from storage.models import Person, Relationship, Workspace
from tests.bot.test_worker import (
    NEXT_MONDAY_9,
    SLACK,
    at,
    person,
    posts,
    relate,
    relationship_by_name,
    settings,
)
from tests.chat_script import ChatScript
from tests.fakes.slack_api import FakeSlackApi


@pytest.fixture
def engine(content: Content, any_database: Database, clock: FixedClock) -> Engine:
    return Engine(content=content, database=any_database, clock=clock)


@pytest.fixture
def slack() -> Iterator[FakeSlackApi]:
    with FakeSlackApi() as fake:
        yield fake


def _worker(engine: Engine, slack: FakeSlackApi, *, keep: timedelta) -> Worker:
    sender = SlackSender(worker_client("xoxb-test", base_url=slack.url))
    config = WorkerConfig(threads=4, rate_per_workspace=20, keep_uninstalled_for=keep)
    return Worker(engine, sender, platforms=SLACK, config=config)


def _people(engine: Engine, workspace: str) -> int:
    with engine.database.unit_of_work() as uow:
        return (
            uow.session.scalar(
                select(func.count())
                .select_from(Person)
                .join(Workspace)
                .where(Workspace.external_id == workspace)
            )
            or 0
        )


def test_nothing_is_sent_to_an_uninstalled_workspace_and_nothing_is_lost(
    engine: Engine, slack: FakeSlackApi, clock: FixedClock
) -> None:
    worker = _worker(engine, slack, keep=timedelta(days=30))
    ana = person(engine)
    settings(engine, ana)
    relate(engine, ana, "Board chair")
    engine.workspaces.uninstalled(
        platform="slack", workspace_id=ana.workspace_id, keep_data_for=timedelta(days=30)
    )
    at(clock, NEXT_MONDAY_9)
    try:
        report = worker.tick(budget_seconds=1)
        assert (report.claimed, report.sent) == (0, 0)
        assert posts(slack) == []
        assert relationship_by_name(engine, "Board chair").next_due_at == NEXT_MONDAY_9

        # Installed again (within retention): the nudge that waited goes out.
        engine.workspaces.installed(platform="slack", workspace_id=ana.workspace_id)
        assert worker.tick(budget_seconds=1).sent == 1
        assert len(posts(slack)) == 1
    finally:
        worker.close()


def test_an_uninstalled_workspace_is_deleted_when_retention_ends_and_not_before(
    engine: Engine, slack: FakeSlackApi, clock: FixedClock
) -> None:
    ana = person(engine)
    relate(engine, ana, "Board chair")
    person(engine, "U-ben")
    elsewhere = ChatScript(engine, user_id="U-ana", platform="slack", workspace_id="T-other")
    elsewhere.say("hello")
    engine.workspaces.uninstalled(
        platform="slack", workspace_id=ana.workspace_id, keep_data_for=timedelta(days=30)
    )
    start = clock.now()

    at(clock, start + timedelta(days=29))
    worker = _worker(engine, slack, keep=timedelta(days=30))
    try:
        worker.tick(budget_seconds=1)
    finally:
        worker.close()
    assert _people(engine, ana.workspace_id) == 2

    at(clock, start + timedelta(days=30, minutes=1))
    worker = _worker(engine, slack, keep=timedelta(days=30))
    try:
        worker.tick(budget_seconds=1)
    finally:
        worker.close()
    assert _people(engine, ana.workspace_id) == 0
    with engine.database.unit_of_work() as uow:
        assert uow.session.scalar(select(func.count()).select_from(Relationship)) == 0
    assert _people(engine, "T-other") == 1


def test_with_no_retention_the_data_goes_at_once(engine: Engine) -> None:
    ana = person(engine)
    relate(engine, ana, "Board chair")
    engine.workspaces.uninstalled(
        platform="slack", workspace_id=ana.workspace_id, keep_data_for=timedelta(0)
    )
    assert _people(engine, ana.workspace_id) == 0


def test_a_refused_token_pauses_the_workspace_and_marks_nobody_unreachable(
    engine: Engine, slack: FakeSlackApi, clock: FixedClock
) -> None:
    worker = _worker(engine, slack, keep=timedelta(days=30))
    ana = person(engine)
    settings(engine, ana)
    relate(engine, ana, "Board chair")
    slack.fail("chat.postMessage", "token_revoked")
    at(clock, NEXT_MONDAY_9)
    try:
        report = worker.tick(budget_seconds=1)
    finally:
        worker.close()
    assert (report.sent, report.retrying) == (0, 1)
    with engine.database.unit_of_work() as uow:
        row = uow.repos.people.find(
            platform="slack", workspace_external_id=ana.workspace_id, person_external_id=ana.user_id
        )
        assert row is not None
        assert row.unreachable_since is None
    assert relationship_by_name(engine, "Board chair").claimed_until is not None
