"""GET /metrics on the web app: signed Slack requests counted by surface and status, ack times,
acks over a second, and the workers' backlog read from the database at each scrape; then the
same under gunicorn, where two worker processes count into one total and log in JSON."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from urllib.parse import urlencode
from wsgiref.simple_server import make_server

import pytest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import select

from bot.adapters.slack.metrics import MetricsMiddleware, surface_of
from bot.adapters.slack.server import drain_on_exit
from bot.adapters.slack.web import SlackWebApp
from bot.core.clock import FixedClock
from storage.database import Database
from storage.models import ActionItem, Person, Relationship, Workspace
from tests.bot.adapters.slack.harness import (
    CHANNEL,
    SECRET,
    SlackHarness,
    _QuietHandler,
    _ThreadingWSGIServer,
    buttons,
    running_app,
)
from tests.bot.adapters.slack.test_serve import free_port, serve_env, signed_reflect, start_serve
from tests.fakes.slack_api import FakeSlackApi

Samples = dict[tuple[str, tuple[tuple[str, str], ...]], float]


def scrape(harness: SlackHarness) -> Samples:
    """Every sample of GET /metrics, by name and labels."""
    response = harness.request("GET", "/metrics")
    assert response.status == 200
    assert response.headers["content-type"].startswith("text/plain; version=0.0.4")
    return parse(response.text)


def parse(text: str) -> Samples:
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def value(samples: Samples, name: str, **labels: str) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


def requests(samples: Samples, surface: str, status: str) -> float:
    return value(samples, "lantern_http_requests_total", surface=surface, status=status)


@contextmanager
def serving(app: Any) -> Iterator[int]:
    """Serve a WSGI app on 127.0.0.1 (port 0); yields the port."""
    server = make_server(
        "127.0.0.1", 0, app, server_class=_ThreadingWSGIServer, handler_class=_QuietHandler
    )
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.01})
    thread.start()
    try:
        yield int(server.server_address[1])
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


class StepTimer:
    """A clock for the middleware that moves `step` seconds each time it is read, so a
    request takes exactly `step` seconds by it."""

    def __init__(self, step: float) -> None:
        self.step = step
        self.now = 0.0

    def __call__(self) -> float:
        self.now += self.step
        return self.now


def behind_metrics(slack: SlackHarness, app: MetricsMiddleware, port: int) -> SlackHarness:
    """The harness, talking to another front for the same app on `port`."""
    return SlackHarness(
        web_app=app.app, fake=slack.fake, port=port, database_url=slack.database_url
    )


# -- counting requests ---------------------------------------------------------------------


def test_the_app_is_served_behind_the_metrics_middleware(slack: SlackHarness) -> None:
    assert isinstance(slack.web_app, MetricsMiddleware)
    assert isinstance(slack.web_app.app, SlackWebApp)


def test_each_surface_is_counted_by_status_and_its_acks_timed(slack: SlackHarness) -> None:
    # A slash command, whose form opens in a modal, and the modal's submit.
    assert slack.command("/reflect", "").status == 200
    [opened] = slack.fake.wait_for("views.open")
    submitted = slack.submit_view(opened.args["view"], {"reflection": "Counted, not logged."})
    assert submitted.status == 200
    # A button pressed under the toolkit's list (shown privately), and a direct message.
    listing = slack.command("/coach", "toolkit", channel=CHANNEL).json()
    pressed = slack.press(buttons(listing["blocks"])[0], channel=CHANNEL, ephemeral=True)
    assert pressed.status == 200
    assert slack.dm("hello").status == 200
    # One more command, one refused, the health check and a path nobody serves.
    assert slack.command("/reflect", "Signed and saved.").status == 200
    assert slack.post_form({"command": "/reflect", "user_id": "U1"}, sign=False).status == 401
    assert slack.request("GET", "/healthz").status == 200
    assert slack.request("GET", "/nowhere").status == 404
    slack.drain()

    samples = scrape(slack)

    assert requests(samples, "command", "200") == 3
    assert requests(samples, "command", "401") == 1
    assert requests(samples, "view", "200") == 1
    assert requests(samples, "action", "200") == 1
    assert requests(samples, "event", "200") == 1
    assert requests(samples, "health", "200") == 1
    assert requests(samples, "other", "404") == 1
    assert requests(samples, "metrics", "200") == 1  # this scrape
    # Every Slack request's ack is timed, refused or not; health checks and scrapes are not.
    assert value(samples, "lantern_slack_ack_seconds_count", surface="command") == 4
    assert value(samples, "lantern_slack_ack_seconds_count", surface="view") == 1
    assert value(samples, "lantern_slack_ack_seconds_count", surface="action") == 1
    assert value(samples, "lantern_slack_ack_seconds_count", surface="event") == 1
    assert value(samples, "lantern_slack_ack_seconds_count", surface="health") == 0
    assert value(samples, "lantern_slack_ack_seconds_bucket", surface="command", le="+Inf") == 4
    assert value(samples, "lantern_slack_slow_acks_total", surface="command") == 0
    assert sorted(r.text for r in slack.reflections()) == [
        "Counted, not logged.",
        "Signed and saved.",
    ]


def test_an_ack_over_a_second_is_counted_as_slow(slack: SlackHarness) -> None:
    timer = StepTimer(0.4)
    app = MetricsMiddleware(slack.web_app.app, timer=timer)
    with serving(app) as port:
        front = behind_metrics(slack, app, port)
        assert front.command("/coach", "help").status == 200  # 0.4 s by the timer
        timer.step = 1.5
        assert front.command("/coach", "help").status == 200  # 1.5 s
        assert front.dm("hello").status == 200  # 1.5 s
        timer.step = 0.4
        samples = scrape(front)

    assert value(samples, "lantern_slack_slow_acks_total", surface="command") == 1
    assert value(samples, "lantern_slack_slow_acks_total", surface="event") == 1
    assert value(samples, "lantern_slack_ack_seconds_count", surface="command") == 2
    assert value(samples, "lantern_slack_ack_seconds_sum", surface="command") == pytest.approx(1.9)
    assert value(samples, "lantern_slack_ack_seconds_bucket", surface="command", le="0.5") == 1
    assert value(samples, "lantern_slack_ack_seconds_bucket", surface="command", le="2.0") == 2


def test_each_app_counts_apart_so_tests_never_share_counts(slack: SlackHarness) -> None:
    slack.command("/coach", "help")
    app = MetricsMiddleware(slack.web_app.app)
    with serving(app) as port:
        samples = scrape(behind_metrics(slack, app, port))
    assert requests(samples, "command", "200") == 0
    assert requests(scrape(slack), "command", "200") == 1


def test_metrics_answers_only_get(slack: SlackHarness) -> None:
    response = slack.request("POST", "/metrics", b"x=1")
    assert response.status == 405
    assert requests(scrape(slack), "metrics", "405") == 1


@pytest.mark.parametrize(
    ("authorization", "status"),
    [
        (None, 401),
        ("Bearer not-the-token", 401),
        ("Basic czNjcmV0LXNjcmFwZQ==", 401),
        ("Bearer s3cret-scrape", 200),
        ("bearer  s3cret-scrape ", 200),
    ],
)
def test_with_a_metrics_token_only_a_scrape_bearing_it_is_answered(
    tmp_path: Path,
    fake_slack: FakeSlackApi,
    clock: FixedClock,
    authorization: str | None,
    status: int,
) -> None:
    with running_app(
        tmp_path / "t.db", fake_slack, clock, lantern_metrics_token="s3cret-scrape"
    ) as slack:
        slack.command("/coach", "help")
        headers = {} if authorization is None else {"Authorization": authorization}
        response = slack.request("GET", "/metrics", headers=headers)
        assert response.status == status
        if status == 401:
            assert response.headers["www-authenticate"].startswith("Bearer")
            assert b"lantern_" not in response.body
        else:
            assert requests(parse(response.text), "command", "200") == 1
        # Slack's own requests never carry the token, and are answered as before.
        assert slack.command("/coach", "help").status == 200


def test_gunicorns_exit_hook_still_finds_the_outbox_behind_the_middleware(
    slack: SlackHarness,
) -> None:
    """A worker leaving sends what it acked: drain_on_exit looks through the middleware."""
    slack.fake.delay = 0.3  # the step's three messages are still on their way at the ack
    assert slack.command("/coach", "toolkit 1", channel=CHANNEL).status == 200
    assert len(slack.fake.calls_to("chat.postMessage")) < 3

    drain_on_exit(None, SimpleNamespace(wsgi=slack.web_app))

    assert len(slack.fake.calls_to("chat.postMessage")) == 3


# -- the backlog ---------------------------------------------------------------------------


def seed_due(database: Database, clock: FixedClock, *, workspace: str, due_items: int) -> int:
    """A person in `workspace` with `due_items` relationships and one action item due an hour
    ago; returns the workspace's row id."""
    due = clock.now() - timedelta(hours=1)
    with database.unit_of_work() as uow:
        person = uow.repos.people.get_or_create(
            platform="slack", workspace_external_id=workspace, person_external_id="U-due"
        )
        uow.session.flush()
        for n in range(due_items):
            uow.session.add(
                Relationship(
                    person_id=person.id,
                    name=f"Partner {n}",
                    kind="person",
                    constituency="staff",
                    cadence="weekly",
                    success_measures=[],
                    next_due_at=due,
                )
            )
        uow.session.add(
            ActionItem(
                person_id=person.id,
                what="Call the mayor",
                due_on=date(2026, 11, 23),
                source="plan",
                next_due_at=due,
            )
        )
        return person.workspace_id


