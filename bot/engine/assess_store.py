"""Self-assessments in storage: the flows' reads, and their effects applied."""

from __future__ import annotations

from datetime import datetime

from bot.core.schedule import reassess_due_at
from bot.engine.plan_store import working_hours
from bot.engine.registry import Store, handling
from bot.flows.assess_model import (
    AssessEffect,
    AssessmentRecordView,
    DiscardAssessment,
    SaveAssessmentAnswers,
    SetReassessReminder,
)
from storage.database import UnitOfWork
from storage.models import Person, SelfAssessment

REMINDER_KIND = "reassess"  # the person schedule that reminds them to reassess each quarter


def assessment_view(row: SelfAssessment) -> AssessmentRecordView:
    return AssessmentRecordView(
        id=row.id,
        kind=row.kind,
        answers=dict(row.answers or {}),
        indicators={k: tuple(v) for k, v in (row.indicators or {}).items()},
        started_at=row.started_at,
        updated_at=row.updated_at,
        finished_at=row.finished_at,
    )


class AssessReads:
    """The self-assessment part of the flows' read-only view of one person."""

    def __init__(self, uow: UnitOfWork, person: Person, now: datetime | None = None) -> None:
        self._assessments = uow.assessments
        self._schedules = uow.plan.schedules
        self._assessed = person

    def assessments(self) -> list[AssessmentRecordView]:
        rows = self._assessments.all_for(person_id=self._assessed.id)
        return [assessment_view(row) for row in rows]

    def reassess_reminder(self) -> bool:
        row = self._schedules.get(person_id=self._assessed.id, kind=REMINDER_KIND)
        return row is not None and row.next_due_at is not None


def latest_finished(uow: UnitOfWork, person: Person) -> datetime | None:
    finished = [
        row.finished_at
        for row in uow.assessments.all_for(person_id=person.id)
        if row.finished_at is not None
    ]
    return max(finished, default=None)


def schedule_reassess(uow: UnitOfWork, person: Person, now: datetime) -> None:
    """A quarter after the latest finished assessment (or from now, when none is finished
    yet); the reminder is sent by the worker, in the person's working hours."""
    since = latest_finished(uow, person) or now
    due = max(reassess_due_at(since, hours=working_hours(person)), now)
    uow.plan.schedules.set(person_id=person.id, kind=REMINDER_KIND, next_due_at=due)


def apply_assess_effect(
    uow: UnitOfWork, person: Person, effect: AssessEffect, now: datetime
) -> None:
    if isinstance(effect, SaveAssessmentAnswers):
        uow.assessments.save_answers(
            person_id=person.id,
            kind=effect.kind,
            answers=effect.answers,
            indicators=effect.indicators,
            finish=effect.finish,
            at=now,
        )
        reminder = uow.plan.schedules.get(person_id=person.id, kind=REMINDER_KIND)
        if effect.finish and reminder is not None and reminder.next_due_at is not None:
            schedule_reassess(uow, person, now)  # counts from this one now
    elif isinstance(effect, DiscardAssessment):
        uow.assessments.discard_in_progress(person_id=person.id, kind=effect.kind)
    elif isinstance(effect, SetReassessReminder):
        if effect.on:
            schedule_reassess(uow, person, now)
        else:
            uow.plan.schedules.clear(person_id=person.id, kind=REMINDER_KIND)


STORE = Store(reads=AssessReads, effects=handling(AssessEffect, apply_assess_effect))
