"""Everything stored about one person, found by following the foreign keys to `people`.

The export and `/coach forget` both start from `ownership()`, which is worked out from the
tables themselves rather than listed by hand, so a table added later is exported and deleted
with the rest without anyone remembering to. A table that leads to `people` but whose rows are
not the person's (a channel's posts) must be named in NOT_THEIRS, with the reason.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from functools import cache
from typing import Any

from sqlalchemy import (
    Column,
    ColumnElement,
    ForeignKey,
    MetaData,
    Table,
    delete,
    func,
    select,
    update,
)
from sqlalchemy.orm import Session

from storage.models import Base

PEOPLE = "people"
WORKSPACES = "workspaces"

NOT_THEIRS: Mapping[str, str] = {
    "team_posts": (
        "a channel's weekly prompt as it was posted: the team's, kept for the channel when its "
        "subscriber is forgotten. What the person wrote under it is theirs (team_replies)."
    ),
}
"""Tables with a path to `people` whose rows belong to someone else, and why."""


class OwnershipUnclear(ValueError):
    """A table leads to `people` in a way that needs a decision (see NOT_THEIRS)."""


class PersonGone(RuntimeError):
    """The person's row is no longer there (forgotten by another turn meanwhile)."""


class NotAllDeleted(RuntimeError):
    """Rows of a forgotten person were still there after the delete; nothing is kept."""


@dataclass(frozen=True)
class Owned:
    """A table holding a person's rows: `via` points at the owner, which is the person's row
    (`parent` None) or a row of an owned table (answer_revisions -> answers)."""

    table: Table
    via: Column[Any]
    parent: Owned | None

    @property
    def name(self) -> str:
        return self.table.name

    @property
    def detached(self) -> bool:
        """Kept without its owner when the person goes (ON DELETE SET NULL): a team channel's
        prompt the person set up, which is the channel's as much as theirs."""
        return _on_delete(self.via) == "SET NULL"

    def of(self, person_id: int) -> ColumnElement[bool]:
        """The rows of this person."""
        if self.parent is None:
            return self.via == person_id
        referred = _referred(self.via)
        return self.via.in_(select(referred).where(self.parent.of(person_id)))


def _foreign_key(column: Column[Any]) -> ForeignKey:
    [key] = column.foreign_keys
    return key


def _referred(column: Column[Any]) -> Column[Any]:
    referred: Column[Any] = _foreign_key(column).column
    return referred


def _on_delete(column: Column[Any]) -> str | None:
    rule = _foreign_key(column).ondelete
    return rule.upper() if rule else None


def ownership(metadata: MetaData = Base.metadata) -> tuple[Owned, ...]:
    """Every table with rows of a person, parents before children.

    A table is the person's when it has a foreign key to `people` (one: with two, whose the
    row is needs deciding), or else one to a table that is the person's (again, one). A table
    reached only through one kept without its owner (a detached parent) stays with that parent
    and must be named in NOT_THEIRS, as must any table that is not the person's at all.
    """
    people = metadata.tables[PEOPLE]
    owned: dict[str, Owned] = {}
    for table in metadata.sorted_tables:  # parents first
        if table is people or table.name in NOT_THEIRS:
            continue
        direct = [key for key in table.foreign_keys if key.column.table is people]
        if len(direct) > 1:
            raise OwnershipUnclear(
                f"{table.name} has {len(direct)} foreign keys to people: say whose a row is"
            )
        if direct:
            owned[table.name] = Owned(table, _column(table, direct[0]), None)
            continue
        through = [key for key in table.foreign_keys if key.column.table.name in owned]
        if len(through) > 1:
            parents = sorted(key.column.table.name for key in through)
            raise OwnershipUnclear(
                f"{table.name} belongs to a person through {parents}: say through which"
            )
        if not through:
            continue
        parent = owned[through[0].column.table.name]
        if parent.detached:
            raise OwnershipUnclear(
                f"{table.name} hangs from {parent.name}, which is kept when its person is "
                "forgotten: add it to NOT_THEIRS (or give it a person_id) and say why"
            )
        owned[table.name] = Owned(table, _column(table, through[0]), parent)
    return tuple(owned.values())


def _column(table: Table, key: ForeignKey) -> Column[Any]:
    column: Column[Any] = table.c[key.parent.name]
    return column


