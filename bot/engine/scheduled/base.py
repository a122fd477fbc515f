"""What every kind of scheduled message shares: the claimed item, its message, the strategy."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import ClassVar

from bot.core.messages import Reply
from bot.core.schedule import WorkingHours
from bot.core.sending import SendError, SendFailure
from bot.engine.plan_store import park_person
from bot.engine.retry import RetryPolicy
from content import Content
from storage.database import Database, UnitOfWork
from storage.plan_repositories import DeliveryState
from storage.scheduled_repositories import ClaimScope, ScheduledRepository
from storage.scheduling import ClaimedItem, Schedulable, advance, release_claim

UNSENDABLE_PLATFORM_DELAY = timedelta(days=1)
"""An item of a person on a platform this worker cannot send to is looked at again a day
later (another worker may serve that platform), rather than claimed on every tick."""

RETRY_FIRST = timedelta(seconds=30)
RETRY_MOST = timedelta(hours=1)

TOKEN_REFUSED_WAIT = timedelta(minutes=10)
"""A workspace whose credentials the platform refused waits this long (its uninstall event, or
a reinstall, settles it); nothing is dropped or marked meanwhile."""


@dataclass(frozen=True)
class Due:
    """One claimed item: what kind, which row, whose, in which workspace, and its due time."""

    kind: str
    item_id: int
    person_id: int
    workspace_key: int  # the workspace's row id: the worker rate-limits per workspace
    due_at: datetime


@dataclass(frozen=True)
class Prepared:
    """A claimed item ready to send: to whom, what, and the delivery row that records it."""

    due: Due
    platform: str
    workspace_id: str
    user_id: str  # the person, or the channel a team post goes to
    replies: tuple[Reply, ...]
    delivery_id: int
    attempts: int  # failed attempts before this one
    hours: WorkingHours
    # A digest answers for every due relationship it lists: (id, due time it listed).
    listed: tuple[tuple[int, datetime], ...] = field(default=())
    # A nudge's cadence (and N days), read while preparing it: the next due time needs it.
    cadence: tuple[str, int | None] | None = None
    post_id: int | None = None  # a team prompt's post row, which keeps the message's ts


@dataclass(frozen=True)
class Setting:
    """What strategies work with: the database, the words, and the platforms this worker can
    send to."""

    database: Database
    content: Content
    platforms: frozenset[str]


SCHEDULED_RETRIES = RetryPolicy(
    first_backoff_seconds=RETRY_FIRST.total_seconds(),
    max_backoff_seconds=RETRY_MOST.total_seconds(),
)
"""The one retry policy (bot/engine/retry.py), at the pace of messages nobody is waiting on."""


def retry_delay(attempts: int, retry_after: float | None) -> timedelta:
    """How long a failed send waits: what the platform asked, else 30 s doubling up to 1 h."""
    wait = retry_after if retry_after is not None and retry_after > 0 else None
    return timedelta(seconds=SCHEDULED_RETRIES.delay(attempts + 1, wait))


def workspace_pause(error: SendError) -> float | None:
    """Seconds the whole workspace waits after this failure (a rate limit, refused
    credentials), or None when only this message is affected."""
    if error.retry_after:
        return error.retry_after
    if error.reason is SendFailure.TOKEN_REFUSED:
        return TOKEN_REFUSED_WAIT.total_seconds()
    return None


def after_working_days(moment: datetime, days: int, hours: WorkingHours) -> datetime:
    """The start of the working day `days` working days after `moment`'s local date."""
    day = moment.astimezone(hours.zone).date()
    counted = 0
    while counted < days:
        day += timedelta(days=1)
        if not hours.days or day.isoweekday() in hours.days:
            counted += 1
    return hours.first_start_on_or_after(day)


