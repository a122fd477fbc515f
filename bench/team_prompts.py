"""How fast the worker posts 500 team channels' weekly prompts all due in the same minute.

A PostgreSQL schema of its own holds 500 subscribed channels spread evenly over 50 workspaces
(10 channels each; channel ids "C<workspace>x<n>", one subscriber per channel), every weekly
post due within the same minute, just passed. The fake Slack (a process of its own) answers
every call after 20 ms. One worker process with the default configuration (16 threads, 4
messages a second per workspace) runs the real tick (claim, prepare the post and its prompt,
rate-limited threaded sends, record) until every channel has its post; `--processes 2` runs
two processes that split the workspaces (LANTERN_WORKER_SHARD 0/2 and 1/2).

Reports the time until every channel's post was recorded, when the posts reached the fake
(median, 95th percentile, last), duplicates, and the most messages any workspace received in
any one second. Each run gets a fresh schema; with `--runs N` the median run is reported too.

    python bench/team_prompts.py [--channels 500] [--workspaces 50] [--processes 1,2] [--runs 3]

Targets (issue 5): every post within 2 minutes; no workspace above its rate; no duplicates.
The tick that finds the posts starts up to one tick interval (30 s by default) after they fall
due; the time here runs from that tick's start.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import statistics
import sys
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from dispatch import (  # noqa: E402
    busiest_second,
    run_shard,
    seed_workspaces,
    sent_count,
    serve_fake,
)
from sqlalchemy import func, select, text  # noqa: E402

from bot.worker import WorkerConfig  # noqa: E402
from storage.database import Database, scratch_schema  # noqa: E402
from storage.models import TeamPost, TeamSubscription  # noqa: E402

DEFAULT_URL = os.environ.get("TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")
TARGET_SECONDS = 120.0
DEFAULTS = WorkerConfig()


@dataclass(frozen=True)
class Figures:
    processes: int
    elapsed: float  # until every post was recorded sent
    median_arrival: float  # when the posts reached the fake, from the tick's start
    p95_arrival: float
    last_arrival: float
    posts: int
    channels_posted: int
    duplicates: int
    busiest: int  # the most messages one workspace received in one second
    recorded: int  # posts with their message id stored
    moved_on: int  # subscriptions whose next post is a week later

    def ok(self, channels: int, rate: int) -> bool:
        return (
            self.elapsed < TARGET_SECONDS
            and self.channels_posted == channels
            and self.duplicates == 0
            and self.busiest <= rate
            and self.recorded == channels
            and self.moved_on == channels
        )


def seed(database: Database, *, channels: int, workspaces: int) -> datetime:
    """`channels` subscriptions over `workspaces`, interleaved, all due in the minute just
    passed (seconds spread over it); returns that minute's start."""
    now = datetime.now(UTC)
    minute = now.replace(second=0, microsecond=0) - timedelta(minutes=1)
    with database.engine.begin() as connection:
        seed_workspaces(connection, workspaces=workspaces, now=now)
        connection.execute(
            text(
                "INSERT INTO people (id, workspace_id, external_id, created_at, time_zone, "
                "work_days, work_start_minute, work_end_minute) "
                "SELECT s, (s - 1) % CAST(:workspaces AS integer) + 1, 'U-lead-' || s, :now, "
                "'UTC', '12345', 540, 1020 "
                "FROM generate_series(1, CAST(:channels AS integer)) AS s"
            ),
            {"now": now, "workspaces": workspaces, "channels": channels},
        )
        # Interleaved workspaces, as real Monday mornings are; due times spread over the
        # minute, in UTC, on the weekday and at the time the channel chose.
        connection.execute(
            text(
                "INSERT INTO team_subscriptions (id, workspace_id, channel_id, channel_name, "
                "person_id, weekday, post_minute, time_zone, themes, status, notice_pending, "
                "created_at, updated_at, next_due_at) "
                "SELECT s, (s - 1) % CAST(:workspaces AS integer) + 1, "
                "'C' || ((s - 1) % CAST(:workspaces AS integer) + 1) || 'x' || s, "
                "'team-' || s, s, :weekday, :post_minute, 'UTC', CAST('[]' AS json), "
                "'active', false, :week_ago, :week_ago, "
                ":minute + make_interval(secs => (s * 7) % 60) "
                "FROM generate_series(1, CAST(:channels AS integer)) AS s"
            ),
            {
                "workspaces": workspaces,
                "channels": channels,
                "weekday": minute.isoweekday(),
                "post_minute": minute.hour * 60 + minute.minute,
                "week_ago": now - timedelta(days=7),
                "minute": minute,
            },
        )
        for table in ("workspaces", "people", "team_subscriptions"):
            connection.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT max(id) FROM {table}))"
                )
            )
        connection.execute(text("ANALYZE workspaces, people, team_subscriptions"))
    return minute


