"""Real worker processes against one PostgreSQL schema: each nudge once, none lost in a crash."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from storage.database import Database
from storage.models import Delivery, Person, Relationship, Workspace
from tests.conftest import postgres_schema
from tests.fakes.slack_api import FakeSlackApi

ROOT = Path(__file__).resolve().parents[2]
NUDGES = 300
WORKSPACES = 10
THREADS = 8


@pytest.fixture
def schema_url() -> Iterator[str]:
    with postgres_schema() as url:
        database = Database(url)
        database.upgrade()
        seed(database)
        database.dispose()
        yield url


def seed(database: Database) -> None:
    """NUDGES people, each with one relationship due a minute ago, working around the clock."""
    now = datetime.now(UTC)
    with database.unit_of_work() as uow:
        workspaces = [Workspace(platform="slack", external_id=f"T{n}") for n in range(WORKSPACES)]
        uow.session.add_all(workspaces)
        uow.session.flush()
        for n in range(NUDGES):
            person = Person(
                workspace_id=workspaces[n % WORKSPACES].id,
                external_id=f"U{n:04d}",
                time_zone="UTC",
                work_days="1234567",
                work_start_minute=0,
                work_end_minute=24 * 60,
            )
            uow.session.add(person)
            uow.session.flush()
            uow.session.add(
                Relationship(
                    person_id=person.id,
                    name=f"Partner {n}",
                    kind="person",
                    constituency="staff",
                    cadence="weekly",
                    success_measures=[],
                    created_at=now - timedelta(days=7),
                    next_due_at=now - timedelta(minutes=1),
                )
            )


def start_worker(
    url: str, slack: FakeSlackApi, tmp_path: Path, **env: str
) -> subprocess.Popen[bytes]:
    environment = {
        **os.environ,
        "DATABASE_URL": url,
        "SLACK_BOT_TOKEN": "xoxb-test",
        "SLACK_API_URL": slack.url,
        "LANTERN_WORKER_INTERVAL": "1",
        "LANTERN_WORKER_THREADS": str(THREADS),
        "LANTERN_RATE_PER_WORKSPACE": "50",
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
        **env,
    }
    return subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "worker"],
        cwd=tmp_path,  # no stray .env is read
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def sent_deliveries(url: str) -> int:
    database = Database(url)
    try:
        with database.unit_of_work() as uow:
            query = select(func.count()).select_from(Delivery).where(Delivery.status == "sent")
            return int(uow.session.scalar(query) or 0)
    finally:
        database.dispose()


def wait_until(condition: Callable[[], bool], *, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        time.sleep(0.2)


def per_user(slack: FakeSlackApi) -> Counter[str]:
    # A request the SIGKILL cut off mid-body reaches the fake without its arguments: it was
    # never a message anyone received, so it is not counted (it showed as a 301st "person").
    return Counter(
        str(call.args["channel"])
        for call in slack.calls_to("chat.postMessage")
        if call.args.get("channel")
    )


def test_two_worker_processes_send_each_nudge_exactly_once(schema_url: str, tmp_path: Path) -> None:
    with FakeSlackApi(delay=0.02) as slack:
        workers = [
            start_worker(schema_url, slack, tmp_path, SLACK_BOT_TOKEN=f"xoxb-worker-{n}")
            for n in (1, 2)
        ]
        try:
            wait_until(lambda: sent_deliveries(schema_url) >= NUDGES, timeout=90)
            time.sleep(2.5)  # two more ticks each: room for any second send to show
            assert all(worker.poll() is None for worker in workers)  # both still running
        finally:
            for worker in workers:
                stop(worker)
        counts = per_user(slack)
        senders = Counter(call.token for call in slack.calls_to("chat.postMessage"))
    assert set(senders) == {"xoxb-worker-1", "xoxb-worker-2"}  # both took a share
    assert len(counts) == NUDGES
    assert set(counts.values()) == {1}
    assert sent_deliveries(schema_url) == NUDGES
    database = Database(schema_url)
    try:
        with database.unit_of_work() as uow:
            rows = uow.session.scalars(select(Delivery)).all()
            assert len(rows) == NUDGES
            assert {row.attempts for row in rows} == {1}
            due = uow.session.scalar(
                select(func.count())
                .select_from(Relationship)
                .where(Relationship.next_due_at <= datetime.now(UTC))
            )
            assert due == 0
    finally:
        database.dispose()


def kill_midway_then_restart(
    schema_url: str,
    slack: FakeSlackApi,
    tmp_path: Path,
    *,
    total: int,
    done_within: float,
    **env: str,
) -> tuple[int, int]:
    """A worker SIGKILLed a quarter of the way through `total` messages, then another started
    until all are recorded; (messages that reached Slack, deliveries recorded) at the kill."""
    lease = {"LANTERN_WORKER_LEASE": "3", **env}  # a dead worker's claims come back quickly
    first = start_worker(schema_url, slack, tmp_path, **lease)
    try:
        slack.wait_for("chat.postMessage", total // 4, timeout=60)
    finally:
        first.kill()  # SIGKILL: no clean-up, claims and in-flight sends left behind
        first.wait()
    sent_before = sent_deliveries(schema_url)
    calls_before = len(slack.calls_to("chat.postMessage"))
    assert sent_before < total  # it really died in the middle
    second = start_worker(schema_url, slack, tmp_path, **lease)
    try:
        wait_until(lambda: sent_deliveries(schema_url) >= total, timeout=done_within)
        time.sleep(1.5)
    finally:
        stop(second)
    return calls_before, sent_before


def test_a_worker_killed_mid_batch_loses_nothing(
    schema_url: str, tmp_path: Path, record_property: Callable[[str, object], None]
) -> None:
    with FakeSlackApi(delay=0.05) as slack:
        calls_before, sent_before = kill_midway_then_restart(
            schema_url, slack, tmp_path, total=NUDGES, done_within=90
        )
        counts = per_user(slack)
    duplicates = sum(counts.values()) - NUDGES
    record_property("duplicates_after_kill", duplicates)
    print(
        f"\nkilled after {calls_before} sends ({sent_before} recorded); "
        f"after restart {len(counts)} people nudged, {duplicates} duplicate(s)"
    )
    assert len(counts) == NUDGES  # none lost
    assert duplicates <= THREADS  # at most the sends in flight when it died
    assert duplicates <= calls_before - sent_before
    assert sent_deliveries(schema_url) == NUDGES
