"""`/coach forget` erases the words from the SQLite file itself, not only from its tables:
deleted pages are overwritten (secure_delete) and the write-ahead log is emptied after it."""

from __future__ import annotations

from pathlib import Path

from bot.core.clock import FixedClock
from content import Content
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
