"""The real Slack app over a real socket, its Web API replaced by a fake on an ephemeral port.

Tests send *signed* HTTP requests shaped like Slack's (slash commands, events, block actions,
view submissions) and assert on the HTTP answer, the calls the fake Web API received and the
rows stored. Nothing of Lantern's own is mocked.
"""

from __future__ import annotations

import http.client
import itertools
import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from socketserver import ThreadingMixIn
from typing import Any
from urllib.parse import urlencode
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from slack_sdk.signature import SignatureVerifier
from sqlalchemy import func, select

from bot.adapters.slack.metrics import MetricsMiddleware
from bot.adapters.slack.web import EVENTS_PATH
from bot.core.clock import Clock
from bot.settings import Settings
from bot.wiring import build_web_app
from storage.database import Database
from storage.models import Answer, Reflection
from tests.fakes.slack_api import APP_ID, BOT_ID, BOT_USER_ID, TEAM_ID, FakeSlackApi

SECRET = "secret"
USER = "U1"
CHANNEL = "C123"
DM = "D123"


@dataclass(frozen=True)
class HttpResponse:
    status: int
    headers: dict[str, str]
    body: bytes
    elapsed: float

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")

    def json(self) -> Any:
        return json.loads(self.body)


class _ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        return


_ids = itertools.count(1)


def new_id(prefix: str) -> str:
    return f"{prefix}{next(_ids):08d}"


