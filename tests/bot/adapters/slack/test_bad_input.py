"""Bad input found by probing `lantern serve`, sent as signed requests into the real app.

A NUL byte (or half an emoji) in anything a person sends is kept without it, on SQLite and
PostgreSQL, and they are told in one line; a freshly started `lantern serve` acks its first
request without asking a slow Slack anything. (Bodies nested too deep: test_http_security.py;
names that are no time zone: test_time_zone_input.py; forget erasing the file:
test_forget_erases.py.)
"""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from bot.core.clock import FixedClock
from bot.worker import Worker
from content import Content
from storage.database import Database
from storage.models import Relationship
from tests.bot.adapters.slack.harness import DM, SlackHarness, all_text, running_app
from tests.bot.adapters.slack.slack_text import escaped
from tests.bot.adapters.slack.test_plan_and_checkins import checkins
from tests.bot.adapters.slack.test_serve import free_port, serve_env, signed_reflect, start_serve
from tests.bot.adapters.slack.test_team_prompts import (  # noqa: F401 (the worker fixture)
    kept_replies,
    later,
    post_the_weekly_prompt,
    reply_event,
    worker,
)
from tests.conftest import postgres_schema
from tests.fakes.slack_api import FakeSlackApi

ROOT = Path(__file__).resolve().parents[4]  # this checkout's code, whatever is installed
NUL = "\x00"
SLOW_SLACK = 4.0  # seconds each Web API call takes, auth.test included


@pytest.fixture(params=["sqlite", "postgresql"])
def slack(
    request: pytest.FixtureRequest, tmp_path: Path, fake_slack: FakeSlackApi, clock: FixedClock
) -> Iterator[SlackHarness]:
    """The app on SQLite, and on PostgreSQL where TEST_DATABASE_URL is set."""
    if request.param == "sqlite":
        with running_app(tmp_path / "t.db", fake_slack, clock) as harness:
            yield harness
        return
    with postgres_schema() as url:
        migrated = Database(url)
        migrated.upgrade()
        migrated.dispose()
        with running_app(url, fake_slack, clock) as harness:
            yield harness


def said(slack: SlackHarness) -> str:
    """Everything the app posted so far, as one text (after waiting for it)."""
    slack.drain()
    posts = slack.fake.calls_to("chat.postMessage") + slack.fake.calls_to("chat.postEphemeral")
    return "\n".join(all_text(call.args.get("blocks") or []) for call in posts)


def told_of_the_nul(content: Content, shown: str) -> bool:
    return escaped(content.coach.general.removed_characters) in shown


# -- a NUL byte ------------------------------------------------------------------------------


def test_a_nul_in_a_reflection_command_is_left_out_and_said(
    slack: SlackHarness, content: Content
) -> None:
    response = slack.command("/reflect", f"Budget day went{NUL} well", channel=DM)

    assert response.status == 200
    assert [r.text for r in slack.reflections()] == ["Budget day went well"]
    shown = all_text(response.json()["blocks"]) + said(slack)
    assert told_of_the_nul(content, shown)
    assert escaped(content.coach.errors.database) not in shown


def test_a_nul_in_a_direct_message_answer_is_left_out_and_said(
    slack: SlackHarness, content: Content
) -> None:
    assert slack.command("/reflect", "", channel=DM).status == 200  # today's prompt, asked
    assert slack.dm(f"I listened{NUL} first").status == 200

    shown = said(slack)
    assert [r.text for r in slack.reflections()] == ["I listened first"]
    assert told_of_the_nul(content, shown)
    assert escaped(content.coach.errors.database) not in shown


def test_half_an_emoji_in_a_direct_message_is_kept_as_a_replacement_character(
    slack: SlackHarness, content: Content
) -> None:
    # JSON can escape a lone surrogate ("\\ud83d") that UTF-8, so no database, can store.
    assert slack.command("/reflect", "", channel=DM).status == 200
    assert slack.dm("Proud \ud83d of the team").status == 200

    shown = said(slack)
    assert [r.text for r in slack.reflections()] == ["Proud \ufffd of the team"]
    assert told_of_the_nul(content, shown)


