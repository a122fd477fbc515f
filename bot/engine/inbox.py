"""Turns kept before the ack and taken in arrival order; replies kept with their turn, then sent.

An adapter writes what a person did to the inbox and only then acknowledges it to the
platform. Any process then takes the person's turns, oldest first, one at a time across every
process (a claim on the head of their queue); a turn and the replies it decided are kept in one
transaction, which also deletes its inbox row, so a turn is kept exactly once. The replies wait
in the outbox until the platform has them: every send goes through one retry policy, and what
cannot go now is tried again later, from where it stopped. A process that dies leaves claims
that run out; the sweep finds what they held.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol

from sqlalchemy.exc import SQLAlchemyError

from bot.core.codec import dumps, load_home, load_inbound, load_replies
from bot.core.messages import HomePage, Inbound, Outcome, Reply
from bot.core.sending import SendError, SendFailure
from bot.engine.retry import RetryPolicy
from bot.engine.scheduled.base import TOKEN_REFUSED_WAIT
from bot.engine.turns import Engine
from storage.database import UnitOfWork
from storage.inbox_repositories import FORM, ClaimedMessage, ClaimedTurn

logger = logging.getLogger(__name__)

HOME = "home"


def person_key(inbound: Inbound) -> str:
    """One person on one platform, whether or not the coach has met them yet."""
    return f"{inbound.platform}:{inbound.workspace_id}:{inbound.user_id}"


@dataclass(frozen=True)
class PlannedSend:
    """What a platform will send after a turn, decided with the turn and kept with it."""

    kind: str  # messages | private | form | home: the platform's sender knows each
    address: Mapping[str, Any]
    replies: tuple[Reply, ...] = ()
    home: HomePage | None = None
    deadline: datetime | None = None  # a form's trigger expires then: posted instead after


@dataclass(frozen=True)
class OutgoingMessage:
    """One outbox row as a platform's sender gets it."""

    workspace_id: str
    kind: str
    address: Mapping[str, Any]
    replies: tuple[Reply, ...]
    home: HomePage | None
    deadline: datetime | None


class Platform(Protocol):
    """What the engine needs of a platform's adapter to answer a turn after the ack."""

    name: str

    def plan(
        self, inbound: Inbound, outcome: Outcome, reply_to: Mapping[str, Any], *, in_request: bool
    ) -> list[PlannedSend]:
        """The sends a turn's outcome makes. `in_request`: the request that brought the turn
        is still open and answers part of it itself (a slash command's ack)."""
        ...

    def send(self, message: OutgoingMessage, *, start: int, record: Callable[[int], None]) -> None:
        """Send `message.replies[start:]` (or its home page), calling `record(n)` once the
        first n replies are out; raise SendError when the platform refuses."""
        ...

    def post_instead(self, message: OutgoingMessage) -> Mapping[str, Any]:
        """Where a form that can no longer open is asked instead (the conversation)."""
        ...


@dataclass(frozen=True)
class TakenTurn:
    inbound: Inbound
    outcome: Outcome
    turn_id: int | None = None


@dataclass(frozen=True)
class AnsweredNow:
    """A turn taken in its request: its outcome, and whether it left replies to send."""

    outcome: Outcome
    sends_waiting: bool


class TakenElsewhereError(Exception):
    """The turn was taken by another process after this one's claim ran out."""


@dataclass
class InboxSettings:
    lease: timedelta = timedelta(seconds=30)  # how long a claim holds before others may take it
    grace: timedelta = timedelta(seconds=2)  # how long a fresh row is left to its own process
    database_retries: int = 3  # a turn the database failed is tried this often, then answered
    wait_in_request_seconds: float = 1.5  # how long a request waits for turns before its own
    policy: RetryPolicy = field(default_factory=RetryPolicy)


