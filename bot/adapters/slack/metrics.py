"""GET /metrics for the web process: requests by surface and status, ack times, the backlog."""

from __future__ import annotations

import hmac
import io
import logging
import os
import re
import time
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Histogram, multiprocess, values
from prometheus_client.exposition import choose_encoder
from prometheus_client.metrics_core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlalchemy.exc import SQLAlchemyError

from bot.adapters.slack.outbox import Outbox
from bot.adapters.slack.web import (
    EVENTS_PATH,
    HEALTH_PATH,
    INSTALL_PATH,
    MAX_BODY_BYTES,
    OAUTH_REDIRECT_PATH,
    Environ,
    SlackWebApp,
    StartResponse,
)
from storage.database import Database
from storage.metrics_queries import due_backlog

logger = logging.getLogger(__name__)

METRICS_PATH = "/metrics"
MULTIPROCESS_ENV = "PROMETHEUS_MULTIPROC_DIR"
SLOW_ACK_SECONDS = 1.0
"""Slack waits 3 s for an ack; one that takes over a second is a warning well before that."""

ACK_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 3.0, 5.0, 10.0)
SLACK_SURFACES = frozenset({"command", "action", "view", "event"})


def use_multiprocess_dir(path: str) -> None:
    """Count in files under `path`, shared by every process forked from now on (gunicorn's
    workers), so any worker's /metrics adds up all of them. prometheus_client chooses how
    metrics store their values when it is first imported, which the command line may have done
    before this directory was set: choose again."""
    os.environ[MULTIPROCESS_ENV] = path
    values.ValueClass = values.get_value_class()  # type: ignore[no-untyped-call]


class QueueDepth(Collector):
    """lantern_queue_depth{table}: scheduled items due now that no worker holds, counted in the
    database at each scrape, so the web process shows the workers' backlog wherever they run."""

    def __init__(self, database: Database, now: Callable[[], datetime]) -> None:
        self.database = database
        self.now = now

    def describe(self) -> Iterable[Metric]:
        return [self._family()]

    def collect(self) -> Iterable[Metric]:
        try:
            with self.database.unit_of_work() as uow:
                counts = due_backlog(uow.session, now=self.now())
        except SQLAlchemyError as error:
            # The rest of /metrics still answers; /healthz is what reports the database.
            logger.warning("metrics: cannot count the backlog (%s)", type(error).__name__)
            return []
        family = self._family()
        for table, due in sorted(counts.items()):
            family.add_metric([table], due)
        return [family]

    @staticmethod
    def _family() -> GaugeMetricFamily:
        return GaugeMetricFamily(
            "lantern_queue_depth",
            "Scheduled items due now and not claimed by any worker, by table.",
            labels=["table"],
        )


class InboxDepth(Collector):
    """lantern_inbox_waiting{queue}: turns kept and not yet taken (inbox), and replies kept and
    not yet sent (outbox). Both stay near zero; a number that grows means turns or sends are
    stuck (Slack refusing, a database too slow), and nothing of them is lost meanwhile."""

    def __init__(self, database: Database) -> None:
        self.database = database

    def describe(self) -> Iterable[Metric]:
        return [self._family()]

    def collect(self) -> Iterable[Metric]:
        try:
            with self.database.unit_of_work() as uow:
                counts = {"inbox": uow.inbox.count(), "outbox": uow.outbox.count()}
        except SQLAlchemyError as error:
            logger.warning("metrics: cannot count the inbox (%s)", type(error).__name__)
            return []
        family = self._family()
        for queue, waiting in counts.items():
            family.add_metric([queue], waiting)
        return [family]

    @staticmethod
    def _family() -> GaugeMetricFamily:
        return GaugeMetricFamily(
            "lantern_inbox_waiting",
            "Turns kept but not yet taken (inbox) and replies kept but not yet sent (outbox).",
            labels=["queue"],
        )


class WebMetrics:
    """The web process's metrics, in `registry` (a fresh one each: tests do not share counts)."""

    def __init__(self, registry: CollectorRegistry) -> None:
        self.registry = registry
        self.requests = Counter(
            "lantern_http_requests",
            "HTTP requests, by surface (command, action, view, event, oauth, health, metrics, "
            "other) and status code.",
            ["surface", "status"],
            registry=registry,
        )
        self.ack_seconds = Histogram(
            "lantern_slack_ack_seconds",
            "Seconds from a Slack request's arrival to its answer (the ack), by surface.",
            ["surface"],
            buckets=ACK_BUCKETS,
            registry=registry,
        )
        self.slow_acks = Counter(
            "lantern_slack_slow_acks",
            "Slack requests answered after more than 1 s (Slack gives up at 3 s), by surface.",
            ["surface"],
            registry=registry,
        )
        # labels() costs more than the count itself: each label set's child is kept.
        self._requests: dict[tuple[str, str], Counter] = {}
        self._acks: dict[str, tuple[Histogram, Counter]] = {}

    def request(self, surface: str, status: str) -> None:
        child = self._requests.get((surface, status))
        if child is None:
            child = self._requests.setdefault(
                (surface, status), self.requests.labels(surface, status)
            )
        child.inc()

    def ack(self, surface: str, seconds: float) -> None:
        children = self._acks.get(surface)
        if children is None:
            children = self._acks.setdefault(
                surface, (self.ack_seconds.labels(surface), self.slow_acks.labels(surface))
            )
        timing, slow = children
        timing.observe(seconds)
        if seconds > SLOW_ACK_SECONDS:
            slow.inc()


def _has_field(form: bytes, name: bytes) -> bool:
    """Whether a url-encoded form has this field: values are encoded, so no value can fake it."""
    return form.startswith(name + b"=") or b"&" + name + b"=" in form


