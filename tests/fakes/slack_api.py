"""A fake Slack Web API on an ephemeral 127.0.0.1 port, recording every call it receives.

Point a `slack_sdk.WebClient` (or Lantern's `SLACK_API_URL`) at `FakeSlackApi().url` and every
method call lands here: recorded (method, arguments, token), answered with `{"ok": true, ...}`
and the fields Lantern and Bolt read (`auth.test` ids, a `ts` for `chat.postMessage`, a
`message_ts` for `chat.postEphemeral`, the view for `views.open`/`views.publish`, a channel for
`conversations.info`, a person for `users.info`). Tests script an error or a delay, set what a
channel or a person is like, and benches reuse it as is:

    with FakeSlackApi(delay=0.02) as fake:
        client = WebClient(token="xoxb-test", base_url=fake.url)
        client.chat_postMessage(channel="U1", text="hi")
        assert fake.wait_for("chat.postMessage")[0].args["text"] == "hi"
"""

from __future__ import annotations

import dataclasses
import itertools
import json
import random
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import parse_qs, urlsplit

TEAM_ID = "T-test"
BOT_USER_ID = "U-bot"
BOT_ID = "B-bot"
APP_ID = "A-test"

# Form fields that slack_sdk sends as JSON strings; decoded so tests read them as data.
_JSON_FIELDS = frozenset({"blocks", "attachments", "view", "metadata", "users", "files"})


@dataclass(frozen=True)
class ApiCall:
    """One request the fake received."""

    method: str  # e.g. "chat.postMessage"
    args: dict[str, Any]  # query, form or JSON arguments, JSON-looking fields decoded
    token: str | None  # from "Authorization: Bearer ..." or a `token` argument
    content_type: str
    headers: dict[str, str] = field(repr=False)
    received_at: float = field(default=0.0, compare=False)  # time.monotonic() on arrival
    status: int = field(default=200, compare=False)  # what the fake answered (faults: 500, 429)

    @property
    def ok(self) -> bool:
        """Answered as Slack answers a call that worked (not a fault the fake injected)."""
        return self.status == 200


@dataclass(frozen=True)
class FakeChannel:
    """What conversations.info says of a channel; `error` answers it with that error instead
    (for example "channel_not_found": a private channel the bot is not in)."""

    is_member: bool = True
    name: str | None = None  # None: named after its id
    is_private: bool = False
    is_mpim: bool = False
    error: str | None = None


@dataclass(frozen=True)
class _Faults:
    server_errors: float
    rate_limited: float
    retry_after: int
    longest_outage: int


@dataclass(frozen=True)
class _Script:
    body: dict[str, Any]
    status: int
    headers: Mapping[str, str]
    times: int | None  # None: every call from now on


