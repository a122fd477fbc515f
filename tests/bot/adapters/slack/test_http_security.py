"""The HTTP front: signatures checked before anything is parsed, malformed bodies refused,
health reported honestly, and the usual HTTP answers for the wrong path, method or size."""

from __future__ import annotations

import json
import shutil
import socket
import time
from pathlib import Path
from urllib.parse import urlencode

import pytest

from bot.adapters.slack.web import EVENTS_PATH, MAX_BODY_BYTES
from bot.core.clock import FixedClock
from storage.models import Person, Workspace
from tests.bot.adapters.slack.harness import SlackHarness, running_app
from tests.fakes.slack_api import FakeSlackApi

FORM = "application/x-www-form-urlencoded"
REFLECT = urlencode(
    {
        "team_id": "T-test",
        "channel_id": "C123",
        "user_id": "U1",
        "command": "/reflect",
        "text": "this must not be stored",
        "trigger_id": "1.2.3",
    }
)


def assert_untouched(slack: SlackHarness) -> None:
    slack.drain()
    assert slack.stored_nothing()
    assert slack.count(Person) == 0
    assert slack.count(Workspace) == 0
    assert [call.method for call in slack.fake.calls] == ["auth.test"]


def test_a_signed_request_is_accepted(slack: SlackHarness) -> None:
    """The control for the refusals below: the same body, signed, is stored."""
    response = slack.post(REFLECT, FORM)

    assert response.status == 200
    assert [r.text for r in slack.reflections()] == ["this must not be stored"]


def test_an_unsigned_request_is_refused(slack: SlackHarness) -> None:
    response = slack.post(REFLECT, FORM, sign=False)

    assert response.status == 401
    assert_untouched(slack)


@pytest.mark.parametrize(
    "headers",
    [
        {"X-Slack-Request-Timestamp": "{now}", "X-Slack-Signature": "v0=" + "0" * 64},
        {"X-Slack-Request-Timestamp": "{now}"},
        {"X-Slack-Signature": "v0=" + "0" * 64},
        {"X-Slack-Request-Timestamp": "yesterday", "X-Slack-Signature": "v0=" + "0" * 64},
        {"X-Slack-Request-Timestamp": "", "X-Slack-Signature": ""},
    ],
    ids=["wrong-signature", "no-signature", "no-timestamp", "timestamp-not-a-number", "blank"],
)
def test_a_badly_signed_request_is_refused(slack: SlackHarness, headers: dict[str, str]) -> None:
    now = str(int(time.time()))
    sent = {name: value.replace("{now}", now) for name, value in headers.items()}

    response = slack.post(REFLECT, FORM, sign=False, headers=sent)

    assert response.status == 401
    assert_untouched(slack)


def test_a_stale_timestamp_is_refused_even_when_correctly_signed(slack: SlackHarness) -> None:
    six_minutes_ago = int(time.time()) - 6 * 60

    response = slack.post(REFLECT, FORM, timestamp=six_minutes_ago)

    assert response.status == 401
    assert_untouched(slack)


def test_a_body_changed_after_signing_is_refused(slack: SlackHarness) -> None:
    headers = slack.signed_headers(REFLECT)
    tampered = REFLECT.replace("U1", "U2")

    response = slack.post(tampered, FORM, sign=False, headers=headers)

    assert response.status == 401
    assert_untouched(slack)


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        ('{"type": "event_callback", "event": ', "application/json"),
        ("[1, 2, 3]", "application/json"),
        ('{"event": {"type": "message"}}', "application/json"),
        ("payload=notjson", FORM),
        ("payload=" + json.dumps(["not", "an", "object"]), FORM),
        ("foo=bar&baz=1", FORM),
        ("", FORM),
        ('{"type": "event_callback"}', "application/json"),
        ('{"type": "event_callback", "event": "x"}', "application/json"),
        ('{"type": "event_callback", "event": {"text": "no type"}}', "application/json"),
        ("payload=" + json.dumps({"type": "view_submission", "view": "x", "user": {}}), FORM),
        ("payload=" + json.dumps({"type": "view_submission", "view": {}, "user": {}}), FORM),
        ("payload=" + json.dumps({"type": "block_actions", "actions": "x", "user": {}}), FORM),
        ("payload=" + json.dumps({"type": "block_actions", "actions": ["x"], "user": {}}), FORM),
        ("command=%2Freflect&text=no+user", FORM),
    ],
    ids=[
        "truncated-json",
        "json-array",
        "json-without-type",
        "payload-not-json",
        "payload-not-object",
        "random-form",
        "empty",
        "event-callback-without-event",
        "event-not-an-object",
        "event-without-type",
        "view-not-an-object",
        "view-without-type",
        "actions-not-a-list",
        "action-not-an-object",
        "command-without-user",
    ],
)
def test_a_signed_but_malformed_body_is_a_bad_request(
    slack: SlackHarness, body: str, content_type: str
) -> None:
    response = slack.post(body, content_type)

    assert response.status == 400
    assert_untouched(slack)