def run_once(arguments: argparse.Namespace, url: str, processes: int) -> Figures:
    database = Database(url)
    try:
        database.upgrade()
        minute = seed(database, channels=arguments.channels, workspaces=arguments.workspaces)
        answers: mp.Queue[Any] = mp.Queue()
        stop = mp.Event()
        fake = mp.Process(target=serve_fake, args=(arguments.delay, answers, stop), daemon=True)
        fake.start()
        fake_url = answers.get(timeout=30)
        go = mp.Event()
        ready = mp.Barrier(processes + 1)
        shards = [
            mp.Process(
                target=run_shard,
                args=(database.url, fake_url, (index, processes), arguments, ready, go),
            )
            for index in range(processes)
        ]
        for shard in shards:
            shard.start()
        ready.wait(timeout=60)  # every process has started up: the clock starts now
        started = time.monotonic()
        go.set()
        try:
            while (
                sent_count(database) < arguments.channels
                and time.monotonic() - started < 2 * TARGET_SECONDS
            ):
                time.sleep(0.05)
        finally:
            elapsed = time.monotonic() - started
            for shard in shards:
                shard.join(timeout=60)
            stop.set()
        calls: list[tuple[str, float]] = answers.get(timeout=60)
        fake.join(timeout=10)
        return figures(database, calls, processes, started, elapsed, minute)
    finally:
        database.dispose()


def figures(
    database: Database,
    calls: list[tuple[str, float]],
    processes: int,
    started: float,
    elapsed: float,
    minute: datetime,
) -> Figures:
    per_channel = Counter(channel for channel, _ in calls)
    by_workspace: dict[str, list[float]] = defaultdict(list)
    for channel, arrived in calls:
        by_workspace[channel.partition("x")[0]].append(arrived)
    # Both clocks are the system's monotonic clock, so the fake's arrival times compare.
    arrivals = sorted(arrived - started for _, arrived in calls) or [float("nan")]
    with database.unit_of_work() as uow:
        recorded = uow.session.scalar(
            select(func.count()).select_from(TeamPost).where(TeamPost.message_ts.is_not(None))
        )
        next_week = minute + timedelta(days=7)
        moved_on = uow.session.scalar(
            select(func.count())
            .select_from(TeamSubscription)
            .where(
                TeamSubscription.next_due_at >= next_week,
                TeamSubscription.next_due_at < next_week + timedelta(minutes=1),
            )
        )
    return Figures(
        processes=processes,
        elapsed=elapsed,
        median_arrival=statistics.median(arrivals),
        p95_arrival=arrivals[min(len(arrivals) - 1, int(0.95 * len(arrivals)))],
        last_arrival=arrivals[-1],
        posts=len(calls),
        channels_posted=len(per_channel),
        duplicates=sum(count - 1 for count in per_channel.values()),
        busiest=max((busiest_second(times) for times in by_workspace.values()), default=0),
        recorded=int(recorded or 0),
        moved_on=int(moved_on or 0),
    )


def line(result: Figures) -> str:
    return (
        f"all recorded in {result.elapsed:5.1f} s | reached Slack: median "
        f"{result.median_arrival:4.1f} s, p95 {result.p95_arrival:4.1f} s, last "
        f"{result.last_arrival:4.1f} s | {result.posts} posts to {result.channels_posted} "
        f"channels, {result.duplicates} duplicate(s) | busiest workspace second: "
        f"{result.busiest} | {result.recorded} recorded, {result.moved_on} moved on a week"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--channels", type=int, default=500)
    parser.add_argument("--workspaces", type=int, default=50)
    parser.add_argument(
        "--rate", type=int, default=DEFAULTS.rate_per_workspace, help="messages/s per workspace"
    )
    parser.add_argument("--threads", type=int, default=DEFAULTS.threads, help="per worker process")
    parser.add_argument(
        "--processes",
        default="1",
        help="worker processes splitting the workspaces; several variants as 1,2",
    )
    parser.add_argument("--runs", type=int, default=1, help="runs of each variant")
    parser.add_argument("--delay", type=float, default=0.02, help="the fake's answer time, s")
    parser.add_argument("--url", default=DEFAULT_URL)
    arguments = parser.parse_args()
    variants = [int(n) for n in arguments.processes.split(",")]

    print(
        f"{arguments.channels} channels due in the same minute over {arguments.workspaces} "
        f"workspaces, {arguments.threads} threads per worker process, {arguments.rate} "
        f"messages/s per workspace, fake Slack answering after {arguments.delay * 1000:.0f} ms; "
        f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs"
    )
    all_ok = True
    for processes in variants:
        results: list[Figures] = []
        for run in range(arguments.runs):
            with scratch_schema(arguments.url, prefix="bench") as url:
                result = run_once(arguments, url, processes)
            results.append(result)
            print(f"  {processes} process(es), run {run + 1}: {line(result)}")
        middle = sorted(results, key=lambda r: r.elapsed)[len(results) // 2]
        ok = all(r.ok(arguments.channels, arguments.rate) for r in results)
        all_ok = all_ok and ok
        print(
            f"  {processes} process(es), median of {len(results)}: {line(middle)}\n"
            f"  targets (all within {TARGET_SECONDS:.0f} s, <= {arguments.rate} per "
            f"workspace-second, none twice, all recorded): {'ok' if ok else 'MISSED'}"
        )
    sys.exit(0 if all_ok else 1)


if __name__ == "__main__":
    main()
