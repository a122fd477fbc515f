"""The worker process: an APScheduler tick that claims what is due and sends it, rate-limited."""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from apscheduler.schedulers.blocking import BlockingScheduler
from sqlalchemy.exc import SQLAlchemyError

from bot.core.sending import Sender, SendError, Senders, SendFailure
from bot.engine.inbox import Inbox
from bot.engine.scheduled import Due, Prepared, ScheduledWork, workspace_pause
from bot.engine.turns import Engine
from bot.observability.worker_metrics import WorkerMetrics
from bot.settings import ConfigError

logger = logging.getLogger(__name__)

Send = Sender
"""Send replies to (platform, workspace id, person or channel id); returns the last message's
id (Slack's ts); raises SendError when the platform refused them. Usually a `Senders`: one
sender per platform."""

BATCH = 200  # most claimed-but-unsent items one worker holds at once
BACKLOG_SECONDS = 10.0
"""A workspace holds at most what its rate sends in this long (or a quarter of the lease), so
every claimed item is sent well inside its lease and one busy workspace cannot fill a batch."""

RATE_WINDOW_SECONDS = 1.05
"""The limiter's second, with a margin: uneven network delays must never land one message
more than the rate inside one second at the platform's end."""

CLAIM_PAUSE_SECONDS = 0.25  # between claims while work is in hand and the last claim was short
IDLE_WAIT_SECONDS = 0.05  # the longest the dispatcher sleeps before looking again
RETENTION_CHECK_SECONDS = 3600.0  # how often a worker looks for workspaces past retention


@dataclass(frozen=True)
class WorkerConfig:
    interval_seconds: float = 30.0
    threads: int = 16
    rate_per_workspace: int = 4  # messages per second per workspace, per worker process
    lease: timedelta = timedelta(minutes=5)
    # (i, n): this process serves the workspaces whose id is i modulo n (None: all of them).
    shard: tuple[int, int] | None = None
    # How long an uninstalled workspace's data is kept; the worker deletes it afterwards.
    keep_uninstalled_for: timedelta = timedelta(days=30)

    @property
    def workspace_backlog(self) -> int:
        seconds = min(BACKLOG_SECONDS, self.lease.total_seconds() / 4)
        return max(1, int(self.rate_per_workspace * seconds))

    @property
    def batch(self) -> int:
        return max(1, min(BATCH, self.threads * 50))


@dataclass
class TickReport:
    claimed: int = 0
    sent: int = 0
    retrying: int = 0
    not_retried: int = 0  # the person cannot be reached, or the platform refused it for good
    not_sent: int = 0  # moved on or released without a message (outside hours, nothing to say)
    errors: int = 0  # unexpected failures; their claims run out and are retried