class FakeSlackApi:
    """The fake server; use as a context manager, or call `start()` and `stop()`."""

    def __init__(
        self,
        *,
        delay: float = 0.0,
        team_id: str = TEAM_ID,
        bot_user_id: str = BOT_USER_ID,
        bot_id: str = BOT_ID,
        time_zone: str = "America/Chicago",
    ) -> None:
        self.delay = delay  # seconds to wait before answering each call
        self.team_id = team_id
        self.bot_user_id = bot_user_id
        self.bot_id = bot_id
        self.time_zone = time_zone  # the `tz` users.info reports
        # users.info's `is_admin` / `is_owner` for these user ids (everyone else: neither).
        self.admins: set[str] = set()
        self.owners: set[str] = set()
        # conversations.info for these channel ids; any other channel the bot is a member of.
        self.channels: dict[str, FakeChannel] = {}
        self._calls: list[ApiCall] = []
        self._scripts: dict[str, list[_Script]] = {}
        self._condition = threading.Condition()
        self._counter = itertools.count(1)
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._faults: _Faults | None = None
        self._fault_streaks: dict[tuple[str, str], int] = {}

    # -- lifecycle -------------------------------------------------------------------------

    def start(self) -> FakeSlackApi:
        if self._server is not None:
            return self
        server = _Server(("127.0.0.1", 0), _handler_for(self))
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": 0.01},
            name="fake-slack-api",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is None:
            return
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = None
        self._thread = None

    def __enter__(self) -> FakeSlackApi:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def url(self) -> str:
        """The base_url for a WebClient: `http://127.0.0.1:<port>/api/`."""
        if self._server is None:
            raise RuntimeError("the fake Slack API is not running; call start() first")
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}/api/"

    # -- scripting -------------------------------------------------------------------------

    def script(
        self,
        method: str,
        body: Mapping[str, Any],
        *,
        status: int = 200,
        headers: Mapping[str, str] | None = None,
        times: int | None = None,
    ) -> None:
        """Answer `method` with this body (for the next `times` calls, or from now on)."""
        with self._condition:
            self._scripts.setdefault(method, []).append(
                _Script(dict(body), status, dict(headers or {}), times)
            )

    def fail(
        self,
        method: str,
        error: str,
        *,
        status: int = 200,
        headers: Mapping[str, str] | None = None,
        times: int | None = None,
    ) -> None:
        """Answer `method` with `{"ok": false, "error": error}`, e.g. "expired_trigger_id"."""
        reply = {"ok": False, "error": error}
        self.script(method, reply, status=status, headers=headers, times=times)

    def set_channel(self, channel_id: str, **facts: Any) -> None:
        """How conversations.info describes this channel from now on (see FakeChannel)."""
        with self._condition:
            self.channels[channel_id] = FakeChannel(**facts)

    def unreliable(
        self,
        *,
        server_errors: float = 0.1,
        rate_limited: float = 0.2,
        retry_after: int = 1,
        seed: int = 7,
        longest_outage: int = 2,
    ) -> None:
        """From now on, answer a share of calls with a 500, and another with a 429 carrying
        `Retry-After`. The same request (method and arguments) fails at most `longest_outage`
        times in a row, as Slack's own hiccups pass: a client that retries gets through."""
        with self._condition:
            self._faults = _Faults(server_errors, rate_limited, retry_after, longest_outage)
            self._random = random.Random(seed)

    def clear_scripts(self) -> None:
        with self._condition:
            self._scripts.clear()

    # -- what arrived ----------------------------------------------------------------------

    @property
    def calls(self) -> list[ApiCall]:
        with self._condition:
            return list(self._calls)

    def calls_to(self, method: str) -> list[ApiCall]:
        with self._condition:
            return [call for call in self._calls if call.method == method]

    def clear(self) -> None:
        """Forget the calls recorded so far (scripts stay)."""
        with self._condition:
            self._calls.clear()

    def wait_for(
        self,
        method: str,
        count: int = 1,
        *,
        timeout: float = 5.0,
        where: Callable[[ApiCall], bool] | None = None,
    ) -> list[ApiCall]:
        """Wait until at least `count` calls of `method` (matching `where`) arrived; return them.

        Raises AssertionError naming what did arrive when the timeout passes first.
        """

        def matching() -> list[ApiCall]:
            return [
                call
                for call in self._calls
                if call.method == method and (where is None or where(call))
            ]

        deadline = time.monotonic() + timeout
        with self._condition:
            while len(found := matching()) < count:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    seen = [call.method for call in self._calls]
                    raise AssertionError(
                        f"expected {count} call(s) of {method}, got {len(found)} "
                        f"within {timeout} s; calls received: {seen}"
                    )
                self._condition.wait(remaining)
            return found

    # -- the server side -------------------------------------------------------------------

    def _fault(self, call: ApiCall) -> tuple[int, dict[str, str], dict[str, Any]] | None:
        """An injected fault for this call, if `unreliable` is on and the dice say so."""
        faults = self._faults
        if faults is None:
            return None
        request = (call.method, json.dumps(call.args, sort_keys=True, default=repr))
        streak = self._fault_streaks.get(request, 0)
        roll = self._random.random()
        if streak >= faults.longest_outage or roll >= faults.server_errors + faults.rate_limited:
            self._fault_streaks.pop(request, None)
            return None
        self._fault_streaks[request] = streak + 1
        if roll < faults.server_errors:
            return 500, {}, {"ok": False, "error": "internal_error"}
        headers = {"Retry-After": str(faults.retry_after)}
        return 429, headers, {"ok": False, "error": "ratelimited"}

    def _record(self, call: ApiCall) -> tuple[int, dict[str, str], dict[str, Any]]:
        with self._condition:
            fault = self._fault(call)
            if fault is not None:
                self._calls.append(dataclasses.replace(call, status=fault[0]))
                self._condition.notify_all()
                return fault
            self._calls.append(call)
            self._condition.notify_all()
            scripted = self._take_script(call.method)
        if scripted is not None:
            return scripted.status, dict(scripted.headers), dict(scripted.body)
        return 200, {}, self._default_reply(call)

    def _take_script(self, method: str) -> _Script | None:
        scripts = self._scripts.get(method)
        if not scripts:
            return None
        current = scripts[0]
        if current.times is not None:
            if current.times <= 1:
                scripts.pop(0)
            else:
                left = current.times - 1
                scripts[0] = _Script(current.body, current.status, current.headers, left)
        return current

    def _default_reply(self, call: ApiCall) -> dict[str, Any]:
        args = call.args
        number = next(self._counter)
        ts = f"{1_700_000_000 + number}.{number:06d}"
        method = call.method
        if method == "auth.test":
            return {
                "ok": True,
                "url": "https://lantern-test.slack.com/",
                "team": "Lantern Test",
                "user": "lantern",
                "team_id": self.team_id,
                "user_id": self.bot_user_id,
                "bot_id": self.bot_id,
                "is_enterprise_install": False,
            }
        if method in {"chat.postMessage", "chat.update", "chat.meMessage"}:
            channel = str(args.get("channel", ""))
            return {
                "ok": True,
                "channel": channel,
                "ts": str(args.get("ts") or ts),
                "message": {
                    "type": "message",
                    "user": self.bot_user_id,
                    "bot_id": self.bot_id,
                    "app_id": APP_ID,
                    "text": args.get("text", ""),
                    "blocks": args.get("blocks", []),
                    "ts": ts,
                    "team": self.team_id,
                },
            }
        if method == "chat.postEphemeral":
            return {"ok": True, "message_ts": ts}
        if method in {"views.open", "views.update", "views.push", "views.publish"}:
            view = args.get("view")
            view = dict(view) if isinstance(view, Mapping) else {}
            return {
                "ok": True,
                "view": {
                    **view,
                    "id": f"V{number:08d}",
                    "team_id": self.team_id,
                    "app_id": APP_ID,
                    "bot_id": self.bot_id,
                    "hash": f"{number}.hash",
                    "state": {"values": {}},
                    "root_view_id": f"V{number:08d}",
                    "previous_view_id": None,
                },
            }
        if method == "users.info":
            user = str(args.get("user", ""))
            return {
                "ok": True,
                "user": {
                    "id": user,
                    "team_id": self.team_id,
                    "name": user.lower(),
                    "is_bot": False,
                    "is_admin": user in self.admins or user in self.owners,
                    "is_owner": user in self.owners,
                    "is_primary_owner": False,
                    "tz": self.time_zone,
                    "tz_label": self.time_zone,
                    "tz_offset": 0,
                },
            }
        if method == "conversations.info":
            return self._channel_info(str(args.get("channel", "")))
        if method == "files.getUploadURLExternal":
            file_id = f"F{number:06d}"
            return {"ok": True, "file_id": file_id, "upload_url": f"{self.url}upload/{file_id}"}
        if method == "file.upload":
            return {"ok": True}
        if method == "files.completeUploadExternal":
            files = args.get("files") or []
            return {
                "ok": True,
                "files": [{"id": f.get("id"), "title": f.get("title")} for f in files],
            }
        if method == "conversations.open":
            users = str(args.get("users", "")).split(",")[0]
            return {"ok": True, "channel": {"id": "D" + users.removeprefix("U")}}
        return {"ok": True}

    def _channel_info(self, channel_id: str) -> dict[str, Any]:
        with self._condition:
            facts = self.channels.get(channel_id, FakeChannel())
        if facts.error:
            return {"ok": False, "error": facts.error}
        is_im = channel_id.startswith("D")
        return {
            "ok": True,
            "channel": {
                "id": channel_id,
                "name": facts.name or channel_id.lower(),
                "is_channel": not (is_im or facts.is_mpim or facts.is_private),
                "is_group": facts.is_private,
                "is_im": is_im,
                "is_mpim": facts.is_mpim,
                "is_private": facts.is_private or facts.is_mpim or is_im,
                "is_archived": False,
                "is_general": False,
                "is_member": facts.is_member,
                "created": 1_700_000_000,
                "creator": "U-creator",
                "context_team_id": self.team_id,
            },
        }


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    # Benches open many connections at once (every worker thread, several processes): a deep
    # accept queue keeps the kernel from resetting the ones the default queue of 5 cannot hold.
    request_queue_size = 512


