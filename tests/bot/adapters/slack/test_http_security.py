"""The HTTP front: signatures checked before anything is parsed, malformed bodies refused,
health reported honestly, and the usual HTTP answers for the wrong path, method or size.

Every kind of request (a slash command, a DM, a button, a form) that is forged, signed with
another secret, more than five minutes old or ahead, changed after signing, or signed in
another version is refused with 401: no table's count changes and Slack is called for
nothing."""

from __future__ import annotations

import hashlib
import hmac
import json
import shutil
import socket
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlencode

import pytest
from sqlalchemy import func, select

from bot.adapters.slack.web import EVENTS_PATH, MAX_BODY_BYTES
from bot.core.clock import FixedClock
from storage.models import Base, Person, Workspace
from tests.bot.adapters.slack.harness import (
    DM,
    SECRET,
    USER,
    SlackHarness,
    dm_event,
    running_app,
    slack_user,
)
from tests.fakes.slack_api import APP_ID, TEAM_ID, FakeSlackApi

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


def table_counts(slack: SlackHarness) -> dict[str, int]:
    """How many rows each table holds: every table of the schema, so a new one counts too."""
    with slack.db.unit_of_work() as uow:
        return {
            table.name: int(uow.session.scalar(select(func.count()).select_from(table)) or 0)
            for table in Base.metadata.sorted_tables
        }


def assert_untouched(slack: SlackHarness) -> None:
    slack.drain()
    assert slack.stored_nothing()
    assert slack.count(Person) == 0
    assert slack.count(Workspace) == 0
    assert set(table_counts(slack).values()) == {0}
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


# -- forgeries of every kind of request, against a database that holds something ---------------

FIVE_MINUTES = 5 * 60


def signature(body: str, timestamp: int, *, secret: str = SECRET, version: str = "v0") -> str:
    """A signature computed as Slack's, here with any secret, timestamp or version."""
    base = f"v0:{timestamp}:{body}".encode()
    return f"{version}=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


def headers(timestamp: int | str, signed: str) -> dict[str, str]:
    return {"X-Slack-Request-Timestamp": str(timestamp), "X-Slack-Signature": signed}


Forgery = Callable[[str, int], tuple[str, dict[str, str]]]
"""(the body to send, its headers), from the genuine body and the time now."""

FORGERIES: dict[str, Forgery] = {
    "forged-signature": lambda body, now: (body, headers(now, "v0=" + "0" * 64)),
    "signed-with-another-secret": lambda body, now: (
        body,
        headers(now, signature(body, now, secret="not-the-signing-secret")),
    ),
    "stale-by-over-five-minutes": lambda body, now: (
        body,
        headers(now - FIVE_MINUTES - 1, signature(body, now - FIVE_MINUTES - 1)),
    ),
    "long-stale-replay": lambda body, now: (
        body,
        headers(now - 24 * 3600, signature(body, now - 24 * 3600)),
    ),
    "over-five-minutes-in-the-future": lambda body, now: (
        body,
        headers(now + FIVE_MINUTES + 1, signature(body, now + FIVE_MINUTES + 1)),
    ),
    "timestamp-changed-after-signing": lambda body, now: (
        body,
        headers(now, signature(body, now - FIVE_MINUTES - 60)),
    ),
    "body-changed-after-signing": lambda body, now: (
        body.replace(USER, "U2", 1),  # someone else, once the signature is checked
        headers(now, signature(body, now)),
    ),
    "wrong-version-prefix": lambda body, now: (
        body,
        headers(now, signature(body, now, version="v1")),
    ),
    "no-version-prefix": lambda body, now: (
        body,
        headers(now, signature(body, now).removeprefix("v0=")),
    ),
    "signature-in-capitals": lambda body, now: (
        body,
        headers(now, signature(body, now).upper()),
    ),
    "no-signature": lambda body, now: (body, {"X-Slack-Request-Timestamp": str(now)}),
    "no-timestamp": lambda body, now: (body, {"X-Slack-Signature": signature(body, now)}),
    "no-headers": lambda body, now: (body, {}),
    "timestamp-not-a-number": lambda body, now: (
        body,
        headers(f"{now}.0", signature(body, now)),
    ),
}


def _interactive(payload: dict[str, object]) -> str:
    return urlencode({"payload": json.dumps(payload)})