class Inbox:
    """The inbox and the outbox, for every platform configured."""

    def __init__(
        self,
        engine: Engine,
        platforms: Mapping[str, Platform],
        settings: InboxSettings | None = None,
        *,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.engine = engine
        self.platforms = dict(platforms)
        self.settings = settings or InboxSettings()
        self._sleep = sleep

    @contextmanager
    def _unit_of_work(self) -> Iterator[UnitOfWork]:
        with self.engine.database.unit_of_work() as uow:
            yield uow

    def _now(self) -> datetime:
        return self.engine.clock.now()

    # -- in ---------------------------------------------------------------------------------

    def accept(self, inbound: Inbound, reply_to: Mapping[str, Any]) -> str:
        """Keep what the person did; after this returns, the platform may be acknowledged.
        Raises when it could not be kept (then nothing is acknowledged: the platform retries
        or the person sees an error)."""
        key = person_key(inbound)
        with self._unit_of_work() as uow:
            uow.inbox.add(
                person_key=key,
                platform=inbound.platform,
                inbound=dumps(inbound),
                reply_to=dict(reply_to),
                at=self._now(),
            )
        return key

    def run_now(self, inbound: Inbound, reply_to: Mapping[str, Any]) -> AnsweredNow:
        """Take a turn inside the request that brought it (a command answered in its ack),
        after any turn of theirs that came before it. Slow work (the flows declare it), and a
        turn whose earlier ones are still being taken elsewhere after a short wait, are kept
        instead, to be taken after the ack: the outcome says so (`later`) and what to say
        meanwhile; their answers come in the conversation (`plan` with `in_request` False)."""
        key = person_key(inbound)
        platform = self.platforms.get(inbound.platform)
        kept = [0]
        pointer = self.engine.slow_pointer(inbound)
        if pointer is not None:
            try:
                self.accept(inbound, reply_to)
            except SQLAlchemyError:
                logger.exception("database error while handling a %s event", inbound.kind.value)
                return AnsweredNow(self.engine.failed_outcome(database=True), sends_waiting=False)
            return AnsweredNow(Outcome(replies=(Reply(pointer),), later=True), sends_waiting=False)

        def keep(uow: UnitOfWork, outcome: Outcome) -> None:
            if platform is not None:
                kept[0] += self._keep_sends(
                    uow, platform, inbound, outcome, reply_to, in_request=True
                )

        # Read before the turn, outside its write lock: a turn of theirs that was acked before
        # this request came is committed, so it is seen here; one that comes meanwhile was
        # sent at the same time as this one, and either order is theirs.
        try:
            with self.engine.database.reading() as uow:
                earlier = uow.inbox.waiting(person_key=key)
        except SQLAlchemyError:
            logger.exception("database error while handling a %s event", inbound.kind.value)
            return AnsweredNow(self.engine.failed_outcome(database=True), sends_waiting=False)
        if not earlier:
            outcome = self.engine.handle(inbound, before_commit=keep)
            return AnsweredNow(outcome, sends_waiting=kept[0] > 0)
        try:
            with self._unit_of_work() as uow:
                turn_id = uow.inbox.add(
                    person_key=key,
                    platform=inbound.platform,
                    inbound=dumps(inbound),
                    reply_to=dict(reply_to),
                    at=self._now(),
                )
        except SQLAlchemyError:
            logger.exception("database error while handling a %s event", inbound.kind.value)
            return AnsweredNow(self.engine.failed_outcome(database=True), sends_waiting=False)
        deadline = time.monotonic() + self.settings.wait_in_request_seconds
        while True:
            for taken in self.take_turns(key, answering_in_request=turn_id):
                if taken.turn_id == turn_id:
                    return AnsweredNow(taken.outcome, sends_waiting=True)
            with self._unit_of_work() as uow:
                # Taken by another process (it answers in the conversation), or still waiting.
                gone = not uow.inbox.is_waiting(turn_id=turn_id)
            if gone or time.monotonic() >= deadline:
                in_dm = Reply(self.engine.content.coach.general.continue_in_dm)
                return AnsweredNow(Outcome(replies=(in_dm,), later=True), sends_waiting=False)
            self._sleep(0.01)

    def take_turns(self, key: str, *, answering_in_request: int | None = None) -> list[TakenTurn]:
        """Take this person's waiting turns in arrival order while nobody else holds them."""
        taken: list[TakenTurn] = []
        while True:
            token = uuid.uuid4().hex
            try:
                with self._unit_of_work() as uow:
                    claimed = uow.inbox.claim_head(
                        person_key=key, token=token, now=self._now(), lease=self.settings.lease
                    )
            except SQLAlchemyError:
                logger.exception("could not claim a turn")
                return taken
            if claimed is None:
                return taken
            result = self._take(claimed, in_request=claimed.id == answering_in_request)
            if result is None:
                return taken
            taken.append(result)

    def _take(self, claimed: ClaimedTurn, *, in_request: bool) -> TakenTurn | None:
        try:
            inbound = load_inbound(claimed.inbound)
        except (ValueError, TypeError, KeyError):
            # Written by another version, or damaged: nobody can answer it; it must not block
            # the person's queue.
            logger.exception("dropped a turn that cannot be read")
            with self._unit_of_work() as uow:
                uow.inbox.take(turn_id=claimed.id, token=claimed.token)
            return None
        platform = self.platforms.get(claimed.platform)
        forms: list[ClaimedMessage] = []

        def keep(uow: UnitOfWork, outcome: Outcome) -> None:
            if not uow.inbox.take(turn_id=claimed.id, token=claimed.token):
                raise TakenElsewhereError
            if platform is not None:
                self._keep_sends(
                    uow,
                    platform,
                    inbound,
                    outcome,
                    claimed.reply_to,
                    in_request=in_request,
                    forms_claimed=None if in_request else forms,
                )

        try:
            outcome = self.engine.run_turn(inbound, before_commit=keep)
        except TakenElsewhereError:
            logger.info("a turn was taken by another process meanwhile")
            return TakenTurn(inbound, Outcome(duplicate=True), claimed.id)
        except SQLAlchemyError:
            logger.exception("database error while taking a %s turn", inbound.kind.value)
            if claimed.attempts < self.settings.database_retries:
                delay = self.settings.policy.delay(claimed.attempts)
                with self._unit_of_work() as uow:
                    uow.inbox.release(
                        turn_id=claimed.id,
                        token=claimed.token,
                        retry_at=self._now() + timedelta(seconds=delay),
                    )
                return None
            outcome = self.engine.failed_outcome(database=True)
            self._give_up(claimed, inbound, outcome, platform, in_request=in_request)
        except Exception:
            logger.exception("unexpected error while taking a %s turn", inbound.kind.value)
            outcome = self.engine.failed_outcome(database=False)
            self._give_up(claimed, inbound, outcome, platform, in_request=in_request)
        for form in forms:  # a modal's trigger is running out: opened before anything else
            self._send(form)
        return TakenTurn(inbound, outcome, claimed.id)

    def _give_up(
        self,
        claimed: ClaimedTurn,
        inbound: Inbound,
        outcome: Outcome,
        platform: Platform | None,
        *,
        in_request: bool,
    ) -> None:
        """A turn that cannot be kept: nothing of it is stored, and the person is told."""
        with self._unit_of_work() as uow:
            if uow.inbox.take(turn_id=claimed.id, token=claimed.token) and platform is not None:
                self._keep_sends(
                    uow, platform, inbound, outcome, claimed.reply_to, in_request=in_request
                )

    def _keep_sends(
        self,
        uow: UnitOfWork,
        platform: Platform,
        inbound: Inbound,
        outcome: Outcome,
        reply_to: Mapping[str, Any],
        *,
        in_request: bool,
        forms_claimed: list[ClaimedMessage] | None = None,
    ) -> int:
        """Keep the sends the platform plans for this turn; how many. With `forms_claimed`,
        forms are kept already claimed by this process and listed there, to be opened the
        moment the turn is committed (no claim in between: their triggers run out)."""
        now = self._now()
        planned = platform.plan(inbound, outcome, reply_to, in_request=in_request)
        for send in planned:
            row: dict[str, Any] = {
                "person_key": person_key(inbound),
                "platform": platform.name,
                "workspace_external_id": inbound.workspace_id,
                "kind": send.kind,
                "address": dict(send.address),
                "payload": dumps(send.home) if send.kind == HOME else dumps(send.replies),
                "deadline": send.deadline,
                "at": now,
            }
            if forms_claimed is not None and send.kind == FORM:
                forms_claimed.append(
                    uow.outbox.add_claimed(
                        token=uuid.uuid4().hex, until=now + self.settings.lease, **row
                    )
                )
            else:
                uow.outbox.add(**row)
        return len(planned)

    # -- out --------------------------------------------------------------------------------

    def send_waiting(self, key: str) -> None:
        """Send this person's replies: forms first (their triggers expire), then the queue in
        order; a row that must wait holds the ones after it."""
        while (form := self._claim(key, forms=True)) is not None:
            self._send(form)
        while (head := self._claim(key, forms=False)) is not None:
            if not self._send(head):
                return

    def _claim(self, key: str, *, forms: bool) -> ClaimedMessage | None:
        token, now, lease = uuid.uuid4().hex, self._now(), self.settings.lease
        with self._unit_of_work() as uow:
            if forms:
                return uow.outbox.claim_form(person_key=key, token=token, now=now, lease=lease)
            return uow.outbox.claim_head(person_key=key, token=token, now=now, lease=lease)

    def _send(self, claimed: ClaimedMessage) -> bool:
        """Send one row; True when it is done with (sent, posted instead, or given up)."""
        platform = self.platforms.get(claimed.platform)
        if platform is None:
            logger.error("no sender for %s; a message waits", claimed.platform)
            self._defer(claimed, f"no sender for {claimed.platform}", None)
            return False
        message = OutgoingMessage(
            workspace_id=claimed.workspace_external_id,
            kind=claimed.kind,
            address=claimed.address,
            replies=() if claimed.kind == HOME else load_replies(claimed.payload),
            home=load_home(claimed.payload) if claimed.kind == HOME else None,
            deadline=claimed.deadline,
        )
        progress = [claimed.sent_count]

        def record(count: int) -> None:
            progress[0] = count
            with self._unit_of_work() as uow:
                uow.outbox.record_sent(message_id=claimed.id, token=claimed.token, sent_count=count)

        deadline: float | None = None
        if claimed.deadline is not None:
            remaining = (claimed.deadline - self._now()).total_seconds()
            deadline = time.monotonic() + remaining
        try:
            self.settings.policy.run(
                lambda: platform.send(message, start=progress[0], record=record),
                deadline=deadline,
                sleep=self._sleep,
            )
        except SendError as error:
            if claimed.kind == FORM:
                logger.warning("a form could not open (%s); asking in the conversation", error)
                with self._unit_of_work() as uow:
                    uow.outbox.post_instead(
                        message_id=claimed.id,
                        token=claimed.token,
                        address=dict(platform.post_instead(message)),
                        now=self._now(),
                    )
                return True
            if error.transient:
                return self._defer(claimed, error.code, error.retry_after)
            if error.reason is SendFailure.TOKEN_REFUSED:
                # Not the person's doing: the workspace's token waits for a reinstall (or its
                # uninstall event), and so does what was to be sent there.
                return self._defer(claimed, error.code, TOKEN_REFUSED_WAIT.total_seconds())
            logger.warning(
                "%s refused a message for good (%s: %s)", claimed.platform, error.reason, error.code
            )
        except Exception:
            logger.exception("could not send a message")
            return self._defer(claimed, "unexpected", None)
        with self._unit_of_work() as uow:
            uow.outbox.finish(message_id=claimed.id, token=claimed.token)
        return True

    def _defer(self, claimed: ClaimedMessage, error: str, retry_after: float | None) -> bool:
        policy = self.settings.policy
        with self._unit_of_work() as uow:
            if claimed.attempts >= policy.give_up_after_attempts:
                logger.error("gave up a message after %d attempts (%s)", claimed.attempts, error)
                uow.outbox.finish(message_id=claimed.id, token=claimed.token)
                return True
            delay = policy.delay(claimed.attempts, retry_after)
            uow.outbox.defer(
                message_id=claimed.id,
                token=claimed.token,
                retry_at=self._now() + timedelta(seconds=delay),
                error=error,
            )
        return False

    # -- both -------------------------------------------------------------------------------

    def drain(self, key: str) -> list[TakenTurn]:
        """Take the person's waiting turns, then send what is waiting for them."""
        taken = self.take_turns(key)
        try:
            self.send_waiting(key)
        except SQLAlchemyError:
            logger.exception("could not send waiting messages")
        return taken

    def left_behind(self, *, limit: int = 100) -> list[str]:
        """People with turns or messages that nobody is seeing to (a process died, a send
        waits for its retry time)."""
        now = self._now()
        before = now - self.settings.grace
        with self._unit_of_work() as uow:
            turns = uow.inbox.left_behind(now=now, received_before=before, limit=limit)
            messages = uow.outbox.waiting_people(now=now, created_before=before, limit=limit)
        return list(dict.fromkeys([*turns, *messages]))


class Sweeper:
    """A daemon thread that hands left-behind people to `submit`, every `interval` seconds."""

    def __init__(
        self, inbox: Inbox, submit: Callable[[str], None], *, interval: float = 1.0
    ) -> None:
        self._inbox = inbox
        self._submit = submit
        self._interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="inbox-sweeper", daemon=True)

    def start(self) -> Sweeper:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def sweep_once(self) -> int:
        people = self._inbox.left_behind()
        for key in people:
            self._submit(key)
        return len(people)

    def _run(self) -> None:
        while not self._stop.wait(self._interval):
            try:
                self.sweep_once()
            except Exception:
                logger.exception("the inbox sweep failed; trying again")
