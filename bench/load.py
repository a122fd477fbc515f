"""Mixed Slack traffic from many clients into several web instances and two workers on PostgreSQL.

One PostgreSQL schema of its own; a fake Slack Web API in a process of its own (answering every
call after `--slack-delay`, counting what it receives); `lantern db upgrade`; `--web` instances
of `lantern serve` (real gunicorn, each with its default WEB_CONCURRENCY x WEB_THREADS, on
ephemeral ports) and `--workers` of `lantern worker` (LANTERN_WORKER_SHARD i/n, ticking every
`--worker-interval` s). Before the run, `--nudges` people in four more workspaces get one
relationship each, falling due one after another over the first three quarters of the run, so
the workers send nudges while the web instances take the traffic.

`--clients` concurrent clients (asyncio; one keep-alive connection per instance, round-robin)
act for `--people` simulated people (one each unless told) for `--seconds`: slash commands, the
reflection modal and its submission, buttons, direct messages that answer toolkit questions,
and retries of the same event_id to the other instance (see load_traffic.py). A person pauses
`--think` s between actions, and acts again only once the turn that runs after the ack has
reached the database. Every response is recorded (status, time until the ack's last byte).

Afterwards the database is counted: every acked reflection and toolkit answer stored exactly
once, every acked event processed, each due nudge sent once (or still legitimately pending), no
delivery twice, nothing the fake Slack received twice. The memory and CPU time of every process
are sampled every few seconds from /proc; errors the processes logged are counted.

    python bench/load.py [--clients 50] [--seconds 60] [--web 2] [--workers 2] [--report-only]
    python bench/load.py --profile /tmp/prof --py-spy ~/.local/bin/py-spy   # where time goes

Targets (issue 7): no 5xx, p99 ack under 100 ms, no duplicated or lost writes, memory flat
after warm-up (reported, not enforced). Exits 1 when a target is missed (unless --report-only).
"""

from __future__ import annotations

import argparse
import asyncio
import http.client
import json
import multiprocessing as mp
import os
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from multiprocessing.synchronize import Event
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import psycopg  # noqa: E402
from load_traffic import (  # noqa: E402
    SLOW_SECONDS,
    Client,
    Landings,
    Ledger,
    Mix,
    Signer,
    command_body,
    make_people,
)
from sqlalchemy import text  # noqa: E402

from content import default_content  # noqa: E402
from storage.database import Database, scratch_schema  # noqa: E402
from tests.fakes.slack_api import ApiCall, FakeSlackApi  # noqa: E402

DEFAULT_URL = os.environ.get("TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")
SECRET = "bench-load-signing-secret"
P99_TARGET_MS = 100.0
NUDGE_PREFIX = "UN"  # user ids of the people the workers nudge
NUDGE_WORKSPACES = 4
TOKEN = re.compile(r"bench[arid]c\d+n\d+")
EXCEPTION_LINE = re.compile(r"^[A-Za-z_][\w.]*(?:Error|Exception|Exit|Interrupt)\b")
ERROR_LINE = re.compile(
    r"\bERROR\b|\bCRITICAL\b|Traceback|\"level\": ?\"(?:error|critical)\"", re.I
)


# -- the fake Slack, in a process of its own -------------------------------------------------


class CountingFake(FakeSlackApi):
    """The tests' fake Slack, keeping counts instead of every call (a minute of load would
    hold hundreds of megabytes of views), and the first modal opened, for the submissions.
    It replaces the fake's private `_record`, the one place every call passes through."""

    def __init__(self, *, delay: float) -> None:
        super().__init__(delay=delay, team_id="T-bench")
        self.methods: Counter[str] = Counter()
        # (channel, text) of every chat.postMessage to a nudged person: any twice is a repeat.
        self.nudge_posts: Counter[tuple[str, str]] = Counter()
        self.first_view: dict[str, Any] | None = None

    def _record(self, call: ApiCall) -> tuple[int, dict[str, str], dict[str, Any]]:
        if call.method == "bench.view":
            return 200, {}, {"ok": True, "view": self.first_view}
        with self._condition:
            self.methods[call.method] += 1
            channel = str(call.args.get("channel", ""))
            if call.method == "chat.postMessage" and channel.startswith(NUDGE_PREFIX):
                self.nudge_posts[(channel, str(call.args.get("text", "")))] += 1
            if call.method == "views.open" and self.first_view is None:
                view = call.args.get("view")
                self.first_view = view if isinstance(view, dict) else None
        return 200, {}, self._default_reply(call)


def serve_fake(delay: float, out: mp.Queue[Any], stop: Event) -> None:
    fake = CountingFake(delay=delay)
    with fake:
        out.put(fake.url)
        stop.wait()
        with fake._condition:
            out.put((dict(fake.methods), list(fake.nudge_posts.items())))


# -- the processes under test ----------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Managed:
    label: str
    process: subprocess.Popen[bytes]
    log: Path
    port: int | None = None


