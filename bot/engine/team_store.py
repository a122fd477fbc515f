"""Team prompts in storage: the flows' reads, their effects applied, and channel events kept."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

from sqlalchemy.exc import SQLAlchemyError

from bot.core.clock import Clock
from bot.core.schedule import weekly_post_due_at
from bot.engine.registry import Store, handling
from bot.flows.team_model import (
    PAUSED_ITSELF_REASONS,
    STATUSES,
    SaveSubscription,
    SubscriptionView,
    TeamEffect,
    TeamReplyView,
    earliest_next_post,
)
from storage.database import Database, UnitOfWork
from storage.models import Person, TeamSubscription

logger = logging.getLogger(__name__)


def subscription_view(
    row: TeamSubscription,
    reader: Person,
    *,
    last_posted_at: datetime | None = None,
    on_its_way: datetime | None = None,
) -> SubscriptionView:
    return SubscriptionView(
        id=row.id,
        channel_id=row.channel_id,
        channel_name=row.channel_name,
        weekday=row.weekday,
        post_minute=row.post_minute,
        time_zone=row.time_zone,
        themes=tuple(row.themes or ()),
        status=row.status,
        paused_reason=row.paused_reason,
        next_due_at=row.next_due_at,
        managed_by_me=row.person_id == reader.id,
        last_posted_at=last_posted_at,
        posting_now=on_its_way,
    )


class TeamReads:
    """The team-prompt part of the flows' read-only view of one person (bot.flows.base.Reads).
    Only subscriptions of the person's own workspace are ever found."""

    def __init__(self, uow: UnitOfWork, person: Person, now: datetime) -> None:
        self._team = uow.team
        self._reader = person
        self._now = now

    def team_subscription(self, channel_id: str) -> SubscriptionView | None:
        row = self._team.subscriptions.for_channel(
            workspace_id=self._reader.workspace_id, channel_id=channel_id
        )
        if row is None:
            return None
        last = self._team.posts.last_posted(subscription_id=row.id)
        return subscription_view(
            row,
            self._reader,
            last_posted_at=last.posted_at if last is not None else None,
            on_its_way=posting_now(row, self._now),
        )

    def team_subscriptions(self) -> list[SubscriptionView]:
        if self._reader.is_admin:  # an admin may manage every channel's prompt
            rows = self._team.subscriptions.in_workspace(workspace_id=self._reader.workspace_id)
        else:
            rows = self._team.subscriptions.managed_by(person_id=self._reader.id)
        return [subscription_view(row, self._reader) for row in rows]

    def team_replies(self) -> list[TeamReplyView]:
        replies = self._team.replies.by_person(person_id=self._reader.id)
        channels = self._team.subscriptions.channel_names(
            subscription_ids={post.subscription_id for _, post in replies}
        )
        return [
            TeamReplyView(
                created_at=reply.created_at,
                channel=channels.get(post.subscription_id, ""),
                theme=post.theme,
                questions=post.questions.replace("\n", " "),
                text=reply.text,
            )
            for reply, post in replies
        ]

    def is_admin(self) -> bool:
        return self._reader.is_admin


def may_manage(row: TeamSubscription, person: Person) -> bool:
    """The subscriber, or a workspace admin, of the same workspace; anyone may take up a
    channel whose prompts were stopped."""
    if row.workspace_id != person.workspace_id:
        return False
    return row.status == "unsubscribed" or row.person_id == person.id or person.is_admin


def posting_now(row: TeamSubscription, now: datetime) -> datetime | None:
    """The due time of this channel's post the worker holds right now (claimed, not yet
    recorded), if any."""
    if row.claimed_until is not None and row.claimed_until > now and row.next_due_at is not None:
        return row.next_due_at if row.next_due_at <= now else None
    return None


def next_post_at(row: TeamSubscription, now: datetime) -> datetime:
    return weekly_post_due_at(
        now, weekday=row.weekday, minute=row.post_minute, time_zone=row.time_zone
    )


