"""An open action item's reminder: on its due day, and once more a little later."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.core.messages import Reply
from bot.core.schedule import WorkingHours, action_due_at
from bot.engine.plan_store import action_view
from bot.engine.scheduled.base import Due, after_working_days
from bot.engine.scheduled.person_message import Listed, PersonMessage
from bot.flows.plan import action_reminder_replies
from storage.database import UnitOfWork
from storage.models import ActionItem, Person
from storage.scheduled_repositories import ClaimScope, ScheduledRepository
from storage.scheduling import ClaimedItem, ScheduledRow

SECOND_REMINDER_WORKING_DAYS = 2
"""An open action item is reminded on its due day and once more this many working days later;
then the coach stops (the item stays in the plan, and "done" is one button away)."""


class ActionReminder(PersonMessage):
    kind = "action"
    model = ActionItem

    def claim(
        self,
        rows: ScheduledRepository,
        *,
        now: datetime,
        lease: timedelta,
        limit: int,
        scope: ClaimScope,
    ) -> list[ClaimedItem]:
        return rows.claim_actions(now=now, lease=lease, limit=limit, scope=scope)

    def row(self, rows: ScheduledRepository, due: Due) -> ScheduledRow | None:
        return rows.action(due.item_id)

    def replies(
        self, uow: UnitOfWork, due: Due, person: Person, hours: WorkingHours, now: datetime
    ) -> tuple[tuple[Reply, ...], Listed]:
        item = uow.plan.actions.get(person_id=person.id, action_id=due.item_id)
        if item is None or item.done_at is not None:
            return (), ()
        today = now.astimezone(hours.zone).date()
        return action_reminder_replies(self.setting.content, action_view(item), today=today), ()

    def next_due(
        self, uow: UnitOfWork, due: Due, hours: WorkingHours, now: datetime
    ) -> datetime | None:
        # Once on the due day and once more a little later, counted from the due date (so an
        # edited date gets both); a late first reminder stands for both.
        item = ScheduledRepository(uow.session).action(due.item_id)
        if item is None:
            return None
        second = after_working_days(
            action_due_at(item.due_on, hours=hours), SECOND_REMINDER_WORKING_DAYS, hours
        )
        return second if due.due_at < second and now < second else None