@dataclass
class Fleet:
    """The web instances and workers, each logging to a file of its own."""

    env: dict[str, str]
    logs: Path
    members: list[Managed] = field(default_factory=list)

    def start(
        self,
        label: str,
        arguments: list[str],
        *,
        port: int | None = None,
        env: dict[str, str] | None = None,
    ) -> Managed:
        log = self.logs / f"{label}.log"
        with log.open("wb") as out:
            process = subprocess.Popen(
                [sys.executable, "-m", "bot.cli", *arguments],
                env=env or self.env,
                cwd=self.logs,  # no .env file from the repository
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        member = Managed(label, process, log, port)
        self.members.append(member)
        return member

    def stop(self) -> None:
        # gunicorn drains each worker's outbox on SIGTERM; the worker stops its scheduler on
        # SIGINT, between sends.
        for member in self.members:
            if member.process.poll() is None:
                sig = signal.SIGTERM if member.port is not None else signal.SIGINT
                member.process.send_signal(sig)
        for member in self.members:
            try:
                member.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                member.process.kill()
                member.process.wait(timeout=10)

    def error_lines(self) -> dict[str, list[str]]:
        found: dict[str, list[str]] = {}
        for member in self.members:
            lines = member.log.read_text(errors="replace").splitlines()
            found[member.label] = [line for line in lines if ERROR_LINE.search(line)]
        return found


def summarise(line: str) -> str:
    """A logged error in one line: its message and the exception's last line."""
    try:
        record = json.loads(line)
    except ValueError:
        return line[:300]
    if not isinstance(record, dict):
        return line[:300]
    lines = str(record.get("exception") or "").strip().splitlines()
    # The exception's own line (SQLAlchemy adds the statement and a link after it).
    raised = [line for line in lines if EXCEPTION_LINE.match(line)] or lines
    return f"{record.get('message')}" + (f" ({raised[-1][:200]})" if raised else "")


def wait_healthy(member: Managed, timeout: float = 60.0) -> None:
    assert member.port is not None
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if member.process.poll() is not None:
            raise SystemExit(
                f"{member.label} exited with {member.process.returncode}; see {member.log}"
            )
        try:
            connection = http.client.HTTPConnection("127.0.0.1", member.port, timeout=1)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                connection.close()
                return
            connection.close()
        except OSError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"{member.label} was not healthy within {timeout} s; see {member.log}")


# -- memory ----------------------------------------------------------------------------------


def rss_kb(pid: int) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except (OSError, ValueError):
        return None
    return None


CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float | None:
    """User and system CPU time the process has used so far."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime, stime


def machine_busy() -> tuple[float, float]:
    """(busy, total) CPU time of the whole machine so far, every process of every user."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + values[4]  # idle, iowait
    return float(sum(values) - idle), float(sum(values))