def next_post_after_a_change(uow: UnitOfWork, row: TeamSubscription, now: datetime) -> datetime:
    """The next post once settings change or it resumes: at the new day and time, but never a
    second post in the week of the last one, or of one on its way right now."""
    last = uow.team.posts.last_posted(subscription_id=row.id)
    since = earliest_next_post(
        now,
        last_posted_at=last.posted_at if last is not None else None,
        posting_now=posting_now(row, now),
    )
    return next_post_at(row, since)


def apply_team_effect(uow: UnitOfWork, person: Person, effect: TeamEffect, now: datetime) -> None:
    """Apply a team-prompt effect, refusing (and logging) one the person may not make: the
    flow checked too, so a refusal here means a tampered or stale request."""
    subscriptions = uow.team.subscriptions
    row = subscriptions.for_channel(workspace_id=person.workspace_id, channel_id=effect.channel_id)
    if row is not None and not may_manage(row, person):
        logger.warning("refused a team-prompt change by someone who does not manage it")
        return
    if isinstance(effect, SaveSubscription):
        values: dict[str, object] = {
            "weekday": effect.weekday,
            "post_minute": effect.post_minute,
            "time_zone": effect.time_zone,
            "themes": list(effect.themes),
        }
        if row is None or row.status != "paused":
            # New settings are not a resume: a paused prompt stays paused until resumed.
            values.update(status="active", paused_reason=None, notice_pending=False)
        if effect.channel_name:
            values["channel_name"] = effect.channel_name
        if row is None or row.status == "unsubscribed":
            values["person_id"] = person.id  # whoever sets it up (again) looks after it
        saved = subscriptions.save(
            workspace_id=person.workspace_id,
            channel_id=effect.channel_id,
            values=values,
            at=now,
        )
        # A post on its way right now still goes; the worker's compare-and-set on the due
        # time then leaves this new one in place.
        if saved.status == "active":
            saved.next_due_at = next_post_after_a_change(uow, saved, now)
        return
    if row is None or effect.status not in STATUSES or effect.status == row.status:
        return
    if row.person_id is None and effect.status != "unsubscribed":
        # Its subscriber was forgotten: whoever brings it back looks after it (a prompt with
        # nobody to tell when it pauses itself would never be claimed by the worker).
        row.person_id = person.id
    row.status = effect.status
    row.paused_reason = None
    row.notice_pending = False
    row.updated_at = now
    row.next_due_at = next_post_after_a_change(uow, row, now) if effect.status == "active" else None


def pause_itself(
    uow: UnitOfWork, *, workspace_id: int, channel_id: str, reason: str, now: datetime
) -> bool:
    """The coach left the channel or the channel was archived: an active subscription pauses,
    and its subscriber is to be told once (the worker sends it through the same due time).
    True when it paused now; a subscription already paused or stopped is left as it is."""
    assert reason in PAUSED_ITSELF_REASONS
    row = uow.team.subscriptions.for_channel(workspace_id=workspace_id, channel_id=channel_id)
    if row is None or row.status != "active":
        return False
    row.status = "paused"
    row.paused_reason = reason
    # Nobody to tell when the subscriber was forgotten: then nothing is due either.
    row.notice_pending = row.person_id is not None
    row.next_due_at = now if row.notice_pending else None
    row.updated_at = now
    return True


def release_forgotten_subscriptions(uow: UnitOfWork, *, person_id: int, now: datetime) -> None:
    """The person who set up these channels' prompts asked to be forgotten: each stops (as
    if unsubscribed, nothing due or claimed) and no longer names them, so anyone in the
    channel may start it again. Its past posts and other people's replies stay."""
    for row in uow.team.subscriptions.set_up_by(person_id=person_id):
        row.status = "unsubscribed"
        row.paused_reason = None
        row.notice_pending = False
        row.next_due_at = None
        row.claimed_until = None
        row.person_id = None
        row.updated_at = now
    uow.session.flush()


