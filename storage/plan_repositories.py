"""Repositories for the relationship plan, check-ins, action items and scheduled deliveries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Table, delete, func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified

from storage.models import (
    ActionItem,
    CheckIn,
    Delivery,
    MaturityRating,
    Person,
    PersonSchedule,
    Relationship,
    RelationshipPlan,
)
from storage.scheduling import ClaimedItem, Conditions, claim_due, record_delivery


class PlansRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def get(self, *, person_id: int) -> RelationshipPlan | None:
        return self._session.scalar(
            select(RelationshipPlan).where(RelationshipPlan.person_id == person_id)
        )

    def save(self, *, person_id: int, values: dict[str, str | None], at: datetime) -> None:
        plan = self.get(person_id=person_id)
        if plan is None:
            plan = RelationshipPlan(person_id=person_id)
            self._session.add(plan)
        for name, value in values.items():
            setattr(plan, name, value)
        plan.updated_at = at


class RelationshipsRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def all_for(self, *, person_id: int) -> list[Relationship]:
        return list(
            self._session.scalars(
                select(Relationship)
                .where(Relationship.person_id == person_id)
                .order_by(Relationship.id)
            )
        )

    def get(self, *, person_id: int, relationship_id: int) -> Relationship | None:
        """One of this person's relationships; None for anyone else's (a tampered id)."""
        return self._session.scalar(
            select(Relationship).where(
                Relationship.id == relationship_id, Relationship.person_id == person_id
            )
        )

    def add(self, *, person_id: int, values: dict[str, Any], at: datetime) -> Relationship:
        relationship = Relationship(person_id=person_id, created_at=at, updated_at=at, **values)
        self._session.add(relationship)
        self._session.flush()
        return relationship

    def update(self, *, relationship: Relationship, values: dict[str, Any], at: datetime) -> None:
        for name, value in values.items():
            setattr(relationship, name, value)
        if "success_measures" in values:
            flag_modified(relationship, "success_measures")
        relationship.updated_at = at

    def remove(self, *, person_id: int, relationship_id: int) -> bool:
        result = self._session.execute(
            delete(Relationship)
            .where(Relationship.id == relationship_id, Relationship.person_id == person_id)
            .returning(Relationship.id)
        )
        return result.first() is not None

    def latest_ratings(self, *, relationship_ids: list[int]) -> dict[int, MaturityRating]:
        if not relationship_ids:
            return {}
        latest = (
            select(func.max(MaturityRating.id))
            .where(MaturityRating.relationship_id.in_(relationship_ids))
            .group_by(MaturityRating.relationship_id)
        )
        rows = self._session.scalars(
            select(MaturityRating).where(MaturityRating.id.in_(latest.scalar_subquery()))
        )
        return {row.relationship_id: row for row in rows}

    def ratings(self, *, relationship_id: int) -> list[MaturityRating]:
        return list(
            self._session.scalars(
                select(MaturityRating)
                .where(MaturityRating.relationship_id == relationship_id)
                .order_by(MaturityRating.id)
            )
        )

    def add_rating(
        self,
        *,
        relationship_id: int,
        score: int,
        stage_id: str,
        indicators: list[str],
        at: datetime,
    ) -> None:
        self._session.add(
            MaturityRating(
                relationship_id=relationship_id,
                score=score,
                stage_id=stage_id,
                indicators=indicators,
                rated_at=at,
            )
        )

    def claim_due_nudges(
        self, *, now: datetime, lease: timedelta, limit: int, where: Conditions = ()
    ) -> list[ClaimedItem]:
        """Due relationships of people who take one nudge each (not a digest)."""
        return claim_due(
            self._session,
            Relationship,
            now=now,
            lease=lease,
            limit=limit,
            where=(Person.nudge_mode == "each", *where),
        )

    def due_for(self, *, person_id: int, now: datetime) -> list[Relationship]:
        """This person's relationships whose next nudge is due (for a digest)."""
        return list(
            self._session.scalars(
                select(Relationship)
                .where(
                    Relationship.person_id == person_id,
                    Relationship.next_due_at <= now,
                )
                .order_by(Relationship.next_due_at)
            )
        )


class CheckInsRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, *, person_id: int, values: dict[str, Any], at: datetime) -> CheckIn:
        checkin = CheckIn(person_id=person_id, created_at=at, **values)
        self._session.add(checkin)
        return checkin

    def remove_logged_at(
        self, *, person_id: int, relationship_id: int, logged_at: datetime
    ) -> bool:
        result = self._session.execute(
            delete(CheckIn)
            .where(
                CheckIn.person_id == person_id,
                CheckIn.relationship_id == relationship_id,
                CheckIn.created_at == logged_at,
            )
            .returning(CheckIn.id)
        )
        return result.first() is not None

    def for_person(self, *, person_id: int, since: date | None = None) -> list[CheckIn]:
        query = select(CheckIn).where(CheckIn.person_id == person_id)
        if since is not None:
            query = query.where(CheckIn.happened_on >= since)
        return list(self._session.scalars(query.order_by(CheckIn.happened_on, CheckIn.id)))

    def latest_for(self, *, relationship_ids: list[int]) -> dict[int, CheckIn]:
        """The latest check-in of each of these relationships (by the day it happened)."""
        if not relationship_ids:
            return {}
        ranked = (
            select(
                CheckIn.id,
                func.row_number()
                .over(
                    partition_by=CheckIn.relationship_id,
                    order_by=(CheckIn.happened_on.desc(), CheckIn.id.desc()),
                )
                .label("rank"),
            )
            .where(CheckIn.relationship_id.in_(relationship_ids))
            .subquery()
        )
        rows = self._session.scalars(
            select(CheckIn).join(ranked, ranked.c.id == CheckIn.id).where(ranked.c.rank == 1)
        )
        return {row.relationship_id: row for row in rows}

    def for_relationship(
        self, *, person_id: int, relationship_id: int, limit: int
    ) -> list[CheckIn]:
        """The latest first."""
        return list(
            self._session.scalars(
                select(CheckIn)
                .where(CheckIn.person_id == person_id, CheckIn.relationship_id == relationship_id)
                .order_by(CheckIn.happened_on.desc(), CheckIn.id.desc())
                .limit(limit)
            )
        )


class ActionItemsRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def all_for(self, *, person_id: int, include_done: bool) -> list[ActionItem]:
        query = select(ActionItem).where(ActionItem.person_id == person_id)
        if not include_done:
            query = query.where(ActionItem.done_at.is_(None))
        return list(self._session.scalars(query.order_by(ActionItem.due_on, ActionItem.id)))

    def get(self, *, person_id: int, action_id: int) -> ActionItem | None:
        return self._session.scalar(
            select(ActionItem).where(ActionItem.id == action_id, ActionItem.person_id == person_id)
        )

    def add(self, *, person_id: int, values: dict[str, Any], at: datetime) -> ActionItem:
        item = ActionItem(person_id=person_id, created_at=at, **values)
        self._session.add(item)
        return item

    def remove(self, *, person_id: int, action_id: int) -> bool:
        result = self._session.execute(
            delete(ActionItem)
            .where(ActionItem.id == action_id, ActionItem.person_id == person_id)
            .returning(ActionItem.id)
        )
        return result.first() is not None

    def claim_due(
        self, *, now: datetime, lease: timedelta, limit: int, where: Conditions = ()
    ) -> list[ClaimedItem]:
        return claim_due(
            self._session,
            ActionItem,
            now=now,
            lease=lease,
            limit=limit,
            where=(ActionItem.done_at.is_(None), *where),
        )


