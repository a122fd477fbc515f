"""The worker's metrics: each scheduled message counted by kind and outcome, each tick's time
and claims; and `lantern worker` serving them on LANTERN_WORKER_METRICS_PORT, logging JSON."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from bot.core.clock import FixedClock
from bot.core.messages import Reply
from bot.core.sending import SendError, SendFailure
from bot.engine.turns import Engine
from bot.flows.plan_model import SaveActionItem
from bot.observability.worker_metrics import WorkerMetrics
from bot.worker import Worker, WorkerConfig
from content import Content
from storage.database import Database
from tests.bot.test_worker import NEXT_MONDAY_9, SLACK, at, person, relate, settings, store

ROOT = Path(__file__).resolve().parents[2]


class FakeSend:
    """The worker's sender: delivers to everyone but the people told to refuse, and records
    whom it was asked to reach."""

    def __init__(self, refusals: dict[str, SendError]) -> None:
        self.refusals = refusals
        self.calls: list[str] = []

    def __call__(
        self, platform: str, workspace_id: str, user_id: str, replies: tuple[Reply, ...]
    ) -> str:
        self.calls.append(user_id)
        if user_id in self.refusals:
            raise self.refusals[user_id]
        return f"{len(self.calls)}.000100"


@pytest.fixture
def engine(content: Content, database: Database, clock: FixedClock) -> Engine:
    return Engine(content=content, database=database, clock=clock)


@pytest.fixture
def metrics() -> WorkerMetrics:
    return WorkerMetrics()


@pytest.fixture
def send() -> FakeSend:
    return FakeSend(
        {
            "U-ben": SendError("internal_error", SendFailure.TRANSIENT),
            "U-cat": SendError("invalid_blocks", SendFailure.REJECTED),
        }
    )


@pytest.fixture
def worker(engine: Engine, send: FakeSend, metrics: WorkerMetrics) -> Iterator[Worker]:
    config = WorkerConfig(threads=2, rate_per_workspace=20)
    running = Worker(engine, send, platforms=SLACK, config=config, metrics=metrics)
    yield running
    running.close()


def sample(metrics: WorkerMetrics, name: str, **labels: str) -> float:
    return metrics.registry.get_sample_value(name, labels) or 0.0


def messages(metrics: WorkerMetrics, kind: str, outcome: str) -> float:
    return sample(metrics, "lantern_worker_messages_total", kind=kind, outcome=outcome)


def test_a_tick_counts_each_message_by_kind_and_outcome(
    engine: Engine, worker: Worker, send: FakeSend, metrics: WorkerMetrics, clock: FixedClock
) -> None:
    for user in ("U-ana", "U-ben", "U-cat"):
        chat = person(engine, user)
        settings(engine, chat)
        relate(engine, chat, f"Board chair of {user}")
        if user == "U-ana":
            due_on = date(2026, 11, 30)  # reminded at 9:00 that Monday, with the nudges
            store(engine, chat, SaveActionItem(None, "Send the brief", None, due_on, "plan"))
    at(clock, NEXT_MONDAY_9)

    report = worker.tick()

    assert (report.claimed, report.sent, report.retrying, report.not_retried) == (4, 2, 1, 1)
    assert sorted(send.calls) == ["U-ana", "U-ana", "U-ben", "U-cat"]
    assert messages(metrics, "nudge", "sent") == 1
    assert messages(metrics, "action", "sent") == 1
    assert messages(metrics, "nudge", "retried") == 1  # a server error: tried again later
    assert messages(metrics, "nudge", "failed") == 1  # refused for good
    assert messages(metrics, "nudge", "error") == 0
    assert sample(metrics, "lantern_worker_tick_seconds_count") == 1
    assert sample(metrics, "lantern_worker_tick_seconds_sum") > 0
    assert sample(metrics, "lantern_worker_claimed_per_tick_sum") == 4
    assert sample(metrics, "lantern_worker_last_tick_timestamp_seconds") > 0


def test_every_tick_is_timed_even_with_nothing_due(worker: Worker, metrics: WorkerMetrics) -> None:
    worker.tick()
    worker.tick()
    assert sample(metrics, "lantern_worker_tick_seconds_count") == 2
    assert sample(metrics, "lantern_worker_claimed_per_tick_bucket", le="0.0") == 2
    assert sample(metrics, "lantern_worker_claimed_per_tick_sum") == 0
    assert sample(metrics, "lantern_worker_messages_total", kind="nudge", outcome="sent") == 0


def test_two_workers_in_one_process_count_apart(engine: Engine, send: FakeSend) -> None:
    first = Worker(engine, send, platforms=SLACK)
    second = Worker(engine, send, platforms=SLACK)
    try:
        first.tick()
        assert first.metrics.registry.get_sample_value("lantern_worker_tick_seconds_count") == 1
        assert second.metrics.registry.get_sample_value("lantern_worker_tick_seconds_count") == 0
    finally:
        first.close()
        second.close()


# -- `lantern worker` ----------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def worker_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("SLACK_", "LANTERN_", "PROMETHEUS_")) and key != "DATABASE_URL"
    }
    return env | {
        "DATABASE_URL": f"sqlite:///{tmp_path}/worker.db",
        "LANTERN_WORKER_INTERVAL": "1",
        "LOG_LEVEL": "INFO",
        "PYTHONPATH": str(ROOT),
        **extra,
    }


def scrape(port: int, process: subprocess.Popen[str]) -> str:
    """The worker's /metrics once it has ticked twice."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert process.poll() is None, process.stderr.read() if process.stderr else ""
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10) as reply:
                text = str(reply.read().decode("utf-8"))
        except urllib.error.URLError:
            time.sleep(0.1)
            continue
        if "lantern_worker_tick_seconds_count 2.0" in text:
            return text
        time.sleep(0.2)
    raise AssertionError("the worker did not serve two ticks' metrics in 60 s")


def test_the_worker_serves_its_metrics_on_the_port_and_logs_json(tmp_path: Path) -> None:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "worker"],
        env=worker_env(tmp_path, LANTERN_WORKER_METRICS_PORT=str(port)),
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        text = scrape(port, process)
    finally:
        process.send_signal(signal.SIGINT)
        _, errors = process.communicate(timeout=30)

    assert "lantern_worker_claimed_per_tick_count 2.0" in text
    assert "process_resident_memory_bytes" in text  # the process's own, for memory alerts
    assert process.returncode == 0, errors
    records = [json.loads(line) for line in errors.splitlines()]  # stderr is not a terminal
    assert {"time", "level", "logger", "message"} <= records[0].keys()
    messages = [record["message"] for record in records]
    assert f"worker metrics at http://0.0.0.0:{port}/metrics" in messages
    assert "worker stopped" in messages


def test_a_metrics_port_in_use_stops_the_worker_with_one_line(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("0.0.0.0", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "bot.cli", "worker"],
            env=worker_env(tmp_path, LANTERN_WORKER_METRICS_PORT=str(port), LOG_FORMAT="text"),
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    assert result.returncode == 2
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith(f"lantern: LANTERN_WORKER_METRICS_PORT {port}: cannot listen there")
    assert last.endswith("; choose a free port, or unset it.")
    assert "Traceback" not in result.stderr