def _handler_for(fake: FakeSlackApi) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "FakeSlackApi/1.0"

        def do_POST(self) -> None:
            self._answer()

        def do_GET(self) -> None:
            self._answer()

        def log_message(self, format: str, *args: Any) -> None:
            return  # quiet: the calls are recorded instead

        def _answer(self) -> None:
            parts = urlsplit(self.path)
            method = parts.path.rstrip("/").rsplit("/", 1)[-1]
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length > 0 else b""
            content_type = self.headers.get("Content-Type", "")
            args = _single(parse_qs(parts.query, keep_blank_values=True))
            if "/upload/" in parts.path:
                # The upload URL files.getUploadURLExternal handed out: the file's bytes.
                method, args = "file.upload", {"file_id": method, "content": body}
            else:
                args.update(_parse_body(body, content_type))
            token = None
            authorization = self.headers.get("Authorization", "")
            if authorization.lower().startswith("bearer "):
                token = authorization[7:].strip()
            elif isinstance(args.get("token"), str):
                token = args["token"]
            call = ApiCall(
                method=method,
                args=args,
                token=token,
                content_type=content_type,
                headers={key.lower(): value for key, value in self.headers.items()},
                received_at=time.monotonic(),
            )
            status, headers, reply = fake._record(call)
            if fake.delay > 0:
                time.sleep(fake.delay)
            data = json.dumps(reply).encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            for name, value in headers.items():
                self.send_header(name, value)
            try:
                self.end_headers()
                self.wfile.write(data)
            except ConnectionError:
                pass  # the client went away (a killed worker): nothing to answer

    return Handler


def _single(values: dict[str, list[str]]) -> dict[str, Any]:
    return {key: _decode(key, items[-1]) for key, items in values.items()}


def _decode(key: str, value: Any) -> Any:
    if key in _JSON_FIELDS and isinstance(value, str) and value[:1] in {"[", "{"}:
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def _parse_body(body: bytes, content_type: str) -> dict[str, Any]:
    if not body:
        return {}
    kind = content_type.split(";")[0].strip().lower()
    if kind == "application/json":
        parsed = json.loads(body.decode("utf-8"))
        return dict(parsed) if isinstance(parsed, dict) else {"_json": parsed}
    if kind == "multipart/form-data":
        header = f"Content-Type: {content_type}\r\n\r\n".encode()
        message = BytesParser(policy=HTTP).parsebytes(header + body)
        args: dict[str, Any] = {}
        for part in message.iter_parts():
            name = part.get_param("name", header="content-disposition")
            if not isinstance(name, str):
                continue
            payload = part.get_payload(decode=True)
            if part.get_filename() is None and isinstance(payload, bytes):
                args[name] = _decode(name, payload.decode("utf-8"))
            else:
                args[name] = payload
        return args
    return _single(parse_qs(body.decode("utf-8"), keep_blank_values=True))
