"""The engine's side of scheduled messages: claim what is due, prepare it, record how it went."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Protocol, cast

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from bot.core.messages import Reply
from bot.core.schedule import (
    WorkingHours,
    action_due_at,
    balance_due_at,
    digest_due_at,
    reassess_due_at,
    relationship_due_at,
    reminder_due_at,
)
from bot.engine.assess_store import AssessReads
from bot.engine.plan_store import (
    PlanReads,
    action_view,
    checkin_view,
    park_person,
    relationship_view,
    working_hours,
)
from bot.engine.team_store import next_post_at, pause_itself
from bot.engine.turns import Engine
from bot.flows.assess import reassess_reminder_replies
from bot.flows.balance import balance_replies
from bot.flows.nudges import digest_replies, nudge_replies
from bot.flows.plan import action_reminder_replies
from bot.flows.plan_model import CheckInView
from bot.flows.team import (
    choose_prompt,
    find_prompt,
    paused_itself_replies,
    weekly_post_replies,
)
from storage.database import UnitOfWork
from storage.models import (
    ActionItem,
    Delivery,
    Person,
    PersonSchedule,
    Relationship,
    TeamSubscription,
    ToolkitReminder,
    Workspace,
)
from storage.plan_repositories import DeliveryState
from storage.scheduling import (
    ClaimedItem,
    Conditions,
    Schedulable,
    advance,
    record_delivery,
    release_claim,
)

logger = logging.getLogger(__name__)

ScheduledRow = Relationship | ActionItem | PersonSchedule | ToolkitReminder | TeamSubscription

KINDS = ("nudge", "action", "digest", "balance", "toolkit", "reassess", "prompt", "prompt_notice")
"""What the worker sends: a relationship's nudge, an action item's reminder, a person's
digest or weekly balance summary, the toolkit's gentle reminder, the quarterly reminder to
reassess, a team channel's weekly prompt, and the one DM that says a channel's prompt paused
itself."""

MODELS: dict[str, Schedulable] = {
    "nudge": Relationship,
    "action": ActionItem,
    "digest": PersonSchedule,
    "balance": PersonSchedule,
    "toolkit": ToolkitReminder,
    "reassess": PersonSchedule,
    "prompt": TeamSubscription,
    "prompt_notice": TeamSubscription,
}

TEAM_KINDS = frozenset({"prompt", "prompt_notice"})

POSTING_NOT_ALLOWED = "restricted_action"
"""Slack's codes (this and those it starts, such as restricted_action_read_only_channel) for a
channel where the coach may not post: retrying each week would fail the same way, so the
prompt pauses itself and its subscriber is told."""

PROMPT_STALE_AFTER = timedelta(days=1)
"""A week's team prompt that could not go out within a day of its time (downtime, an outage
that kept failing) is skipped: the channel gets the next week's on time instead of this one
days late, and no post is retried for longer than this."""

ACTION_SECOND_REMINDER_WORKING_DAYS = 2
"""An open action item is reminded on its due day and once more this many working days later;
then the coach stops (the item stays in the plan, and "done" is one button away)."""

BALANCE_LOOKBACK = timedelta(days=90)  # the balance summary's chart covers the last 90 days

UNSENDABLE_PLATFORM_DELAY = timedelta(days=1)
"""A plan item of a person on a platform this worker cannot send to is looked at again a day
later (another worker may serve that platform), rather than claimed on every tick."""

RETRY_FIRST = timedelta(seconds=30)
RETRY_MOST = timedelta(hours=1)


class ClaimFrom(Protocol):
    """A repository's claim of its due rows."""

    def __call__(
        self, *, now: datetime, lease: timedelta, limit: int, where: Conditions
    ) -> list[ClaimedItem]: ...