class SlackHarness:
    """Talks to the running app the way Slack does, and looks at what it stored and sent."""

    def __init__(
        self, *, web_app: MetricsMiddleware, fake: FakeSlackApi, port: int, database_url: str
    ) -> None:
        self.web_app = web_app
        self.fake = fake
        self.port = port
        self.database_url = database_url
        self.verifier = SignatureVerifier(SECRET)
        self._db: Database | None = None

    # -- HTTP ------------------------------------------------------------------------------

    def request(
        self,
        method: str,
        path: str,
        body: bytes = b"",
        headers: dict[str, str] | None = None,
    ) -> HttpResponse:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=20)
        started = time.monotonic()
        try:
            connection.request(method, path, body=body or None, headers=headers or {})
            response = connection.getresponse()
            data = response.read()
            return HttpResponse(
                status=response.status,
                headers={k.lower(): v for k, v in response.getheaders()},
                body=data,
                elapsed=time.monotonic() - started,
            )
        finally:
            connection.close()

    def signed_headers(self, body: str, *, timestamp: int | None = None) -> dict[str, str]:
        stamp = str(int(time.time()) if timestamp is None else timestamp)
        signature = self.verifier.generate_signature(timestamp=stamp, body=body)
        return {"X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": signature}

    def post(
        self,
        body: str,
        content_type: str,
        *,
        sign: bool = True,
        timestamp: int | None = None,
        headers: dict[str, str] | None = None,
    ) -> HttpResponse:
        all_headers = {"Content-Type": content_type}
        if sign:
            all_headers.update(self.signed_headers(body, timestamp=timestamp))
        all_headers.update(headers or {})
        return self.request("POST", EVENTS_PATH, body.encode("utf-8"), all_headers)

    def post_form(self, fields: dict[str, str], **kwargs: Any) -> HttpResponse:
        return self.post(urlencode(fields), "application/x-www-form-urlencoded", **kwargs)

    def post_json(self, payload: dict[str, Any], **kwargs: Any) -> HttpResponse:
        return self.post(json.dumps(payload), "application/json", **kwargs)

    # -- Slack's payloads ------------------------------------------------------------------

    def command(
        self,
        command: str,
        text: str = "",
        *,
        user: str = USER,
        channel: str = CHANNEL,
        channel_name: str | None = None,
        trigger_id: str | None = None,
    ) -> HttpResponse:
        """A slash command typed in `channel`, which Slack names `channel_name` ("general" for a
        public channel unless told, "directmessage" for a DM, "privategroup" hides a private
        channel's name, "mpdm-..." is a group DM)."""
        if channel_name is None:
            channel_name = "directmessage" if channel.startswith("D") else "general"
        return self.post_form(
            {
                "token": "legacy-verification-token",
                "team_id": TEAM_ID,
                "team_domain": "lantern-test",
                "channel_id": channel,
                "channel_name": channel_name,
                "user_id": user,
                "user_name": user.lower(),
                "command": command,
                "text": text,
                "api_app_id": APP_ID,
                "is_enterprise_install": "false",
                "response_url": f"https://hooks.slack.com/commands/{TEAM_ID}/1/abc",
                "trigger_id": trigger_id or new_id("13345224609.738474920.trigger"),
            }
        )

    def event(
        self,
        event: dict[str, Any],
        *,
        event_id: str | None = None,
        retry_num: int | None = None,
        retry_reason: str = "http_timeout",
    ) -> HttpResponse:
        payload = {
            "token": "legacy-verification-token",
            "team_id": TEAM_ID,
            "api_app_id": APP_ID,
            "event": event,
            "type": "event_callback",
            "event_id": event_id or new_id("Ev"),
            "event_time": int(time.time()),
            "authorizations": [
                {
                    "enterprise_id": None,
                    "team_id": TEAM_ID,
                    "user_id": BOT_USER_ID,
                    "is_bot": True,
                    "is_enterprise_install": False,
                }
            ],
            "is_ext_shared_channel": False,
            "event_context": "4-eyJldCI6Im1lc3NhZ2UifQ",
        }
        headers = {}
        if retry_num is not None:
            headers = {"X-Slack-Retry-Num": str(retry_num), "X-Slack-Retry-Reason": retry_reason}
        return self.post_json(payload, headers=headers)

    def dm(self, text: str, *, user: str = USER, channel: str = DM, **kwargs: Any) -> HttpResponse:
        return self.event(dm_event(text, user=user, channel=channel), **kwargs)

    def block_action(
        self,
        action: dict[str, Any],
        *,
        user: str = USER,
        channel: str = DM,
        trigger_id: str | None = None,
        message_ts: str | None = None,
        ephemeral: bool = False,
    ) -> HttpResponse:
        """A button pressed under a message in `channel` (the one posted at `message_ts`, or an
        ephemeral one, which Slack sends without the message itself)."""
        ts = message_ts or f"{int(time.time())}.000100"
        payload: dict[str, Any] = {
            "type": "block_actions",
            "user": slack_user(user),
            "api_app_id": APP_ID,
            "token": "legacy-verification-token",
            "container": {
                "type": "message",
                "message_ts": ts,
                "channel_id": channel,
                "is_ephemeral": ephemeral,
            },
            "trigger_id": trigger_id or new_id("13345224609.738474920.trigger"),
            "team": {"id": TEAM_ID, "domain": "lantern-test"},
            "enterprise": None,
            "is_enterprise_install": False,
            "channel": {
                "id": channel,
                "name": "directmessage" if channel.startswith("D") else "general",
            },
            "state": {"values": {}},
            "response_url": f"https://hooks.slack.com/actions/{TEAM_ID}/1/xyz",
            "actions": [
                {
                    "type": "button",
                    "block_id": action.get("block_id", "b1"),
                    "action_id": action["action_id"],
                    "text": action.get(
                        "text", {"type": "plain_text", "text": "Button", "emoji": True}
                    ),
                    "value": action.get("value"),
                    "action_ts": f"{time.time():.6f}",
                }
            ],
        }
        if not ephemeral:
            payload["message"] = {
                "type": "message",
                "user": BOT_USER_ID,
                "bot_id": BOT_ID,
                "ts": ts,
            }
        return self.post_form({"payload": json.dumps(payload)})

    def press(self, button: dict[str, Any], **kwargs: Any) -> HttpResponse:
        """Press a button element exactly as the app rendered it."""
        return self.block_action(button, **kwargs)

    def close_view(self, view: dict[str, Any], *, user: str = USER) -> HttpResponse:
        """Dismiss a modal the app opened (Slack sends view_closed: it asked notify_on_close)."""
        assert view.get("notify_on_close") is True, "the app did not ask to hear of a close"
        view_id = new_id("V")
        payload = {
            "type": "view_closed",
            "team": {"id": TEAM_ID, "domain": "lantern-test"},
            "user": slack_user(user),
            "api_app_id": APP_ID,
            "token": "legacy-verification-token",
            "view": {**view, "id": view_id, "team_id": TEAM_ID, "app_id": APP_ID},
            "is_cleared": False,
        }
        return self.post_form({"payload": json.dumps(payload)})

    def submit_view(
        self, view: dict[str, Any], values: dict[str, str], *, user: str = USER
    ) -> HttpResponse:
        """Submit a modal the app opened, with these values typed into its input blocks."""
        state: dict[str, Any] = {}
        for block in view.get("blocks", []):
            if block.get("type") == "input":
                element = block["element"]
                state[block["block_id"]] = {
                    element["action_id"]: element_state(element, values.get(block["block_id"]))
                }
        return self.submit_view_state(view, state, user=user)

    def submit_view_state(
        self, view: dict[str, Any], state: dict[str, Any], *, user: str = USER
    ) -> HttpResponse:
        """Submit a modal with its state shaped as Slack sends it (selects, checkboxes...)."""
        view_id = new_id("V")
        payload = {
            "type": "view_submission",
            "team": {"id": TEAM_ID, "domain": "lantern-test"},
            "user": slack_user(user),
            "api_app_id": APP_ID,
            "token": "legacy-verification-token",
            "trigger_id": new_id("13345224609.738474920.trigger"),
            "view": {
                **view,
                "id": view_id,
                "team_id": TEAM_ID,
                "state": {"values": state},
                "hash": "1.hash",
                "previous_view_id": None,
                "root_view_id": view_id,
                "app_id": APP_ID,
                "external_id": "",
                "app_installed_team_id": TEAM_ID,
                "bot_id": BOT_ID,
            },
            "response_urls": [],
            "is_enterprise_install": False,
            "enterprise": None,
        }
        return self.post_form({"payload": json.dumps(payload)})

    # -- what happened ---------------------------------------------------------------------

    def drain(self) -> None:
        """Wait for every send the app queued so far."""
        self.web_app.outbox.drain(timeout=10)

    @property
    def db(self) -> Database:
        if self._db is None:
            self._db = Database(self.database_url)
        return self._db

    def reflections(self) -> list[Reflection]:
        with self.db.unit_of_work() as uow:
            return list(uow.session.scalars(select(Reflection).order_by(Reflection.id)))

    def answers(self) -> list[Answer]:
        with self.db.unit_of_work() as uow:
            return list(uow.session.scalars(select(Answer).order_by(Answer.id)))

    def count(self, model: type) -> int:
        with self.db.unit_of_work() as uow:
            return int(uow.session.scalar(select(func.count()).select_from(model)) or 0)

    def stored_nothing(self) -> bool:
        return all(self.count(model) == 0 for model in (Reflection, Answer))

    def close(self) -> None:
        if self._db is not None:
            self._db.dispose()
            self._db = None


