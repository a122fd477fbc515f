"""Logs never hold what people wrote, nor Slack's token or signing secret.

A whole conversation goes through the real Slack app on a socket (fake Web API) and the
worker: a reflection, a toolkit answer in the DM, a relationship added in the plan's modal, a
check-in with notes, a team prompt posted by the worker and answered in its thread, and a
relationship nudge sent by a later tick. Every log record of every logger is captured and
searched (message, args and exception text) for each distinctive text and for the secrets.

Two levels: INFO (the default LOG_LEVEL) and DEBUG on every logger, Lantern's and the
libraries' (slack_bolt, slack_sdk, sqlalchemy, urllib3, apscheduler), which LOG_LEVEL=DEBUG
turns on in `lantern serve` and `lantern worker`. And the lines as production writes them
(LOG_FORMAT json): each record formatted as one JSON object, with its `extra=` fields, which
the record's message alone does not show.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from bot.adapters.slack.sender import SlackSender, worker_client
from bot.cli import configure_logging
from bot.core.clock import FixedClock
from bot.engine.turns import Engine
from bot.observability.logs import JsonFormatter
from bot.settings import Settings
from bot.worker import Worker, WorkerConfig
from content import Content
from storage.database import Database
from storage.models import CheckIn, Reflection, TeamReply
from tests.bot.adapters.slack.harness import SECRET, SlackHarness, running_app
from tests.bot.adapters.slack.test_plan_and_checkins import add_relationship, checkins
from tests.bot.adapters.slack.test_team_prompts import (
    TEAM,
    TUESDAY_10_CHICAGO,
    later,
    reply_event,
    subscribe,
    the_post,
)
from tests.fakes.slack_api import FakeSlackApi

BOT_TOKEN = "xoxb-test"  # what running_app gives the app and the worker
REFLECTION = "Zebrafinch reflection: I froze when the board chair raised the levy"
ANSWER = "Quokkalantern answer: I expect to be good at new things at once"
RELATIONSHIP = "Marmosetchair Oyelaran"
MEASURE = "Pangolinbudget passes in March"
NOTES = "Narwhalnotes: she asked about the branch closures"
TEAM_REPLY = "Axolotlreply: we asked the front desk first"
DISTINCTIVE = [REFLECTION, ANSWER, RELATIONSHIP, MEASURE, NOTES, TEAM_REPLY]
# One word of each is enough to find a leak in a truncated or re-wrapped message.
MARKERS = [text.split()[0].rstrip(":") for text in DISTINCTIVE]
SECRETS = [BOT_TOKEN, SECRET]
LIBRARY_LOGGERS = [
    "",
    "bot",
    "storage",
    "slack_bolt",
    "slack_sdk",
    "sqlalchemy",
    "sqlalchemy.engine",
    "sqlalchemy.pool",
    "urllib3",
    "apscheduler",
    "alembic",
]


@pytest.fixture
def slack(tmp_path: Path, clock: FixedClock) -> Iterator[SlackHarness]:
    """The Slack adapter's harness (its conftest is not visible from here)."""
    with FakeSlackApi() as fake, running_app(tmp_path / "t.db", fake, clock) as harness:
        yield harness


@pytest.fixture
def worker(slack: SlackHarness, content: Content, clock: FixedClock) -> Iterator[Worker]:
    database = Database(slack.database_url)
    engine = Engine(content=content, database=database, clock=clock)
    sender = SlackSender(worker_client(BOT_TOKEN, base_url=slack.fake.url))
    running = Worker(
        engine,
        sender,
        platforms=frozenset({"slack"}),
        config=WorkerConfig(threads=2, rate_per_workspace=20),
    )
    yield running
    running.close()
    database.dispose()


def a_whole_conversation(slack: SlackHarness, worker: Worker, clock: FixedClock) -> None:
    # /reflect with the words on the command line.
    assert slack.command("/reflect", REFLECTION).status == 200

    # A toolkit answer typed in the DM.
    slack.command("/coach", "toolkit 1")
    slack.fake.wait_for("chat.postMessage", 3)
    assert slack.dm(ANSWER).status == 200
    slack.drain()

    # A relationship added in the plan's modal, then a check-in with notes in /checkin's.
    relationship = add_relationship(slack, RELATIONSHIP, MEASURE)
    before = len(slack.fake.calls_to("views.open"))
    slack.command("/checkin", "")
    view = slack.fake.wait_for("views.open", before + 1)[-1].args["view"]
    submitted = slack.submit_view(
        view,
        {
            "relationship": str(relationship.id),
            "when": "2026-11-20",
            "went": "well",
            "notes": NOTES,
        },
    )
    assert submitted.status == 200
    slack.drain()

    # A team prompt the worker posts, answered in its thread.
    subscribe(slack)
    clock.advance_to(TUESDAY_10_CHICAGO)
    assert worker.tick().sent >= 1
    ts = the_post(slack).message_ts
    assert ts
    reply = reply_event(TEAM_REPLY, ts=later(ts, 60), thread_ts=ts)
    assert slack.event(reply).status == 200

    # A week on, the relationship's nudge goes out from a later tick.
    posts_before = len(slack.fake.calls_to("chat.postMessage"))
    clock.advance_to(TUESDAY_10_CHICAGO + timedelta(days=8))
    assert worker.tick().sent >= 1
    new_posts = slack.fake.calls_to("chat.postMessage")[posts_before:]
    assert any(call.args["channel"] != TEAM for call in new_posts), "no nudge to the person"
    slack.drain()


