"""A relationship's nudge: most of what the worker sends, so prepared by the chunk."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from bot.core.schedule import WorkingHours, relationship_due_at
from bot.engine.plan_store import checkin_view, relationship_view, working_hours
from bot.engine.scheduled.base import Due, Prepared, Strategy
from bot.flows.nudges import nudge_replies
from storage.database import UnitOfWork
from storage.models import Person, Relationship
from storage.scheduled_repositories import ClaimScope, ScheduledRepository
from storage.scheduling import ClaimedItem, record_sent_and_advance


class Nudge(Strategy):
    kind = "nudge"
    model = Relationship
    chunk = 25
    """A few statements for the chunk rather than several for each nudge; small enough that
    sends start while the next chunk is prepared."""

    def claim(
        self,
        rows: ScheduledRepository,
        *,
        now: datetime,
        lease: timedelta,
        limit: int,
        scope: ClaimScope,
    ) -> list[ClaimedItem]:
        return rows.claim_nudges(now=now, lease=lease, limit=limit, scope=scope)

    def prepare_one(self, uow: UnitOfWork, due: Due, now: datetime) -> Prepared | None:
        [(_, prepared)] = self.prepare(uow, [due], now)
        return prepared

    def prepare(
        self, uow: UnitOfWork, dues: Sequence[Due], now: datetime
    ) -> list[tuple[Due, Prepared | None]]:
        results: list[tuple[Due, Prepared | None]] = []
        scheduled = ScheduledRepository(uow.session)
        rows = scheduled.relationships([due.item_id for due in dues])
        people = scheduled.people({due.person_id for due in dues})
        ready: list[tuple[Due, Relationship, Person, WorkingHours]] = []
        for due in dues:
            row, person = rows.get(due.item_id), people.get(due.person_id)
            if person is None or row is None or row.next_due_at != due.due_at:
                # Removed, paused, checked in or snoozed since the claim: theirs wins.
                if row is not None:
                    self.release(uow, due)
                results.append((due, None))
                continue
            hours = working_hours(person)
            if self.not_now(uow, due, person.workspace.platform, hours, now):
                results.append((due, None))
                continue
            ready.append((due, row, person, hours))
        if not ready:
            return results
        states = uow.plan.deliveries.begin_many(
            [(self.kind, due.item_id, due.due_at.isoformat(), due.person_id) for due, *_ in ready],
            at=now,
        )
        ids = [row.id for _, row, _, _ in ready]
        ratings = uow.plan.relationships.latest_ratings(relationship_ids=ids)
        lasts = uow.plan.checkins.latest_for(relationship_ids=ids)
        content = self.setting.content
        for due, row, person, hours in ready:
            state = states[(due.item_id, due.due_at.isoformat())]
            cadence = (row.cadence, row.cadence_days)
            if state.status == "sent":
                # Already sent for this occurrence: only moving it on is left to do.
                self._move_on(uow, due, hours, now, cadence)
                results.append((due, None))
                continue
            last = lasts.get(row.id)
            replies = nudge_replies(
                content,
                relationship_view(row, ratings.get(row.id)),
                checkin_view(last) if last is not None else None,
                now=now,
                today=now.astimezone(hours.zone).date(),
                time_zone=hours.time_zone,
            )
            prepared = Prepared(
                due=due,
                platform=person.workspace.platform,
                workspace_id=person.workspace.external_id,
                user_id=person.external_id,
                replies=replies,
                delivery_id=state.id,
                attempts=state.attempts,
                hours=hours,
                cadence=cadence,
            )
            results.append((due, prepared))
        return results

    def record_sent(self, prepared: Prepared, ts: str, now: datetime) -> None:
        """One statement on PostgreSQL, no ORM session to set up. The send happened just before
        this, outside any transaction; committing here at once, item by item, keeps the window
        in which a crash could send something twice down to the messages on their way."""
        assert prepared.cadence is not None
        cadence, every_days = prepared.cadence
        record_sent_and_advance(
            self.setting.database,
            Relationship,
            delivery_id=prepared.delivery_id,
            message_ts=ts,
            at=now,
            item_id=prepared.due.item_id,
            claimed_due_at=prepared.due.due_at,
            next_due_at=relationship_due_at(
                now, cadence=cadence, every_days=every_days, hours=prepared.hours
            ),
            values={"last_nudged_at": now},
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
        cadence = prepared.cadence if prepared is not None else None
        if cadence is None:
            row = ScheduledRepository(uow.session).relationship(due.item_id)
            if row is None:
                return
            cadence = (row.cadence, row.cadence_days)
        self._move_on(uow, due, hours, now, cadence)

    def _move_on(
        self,
        uow: UnitOfWork,
        due: Due,
        hours: WorkingHours,
        now: datetime,
        cadence: tuple[str, int | None],
    ) -> None:
        # One statement: compare-and-set the due time, release, and note the nudge.
        next_due = relationship_due_at(now, cadence=cadence[0], every_days=cadence[1], hours=hours)
        self.move_on(uow, due, next_due, {"last_nudged_at": now})
