"""The engine's side of the relationship plan: reading it for flows, storing what they decide."""

from __future__ import annotations

import logging
from datetime import date, datetime

from bot.core.schedule import (
    WorkingHours,
    action_due_at,
    balance_due_at,
    checkin_moment,
    digest_due_at,
    relationship_due_at,
    relationship_next_due,
)
from bot.engine.registry import Store, handling
from bot.flows.plan_model import (
    ActionItemView,
    CheckInView,
    DigestShown,
    LogCheckIn,
    NudgeSettingsView,
    PlanEffect,
    PlanView,
    RateMaturity,
    RatingView,
    RelationshipView,
    RemoveActionItem,
    RemoveRelationship,
    SaveActionItem,
    SaveNudgeSettings,
    SavePlan,
    SaveRelationship,
    SetActionDone,
    SetRelationshipPaused,
    SkipRelationship,
    SnoozeRelationship,
    UndoCheckIn,
)
from storage.database import UnitOfWork
from storage.models import (
    ActionItem,
    CheckIn,
    MaturityRating,
    Person,
    PersonSchedule,
    Relationship,
)

logger = logging.getLogger(__name__)

LARGEST_ID = 2**31 - 1
"""The largest row id the databases store (PostgreSQL's integer): a larger one in a tampered
button names nothing, and must not reach a query that would fail on it."""


def working_hours(person: Person) -> WorkingHours:
    return WorkingHours(
        time_zone=person.time_zone,
        days=WorkingHours.parse_days(person.work_days),
        start_minute=person.work_start_minute,
        end_minute=person.work_end_minute,
    )


def rating_view(row: MaturityRating) -> RatingView:
    return RatingView(row.score, row.stage_id, tuple(row.indicators), row.rated_at)


def relationship_view(row: Relationship, rating: MaturityRating | None) -> RelationshipView:
    return RelationshipView(
        id=row.id,
        name=row.name,
        kind=row.kind,
        constituency=row.constituency,
        constituency_label=row.constituency_label,
        cadence=row.cadence,
        cadence_days=row.cadence_days,
        strategies=row.strategies,
        success_measures=tuple(row.success_measures),
        paused=row.paused,
        created_at=row.created_at,
        last_checkin_at=row.last_checkin_at,
        next_due_at=row.next_due_at,
        rating=rating_view(rating) if rating is not None else None,
        last_nudged_at=row.last_nudged_at,
    )


def checkin_view(row: CheckIn) -> CheckInView:
    return CheckInView(
        id=row.id,
        relationship_id=row.relationship_id,
        happened_on=row.happened_on,
        went=row.went,
        notes=row.notes,
        measures=tuple(row.measures),
        source=row.source,
        created_at=row.created_at,
    )


def action_view(row: ActionItem) -> ActionItemView:
    return ActionItemView(row.id, row.what, row.who, row.due_on, row.source, row.done_at)