def test_a_nul_in_a_relationship_name_and_a_check_in_note_is_left_out(
    slack: SlackHarness, content: Content
) -> None:
    view = opened_modal(slack, "/coach", "plan add")
    submitted = slack.submit_view(view, {**RELATIONSHIP, "name": f"Board{NUL} chair"})

    assert submitted.status == 200
    [relationship] = rows(slack, Relationship)
    assert relationship.name == "Board chair"
    assert told_of_the_nul(content, said(slack))

    view = opened_modal(slack, "/checkin", "")
    response = slack.submit_view(
        view,
        {
            "relationship": str(relationship.id),
            "when": "2026-11-20",
            "went": "well",
            "notes": f"Talked{NUL} budget",
            "measures": "",
        },
    )

    assert response.status == 200
    [logged] = checkins(slack)
    assert logged.notes == "Talked budget"


def test_a_nul_in_a_team_prompt_thread_reply_is_left_out(
    slack: SlackHarness,
    worker: Worker,  # noqa: F811
    clock: FixedClock,
) -> None:
    ts, _ = post_the_weekly_prompt(slack, worker, clock)
    reply_ts = later(ts, 60)

    response = slack.event(reply_event(f"We asked{NUL} first", ts=reply_ts, thread_ts=ts))

    assert response.status == 200
    [kept] = kept_replies(slack)
    assert kept.text == "We asked first"
    edited = {
        "type": "message",
        "subtype": "message_changed",
        "channel": reply_event("", ts=reply_ts, thread_ts=ts)["channel"],
        "channel_type": "channel",
        "ts": later(ts, 120),
        "event_ts": later(ts, 120),
        "message": {
            "type": "message",
            "user": kept_user(slack),
            "text": f"We asked{NUL} the desk",
            "ts": reply_ts,
            "thread_ts": ts,
            "edited": {"ts": later(ts, 120)},
        },
    }
    assert slack.event(edited).status == 200
    [kept] = kept_replies(slack)
    assert kept.text == "We asked the desk"


RELATIONSHIP = {
    "kind": "person",
    "constituency": "governing-authority",
    "own_label": "",
    "cadence": "weekly",
    "days": "",
    "strategies": "Coffee before each board meeting",
    "measures": "",
}


def opened_modal(slack: SlackHarness, command: str, text: str) -> dict[str, Any]:
    before = len(slack.fake.calls_to("views.open"))
    assert slack.command(command, text).status == 200
    view: dict[str, Any] = slack.fake.wait_for("views.open", before + 1)[-1].args["view"]
    return view


def kept_user(slack: SlackHarness) -> str:
    user = reply_event("", ts="1", thread_ts="0")["user"]
    assert isinstance(user, str)
    return user


def rows(slack: SlackHarness, model: type[Any]) -> list[Any]:
    with slack.db.unit_of_work() as uow:
        return list(uow.session.scalars(select(model)))


# -- no Slack round trip before an ack -------------------------------------------------------


def test_a_freshly_started_serve_acks_its_first_request_without_asking_slack(
    tmp_path: Path,
) -> None:
    """`lantern serve` asks auth.test once, before it listens and forks: a web process then
    acks the first request it serves without a round trip to a slow Slack."""
    port = free_port()
    with FakeSlackApi(delay=SLOW_SLACK) as slow:
        env = serve_env(tmp_path, slow, WEB_CONCURRENCY="1", PYTHONPATH=str(ROOT))
        process = start_serve(port, env, tmp_path)
        try:
            wait_until_listening(port, process)
            sent = time.monotonic()
            status, answer = signed_reflect(port, "The first thing this process hears")
            elapsed = time.monotonic() - sent
        finally:
            process.send_signal(signal.SIGTERM)
            process.communicate(timeout=30)

    assert status == 200
    assert "The first thing this process hears" in json.dumps(answer)
    assert [call for call in slow.calls_to("auth.test") if call.received_at >= sent] == []
    # Well below one auth.test: what is left is the process's own start (under a second here).
    assert elapsed < SLOW_SLACK - 1, f"the first ack took {elapsed:.2f} s"


def wait_until_listening(port: int, process: subprocess.Popen[str]) -> None:
    """Until the port takes a connection: no request is sent before the timed one."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert process.poll() is None, process.stderr.read() if process.stderr else ""
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.05)
    raise AssertionError("lantern serve did not listen in 60 s")
