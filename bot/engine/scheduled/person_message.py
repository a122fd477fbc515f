"""The common shape of a DM to a row's owner in their working hours (action, digest, ...)."""

from __future__ import annotations

from abc import abstractmethod
from datetime import datetime, timedelta

from bot.core.messages import Reply
from bot.core.schedule import WorkingHours
from bot.engine.plan_store import working_hours
from bot.engine.scheduled.base import Due, MovesOnByCadence, Prepared
from storage.database import UnitOfWork
from storage.models import Person, PersonSchedule
from storage.scheduled_repositories import ClaimScope, ScheduledRepository
from storage.scheduling import ClaimedItem, ScheduledRow

Listed = tuple[tuple[int, datetime], ...]


class PersonMessage(MovesOnByCadence):
    """A strategy whose message goes to the row's owner in their working hours."""

    @abstractmethod
    def row(self, rows: ScheduledRepository, due: Due) -> ScheduledRow | None:
        """The claimed row as it is now (None when it is gone)."""

    @abstractmethod
    def replies(
        self, uow: UnitOfWork, due: Due, person: Person, hours: WorkingHours, now: datetime
    ) -> tuple[tuple[Reply, ...], Listed]:
        """The words, and (for a digest) the relationships they answer for."""

    def prepare_one(self, uow: UnitOfWork, due: Due, now: datetime) -> Prepared | None:
        rows = ScheduledRepository(uow.session)
        person = rows.person(due.person_id)
        row = self.row(rows, due)
        if person is None or row is None or row.next_due_at != due.due_at:
            # Removed, paused, checked in or snoozed since the claim: the person's change
            # wins, and the row (if any) keeps the due time they gave it.
            if row is not None:
                self.release(uow, due)
            return None
        hours = working_hours(person)
        platform = person.workspace.platform
        if self.not_now(uow, due, platform, hours, now):
            return None
        delivery = self.begin_delivery(uow, due, hours, now)
        if delivery is None:
            return None
        replies, listed = self.replies(uow, due, person, hours, now)
        if not replies:
            uow.plan.deliveries.record(delivery_id=delivery.id, status="skipped", at=now)
            self.advance_listed(uow, due, hours, now, listed)
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
            listed=listed,
        )

    def advance_listed(
        self, uow: UnitOfWork, due: Due, hours: WorkingHours, now: datetime, listed: Listed
    ) -> None:
        """Move on after nothing was said (only a digest has listed anything by then)."""
        self.advance(uow, due, hours, now, None, sent=False)


class PersonScheduleMessage(PersonMessage):
    """A person-level schedule of one kind (digest, balance, reassess): claimed and looked up
    the same way, by its kind."""

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
