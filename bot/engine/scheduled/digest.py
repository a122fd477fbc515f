"""A person's digest: one message for every relationship due, for those who chose it."""

from __future__ import annotations

from datetime import datetime

from bot.core.messages import Reply
from bot.core.schedule import WorkingHours, digest_due_at, relationship_due_at
from bot.engine.plan_store import PlanReads
from bot.engine.scheduled.base import Due, Prepared
from bot.engine.scheduled.person_message import Listed, PersonScheduleMessage
from bot.flows.nudges import digest_replies
from bot.flows.plan_model import CheckInView
from storage.database import UnitOfWork
from storage.models import Person, Relationship
from storage.scheduled_repositories import ScheduledRepository
from storage.scheduling import advance


class Digest(PersonScheduleMessage):
    kind = "digest"

    def replies(
        self, uow: UnitOfWork, due: Due, person: Person, hours: WorkingHours, now: datetime
    ) -> tuple[tuple[Reply, ...], Listed]:
        reads = PlanReads(uow, person)
        rows = uow.plan.relationships.due_for(person_id=person.id, now=now)
        listed = tuple((row.id, row.next_due_at) for row in rows if row.next_due_at)
        views = [view for row in rows if (view := reads.relationship(row.id)) is not None]
        lasts: dict[int, CheckInView] = {}
        for view in views:
            recent = reads.recent_checkins(view.id, limit=1)
            if recent:
                lasts[view.id] = recent[0]
        today = now.astimezone(hours.zone).date()
        content = self.setting.content
        replies = digest_replies(
            content, views, lasts, now=now, today=today, time_zone=hours.time_zone
        )
        return replies, listed

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
        self.advance_listed(uow, due, hours, now, prepared.listed if prepared else ())

    def advance_listed(
        self, uow: UnitOfWork, due: Due, hours: WorkingHours, now: datetime, listed: Listed
    ) -> None:
        """The digest answers for every relationship it listed: each moves on with it."""
        rows = ScheduledRepository(uow.session)
        for relationship_id, listed_due in listed:
            row = rows.relationship(relationship_id)
            if row is None:
                continue
            advance(
                uow.session,
                Relationship,
                item_id=relationship_id,
                claimed_due_at=listed_due,
                next_due_at=relationship_due_at(
                    now, cadence=row.cadence, every_days=row.cadence_days, hours=hours
                ),
            )
        self.move_on(uow, due, self.next_due(uow, due, hours, now))

    def next_due(
        self, uow: UnitOfWork, due: Due, hours: WorkingHours, now: datetime
    ) -> datetime | None:
        person = ScheduledRepository(uow.session).person(due.person_id)
        mode = person.nudge_mode if person is not None else "daily"
        return digest_due_at(now, mode=mode, hours=hours)
