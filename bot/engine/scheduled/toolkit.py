"""The toolkit's gentle reminder: where the person stopped, every few days they chose."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.core.schedule import WorkingHours, reminder_due_at
from bot.engine.plan_store import working_hours
from bot.engine.scheduled.base import Due, Prepared, Strategy
from bot.flows.toolkit import ToolkitFlow, reminder_replies
from storage.database import UnitOfWork
from storage.models import ToolkitReminder as ReminderRow
from storage.scheduled_repositories import ClaimScope, ScheduledRepository
from storage.scheduling import ClaimedItem


class ToolkitReminder(Strategy):
    kind = "toolkit"
    model = ReminderRow

    def claim(
        self,
        rows: ScheduledRepository,
        *,
        now: datetime,
        lease: timedelta,
        limit: int,
        scope: ClaimScope,
    ) -> list[ClaimedItem]:
        return rows.claim_toolkit_reminders(now=now, lease=lease, limit=limit, scope=scope)

    def prepare_one(self, uow: UnitOfWork, due: Due, now: datetime) -> Prepared | None:
        rows = ScheduledRepository(uow.session)
        person = rows.person(due.person_id)
        row = rows.toolkit_reminder(due.item_id)
        if person is None or row is None or row.next_due_at != due.due_at:
            if row is not None:
                self.release(uow, due)
            return None
        platform = person.workspace.platform
        hours = working_hours(person)
        if platform not in self.setting.platforms:
            # Nothing can reach this person on its own (the terminal): stop reminding.
            self.move_on(uow, due, None)
            return None
        progress = uow.repos.progress.get(person_id=person.id, flow_id=ToolkitFlow.flow_id)
        replies = reminder_replies(
            self.setting.content, progress.data if progress is not None else None
        )
        if not replies:  # nothing left to remind of: stop
            self.move_on(uow, due, None)
            return None
        delivery = self.begin_delivery(uow, due, hours, now)
        if delivery is None:
            return None
        return Prepared(
            due=due,
            platform=platform,
            workspace_id=person.workspace.external_id,
            user_id=person.external_id,
            replies=replies,
            delivery_id=delivery.id,
            attempts=delivery.attempts,
            hours=hours,
        )

    def advance(
        self,
        uow: UnitOfWork,
        due: Due,
        hours: WorkingHours,
        now: datetime,
        prepared: Prepared | None,
        *,
        sent: bool,
    ) -> None:
        reminder = ScheduledRepository(uow.session).toolkit_reminder(due.item_id)
        every = reminder.every_days if reminder is not None else None
        next_due = reminder_due_at(now, days=every, time_zone=hours.time_zone) if every else None
        self.move_on(uow, due, next_due, {"last_sent_at": now})