@cache
def _plan() -> tuple[Owned, ...]:
    return ownership(Base.metadata)


def _table(name: str) -> Table:
    return Base.metadata.tables[name]


# ----- reading ------------------------------------------------------------------------------


def json_value(value: Any) -> Any:
    """A column's value as JSON holds it: times in ISO 8601, JSON columns as they are."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    if isinstance(value, Mapping):
        return {str(key): json_value(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [json_value(item) for item in value]
    return str(value)


def _rows(session: Session, table: Table, where: ColumnElement[bool]) -> list[dict[str, Any]]:
    # Through the tables' own column types, so private text arrives decrypted and times aware.
    result = session.execute(
        select(table).where(where).order_by(*table.primary_key.columns)
    ).mappings()
    return [{name: json_value(value) for name, value in row.items()} for row in result]


def collect(session: Session, person_id: int) -> dict[str, Any]:
    """Everything stored about the person, as JSON-ready data: their own row, their
    workspace's id on its platform (nothing else of it), and every row of theirs by table."""
    people, workspaces = _table(PEOPLE), _table(WORKSPACES)
    [person] = _rows(session, people, people.c.id == person_id)
    workspace = session.execute(
        select(workspaces.c.platform, workspaces.c.external_id).where(
            workspaces.c.id == person["workspace_id"]
        )
    ).one()
    return {
        "workspace": {"platform": workspace.platform, "external_id": workspace.external_id},
        "person": person,
        "tables": {
            owned.name: _rows(session, owned.table, owned.of(person_id)) for owned in _plan()
        },
    }


def counts(session: Session, person_id: int) -> dict[str, int]:
    """How many rows of the person each table holds (every table of theirs, zeros too)."""
    found: dict[str, int] = {}
    for owned in _plan():
        total = session.scalar(
            select(func.count()).select_from(owned.table).where(owned.of(person_id))
        )
        found[owned.name] = int(total or 0)
    return found


def has_progress(session: Session, person_id: int, flow_id: str) -> bool:
    """Whether the person has a note of where they are in that flow (a flow_progress row)."""
    progress = _table("flow_progress")
    found = session.scalar(
        select(func.count())
        .select_from(progress)
        .where(progress.c.person_id == person_id, progress.c.flow_id == flow_id)
    )
    return bool(found)


def deleted_kinds() -> tuple[str, ...]:
    """The tables whose rows go with the person (the detached ones stay, without them)."""
    return tuple(owned.name for owned in _plan() if not owned.detached)


# ----- forgetting ---------------------------------------------------------------------------


def lock_person(session: Session, person_id: int) -> None:
    """Hold the person's row until the transaction ends (PostgreSQL: a row lock, which also
    holds back a concurrent insert of a row of theirs; SQLite has one writer anyway)."""
    session.flush()  # the turn's pending changes first, so nothing is written after this
    people = _table(PEOPLE)
    found = session.execute(
        select(people.c.id).where(people.c.id == person_id).with_for_update()
    ).first()
    if found is None:
        raise PersonGone(f"person {person_id} is no longer stored")


def delete_person(session: Session, person_id: int) -> dict[str, int]:
    """Delete the person and every row of theirs, children first; detach (set to NULL) the
    rows kept without them. Returns how many rows each table lost (detached tables: none).

    The foreign keys cascade too; counting after proves nothing of theirs is left, and a
    failure raises NotAllDeleted, so the caller's transaction keeps everything instead.
    """
    lock_person(session, person_id)
    plan = _plan()
    for owned in plan:
        if owned.detached:
            session.execute(
                update(owned.table).where(owned.of(person_id)).values({owned.via.name: None})
            )
    deleted: dict[str, int] = {}
    for owned in reversed(plan):  # children before their parents
        if owned.detached:
            continue
        result = session.execute(delete(owned.table).where(owned.of(person_id)))
        deleted[owned.name] = int(result.rowcount)  # type: ignore[attr-defined]
    people = _table(PEOPLE)
    session.execute(delete(people).where(people.c.id == person_id))
    left = {name: count for name, count in counts(session, person_id).items() if count}
    if left:
        raise NotAllDeleted(f"rows of a forgotten person are left in {sorted(left)}")
    return {name: deleted[name] for name in deleted_kinds()}
