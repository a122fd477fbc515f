"""A team channel's weekly prompt, and the one DM telling its subscriber it paused itself."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.core.messages import Reply
from bot.core.schedule import WorkingHours
from bot.core.sending import SendError, SendFailure
from bot.engine.plan_store import working_hours
from bot.engine.scheduled.base import Due, MovesOnByCadence, Prepared, Strategy
from bot.engine.team_store import next_post_at, pause_itself
from bot.flows.team import choose_prompt, find_prompt, paused_itself_replies, weekly_post_replies
from storage.database import UnitOfWork
from storage.models import Person, TeamSubscription
from storage.scheduled_repositories import ClaimScope, ScheduledRepository
from storage.scheduling import ClaimedItem

PROMPT_STALE_AFTER = timedelta(days=1)
"""A week's team prompt that could not go out within a day of its time (downtime, an outage
that kept failing) is skipped: the channel gets the next week's on time instead of this one
days late, and no post is retried for longer than this."""

CHANNEL_LOST = {
    SendFailure.UNREACHABLE: "removed",
    SendFailure.LOST_CHANNEL: "removed",
    SendFailure.ARCHIVED_CHANNEL: "archived",
    SendFailure.RESTRICTED: "restricted",
}
"""Failures that would fail the same way every week, and why the prompt says it paused."""


class TeamPost(MovesOnByCadence):
    """The weekly post, in the channel at the channel's own local time."""

    kind = "prompt"
    model = TeamSubscription
    notices = False  # which of a subscription's two messages this strategy claims
    checks_before_send = True

    def claim(
        self,
        rows: ScheduledRepository,
        *,
        now: datetime,
        lease: timedelta,
        limit: int,
        scope: ClaimScope,
    ) -> list[ClaimedItem]:
        return rows.claim_team(notices=self.notices, now=now, lease=lease, limit=limit, scope=scope)

    def prepare_one(self, uow: UnitOfWork, due: Due, now: datetime) -> Prepared | None:
        rows = ScheduledRepository(uow.session)
        row = rows.subscription(due.item_id)
        person = rows.person(due.person_id)
        if (
            row is None
            or person is None
            or row.next_due_at != due.due_at
            or row.notice_pending != self.notices
            or not self.still_on(row)
        ):
            if row is not None:
                self.release(uow, due)
            return None
        hours = working_hours(person)
        platform = person.workspace.platform
        if self.waits_for_hours(uow, due, platform, hours, now):
            return None
        delivery = self.begin_delivery(uow, due, hours, now)
        if delivery is None:
            return None
        if now - due.due_at > PROMPT_STALE_AFTER or platform not in self.setting.platforms:
            uow.plan.deliveries.record(delivery_id=delivery.id, status="skipped", at=now)
            self.advance(uow, due, hours, now, None, sent=False)
            return None
        target, post_id, replies = self.message(uow, row, person, due)
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

    @staticmethod
    def still_on(row: TeamSubscription) -> bool:
        return row.status == "active"

    def waits_for_hours(
        self, uow: UnitOfWork, due: Due, platform: str, hours: WorkingHours, now: datetime
    ) -> bool:
        """A channel's post keeps the channel's time, not its subscriber's working hours."""
        return False

    def message(
        self, uow: UnitOfWork, row: TeamSubscription, person: Person, due: Due
    ) -> tuple[str, int | None, tuple[Reply, ...]]:
        """This week's post: the prompt chosen once per occurrence (a retry posts the same),
        with last week's recap, and the privacy line on the channel's first post."""
        content = self.setting.content
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
        return row.channel_id, post.id, replies

    def still_wanted(self, uow: UnitOfWork, prepared: Prepared, now: datetime) -> bool:
        """Is the post still due, and the prompt still on? Someone may have paused or changed
        it while it waited for its workspace's turn; if so its delivery says it was skipped."""
        row = ScheduledRepository(uow.session).subscription(prepared.due.item_id)
        if row is not None and row.status == "active" and row.next_due_at == prepared.due.due_at:
            return True
        uow.plan.deliveries.record(delivery_id=prepared.delivery_id, status="skipped", at=now)
        if row is not None:
            self.release(uow, prepared.due)
        return False

    def record_sent(self, prepared: Prepared, ts: str, now: datetime) -> None:
        with self.setting.database.unit_of_work() as uow:
            uow.plan.deliveries.record(
                delivery_id=prepared.delivery_id, status="sent", at=now, message_ts=ts
            )
            if prepared.post_id is not None:
                uow.team.posts.mark_posted(post_id=prepared.post_id, message_ts=ts, at=now)
            self.advance(uow, prepared.due, prepared.hours, now, prepared, sent=True)

    def next_due(
        self, uow: UnitOfWork, due: Due, hours: WorkingHours, now: datetime
    ) -> datetime | None:
        row = ScheduledRepository(uow.session).subscription(due.item_id)
        return next_post_at(row, now) if row is not None else None

    def on_failure(
        self, uow: UnitOfWork, prepared: Prepared, error: SendError, now: datetime
    ) -> timedelta | None:
        reason = CHANNEL_LOST.get(error.reason)
        if reason is None:
            return super().on_failure(uow, prepared, error, now)
        # The channel, not the person, is out of reach: the prompt pauses itself and its
        # subscriber is told once.
        status = "failed" if error.reason is SendFailure.RESTRICTED else "undeliverable"
        self._record(uow, prepared, status, error, now)
        due = prepared.due
        row = ScheduledRepository(uow.session).subscription(due.item_id)
        if row is None:
            return None
        self.release(uow, due)
        if row.next_due_at == due.due_at:
            pause_itself(
                uow,
                workspace_id=row.workspace_id,
                channel_id=row.channel_id,
                reason=reason,
                now=now,
            )
        return None


class PausedNotice(TeamPost):
    """The DM telling a channel's subscriber that its prompt paused itself, in their working
    hours; told once, whatever happens to the message."""

    kind = "prompt_notice"
    notices = True
    checks_before_send = False

    @staticmethod
    def still_on(row: TeamSubscription) -> bool:
        return row.notice_pending  # a notice goes out whether or not the prompt is paused

    def waits_for_hours(
        self, uow: UnitOfWork, due: Due, platform: str, hours: WorkingHours, now: datetime
    ) -> bool:
        return self.not_now(uow, due, platform, hours, now)

    def message(
        self, uow: UnitOfWork, row: TeamSubscription, person: Person, due: Due
    ) -> tuple[str, int | None, tuple[Reply, ...]]:
        channel = row.channel_name or row.channel_id
        replies = paused_itself_replies(
            self.setting.content, channel, row.paused_reason or "removed"
        )
        return person.external_id, None, replies

    def still_wanted(self, uow: UnitOfWork, prepared: Prepared, now: datetime) -> bool:
        return True

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
        # Nothing more until someone resumes the prompt.
        self.move_on(uow, due, None, {"notice_pending": False})

    def on_failure(
        self, uow: UnitOfWork, prepared: Prepared, error: SendError, now: datetime
    ) -> timedelta | None:
        return Strategy.on_failure(self, uow, prepared, error, now)

    def person_unreachable(
        self, uow: UnitOfWork, prepared: Prepared, error: SendError, now: datetime
    ) -> None:
        self.advance(uow, prepared.due, prepared.hours, now, prepared, sent=False)
        super().person_unreachable(uow, prepared, error, now)