BODIES: dict[str, tuple[str, str]] = {
    # (body, content type): one of each kind Slack sends, each would store or send something
    "slash-command": (REFLECT, FORM),
    "direct-message": (
        json.dumps(
            {
                "type": "event_callback",
                "team_id": TEAM_ID,
                "api_app_id": APP_ID,
                "event_id": "Ev-forged-1",
                "event": dm_event("a reflection that must not be stored"),
            }
        ),
        "application/json",
    ),
    "button": (
        _interactive(
            {
                "type": "block_actions",
                "team": {"id": TEAM_ID, "domain": "lantern-test"},
                "user": slack_user(USER),
                "api_app_id": APP_ID,
                "trigger_id": "1.2.3",
                "container": {"type": "message", "channel_id": DM, "message_ts": "1.1"},
                "actions": [
                    {
                        "type": "button",
                        "action_id": "lantern.choice.0",
                        "block_id": "b1",
                        "value": "reflect:history:",
                        "action_ts": "1.2",
                    }
                ],
            }
        ),
        FORM,
    ),
    "form": (
        _interactive(
            {
                "type": "view_submission",
                "team": {"id": TEAM_ID, "domain": "lantern-test"},
                "user": slack_user(USER),
                "api_app_id": APP_ID,
                "view": {
                    "id": "V1",
                    "type": "modal",
                    "callback_id": "lantern.reflect.today",
                    "private_metadata": "",
                    "state": {
                        "values": {
                            "reflection": {
                                "value": {
                                    "type": "plain_text_input",
                                    "value": "a reflection that must not be stored",
                                }
                            }
                        }
                    },
                },
            }
        ),
        FORM,
    ),
}


@pytest.fixture
def seeded(slack: SlackHarness) -> dict[str, int]:
    """Something stored already (a person, a reflection), and the Web API calls forgotten: a
    refused request must change no count and call Slack for nothing."""
    assert slack.command("/reflect", "a reflection stored before").status == 200
    slack.drain()
    slack.fake.clear()
    counts = table_counts(slack)
    assert counts["people"] == 1
    assert counts["reflections"] == 1
    return counts


@pytest.mark.parametrize("kind", sorted(BODIES))
def test_each_kind_of_request_is_taken_when_correctly_signed(
    slack: SlackHarness, seeded: dict[str, int], kind: str
) -> None:
    """The control for the forgeries: each body, signed now, is answered and acted on."""
    body, content_type = BODIES[kind]

    response = slack.post(body, content_type)

    assert response.status == 200
    slack.drain()
    assert table_counts(slack) != seeded or slack.fake.calls


@pytest.mark.parametrize("seconds", [-(FIVE_MINUTES - 30), FIVE_MINUTES - 30])
def test_a_timestamp_within_five_minutes_either_way_is_accepted(
    slack: SlackHarness, seconds: int
) -> None:
    """Clocks drift: a correctly signed request up to five minutes old, or ahead, is taken."""
    stamp = int(time.time()) + seconds

    response = slack.post(
        REFLECT, FORM, sign=False, headers=headers(stamp, signature(REFLECT, stamp))
    )

    assert response.status == 200
    assert [r.text for r in slack.reflections()] == ["this must not be stored"]


@pytest.mark.parametrize("kind", sorted(BODIES))
@pytest.mark.parametrize("forgery", sorted(FORGERIES))
def test_a_forged_stale_or_tampered_request_is_refused_and_changes_nothing(
    slack: SlackHarness, seeded: dict[str, int], forgery: str, kind: str
) -> None:
    body, content_type = BODIES[kind]
    sent, sent_headers = FORGERIES[forgery](body, int(time.time()))
    assert (sent != body) == (forgery == "body-changed-after-signing")

    response = slack.post(sent, content_type, sign=False, headers=sent_headers)

    assert response.status == 401
    assert b"must not be stored" not in response.body
    slack.drain()
    assert table_counts(slack) == seeded
    assert slack.fake.calls == []


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


DEEP = 100_000


def _nested(inner: str) -> str:
    return "[" * DEEP + inner + "]" * DEEP


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (_nested("1"), "application/json"),
        (
            '{"type": "event_callback", "event": {"type": "message", "x": ' + _nested("") + "}}",
            "application/json",
        ),
        (urlencode({"payload": _nested("1")}), FORM),
        (urlencode({"payload": '{"type": "block_actions", "actions": ' + _nested("") + "}"}), FORM),
    ],
    ids=["json", "json-inside-an-event", "form-payload", "form-payload-inside-actions"],
)
def test_a_signed_body_nested_too_deep_is_a_bad_request(
    slack: SlackHarness, body: str, content_type: str
) -> None:
    """Parsing it runs out of Python's recursion limit: that is the body's fault, not ours."""
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
