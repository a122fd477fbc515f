"""The quarterly reminder to take the self-assessment again."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.core.messages import Reply
from bot.core.schedule import WorkingHours, reassess_due_at
from bot.engine.assess_store import AssessReads
from bot.engine.scheduled.base import Due
from bot.engine.scheduled.person_message import Listed, PersonMessage
from bot.flows.assess import reassess_reminder_replies
from storage.database import UnitOfWork
from storage.models import Person, PersonSchedule
from storage.scheduled_repositories import ClaimScope, ScheduledRepository
from storage.scheduling import ClaimedItem, ScheduledRow


class ReassessReminder(PersonMessage):
    kind = "reassess"
    model = PersonSchedule

    def claim(
        self,
        rows: ScheduledRepository,
        *,
        now: datetime,
        lease: timedelta,
        limit: int,
        scope: ClaimScope,
    ) -> list[ClaimedItem]:
        return rows.claim_schedules(kind=self.kind, now=now, lease=lease, limit=limit, scope=scope)

    def row(self, rows: ScheduledRepository, due: Due) -> ScheduledRow | None:
        return rows.schedule(due.item_id)

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
