"""Counts for /metrics: the scheduled items that are due and waiting for a worker to claim them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, Select, String, func, literal, select, union_all
from sqlalchemy.orm import Session

from storage.models import (
    ActionItem,
    Person,
    PersonSchedule,
    Relationship,
    TeamSubscription,
    ToolkitReminder,
    Workspace,
)
from storage.scheduling import Schedulable

# Each table a worker claims from, with the conditions its claim adds to "due and unclaimed"
# (see the repositories' claim_due): without them the count would hold rows no worker takes,
# such as the relationships of people who get a digest instead, and never go down.
BACKLOG_TABLES: tuple[tuple[Schedulable, tuple[ColumnElement[bool], ...], bool], ...] = (
    # (model, extra conditions, only people the platform can reach)
    (Relationship, (Person.nudge_mode == "each",), True),
    (ActionItem, (ActionItem.done_at.is_(None),), True),
    (PersonSchedule, (), True),
    (ToolkitReminder, (), True),
    # A channel's post goes out whether or not its subscriber can be reached.
    (TeamSubscription, (), False),
)


def _backlog_of(
    model: Schedulable,
    extra: tuple[ColumnElement[bool], ...],
    reachable_only: bool,
    now: datetime,
) -> Select[str, int]:
    return (
        select(literal(model.__tablename__, String).label("table"), func.count().label("due"))
        .select_from(model)
        .join(Person, Person.id == model.person_id)
        .join(Workspace, Workspace.id == Person.workspace_id)
        .where(
            model.next_due_at <= now,
            model.claimed_until.is_(None) | (model.claimed_until < now),
            Workspace.uninstalled_at.is_(None),
            *((Person.unreachable_since.is_(None),) if reachable_only else ()),
            *extra,
        )
    )


def due_backlog(session: Session, *, now: datetime) -> dict[str, int]:
    """For each schedulable table, how many of its rows are due by `now` and held by no worker:
    what the workers' next claims would take. Workspaces that uninstalled Lantern are left out
    (nothing is sent there). One statement; the due-time indexes keep it proportional to the
    rows due, not to the tables."""
    statement = union_all(
        *(_backlog_of(model, extra, reachable, now) for model, extra, reachable in BACKLOG_TABLES)
    )
    counts = {model.__tablename__: 0 for model, _, _ in BACKLOG_TABLES}
    for table, due in session.execute(statement):
        counts[str(table)] = int(due)
    return counts