class SendError(Exception):
    """A platform refused a message. `transient` errors are retried (after `retry_after` seconds
    when the platform said so); `unreachable` ones mean the person cannot be reached at all."""

    def __init__(
        self,
        code: str,
        *,
        transient: bool,
        retry_after: float | None = None,
        unreachable: bool = False,
    ) -> None:
        super().__init__(code)
        self.code = code
        self.transient = transient
        self.retry_after = retry_after
        self.unreachable = unreachable


@dataclass(frozen=True)
class Due:
    """One claimed item: what kind, which row, whose, in which workspace, and its due time."""

    kind: str
    item_id: int
    person_id: int
    workspace_key: int  # the workspace's row id: the worker rate-limits per workspace
    due_at: datetime


@dataclass(frozen=True)
class Prepared:
    """A claimed item ready to send: to whom, what, and the delivery row that records it."""

    due: Due
    platform: str
    workspace_id: str
    user_id: str
    replies: tuple[Reply, ...]
    delivery_id: int
    attempts: int  # failed attempts before this one
    hours: WorkingHours
    # A digest answers for every due relationship it lists: (id, due time it listed).
    listed: tuple[tuple[int, datetime], ...] = field(default=())
    # A nudge's cadence (and N days), read while preparing it: the next due time needs it.
    cadence: tuple[str, int | None] | None = None
    post_id: int | None = None  # a team prompt's post row, which keeps the message's ts


def retry_delay(attempts: int, retry_after: float | None) -> timedelta:
    """How long a failed send waits: what the platform asked, else 30 s doubling up to 1 h."""
    if retry_after is not None and retry_after > 0:
        return timedelta(seconds=retry_after)
    backoff: timedelta = RETRY_FIRST * (2 ** min(attempts, 20))
    return min(backoff, RETRY_MOST)


def after_working_days(moment: datetime, days: int, hours: WorkingHours) -> datetime:
    """The start of the working day `days` working days after `moment`'s local date."""
    day = moment.astimezone(hours.zone).date()
    counted = 0
    while counted < days:
        day += timedelta(days=1)
        if not hours.days or day.isoweekday() in hours.days:
            counted += 1
    return hours.first_start_on_or_after(day)