class PlanReads:
    """The plan part of the flows' read-only view of one person (see bot.flows.base.Reads)."""

    def __init__(self, uow: UnitOfWork, person: Person, now: datetime | None = None) -> None:
        self._plan = uow.plan
        self._people = uow.repos.people
        self._person = person

    def plan(self) -> PlanView | None:
        row = self._plan.plans.get(person_id=self._person.id)
        if row is None:
            return None
        return PlanView(row.personal_goals, row.team_goals, row.working_well, row.could_improve)

    def relationships(self) -> list[RelationshipView]:
        rows = self._plan.relationships.all_for(person_id=self._person.id)
        ratings = self._plan.relationships.latest_ratings(relationship_ids=[r.id for r in rows])
        return [relationship_view(row, ratings.get(row.id)) for row in rows]

    def relationship(self, relationship_id: int) -> RelationshipView | None:
        if not 0 < relationship_id <= LARGEST_ID:
            return None
        row = self._plan.relationships.get(
            person_id=self._person.id, relationship_id=relationship_id
        )
        if row is None:
            self._log_if_someone_elses(Relationship, relationship_id)
            return None
        ratings = self._plan.relationships.latest_ratings(relationship_ids=[row.id])
        return relationship_view(row, ratings.get(row.id))

    def ratings(self, relationship_id: int) -> list[RatingView]:
        if self.relationship(relationship_id) is None:
            return []
        rows = self._plan.relationships.ratings(relationship_id=relationship_id)
        return [rating_view(row) for row in rows]

    def checkins(self, *, since: date | None = None) -> list[CheckInView]:
        rows = self._plan.checkins.for_person(person_id=self._person.id, since=since)
        return [checkin_view(row) for row in rows]

    def recent_checkins(self, relationship_id: int, *, limit: int) -> list[CheckInView]:
        rows = self._plan.checkins.for_relationship(
            person_id=self._person.id, relationship_id=relationship_id, limit=limit
        )
        return [checkin_view(row) for row in rows]

    def action_items(self, *, include_done: bool) -> list[ActionItemView]:
        rows = self._plan.actions.all_for(person_id=self._person.id, include_done=include_done)
        return [action_view(row) for row in rows]

    def action_item(self, action_id: int) -> ActionItemView | None:
        if not 0 < action_id <= LARGEST_ID:
            return None
        row = self._plan.actions.get(person_id=self._person.id, action_id=action_id)
        if row is None:
            self._log_if_someone_elses(ActionItem, action_id)
            return None
        return action_view(row)

    def _log_if_someone_elses(self, model: type[Relationship | ActionItem], row_id: int) -> None:
        """An id that is not this person's came in a button or a form. One removed since (a
        stale button) is ordinary; one that names another person's row is a tampered request:
        it is refused all the same, and logged with ids only (never what the row says)."""
        owner = self._people.owner_of(model, row_id)
        if owner is None:
            return
        owner_id, workspace_id = owner
        where = "the same" if workspace_id == self._person.workspace_id else "another"
        logger.warning(
            "refused a request by person %d naming %s %d, which is person %d's in %s workspace",
            self._person.id,
            model.__tablename__.removesuffix("s").replace("_", " "),
            row_id,
            owner_id,
            where,
        )

    def nudge_settings(self) -> NudgeSettingsView:
        person = self._person
        balance = self._plan.schedules.get(person_id=person.id, kind="balance")
        digest = self._plan.schedules.get(person_id=person.id, kind="digest")
        return NudgeSettingsView(
            time_zone=person.time_zone,
            work_days=WorkingHours.parse_days(person.work_days),
            start_minute=person.work_start_minute,
            end_minute=person.work_end_minute,
            nudge_mode=person.nudge_mode,
            balance_summary=balance is None or balance.next_due_at is not None,
            digest_due_at=digest.next_due_at if digest is not None else None,
        )


def _not_before(due: datetime, now: datetime) -> datetime:
    # Something already due stays due: the next tick sends it (in working hours).
    return max(due, now)


def schedule_relationship(row: Relationship, person: Person, now: datetime) -> None:
    """Work out a relationship's next due time, one cadence from the later of its last
    check-in (or its start) and its last nudge: a change to it never brings back a nudge
    that has just been sent."""
    if row.paused:
        row.next_due_at = None
        return
    # One function decides, here as in what the check-in flow tells the person.
    row.next_due_at = relationship_next_due(
        created_at=row.created_at,
        last_checkin_at=row.last_checkin_at,
        last_nudged_at=row.last_nudged_at,
        cadence=row.cadence,
        every_days=row.cadence_days,
        hours=working_hours(person),
        now=now,
    )
    row.claimed_until = None


def schedule_action(row: ActionItem, person: Person, now: datetime) -> None:
    if row.done_at is not None:
        row.next_due_at = None
        return
    row.next_due_at = _not_before(action_due_at(row.due_on, hours=working_hours(person)), now)
    row.claimed_until = None


def reschedule_person(uow: UnitOfWork, person: Person, now: datetime) -> None:
    """After a change of time zone or working hours, each due time still ahead moves to the
    start of the same local day in the new hours: a snooze or a skip keeps its day, and
    nothing is counted again. What is already due stays due."""
    hours = working_hours(person)
    rows: list[Relationship | ActionItem | PersonSchedule] = [
        *uow.plan.relationships.all_for(person_id=person.id),
        *uow.plan.actions.all_for(person_id=person.id, include_done=False),
    ]
    for kind in ("digest", "balance", "reassess"):
        schedule = uow.plan.schedules.get(person_id=person.id, kind=kind)
        if schedule is not None:
            rows.append(schedule)
    for row in rows:
        if row.next_due_at is not None and row.next_due_at > now:
            local_day = row.next_due_at.astimezone(hours.zone).date()
            row.next_due_at = _not_before(hours.first_start_on_or_after(local_day), now)


