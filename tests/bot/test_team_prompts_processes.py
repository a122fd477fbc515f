"""Real worker processes against one PostgreSQL schema: each channel's weekly post exactly once,
none lost when a worker is killed."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from storage.database import Database
from storage.models import Delivery, Person, TeamPost, TeamSubscription, Workspace
from tests.bot.test_worker_processes import (
    THREADS,
    kill_midway_then_restart,
    per_user,
    sent_deliveries,
    start_worker,
    stop,
    wait_until,
)
from tests.conftest import postgres_schema
from tests.fakes.slack_api import FakeSlackApi

CHANNELS = 300
WORKSPACES = 10
RATE = {"LANTERN_RATE_PER_WORKSPACE": "4"}  # the default: Slack's pace, not the tests'


@pytest.fixture
def schema_url() -> Iterator[str]:
    """A PostgreSQL schema of its own with CHANNELS subscriptions due a minute ago (skipped,
    saying why, without TEST_DATABASE_URL)."""
    with postgres_schema() as url:
        database = Database(url)
        database.upgrade()
        seed(database)
        database.dispose()
        yield url


def seed(database: Database) -> None:
    """CHANNELS team channels over WORKSPACES workspaces, each subscribed by one person, whose
    weekly post was due a minute ago (at this very weekday and time, in UTC)."""
    now = datetime.now(UTC)
    due = (now - timedelta(minutes=1)).replace(second=0, microsecond=0)
    with database.unit_of_work() as uow:
        workspaces = [Workspace(platform="slack", external_id=f"T{n}") for n in range(WORKSPACES)]
        uow.session.add_all(workspaces)
        uow.session.flush()
        subscribers = [
            Person(workspace_id=workspace.id, external_id=f"U-lead-{n}", time_zone="UTC")
            for n, workspace in enumerate(workspaces)
        ]
        uow.session.add_all(subscribers)
        uow.session.flush()
        for n in range(CHANNELS):
            owner = subscribers[n % WORKSPACES]
            uow.session.add(
                TeamSubscription(
                    workspace_id=owner.workspace_id,
                    channel_id=f"C{n % WORKSPACES}x{n:04d}",
                    channel_name=f"team-{n}",
                    person_id=owner.id,
                    weekday=due.isoweekday(),
                    post_minute=due.hour * 60 + due.minute,
                    time_zone="UTC",
                    themes=[],
                    status="active",
                    next_due_at=due,
                )
            )


def channel_posts(slack: FakeSlackApi) -> Counter[str]:
    """How many posts each channel got (direct messages left out)."""
    return Counter({channel: n for channel, n in per_user(slack).items() if channel[0] == "C"})


def prompts_posted(slack: FakeSlackApi) -> dict[str, set[str]]:
    """Each channel's prompts as posted (its "Reflect privately" button names the prompt)."""
    posted: dict[str, set[str]] = {}
    for call in slack.calls_to("chat.postMessage"):
        values = [
            str(element.get("value", ""))
            for block in call.args.get("blocks", [])
            for element in block.get("elements", [])
            if isinstance(element, dict)
        ]
        prompt = next(v for v in values if v.startswith("reflect:prompt:"))
        posted.setdefault(str(call.args["channel"]), set()).add(prompt)
    return posted


def test_two_worker_processes_post_each_channels_prompt_exactly_once(
    schema_url: str, tmp_path: Path
) -> None:
    with FakeSlackApi(delay=0.02) as slack:
        workers = [
            start_worker(schema_url, slack, tmp_path, SLACK_BOT_TOKEN=f"xoxb-worker-{n}", **RATE)
            for n in (1, 2)
        ]
        try:
            wait_until(lambda: sent_deliveries(schema_url) >= CHANNELS, timeout=120)
            time.sleep(2.5)  # two more ticks each: room for any second post to show
            assert all(worker.poll() is None for worker in workers)  # both still running
        finally:
            for worker in workers:
                stop(worker)
        counts = channel_posts(slack)
        senders = Counter(call.token for call in slack.calls_to("chat.postMessage"))
        direct_messages = [
            call for call in slack.calls_to("chat.postMessage") if call.args["channel"][0] != "C"
        ]
    assert set(senders) == {"xoxb-worker-1", "xoxb-worker-2"}  # both took a share
    assert len(counts) == CHANNELS
    assert set(counts.values()) == {1}
    assert direct_messages == []
    database = Database(schema_url)
    try:
        with database.unit_of_work() as uow:
            rows = uow.session.scalars(select(Delivery)).all()
            assert len(rows) == CHANNELS
            assert {(row.kind, row.status, row.attempts) for row in rows} == {("prompt", "sent", 1)}
            posted = uow.session.scalar(
                select(func.count()).select_from(TeamPost).where(TeamPost.message_ts.is_not(None))
            )
            assert posted == CHANNELS
            next_due = set(uow.session.scalars(select(TeamSubscription.next_due_at)))
            [next_week] = next_due  # all moved on to the same moment a week later
            assert next_week is not None
            assert timedelta(days=6) < next_week - datetime.now(UTC) <= timedelta(days=7)
    finally:
        database.dispose()


def test_a_worker_killed_mid_batch_loses_no_channels_post(
    schema_url: str, tmp_path: Path, record_property: Callable[[str, object], None]
) -> None:
    with FakeSlackApi(delay=0.05) as slack:
        calls_before, sent_before = kill_midway_then_restart(
            schema_url, slack, tmp_path, total=CHANNELS, done_within=120, **RATE
        )
        counts = channel_posts(slack)
        prompts = prompts_posted(slack)
    duplicates = sum(counts.values()) - CHANNELS
    record_property("duplicates_after_kill", duplicates)
    assert len(counts) == CHANNELS  # none lost
    assert duplicates <= THREADS  # at most the posts in flight when it died
    assert duplicates <= calls_before - sent_before
    assert sent_deliveries(schema_url) == CHANNELS
    # A post sent again after the crash is the same prompt, not the next one in the rotation.
    assert {len(chosen) for chosen in prompts.values()} == {1}