def test_the_queue_depth_is_read_from_the_database_at_each_scrape(
    slack: SlackHarness, clock: FixedClock
) -> None:
    before = scrape(slack)
    assert value(before, "lantern_queue_depth", table="relationships") == 0
    assert value(before, "lantern_queue_depth", table="team_subscriptions") == 0

    seed_due(slack.db, clock, workspace="T-due", due_items=3)
    gone = seed_due(slack.db, clock, workspace="T-gone", due_items=5)
    with slack.db.unit_of_work() as uow:
        workspace = uow.session.get(Workspace, gone)
        assert workspace is not None
        workspace.uninstalled_at = clock.now()

    after = scrape(slack)
    assert value(after, "lantern_queue_depth", table="relationships") == 3
    assert value(after, "lantern_queue_depth", table="action_items") == 1
    assert value(after, "lantern_queue_depth", table="person_schedules") == 0


def test_turns_and_replies_waiting_are_counted_at_each_scrape(
    slack: SlackHarness, clock: FixedClock
) -> None:
    before = scrape(slack)
    assert value(before, "lantern_inbox_waiting", queue="inbox") == 0
    assert value(before, "lantern_inbox_waiting", queue="outbox") == 0
    held = clock.now() + timedelta(hours=1)
    with slack.db.unit_of_work() as uow:  # as a busy process holds them
        uow.inbox.add(person_key="slack:T:U", platform="slack", inbound="{}", reply_to={}, at=held)
        uow.inbox.claim_head(person_key="slack:T:U", token="held", now=held, lease=timedelta(0))
        uow.outbox.add(
            person_key="slack:T:U",
            platform="slack",
            workspace_external_id="T",
            kind="messages",
            address={},
            payload="[]",
            deadline=None,
            at=clock.now(),
            claim=("held", held),
        )
    after = scrape(slack)
    assert value(after, "lantern_inbox_waiting", queue="inbox") == 1
    assert value(after, "lantern_inbox_waiting", queue="outbox") == 1