class ChannelEvents:
    """What happens in team channels that is not a conversation with the coach: replies in a
    prompt's thread (kept, edited, deleted) and the coach losing the channel. Each call is one
    transaction. A database failure is logged and raised: the platform then hears an error
    and sends the event again, so a deletion is never lost."""

    def __init__(self, database: Database, clock: Clock) -> None:
        self.database = database
        self.clock = clock

    @contextmanager
    def _logged(self, what: str) -> Iterator[UnitOfWork]:
        try:
            with self.database.unit_of_work() as uow:
                yield uow
        except SQLAlchemyError:
            logger.exception("could not %s; the platform will send it again", what)
            raise

    def reply_posted(
        self,
        *,
        platform: str,
        workspace_id: str,
        channel_id: str,
        thread_ts: str,
        user_id: str,
        message_ts: str,
        text: str,
    ) -> bool:
        """Keep a reply in a prompt's thread; False when the thread is not a prompt's (or the
        reply was already kept, or deleted)."""
        with self._logged("keep a reply in a prompt's thread") as uow:
            # Every thread in every channel the coach is in sends its replies here: only a
            # prompt's thread is kept, and only its repliers become people the coach knows.
            post = self._post(uow, platform, workspace_id, channel_id, thread_ts)
            if post is None:
                return False
            person = uow.repos.people.get_or_create(
                platform=platform,
                workspace_external_id=workspace_id,
                person_external_id=user_id,
            )
            return uow.team.replies.add(
                post_id=post,
                person_id=person.id,
                message_ts=message_ts,
                text=text,
                at=self.clock.now(),
            )

    def reply_edited(
        self,
        *,
        platform: str,
        workspace_id: str,
        channel_id: str,
        thread_ts: str,
        message_ts: str,
        text: str,
        version_ts: str | None = None,
    ) -> bool:
        """A kept reply was edited: keep the new text, unless a newer edit is kept already.
        False if nothing changed."""
        with self._logged("update a reply in a prompt's thread") as uow:
            post = self._post(uow, platform, workspace_id, channel_id, thread_ts)
            if post is None:
                return False
            return uow.team.replies.edit(
                post_id=post,
                message_ts=message_ts,
                text=text,
                at=self.clock.now(),
                version_ts=version_ts,
            )

    def reply_deleted(
        self, *, platform: str, workspace_id: str, channel_id: str, thread_ts: str, message_ts: str
    ) -> bool:
        """A kept reply was deleted: so are its words. False if none was kept."""
        with self._logged("remove a reply in a prompt's thread") as uow:
            post = self._post(uow, platform, workspace_id, channel_id, thread_ts)
            if post is None:
                return False
            return uow.team.replies.remove(post_id=post, message_ts=message_ts, at=self.clock.now())

    def channel_lost(
        self, *, platform: str, workspace_id: str, channel_id: str, reason: str
    ) -> bool:
        """The coach was removed from the channel, or it was archived or deleted: its weekly
        prompt pauses itself and the subscriber is told once. A deleted channel's replies go
        too: nobody could delete them in the platform any more. True when it paused now."""
        with self._logged("pause a channel's weekly prompt") as uow:
            workspace = uow.repos.people.find_workspace(platform=platform, external_id=workspace_id)
            if workspace is None:
                return False
            now = self.clock.now()
            if reason == "deleted":
                row = uow.team.subscriptions.for_channel(
                    workspace_id=workspace, channel_id=channel_id
                )
                if row is not None:
                    uow.team.replies.remove_all_for_subscription(subscription_id=row.id, at=now)
                reason = "archived"
            return pause_itself(
                uow, workspace_id=workspace, channel_id=channel_id, reason=reason, now=now
            )

    @staticmethod
    def _post(
        uow: UnitOfWork, platform: str, workspace_id: str, channel_id: str, thread_ts: str
    ) -> int | None:
        workspace = uow.repos.people.find_workspace(platform=platform, external_id=workspace_id)
        if workspace is None:
            return None
        post = uow.team.posts.find(
            workspace_id=workspace, channel_id=channel_id, message_ts=thread_ts
        )
        return None if post is None else post.id


STORE = Store(reads=TeamReads, effects=handling(TeamEffect, apply_team_effect))
