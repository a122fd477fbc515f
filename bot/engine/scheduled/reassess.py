"""The quarterly reminder to take the self-assessment again."""

from __future__ import annotations

from datetime import datetime

from bot.core.messages import Reply
from bot.core.schedule import WorkingHours, reassess_due_at
from bot.engine.assess_store import AssessReads
from bot.engine.scheduled.base import Due
from bot.engine.scheduled.person_message import Listed, PersonScheduleMessage
from bot.flows.assess import reassess_reminder_replies
from storage.database import UnitOfWork
from storage.models import Person


class ReassessReminder(PersonScheduleMessage):
    kind = "reassess"

    def replies(
        self, uow: UnitOfWork, due: Due, person: Person, hours: WorkingHours, now: datetime
    ) -> tuple[tuple[Reply, ...], Listed]:
        records = AssessReads(uow, person).assessments()
        today = now.astimezone(hours.zone).date()
        content = self.setting.content
        return reassess_reminder_replies(content, records, today=today, zone=hours.zone), ()

    def next_due(
        self, uow: UnitOfWork, due: Due, hours: WorkingHours, now: datetime
    ) -> datetime | None:
        return reassess_due_at(now, hours=hours)