# A modal's submit or close, read in the url-encoded JSON without decoding it (decoding a
# payload costs a hundred times more). A quote a person typed is escaped in the JSON (\"),
# so `"type":"view_submission"` can only be the payload's own type.
_VIEW_PAYLOAD = re.compile(
    rb"%22type%22(?:%3A|:)(?:\+|%20)*%22view_(?:submission|closed)%22", re.IGNORECASE
)


def surface_of(path: str, method: str, content_type: str, body: bytes | None) -> str:
    """Which surface a request is: a slash command, a button or menu (action), a modal's
    submit or close (view), an Events API event, the install pages (oauth), the health check,
    or other. Only the shape is read; whether it is signed is the app's business."""
    if path == HEALTH_PATH:
        return "health"
    if path in (INSTALL_PATH, OAUTH_REDIRECT_PATH):
        return "oauth"
    if path != EVENTS_PATH or method != "POST" or not body:
        return "other"
    if content_type.startswith("application/json"):
        return "event"
    if _has_field(body, b"command"):
        return "command"
    if _has_field(body, b"payload"):
        # A plain search first: most payloads are buttons, and it is many times cheaper.
        maybe_view = b"view_submission" in body or b"view_closed" in body
        return "view" if maybe_view and _VIEW_PAYLOAD.search(body) else "action"
    return "other"


def _bearer_matches(environ: Environ, token: str) -> bool:
    scheme, _, given = environ.get("HTTP_AUTHORIZATION", "").partition(" ")
    # Compared in constant time, as bytes: a header may carry any characters.
    return scheme.lower() == "bearer" and hmac.compare_digest(
        given.strip().encode("utf-8", "surrogateescape"), token.encode("utf-8")
    )


class MetricsMiddleware:
    """Wraps the web app: serves GET /metrics and counts every other request on its way through.

    Under gunicorn each worker process counts into files of a shared directory (see
    `use_multiprocess_dir`), and a scrape of any worker adds them all up; elsewhere (tests,
    a single process) the counts live in this middleware's own registry.
    """

    def __init__(
        self,
        app: SlackWebApp,
        *,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
        timer: Callable[[], float] = time.perf_counter,
        registry: CollectorRegistry | None = None,
        token: str | None = None,
    ) -> None:
        self.app = app
        self.timer = timer
        self.token = token
        self.metrics = WebMetrics(registry or CollectorRegistry())
        queue_depth = QueueDepth(app.database, now)
        shared = os.environ.get(MULTIPROCESS_ENV)
        if shared:
            self.scraped = CollectorRegistry()
            multiprocess.MultiProcessCollector(self.scraped, path=shared)  # type: ignore[no-untyped-call]
        else:
            self.scraped = self.metrics.registry
        self.scraped.register(queue_depth)
        self.scraped.register(InboxDepth(app.database))

    # The wrapped app's parts, which tests reach for on whatever build_web_app returned.
    @property
    def outbox(self) -> Outbox:
        return self.app.outbox

    @property
    def database(self) -> Database:
        return self.app.database

    def __call__(self, environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        method = environ.get("REQUEST_METHOD", "GET")
        if path == METRICS_PATH:
            return self._scrape(environ, start_response)
        started = self.timer()
        surface = surface_of(path, method, environ.get("CONTENT_TYPE", ""), _peek_body(environ))
        statuses: list[str] = []

        def recording(status: str, headers: list[tuple[str, str]], *args: Any) -> Any:
            statuses.append(status.split(" ", 1)[0])
            return start_response(status, headers, *args)

        try:
            answer = self.app(environ, recording)
        except BaseException:
            self._count(surface, "500", started)
            raise
        # SlackWebApp has done all its work when it returns: the body is a list of bytes.
        self._count(surface, statuses[0] if statuses else "500", started)
        return answer

    def _count(self, surface: str, status: str, started: float) -> None:
        self.metrics.request(surface, status)
        if surface in SLACK_SURFACES:
            seconds = self.timer() - started
            self.metrics.ack(surface, seconds)

    def _scrape(self, environ: Environ, start_response: StartResponse) -> list[bytes]:
        if environ.get("REQUEST_METHOD", "GET") != "GET":
            self.metrics.request("metrics", "405")
            data = b"method not allowed"
            start_response(
                "405 Method Not Allowed",
                [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(data)))],
            )
            return [data]
        if self.token is not None and not _bearer_matches(environ, self.token):
            self.metrics.request("metrics", "401")
            data = b"a bearer token is needed for /metrics"
            start_response(
                "401 Unauthorized",
                [
                    ("Content-Type", "text/plain; charset=utf-8"),
                    ("Content-Length", str(len(data))),
                    ("WWW-Authenticate", 'Bearer realm="metrics"'),
                ],
            )
            return [data]
        self.metrics.request("metrics", "200")
        encoder, content_type = choose_encoder(environ.get("HTTP_ACCEPT", ""))
        data = encoder(self.scraped)
        start_response(
            "200 OK", [("Content-Type", content_type), ("Content-Length", str(len(data)))]
        )
        return [data]


def _peek_body(environ: Environ) -> bytes | None:
    """Read a request's body to tell its surface, and put it back for the app to read."""
    if environ.get("PATH_INFO") != EVENTS_PATH or environ.get("REQUEST_METHOD") != "POST":
        return None
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return None
    if length <= 0 or length > MAX_BODY_BYTES:
        return None  # the app answers these without reading them
    body: bytes = environ["wsgi.input"].read(length)
    environ["wsgi.input"] = io.BytesIO(body)
    return body