def element_state(element: dict[str, Any], value: str | None) -> dict[str, Any]:
    """An input element's state as Slack sends it: a typed value, a date, chosen options."""
    kind = element["type"]
    if kind == "datepicker":
        return {"type": kind, "selected_date": value}
    if kind in {"checkboxes", "multi_static_select"}:
        chosen = [o for o in element["options"] if value and o["value"] in value.split(",")]
        return {"type": kind, "selected_options": chosen}
    if kind == "static_select":
        chosen = [o for o in element["options"] if o["value"] == value]
        return {"type": kind, "selected_option": chosen[0] if chosen else None}
    return {"type": kind, "value": value}


def slack_user(user: str) -> dict[str, str]:
    return {"id": user, "username": user.lower(), "name": user.lower(), "team_id": TEAM_ID}


def dm_event(text: str, *, user: str = USER, channel: str = DM) -> dict[str, Any]:
    ts = f"{time.time():.6f}"
    return {
        "client_msg_id": new_id("msg-"),
        "type": "message",
        "text": text,
        "user": user,
        "ts": ts,
        "team": TEAM_ID,
        "blocks": [
            {
                "type": "rich_text",
                "block_id": "r1",
                "elements": [
                    {"type": "rich_text_section", "elements": [{"type": "text", "text": text}]}
                ],
            }
        ],
        "channel": channel,
        "event_ts": ts,
        "channel_type": "im",
    }


@contextmanager
def running_app(
    database_path: Path | str,
    fake: FakeSlackApi,
    clock: Clock,
    **setting_overrides: Any,
) -> Iterator[SlackHarness]:
    """Build the app the way `lantern serve` does and serve it on 127.0.0.1, port 0. A str is a
    database URL; `setting_overrides` replace the single-workspace settings (e.g. installs)."""
    database_url = database_path if isinstance(database_path, str) else f"sqlite:///{database_path}"
    settings = Settings(
        **{
            "slack_bot_token": "xoxb-test",
            "slack_signing_secret": SECRET,
            "slack_api_url": fake.url,
            "database_url": database_url,
            **setting_overrides,
        }
    )
    web_app = build_web_app(settings, clock=clock)
    server = make_server(
        "127.0.0.1", 0, web_app, server_class=_ThreadingWSGIServer, handler_class=_QuietHandler
    )
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True
    )
    thread.start()
    harness = SlackHarness(
        web_app=web_app, fake=fake, port=server.server_address[1], database_url=database_url
    )
    try:
        yield harness
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
        if web_app.app.sweeper is not None:
            web_app.app.sweeper.stop()
        outbox = web_app.outbox
        outbox.drain(timeout=10)
        outbox.shutdown()
        harness.close()
        web_app.database.dispose()


# -- reading Block Kit ---------------------------------------------------------------------


def block_texts(blocks: list[dict[str, Any]]) -> list[str]:
    """Every text a person reads in these blocks (sections, headers, context)."""
    texts: list[str] = []
    for block in blocks:
        text = block.get("text")
        if isinstance(text, dict):
            texts.append(text.get("text", ""))
        for element in block.get("elements", []):
            if isinstance(element, dict) and element.get("type") in {"mrkdwn", "plain_text"}:
                texts.append(element.get("text", ""))
    return texts


def all_text(blocks: list[dict[str, Any]]) -> str:
    return "\n".join(block_texts(blocks))


def buttons(blocks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every button, with the block_id of the actions block that holds it."""
    found = []
    for block in blocks:
        if block.get("type") == "actions":
            for element in block.get("elements", []):
                if element.get("type") == "button":
                    found.append({**element, "block_id": block.get("block_id", "b1")})
    return found


def button(blocks: list[dict[str, Any]], label: str) -> dict[str, Any]:
    for element in buttons(blocks):
        if element["text"]["text"] == label:
            return element
    labels = [element["text"]["text"] for element in buttons(blocks)]
    raise AssertionError(f"no button {label!r} among {labels}")