def test_a_database_that_cannot_be_reached_leaves_out_the_backlog_only(
    slack: SlackHarness, tmp_path: Path
) -> None:
    inner = slack.web_app.app
    unreachable = Database(f"sqlite:///{tmp_path}/missing/dir/lantern.db")
    broken = SlackWebApp(inner.bolt_app, unreachable, SECRET, inner.outbox)
    app = MetricsMiddleware(broken)
    try:
        with serving(app) as port:
            front = behind_metrics(slack, app, port)
            assert front.request("GET", "/healthz").status == 503
            samples = scrape(front)
    finally:
        unreachable.dispose()
    assert requests(samples, "health", "503") == 1
    assert not any(name == "lantern_queue_depth" for name, _ in samples)


def test_unclaimed_rows_of_people_slack_cannot_reach_are_no_backlog(
    slack: SlackHarness, clock: FixedClock
) -> None:
    seed_due(slack.db, clock, workspace="T-due", due_items=2)
    with slack.db.unit_of_work() as uow:
        for person in uow.session.scalars(select(Person)):
            person.unreachable_since = clock.now()
    assert value(scrape(slack), "lantern_queue_depth", table="relationships") == 0


# -- under gunicorn ------------------------------------------------------------------------


def get(port: int, path: str) -> str:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=60) as reply:
        return str(reply.read().decode("utf-8"))