def park_person(uow: UnitOfWork, person: Person) -> None:
    """Someone the platform cannot reach: their relationships and action items leave the
    due-time index (so claims do not step over them on every tick) until they return."""
    for relationship in uow.plan.relationships.all_for(person_id=person.id):
        relationship.next_due_at = None
        relationship.claimed_until = None
    for action in uow.plan.actions.all_for(person_id=person.id, include_done=False):
        action.next_due_at = None
        action.claimed_until = None


def welcome_back(uow: UnitOfWork, person: Person, now: datetime) -> None:
    """Someone reachable again: what fell due meanwhile is due now, once."""
    person.unreachable_since = None
    person.unreachable_reason = None
    for relationship in uow.plan.relationships.all_for(person_id=person.id):
        if relationship.next_due_at is None:
            schedule_relationship(relationship, person, now)
    for action in uow.plan.actions.all_for(person_id=person.id, include_done=False):
        if action.next_due_at is None:
            schedule_action(action, person, now)


def _checkin_moment(happened_on: date, person: Person, now: datetime) -> datetime:
    return checkin_moment(happened_on, hours=working_hours(person), now=now)


def _refresh_last_checkin(uow: UnitOfWork, person: Person, row: Relationship) -> None:
    latest = uow.plan.checkins.for_relationship(
        person_id=person.id, relationship_id=row.id, limit=1
    )
    if not latest:
        row.last_checkin_at = None
    else:
        checkin = latest[0]
        hours = working_hours(person)
        local_created = checkin.created_at.astimezone(hours.zone).date()
        row.last_checkin_at = (
            checkin.created_at
            if checkin.happened_on >= local_created
            else hours.start_on(checkin.happened_on)
        )


def apply_plan_effect(uow: UnitOfWork, person: Person, effect: PlanEffect, now: datetime) -> None:
    """Store one of the plan's effects; ids that are not this person's change nothing."""
    plan = uow.plan
    if isinstance(effect, SavePlan):
        plan.plans.save(
            person_id=person.id,
            values={
                "personal_goals": effect.personal_goals,
                "team_goals": effect.team_goals,
                "working_well": effect.working_well,
                "could_improve": effect.could_improve,
            },
            at=now,
        )
    elif isinstance(effect, SaveRelationship):
        values = {
            "name": effect.name,
            "kind": effect.kind,
            "constituency": effect.constituency,
            "constituency_label": effect.constituency_label,
            "cadence": effect.cadence,
            "cadence_days": effect.cadence_days,
            "strategies": effect.strategies,
            "success_measures": list(effect.success_measures),
        }
        if effect.relationship_id is None:
            row = plan.relationships.add(person_id=person.id, values=values, at=now)
            if plan.schedules.get(person_id=person.id, kind="balance") is None:
                due = balance_due_at(now, hours=working_hours(person))
                plan.schedules.set(person_id=person.id, kind="balance", next_due_at=due)
        else:
            found = plan.relationships.get(
                person_id=person.id, relationship_id=effect.relationship_id
            )
            if found is None:
                return
            row = found
            cadence_before = (row.cadence, row.cadence_days)
            plan.relationships.update(relationship=row, values=values, at=now)
            if (row.cadence, row.cadence_days) == cadence_before:
                return  # a new name or new words: the due time (a snooze, a skip) stands
        schedule_relationship(row, person, now)
    elif isinstance(effect, SetRelationshipPaused):
        row_or_none = plan.relationships.get(
            person_id=person.id, relationship_id=effect.relationship_id
        )
        if row_or_none is not None:
            plan.relationships.update(
                relationship=row_or_none, values={"paused": effect.paused}, at=now
            )
            schedule_relationship(row_or_none, person, now)
    elif isinstance(effect, RemoveRelationship):
        plan.relationships.remove(person_id=person.id, relationship_id=effect.relationship_id)
    elif isinstance(effect, RateMaturity):
        if plan.relationships.get(person_id=person.id, relationship_id=effect.relationship_id):
            plan.relationships.add_rating(
                relationship_id=effect.relationship_id,
                score=effect.score,
                stage_id=effect.stage_id,
                indicators=list(effect.indicators),
                at=now,
            )
    elif isinstance(effect, LogCheckIn):
        _log_checkin(uow, person, effect, now)
    elif isinstance(effect, UndoCheckIn):
        row_or_none = plan.relationships.get(
            person_id=person.id, relationship_id=effect.relationship_id
        )
        if row_or_none is not None and plan.checkins.remove_logged_at(
            person_id=person.id, relationship_id=row_or_none.id, logged_at=effect.logged_at
        ):
            _refresh_last_checkin(uow, person, row_or_none)
            schedule_relationship(row_or_none, person, now)
    elif isinstance(effect, SnoozeRelationship):
        row_or_none = plan.relationships.get(
            person_id=person.id, relationship_id=effect.relationship_id
        )
        if row_or_none is not None and not row_or_none.paused:
            hours = working_hours(person)
            row_or_none.next_due_at = _not_before(hours.first_start_on_or_after(effect.until), now)
            row_or_none.claimed_until = None
    elif isinstance(effect, SkipRelationship):
        row_or_none = plan.relationships.get(
            person_id=person.id, relationship_id=effect.relationship_id
        )
        if row_or_none is not None and not row_or_none.paused:
            row_or_none.next_due_at = relationship_due_at(
                now,
                cadence=row_or_none.cadence,
                every_days=row_or_none.cadence_days,
                hours=working_hours(person),
            )
            row_or_none.claimed_until = None
    elif isinstance(effect, SaveActionItem):
        _save_action(uow, person, effect, now)
    elif isinstance(effect, SetActionDone):
        action = plan.actions.get(person_id=person.id, action_id=effect.action_id)
        if action is not None:
            action.done_at = now if effect.done else None
            schedule_action(action, person, now)
    elif isinstance(effect, RemoveActionItem):
        plan.actions.remove(person_id=person.id, action_id=effect.action_id)
    elif isinstance(effect, SaveNudgeSettings):
        _save_settings(uow, person, effect, now)
    elif isinstance(effect, DigestShown) and person.nudge_mode != "each":
        due = digest_due_at(now, mode=person.nudge_mode, hours=working_hours(person))
        uow.plan.schedules.set(person_id=person.id, kind="digest", next_due_at=due)


