"""The outbox: sends to one conversation keep their order; others run alongside."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest

from bot.adapters.slack.outbox import Outbox


@pytest.fixture
def outbox() -> Iterator[Outbox]:
    box = Outbox(workers=4)
    yield box
    box.shutdown()


def test_sends_with_one_key_keep_their_order(outbox: Outbox) -> None:
    arrived: list[int] = []

    def send(number: int, pause: float) -> None:
        time.sleep(pause)
        arrived.append(number)

    outbox.submit("first", lambda: send(1, 0.15), key="D1")
    outbox.submit("second", lambda: send(2, 0.0), key="D1")
    outbox.submit("third", lambda: send(3, 0.0), key="D1")
    outbox.drain()
    assert arrived == [1, 2, 3]


def test_sends_with_other_keys_do_not_wait(outbox: Outbox) -> None:
    slow_started = threading.Event()
    release = threading.Event()
    done: list[str] = []

    def slow() -> None:
        slow_started.set()
        release.wait(5)
        done.append("slow")

    outbox.submit("slow", slow, key="D1")
    slow_started.wait(5)
    outbox.submit("other", lambda: done.append("other"), key="D2")
    deadline = time.monotonic() + 5
    while "other" not in done and time.monotonic() < deadline:
        time.sleep(0.01)
    assert done == ["other"]
    release.set()
    outbox.drain()
    assert done == ["other", "slow"]


def test_a_failing_send_is_logged_and_the_next_still_runs(
    outbox: Outbox, caplog: pytest.LogCaptureFixture
) -> None:
    ran: list[str] = []

    def broken() -> None:
        raise RuntimeError("Slack said no")

    outbox.submit("send the broken one", broken, key="D1")
    outbox.submit("send the next", lambda: ran.append("next"), key="D1")
    outbox.drain()
    assert ran == ["next"]
    assert "could not send the broken one" in caplog.text


def test_drain_waits_for_sends_queued_while_draining(outbox: Outbox) -> None:
    ran: list[int] = []
    outbox.submit("a", lambda: (time.sleep(0.1), ran.append(1)), key="D1")
    outbox.submit("b", lambda: ran.append(2), key="D1")
    outbox.drain()
    assert ran == [1, 2]
