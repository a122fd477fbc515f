"""`/coach forget` (and a workspace's data deleted after an uninstall) erases the words from
the SQLite file itself, not only from its tables: deleted pages are overwritten
(secure_delete) and the write-ahead log is emptied after it.

This machine's SQLite is built with SQLITE_SECURE_DELETE, so here the emptied log is what the
tests tell apart; the pragma is for builds without that default."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from bot.core.clock import FixedClock
from bot.engine.turns import Engine
from content import Content
from storage.database import Database
from tests.bot.adapters.slack.harness import CHANNEL, DM, button, running_app
from tests.bot.adapters.slack.test_privacy import COLLEAGUE, ask, reflections
from tests.fakes.slack_api import FakeSlackApi

SECRET_WORDS = "Zephyr-quartz-4417 told me about the budget cut"
KEPT_WORDS = "My colleague keeps this one"


def raw_bytes(database: Path) -> bytes:
    """The database file and its write-ahead log, as they are on disk."""
    wal = database.with_name(database.name + "-wal")
    return database.read_bytes() + (wal.read_bytes() if wal.exists() else b"")


def test_forgotten_words_are_gone_from_the_database_file_and_its_log(
    tmp_path: Path, fake_slack: FakeSlackApi, clock: FixedClock, content: Content
) -> None:
    database = tmp_path / "lantern.db"
    with running_app(database, fake_slack, clock) as slack:
        assert slack.command("/reflect", SECRET_WORDS, channel=DM).status == 200
        assert slack.command("/reflect", "A second, plainer thought", channel=DM).status == 200
        # A colleague's reflection stays on the same page: the page is not simply dropped.
        kept = slack.command("/reflect", KEPT_WORDS, user=COLLEAGUE, channel="D-colleague")
        assert kept.status == 200
        assert SECRET_WORDS.encode() in raw_bytes(database)  # the control: it was written

        forget = button(ask(slack), content.privacy.forget.confirm)
        assert slack.press(forget, channel=CHANNEL, ephemeral=True).status == 200
        slack.fake.wait_for("chat.postEphemeral")
        slack.drain()

        assert reflections(slack) == [KEPT_WORDS]
        on_disk = raw_bytes(database)
        assert SECRET_WORDS.encode() not in on_disk
        assert b"Zephyr-quartz" not in on_disk
        assert b"plainer thought" not in on_disk


def test_a_workspace_deleted_at_uninstall_is_gone_from_the_file_too(
    tmp_path: Path, fake_slack: FakeSlackApi, clock: FixedClock
) -> None:
    """With no retention (LANTERN_UNINSTALLED_RETENTION_DAYS=0), an uninstall deletes the
    workspace's data at once: from the file and its log as well."""
    database = tmp_path / "lantern.db"
    with running_app(database, fake_slack, clock, lantern_uninstalled_retention_days=0) as slack:
        assert slack.command("/reflect", SECRET_WORDS, channel=DM).status == 200
        assert SECRET_WORDS.encode() in raw_bytes(database)

        assert slack.event({"type": "app_uninstalled"}).status == 200

        assert reflections(slack) == []
        assert b"Zephyr-quartz" not in raw_bytes(database)


def test_a_workspace_deleted_when_its_retention_ends_is_gone_from_the_file_too(
    tmp_path: Path, fake_slack: FakeSlackApi, clock: FixedClock, content: Content
) -> None:
    database = tmp_path / "lantern.db"
    with running_app(database, fake_slack, clock, lantern_uninstalled_retention_days=1) as slack:
        assert slack.command("/reflect", SECRET_WORDS, channel=DM).status == 200
        assert slack.event({"type": "app_uninstalled"}).status == 200
        assert SECRET_WORDS.encode() in raw_bytes(database)  # kept for its retention

        clock.advance_to(clock.now() + timedelta(days=2))
        worker = Engine(content=content, database=Database(slack.database_url), clock=clock)
        try:
            assert worker.workspaces.delete_expired(keep_data_for=timedelta(days=1)) == 1
        finally:
            worker.database.dispose()

        assert reflections(slack) == []
        assert b"Zephyr-quartz" not in raw_bytes(database)