def _log_checkin(uow: UnitOfWork, person: Person, effect: LogCheckIn, now: datetime) -> None:
    row = uow.plan.relationships.get(person_id=person.id, relationship_id=effect.relationship_id)
    if row is None:
        return
    uow.plan.checkins.add(
        person_id=person.id,
        values={
            "relationship_id": row.id,
            "happened_on": effect.happened_on,
            "went": effect.went,
            "notes": effect.notes,
            "measures": list(effect.measures),
            "source": effect.source,
        },
        at=now,
    )
    moment = _checkin_moment(effect.happened_on, person, now)
    if row.last_checkin_at is None or moment > row.last_checkin_at:
        row.last_checkin_at = moment
    schedule_relationship(row, person, now)


def _save_action(uow: UnitOfWork, person: Person, effect: SaveActionItem, now: datetime) -> None:
    values = {"what": effect.what, "who": effect.who, "due_on": effect.due_on}
    if effect.action_id is None:
        action = uow.plan.actions.add(
            person_id=person.id, values={**values, "source": effect.source}, at=now
        )
    else:
        found = uow.plan.actions.get(person_id=person.id, action_id=effect.action_id)
        if found is None:
            return
        action = found
        for name, value in values.items():
            setattr(action, name, value)
    schedule_action(action, person, now)


def _save_settings(
    uow: UnitOfWork, person: Person, effect: SaveNudgeSettings, now: datetime
) -> None:
    if effect.time_zone is not None:
        uow.repos.people.set_time_zone(person=person, time_zone=effect.time_zone)
    person.work_days = "".join(str(day) for day in sorted(effect.work_days))
    person.work_start_minute = effect.start_minute
    person.work_end_minute = effect.end_minute
    person.nudge_mode = effect.nudge_mode
    hours = working_hours(person)
    schedules = uow.plan.schedules
    if effect.nudge_mode == "each":
        schedules.clear(person_id=person.id, kind="digest")
    else:
        due = digest_due_at(now, mode=effect.nudge_mode, hours=hours)
        schedules.set(person_id=person.id, kind="digest", next_due_at=due)
    balance_due = balance_due_at(now, hours=hours) if effect.balance_summary else None
    schedules.set(person_id=person.id, kind="balance", next_due_at=balance_due)
    reschedule_person(uow, person, now)


STORE = Store(reads=PlanReads, effects=handling(PlanEffect, apply_plan_effect))
