"""The inbox (turns kept before the ack) and the outbox (replies kept with their turn): claims.

Both queues are per person and strictly ordered by id. A claim takes only the head of a
person's queue, and only when nobody holds it (or the holder's lease has run out), in one
guarded UPDATE: PostgreSQL re-checks the guard on a row another transaction just changed, and
SQLite has a single writer, so two processes never hold one person's head at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, exists, func, or_, select, update
from sqlalchemy.orm import Session

from storage.models import InboxTurn, OutboxMessage

FORM = "form"
"""The outbox kind that opens on its own, ahead of the person's queue (its trigger expires)."""


@dataclass(frozen=True)
class ClaimedTurn:
    id: int
    token: str
    platform: str
    inbound: str
    reply_to: dict[str, Any]
    attempts: int
    received_at: datetime


@dataclass(frozen=True)
class ClaimedMessage:
    id: int
    token: str
    person_key: str
    platform: str
    workspace_external_id: str
    kind: str
    address: dict[str, Any]
    payload: str
    sent_count: int
    deadline: datetime | None
    attempts: int


class InboxRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(
        self,
        *,
        person_key: str,
        platform: str,
        inbound: str,
        reply_to: dict[str, Any],
        at: datetime,
    ) -> int:
        row = InboxTurn(
            person_key=person_key,
            platform=platform,
            inbound=inbound,
            reply_to=reply_to,
            received_at=at,
            attempts=0,
        )
        self._session.add(row)
        self._session.flush()
        return row.id

    def waiting(self, *, person_key: str) -> bool:
        """Whether any turn of this person is still to be taken."""
        return bool(
            self._session.scalar(select(exists().where(InboxTurn.person_key == person_key)))
        )

    def is_waiting(self, *, turn_id: int) -> bool:
        return self._session.get(InboxTurn, turn_id, populate_existing=True) is not None

    def claim_head(
        self, *, person_key: str, token: str, now: datetime, lease: timedelta
    ) -> ClaimedTurn | None:
        """The person's oldest turn, claimed for `lease`; None when there is none, or when
        another process holds it (it is then theirs to take, and the ones after it too)."""
        head = (
            select(func.min(InboxTurn.id))
            .where(InboxTurn.person_key == person_key)
            .scalar_subquery()
        )
        claimed = self._session.execute(
            update(InboxTurn)
            .where(
                InboxTurn.id == head,
                or_(InboxTurn.claimed_until.is_(None), InboxTurn.claimed_until < now),
            )
            .values(claimed_until=now + lease, claim_token=token, attempts=InboxTurn.attempts + 1)
            .execution_options(synchronize_session=False)
        )
        if claimed.rowcount != 1:  # type: ignore[attr-defined]
            return None
        row = self._session.scalars(select(InboxTurn).where(InboxTurn.claim_token == token)).one()
        self._session.refresh(row)
        return ClaimedTurn(
            id=row.id,
            token=token,
            platform=row.platform,
            inbound=row.inbound,
            reply_to=dict(row.reply_to or {}),
            attempts=row.attempts,
            received_at=row.received_at,
        )

    def take(self, *, turn_id: int, token: str) -> bool:
        """Delete the turn as taken, only if this claim still holds it (False: it was taken by
        another process after this claim's lease ran out)."""
        taken = self._session.execute(
            delete(InboxTurn)
            .where(InboxTurn.id == turn_id, InboxTurn.claim_token == token)
            .execution_options(synchronize_session=False)
        )
        return bool(taken.rowcount == 1)  # type: ignore[attr-defined]

    def release(self, *, turn_id: int, token: str, retry_at: datetime) -> None:
        """Give the turn back, to be tried again from `retry_at` (a failure that may pass)."""
        self._session.execute(
            update(InboxTurn)
            .where(InboxTurn.id == turn_id, InboxTurn.claim_token == token)
            .values(claimed_until=retry_at, claim_token=None)
            .execution_options(synchronize_session=False)
        )

    def left_behind(self, *, now: datetime, received_before: datetime, limit: int) -> list[str]:
        """People whose oldest turn nobody is taking: unclaimed for a while, or a lease run out
        (a process that died). A turn waiting behind one in progress is not left behind."""
        heads = select(func.min(InboxTurn.id)).group_by(InboxTurn.person_key)
        rows = self._session.scalars(
            select(InboxTurn.person_key)
            .where(
                InboxTurn.id.in_(heads),
                or_(
                    InboxTurn.claimed_until < now,
                    InboxTurn.claimed_until.is_(None) & (InboxTurn.received_at <= received_before),
                ),
            )
            .limit(limit)
        )
        return list(rows)

    def count(self) -> int:
        return int(self._session.scalar(select(func.count()).select_from(InboxTurn)) or 0)


class OutboxRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(
        self,
        *,
        person_key: str,
        platform: str,
        workspace_external_id: str,
        kind: str,
        address: dict[str, Any],
        payload: str,
        deadline: datetime | None,
        at: datetime,
        claim: tuple[str, datetime] | None = None,
    ) -> int:
        """A row to send; with `claim` (token, until), already claimed by its writer."""
        row = OutboxMessage(
            person_key=person_key,
            platform=platform,
            workspace_external_id=workspace_external_id,
            kind=kind,
            address=address,
            payload=payload,
            deadline=deadline,
            not_before=at,
            created_at=at,
            sent_count=0,
            attempts=0 if claim is None else 1,
            claim_token=None if claim is None else claim[0],
            claimed_until=None if claim is None else claim[1],
        )
        self._session.add(row)
        self._session.flush()
        return row.id

    def add_claimed(self, *, token: str, until: datetime, **row: Any) -> ClaimedMessage:
        """A row to send (as `add` takes it), already claimed by its writer until `until`."""
        message_id = self.add(**row, claim=(token, until))
        added = self._session.get(OutboxMessage, message_id)
        assert added is not None
        return _claimed(added, token)

    def claim_head(
        self, *, person_key: str, token: str, now: datetime, lease: timedelta
    ) -> ClaimedMessage | None:
        """The person's oldest message row when it is due and nobody holds it."""
        head = (
            select(func.min(OutboxMessage.id))
            .where(OutboxMessage.person_key == person_key, OutboxMessage.kind != FORM)
            .scalar_subquery()
        )
        return self._claim(
            (OutboxMessage.id == head, OutboxMessage.not_before <= now), token, now, lease
        )

    def claim_form(
        self, *, person_key: str, token: str, now: datetime, lease: timedelta
    ) -> ClaimedMessage | None:
        """A form of this person's waiting to open (forms do not wait for the queue)."""
        first = (
            select(func.min(OutboxMessage.id))
            .where(
                OutboxMessage.person_key == person_key,
                OutboxMessage.kind == FORM,
                OutboxMessage.not_before <= now,
                or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until < now),
            )
            .scalar_subquery()
        )
        return self._claim((OutboxMessage.id == first,), token, now, lease)

    def _claim(
        self, where: tuple[Any, ...], token: str, now: datetime, lease: timedelta
    ) -> ClaimedMessage | None:
        claimed = self._session.execute(
            update(OutboxMessage)
            .where(
                *where,
                or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until < now),
            )
            .values(
                claimed_until=now + lease,
                claim_token=token,
                attempts=OutboxMessage.attempts + 1,
            )
            .execution_options(synchronize_session=False)
        )
        if claimed.rowcount != 1:  # type: ignore[attr-defined]
            return None
        row = self._session.scalars(
            select(OutboxMessage).where(OutboxMessage.claim_token == token)
        ).one()
        self._session.refresh(row)
        return _claimed(row, token)

    def record_sent(self, *, message_id: int, token: str, sent_count: int) -> None:
        self._session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == message_id, OutboxMessage.claim_token == token)
            .values(sent_count=sent_count)
            .execution_options(synchronize_session=False)
        )

    def finish(self, *, message_id: int, token: str) -> None:
        self._session.execute(
            delete(OutboxMessage)
            .where(OutboxMessage.id == message_id, OutboxMessage.claim_token == token)
            .execution_options(synchronize_session=False)
        )

    def defer(self, *, message_id: int, token: str, retry_at: datetime, error: str) -> None:
        """Give the row back, to be tried again from `retry_at`."""
        self._session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == message_id, OutboxMessage.claim_token == token)
            .values(
                claimed_until=None, claim_token=None, not_before=retry_at, last_error=error[:200]
            )
            .execution_options(synchronize_session=False)
        )

    def post_instead(
        self, *, message_id: int, token: str, address: dict[str, Any], now: datetime
    ) -> None:
        """A form that cannot open any more is asked in the conversation, in its turn's place
        in the person's queue."""
        self._session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == message_id, OutboxMessage.claim_token == token)
            .values(
                kind="messages",
                address=address,
                sent_count=0,
                claimed_until=None,
                claim_token=None,
                not_before=now,
            )
            .execution_options(synchronize_session=False)
        )

    def waiting_people(self, *, now: datetime, created_before: datetime, limit: int) -> list[str]:
        """People with messages due that nobody is sending: older than a moment, or left by a
        process that died (a lease run out). Only a queue's head counts (the rest wait for
        it); a form counts on its own."""
        heads = (
            select(func.min(OutboxMessage.id))
            .where(OutboxMessage.kind != FORM)
            .group_by(OutboxMessage.person_key)
        )
        rows = self._session.scalars(
            select(OutboxMessage.person_key)
            .where(
                OutboxMessage.id.in_(heads) | (OutboxMessage.kind == FORM),
                OutboxMessage.not_before <= now,
                or_(
                    OutboxMessage.claimed_until < now,
                    OutboxMessage.claimed_until.is_(None)
                    & (OutboxMessage.created_at <= created_before),
                ),
            )
            .group_by(OutboxMessage.person_key)
            .limit(limit)
        )
        return list(rows)

    def count(self) -> int:
        return int(self._session.scalar(select(func.count()).select_from(OutboxMessage)) or 0)


def _claimed(row: OutboxMessage, token: str) -> ClaimedMessage:
    return ClaimedMessage(
        id=row.id,
        token=token,
        person_key=row.person_key,
        platform=row.platform,
        workspace_external_id=row.workspace_external_id,
        kind=row.kind,
        address=dict(row.address or {}),
        payload=row.payload,
        sent_count=row.sent_count,
        deadline=row.deadline,
        attempts=row.attempts,
    )
