"""The weekly balance summary: where the person's attention went over the last 90 days."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from bot.core.messages import Reply
from bot.core.schedule import WorkingHours, balance_due_at
from bot.engine.plan_store import PlanReads
from bot.engine.scheduled.base import Due
from bot.engine.scheduled.person_message import Listed, PersonScheduleMessage
from bot.flows.balance import balance_replies
from storage.database import UnitOfWork
from storage.models import Person

LOOKBACK = timedelta(days=90)  # the summary's chart covers the last 90 days


class BalanceSummary(PersonScheduleMessage):
    kind = "balance"

    def replies(
        self, uow: UnitOfWork, due: Due, person: Person, hours: WorkingHours, now: datetime
    ) -> tuple[tuple[Reply, ...], Listed]:
        reads = PlanReads(uow, person)
        today = now.astimezone(hours.zone).date()
        since: date = today - LOOKBACK
        replies = balance_replies(
            self.setting.content,
            reads.relationships(),
            reads.checkins(since=since),
            now=now,
            today=today,
            weekly=True,
        )
        return replies, ()

    def next_due(
        self, uow: UnitOfWork, due: Due, hours: WorkingHours, now: datetime
    ) -> datetime | None:
        return balance_due_at(now, hours=hours)
