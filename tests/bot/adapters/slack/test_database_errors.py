"""A database locked or gone: a friendly "try again", an error logged, nothing half-saved."""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event

from bot.core.clock import FixedClock
from content import Content
from storage.models import Person, Reflection, Workspace
from tests.bot.adapters.slack.harness import SlackHarness, all_text, dm_event, running_app
from tests.bot.adapters.slack.slack_text import escaped
from tests.fakes.slack_api import FakeSlackApi

SLACK_ACK_DEADLINE = 3.0  # seconds Slack waits for a slash command's answer


@contextmanager
def locked(database_path: Path) -> Iterator[None]:
    """Another process holds the write lock for as long as the block runs."""
    holder = sqlite3.connect(database_path, isolation_level=None, timeout=0)
    try:
        holder.execute("BEGIN EXCLUSIVE")
        yield
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def shorten_busy_timeout(slack: SlackHarness, milliseconds: int) -> None:
    """Let the lock outlast the app's busy timeout sooner than the 2 s it really waits."""
    engine = slack.web_app.database.engine

    def shorter(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.execute(f"PRAGMA busy_timeout={milliseconds}")

    event.listen(engine, "connect", shorter)  # runs after the app's own tuning
    engine.dispose()


def assert_friendly_database_error(body: dict[str, Any], content: Content) -> None:
    assert body["response_type"] == "ephemeral"
    assert all_text(body["blocks"]) == escaped(content.coach.errors.database)
    assert "Traceback" not in str(body)


def test_a_locked_database_gets_a_friendly_try_again_and_nothing_half_saved(
    tmp_path: Path,
    fake_slack: FakeSlackApi,
    clock: FixedClock,
    content: Content,
    caplog: pytest.LogCaptureFixture,
) -> None:
    path = tmp_path / "t.db"
    with running_app(path, fake_slack, clock) as slack:
        shorten_busy_timeout(slack, 200)
        with locked(path):
            response = slack.command("/reflect", "written while the database is locked")

        assert response.status == 200
        assert_friendly_database_error(response.json(), content)
        assert "database error while handling a command event" in caplog.text
        assert any(record.levelname == "ERROR" for record in caplog.records)
        # Not even the person or workspace the turn began to create was kept.
        assert slack.count(Reflection) == 0
        assert slack.count(Person) == 0
        assert slack.count(Workspace) == 0

        # Once the lock is gone, the same command works.
        again = slack.command("/reflect", "written once the lock is gone")
        assert [r.text for r in slack.reflections()] == ["written once the lock is gone"]
        assert again.json()["text"] == content.coach.reflect.saved_free


def test_a_database_that_is_gone_gets_a_friendly_try_again(
    tmp_path: Path,
    fake_slack: FakeSlackApi,
    clock: FixedClock,
    content: Content,
    caplog: pytest.LogCaptureFixture,
) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    with running_app(folder / "t.db", fake_slack, clock) as slack:
        slack.web_app.database.dispose()
        shutil.rmtree(folder)

        response = slack.command("/reflect", "nowhere to put this")

        assert response.status == 200
        assert_friendly_database_error(response.json(), content)
        assert "database error while handling a command event" in caplog.text


def test_a_dm_that_cannot_be_kept_is_not_acked_so_slack_sends_it_again(
    tmp_path: Path,
    fake_slack: FakeSlackApi,
    clock: FixedClock,
    content: Content,
) -> None:
    """A DM is acknowledged only once it is kept. With the database locked it cannot be, so
    Slack hears an error and sends the event again; that retry, once the lock is gone, is
    answered, once."""
    path = tmp_path / "t.db"
    with running_app(path, fake_slack, clock) as slack:
        shorten_busy_timeout(slack, 200)
        event = dm_event("hello?")
        with locked(path):
            refused = slack.event(event, event_id="Ev-locked")
        assert refused.status >= 500
        slack.drain()
        assert not slack.fake.calls_to("chat.postMessage")
        assert slack.count(Person) == 0

        assert slack.event(event, event_id="Ev-locked", retry_num=1).status == 200
        slack.drain()
        [post] = slack.fake.wait_for("chat.postMessage")
        assert post.args["channel"] == "D123"
        assert escaped(content.coach.errors.database) not in all_text(post.args["blocks"])
        assert slack.count(Person) == 1


def test_a_locked_database_is_answered_within_slacks_ack_deadline(
    tmp_path: Path, fake_slack: FakeSlackApi, clock: FixedClock
) -> None:
    path = tmp_path / "t.db"
    with running_app(path, fake_slack, clock) as slack, locked(path):
        response = slack.command("/reflect", "in a hurry")

    assert response.status == 200
    assert response.elapsed < SLACK_ACK_DEADLINE