def leaks(records: list[logging.LogRecord]) -> list[str]:
    """Each record (logger, level, where) that holds a distinctive text or a secret."""
    found = []
    for record in records:
        searched = [record.getMessage(), repr(record.args), record.exc_text or ""]
        if record.exc_info and record.exc_info[1] is not None:
            searched.append(repr(record.exc_info[1]))
        haystack = "\n".join(searched)
        for needle in [*MARKERS, *SECRETS]:
            if needle in haystack:
                found.append(
                    f"{needle!r} in {record.name} {record.levelname} "
                    f"{record.pathname}:{record.lineno}: {record.getMessage()[:160]!r}"
                )
    return found


def assert_the_conversation_happened(slack: SlackHarness) -> None:
    """The control: every text really went through the app (so its absence from logs counts)."""
    assert [r.text for r in slack.reflections()] == [REFLECTION]
    assert [a.text for a in slack.answers()] == [ANSWER]
    assert [c.notes for c in checkins(slack)] == [NOTES]
    assert slack.count(CheckIn) == 1
    assert slack.count(Reflection) == 1
    assert slack.count(TeamReply) == 1


def test_logs_at_info_hold_no_ones_words_nor_secrets(
    slack: SlackHarness, worker: Worker, clock: FixedClock, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)

    a_whole_conversation(slack, worker, clock)

    assert_the_conversation_happened(slack)
    assert caplog.records, "nothing was logged at all: the capture is not working"
    found = leaks(caplog.records)
    assert not found, "logged:\n" + "\n".join(found)


def test_logs_at_debug_hold_no_ones_words_nor_secrets(
    slack: SlackHarness, worker: Worker, clock: FixedClock, caplog: pytest.LogCaptureFixture
) -> None:
    """LOG_LEVEL=DEBUG as `lantern serve` sets it up: Lantern's own DEBUG, and the libraries
    that would log people's words held at INFO."""
    levels = {name: logging.getLogger(name).level for name in LIBRARY_LOGGERS}
    try:
        configure_logging(Settings(log_level="DEBUG"))
        caplog.set_level(logging.DEBUG)

        a_whole_conversation(slack, worker, clock)

        assert_the_conversation_happened(slack)
        assert logging.getLogger("bot").isEnabledFor(logging.DEBUG)  # DEBUG really is on
        assert not logging.getLogger("sqlalchemy.engine").isEnabledFor(logging.DEBUG)
        found = leaks(caplog.records)
        assert not found, "logged:\n" + "\n".join(found)
    finally:
        for name, level in levels.items():
            logging.getLogger(name).setLevel(level)


def test_json_log_lines_hold_no_ones_words_nor_secrets(
    slack: SlackHarness, worker: Worker, clock: FixedClock, caplog: pytest.LogCaptureFixture
) -> None:
    """Every record of the conversation, at DEBUG as `lantern serve` sets it up, written as the
    JSON log line production gets: one object each, and none holds a word or a secret."""
    levels = {name: logging.getLogger(name).level for name in LIBRARY_LOGGERS}
    try:
        configure_logging(Settings(log_level="DEBUG", log_format="json"))
        caplog.set_level(logging.DEBUG)

        a_whole_conversation(slack, worker, clock)

        assert_the_conversation_happened(slack)
        formatter = JsonFormatter()
        written = [formatter.format(record) for record in caplog.records]
        assert written, "nothing was logged at all: the capture is not working"
        found = []
        for line, record in zip(written, caplog.records, strict=True):
            assert "\n" not in line, "a record took more than one line"
            assert json.loads(line)["logger"] == record.name
            found += [
                f"{needle!r} in {record.name} {record.levelname}: {line[:200]}"
                for needle in [*MARKERS, *SECRETS]
                if needle in line
            ]
        assert not found, "logged:\n" + "\n".join(found)
    finally:
        for name, level in levels.items():
            logging.getLogger(name).setLevel(level)