def postgres_pids() -> list[int]:
    """Every process named postgres, when the server runs on this machine."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if (entry / "comm").read_text().strip() == "postgres":
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


def children(pid: int) -> list[int]:
    try:
        found = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return []
    return [int(child) for child in found]


@dataclass
class Usage:
    """Samples of every process: (seconds into the measured run, RSS kB, CPU seconds) by
    label, negative during the warm-up; the whole machine's (at, busy, total) CPU time; and
    the CPU time of PostgreSQL's processes (every user's) since the measured run began."""

    extra: dict[str, int] = field(default_factory=dict)  # label -> pid (the fake, the bench)
    samples: dict[str, list[tuple[float, int, float]]] = field(
        default_factory=lambda: defaultdict(list)
    )
    machine: list[tuple[float, float, float]] = field(default_factory=list)
    # PostgreSQL's processes come and go: each one's CPU time at the start of the measured run
    # (zero for one started since) and when last seen.
    postgres_first: dict[int, float] = field(default_factory=dict)
    postgres_last: dict[int, float] = field(default_factory=dict)
    measuring: bool = False

    @property
    def postgres_cpu(self) -> float:
        return sum(
            last - self.postgres_first.get(pid, 0.0) for pid, last in self.postgres_last.items()
        )

    def sample(self, fleet: Fleet, at: float) -> None:
        pids = list(self.extra.items())
        for member in fleet.members:
            if member.port is None:
                pids.append((member.label, member.process.pid))
                continue
            pids.append((f"{member.label} master", member.process.pid))  # gunicorn's arbiter
            pids += [
                (f"{member.label} worker {child}", child) for child in children(member.process.pid)
            ]
        for label, pid in pids:
            rss, cpu = rss_kb(pid), cpu_seconds(pid)
            if rss is not None and cpu is not None:
                self.samples[label].append((at, rss, cpu))
        self.machine.append((at, *machine_busy()))
        for pid in postgres_pids():
            cpu = cpu_seconds(pid)
            if cpu is not None:
                self.postgres_last[pid] = cpu

    def start_measuring(self, fleet: Fleet) -> None:
        """The measured run begins: a sample at its very start, the baseline of every figure."""
        self.sample(fleet, 0.0)
        self.postgres_first = dict(self.postgres_last)
        self.measuring = True

    def measured(self, label: str) -> list[tuple[float, int, float]]:
        return [sample for sample in self.samples[label] if sample[0] >= 0]


async def sample_usage(
    fleet: Fleet, usage: Usage, started: float, every: float, stop: asyncio.Event
) -> None:
    while True:
        usage.sample(fleet, time.monotonic() - started)
        try:
            await asyncio.wait_for(stop.wait(), every)
            usage.sample(fleet, time.monotonic() - started)
            return
        except TimeoutError:
            continue


# -- the run ---------------------------------------------------------------------------------


def conninfo(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://")


async def check_landings(url: str, landings: Landings, stop: asyncio.Event) -> None:
    """Polls the database for the turns people wait on (one query of each kind per round)."""
    async with await psycopg.AsyncConnection.connect(conninfo(url), autocommit=True) as db:
        while not stop.is_set():
            events = list(landings.events - landings.landed_events)
            if events:
                cursor = await db.execute(
                    "SELECT event_id FROM processed_events WHERE event_id = ANY(%s)", (events,)
                )
                # Only what is still waited on: a person may have moved on during the query,
                # and a stale entry would let their next wait end before it should.
                landings.landed_events.update(
                    row[0] for row in await cursor.fetchall() if row[0] in landings.events
                )
            steps = dict(landings.steps)
            if steps:
                cursor = await db.execute(
                    "SELECT p.external_id, fp.data ->> 'step_id' FROM flow_progress fp "
                    "JOIN people p ON p.id = fp.person_id WHERE fp.flow_id = 'toolkit' "
                    "AND fp.state = 'question' AND p.active_flow = 'toolkit' "
                    "AND p.external_id = ANY(%s)",
                    (list(steps),),
                )
                for user, step in await cursor.fetchall():
                    if steps.get(user) == step and landings.steps.get(user) == step:
                        landings.landed_steps.add((user, step))
            try:
                await asyncio.wait_for(stop.wait(), 0.05)
            except TimeoutError:
                continue


async def peak_connections(url: str, stop: asyncio.Event, out: list[int]) -> None:
    async with await psycopg.AsyncConnection.connect(conninfo(url), autocommit=True) as db:
        while not stop.is_set():
            cursor = await db.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
            )
            row = await cursor.fetchone()
            out.append(int(row[0]) if row else 0)
            try:
                await asyncio.wait_for(stop.wait(), 1.0)
            except TimeoutError:
                continue


async def reflection_modal(
    ports: list[int], signer: Signer, ledger: Ledger, fake_url: str
) -> dict[str, Any]:
    """The reflection modal as the app opens it (the submissions send it back): a few people
    of their own type /reflect, /coach help and /coach reflections on every instance, and
    the fake Slack hands over the first view opened."""
    people = make_people(4 * len(ports), toolkit_share=0.0)
    for person in people:
        person.user = person.user.replace("UB", "UW")  # people of their own, left out of the checks
    landings = Landings()
    client = Client(
        number=0,
        ports=ports,
        people=people,
        signer=signer,
        ledger=ledger,
        landings=landings,
        view={},
        mix=Mix(),
        questions=(1,),
        think=0.0,
        timeout=30.0,
        seed=0,
    )
    try:
        for person in people:
            for words in ("", "help", "reflections"):
                command = "/reflect" if not words else "/coach"
                await client._send("warm_up", command_body(person.user, command, words))
    finally:
        client.close()
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        with urllib.request.urlopen(fake_url + "bench.view", timeout=5) as answer:
            view = json.loads(answer.read()).get("view")
        if view:
            return dict(view)
        await asyncio.sleep(0.1)
    raise SystemExit("the fake Slack never saw the reflection modal open (views.open)")


@dataclass
class RunResult:
    ledger: Ledger
    elapsed: float
    landings_left: int
    connections: list[int]
    load_before: float
    started: float  # time.perf_counter() at the start of the run


async def run_load(
    arguments: argparse.Namespace,
    url: str,
    ports: list[int],
    signer: Signer,
    view: dict[str, Any],
    fleet: Fleet,
    usage: Usage,
    questions: tuple[int, ...],
) -> RunResult:
    ledger = Ledger()
    landings = Landings()
    people = make_people(arguments.people, arguments.toolkit_share)
    # People start at moments of their own, not all in the same millisecond.
    rng = random.Random(arguments.seed)
    for person in people:
        person.ready_at = time.monotonic() + rng.uniform(0, arguments.think)
    mix = Mix(
        export=arguments.export_weight,
        retry_share=arguments.retry_share,
        burst_share=arguments.burst_share,
    )
    clients = [
        Client(
            number=number,
            ports=ports,
            people=people[number - 1 :: arguments.clients],
            signer=signer,
            ledger=ledger,
            landings=landings,
            view=view,
            mix=mix,
            questions=questions,
            think=arguments.think,
            timeout=arguments.timeout,
            seed=arguments.seed * 1000 + number,
        )
        for number in range(1, arguments.clients + 1)
    ]
    stop = asyncio.Event()
    # The same traffic runs `--warm-up` seconds unmeasured first (pools, caches and the first
    # turn of each person), then `--seconds` measured; samples count from the measured start.
    started = time.monotonic() + arguments.warm_up
    connections: list[int] = []
    background = [
        asyncio.create_task(check_landings(url, landings, stop)),
        asyncio.create_task(sample_usage(fleet, usage, started, arguments.sample_every, stop)),
        asyncio.create_task(peak_connections(url, stop, connections)),
    ]
    until = started + arguments.seconds
    running = [asyncio.create_task(client.run(until)) for client in clients]
    await asyncio.sleep(max(0.0, started - time.monotonic()))
    load_before = os.getloadavg()[0]
    usage.start_measuring(fleet)
    ledger.measuring = True
    perf_started = time.perf_counter()
    profilers = start_profilers(arguments, fleet)
    await asyncio.gather(*running)
    elapsed = time.monotonic() - started
    ledger.measuring = False
    for client in clients:
        client.close()
    # The turns that run after the ack: let the last of them land before counting.
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and landings.events - landings.landed_events:
        await asyncio.sleep(0.1)
    left = len(landings.events - landings.landed_events)
    stop.set()
    await asyncio.gather(*background)
    for profiler in profilers:
        profiler.wait(timeout=60)
    return RunResult(ledger, elapsed, left, connections, load_before, perf_started)


def start_profilers(arguments: argparse.Namespace, fleet: Fleet) -> list[subprocess.Popen[bytes]]:
    """With --profile DIR: py-spy samples every gunicorn worker and lantern worker for the
    run (without pausing them), writing collapsed stacks to DIR/<process>.txt."""
    if arguments.profile is None:
        return []
    arguments.profile.mkdir(parents=True, exist_ok=True)
    targets = []
    for member in fleet.members:
        if member.port is None:
            targets.append((member.label, member.process.pid))
        else:
            targets += [(f"{member.label}-{pid}", pid) for pid in children(member.process.pid)]
    return [
        subprocess.Popen(
            [
                arguments.py_spy,
                "record",
                "--pid",
                str(pid),
                "--duration",
                str(int(arguments.seconds)),
                "--rate",
                "200",
                "--nonblocking",
                "--format",
                "raw",
                "--output",
                str(arguments.profile / f"{label}.txt"),
                *{"active": [], "gil": ["--gil"], "idle": ["--idle"]}[arguments.profile_mode],
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for label, pid in targets
    ]


# -- seeding and counting --------------------------------------------------------------------


def seed_nudges(
    database: Database, *, nudges: int, start: datetime, span: float
) -> dict[str, datetime]:
    """`nudges` people over NUDGE_WORKSPACES workspaces, around the clock in UTC, each with one
    weekly relationship last seen a week ago and due at its own moment between `start` and
    `start + span` seconds (interleaved across workspaces, as real mornings are). Returns each
    person's due time."""
    now = datetime.now(UTC)
    step = span / max(1, nudges)
    with database.engine.begin() as connection:
        workspace_ids = [
            connection.execute(
                text(
                    "INSERT INTO workspaces (platform, external_id, created_at) "
                    "VALUES ('slack', :external, :now) RETURNING id"
                ),
                {"external": f"T-nudge-{n}", "now": now},
            ).scalar_one()
            for n in range(1, NUDGE_WORKSPACES + 1)
        ]
        connection.execute(
            text(
                "INSERT INTO people (workspace_id, external_id, created_at, time_zone, "
                "work_days, work_start_minute, work_end_minute) "
                "SELECT (CAST(:ids AS integer[]))[(n - 1) % CAST(:count AS integer) + 1], "
                "'" + NUDGE_PREFIX + "' || n, :now, 'UTC', '1234567', 0, 1440 "
                "FROM generate_series(1, CAST(:nudges AS integer)) AS n"
            ),
            {"ids": workspace_ids, "count": len(workspace_ids), "now": now, "nudges": nudges},
        )
        connection.execute(
            text(
                "INSERT INTO relationships (person_id, name, kind, constituency, cadence, "
                "success_measures, paused, created_at, updated_at, next_due_at) "
                "SELECT id, 'Partner ' || external_id, 'person', 'staff', 'weekly', '[]', "
                "false, :week_ago, :week_ago, "
                ":start + make_interval(secs => CAST(substr(external_id, 3) AS integer) "
                "* CAST(:step AS double precision)) "
                "FROM people WHERE external_id LIKE '" + NUDGE_PREFIX + "%'"
            ),
            {"week_ago": now - timedelta(days=7), "start": start, "step": step},
        )
        connection.execute(text("ANALYZE people, relationships"))
    return {f"{NUDGE_PREFIX}{n}": start + timedelta(seconds=n * step) for n in range(1, nudges + 1)}