class Strategy(ABC):
    """One kind of scheduled message. The worker claims with `claim`, prepares `chunk` at a
    time with `prepare` (each with its delivery row written first), sends outside any
    transaction, then records with `record_sent` (which `advance`s the item) or
    `on_failure`. Each step is one short transaction."""

    kind: ClassVar[str]  # the delivery rows' kind, and the metrics' label
    model: ClassVar[Schedulable]  # the table whose due time it claims and advances
    chunk: ClassVar[int] = 1  # how many are prepared together in one transaction
    checks_before_send: ClassVar[bool] = False  # whether `still_wanted` needs looking at

    def __init__(self, setting: Setting) -> None:
        self.setting = setting

    # -- claim -----------------------------------------------------------------------------

    @abstractmethod
    def claim(
        self,
        rows: ScheduledRepository,
        *,
        now: datetime,
        lease: timedelta,
        limit: int,
        scope: ClaimScope,
    ) -> list[ClaimedItem]:
        """Claim up to `limit` due items of this kind for `lease`, in one statement."""

    # -- prepare ---------------------------------------------------------------------------

    def prepare(
        self, uow: UnitOfWork, dues: Sequence[Due], now: datetime
    ) -> list[tuple[Due, Prepared | None]]:
        """The messages for claimed items (None for one with nothing to send now, already
        moved on or released)."""
        return [(due, self.prepare_one(uow, due, now)) for due in dues]

    @abstractmethod
    def prepare_one(self, uow: UnitOfWork, due: Due, now: datetime) -> Prepared | None:
        """The message for one claimed item (None: nothing to send now)."""

    def still_wanted(self, uow: UnitOfWork, prepared: Prepared, now: datetime) -> bool:
        """Just before the send (it may have waited for its workspace's turn): still due?"""
        return True

    # -- record ----------------------------------------------------------------------------

    def record_sent(self, prepared: Prepared, ts: str, now: datetime) -> None:
        """The platform took the message: record it and move the item on, in one transaction."""
        with self.setting.database.unit_of_work() as uow:
            uow.plan.deliveries.record(
                delivery_id=prepared.delivery_id, status="sent", at=now, message_ts=ts
            )
            self.advance(uow, prepared.due, prepared.hours, now, prepared, sent=True)

    @abstractmethod
    def advance(
        self,
        uow: UnitOfWork,
        due: Due,
        hours: WorkingHours,
        now: datetime,
        prepared: Prepared | None,
        *,
        sent: bool,
    ) -> None:
        """Move a handled item to its next due time, counted from now: after downtime, one
        catch-up message stands for every occurrence missed. Compare-and-set on the due time
        it was claimed at (`move_on`), so an edit the person made meanwhile wins."""

    def move_on(
        self,
        uow: UnitOfWork,
        due: Due,
        next_due: datetime | None,
        values: dict[str, object] | None = None,
    ) -> bool:
        return advance(
            uow.session,
            self.model,
            item_id=due.item_id,
            claimed_due_at=due.due_at,
            next_due_at=next_due,
            values=values,
        )

    def release(self, uow: UnitOfWork, due: Due, *, until: datetime | None = None) -> None:
        release_claim(uow.session, self.model, item_id=due.item_id, until=until)

    def on_failure(
        self, uow: UnitOfWork, prepared: Prepared, error: SendError, now: datetime
    ) -> timedelta | None:
        """The platform refused the message. A passing failure keeps the occurrence claimed
        until its retry time (it is never dropped) and returns that delay. Otherwise nothing
        is retried (None): a person who cannot be reached is marked so until they talk to the
        coach again; any other refusal (a missing scope, a malformed message) fails this
        occurrence only, and the item moves on to its next one."""
        reason = error.reason
        if reason in (SendFailure.TRANSIENT, SendFailure.TOKEN_REFUSED, SendFailure.NO_SENDER):
            delay = (
                UNSENDABLE_PLATFORM_DELAY
                if reason is SendFailure.NO_SENDER
                else retry_delay(prepared.attempts, workspace_pause(error))
            )
            self._record(uow, prepared, "retrying", error, now)
            self.release(uow, prepared.due, until=now + delay)
            return delay
        if reason in (
            SendFailure.UNREACHABLE,
            SendFailure.LOST_CHANNEL,
            SendFailure.ARCHIVED_CHANNEL,
        ):
            # A DM that cannot be delivered: its person cannot be reached.
            self._record(uow, prepared, "undeliverable", error, now)
            self.person_unreachable(uow, prepared, error, now)
            return None
        self._record(uow, prepared, "failed", error, now)
        self.advance(uow, prepared.due, prepared.hours, now, prepared, sent=False)
        return None

    def person_unreachable(
        self, uow: UnitOfWork, prepared: Prepared, error: SendError, now: datetime
    ) -> None:
        """Mark the person unreachable until they talk to the coach again, and park their plan."""
        person = ScheduledRepository(uow.session).person(prepared.due.person_id)
        if person is not None:
            person.unreachable_since = now
            person.unreachable_reason = error.code[:64]
            park_person(uow, person)

    @staticmethod
    def _record(
        uow: UnitOfWork, prepared: Prepared, status: str, error: SendError, now: datetime
    ) -> None:
        uow.plan.deliveries.record(
            delivery_id=prepared.delivery_id, status=status, at=now, error=error.code
        )

    # -- helpers for the strategies ---------------------------------------------------------

    def not_now(
        self, uow: UnitOfWork, due: Due, platform: str, hours: WorkingHours, now: datetime
    ) -> bool:
        """Move the item on without a message when this worker cannot send it now; True then."""
        if platform not in self.setting.platforms:
            next_due = now + UNSENDABLE_PLATFORM_DELAY
        elif not hours.contains(now):
            # Due at night or on a quiet day (a catch-up, a cadence edit): the next working
            # moment, and nothing now.
            next_due = hours.next_moment(now)
        else:
            return False
        self.move_on(uow, due, next_due)
        return True

    def begin_delivery(
        self, uow: UnitOfWork, due: Due, hours: WorkingHours, now: datetime
    ) -> DeliveryState | None:
        """The occurrence's delivery row, written before the send; None when it was sent
        already (a crash between the send and its record), after moving the item on."""
        delivery = uow.plan.deliveries.begin(
            kind=due.kind,
            item_id=due.item_id,
            occurrence=due.due_at.isoformat(),
            person_id=due.person_id,
            at=now,
        )
        if delivery.status == "sent":
            self.advance(uow, due, hours, now, None, sent=True)
            return None
        return delivery


class MovesOnByCadence(Strategy):
    """A strategy whose item's next due time follows from the item and the person's hours
    alone (most of them; a nudge needs its relationship's cadence, a digest its relationships)."""

    def advance(
        self,
        uow: UnitOfWork,
        due: Due,
        hours: WorkingHours,
        now: datetime,
        prepared: Prepared | None,
        *,
        sent: bool,
    ) -> None:
        self.move_on(uow, due, self.next_due(uow, due, hours, now))

    @abstractmethod
    def next_due(
        self, uow: UnitOfWork, due: Due, hours: WorkingHours, now: datetime
    ) -> datetime | None:
        """The item's next due time from `now` (None: it is done)."""
