"""The worker's repository: claims of each kind of scheduled row, and the reads to prepare them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from storage.models import (
    ActionItem,
    Delivery,
    Person,
    PersonSchedule,
    Relationship,
    TeamSubscription,
    ToolkitReminder,
)
from storage.plan_repositories import (
    ActionItemsRepository,
    RelationshipsRepository,
    SchedulesRepository,
)
from storage.repositories import RemindersRepository
from storage.scheduling import ClaimedItem, Conditions
from storage.team_repositories import SubscriptionsRepository


@dataclass(frozen=True)
class ClaimScope:
    """Which workspaces a worker claims for: not those it already holds enough of, and only its
    shard (i, n): the workspaces whose id is i modulo n."""

    skip_workspaces: tuple[int, ...] = ()
    shard: tuple[int, int] | None = None

    def conditions(self) -> Conditions:
        where: Conditions = ()
        if self.skip_workspaces:
            where = (Person.workspace_id.not_in(list(self.skip_workspaces)),)
        if self.shard is not None:
            index, count = self.shard
            where = (*where, Person.workspace_id % count == index)
        return where


class ScheduledRepository:
    """The worker's reads and claims of scheduled rows, one kind of message at a time."""

    def __init__(self, session: Session) -> None:
        self._session = session

    # -- claims: each through the repository that owns its table -----------------------------

    def claim_nudges(
        self, *, now: datetime, lease: timedelta, limit: int, scope: ClaimScope
    ) -> list[ClaimedItem]:
        """Due relationships of people who take one nudge each (not a digest)."""
        return RelationshipsRepository(self._session).claim_due_nudges(
            now=now, lease=lease, limit=limit, where=scope.conditions()
        )

    def claim_actions(
        self, *, now: datetime, lease: timedelta, limit: int, scope: ClaimScope
    ) -> list[ClaimedItem]:
        """Open action items due a reminder."""
        return ActionItemsRepository(self._session).claim_due(
            now=now, lease=lease, limit=limit, where=scope.conditions()
        )

    def claim_schedules(
        self, *, kind: str, now: datetime, lease: timedelta, limit: int, scope: ClaimScope
    ) -> list[ClaimedItem]:
        """Due person-level schedules of one kind (digest, balance, reassess)."""
        where = (PersonSchedule.kind == kind, *scope.conditions())
        return SchedulesRepository(self._session).claim_due(
            now=now, lease=lease, limit=limit, where=where
        )

    def claim_toolkit_reminders(
        self, *, now: datetime, lease: timedelta, limit: int, scope: ClaimScope
    ) -> list[ClaimedItem]:
        return RemindersRepository(self._session).claim_due(
            now=now, lease=lease, limit=limit, where=scope.conditions()
        )

    def claim_team(
        self,
        *,
        notices: bool,
        now: datetime,
        lease: timedelta,
        limit: int,
        scope: ClaimScope,
    ) -> list[ClaimedItem]:
        """Due weekly posts (or, with `notices`, pending "it paused itself" DMs)."""
        where = (TeamSubscription.notice_pending.is_(notices), *scope.conditions())
        return SubscriptionsRepository(self._session).claim_due(
            now=now, lease=lease, limit=limit, where=where
        )

    def workspaces_of(self, person_ids: set[int]) -> dict[int, int]:
        """Each person's workspace row id (the worker rate-limits per workspace)."""
        if not person_ids:
            return {}
        rows = self._session.execute(
            select(Person.id, Person.workspace_id).where(Person.id.in_(person_ids))
        )
        return {person_id: workspace_id for person_id, workspace_id in rows}

    # -- reads -------------------------------------------------------------------------------

    def person(self, person_id: int) -> Person | None:
        """A person with their workspace loaded."""
        return self._session.get(Person, person_id, options=[joinedload(Person.workspace)])

    def people(self, person_ids: set[int]) -> dict[int, Person]:
        """People by id, each with their workspace loaded, in one statement."""
        query = (
            select(Person).options(joinedload(Person.workspace)).where(Person.id.in_(person_ids))
        )
        return {person.id: person for person in self._session.scalars(query)}

    def relationships(self, relationship_ids: list[int]) -> dict[int, Relationship]:
        query = select(Relationship).where(Relationship.id.in_(relationship_ids))
        return {row.id: row for row in self._session.scalars(query)}

    def relationship(self, relationship_id: int) -> Relationship | None:
        return self._session.get(Relationship, relationship_id)

    def action(self, action_id: int) -> ActionItem | None:
        return self._session.get(ActionItem, action_id)

    def schedule(self, schedule_id: int) -> PersonSchedule | None:
        return self._session.get(PersonSchedule, schedule_id)

    def toolkit_reminder(self, reminder_id: int) -> ToolkitReminder | None:
        return self._session.get(ToolkitReminder, reminder_id)

    def subscription(self, subscription_id: int) -> TeamSubscription | None:
        return self._session.get(TeamSubscription, subscription_id)

    def deliveries(self, *, status: str | None = None) -> list[Delivery]:
        """Every delivery row (for tests and reports), oldest first."""
        query = select(Delivery).order_by(Delivery.id)
        if status is not None:
            query = query.where(Delivery.status == status)
        return list(self._session.scalars(query))
