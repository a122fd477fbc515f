"""How fast the worker delivers 10,000 due nudges across 100 workspaces, within each rate.

A PostgreSQL schema of its own holds 10,000 people (100 per workspace, user ids "U<ws>x<n>"),
each with one relationship due now; the fake Slack answers every call after 20 ms. One worker
(the real tick: claim, prepare, rate-limited threaded sends, record) runs until all are sent.
Reports the total time and the most messages any workspace received in any one second.

    python bench/dispatch.py [--nudges 10000] [--workspaces 100] [--rate 4] [--threads 16]

Targets (issue 14): all delivered within 30 s by one process (the rate allows 25 s); no workspace
above its configured rate.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import sys
import time
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from multiprocessing.synchronize import Barrier, Event
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import Connection, func, select, text  # noqa: E402

from bot.adapters.slack.sender import SlackSender, worker_client  # noqa: E402
from bot.core.clock import SystemClock  # noqa: E402
from bot.engine.turns import Engine  # noqa: E402
from bot.worker import Worker, WorkerConfig  # noqa: E402
from content import default_content  # noqa: E402
from storage.database import Database, scratch_schema  # noqa: E402
from storage.models import Delivery  # noqa: E402
from tests.fakes.slack_api import FakeSlackApi  # noqa: E402

TARGET_SECONDS = 30.0

DEFAULT_URL = os.environ.get("TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")


def seed_workspaces(connection: Connection, *, workspaces: int, now: datetime) -> None:
    """Slack workspaces 1..n (ids and external ids "T<n>"), in one statement."""
    connection.execute(
        text(
            "INSERT INTO workspaces (id, platform, external_id, created_at) "
            "SELECT w, 'slack', 'T' || w, :now "
            "FROM generate_series(1, CAST(:workspaces AS integer)) AS w"
        ),
        {"now": now, "workspaces": workspaces},
    )


def seed(database: Database, *, nudges: int, workspaces: int) -> None:
    per = nudges // workspaces
    now = datetime.now(UTC)
    with database.engine.begin() as connection:
        seed_workspaces(connection, workspaces=workspaces, now=now)
        # Around the clock, every day, so the bench runs whenever it is started.
        connection.execute(
            text(
                "INSERT INTO people (id, workspace_id, external_id, created_at, time_zone, "
                "work_days, work_start_minute, work_end_minute) "
                "SELECT p, (p - 1) % CAST(:workspaces AS integer) + 1, "
                "'U' || ((p - 1) % CAST(:workspaces AS integer) + 1) || 'x' || "
                "((p - 1) / CAST(:workspaces AS integer)), :now, 'UTC', '1234567', 0, 1440 "
                "FROM generate_series(1, CAST(:total AS integer)) AS p"
            ),
            {"now": now, "workspaces": workspaces, "total": per * workspaces},
        )
        # Interleaved due times: the claim order mixes workspaces as real 9:00s do.
        connection.execute(
            text(
                "INSERT INTO relationships (id, person_id, name, kind, constituency, cadence, "
                "success_measures, paused, created_at, updated_at, next_due_at) "
                "SELECT r, r, 'Partner ' || r, 'person', 'staff', 'weekly', '[]', false, "
                ":week_ago, :week_ago, :due FROM generate_series(1, CAST(:total AS integer)) AS r"
            ),
            {
                "week_ago": now - timedelta(days=7),
                "due": now - timedelta(minutes=1),
                "total": per * workspaces,
            },
        )
        for table in ("workspaces", "people", "relationships"):
            connection.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT max(id) FROM {table}))"
                )
            )
        connection.execute(text("ANALYZE workspaces, people, relationships"))


def run_shard(
    url: str,
    fake_url: str,
    shard: tuple[int, int],
    arguments: argparse.Namespace,
    ready: Barrier,
    go: Event,
) -> None:
    """One worker process serving its share of the workspaces until every nudge is sent."""
    database = Database(url)
    engine = Engine(content=default_content(), database=database, clock=SystemClock())
    config = WorkerConfig(
        interval_seconds=30,
        threads=arguments.threads,
        rate_per_workspace=arguments.rate,
        shard=shard if shard[1] > 1 else None,
    )
    sender = SlackSender(worker_client("xoxb-bench", base_url=fake_url))
    worker = Worker(engine, sender, platforms=frozenset({"slack"}), config=config)
    ready.wait(timeout=60)
    go.wait()
    started = time.monotonic()
    try:
        while time.monotonic() - started < 300:
            if worker.tick(budget_seconds=120).claimed == 0:
                break
    finally:
        worker.close()
        database.dispose()


def sent_count(database: Database) -> int:
    with database.unit_of_work() as uow:
        query = select(func.count()).select_from(Delivery).where(Delivery.status == "sent")
        return int(uow.session.scalar(query) or 0)


def serve_fake(delay: float, out: mp.Queue[Any], stop: Event) -> None:
    """The fake Slack in a process of its own, so its HTTP work does not share the worker's
    interpreter lock; hands back (channel, arrival) of every chat.postMessage when stopped."""
    with FakeSlackApi(delay=delay) as slack:
        out.put(slack.url)
        stop.wait()
        out.put(
            [
                (str(call.args.get("channel")), call.received_at)
                for call in slack.calls_to("chat.postMessage")
            ]
        )


def busiest_second(times: list[float]) -> int:
    """The most of these moments inside any window of one second."""
    times = sorted(times)
    most, start = 0, 0
    for end, moment in enumerate(times):
        while moment - times[start] >= 1.0:
            start += 1
        most = max(most, end - start + 1)
    return most


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nudges", type=int, default=10_000)
    parser.add_argument("--workspaces", type=int, default=100)
    parser.add_argument("--rate", type=int, default=4, help="messages/s per workspace")
    parser.add_argument("--threads", type=int, default=16, help="per worker process")
    parser.add_argument(
        "--processes", type=int, default=1, help="worker processes, each serving a shard"
    )
    parser.add_argument("--delay", type=float, default=0.02, help="the fake's answer time, s")
    parser.add_argument("--url", default=DEFAULT_URL)
    arguments = parser.parse_args()

    with scratch_schema(arguments.url, prefix="bench") as url:
        run(arguments, url)


def run(arguments: argparse.Namespace, url: str) -> None:
    database = Database(url)
    try:
        database.upgrade()
        seed(database, nudges=arguments.nudges, workspaces=arguments.workspaces)
        total = (arguments.nudges // arguments.workspaces) * arguments.workspaces
        answers: mp.Queue[Any] = mp.Queue()
        stop = mp.Event()
        fake = mp.Process(target=serve_fake, args=(arguments.delay, answers, stop), daemon=True)
        fake.start()
        fake_url = answers.get(timeout=30)
        go = mp.Event()
        ready = mp.Barrier(arguments.processes + 1)
        shards = [
            mp.Process(
                target=run_shard,
                args=(database.url, fake_url, (index, arguments.processes), arguments, ready, go),
            )
            for index in range(arguments.processes)
        ]
        for shard in shards:
            shard.start()
        ready.wait(timeout=60)  # every process has started up: the clock starts now
        started = time.monotonic()
        go.set()
        try:
            while sent_count(database) < total and time.monotonic() - started < 300:
                time.sleep(0.05)
        finally:
            elapsed = time.monotonic() - started
            for shard in shards:
                shard.join(timeout=60)
            stop.set()
        calls: list[tuple[str, float]] = answers.get(timeout=60)
        fake.join(timeout=10)
        sent = sent_count(database)
        by_workspace: dict[str, list[float]] = defaultdict(list)
        per_user: dict[str, int] = defaultdict(int)
        for user, arrived in calls:
            per_user[user] += 1
            by_workspace[user.partition("x")[0]].append(arrived)
        busiest = max(busiest_second(times) for times in by_workspace.values())
        print(
            f"{total:,} due nudges, {arguments.workspaces} workspaces, {arguments.processes} "
            f"worker process(es) x {arguments.threads} threads, {arguments.rate} messages/s "
            f"per workspace, fake Slack answering after "
            f"{arguments.delay * 1000:.0f} ms"
        )
        print(
            f"  delivered: {len(calls):,} messages to {len(per_user):,} people "
            f"({sent:,} deliveries recorded sent) in {elapsed:.1f} s "
            f"({len(calls) / elapsed:.0f} messages/s overall)"
        )
        print(f"  duplicates: {sum(n - 1 for n in per_user.values() if n > 1)}")
        print(
            f"  busiest workspace second: {busiest} messages (configured rate {arguments.rate}/s)"
        )
        ok = elapsed < TARGET_SECONDS and busiest <= arguments.rate and len(per_user) == total
        print(
            f"  targets (< {TARGET_SECONDS:.0f} s, <= {arguments.rate} per workspace-second, "
            "all delivered): "
            f"{'ok' if ok else 'MISSED'}"
        )
    finally:
        database.dispose()


if __name__ == "__main__":
    main()
