"""The toolkit in storage: answers, ticks, work records and its reminder, read and kept."""

from __future__ import annotations

from datetime import datetime

from bot.core.schedule import reminder_due_at
from bot.engine.registry import Store, handling
from bot.flows.base import (
    AddWorkRecord,
    AnswerVersionView,
    PostponeReminder,
    RemoveWorkRecord,
    SaveAnswer,
    SetReminder,
    SetTicked,
    WorkRecordView,
)
from storage.database import UnitOfWork
from storage.models import Person


class ToolkitReads:
    """The toolkit part of the flows' read-only view of one person."""

    def __init__(self, uow: UnitOfWork, person: Person, now: datetime | None = None) -> None:
        self._toolkit_repos = uow.repos
        self._toolkit_person = person

    def answers(self, *, step_id: str) -> dict[str, str]:
        rows = self._toolkit_repos.answers.for_step(
            person_id=self._toolkit_person.id, step_id=step_id
        )
        return {question_id: row.text for question_id, row in rows.items()}

    def earlier_answers(self, *, step_id: str) -> dict[str, list[AnswerVersionView]]:
        rows = self._toolkit_repos.answers.for_step(
            person_id=self._toolkit_person.id, step_id=step_id
        )
        earlier: dict[str, list[AnswerVersionView]] = {}
        for question_id, row in rows.items():
            versions = list(row.revisions)
            if versions and versions[-1].text == row.text:
                versions.pop()  # the latest version is the answer itself
            if versions:
                earlier[question_id] = [
                    AnswerVersionView(text=version.text, saved_at=version.created_at)
                    for version in reversed(versions)
                ]
        return earlier

    def ticked(self, *, step_id: str) -> set[str]:
        ticks = self._toolkit_repos.checklist.ticked(
            person_id=self._toolkit_person.id, step_id=step_id
        )
        return {item for _, item in ticks}

    def work_records(self, *, section_id: str) -> list[WorkRecordView]:
        rows = self._toolkit_repos.work.records(
            person_id=self._toolkit_person.id, section_id=section_id
        )
        return [WorkRecordView(row.id, dict(row.data)) for row in rows]

    def reminder_days(self) -> int | None:
        reminder = self._toolkit_repos.reminders.get(person_id=self._toolkit_person.id)
        return None if reminder is None else reminder.every_days


def save_answer(uow: UnitOfWork, person: Person, effect: SaveAnswer, now: datetime) -> None:
    uow.repos.answers.save(
        person_id=person.id,
        step_id=effect.step_id,
        question_id=effect.question_id,
        text=effect.text,
        at=now,
    )


def set_ticked(uow: UnitOfWork, person: Person, effect: SetTicked, now: datetime) -> None:
    uow.repos.checklist.set_ticked(
        person_id=person.id,
        step_id=effect.step_id,
        item_id=effect.item_id,
        ticked=effect.ticked,
        at=now,
    )


def add_work_record(uow: UnitOfWork, person: Person, effect: AddWorkRecord, now: datetime) -> None:
    record = dict(effect.data)
    if effect.single:
        uow.repos.work.replace_single(
            person_id=person.id, section_id=effect.section_id, data=record, at=now
        )
    else:
        uow.repos.work.add(person_id=person.id, section_id=effect.section_id, data=record, at=now)


def remove_work_record(
    uow: UnitOfWork, person: Person, effect: RemoveWorkRecord, _now: datetime
) -> None:
    uow.repos.work.remove(person_id=person.id, record_id=effect.record_id)


def set_reminder(uow: UnitOfWork, person: Person, effect: SetReminder, now: datetime) -> None:
    if effect.every_days is None:
        uow.repos.reminders.clear(person_id=person.id)
        return
    due = reminder_due_at(now, days=effect.every_days, time_zone=person.time_zone)
    uow.repos.reminders.set(person_id=person.id, every_days=effect.every_days, next_due_at=due)


def postpone_reminder(
    uow: UnitOfWork, person: Person, _effect: PostponeReminder, now: datetime
) -> None:
    reminder = uow.repos.reminders.get(person_id=person.id)
    # One the worker holds right now is on its way; it moves on when the worker records it.
    if reminder is not None and reminder.claimed_until is None:
        reminder.next_due_at = reminder_due_at(
            now, days=reminder.every_days, time_zone=person.time_zone
        )


STORE = Store(
    reads=ToolkitReads,
    effects={
        **handling(SaveAnswer, save_answer),
        **handling(SetTicked, set_ticked),
        **handling(AddWorkRecord, add_work_record),
        **handling(RemoveWorkRecord, remove_work_record),
        **handling(SetReminder, set_reminder),
        **handling(PostponeReminder, postpone_reminder),
    },
)