class ScheduledWork:
    """Claims, prepares and records the worker's messages through the engine's database,
    content and clock. Each method is one short transaction; no send happens inside one."""

    def __init__(self, engine: Engine, *, platforms: frozenset[str]) -> None:
        self.engine = engine
        self.platforms = platforms

    # -- claim -----------------------------------------------------------------------------

    def claim(
        self,
        now: datetime,
        *,
        limit: int,
        lease: timedelta,
        skip_workspaces: Sequence[int] = (),
        shard: tuple[int, int] | None = None,
    ) -> list[Due]:
        """Claim up to `limit` due items of every kind, earliest first within each kind, leaving
        out `skip_workspaces` (ones that already have as much in hand as their rate allows).
        With `shard` (i, n), only workspaces whose id is i modulo n: n worker processes then
        split the workspaces, and each workspace's rate still holds across them."""
        claimed: list[Due] = []
        with self.engine.database.unit_of_work() as uow:
            skipping: Conditions = (
                (Person.workspace_id.not_in(list(skip_workspaces)),) if skip_workspaces else ()
            )
            if shard is not None:
                index, count = shard
                skipping = (*skipping, Person.workspace_id % count == index)
            # Team posts first: a channel's prompt has its hour (often Monday 9:00, when
            # many nudges fall due too), while a nudge a minute later is no different.
            claims: tuple[tuple[str, ClaimFrom], ...] = (
                ("team", uow.team.subscriptions.claim_due),
                ("nudge", uow.plan.relationships.claim_due_nudges),
                ("action", uow.plan.actions.claim_due),
                ("schedule", uow.plan.schedules.claim_due),
                ("toolkit", uow.repos.reminders.claim_due),
            )
            for kind, claim_from in claims:
                left = limit - len(claimed)
                if left <= 0:
                    break
                items = claim_from(now=now, lease=lease, limit=left, where=skipping)
                if not items:
                    continue
                ids = [item.item_id for item in items]
                kinds = (
                    self._schedule_kinds(uow, ids)
                    if kind == "schedule"
                    else self._team_kinds(uow, ids)
                    if kind == "team"
                    else {}
                )
                workspaces = self._workspaces(uow, {item.person_id for item in items})
                claimed.extend(
                    Due(
                        kinds.get(item.item_id, kind),
                        item.item_id,
                        item.person_id,
                        workspaces[item.person_id],
                        item.due_at,
                    )
                    for item in items
                )
        return claimed

    @staticmethod
    def _schedule_kinds(uow: UnitOfWork, ids: list[int]) -> dict[int, str]:
        rows = uow.session.execute(
            select(PersonSchedule.id, PersonSchedule.kind).where(PersonSchedule.id.in_(ids))
        )
        return {schedule_id: kind for schedule_id, kind in rows}

    @staticmethod
    def _team_kinds(uow: UnitOfWork, ids: list[int]) -> dict[int, str]:
        rows = uow.session.execute(
            select(TeamSubscription.id, TeamSubscription.notice_pending).where(
                TeamSubscription.id.in_(ids)
            )
        )
        return {row_id: "prompt_notice" if notice else "prompt" for row_id, notice in rows}

    @staticmethod
    def _workspaces(uow: UnitOfWork, person_ids: set[int]) -> dict[int, int]:
        rows = uow.session.execute(
            select(Person.id, Person.workspace_id).where(Person.id.in_(person_ids))
        )
        return {person_id: workspace_id for person_id, workspace_id in rows}

    # -- prepare ---------------------------------------------------------------------------

    def _not_now(
        self, uow: UnitOfWork, due: Due, platform: str, hours: WorkingHours, now: datetime
    ) -> bool:
        """Move the item on without a message when this worker cannot send it now; True then."""
        if platform not in self.platforms:
            next_due = now + UNSENDABLE_PLATFORM_DELAY
        elif not hours.contains(now):
            # Due at night or on a quiet day (a catch-up, a cadence edit): the next working
            # moment, and nothing now.
            next_due = hours.next_moment(now)
        else:
            return False
        advance(
            uow.session,
            MODELS[due.kind],
            item_id=due.item_id,
            claimed_due_at=due.due_at,
            next_due_at=next_due,
        )
        return True

    def prepare_nudges(
        self, dues: Sequence[Due], now: datetime
    ) -> list[tuple[Due, Prepared | None]]:
        """Many relationship nudges at once, each as `prepare` would do it, in one transaction
        and a handful of statements: nudges are most of what the worker sends."""
        results: list[tuple[Due, Prepared | None]] = []
        content = self.engine.content
        with self.engine.database.unit_of_work() as uow:
            session = uow.session
            rows = {
                row.id: row
                for row in session.scalars(
                    select(Relationship).where(Relationship.id.in_([d.item_id for d in dues]))
                )
            }
            people = {
                person.id: person
                for person in session.scalars(
                    select(Person)
                    .options(joinedload(Person.workspace))
                    .where(Person.id.in_({d.person_id for d in dues}))
                )
            }
            ready: list[tuple[Due, Relationship, Person, WorkingHours]] = []
            for due in dues:
                row, person = rows.get(due.item_id), people.get(due.person_id)
                if person is None or row is None or row.next_due_at != due.due_at:
                    # Removed, paused, checked in or snoozed since the claim: theirs wins.
                    if row is not None:
                        release_claim(session, Relationship, item_id=due.item_id)
                    results.append((due, None))
                    continue
                hours = working_hours(person)
                if self._not_now(uow, due, person.workspace.platform, hours, now):
                    results.append((due, None))
                    continue
                ready.append((due, row, person, hours))
            if not ready:
                return results
            states = uow.plan.deliveries.begin_many(
                [
                    ("nudge", due.item_id, due.due_at.isoformat(), due.person_id)
                    for due, *_ in ready
                ],
                at=now,
            )
            ids = [row.id for _, row, _, _ in ready]
            ratings = uow.plan.relationships.latest_ratings(relationship_ids=ids)
            lasts = uow.plan.checkins.latest_for(relationship_ids=ids)
            for due, row, person, hours in ready:
                state = states[(due.item_id, due.due_at.isoformat())]
                if state.status == "sent":
                    # Already sent for this occurrence: only moving it on is left to do.
                    self._advance(uow, due, hours, now, listed=())
                    results.append((due, None))
                    continue
                last = lasts.get(row.id)
                replies = nudge_replies(
                    content,
                    relationship_view(row, ratings.get(row.id)),
                    checkin_view(last) if last is not None else None,
                    now=now,
                    today=now.astimezone(hours.zone).date(),
                )
                results.append(
                    (
                        due,
                        Prepared(
                            due=due,
                            platform=person.workspace.platform,
                            workspace_id=person.workspace.external_id,
                            user_id=person.external_id,
                            replies=replies,
                            delivery_id=state.id,
                            attempts=state.attempts,
                            hours=hours,
                            cadence=(row.cadence, row.cadence_days),
                        ),
                    )
                )
        return results

    def prepare(self, due: Due, now: datetime) -> Prepared | None:
        """The message for one claimed item, with its delivery row written first; None when
        nothing is to be sent now (the item has already been moved on or released)."""
        if due.kind == "toolkit":
            return self._prepare_toolkit(due, now)
        if due.kind in TEAM_KINDS:
            return self._prepare_team(due, now)
        if due.kind == "nudge":
            [(_, prepared)] = self.prepare_nudges([due], now)
            return prepared
        model = MODELS[due.kind]
        with self.engine.database.unit_of_work() as uow:
            person = uow.session.get(Person, due.person_id, options=[joinedload(Person.workspace)])
            row = cast(ScheduledRow | None, uow.session.get(model, due.item_id))
            if person is None or row is None or row.next_due_at != due.due_at:
                # Removed, paused, checked in or snoozed since the claim: the person's change
                # wins, and the row (if any) keeps the due time they gave it.
                if row is not None:
                    release_claim(uow.session, model, item_id=due.item_id)
                return None
            hours = working_hours(person)
            platform = person.workspace.platform
            if self._not_now(uow, due, platform, hours, now):
                return None
            delivery = self._begin_delivery(uow, due, hours, now)
            if delivery is None:
                return None
            replies, listed = self._replies(uow, due, row, person, hours, now)
            if not replies:
                uow.plan.deliveries.record(delivery_id=delivery.id, status="skipped", at=now)
                self._advance(uow, due, hours, now, listed=listed)
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
                cadence=(row.cadence, row.cadence_days) if isinstance(row, Relationship) else None,
            )

    def _begin_delivery(
        self, uow: UnitOfWork, due: Due, hours: WorkingHours, now: datetime
    ) -> DeliveryState | None:
        """The occurrence's delivery row, written before the send; None when it was sent
        already (a crash between the send and its record), after moving the item on."""
        delivery = uow.plan.deliveries.begin(
            kind=due.kind,
            item_id=due.item_id,
            occurrence=due.due_at.isoformat(),
            person_id=due.person_id,
            at=now,
        )
        if delivery.status == "sent":
            self._advance(uow, due, hours, now, listed=())
            return None
        return delivery

    def _replies(
        self,
        uow: UnitOfWork,
        due: Due,
        row: ScheduledRow,
        person: Person,
        hours: WorkingHours,
        now: datetime,
    ) -> tuple[tuple[Reply, ...], tuple[tuple[int, datetime], ...]]:
        content = self.engine.content
        reads = PlanReads(uow, person)
        today = now.astimezone(hours.zone).date()
        if due.kind == "digest":
            rows = uow.plan.relationships.due_for(person_id=person.id, now=now)
            listed = tuple((row.id, row.next_due_at) for row in rows if row.next_due_at)
            views = [view for row in rows if (view := reads.relationship(row.id)) is not None]
            lasts: dict[int, CheckInView] = {}
            for view in views:
                recent = reads.recent_checkins(view.id, limit=1)
                if recent:
                    lasts[view.id] = recent[0]
            return digest_replies(content, views, lasts, now=now, today=today), listed
        if due.kind == "action":
            item = uow.plan.actions.get(person_id=person.id, action_id=due.item_id)
            if item is None or item.done_at is not None:
                return (), ()
            return action_reminder_replies(content, action_view(item), today=today), ()
        if due.kind == "balance":
            since: date = today - BALANCE_LOOKBACK
            replies = balance_replies(
                content,
                reads.relationships(),
                reads.checkins(since=since),
                now=now,
                today=today,
                weekly=True,
            )
            return replies, ()
        if due.kind == "reassess":
            records = AssessReads(uow, person).assessments()
            return reassess_reminder_replies(content, records, today=today, zone=hours.zone), ()
        raise ValueError(f"unknown kind of scheduled message {due.kind!r}")

    def _prepare_team(self, due: Due, now: datetime) -> Prepared | None:
        """A channel's weekly prompt (posted in the channel at its own local time), or the DM
        telling its subscriber that it paused itself (in their working hours)."""
        content = self.engine.content
        with self.engine.database.unit_of_work() as uow:
            row = uow.session.get(TeamSubscription, due.item_id)
            person = uow.session.get(Person, due.person_id, options=[joinedload(Person.workspace)])
            expected = "prompt_notice" if row is not None and row.notice_pending else "prompt"
            if (
                row is None
                or person is None
                or row.next_due_at != due.due_at
                or expected != due.kind
                or (due.kind == "prompt" and row.status != "active")
            ):
                if row is not None:
                    release_claim(uow.session, TeamSubscription, item_id=due.item_id)
                return None
            hours = working_hours(person)
            platform = person.workspace.platform
            if due.kind == "prompt_notice" and self._not_now(uow, due, platform, hours, now):
                return None
            delivery = self._begin_delivery(uow, due, hours, now)
            if delivery is None:
                return None
            if now - due.due_at > PROMPT_STALE_AFTER or platform not in self.platforms:
                uow.plan.deliveries.record(delivery_id=delivery.id, status="skipped", at=now)
                self._advance(uow, due, hours, now, listed=())
                return None
            post_id: int | None = None
            if due.kind == "prompt_notice":
                target = person.external_id
                replies = paused_itself_replies(
                    content, row.channel_name or row.channel_id, row.paused_reason or "removed"
                )
            else:
                target = row.channel_id
                post_id, replies = self._weekly_post(uow, row, due)
            return Prepared(
                due=due,
                platform=platform,
                workspace_id=person.workspace.external_id,
                user_id=target,
                replies=replies,
                delivery_id=delivery.id,
                attempts=delivery.attempts,
                hours=hours,
                post_id=post_id,
            )

    def _weekly_post(
        self, uow: UnitOfWork, row: TeamSubscription, due: Due
    ) -> tuple[int, tuple[Reply, ...]]:
        """This week's post: the prompt chosen once per occurrence (a retry posts the same),
        with last week's recap, and the privacy line on the channel's first post."""
        content = self.engine.content
        posts = uow.team.posts
        occurrence = due.due_at.isoformat()
        post = posts.for_occurrence(subscription_id=row.id, occurrence=occurrence)
        prompt = find_prompt(content, post.prompt_id) if post is not None else None
        if prompt is None:
            prompt = choose_prompt(
                content,
                themes=row.themes or (),
                history=posts.history(subscription_id=row.id),
                channel_id=row.channel_id,
            )
        questions = "\n".join(prompt.questions)
        if post is None:
            post = posts.begin(
                subscription_id=row.id,
                occurrence=occurrence,
                prompt_id=prompt.id,
                theme=prompt.theme_name,
                questions=questions,
            )
        elif post.prompt_id != prompt.id:
            # Its prompt left the content before it could go out: the row keeps what is posted.
            post.prompt_id, post.theme, post.questions = prompt.id, prompt.theme_name, questions
        last = posts.last_posted(subscription_id=row.id)
        recap = None if last is None else uow.team.replies.people_count(post_id=last.id)
        replies = weekly_post_replies(content, prompt, recap_count=recap, first=last is None)
        return post.id, replies

    def _prepare_toolkit(self, due: Due, now: datetime) -> Prepared | None:
        with self.engine.database.unit_of_work() as uow:
            person = uow.session.get(Person, due.person_id)
            row = uow.session.get(ToolkitReminder, due.item_id)
            if person is None or row is None or row.next_due_at != due.due_at:
                if row is not None:
                    release_claim(uow.session, ToolkitReminder, item_id=due.item_id)
                return None
            workspace: Workspace = person.workspace
            platform, workspace_id, user_id = (
                workspace.platform,
                workspace.external_id,
                person.external_id,
            )
            hours = working_hours(person)
            if platform not in self.platforms:
                # Nothing can reach this person on its own (the terminal): stop reminding.
                self._finish_toolkit(uow, due, None, sent_at=None)
                return None
        outcome = self.engine.reminder_for(
            platform=platform, workspace_id=workspace_id, user_id=user_id
        )
        with self.engine.database.unit_of_work() as uow:
            if outcome.failed:
                return None  # the claim runs out and the next lease tries again
            if not outcome.replies:  # nothing left to remind of: stop
                self._finish_toolkit(uow, due, None, sent_at=None)
                return None
            delivery = self._begin_delivery(uow, due, hours, now)
            if delivery is None:
                return None
            return Prepared(
                due=due,
                platform=platform,
                workspace_id=workspace_id,
                user_id=user_id,
                replies=outcome.replies,
                delivery_id=delivery.id,
                attempts=delivery.attempts,
                hours=hours,
            )

    @staticmethod
    def _finish_toolkit(
        uow: UnitOfWork, due: Due, next_due: datetime | None, *, sent_at: datetime | None
    ) -> None:
        if (
            advance(
                uow.session,
                ToolkitReminder,
                item_id=due.item_id,
                claimed_due_at=due.due_at,
                next_due_at=next_due,
            )
            and sent_at is not None
        ):
            reminder = uow.session.get(ToolkitReminder, due.item_id)
            if reminder is not None:
                reminder.last_sent_at = sent_at

    # -- record ----------------------------------------------------------------------------

    def record_sent(self, prepared: Prepared, ts: str, now: datetime) -> None:
        """The platform took the message: record it and move the item on, in one transaction.

        The send happened just before this, outside any transaction; committing here at once,
        item by item, keeps the window in which a crash could send something twice down to the
        messages on their way at that moment (at most one per worker thread).
        """
        if prepared.due.kind == "nudge" and prepared.cadence is not None:
            # Most of what is sent: two Core statements, no ORM session to set up.
            cadence, every_days = prepared.cadence
            with self.engine.database.transaction() as connection:
                record_delivery(
                    connection,
                    delivery_id=prepared.delivery_id,
                    status="sent",
                    at=now,
                    message_ts=ts,
                )
                advance(
                    connection,
                    Relationship,
                    item_id=prepared.due.item_id,
                    claimed_due_at=prepared.due.due_at,
                    next_due_at=relationship_due_at(
                        now, cadence=cadence, every_days=every_days, hours=prepared.hours
                    ),
                    values={"last_nudged_at": now},
                )
            return
        with self.engine.database.unit_of_work() as uow:
            uow.plan.deliveries.record(
                delivery_id=prepared.delivery_id, status="sent", at=now, message_ts=ts
            )
            if prepared.post_id is not None:
                uow.team.posts.mark_posted(post_id=prepared.post_id, message_ts=ts, at=now)
            self._advance(
                uow,
                prepared.due,
                prepared.hours,
                now,
                listed=prepared.listed,
                cadence_of=prepared.cadence,
            )

    def _advance(
        self,
        uow: UnitOfWork,
        due: Due,
        hours: WorkingHours,
        now: datetime,
        *,
        listed: tuple[tuple[int, datetime], ...],
        cadence_of: tuple[str, int | None] | None = None,
    ) -> None:
        """Move a handled item to its next due time, counted from now: after downtime, one
        catch-up message stands for every occurrence missed. Compare-and-set on the due time
        it was claimed at, so a check-in or snooze made meanwhile wins."""
        session = uow.session
        model = MODELS[due.kind]
        next_due: datetime | None
        if due.kind == "nudge":
            cadence = (
                cadence_of
                or session.execute(
                    select(Relationship.cadence, Relationship.cadence_days).where(
                        Relationship.id == due.item_id
                    )
                ).first()
            )
            if cadence is None:
                return
            next_due = relationship_due_at(
                now, cadence=cadence[0], every_days=cadence[1], hours=hours
            )
            # One statement: compare-and-set the due time, release, and note the nudge.
            advance(
                session,
                Relationship,
                item_id=due.item_id,
                claimed_due_at=due.due_at,
                next_due_at=next_due,
                values={"last_nudged_at": now},
            )
            return
        if due.kind == "digest":
            for relationship_id, listed_due in listed:
                row = session.get(Relationship, relationship_id)
                if row is None:
                    continue
                advance(
                    session,
                    Relationship,
                    item_id=relationship_id,
                    claimed_due_at=listed_due,
                    next_due_at=relationship_due_at(
                        now, cadence=row.cadence, every_days=row.cadence_days, hours=hours
                    ),
                )
            person = session.get(Person, due.person_id)
            mode = person.nudge_mode if person is not None else "daily"
            next_due = digest_due_at(now, mode=mode, hours=hours)
        elif due.kind == "action":
            # Once on the due day and once more a little later, counted from the due date
            # (so an edited date gets both); a late first reminder stands for both.
            item = session.get(ActionItem, due.item_id)
            second = (
                after_working_days(
                    action_due_at(item.due_on, hours=hours),
                    ACTION_SECOND_REMINDER_WORKING_DAYS,
                    hours,
                )
                if item is not None
                else None
            )
            next_due = (
                second if second is not None and due.due_at < second and now < second else None
            )
        elif due.kind == "balance":
            next_due = balance_due_at(now, hours=hours)
        elif due.kind == "reassess":
            next_due = reassess_due_at(now, hours=hours)
        elif due.kind == "prompt":
            subscription = session.get(TeamSubscription, due.item_id)
            next_due = next_post_at(subscription, now) if subscription is not None else None
        elif due.kind == "prompt_notice":
            # Told once, whatever happened to the message: nothing more until someone resumes.
            advance(
                session,
                TeamSubscription,
                item_id=due.item_id,
                claimed_due_at=due.due_at,
                next_due_at=None,
                values={"notice_pending": False},
            )
            return
        elif due.kind == "toolkit":
            reminder = session.get(ToolkitReminder, due.item_id)
            every = reminder.every_days if reminder is not None else None
            next_due = (
                reminder_due_at(now, days=every, time_zone=hours.time_zone) if every else None
            )
            self._finish_toolkit(uow, due, next_due, sent_at=now)
            return
        else:
            raise ValueError(f"unknown kind of scheduled message {due.kind!r}")
        advance(
            session, model, item_id=due.item_id, claimed_due_at=due.due_at, next_due_at=next_due
        )

    def record_failed(
        self, prepared: Prepared, error: SendError, now: datetime
    ) -> timedelta | None:
        """The platform refused the message. A passing failure keeps the occurrence claimed
        until its retry time (it is never dropped) and returns that delay. Otherwise nothing
        is retried (None): a person who cannot be reached is marked so until they talk to the
        coach again; any other refusal (a missing scope, a malformed message) fails this
        occurrence only, and the item moves on to its next one."""
        due = prepared.due
        model = MODELS[due.kind]
        with self.engine.database.unit_of_work() as uow:
            if error.transient:
                delay = retry_delay(prepared.attempts, error.retry_after)
                uow.plan.deliveries.record(
                    delivery_id=prepared.delivery_id, status="retrying", at=now, error=error.code
                )
                release_claim(uow.session, model, item_id=due.item_id, until=now + delay)
                return delay
            if due.kind == "prompt" and error.code.startswith(POSTING_NOT_ALLOWED):
                uow.plan.deliveries.record(
                    delivery_id=prepared.delivery_id, status="failed", at=now, error=error.code
                )
                self._channel_lost(uow, due, error.code, now)
                return None
            if error.unreachable:
                uow.plan.deliveries.record(
                    delivery_id=prepared.delivery_id,
                    status="undeliverable",
                    at=now,
                    error=error.code,
                )
                if due.kind == "prompt":
                    # The channel, not the person, is out of reach: the prompt pauses itself
                    # and its subscriber is told once.
                    self._channel_lost(uow, due, error.code, now)
                    return None
                if due.kind == "prompt_notice":
                    self._advance(uow, due, prepared.hours, now, listed=())
                person = uow.session.get(Person, due.person_id)
                if person is not None:
                    person.unreachable_since = now
                    person.unreachable_reason = error.code[:64]
                    park_person(uow, person)
                return None
            uow.plan.deliveries.record(
                delivery_id=prepared.delivery_id, status="failed", at=now, error=error.code
            )
            self._advance(
                uow, due, prepared.hours, now, listed=prepared.listed, cadence_of=prepared.cadence
            )
            return None

    @staticmethod
    def _channel_lost(uow: UnitOfWork, due: Due, code: str, now: datetime) -> None:
        row = uow.session.get(TeamSubscription, due.item_id)
        if row is None:
            return
        release_claim(uow.session, TeamSubscription, item_id=due.item_id)
        if row.next_due_at == due.due_at:
            pause_itself(
                uow,
                workspace_id=row.workspace_id,
                channel_id=row.channel_id,
                reason=(
                    "archived"
                    if code == "is_archived"
                    else "restricted"
                    if code.startswith(POSTING_NOT_ALLOWED)
                    else "removed"
                ),
                now=now,
            )

    def still_wanted(self, prepared: Prepared, now: datetime) -> bool:
        """Just before a channel's post goes out (it may have waited for its workspace's
        turn): is it still due, and the prompt still on? If not, it is not sent, and its
        delivery says so."""
        if prepared.due.kind != "prompt":
            return True
        with self.engine.database.unit_of_work() as uow:
            row = uow.session.get(TeamSubscription, prepared.due.item_id)
            if (
                row is not None
                and row.status == "active"
                and row.next_due_at == prepared.due.due_at
            ):
                return True
            uow.plan.deliveries.record(delivery_id=prepared.delivery_id, status="skipped", at=now)
            if row is not None:
                release_claim(uow.session, TeamSubscription, item_id=prepared.due.item_id)
            return False

    def release(self, due: Due, *, until: datetime | None = None) -> None:
        """Give a claimed item back unsent (to be claimed again after `until`)."""
        with self.engine.database.unit_of_work() as uow:
            release_claim(uow.session, MODELS[due.kind], item_id=due.item_id, until=until)

    def deliveries(self, *, status: str | None = None) -> list[Delivery]:
        """Every delivery row (for tests and reports), oldest first."""
        with self.engine.database.unit_of_work() as uow:
            query = select(Delivery).order_by(Delivery.id)
            if status is not None:
                query = query.where(Delivery.status == status)
            return list(uow.session.scalars(query))
