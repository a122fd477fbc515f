"""The load bench's simulated people: signed Slack payloads, keep-alive clients, and a ledger.

Each simulated person keeps to one role, so what they should have stored is known exactly:

- a *toolkit* person opens a step (`/coach toolkit N`) and answers its questions by direct
  message, one message per question; every answer carries a token of its own, so the database
  can be searched afterwards for each message's answer (there must be exactly one);
- a *reflect* person opens `/reflect` and submits the modal, saves a reflection inline
  (`/reflect text`), types read-only `/coach` commands, presses buttons, sends a direct message
  when nothing is running (answered, stored nowhere), and now and then exports their guide.

Direct messages are sometimes delivered again with the same `event_id` (`X-Slack-Retry-Num: 1`)
to the *other* web instance: at the same moment as the first delivery, or just after its ack.
A person acts again only after their last turn that runs after the ack has reached the database
(the bench polls for it), and never sooner than their think time: the order in which two web
instances run one person's turns is not guaranteed, and a real person does not type two
messages a millisecond apart. With `burst_share`, some toolkit people do exactly that: two
answers at once, one to each instance (both must be stored).

A request that gets no answer (a dropped connection) has an unknown outcome: its write may be
stored once or not at all, never twice, and a toolkit person then starts the next step afresh.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import random
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Literal
from urllib.parse import urlencode

from slack_sdk.signature import SignatureVerifier

TEAM_ID = "T-bench"
TEAM_DOMAIN = "lantern-bench"
APP_ID = "A-bench"
CHOICE_ACTION_ID = "lantern.choice.0"  # any id under Lantern's choice prefix
LANDING_TIMEOUT_SECONDS = 30.0
SLOW_SECONDS = 0.25  # answers this slow are listed with when they were sent

Kind = Literal[
    "reflect_open",  # /reflect: the modal opens
    "reflect_submit",  # the modal submitted: a reflection stored in the ack
    "reflect_inline",  # /reflect <text>: stored in the ack
    "coach",  # /coach help | reflections | toolkit: answered in the ack
    "export",  # /coach export: built after the ack, uploaded to the DM
    "button",  # a button under a message in the DM: runs after the ack
    "toolkit_open",  # /coach toolkit N: the step opens after the ack
    "dm_answer",  # a direct message answering a toolkit question
    "dm_idle",  # a direct message with nothing running
    "retry_concurrent",  # the same event again, to the other instance, at the same moment
    "retry_after",  # the same event again, to the other instance, after the first ack
    "dm_burst",  # two answers at once from one person, one to each instance
    "warm_up",  # before the run: never measured
]

# -- payloads --------------------------------------------------------------------------------


class Signer:
    """Signs bodies as Slack does (v0 HMAC-SHA256 of the timestamp and the body)."""

    def __init__(self, secret: str, *, keep_alive: bool = True) -> None:
        self._verifier = SignatureVerifier(secret)
        # Without keep-alive every request opens a connection of its own (the server closes it
        # after the answer), so any gunicorn worker may take it.
        self._close = () if keep_alive else ("Connection: close",)

    def request(
        self, port: int, body: str, content_type: str, extra: dict[str, str] | None = None
    ) -> bytes:
        stamp = str(int(time.time()))
        signature = self._verifier.generate_signature(timestamp=stamp, body=body)
        data = body.encode("utf-8")
        lines = [
            "POST /slack/events HTTP/1.1",
            f"Host: 127.0.0.1:{port}",
            f"Content-Type: {content_type}",
            f"X-Slack-Request-Timestamp: {stamp}",
            f"X-Slack-Signature: {signature}",
            f"Content-Length: {len(data)}",
            *self._close,
            *(f"{name}: {value}" for name, value in (extra or {}).items()),
        ]
        return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + data


_ids = itertools.count(1)


def new_id(prefix: str) -> str:
    return f"{prefix}{next(_ids):08d}"


def command_body(user: str, command: str, text: str) -> tuple[str, str]:
    body = urlencode(
        {
            "token": "legacy",
            "team_id": TEAM_ID,
            "team_domain": TEAM_DOMAIN,
            "channel_id": "D" + user.removeprefix("U"),
            "channel_name": "directmessage",
            "user_id": user,
            "user_name": user.lower(),
            "command": command,
            "text": text,
            "api_app_id": APP_ID,
            "is_enterprise_install": "false",
            "response_url": f"https://hooks.slack.com/commands/{TEAM_ID}/1/abc",
            "trigger_id": new_id("1337.4242.trigger"),
        }
    )
    return body, "application/x-www-form-urlencoded"


def dm_body(user: str, text: str, event_id: str) -> tuple[str, str]:
    ts = f"{time.time():.6f}"
    event = {
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
        "channel": "D" + user.removeprefix("U"),
        "event_ts": ts,
        "channel_type": "im",
    }
    payload = {
        "token": "legacy",
        "team_id": TEAM_ID,
        "api_app_id": APP_ID,
        "event": event,
        "type": "event_callback",
        "event_id": event_id,
        "event_time": int(time.time()),
        "authorizations": [
            {
                "enterprise_id": None,
                "team_id": TEAM_ID,
                "user_id": "U-bot",
                "is_bot": True,
                "is_enterprise_install": False,
            }
        ],
        "is_ext_shared_channel": False,
        "event_context": "4-eyJldCI6Im1lc3NhZ2UifQ",
    }
    return json.dumps(payload), "application/json"


def _slack_user(user: str) -> dict[str, str]:
    return {"id": user, "username": user.lower(), "name": user.lower(), "team_id": TEAM_ID}


def button_body(user: str, value: str) -> tuple[str, str]:
    ts = f"{int(time.time())}.000100"
    channel = "D" + user.removeprefix("U")
    payload: dict[str, Any] = {
        "type": "block_actions",
        "user": _slack_user(user),
        "api_app_id": APP_ID,
        "token": "legacy",
        "container": {
            "type": "message",
            "message_ts": ts,
            "channel_id": channel,
            "is_ephemeral": False,
        },
        "trigger_id": new_id("1337.4242.trigger"),
        "team": {"id": TEAM_ID, "domain": TEAM_DOMAIN},
        "enterprise": None,
        "is_enterprise_install": False,
        "channel": {"id": channel, "name": "directmessage"},
        "state": {"values": {}},
        "response_url": f"https://hooks.slack.com/actions/{TEAM_ID}/1/xyz",
        "actions": [
            {
                "type": "button",
                "block_id": "b1",
                "action_id": CHOICE_ACTION_ID,
                "text": {"type": "plain_text", "text": "Button", "emoji": True},
                "value": value,
                "action_ts": f"{time.time():.6f}",
            }
        ],
        "message": {"type": "message", "user": "U-bot", "bot_id": "B-bot", "ts": ts},
    }
    return urlencode({"payload": json.dumps(payload)}), "application/x-www-form-urlencoded"


def submission_body(user: str, view: dict[str, Any], text: str) -> tuple[str, str]:
    """The reflection modal, as the app opened it, submitted with `text` in its input."""
    state: dict[str, Any] = {}
    for block in view.get("blocks", []):
        if block.get("type") == "input":
            element = block["element"]
            state[block["block_id"]] = {
                element["action_id"]: {"type": element["type"], "value": text}
            }
    view_id = new_id("V")
    payload = {
        "type": "view_submission",
        "team": {"id": TEAM_ID, "domain": TEAM_DOMAIN},
        "user": _slack_user(user),
        "api_app_id": APP_ID,
        "token": "legacy",
        "trigger_id": new_id("1337.4242.trigger"),
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
            "bot_id": "B-bot",
        },
        "response_urls": [],
        "is_enterprise_install": False,
        "enterprise": None,
    }
    return urlencode({"payload": json.dumps(payload)}), "application/x-www-form-urlencoded"


# -- HTTP ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Response:
    status: int  # 0: no answer (the connection failed or the request timed out)
    body: bytes
    seconds: float
    error: str = ""  # why there was no answer
    port: int = 0  # the instance asked
    started: float = 0.0  # time.perf_counter() when it was sent


class Connection:
    """One keep-alive HTTP/1.1 connection to one web instance, reopened when it drops or the
    server closes it."""

    def __init__(self, port: int, timeout: float) -> None:
        self.port = port
        self.timeout = timeout
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None
        self.stale_retries = 0

    async def send(self, request: bytes) -> Response:
        started = time.perf_counter()
        reused = self._writer is not None
        try:
            return await self._exchange(request, started)
        except (ConnectionResetError, BrokenPipeError, asyncio.IncompleteReadError) as error:
            self.close()
            if not (reused and _nothing_read(error)):
                return self._failed(started, error)
            # A kept-alive connection the server had already closed (it closes idle ones):
            # the request never reached the app, so it goes again on a new connection, as
            # any HTTP client's pool does.
            self.stale_retries += 1
        except (TimeoutError, OSError, ValueError) as error:
            self.close()
            return self._failed(started, error)
        try:
            return await self._exchange(request, started)
        except (TimeoutError, OSError, ValueError, asyncio.IncompleteReadError) as error:
            self.close()
            return self._failed(started, error)

    def _failed(self, started: float, error: BaseException) -> Response:
        elapsed = time.perf_counter() - started
        return Response(0, b"", elapsed, type(error).__name__, self.port, started)

    async def _exchange(self, request: bytes, started: float) -> Response:
        if self._writer is None:
            self._reader, self._writer = await asyncio.open_connection("127.0.0.1", self.port)
        assert self._reader is not None
        self._writer.write(request)
        status, body, keep = await asyncio.wait_for(_read(self._reader), self.timeout)
        elapsed = time.perf_counter() - started
        if not keep:
            self.close()
        return Response(status, body, elapsed, port=self.port, started=started)

    def close(self) -> None:
        if self._writer is not None:
            self._writer.close()
        self._reader = self._writer = None


def _nothing_read(error: BaseException) -> bool:
    """True when the server answered nothing at all before the connection ended."""
    return not isinstance(error, asyncio.IncompleteReadError) or not error.partial


async def _read(reader: asyncio.StreamReader) -> tuple[int, bytes, bool]:
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {
        k.strip().lower(): v.strip()
        for k, _, v in (line.partition(":") for line in lines[1:] if line)
    }
    body = b""
    if "content-length" in headers:
        body = await reader.readexactly(int(headers["content-length"]))
    elif headers.get("transfer-encoding") == "chunked":
        parts = []
        while True:
            size = int((await reader.readuntil(b"\r\n")).strip(), 16)
            parts.append((await reader.readexactly(size + 2))[:-2])
            if size == 0:
                break
        body = b"".join(parts)
    return status, body, headers.get("connection", "").lower() != "close"


# -- what was sent and what came back --------------------------------------------------------


@dataclass
class Ledger:
    """Every response, and every write the app should have made (by token or event id)."""

    latencies: dict[str, list[float]] = field(default_factory=dict)
    statuses: Counter[tuple[str, int]] = field(default_factory=Counter)
    errors: Counter[tuple[str, str]] = field(default_factory=Counter)  # (kind, why no answer)
    measuring: bool = False
    # Tokens each kind of write carries, for the writes whose requests were acked 200.
    reflections_expected: set[str] = field(default_factory=set)
    reflections_refused: set[str] = field(default_factory=set)  # acked with form errors
    reflections_not_acked: set[str] = field(default_factory=set)  # not 200: may or may not exist
    answers_expected: dict[str, str] = field(default_factory=dict)  # token -> event id
    answers_unknown: set[str] = field(default_factory=set)  # no answer: stored once or not
    idle_dms: dict[str, str] = field(default_factory=dict)  # token -> event id
    events_acked: set[str] = field(default_factory=set)  # an event id with any 200
    events_sent: set[str] = field(default_factory=set)
    landing_timeouts: Counter[str] = field(default_factory=Counter)
    requests: int = 0
    stale_retries: int = 0  # requests sent again on a new connection (see Connection.send)
    # The slowest answers: (when sent, time.perf_counter(); kind; port; seconds).
    slow: list[tuple[float, str, int, float]] = field(default_factory=list)

    def record(self, kind: Kind, response: Response) -> None:
        if not self.measuring:
            return
        self.requests += 1
        self.statuses[(kind, response.status)] += 1
        if response.error:
            self.errors[(kind, response.error)] += 1
        self.latencies.setdefault(kind, []).append(response.seconds)
        if response.seconds >= SLOW_SECONDS:
            self.slow.append((response.started, kind, response.port, response.seconds))


# -- landings: has the turn that runs after the ack reached the database? ----------------------


class Landings:
    """Turns the bench waits on before a person acts again; a checker fills `landed`."""

    def __init__(self) -> None:
        self.events: set[str] = set()  # event ids not yet seen in processed_events
        self.steps: dict[str, str] = {}  # user id -> the step ("step-3") whose question waits
        self.landed_events: set[str] = set()
        self.landed_steps: set[tuple[str, str]] = set()

    def event_landed(self, event_id: str) -> bool:
        return event_id in self.landed_events

    def step_landed(self, user: str, step_id: str) -> bool:
        return (user, step_id) in self.landed_steps

    @property
    def pending(self) -> int:
        return len(self.events) + len(self.steps)


# -- people ----------------------------------------------------------------------------------


@dataclass
class Person:
    user: str
    role: Literal["toolkit", "reflect"]
    ready_at: float = 0.0
    # What must land before the next action: ("event", id) or ("step", step id), and since when.
    waiting: list[tuple[str, str]] = field(default_factory=list)
    waiting_since: float = 0.0
    step: int = 0  # toolkit: the step open (1-7), 0 before the first
    questions_left: int = 0
    modal_open: bool = False  # reflect: /reflect acked, the submission comes next


@dataclass(frozen=True)
class Mix:
    """How a reflect person chooses what to do next (weights), and how often events repeat."""

    reflect_modal: float = 0.30
    reflect_inline: float = 0.10
    coach: float = 0.20
    button: float = 0.20
    dm_idle: float = 0.19
    export: float = 0.01
    retry_share: float = 0.2  # of direct messages, delivered again with the same event_id
    concurrent_share: float = 0.5  # of those retries, sent at the same moment as the first
    # Of toolkit answers, two typed at once and delivered to two instances at the same moment.
    burst_share: float = 0.0


COACH_COMMANDS = ("help", "reflections", "toolkit")
BUTTON_VALUES = ("coach:help:", "reflect:history:")


class Client:
    """One of the concurrent clients: it owns some people and acts for whichever is ready."""

    def __init__(
        self,
        *,
        number: int,
        ports: list[int],
        people: list[Person],
        signer: Signer,
        ledger: Ledger,
        landings: Landings,
        view: dict[str, Any],
        mix: Mix,
        questions: tuple[int, ...],
        think: float,
        timeout: float,
        seed: int,
    ) -> None:
        self.number = number
        self.ports = ports
        self.connections = [Connection(port, timeout) for port in ports]
        # A second connection per instance, for a retry sent at the same moment as the first.
        self.spare = [Connection(port, timeout) for port in ports]
        self.people = people
        self.signer = signer
        self.ledger = ledger
        self.landings = landings
        self.view = view
        self.mix = mix
        self.questions = questions  # how many questions each toolkit step asks
        self.think = think
        self.random = random.Random(seed)
        self._turn = number  # round-robin over the instances, staggered between clients
        self._tokens = itertools.count(1)

    def close(self) -> None:
        for connection in (*self.connections, *self.spare):
            self.ledger.stale_retries += connection.stale_retries
            connection.stale_retries = 0
            connection.close()

    async def run(self, until: float) -> None:
        while time.monotonic() < until:
            person = self._ready_person()
            if person is None:
                await asyncio.sleep(self._idle_for(until))
                continue
            await self._act(person)
            # A person's think time, varied so the clients do not march in step.
            person.ready_at = time.monotonic() + self.think * self.random.uniform(0.5, 1.5)

    def _idle_for(self, until: float) -> float:
        """Until the next person's pause ends, or the next look at what people wait for (the
        checker polls every 50 ms): an idle client must not spin on the server's CPU."""
        now = time.monotonic()
        wait = min((p.ready_at - now for p in self.people if not p.waiting), default=0.02)
        if any(p.waiting for p in self.people):
            wait = min(wait, 0.02)
        return max(0.001, min(wait, until - now))

    def _ready_person(self) -> Person | None:
        now = time.monotonic()
        for person in self.people:
            if person.ready_at > now:
                continue
            if person.waiting and not self._landed(person, now):
                continue
            return person
        return None

    def _landed(self, person: Person, now: float) -> bool:
        """Whether everything the person waits on has landed (or been waited on too long)."""
        landings = self.landings
        left = [
            (what, key)
            for what, key in person.waiting
            if not (
                landings.event_landed(key)
                if what == "event"
                else landings.step_landed(person.user, key)
            )
        ]
        if left and now - person.waiting_since < LANDING_TIMEOUT_SECONDS:
            return False
        for what, _key in left:
            # Given up on: the next action may race with it, and the checks will say so.
            self.ledger.landing_timeouts[what] += 1
        for what, key in person.waiting:
            if what == "event":
                landings.events.discard(key)
                landings.landed_events.discard(key)
            else:
                landings.steps.pop(person.user, None)
                landings.landed_steps.discard((person.user, key))
        person.waiting = []
        return True

    def _wait_for(self, person: Person, what: str, key: str) -> None:
        if not person.waiting:
            person.waiting_since = time.monotonic()
        person.waiting.append((what, key))
        if what == "event":
            self.landings.events.add(key)
        else:
            self.landings.steps[person.user] = key

    def _next_instance(self) -> int:
        self._turn += 1
        return self._turn % len(self.ports)

    def _token(self, kind: str) -> str:
        return f"bench{kind}c{self.number}n{next(self._tokens)}"

    async def _send(
        self, kind: Kind, body: tuple[str, str], *, instance: int | None = None
    ) -> Response:
        index = self._next_instance() if instance is None else instance
        request = self.signer.request(self.ports[index], *body)
        response = await self.connections[index].send(request)
        self.ledger.record(kind, response)
        return response

    async def _act(self, person: Person) -> None:
        if person.role == "toolkit":
            await self._toolkit(person)
        else:
            await self._reflect(person)

    # -- toolkit people ------------------------------------------------------------------------

    async def _toolkit(self, person: Person) -> None:
        if person.questions_left == 0:
            person.step = person.step % len(self.questions) + 1
            response = await self._send(
                "toolkit_open", command_body(person.user, "/coach", f"toolkit {person.step}")
            )
            if response.status == 200:
                person.questions_left = self.questions[person.step - 1]
                self._wait_for(person, "step", f"step-{person.step}")
            return
        if person.questions_left >= 2 and self.random.random() < self.mix.burst_share:
            await self._burst(person)
            return
        token = self._token("a")
        text = f"My answer {token}: I asked the principal what success looks like to her."
        event_id = await self._dm(person, "dm_answer", text)
        if event_id is not None:
            self.ledger.answers_expected[token] = event_id
            person.questions_left -= 1
        else:
            # The app may or may not have taken it: which question waits is no longer known,
            # so the person opens the next step, where it is.
            self.ledger.answers_unknown.add(token)
            person.questions_left = 0

    async def _burst(self, person: Person) -> None:
        """Two answers typed in quick succession, which Slack hands to the two instances at
        once: each must be stored, as the answer to one of the next two questions."""
        sent = []
        for instance in range(2):
            token = self._token("a")
            event_id = new_id("Ev")
            self.ledger.events_sent.add(event_id)
            text = f"Quick answer {token}: and the library's part in it."
            body = dm_body(person.user, text, event_id)
            port = self.ports[instance % len(self.ports)]
            connection = (self.connections if instance == 0 else self.spare)[
                instance % len(self.ports)
            ]
            sent.append((token, event_id, connection.send(self.signer.request(port, *body))))
        responses = await asyncio.gather(*(request for _, _, request in sent))
        for (token, event_id, _), response in zip(sent, responses, strict=True):
            self.ledger.record("dm_burst", response)
            if response.status == 200:
                self.ledger.events_acked.add(event_id)
                self.ledger.answers_expected[token] = event_id
                person.questions_left -= 1
                self._wait_for(person, "event", event_id)
            else:
                self.ledger.answers_unknown.add(token)
                person.questions_left = 0

    # -- reflect people ------------------------------------------------------------------------

    async def _reflect(self, person: Person) -> None:
        if person.modal_open:
            person.modal_open = False
            token = self._token("r")
            text = f"Reflection {token}: I listened more than I spoke today."
            response = await self._send(
                "reflect_submit", submission_body(person.user, self.view, text)
            )
            self._expect_reflection(token, response)
            return
        mix = self.mix
        choice = self.random.choices(
            ("modal", "inline", "coach", "button", "dm", "export"),
            weights=(
                mix.reflect_modal,
                mix.reflect_inline,
                mix.coach,
                mix.button,
                mix.dm_idle,
                mix.export,
            ),
        )[0]
        if choice == "modal":
            response = await self._send("reflect_open", command_body(person.user, "/reflect", ""))
            person.modal_open = response.status == 200
        elif choice == "inline":
            token = self._token("i")
            text = f"Inline {token}: asked the board chair about the budget first."
            response = await self._send(
                "reflect_inline", command_body(person.user, "/reflect", text)
            )
            self._expect_reflection(token, response)
        elif choice == "coach":
            words = self.random.choice(COACH_COMMANDS)
            await self._send("coach", command_body(person.user, "/coach", words))
        elif choice == "button":
            value = self.random.choice(BUTTON_VALUES)
            await self._send("button", button_body(person.user, value))
        elif choice == "export":
            await self._send("export", command_body(person.user, "/coach", "export"))
        else:
            token = self._token("d")
            event_id = await self._dm(person, "dm_idle", f"hello there {token}")
            if event_id is not None:
                self.ledger.idle_dms[token] = event_id

    def _expect_reflection(self, token: str, response: Response) -> None:
        if response.status != 200:
            self.ledger.reflections_not_acked.add(token)
        elif b'"errors"' in response.body:
            self.ledger.reflections_refused.add(token)
        else:
            self.ledger.reflections_expected.add(token)

    # -- direct messages and their retries -----------------------------------------------------

    async def _dm(self, person: Person, kind: Kind, text: str) -> str | None:
        """Send a DM event (perhaps twice, as Slack retries); its event id when any copy got a
        200, else None."""
        event_id = new_id("Ev")
        self.ledger.events_sent.add(event_id)
        body = dm_body(person.user, text, event_id)
        first = self._next_instance()
        other = (first + 1) % len(self.ports)
        retry = self.random.random() < self.mix.retry_share
        retry_headers = {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}
        statuses: list[int]
        if retry and self.random.random() < self.mix.concurrent_share:
            original = self.connections[first].send(self.signer.request(self.ports[first], *body))
            again = self.spare[other].send(
                self.signer.request(self.ports[other], *body, retry_headers)
            )
            responses = await asyncio.gather(original, again)
            self.ledger.record(kind, responses[0])
            self.ledger.record("retry_concurrent", responses[1])
            statuses = [r.status for r in responses]
        else:
            response = await self._send(kind, body, instance=first)
            statuses = [response.status]
            if retry:
                again_response = await self.connections[other].send(
                    self.signer.request(self.ports[other], *body, retry_headers)
                )
                self.ledger.record("retry_after", again_response)
                statuses.append(again_response.status)
        if 200 not in statuses:
            return None
        self.ledger.events_acked.add(event_id)
        self._wait_for(person, "event", event_id)
        return event_id


def make_people(count: int, toolkit_share: float) -> list[Person]:
    """People "UB0001"...; every few of them a toolkit person, the rest reflect people."""
    people = []
    toolkit_every = max(1, round(1 / toolkit_share)) if toolkit_share > 0 else 0
    for index in range(1, count + 1):
        role: Literal["toolkit", "reflect"] = (
            "toolkit" if toolkit_every and index % toolkit_every == 0 else "reflect"
        )
        people.append(Person(user=f"UB{index:04d}", role=role))
    return people
