"""Small typed repositories over one session; every argument is keyword-only."""

from __future__ import annotations

import copy
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified

from storage.models import (
    ActionItem,
    Answer,
    AnswerRevision,
    ChecklistTick,
    FlowProgress,
    Person,
    ProcessedEvent,
    Reflection,
    Relationship,
    ToolkitReminder,
    WorkRecord,
    Workspace,
)
from storage.scheduling import ClaimedItem, Conditions, claim_due

IDLE_STATE = "idle"
"""The state a flow rests in when it waits for nothing (bot.flows.base.IDLE)."""


def _insert_if_absent(session: Session, model: type[Any], values: dict[str, Any]) -> bool:
    """INSERT ... ON CONFLICT DO NOTHING; True when this call stored the row.

    Safe against a concurrent insert of the same unique key: PostgreSQL makes the second
    insert wait for the first transaction and then do nothing; SQLite serialises writers.
    RETURNING tells the two apart (rowcount is -1 on psycopg when RETURNING is implicit).
    """
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    statement = insert(model).values(**values).on_conflict_do_nothing().returning(model.id)
    return session.execute(statement).first() is not None


class PeopleRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def find(
        self,
        *,
        platform: str,
        workspace_external_id: str,
        person_external_id: str,
        lock: bool = False,
    ) -> Person | None:
        """Someone the coach already knows; None for anyone else (nothing is created). With
        `lock`, their row stays locked until the transaction ends (PostgreSQL; SQLite has one
        writer anyway)."""
        query = (
            select(Person)
            .join(Workspace, Person.workspace_id == Workspace.id)
            .where(
                Workspace.platform == platform,
                Workspace.external_id == workspace_external_id,
                Person.external_id == person_external_id,
            )
        )
        return self._session.scalar(query.with_for_update(of=Person) if lock else query)

    def owner_of(
        self, model: type[Relationship | ActionItem], row_id: int
    ) -> tuple[int, int] | None:
        """Whose row this is: (person id, workspace id), or None when there is no such row."""
        owner = self._session.execute(
            select(Person.id, Person.workspace_id)
            .join(model, model.person_id == Person.id)
            .where(model.id == row_id)
        ).first()
        return None if owner is None else (owner.id, owner.workspace_id)

    def find_workspace(self, *, platform: str, external_id: str) -> int | None:
        """A workspace's row id; None when the coach has never seen it."""
        return self._session.scalar(
            select(Workspace.id).where(
                Workspace.platform == platform, Workspace.external_id == external_id
            )
        )

    def get_or_create(
        self, *, platform: str, workspace_external_id: str, person_external_id: str
    ) -> Person:
        # Every turn starts here, so someone already known costs one query, not two. The row
        # is locked for the turn: two turns of one person (two messages sent quickly, handled
        # by two web instances) then run one after the other, each seeing what the first
        # stored, instead of both answering the same question and one failing.
        known = self.find(
            platform=platform,
            workspace_external_id=workspace_external_id,
            person_external_id=person_external_id,
            lock=True,
        )
        if known is not None:
            return known
        workspace = self._workspace(platform=platform, external_id=workspace_external_id)
        query = select(Person).where(
            Person.workspace_id == workspace.id, Person.external_id == person_external_id
        )
        person = self._session.scalar(query)
        if person is None:
            # Two first messages from someone new can arrive at once: insert-or-nothing,
            # then read back whichever row won, rather than failing on the unique key.
            _insert_if_absent(
                self._session,
                Person,
                {"workspace_id": workspace.id, "external_id": person_external_id},
            )
            person = self._session.scalars(query.with_for_update(of=Person)).one()
        return person

    def workspace(self, *, platform: str, external_id: str) -> Workspace:
        """The workspace's row, created when first seen."""
        return self._workspace(platform=platform, external_id=external_id)

    def _workspace(self, *, platform: str, external_id: str) -> Workspace:
        query = select(Workspace).where(
            Workspace.platform == platform, Workspace.external_id == external_id
        )
        workspace = self._session.scalar(query)
        if workspace is None:
            _insert_if_absent(
                self._session, Workspace, {"platform": platform, "external_id": external_id}
            )
            workspace = self._session.scalars(query).one()
        return workspace

    def set_time_zone(self, *, person: Person, time_zone: str | None) -> None:
        if time_zone and person.time_zone != time_zone:
            person.time_zone = time_zone


class ProcessedEventsRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def first_delivery(self, *, workspace_id: int, event_id: str, at: datetime) -> bool:
        """Record the event; False when it was already recorded (a retried delivery)."""
        values = {"workspace_id": workspace_id, "event_id": event_id, "created_at": at}
        return _insert_if_absent(self._session, ProcessedEvent, values)


class FlowProgressRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def get(self, *, person_id: int, flow_id: str) -> FlowProgress | None:
        return self._session.scalar(
            select(FlowProgress).where(
                FlowProgress.person_id == person_id, FlowProgress.flow_id == flow_id
            )
        )

    def save(
        self, *, person_id: int, flow_id: str, state: str, data: dict[str, Any], at: datetime
    ) -> FlowProgress:
        progress = self.get(person_id=person_id, flow_id=flow_id)
        if progress is None:
            progress = FlowProgress(person_id=person_id, flow_id=flow_id)
            self._session.add(progress)
        progress.state = state
        # A copy, marked changed: a caller that changed the loaded data in place (a nested
        # list, say) would otherwise compare equal to it and the UPDATE would be skipped.
        progress.data = copy.deepcopy(dict(data))
        flag_modified(progress, "data")
        progress.updated_at = at
        return progress

    def settle(self, *, person_id: int, flow_id: str, at: datetime) -> None:
        """Mark a waiting flow idle with nothing kept, in one statement (no-op when idle)."""
        self._session.execute(
            update(FlowProgress)
            .where(
                FlowProgress.person_id == person_id,
                FlowProgress.flow_id == flow_id,
                FlowProgress.state != IDLE_STATE,
            )
            .values(state=IDLE_STATE, data={}, updated_at=at)
            # No loaded progress row needs refreshing from this turn's point on, and the
            # evaluation SQLAlchemy would otherwise do costs more than the statement itself.
            .execution_options(synchronize_session=False)
        )

    def all_for(self, *, person_id: int) -> list[FlowProgress]:
        return list(
            self._session.scalars(select(FlowProgress).where(FlowProgress.person_id == person_id))
        )


class AnswersRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def save(
        self, *, person_id: int, step_id: str, question_id: str, text: str, at: datetime
    ) -> Answer:
        """Store the answer; a changed answer keeps every earlier version as a revision."""
        answer = self._session.scalar(
            select(Answer).where(
                Answer.person_id == person_id,
                Answer.step_id == step_id,
                Answer.question_id == question_id,
            )
        )
        if answer is None:
            answer = Answer(
                person_id=person_id,
                step_id=step_id,
                question_id=question_id,
                text=text,
                created_at=at,
                updated_at=at,
            )
            self._session.add(answer)
        elif answer.text == text:
            return answer
        else:
            answer.text = text
            answer.updated_at = at
        answer.revisions.append(AnswerRevision(text=text, created_at=at))
        self._session.flush()
        return answer

    def for_step(self, *, person_id: int, step_id: str) -> dict[str, Answer]:
        rows = self._session.scalars(
            select(Answer).where(Answer.person_id == person_id, Answer.step_id == step_id)
        )
        return {row.question_id: row for row in rows}

    def count_by_step(self, *, person_id: int) -> dict[str, int]:
        rows = self._session.execute(
            select(Answer.step_id, func.count())
            .where(Answer.person_id == person_id)
            .group_by(Answer.step_id)
        )
        return {step_id: count for step_id, count in rows}

    def revisions(self, *, answer_id: int) -> list[AnswerRevision]:
        return list(
            self._session.scalars(
                select(AnswerRevision)
                .where(AnswerRevision.answer_id == answer_id)
                .order_by(AnswerRevision.id)
            )
        )


class ReflectionsRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(
        self, *, person_id: int, text: str, prompt: str | None, source: str, at: datetime
    ) -> Reflection:
        reflection = Reflection(
            person_id=person_id, text=text, prompt=prompt, source=source, created_at=at
        )
        self._session.add(reflection)
        return reflection

    def recent(self, *, person_id: int, limit: int) -> list[Reflection]:
        return list(
            self._session.scalars(
                select(Reflection)
                .where(Reflection.person_id == person_id)
                .order_by(Reflection.created_at.desc(), Reflection.id.desc())
                .limit(limit)
            )
        )

    def count(self, *, person_id: int) -> int:
        return int(
            self._session.scalar(
                select(func.count())
                .select_from(Reflection)
                .where(Reflection.person_id == person_id)
            )
            or 0
        )


class ChecklistRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def ticked(self, *, person_id: int, step_id: str | None = None) -> set[tuple[str, str]]:
        """(step id, item id) of every ticked item, for one step or all of them."""
        query = select(ChecklistTick.step_id, ChecklistTick.item_id).where(
            ChecklistTick.person_id == person_id
        )
        if step_id is not None:
            query = query.where(ChecklistTick.step_id == step_id)
        return {(step, item) for step, item in self._session.execute(query)}

    def set_ticked(
        self, *, person_id: int, step_id: str, item_id: str, ticked: bool, at: datetime
    ) -> None:
        if ticked:
            _insert_if_absent(
                self._session,
                ChecklistTick,
                {"person_id": person_id, "step_id": step_id, "item_id": item_id, "ticked_at": at},
            )
            return
        self._session.execute(
            delete(ChecklistTick).where(
                ChecklistTick.person_id == person_id,
                ChecklistTick.step_id == step_id,
                ChecklistTick.item_id == item_id,
            )
        )


class WorkRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def records(self, *, person_id: int, section_id: str | None = None) -> list[WorkRecord]:
        query = select(WorkRecord).where(WorkRecord.person_id == person_id)
        if section_id is not None:
            query = query.where(WorkRecord.section_id == section_id)
        return list(self._session.scalars(query.order_by(WorkRecord.id)))

    def add(
        self, *, person_id: int, section_id: str, data: dict[str, Any], at: datetime
    ) -> WorkRecord:
        record = WorkRecord(
            person_id=person_id,
            section_id=section_id,
            data=copy.deepcopy(data),
            created_at=at,
            updated_at=at,
        )
        self._session.add(record)
        return record

    def replace_single(
        self, *, person_id: int, section_id: str, data: dict[str, Any], at: datetime
    ) -> WorkRecord:
        """For a section that holds one record: update it, or add it the first time."""
        existing = self.records(person_id=person_id, section_id=section_id)
        if not existing:
            return self.add(person_id=person_id, section_id=section_id, data=data, at=at)
        record = existing[0]
        record.data = copy.deepcopy(data)
        flag_modified(record, "data")
        record.updated_at = at
        return record

    def remove(self, *, person_id: int, record_id: int) -> bool:
        """Remove one of this person's records; False if there is no such record of theirs."""
        result = self._session.execute(
            delete(WorkRecord)
            .where(WorkRecord.id == record_id, WorkRecord.person_id == person_id)
            .returning(WorkRecord.id)
        )
        return result.first() is not None


class RemindersRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def get(self, *, person_id: int) -> ToolkitReminder | None:
        return self._session.scalar(
            select(ToolkitReminder).where(ToolkitReminder.person_id == person_id)
        )

    def set(self, *, person_id: int, every_days: int, next_due_at: datetime) -> None:
        reminder = self.get(person_id=person_id)
        if reminder is None:
            reminder = ToolkitReminder(person_id=person_id, every_days=every_days)
            self._session.add(reminder)
        reminder.every_days = every_days
        reminder.next_due_at = next_due_at
        reminder.claimed_until = None

    def clear(self, *, person_id: int) -> None:
        self._session.execute(delete(ToolkitReminder).where(ToolkitReminder.person_id == person_id))

    def claim_due(
        self, *, now: datetime, lease: timedelta, limit: int, where: Conditions = ()
    ) -> list[ClaimedItem]:
        return claim_due(
            self._session, ToolkitReminder, now=now, lease=lease, limit=limit, where=where
        )


class Repositories:
    """The repositories of one unit of work."""

    def __init__(self, session: Session) -> None:
        self.people = PeopleRepository(session)
        self.events = ProcessedEventsRepository(session)
        self.progress = FlowProgressRepository(session)
        self.answers = AnswersRepository(session)
        self.reflections = ReflectionsRepository(session)
        self.checklist = ChecklistRepository(session)
        self.work = WorkRepository(session)
        self.reminders = RemindersRepository(session)