class WorkspaceLimiter:
    """At most `rate` messages per workspace in any window of RATE_WINDOW_SECONDS, and none
    while the workspace is paused (a 429's Retry-After). A send holds its slot from its start
    until one window after it ends, so however the network delays a message, no `rate` + 1
    of them can reach the platform inside one second. Not thread-safe: the dispatcher's lock
    guards it."""

    def __init__(self, rate: int, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.rate = rate
        self._clock = clock
        self._ended: dict[int, deque[float]] = {}
        self._in_flight: dict[int, int] = {}
        self._paused_until: dict[int, float] = {}

    def wait(self, workspace: int) -> float:
        """Seconds until a send to this workspace may start (0: now); while only sends in
        flight hold its slots, the wait until the dispatcher next looks."""
        now = self._clock()
        wait = max(0.0, self._paused_until.get(workspace, 0.0) - now)
        ended = self._ended.get(workspace)
        while ended and now - ended[0] >= RATE_WINDOW_SECONDS:
            ended.popleft()
        in_flight = self._in_flight.get(workspace, 0)
        if in_flight + len(ended or ()) >= self.rate:
            freed = ended[0] + RATE_WINDOW_SECONDS - now if ended else IDLE_WAIT_SECONDS
            wait = max(wait, freed)
        return wait

    def take(self, workspace: int) -> None:
        self._in_flight[workspace] = self._in_flight.get(workspace, 0) + 1

    def done(self, workspace: int) -> None:
        """A send has ended (delivered or not): its slot frees one window from now."""
        self._in_flight[workspace] = max(0, self._in_flight.get(workspace, 0) - 1)
        self._ended.setdefault(workspace, deque()).append(self._clock())

    def pause(self, workspace: int, seconds: float) -> None:
        until = self._clock() + seconds
        self._paused_until[workspace] = max(self._paused_until.get(workspace, 0.0), until)

    def paused_workspaces(self) -> set[int]:
        now = self._clock()
        return {workspace for workspace, until in self._paused_until.items() if until > now}


class Worker:
    """Claims due items, prepares them and sends them on a thread pool, each workspace within
    its rate. Holds the pool and the limiter across ticks (a Retry-After outlives a tick)."""

    def __init__(
        self,
        engine: Engine,
        send: Send,
        *,
        platforms: frozenset[str] | None = None,
        config: WorkerConfig | None = None,
        metrics: WorkerMetrics | None = None,
    ) -> None:
        """`platforms`: those `send` reaches (by default, a `Senders`' own)."""
        if platforms is None:
            if not isinstance(send, Senders):
                # Guessing none would quietly hold every message back a day at a time.
                raise TypeError("Worker: say which platforms this sender reaches (platforms=...)")
            platforms = send.platforms
        self.engine = engine
        self.send = send
        self.config = config or WorkerConfig()
        self.metrics = metrics or WorkerMetrics()
        self.work = ScheduledWork(engine, platforms=platforms)
        self.limiter = WorkspaceLimiter(self.config.rate_per_workspace)
        self._pool = ThreadPoolExecutor(
            max_workers=self.config.threads, thread_name_prefix="worker-send"
        )
        self._changed = threading.Condition()
        self._queues: dict[int, deque[Prepared]] = {}
        self._held: dict[int, int] = {}  # claimed and not yet finished, per workspace
        self._sending = 0
        self._report = TickReport()
        self._next_retention_check = 0.0

    def close(self) -> None:
        self._pool.shutdown(wait=True)

    # -- the tick --------------------------------------------------------------------------

    def tick(self, *, budget_seconds: float | None = None) -> TickReport:
        """Claim and send until nothing is due or the budget (0.9 of the interval) is spent;
        then finish what is in hand, since it is claimed."""
        budget = self.config.interval_seconds * 0.9 if budget_seconds is None else budget_seconds
        started = time.monotonic()
        deadline = started + budget
        self._delete_expired_workspaces()
        self._report = TickReport()
        next_claim = 0.0
        nothing_due = False
        backlog = self.config.workspace_backlog  # a property: worked out once, not per loop
        while True:
            moment = time.monotonic()
            with self._changed:
                held = sum(self._held.values())
                skip = sorted(
                    {workspace for workspace, count in self._held.items() if count >= backlog}
                    | self.limiter.paused_workspaces()
                )
            if held == 0 and (nothing_due or moment >= deadline):
                break
            if moment < deadline and (
                held == 0 or (held <= self.config.batch // 2 and moment >= next_claim)
            ):
                wanted = self.config.batch - held
                claimed = self._claim(wanted, skip)
                if claimed is None:  # the database is unreachable: try again next tick
                    deadline = moment
                    continue
                nothing_due = not claimed and held == 0
                if len(claimed) < wanted:
                    next_claim = moment + CLAIM_PAUSE_SECONDS
            self._dispatch()
        logger.log(
            logging.INFO if self._report.claimed else logging.DEBUG,
            "worker tick: %s",
            self._report,
        )
        self.metrics.tick(time.monotonic() - started, self._report.claimed)
        return self._report

    def _delete_expired_workspaces(self) -> None:
        """Once an hour: workspaces uninstalled longer ago than retention, with all their data."""
        moment = time.monotonic()
        if moment < self._next_retention_check:
            return
        self._next_retention_check = moment + RETENTION_CHECK_SECONDS
        try:
            self.engine.workspaces.delete_expired(keep_data_for=self.config.keep_uninstalled_for)
        except SQLAlchemyError:
            logger.exception("could not delete uninstalled workspaces; trying again next hour")

    def _claim(self, wanted: int, skip: list[int]) -> list[Due] | None:
        try:
            claimed = self.work.claim(
                self.engine.clock.now(),
                limit=wanted,
                lease=self.config.lease,
                skip_workspaces=skip,
                shard=self.config.shard,
            )
        except SQLAlchemyError:
            logger.exception("worker tick: cannot claim (database unreachable)")
            return None
        with self._changed:
            self._report.claimed += len(claimed)
            for due in claimed:
                self._held[due.workspace_key] = self._held.get(due.workspace_key, 0) + 1
        by_kind: dict[str, list[Due]] = {}
        for due in claimed:
            by_kind.setdefault(due.kind, []).append(due)
        for kind, dues in by_kind.items():
            # One transaction per chunk: a few statements for many items (nudges come in 25s).
            chunk = self.work.chunk(kind)
            for start in range(0, len(dues), chunk):
                self._pool.submit(self._prepare, dues[start : start + chunk])
        return claimed

    def _dispatch(self) -> None:
        """Start every send a free thread and its workspace's rate allow; then wait a moment
        for a send or a preparation to finish, or for a workspace's next turn."""
        with self._changed:
            soonest = IDLE_WAIT_SECONDS
            for workspace in list(self._queues):
                queue = self._queues[workspace]
                while queue and self._sending < self.config.threads:
                    wait = self.limiter.wait(workspace)
                    if wait > 0:
                        soonest = min(soonest, wait)
                        break
                    self.limiter.take(workspace)
                    self._sending += 1
                    self._pool.submit(self._send, queue.popleft())
                if not queue:
                    del self._queues[workspace]
            self._changed.wait(timeout=soonest)

    def _finish(self, workspace: int) -> None:
        with self._changed:
            self._held[workspace] -= 1
            if self._held[workspace] <= 0:
                del self._held[workspace]
            self._changed.notify_all()

    # -- on the pool -----------------------------------------------------------------------

    def _prepare(self, dues: list[Due]) -> None:
        self._queue_prepared(dues, lambda now: self.work.prepare_many(dues, now))

    def _queue_prepared(
        self,
        dues: list[Due],
        prepare: Callable[[datetime], list[tuple[Due, Prepared | None]]],
    ) -> None:
        """Prepare claimed items and queue each message for its workspace's turn."""
        try:
            results = prepare(self.engine.clock.now())
        except Exception:
            logger.exception(
                "could not prepare %d item(s); their claims run out and they are retried",
                len(dues),
            )
            with self._changed:
                self._report.errors += len(dues)
            for due in dues:
                self.metrics.message(due.kind, "error")
                self._finish(due.workspace_key)
            return
        for due, prepared in results:
            if prepared is None:
                with self._changed:
                    self._report.not_sent += 1
                self._finish(due.workspace_key)
                continue
            with self._changed:
                self._queues.setdefault(due.workspace_key, deque()).append(prepared)
                self._changed.notify_all()

    def _send(self, prepared: Prepared) -> None:
        workspace = prepared.due.workspace_key
        try:
            try:
                ts = self._post(prepared)
                if ts is None:
                    with self._changed:
                        self._report.not_sent += 1
                    return
            except SendError as error:
                self._failed(prepared, error)
            except Exception as error:
                logger.exception("unexpected error sending a %s; retrying it", prepared.due.kind)
                self._failed(prepared, SendError(type(error).__name__, SendFailure.TRANSIENT))
            else:
                self.work.record_sent(prepared, ts, self.engine.clock.now())
                with self._changed:
                    self._report.sent += 1
                self.metrics.message(prepared.due.kind, "sent")
        except Exception:
            # Sent but not recorded (the database failed): the claim runs out and the item is
            # sent again; this is the only way a message goes twice.
            logger.exception("could not record a %s; it will be retried", prepared.due.kind)
            with self._changed:
                self._report.errors += 1
            self.metrics.message(prepared.due.kind, "error")
        finally:
            with self._changed:
                self._sending -= 1
            self._finish(workspace)

    def _post(self, prepared: Prepared) -> str | None:
        """Send it, unless it is no longer wanted (None): a channel's post may have waited for
        its workspace's turn while someone paused or changed it."""
        try:
            if not self.work.still_wanted(prepared, self.engine.clock.now()):
                return None
            return self.send(
                prepared.platform, prepared.workspace_id, prepared.user_id, prepared.replies
            )
        finally:
            with self._changed:
                self.limiter.done(prepared.due.workspace_key)
                self._changed.notify_all()

    def _failed(self, prepared: Prepared, error: SendError) -> None:
        workspace = prepared.due.workspace_key
        waiting: list[Prepared] = []
        pause = workspace_pause(error)  # a rate limit, or the workspace's token refused
        if pause:
            with self._changed:
                self.limiter.pause(workspace, pause)
                if pause > self.config.lease.total_seconds() / 4:
                    # A long pause: hand this workspace's waiting items back rather than hold
                    # them past their lease; they are claimed again once it is over.
                    waiting = list(self._queues.pop(workspace, ()))
        until = self.engine.clock.now() + timedelta(seconds=pause or 0)
        for other in waiting:
            self.work.release(other.due, until=until)
            with self._changed:
                self._report.not_sent += 1
            self._finish(workspace)
        delay = self.work.record_failed(prepared, error, self.engine.clock.now())
        with self._changed:
            if delay is None:
                self._report.not_retried += 1
            else:
                self._report.retrying += 1
        self.metrics.message(prepared.due.kind, "failed" if delay is None else "retried")
        logger.warning(
            "could not send a %s (%s: %s); %s",
            prepared.due.kind,
            error.reason,
            error.code,
            "not retrying it" if delay is None else f"retrying in {delay}",
        )


INBOX_SWEEP_SECONDS = 5.0
"""How often the worker looks for turns and replies the web processes left behind."""


def take_left_behind(inbox: Inbox) -> int:
    """Take the turns and send the replies that no web process is seeing to (all of them down,
    or one died): the worker is the last one to look. How many people it saw to."""
    try:
        people = inbox.left_behind()
    except SQLAlchemyError:
        logger.exception("cannot look at the inbox; trying again")
        return 0
    for key in people:
        inbox.drain(key)
    if people:
        logger.info("took over the turns and replies of %d people left behind", len(people))
    return len(people)


def run_worker(
    engine: Engine,
    send: Send,
    *,
    platforms: frozenset[str] | None = None,
    config: WorkerConfig,
    metrics_port: int | None = None,
    inbox: Inbox | None = None,
) -> None:
    """Tick every `config.interval_seconds` until stopped; one tick at a time (a long tick makes
    the next wait, never overlap). With `metrics_port`, serve /metrics there. With `inbox`,
    also take over, every few seconds, what the web processes left behind."""
    metrics = WorkerMetrics().with_process_metrics()
    if metrics_port is not None:
        serve_metrics(metrics, metrics_port)
    worker = Worker(engine, send, platforms=platforms, config=config, metrics=metrics)
    scheduler = BlockingScheduler(timezone="UTC")
    scheduler.add_job(
        worker.tick,
        "interval",
        seconds=config.interval_seconds,
        id="tick",
        max_instances=1,
        coalesce=True,
        next_run_time=datetime.now(UTC),  # the first tick at once, not one interval later
    )
    if inbox is not None:
        scheduler.add_job(
            take_left_behind,
            "interval",
            args=(inbox,),
            seconds=INBOX_SWEEP_SECONDS,
            id="inbox",
            max_instances=1,
            coalesce=True,
        )
    logger.info(
        "worker started: ticking every %s s, %d threads, %d messages/s per workspace",
        config.interval_seconds,
        config.threads,
        config.rate_per_workspace,
    )
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        logger.info("worker stopped")
    finally:
        worker.close()


def serve_metrics(metrics: WorkerMetrics, port: int) -> None:
    """/metrics (any path, in fact) on `port`, from a daemon thread of prometheus_client's."""
    from prometheus_client import start_http_server

    try:
        start_http_server(port, registry=metrics.registry)
    except OSError as error:
        raise ConfigError(
            f"LANTERN_WORKER_METRICS_PORT {port}: cannot listen there ({error.strerror or error})"
            "; choose a free port, or unset it."
        ) from error
    logger.info("worker metrics at http://0.0.0.0:%d/metrics", port)
