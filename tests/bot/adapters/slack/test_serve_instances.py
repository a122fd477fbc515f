"""Two `lantern serve` instances against one PostgreSQL: Slack's retries of one event, sent to
both at the same moment, are handled once (the router may send a retry to either)."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from slack_sdk.signature import SignatureVerifier
from sqlalchemy import func, select

from storage.database import Database
from storage.models import Person, ProcessedEvent
from tests.bot.adapters.slack.harness import dm_event
from tests.bot.adapters.slack.test_serve import SECRET, free_port, serve_env, wait_for_health
from tests.conftest import postgres_schema
from tests.fakes.slack_api import TEAM_ID, FakeSlackApi

pytestmark = pytest.mark.postgres

EVENTS = 20


@contextmanager
def _instance(tmp_path: Path, fake: FakeSlackApi, url: str) -> Iterator[int]:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "serve", "--port", str(port)],
        env=serve_env(tmp_path, fake, DATABASE_URL=url, WEB_CONCURRENCY="2"),
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        wait_for_health(port, process)
        yield port
    finally:
        process.send_signal(signal.SIGTERM)
        _, errors = process.communicate(timeout=30)
        assert process.returncode == 0, errors
        assert "Traceback" not in errors


def _post_event(port: int, payload: dict[str, object], *, retry: bool) -> int:
    body = json.dumps(payload)
    stamp = str(int(time.time()))
    headers = {
        "Content-Type": "application/json",
        "X-Slack-Request-Timestamp": stamp,
        "X-Slack-Signature": SignatureVerifier(SECRET).generate_signature(
            timestamp=stamp, body=body
        ),
    }
    if retry:
        headers |= {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/slack/events", data=body.encode(), headers=headers
    )
    with urllib.request.urlopen(request, timeout=10) as reply:
        return int(reply.status)


def test_an_event_sent_to_two_instances_at_once_is_handled_once(tmp_path: Path) -> None:
    with postgres_schema() as url, FakeSlackApi() as fake:
        database = Database(url)
        database.upgrade()
        try:
            with _instance(tmp_path, fake, url) as first, _instance(tmp_path, fake, url) as second:
                statuses: list[int] = []
                lock = threading.Lock()

                def send(port: int, payload: dict[str, object], retry: bool) -> None:
                    status = _post_event(port, payload, retry=retry)
                    with lock:
                        statuses.append(status)

                threads = []
                for number in range(EVENTS):
                    payload = {
                        "type": "event_callback",
                        "team_id": TEAM_ID,
                        "api_app_id": "A-test",
                        "event_id": f"Ev-twice-{number}",
                        "event_time": int(time.time()),
                        "event": dm_event(
                            "hello", user=f"U-{number:03d}", channel=f"D-{number:03d}"
                        ),
                    }
                    threads += [
                        threading.Thread(target=send, args=(first, payload, False)),
                        threading.Thread(target=send, args=(second, payload, True)),
                    ]
                for thread in threads:
                    thread.start()
                for thread in threads:
                    thread.join(timeout=30)
                assert statuses == [200] * (2 * EVENTS)
                fake.wait_for("chat.postMessage", count=EVENTS, timeout=30)
                time.sleep(1)  # a duplicate would arrive about now
                replied = Counter(
                    str(call.args.get("channel")) for call in fake.calls_to("chat.postMessage")
                )
            # Every person answered, and each as often as every other: none twice.
            assert len(replied) == EVENTS
            assert len(set(replied.values())) == 1
            with database.unit_of_work() as uow:
                assert (
                    uow.session.scalar(select(func.count()).select_from(ProcessedEvent)) == EVENTS
                )
                assert uow.session.scalar(select(func.count()).select_from(Person)) == EVENTS
        finally:
            database.dispose()