def wait_until_serving(port: int, process: subprocess.Popen[str]) -> None:
    """Until one health check is answered. Only refused connections are tried again: a
    request that timed out may be answered (and counted) later, so none is left to time out."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert process.poll() is None, process.stderr.read() if process.stderr else ""
        try:
            get(port, "/healthz")
            return
        except urllib.error.URLError as error:
            if not isinstance(error.reason, ConnectionRefusedError):
                raise
            time.sleep(0.1)
    raise AssertionError("lantern serve did not answer /healthz in 60 s")


def counter_files(temp: Path) -> set[str]:
    """The counter files of the processes that counted so far (one per gunicorn worker)."""
    return {path.name for path in temp.glob("lantern-metrics-*/counter_*.db")}


def test_under_gunicorn_every_worker_counts_into_one_total_and_the_log_is_json(
    tmp_path: Path,
) -> None:
    port = free_port()
    temp = tmp_path / "tmp"
    temp.mkdir()
    with FakeSlackApi() as fake:
        env = serve_env(tmp_path, fake, LOG_LEVEL="INFO", TMPDIR=str(temp))
        env.pop("PROMETHEUS_MULTIPROC_DIR", None)
        env.pop("LOG_FORMAT", None)  # auto: stderr is a pipe, so JSON
        process = start_serve(port, env, tmp_path)
        try:
            wait_until_serving(port, process)
            health = 1
            commands = 0
            # Until both worker processes have answered some (each counts in a file of its
            # own; the second may still be loading the app): requests eight at a time, since
            # one idle worker tends to take them all.
            deadline = time.monotonic() + 60
            with ThreadPoolExecutor(max_workers=8) as pool:
                while len(counter_files(temp)) < 2 and time.monotonic() < deadline:
                    health += len(list(pool.map(lambda _: get(port, "/healthz"), range(8))))
                    time.sleep(0.05)
            assert len(counter_files(temp)) == 2, "one worker answered every request"
            for n in range(3):
                assert signed_reflect(port, f"Counted by gunicorn {n}.")[0] == 200
                commands += 1
            scrapes = [parse(get(port, "/metrics")) for _ in range(6)]
        finally:
            process.send_signal(signal.SIGTERM)
            _, errors = process.communicate(timeout=60)

    assert process.returncode == 0, errors
    for n, samples in enumerate(scrapes):  # whichever worker answered, the same totals
        assert requests(samples, "health", "200") == health
        assert requests(samples, "command", "200") == commands
        assert requests(samples, "metrics", "200") == n + 1
        assert value(samples, "lantern_slack_ack_seconds_count", surface="command") == commands
        assert value(samples, "lantern_queue_depth", table="relationships") == 0
    lines = errors.splitlines()
    records = [json.loads(line) for line in lines]  # every line of the log is one JSON object
    assert all({"time", "level", "logger", "message"} <= record.keys() for record in records)
    booted = [r for r in records if r["logger"] == "gunicorn.error" and "Booting" in r["message"]]
    assert len(booted) == 2
    assert not any(record["logger"].startswith("sqlalchemy") for record in records)
    assert list(temp.iterdir()) == [], "the shared metrics directory is left behind"


def test_a_metrics_directory_that_is_not_one_stops_start_up_with_one_line(
    tmp_path: Path,
) -> None:
    with FakeSlackApi() as fake:
        env = serve_env(tmp_path, fake, PROMETHEUS_MULTIPROC_DIR=str(tmp_path / "nowhere"))
        result = subprocess.run(
            [sys.executable, "-m", "bot.cli", "serve", "--port", str(free_port())],
            env=env,
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    assert result.returncode == 2
    assert result.stderr.strip().endswith(
        f"lantern: PROMETHEUS_MULTIPROC_DIR '{tmp_path / 'nowhere'}' is not a directory: "
        "make it, or unset it."
    )


# -- telling the surface -------------------------------------------------------------------


def form(**fields: str) -> bytes:
    return urlencode(fields).encode()


def payload(body: dict[str, Any], **dumps: Any) -> bytes:
    return form(payload=json.dumps(body, **dumps))


SNEAKY_TEXT = '"type":"view_submission" and "type": "view_closed"'


@pytest.mark.parametrize(
    ("body", "surface"),
    [
        (form(command="/reflect", text="payload=x&command=y"), "command"),
        (form(text="command=/reflect&payload=x", user_id="U1"), "other"),  # values hide keys
        (payload({"type": "view_submission", "view": {"type": "modal"}}), "view"),
        (payload({"type": "view_closed"}, separators=(",", ":")), "view"),  # Slack's compact
        (form(payload='{"type":"view_submission"}').replace(b"%3A", b"%3a"), "view"),
        (payload({"type": "block_actions", "view": {"type": "modal"}}), "action"),
        # What a person typed is escaped inside the JSON, so it never passes for the type.
        (payload({"type": "block_actions", "message": {"text": SNEAKY_TEXT}}), "action"),
        (payload({"type": "block_suggestion"}), "action"),
        (form(ssl_check="1"), "other"),
        (b"", "other"),
    ],
)
def test_a_form_body_tells_its_surface(body: bytes, surface: str) -> None:
    content_type = "application/x-www-form-urlencoded"
    assert surface_of("/slack/events", "POST", content_type, body) == surface


def test_paths_and_methods_tell_the_other_surfaces() -> None:
    assert surface_of("/slack/events", "POST", "application/json", b"{}") == "event"
    assert surface_of("/slack/events", "GET", "", None) == "other"
    assert surface_of("/healthz", "GET", "", None) == "health"
    assert surface_of("/slack/install", "GET", "", None) == "oauth"
    assert surface_of("/slack/oauth_redirect", "GET", "", None) == "oauth"
    assert surface_of("/", "GET", "", None) == "other"