class SchedulesRepository:
    """Person-level schedules: the nudge digest and the weekly balance summary."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def get(self, *, person_id: int, kind: str) -> PersonSchedule | None:
        return self._session.scalar(
            select(PersonSchedule).where(
                PersonSchedule.person_id == person_id, PersonSchedule.kind == kind
            )
        )

    def set(self, *, person_id: int, kind: str, next_due_at: datetime | None) -> None:
        """Schedule it; `next_due_at` None keeps the row as "switched off" by the person."""
        schedule = self.get(person_id=person_id, kind=kind)
        if schedule is None:
            schedule = PersonSchedule(person_id=person_id, kind=kind)
            self._session.add(schedule)
        schedule.next_due_at = next_due_at
        schedule.claimed_until = None

    def clear(self, *, person_id: int, kind: str) -> None:
        self._session.execute(
            delete(PersonSchedule).where(
                PersonSchedule.person_id == person_id, PersonSchedule.kind == kind
            )
        )

    def claim_due(
        self, *, now: datetime, lease: timedelta, limit: int, where: Conditions = ()
    ) -> list[ClaimedItem]:
        return claim_due(
            self._session, PersonSchedule, now=now, lease=lease, limit=limit, where=where
        )


@dataclass(frozen=True)
class DeliveryState:
    """Where one delivery stands: its row id, status and failed attempts so far."""

    id: int
    status: str
    attempts: int


class DeliveriesRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def begin(
        self, *, kind: str, item_id: int, occurrence: str, person_id: int, at: datetime
    ) -> DeliveryState:
        """The delivery row of this occurrence, written now if this is its first attempt.

        Core statements on the table: this runs once per message the worker sends.
        """
        table = Delivery.__table__
        assert isinstance(table, Table)
        dialect = self._session.get_bind().dialect.name
        insert = pg_insert if dialect == "postgresql" else sqlite_insert
        written = self._session.execute(
            insert(table)
            .values(
                kind=kind,
                item_id=item_id,
                occurrence=occurrence,
                person_id=person_id,
                status="pending",
                attempts=0,
                created_at=at,
                updated_at=at,
            )
            .on_conflict_do_nothing()
            .returning(table.c.id, table.c.status, table.c.attempts)
        ).first()
        if written is None:
            written = self._session.execute(
                select(table.c.id, table.c.status, table.c.attempts).where(
                    table.c.kind == kind,
                    table.c.item_id == item_id,
                    table.c.occurrence == occurrence,
                )
            ).one()
        return DeliveryState(written.id, written.status, written.attempts)

    def begin_many(
        self, keys: list[tuple[str, int, str, int]], *, at: datetime
    ) -> dict[tuple[int, str], DeliveryState]:
        """`begin` for many (kind, item id, occurrence, person id) at once, in two statements;
        keyed by (item id, occurrence). One kind per call."""
        table = Delivery.__table__
        assert isinstance(table, Table)
        if not keys:
            return {}
        kinds = {kind for kind, *_ in keys}
        assert len(kinds) == 1, "begin_many takes one kind per call"
        dialect = self._session.get_bind().dialect.name
        insert = pg_insert if dialect == "postgresql" else sqlite_insert
        # Many parameter sets for one statement (not one statement of many rows): it is
        # compiled once and cached, however many keys come.
        self._session.execute(
            insert(table).on_conflict_do_nothing(),
            [
                {
                    "kind": kind,
                    "item_id": item_id,
                    "occurrence": occurrence,
                    "person_id": person_id,
                    "status": "pending",
                    "attempts": 0,
                    "created_at": at,
                    "updated_at": at,
                }
                for kind, item_id, occurrence, person_id in keys
            ],
        )
        rows = self._session.execute(
            select(
                table.c.id, table.c.item_id, table.c.occurrence, table.c.status, table.c.attempts
            ).where(
                table.c.kind == kinds.pop(),
                table.c.item_id.in_([item_id for _, item_id, _, _ in keys]),
                table.c.occurrence.in_({occurrence for _, _, occurrence, _ in keys}),
            )
        )
        return {
            (row.item_id, row.occurrence): DeliveryState(row.id, row.status, row.attempts)
            for row in rows
        }

    def record(
        self,
        *,
        delivery_id: int,
        status: str,
        at: datetime,
        message_ts: str | None = None,
        error: str | None = None,
    ) -> None:
        record_delivery(
            self._session,
            delivery_id=delivery_id,
            status=status,
            at=at,
            message_ts=message_ts,
            error=error,
        )

    def for_person(self, *, person_id: int) -> list[Delivery]:
        return list(
            self._session.scalars(
                select(Delivery).where(Delivery.person_id == person_id).order_by(Delivery.id)
            )
        )


class PlanRepositories:
    """The plan's repositories of one unit of work."""

    def __init__(self, session: Session) -> None:
        self.plans = PlansRepository(session)
        self.relationships = RelationshipsRepository(session)
        self.checkins = CheckInsRepository(session)
        self.actions = ActionItemsRepository(session)
        self.schedules = SchedulesRepository(session)
        self.deliveries = DeliveriesRepository(session)
