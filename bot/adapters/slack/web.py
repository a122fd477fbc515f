"""The HTTP front: /slack/events (signature checked before parsing), installs, and /healthz."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable, Sequence
from typing import Any
from urllib.parse import parse_qs

from slack_bolt import App, BoltResponse
from slack_bolt.request import BoltRequest
from slack_sdk.signature import SignatureVerifier

from bot.adapters.slack.outbox import Outbox
from bot.engine.inbox import Sweeper
from storage.database import Database

logger = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
INSTALL_PATH = "/slack/install"
OAUTH_REDIRECT_PATH = "/slack/oauth_redirect"
HEALTH_PATH = "/healthz"
MAX_BODY_BYTES = 1024 * 1024  # Slack's payloads are far smaller; refuse anything bigger.

StartResponse = Callable[[str, list[tuple[str, str]]], Any]
Environ = dict[str, Any]


class BadRequest(ValueError):
    """A signed request whose body is not a Slack payload Lantern understands."""


def _headers(environ: Environ) -> dict[str, str | Sequence[str]]:
    headers: dict[str, str | Sequence[str]] = {
        key[5:].replace("_", "-").lower(): str(value)
        for key, value in environ.items()
        if key.startswith("HTTP_")
    }
    if environ.get("CONTENT_TYPE"):
        headers["content-type"] = str(environ["CONTENT_TYPE"])
    return headers


# For each payload type, the fields that must be objects (dicts) for Bolt and us to read it.
REQUIRED_OBJECTS: dict[str, tuple[str, ...]] = {
    "event_callback": ("event",),
    "block_actions": ("user",),
    "view_submission": ("user", "view"),
    "view_closed": ("user", "view"),
}


OPTIONAL_OBJECTS = ("team", "container", "user", "channel", "message", "enterprise")
"""Fields Slack sends as objects when it sends them at all: anything else is refused before
Bolt or Lantern reads them."""


def _check_view(view: object) -> None:
    if not isinstance(view, dict) or not isinstance(view.get("callback_id", ""), str):
        raise BadRequest("a view that is not an object with a text callback_id")
    state = view.get("state")
    if state is None:
        return
    values = state.get("values") if isinstance(state, dict) else None
    if not isinstance(state, dict) or not isinstance(values, dict | None):
        raise BadRequest("a view whose state is not an object")
    for block in (values or {}).values():
        if not isinstance(block, dict) or not all(isinstance(e, dict) for e in block.values()):
            raise BadRequest("a view whose state values are not objects")


def _check_typed_payload(payload: object) -> None:
    if not isinstance(payload, dict) or not isinstance(payload.get("type"), str):
        raise BadRequest("payload has no type")
    for name in REQUIRED_OBJECTS.get(payload["type"], ()):
        if not isinstance(payload.get(name), dict):
            raise BadRequest(f"{payload['type']} payload without a {name} object")
    for name in OPTIONAL_OBJECTS:
        if not isinstance(payload.get(name), dict | None):
            raise BadRequest(f"a {name} that is not an object")
    if "event" in payload and not (
        isinstance(payload["event"], dict) and isinstance(payload["event"].get("type"), str)
    ):
        raise BadRequest("event without a type")
    if "view" in payload:
        _check_view(payload["view"])
    if payload["type"] == "block_actions":
        actions = payload.get("actions")
        if not (
            isinstance(actions, list)
            and actions
            and all(
                isinstance(action, dict) and isinstance(action.get("action_id"), str)
                for action in actions
            )
        ):
            raise BadRequest("block_actions payload without a list of actions")
    if payload["type"] in {"view_submission", "view_closed"} and not isinstance(
        payload["view"].get("type"), str
    ):
        raise BadRequest("view without a type")


# A slash command's form has none of these: they are what Bolt reads from other payloads.
NOT_IN_A_COMMAND = frozenset({"type", "event", "view", "actions", "payload", "message"})


def _parsed_json(text: str, what: str) -> object:
    try:
        return json.loads(text)
    except ValueError as exc:
        raise BadRequest(f"{what} is not JSON") from exc
    except RecursionError as exc:  # nested deeper than Python's recursion limit
        raise BadRequest(f"{what} is nested too deep") from exc


def check_payload_shape(body: str, content_type: str) -> None:
    """Refuse what no Slack surface sends, before Bolt parses it."""
    if content_type.startswith("application/json"):
        _check_typed_payload(_parsed_json(body, "body"))
        return
    form = parse_qs(body, keep_blank_values=True)
    if "payload" in form:
        _check_typed_payload(_parsed_json(form["payload"][0], "payload"))
        return
    if "command" in form and "user_id" in form:
        if NOT_IN_A_COMMAND & form.keys():
            raise BadRequest("a slash command with fields of another payload")
        return
    if "ssl_check" in form:
        return
    raise BadRequest("form body is not a Slack payload")


class SlackWebApp:
    """The WSGI application served by `lantern serve` (and gunicorn in production)."""

    def __init__(
        self,
        bolt_app: App,
        database: Database,
        signing_secret: str,
        outbox: Outbox,
        sweeper: Sweeper | None = None,
    ) -> None:
        self.bolt_app = bolt_app
        self.database = database
        self.outbox = outbox  # the work after the ack; drained on shutdown
        self.sweeper = sweeper  # finds turns and replies left behind; stopped on shutdown
        self.verifier = SignatureVerifier(signing_secret)

    def __call__(self, environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        method = environ.get("REQUEST_METHOD", "GET")
        if path == HEALTH_PATH:
            return self._health(start_response)
        if path in (INSTALL_PATH, OAUTH_REDIRECT_PATH) and self.bolt_app.oauth_flow is not None:
            if method != "GET":
                return _respond(start_response, 405, "method not allowed")
            return self._install(path, environ, start_response)
        if path != EVENTS_PATH:
            return _respond(start_response, 404, "not found")
        if method != "POST":
            return _respond(start_response, 405, "method not allowed")
        return self._events(environ, start_response)

    def _health(self, start_response: StartResponse) -> Iterable[bytes]:
        try:
            self.database.ping()
        except Exception:
            logger.exception("health check: database unreachable")
            return _respond(
                start_response, 503, '{"ok": false, "database": "unreachable"}', json_body=True
            )
        return _respond(start_response, 200, '{"ok": true}', json_body=True)

    def _install(
        self, path: str, environ: Environ, start_response: StartResponse
    ) -> Iterable[bytes]:
        """Slack's OAuth, run by Bolt's flow: the "Add to Slack" page, then Slack's redirect
        back with a one-time code and the state issued with that page."""
        flow = self.bolt_app.oauth_flow
        assert flow is not None  # the caller routes here only when installs are on
        request = BoltRequest(
            body="", query=environ.get("QUERY_STRING", ""), headers=_headers(environ)
        )
        if path == INSTALL_PATH:
            response = flow.handle_installation(request)
        else:
            response = flow.handle_callback(request)
        return _bolt_response(start_response, response)

    def _signed(self, body: str, headers: dict[str, str | Sequence[str]]) -> bool:
        timestamp = headers.get("x-slack-request-timestamp")
        signature = headers.get("x-slack-signature")
        if not isinstance(timestamp, str) or not isinstance(signature, str):
            return False
        try:
            return self.verifier.is_valid(body=body, timestamp=timestamp, signature=signature)
        except ValueError:  # a timestamp that is not a number
            return False

    def _events(self, environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return _respond(start_response, 400, "bad content length")
        if length > MAX_BODY_BYTES:
            return _respond(start_response, 413, "payload too large")
        raw = environ["wsgi.input"].read(length) if length > 0 else b""
        try:
            body = raw.decode("utf-8")
        except UnicodeDecodeError:
            body = None
        headers = _headers(environ)
        if body is None or not self._signed(body, headers):
            return _respond(start_response, 401, "invalid signature")
        try:
            check_payload_shape(body, str(headers.get("content-type", "")))
            request = BoltRequest(body=body, query=environ.get("QUERY_STRING", ""), headers=headers)
        except (BadRequest, ValueError, KeyError, TypeError, AttributeError):
            logger.warning("refused a signed request with a malformed body")
            return _respond(start_response, 400, "malformed payload")
        return _bolt_response(start_response, self.bolt_app.dispatch(request))


def _bolt_response(start_response: StartResponse, response: BoltResponse) -> list[bytes]:
    status = f"{response.status} {_REASONS.get(response.status, 'OK')}"
    data = response.body.encode("utf-8")
    header_list = [
        (k, v)
        for k, values in response.headers.items()
        if k.lower() != "content-length"
        for v in values
    ]
    header_list.append(("Content-Length", str(len(data))))
    start_response(status, header_list)
    return [data]


_REASONS = {
    200: "OK",
    302: "Found",
    400: "Bad Request",
    401: "Unauthorized",
    404: "Not Found",
    405: "Method Not Allowed",
    413: "Payload Too Large",
    500: "Internal Server Error",
    503: "Service Unavailable",
}


def _respond(
    start_response: StartResponse, status: int, body: str, *, json_body: bool = False
) -> list[bytes]:
    data = body.encode("utf-8")
    content_type = "application/json" if json_body else "text/plain; charset=utf-8"
    start_response(
        f"{status} {_REASONS[status]}",
        [("Content-Type", content_type), ("Content-Length", str(len(data)))],
    )
    return [data]