def wait_for_nudges(database: Database, *, due_by: datetime, timeout: float) -> None:
    """Until every nudge due by `due_by` is recorded sent (or the time is up)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with database.engine.connect() as connection:
            unsent = connection.execute(
                text(
                    "SELECT count(*) FROM relationships r JOIN people p ON p.id = r.person_id "
                    "WHERE p.external_id LIKE '" + NUDGE_PREFIX + "%' AND r.next_due_at <= :due"
                ),
                {"due": due_by},
            ).scalar_one()
        if unsent == 0:
            return
        time.sleep(0.5)


@dataclass
class Writes:
    reflections_expected: int = 0
    reflections_lost: int = 0
    reflections_duplicated: int = 0
    reflections_unexpected: int = 0  # stored though refused with errors, or never sent
    answers_expected: int = 0
    answers_lost: int = 0
    answers_duplicated: int = 0
    events_acked: int = 0
    events_lost: int = 0  # acked but never processed
    idle_dms_stored: int = 0  # a DM with nothing running must store no reflection or answer
    nudges_seeded: int = 0
    nudges_sent: int = 0
    nudges_pending: int = 0
    nudges_lost: int = 0
    nudges_duplicated: int = 0  # the same nudge received twice by the fake Slack
    deliveries_twice: int = 0  # (kind, item, occurrence) recorded more than once
    nudge_lag: list[float] = field(default_factory=list)  # seconds from due to recorded sent
    examples: list[str] = field(default_factory=list)  # a few of the problems, to look into

    @property
    def bad(self) -> int:
        return (
            self.reflections_lost
            + self.reflections_duplicated
            + self.reflections_unexpected
            + self.answers_lost
            + self.answers_duplicated
            + self.events_lost
            + self.idle_dms_stored
            + self.nudges_lost
            + self.nudges_duplicated
            + self.deliveries_twice
        )


def count_writes(
    database: Database,
    ledger: Ledger,
    nudge_posts: list[tuple[tuple[str, str], int]],
    due: dict[str, datetime],
) -> Writes:
    writes = Writes()
    with database.engine.connect() as connection:
        stored_reflections = Counter(
            token
            for (body,) in connection.execute(text("SELECT text FROM reflections"))
            for token in set(TOKEN.findall(body))
        )
        stored_answers = Counter(
            token
            for (body,) in connection.execute(text("SELECT text FROM answer_revisions"))
            for token in set(TOKEN.findall(body))
        )
        processed = {
            str(event_id)
            for (event_id,) in connection.execute(text("SELECT event_id FROM processed_events"))
        }
        writes.deliveries_twice = int(
            connection.execute(
                text(
                    "SELECT count(*) FROM (SELECT 1 FROM deliveries GROUP BY kind, item_id, "
                    "occurrence HAVING count(*) > 1) AS twice"
                )
            ).scalar_one()
        )
        nudges = connection.execute(
            text(
                "SELECT p.external_id, r.next_due_at, "
                "(SELECT count(*) FROM deliveries d WHERE d.kind = 'nudge' "
                " AND d.item_id = r.id AND d.status = 'sent'), "
                "(SELECT max(d.updated_at) FROM deliveries d WHERE d.kind = 'nudge' "
                " AND d.item_id = r.id AND d.status = 'sent') "
                "FROM relationships r JOIN people p ON p.id = r.person_id "
                "WHERE p.external_id LIKE '" + NUDGE_PREFIX + "%'"
            )
        ).all()

    # Reflections: one for each submission acked 200, none for one refused with errors.
    writes.reflections_expected = len(ledger.reflections_expected)
    for token in ledger.reflections_expected:
        found = stored_reflections.get(token, 0)
        writes.reflections_lost += found == 0
        writes.reflections_duplicated += max(0, found - 1)
        if found != 1 and len(writes.examples) < 5:
            writes.examples.append(f"reflection {token} stored {found}x")
    known = ledger.reflections_expected | ledger.reflections_not_acked
    writes.reflections_unexpected = sum(
        count
        for token, count in stored_reflections.items()
        if token.startswith("bench") and token not in known and token[5] in "ri"
    )
    # Toolkit answers: one revision for each acked message, however often it was delivered.
    writes.answers_expected = len(ledger.answers_expected)
    for token, event_id in ledger.answers_expected.items():
        found = stored_answers.get(token, 0)
        writes.answers_lost += found == 0
        writes.answers_duplicated += max(0, found - 1)
        if found != 1 and len(writes.examples) < 5:
            seen = "processed" if event_id in processed else "never processed"
            writes.examples.append(f"answer {token} (event {event_id}, {seen}) stored {found}x")
    writes.answers_duplicated += sum(
        max(0, stored_answers.get(token, 0) - 1) for token in ledger.answers_unknown
    )
    writes.reflections_duplicated += sum(
        max(0, stored_reflections.get(token, 0) - 1) for token in ledger.reflections_not_acked
    )
    writes.idle_dms_stored = sum(
        stored_reflections.get(token, 0) + stored_answers.get(token, 0) for token in ledger.idle_dms
    )
    writes.events_acked = len(ledger.events_acked)
    writes.events_lost = len(ledger.events_acked - processed)

    # Nudges: due during the run; sent once, or still legitimately waiting.
    received: Counter[str] = Counter()
    for (channel, _text), count in nudge_posts:
        received[channel] += count
        writes.nudges_duplicated += max(0, count - 1)
    for user, next_due, sent, sent_at in nudges:
        writes.nudges_seeded += 1
        seeded = due[str(user)]
        if sent == 1 and received[str(user)] >= 1:
            writes.nudges_sent += 1
            if sent_at is not None:
                writes.nudge_lag.append((sent_at - seeded).total_seconds())
        elif sent == 0 and received[str(user)] == 0 and next_due == seeded:
            # Not claimed yet, or claimed and not yet sent: its due time has not moved on.
            writes.nudges_pending += 1
        else:
            # Moved on without a message, sent twice, or recorded sent without reaching Slack.
            writes.nudges_lost += 1
    return writes


# -- the report ------------------------------------------------------------------------------


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


def latency_line(label: str, values: list[float]) -> str:
    return (
        f"  {label:<17} {len(values):>7} {percentile(values, 0.5):>8.1f} "
        f"{percentile(values, 0.95):>8.1f} {percentile(values, 0.99):>8.1f} "
        f"{(max(values) * 1000 if values else float('nan')):>8.1f}"
    )


def memory_trend(samples: list[tuple[float, int, float]]) -> float | None:
    """MB a minute, the least-squares slope of RSS over time: a few exports in flight at the
    last sample move `last - first` by several MB either way; the slope sees through that."""
    if len(samples) < 6 or samples[-1][0] - samples[0][0] < 60:
        return None
    times = [sample[0] for sample in samples]
    sizes = [sample[1] / 1024 for sample in samples]
    mean_time = statistics.fmean(times)
    mean_size = statistics.fmean(sizes)
    spread = sum((t - mean_time) ** 2 for t in times)
    slope = sum((t - mean_time) * (r - mean_size) for t, r in zip(times, sizes, strict=True))
    return 60 * slope / spread


def memory_lines(usage: Usage) -> list[str]:
    lines = []
    for label in sorted(usage.samples):
        after = usage.measured(label)
        if not after:
            continue
        first, last = after[0][1], after[-1][1]
        peak = max(sample[1] for sample in after)
        growth = last - first
        trend = memory_trend(after)
        lines.append(
            f"  {label:<28} {first / 1024:7.1f} MB -> {last / 1024:7.1f} MB "
            f"({growth / 1024:+6.1f} MB, {100 * growth / max(1, first):+5.1f} %), "
            f"peak {peak / 1024:.1f} MB"
            + (f", trend {trend:+.2f} MB/min" if trend is not None else "")
        )
    return lines


def cpu_lines(usage: Usage, requests: int) -> list[str]:
    """CPU each process used over the measured run, as a share of one core, and per request."""
    lines = []
    web = 0.0
    ours = 0.0
    elapsed = 0.0
    for label in sorted(usage.samples):
        samples = usage.measured(label)
        if len(samples) < 2:
            continue
        (start, _, first), (end, _, last) = samples[0], samples[-1]
        used = last - first
        elapsed = max(elapsed, end - start)
        ours += used
        if label.startswith("web"):
            web += used
        share = 100 * used / max(end - start, 1e-9)
        lines.append(f"  {label:<28} {used:6.1f} s CPU ({share:5.1f} % of a core)")
    if usage.postgres_last:
        used = usage.postgres_cpu
        lines.append(
            f"  {'postgres (all its users)':<28} {used:6.1f} s CPU "
            f"({100 * used / max(elapsed, 1e-9):5.1f} % of a core)"
        )
    machine = [entry for entry in usage.machine if entry[0] >= 0]
    if len(machine) > 1 and elapsed > 0:
        (_, busy0, total0), (_, busy1, total1) = machine[0], machine[-1]
        cores = os.cpu_count() or 1
        lines.append(
            f"  the web processes used {1000 * web / max(1, requests):.1f} ms of CPU per "
            f"request; all of the above {ours:.1f} s; the whole machine was "
            f"{100 * (busy1 - busy0) / max(1.0, total1 - total0):.0f} % busy over {cores} CPUs "
            f"(everything running on it, PostgreSQL and other users included)"
        )
    return lines


def stall_lines(result: RunResult, ports: list[int]) -> list[str]:
    """When the slow answers were sent, by instance and second of the run: many at the same
    moment on one instance point at that instance stalling (or the machine), not at a kind."""
    slow = result.ledger.slow
    if not slow:
        return []
    buckets: Counter[tuple[int, int]] = Counter(
        (port, int(sent - result.started)) for sent, _kind, port, _seconds in slow
    )
    worst = ", ".join(
        f"web{ports.index(port) + 1 if port in ports else '?'} at {second} s: {count}"
        for (port, second), count in buckets.most_common(5)
    )
    return [
        f"answers slower than {SLOW_SECONDS * 1000:.0f} ms: {len(slow)}; the seconds of the run "
        f"(by when they were sent) with the most: {worst}"
    ]


def report(
    arguments: argparse.Namespace,
    result: RunResult,
    writes: Writes,
    usage: Usage,
    fleet: Fleet,
    methods: dict[str, int],
) -> tuple[bool, dict[str, Any]]:
    ledger = result.ledger
    every = [value for values in ledger.latencies.values() for value in values]
    by_status: Counter[int] = Counter()
    for (_kind, status), count in ledger.statuses.items():
        by_status[status] += count
    server_errors = sum(count for status, count in by_status.items() if status >= 500)
    failed = sum(count for status, count in by_status.items() if status != 200)
    p99 = percentile(every, 0.99)
    web_processes = (
        str(arguments.web_concurrency)
        if arguments.web_concurrency is not None
        else os.environ.get("WEB_CONCURRENCY", "2")
    )
    web_threads = os.environ.get("WEB_THREADS", "8")
    connections = "a connection per request" if arguments.no_keep_alive else "keep-alive"
    print(
        f"{arguments.clients} clients for {result.elapsed:.1f} s, {arguments.people} people "
        f"(think {arguments.think} s), {arguments.web} web instance(s) x {web_processes} "
        f"processes x {web_threads} threads, {arguments.workers} worker(s) "
        f"({'unsharded' if arguments.unsharded else 'sharded'}, tick every "
        f"{arguments.worker_interval} s), PostgreSQL, fake Slack answering after "
        f"{arguments.slack_delay * 1000:.0f} ms, "
        f"{connections}; load average {result.load_before:.2f} before, "
        f"{os.getloadavg()[0]:.2f} after, on {os.cpu_count()} CPUs"
    )
    print(
        f"requests: {ledger.requests} ({ledger.requests / result.elapsed:.0f}/s); statuses: "
        + ", ".join(
            f"{status or 'no answer'}: {count}" for status, count in sorted(by_status.items())
        )
        + f"; 5xx: {server_errors}"
        + "".join(f"; {kind} {why}: {count}" for (kind, why), count in ledger.errors.items())
    )
    print(f"ack latency (ms)  {'count':>7} {'p50':>8} {'p95':>8} {'p99':>8} {'max':>8}")
    print(latency_line("all", every))
    for kind in sorted(ledger.latencies):
        print(latency_line(kind, ledger.latencies[kind]))
    print(
        f"writes: reflections {writes.reflections_expected} acked, "
        f"{writes.reflections_lost} lost, {writes.reflections_duplicated} duplicated, "
        f"{writes.reflections_unexpected} unexpected ({len(ledger.reflections_refused)} refused "
        f"with form errors); toolkit answers {writes.answers_expected} acked, "
        f"{writes.answers_lost} lost, {writes.answers_duplicated} duplicated; events "
        f"{writes.events_acked} acked (of {len(ledger.events_sent)} sent), "
        f"{writes.events_lost} never processed; idle DMs stored as something: "
        f"{writes.idle_dms_stored}"
    )
    lag = writes.nudge_lag
    print(
        f"nudges: {writes.nudges_seeded} due during the run, {writes.nudges_sent} sent, "
        f"{writes.nudges_pending} pending, {writes.nudges_lost} lost, "
        f"{writes.nudges_duplicated} received twice, {writes.deliveries_twice} deliveries "
        f"recorded twice; sent after due: median "
        f"{(statistics.median(lag) if lag else float('nan')):.1f} s, max "
        f"{(max(lag) if lag else float('nan')):.1f} s"
    )
    print(
        f"turns waited on after the ack: {dict(ledger.landing_timeouts) or 'none'} timed out, "
        f"{result.landings_left} still unprocessed at the end; requests sent again on a new "
        f"connection (the kept-alive one was closed): {ledger.stale_retries}; Slack calls: "
        + ", ".join(f"{method} {count}" for method, count in sorted(methods.items()))
    )
    for example in writes.examples:
        print(f"    {example}")
    for line in stall_lines(result, [m.port for m in fleet.members if m.port is not None]):
        print(line)
    if result.connections:
        print(f"PostgreSQL connections: peak {max(result.connections)}")
    print("memory (RSS) from the end of the warm-up to the end of the run:")
    for line in memory_lines(usage):
        print(line)
    print("CPU over the run:")
    for line in cpu_lines(usage, ledger.requests):
        print(line)
    errors = fleet.error_lines()
    logged = sum(len(lines) for lines in errors.values())
    print(
        f"error lines logged: {logged}"
        + "".join(f"; {label}: {len(lines)}" for label, lines in errors.items() if lines)
    )
    for label, lines in errors.items():
        for line, count in Counter(summarise(line) for line in lines).most_common(3):
            print(f"    {label}: {count} x {line}")
    ok = server_errors == 0 and failed == 0 and writes.bad == 0 and p99 < P99_TARGET_MS
    print(
        f"targets (no 5xx or failed request, p99 < {P99_TARGET_MS:.0f} ms, no lost or "
        f"duplicated write): {'ok' if ok else 'MISSED'} (p99 {p99:.1f} ms, "
        f"{failed} failed, {writes.bad} write problems)"
    )
    figures = {
        "requests": ledger.requests,
        "seconds": round(result.elapsed, 2),
        "statuses": {str(status): count for status, count in by_status.items()},
        "p50_ms": round(percentile(every, 0.5), 2),
        "p95_ms": round(percentile(every, 0.95), 2),
        "p99_ms": round(p99, 2),
        "max_ms": round(max(every) * 1000, 2) if every else None,
        "per_kind": {
            kind: {
                "count": len(values),
                "p50_ms": round(percentile(values, 0.5), 2),
                "p99_ms": round(percentile(values, 0.99), 2),
            }
            for kind, values in ledger.latencies.items()
        },
        "writes": {k: v for k, v in vars(writes).items() if k not in {"nudge_lag", "examples"}},
        "usage": {label: samples for label, samples in usage.samples.items()},
        "error_lines": logged,
        "ok": ok,
    }
    return ok, figures


# -- main ------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--clients", type=int, default=50, help="concurrent clients")
    parser.add_argument("--seconds", type=float, default=60.0, help="length of the run")
    parser.add_argument("--web", type=int, default=2, help="`lantern serve` instances")
    parser.add_argument("--workers", type=int, default=2, help="`lantern worker` processes")
    parser.add_argument(
        "--web-concurrency", type=int, help="WEB_CONCURRENCY of each instance (default: its own)"
    )
    parser.add_argument(
        "--people",
        type=int,
        help="simulated people, shared out among the clients (default: one per client)",
    )
    parser.add_argument(
        "--think", type=float, default=1.0, help="a person's mean pause between actions, s"
    )
    parser.add_argument("--toolkit-share", type=float, default=0.5, help="people in the toolkit")
    parser.add_argument("--retry-share", type=float, default=0.2, help="DMs Slack sends twice")
    parser.add_argument(
        "--burst-share",
        type=float,
        default=0.0,
        help="toolkit answers sent two at once, one to each web instance (one person typing fast)",
    )
    parser.add_argument(
        "--export-weight",
        type=float,
        default=Mix.export,
        help="how often a person exports, beside the other actions' weights (0: never)",
    )
    parser.add_argument(
        "--nudges", type=int, help="nudges due during the run (default: 8 a second of it)"
    )
    parser.add_argument("--worker-interval", type=float, default=2.0, help="worker tick, s")
    parser.add_argument(
        "--unsharded", action="store_true", help="every worker serves every workspace"
    )
    parser.add_argument("--slack-delay", type=float, default=0.02, help="the fake's answer time")
    parser.add_argument(
        "--warm-up", type=float, default=10.0, help="unmeasured traffic before the run, s"
    )
    parser.add_argument("--sample-every", type=float, default=3.0, help="memory sampling, s")
    parser.add_argument("--timeout", type=float, default=10.0, help="per request, s")
    parser.add_argument(
        "--no-keep-alive", action="store_true", help="a new connection for every request"
    )
    parser.add_argument(
        "--switch-interval",
        type=float,
        help="experiment: sys.setswitchinterval in every process under test (default 0.005)",
    )
    parser.add_argument(
        "--preload",
        type=Path,
        help="experiment: a Python file every process under test runs first (a patch to try)",
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--url", default=DEFAULT_URL, help="PostgreSQL (a scratch schema)")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument("--report-only", action="store_true", help="exit 0 whatever the figures")
    parser.add_argument("--keep-logs", action="store_true", help="keep the processes' logs")
    parser.add_argument("--profile", type=Path, help="py-spy every process into this folder")
    parser.add_argument(
        "--profile-mode",
        choices=("active", "gil", "idle"),
        default="gil",
        help="py-spy samples threads holding the GIL (gil), all active ones, or all (idle)",
    )
    parser.add_argument("--py-spy", default="py-spy", help="the py-spy executable")
    arguments = parser.parse_args()
    if arguments.web < 1 or arguments.workers < 0 or arguments.clients < 1:
        parser.error("--web and --clients must be at least 1, --workers at least 0")
    if arguments.people is None:
        arguments.people = arguments.clients
    if arguments.nudges is None:
        # Half what the workers may send (four workspaces at 4 a second each), so they keep up.
        arguments.nudges = round(8 * arguments.seconds)
    if arguments.people < arguments.clients:
        parser.error("--people must be at least --clients (each client acts for its own people)")

    with scratch_schema(arguments.url, prefix="load") as url:
        ok = run(arguments, url)
    sys.exit(0 if ok or arguments.report_only else 1)


def run(arguments: argparse.Namespace, url: str) -> bool:
    content = default_content()
    questions = tuple(len(step.reflection_questions) for step in content.toolkit.steps)
    logs = Path(tempfile.mkdtemp(prefix="lantern-load-"))
    answers: mp.Queue[Any] = mp.Queue()
    stop_fake = mp.Event()
    fake = mp.Process(
        target=serve_fake, args=(arguments.slack_delay, answers, stop_fake), daemon=True
    )
    fake.start()
    fake_url: str = answers.get(timeout=30)
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("SLACK_", "LANTERN_", "DATABASE_"))
    }
    env.update(
        {
            "SLACK_BOT_TOKEN": "xoxb-bench-load",
            "SLACK_SIGNING_SECRET": SECRET,
            "SLACK_API_URL": fake_url,
            "DATABASE_URL": url,
            "LOG_LEVEL": "WARNING",
            "PYTHONPATH": str(ROOT),
            "LANTERN_WORKER_INTERVAL": str(arguments.worker_interval),
        }
    )
    if arguments.web_concurrency is not None:
        env["WEB_CONCURRENCY"] = str(arguments.web_concurrency)
    # Experiments, through a sitecustomize module every process under test imports first:
    # how often the GIL changes hands (Python's default is 5 ms), and a change to try.
    experiment = []
    if arguments.switch_interval is not None:
        experiment.append(f"import sys\nsys.setswitchinterval({arguments.switch_interval})\n")
    if arguments.preload is not None:
        experiment.append(arguments.preload.read_text())
    if experiment:
        (logs / "sitecustomize.py").write_text("\n".join(experiment))
        env["PYTHONPATH"] = f"{logs}{os.pathsep}{ROOT}"
    fleet = Fleet(env, logs)
    database = Database(url)
    usage = Usage(extra={"fake slack": fake.pid or 0, "bench clients": os.getpid()})
    ok = False
    try:
        upgrade = subprocess.run(
            [sys.executable, "-m", "bot.cli", "db", "upgrade"],
            env=env,
            cwd=logs,
            capture_output=True,
            check=False,
        )
        if upgrade.returncode != 0:
            raise SystemExit(f"lantern db upgrade failed: {upgrade.stderr.decode()[-2000:]}")
        web = [
            fleet.start(f"web{n}", ["serve", "--port", str(port)], port=port)
            for n, port in ((n, free_port()) for n in range(1, arguments.web + 1))
        ]
        for n in range(arguments.workers):
            worker_env = dict(env)
            if not arguments.unsharded and arguments.workers > 1:
                worker_env["LANTERN_WORKER_SHARD"] = f"{n}/{arguments.workers}"
            fleet.start(f"worker{n + 1}", ["worker"], env=worker_env)
        for member in web:
            wait_healthy(member)
        ports = [member.port for member in web if member.port is not None]
        signer = Signer(SECRET, keep_alive=not arguments.no_keep_alive)
        view = asyncio.run(reflection_modal(ports, signer, Ledger(), fake_url))
        start = datetime.now(UTC) + timedelta(seconds=arguments.warm_up + 1)
        span = max(1.0, arguments.seconds * 0.75)
        due = seed_nudges(database, nudges=arguments.nudges, start=start, span=span)
        result = asyncio.run(run_load(arguments, url, ports, signer, view, fleet, usage, questions))
        wait_for_nudges(database, due_by=datetime.now(UTC), timeout=30)
    finally:
        fleet.stop()
        stop_fake.set()
    methods, nudge_posts = answers.get(timeout=30)
    fake.join(timeout=10)
    try:
        writes = count_writes(database, result.ledger, nudge_posts, due)
        ok, figures = report(arguments, result, writes, usage, fleet, methods)
        if arguments.json:
            arguments.json.write_text(json.dumps(figures, indent=2, default=str))
    finally:
        database.dispose()
    if arguments.keep_logs or not ok:
        print(f"logs: {logs}")
    else:
        shutil.rmtree(logs, ignore_errors=True)
    return ok


if __name__ == "__main__":
    main()
