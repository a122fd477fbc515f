"""Claiming due rows for the worker: one statement, one claimant, proportional to what is due."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, Connection, Table, Update, bindparam, select, update
from sqlalchemy.orm import Session

from storage.models import (
    ActionItem,
    Delivery,
    Person,
    PersonSchedule,
    Relationship,
    TeamSubscription,
    ToolkitReminder,
    Workspace,
)

if TYPE_CHECKING:  # storage.database imports the repositories, and they import this module
    from storage.database import Database

Schedulable = (
    type[Relationship]
    | type[ActionItem]
    | type[PersonSchedule]
    | type[ToolkitReminder]
    | type[TeamSubscription]
)

ScheduledRow = Relationship | ActionItem | PersonSchedule | ToolkitReminder | TeamSubscription

Conditions = tuple[ColumnElement[bool], ...]
"""Extra WHERE conditions on a claim (the worker's shard, workspaces it has enough of)."""


@dataclass(frozen=True)
class ClaimedItem:
    """A due row claimed for one lease: which row, whose, and the due time it was claimed at."""

    item_id: int
    person_id: int
    due_at: datetime


def claim_due(
    session: Session,
    model: Schedulable,
    *,
    now: datetime,
    lease: timedelta,
    limit: int,
    where: Conditions = (),
    reachable_only: bool = True,
) -> list[ClaimedItem]:
    """Claim up to `limit` due rows of `model` for `lease`, earliest first, in one statement.

    Two workers never claim the same row: PostgreSQL locks the chosen rows and skips rows
    another transaction holds (SKIP LOCKED); SQLite has a single writer. A claim left by a
    crashed worker expires with its lease. Rows of people the platform cannot reach are left
    out (unless `reachable_only` is False: a channel's post is not sent to its owner).
    The due-time index keeps this proportional to the rows due, not to the table.
    """
    claimable = (model.next_due_at <= now) & (
        model.claimed_until.is_(None) | (model.claimed_until < now)
    )
    due = (
        select(model.id)
        .join(Person, Person.id == model.person_id)
        .join(Workspace, Workspace.id == Person.workspace_id)
        .where(
            claimable,
            # Nothing goes to a workspace that uninstalled Lantern, from the moment it did.
            Workspace.uninstalled_at.is_(None),
            *((Person.unreachable_since.is_(None),) if reachable_only else ()),
            *where,
        )
        .order_by(model.next_due_at)
        .limit(limit)
    )
    if session.get_bind().dialect.name == "postgresql":
        due = due.with_for_update(of=model, skip_locked=True)
    claimed = session.execute(
        update(model)
        .where(model.id.in_(due.scalar_subquery()), claimable)
        .values(claimed_until=now + lease)
        .returning(model.id, model.person_id, model.next_due_at)
        .execution_options(synchronize_session=False)
    )
    # The claim's WHERE compares next_due_at, so none of these is NULL.
    # A team prompt whose subscriber was forgotten has no owner, but it is stopped too, so
    # never claimable: the join on its owner leaves it out.
    return [
        ClaimedItem(item_id, person_id, due)
        for item_id, person_id, due in claimed
        if due and person_id is not None
    ]


# The statements below run once per message the worker sends, so they are Core statements on
# the table, built once with bound parameters: building a statement and its cache key for each
# message cost more than running it.


def _table(model: Schedulable | type[Delivery]) -> Table:
    table = model.__table__
    assert isinstance(table, Table)
    return table


@cache
def _release_statement(table: Table) -> Update:
    return (
        update(table)
        .where(table.c.id == bindparam("b_id"))
        .values(claimed_until=bindparam("b_until"))
    )


@cache
def _advance_statement(table: Table, also: tuple[str, ...]) -> Update:
    return (
        update(table)
        .where(table.c.id == bindparam("b_id"), table.c.next_due_at == bindparam("b_due"))
        .values(
            next_due_at=bindparam("b_next"),
            claimed_until=None,
            **{name: bindparam(f"b_{name}") for name in also},
        )
        .returning(table.c.id)
    )


@cache
def _record_statement(table: Table) -> Update:
    return (
        update(table)
        .where(table.c.id == bindparam("b_id"))
        .values(
            status=bindparam("b_status"),
            attempts=table.c.attempts + 1,
            message_ts=bindparam("b_ts"),
            error=bindparam("b_error"),
            updated_at=bindparam("b_at"),
        )
    )


def release_claim(
    session: Session | Connection,
    model: Schedulable,
    *,
    item_id: int,
    until: datetime | None = None,
) -> None:
    """Let go of a claim now, or hold it until `until` (a retry after a backoff)."""
    session.execute(_release_statement(_table(model)), {"b_id": item_id, "b_until": until})


def advance(
    session: Session | Connection,
    model: Schedulable,
    *,
    item_id: int,
    claimed_due_at: datetime,
    next_due_at: datetime | None,
    values: dict[str, Any] | None = None,
) -> bool:
    """Move a claimed row on to its next due time and release it; compare-and-set, so an edit
    the person made meanwhile (a check-in, a snooze) wins. False if the row had moved.
    `values` are set as well when it moves (when a nudge was sent, say)."""
    also = values or {}
    statement = _advance_statement(_table(model), tuple(sorted(also)))
    parameters = {"b_id": item_id, "b_due": claimed_due_at, "b_next": next_due_at}
    parameters.update({f"b_{name}": value for name, value in also.items()})
    moved = session.execute(statement, parameters).first()
    if moved is None:
        release_claim(session, model, item_id=item_id)
    return moved is not None


def record_delivery(
    session: Session | Connection,
    *,
    delivery_id: int,
    status: str,
    at: datetime,
    message_ts: str | None = None,
    error: str | None = None,
) -> None:
    """How one attempt at a delivery went: its status, the message's id or the error."""
    session.execute(
        _record_statement(_table(Delivery)),
        {
            "b_id": delivery_id,
            "b_status": status,
            "b_ts": message_ts,
            "b_error": error[:200] if error else None,
            "b_at": at,
        },
    )


@cache
def _record_and_advance_statement(table: Table, also: tuple[str, ...]) -> Update:
    """Record a delivery and advance its item in one statement (PostgreSQL: a data-modifying
    CTE runs whether or not the statement reads it)."""
    deliveries = _table(Delivery)
    recorded = (
        update(deliveries)
        .where(deliveries.c.id == bindparam("b_delivery"))
        .values(
            status=bindparam("b_status"),
            attempts=deliveries.c.attempts + 1,
            message_ts=bindparam("b_ts"),
            error=None,
            updated_at=bindparam("b_at"),
        )
        .cte("recorded")
    )
    return _advance_statement(table, also).add_cte(recorded)


def record_sent_and_advance(
    database: Database,
    model: Schedulable,
    *,
    delivery_id: int,
    message_ts: str,
    at: datetime,
    item_id: int,
    claimed_due_at: datetime,
    next_due_at: datetime | None,
    values: dict[str, Any] | None = None,
) -> None:
    """A message went out: record its delivery as sent and move its item on, at once and
    together (see `advance`). On PostgreSQL one statement that commits by itself, one round
    trip; the worker runs this once per message it sends."""
    also = values or {}
    if database.engine.dialect.name != "postgresql":
        with database.transaction() as connection:
            record_delivery(
                connection, delivery_id=delivery_id, status="sent", at=at, message_ts=message_ts
            )
            advance(
                connection,
                model,
                item_id=item_id,
                claimed_due_at=claimed_due_at,
                next_due_at=next_due_at,
                values=also,
            )
        return
    parameters = {
        "b_delivery": delivery_id,
        "b_status": "sent",
        "b_ts": message_ts,
        "b_at": at,
        "b_id": item_id,
        "b_due": claimed_due_at,
        "b_next": next_due_at,
    }
    parameters.update({f"b_{name}": value for name, value in also.items()})
    statement = _record_and_advance_statement(_table(model), tuple(sorted(also)))
    with database.autocommit() as connection:
        if connection.execute(statement, parameters).first() is None:
            # Moved meanwhile (a check-in, a snooze): theirs wins; the claim is let go.
            release_claim(connection, model, item_id=item_id)