def test_url_verification_echoes_the_challenge(slack: SlackHarness) -> None:
    response = slack.post_json(
        {
            "token": "legacy",
            "challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P",
            "type": "url_verification",
        }
    )

    assert response.status == 200
    assert response.json() == {"challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"}


def test_url_verification_must_be_signed_too(slack: SlackHarness) -> None:
    response = slack.post_json({"challenge": "abc", "type": "url_verification"}, sign=False)

    assert response.status == 401
    assert b"abc" not in response.body


def test_health_is_ok_with_the_database_up(slack: SlackHarness) -> None:
    response = slack.request("GET", "/healthz")

    assert response.status == 200
    assert response.headers["content-type"].startswith("application/json")
    assert response.json() == {"ok": True}


def test_health_is_503_when_the_database_is_gone(
    tmp_path: Path, fake_slack: FakeSlackApi, clock: FixedClock, caplog: pytest.LogCaptureFixture
) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    with running_app(folder / "t.db", fake_slack, clock) as slack:
        assert slack.request("GET", "/healthz").status == 200
        slack.web_app.database.dispose()  # the open connections drop...
        shutil.rmtree(folder)  # ...and the database is not there to reconnect to

        response = slack.request("GET", "/healthz")

        assert response.status == 503
        assert response.json()["ok"] is False
        assert "health check: database unreachable" in caplog.text


@pytest.mark.parametrize("path", ["/", "/slack", "/slack/events/extra", "/admin", "/healthz/x"])
def test_an_unknown_path_is_404(slack: SlackHarness, path: str) -> None:
    response = slack.request("POST", path, REFLECT.encode(), slack.signed_headers(REFLECT))

    assert response.status == 404
    assert_untouched(slack)


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE"])
def test_the_events_path_only_takes_post(slack: SlackHarness, method: str) -> None:
    response = slack.request(method, EVENTS_PATH)

    assert response.status == 405


def test_a_body_over_one_mebibyte_is_refused_before_it_is_read(slack: SlackHarness) -> None:
    # Only the headers are sent: an app that tried to read the body would hang here.
    with socket.create_connection(("127.0.0.1", slack.port), timeout=5) as connection:
        connection.sendall(
            (
                f"POST {EVENTS_PATH} HTTP/1.1\r\n"
                "Host: 127.0.0.1\r\n"
                f"Content-Type: {FORM}\r\n"
                f"Content-Length: {MAX_BODY_BYTES + 1}\r\n"
                "\r\n"
            ).encode()
        )
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk

    assert answer.startswith(b"HTTP/1.0 413") or answer.startswith(b"HTTP/1.1 413")
    assert MAX_BODY_BYTES == 1024 * 1024
    assert_untouched(slack)


def test_a_body_of_exactly_the_limit_is_read_and_checked(slack: SlackHarness) -> None:
    body = "command=%2Freflect&text=" + "a" * (MAX_BODY_BYTES - len("command=%2Freflect&text="))
    assert len(body) == MAX_BODY_BYTES

    response = slack.post(body, FORM, sign=False)

    assert response.status == 401  # read in full and checked, not refused for its size
