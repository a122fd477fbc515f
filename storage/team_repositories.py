"""Repositories for team channels' weekly prompts: subscriptions, posts and thread replies."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified

from storage.models import TeamPost, TeamReply, TeamSubscription
from storage.scheduling import ClaimedItem, Conditions, claim_due


class SubscriptionsRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def for_channel(self, *, workspace_id: int, channel_id: str) -> TeamSubscription | None:
        """The channel's subscription in this workspace (any status); None if it never had one."""
        return self._session.scalar(
            select(TeamSubscription).where(
                TeamSubscription.workspace_id == workspace_id,
                TeamSubscription.channel_id == channel_id,
            )
        )

    def get(self, *, workspace_id: int, subscription_id: int) -> TeamSubscription | None:
        """A subscription of this workspace; None for another workspace's (a tampered id)."""
        return self._session.scalar(
            select(TeamSubscription).where(
                TeamSubscription.id == subscription_id,
                TeamSubscription.workspace_id == workspace_id,
            )
        )

    def managed_by(self, *, person_id: int) -> list[TeamSubscription]:
        """The subscriptions this person set up and has not unsubscribed, oldest first."""
        return list(
            self._session.scalars(
                select(TeamSubscription)
                .where(
                    TeamSubscription.person_id == person_id,
                    TeamSubscription.status != "unsubscribed",
                )
                .order_by(TeamSubscription.id)
            )
        )

    def set_up_by(self, *, person_id: int) -> list[TeamSubscription]:
        """Every subscription this person set up, whatever its status, oldest first."""
        return list(
            self._session.scalars(
                select(TeamSubscription)
                .where(TeamSubscription.person_id == person_id)
                .order_by(TeamSubscription.id)
            )
        )

    def channel_names(self, *, subscription_ids: set[int]) -> dict[int, str]:
        """Each subscription's channel as people know it (its name, else its id)."""
        if not subscription_ids:
            return {}
        rows = self._session.execute(
            select(
                TeamSubscription.id, TeamSubscription.channel_name, TeamSubscription.channel_id
            ).where(TeamSubscription.id.in_(subscription_ids))
        )
        return {row_id: name or channel for row_id, name, channel in rows}

    def in_workspace(self, *, workspace_id: int) -> list[TeamSubscription]:
        """Every subscription of the workspace that is not stopped, oldest first."""
        return list(
            self._session.scalars(
                select(TeamSubscription)
                .where(
                    TeamSubscription.workspace_id == workspace_id,
                    TeamSubscription.status != "unsubscribed",
                )
                .order_by(TeamSubscription.id)
            )
        )

    def save(
        self, *, workspace_id: int, channel_id: str, values: dict[str, Any], at: datetime
    ) -> TeamSubscription:
        """Create the channel's subscription, or change the one it has (keeping its posts)."""
        row = self.for_channel(workspace_id=workspace_id, channel_id=channel_id)
        if row is None:
            row = TeamSubscription(
                workspace_id=workspace_id, channel_id=channel_id, created_at=at, **values
            )
            self._session.add(row)
        else:
            for name, value in values.items():
                setattr(row, name, value)
            if "themes" in values:
                flag_modified(row, "themes")
        row.updated_at = at
        self._session.flush()
        return row

    def claim_due(
        self, *, now: datetime, lease: timedelta, limit: int, where: Conditions = ()
    ) -> list[ClaimedItem]:
        """Due weekly posts and pending notices. A channel's post does not depend on whether
        its subscriber can be reached, so they are not left out for that."""
        return claim_due(
            self._session,
            TeamSubscription,
            now=now,
            lease=lease,
            limit=limit,
            where=where,
            reachable_only=False,
        )


class TeamPostsRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def history(self, *, subscription_id: int) -> list[str]:
        """The prompt ids posted in the channel, oldest first (posts that went out)."""
        return list(
            self._session.scalars(
                select(TeamPost.prompt_id)
                .where(
                    TeamPost.subscription_id == subscription_id,
                    TeamPost.message_ts.is_not(None),
                )
                .order_by(TeamPost.posted_at, TeamPost.id)
            )
        )

    def for_occurrence(self, *, subscription_id: int, occurrence: str) -> TeamPost | None:
        return self._session.scalar(
            select(TeamPost).where(
                TeamPost.subscription_id == subscription_id, TeamPost.occurrence == occurrence
            )
        )

    def begin(
        self,
        *,
        subscription_id: int,
        occurrence: str,
        prompt_id: str,
        theme: str,
        questions: str,
    ) -> TeamPost:
        """The post for this occurrence: written now with this prompt, or the one an earlier
        attempt wrote (a retry posts the prompt it chose, not the next one in the rotation)."""
        dialect = self._session.get_bind().dialect.name
        insert = pg_insert if dialect == "postgresql" else sqlite_insert
        self._session.execute(
            insert(TeamPost)
            .values(
                subscription_id=subscription_id,
                occurrence=occurrence,
                prompt_id=prompt_id,
                theme=theme,
                questions=questions,
            )
            .on_conflict_do_nothing()
        )
        post = self.for_occurrence(subscription_id=subscription_id, occurrence=occurrence)
        assert post is not None
        return post

    def last_posted(self, *, subscription_id: int) -> TeamPost | None:
        return self._session.scalar(
            select(TeamPost)
            .where(TeamPost.subscription_id == subscription_id, TeamPost.message_ts.is_not(None))
            .order_by(TeamPost.posted_at.desc(), TeamPost.id.desc())
            .limit(1)
        )

    def mark_posted(self, *, post_id: int, message_ts: str, at: datetime) -> None:
        self._session.execute(
            update(TeamPost)
            .where(TeamPost.id == post_id)
            .values(message_ts=message_ts, posted_at=at)
            .execution_options(synchronize_session=False)
        )

    def find(self, *, workspace_id: int, channel_id: str, message_ts: str) -> TeamPost | None:
        """The post a thread hangs from: its channel and message id, in this workspace."""
        return self._session.scalar(
            select(TeamPost)
            .join(TeamSubscription, TeamSubscription.id == TeamPost.subscription_id)
            .where(
                TeamPost.message_ts == message_ts,
                TeamSubscription.workspace_id == workspace_id,
                TeamSubscription.channel_id == channel_id,
            )
        )


class TeamRepliesRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(
        self, *, post_id: int, person_id: int, message_ts: str, text: str, at: datetime
    ) -> bool:
        """Keep a thread reply; False when it is already kept, or was deleted (a retried or
        late event)."""
        dialect = self._session.get_bind().dialect.name
        insert = pg_insert if dialect == "postgresql" else sqlite_insert
        written = self._session.execute(
            insert(TeamReply)
            .values(
                post_id=post_id,
                person_id=person_id,
                message_ts=message_ts,
                text=text,
                created_at=at,
                version_ts=message_ts,
            )
            .on_conflict_do_nothing()
            .returning(TeamReply.id)
        ).first()
        return written is not None

    def _kept(self, post_id: int, message_ts: str) -> TeamReply | None:
        return self._session.scalar(
            select(TeamReply).where(
                TeamReply.post_id == post_id,
                TeamReply.message_ts == message_ts,
                TeamReply.deleted_at.is_(None),
            )
        )

    def edit(
        self,
        *,
        post_id: int,
        message_ts: str,
        text: str,
        at: datetime,
        version_ts: str | None = None,
    ) -> bool:
        """The reply was edited in the platform: keep the new text, unless what is kept is a
        newer version (edits can arrive out of order). False if nothing changed."""
        reply = self._kept(post_id, message_ts)
        if reply is None:
            return False
        if version_ts and reply.version_ts and _ts(version_ts) <= _ts(reply.version_ts):
            return False
        reply.text, reply.edited_at = text, at
        reply.version_ts = version_ts or reply.version_ts
        return True

    def remove(self, *, post_id: int, message_ts: str, at: datetime) -> bool:
        """The reply was deleted in the platform: so are its words. Its ids stay, marked
        deleted, so a late retry of its first event cannot bring it back. False if none was
        kept."""
        reply = self._kept(post_id, message_ts)
        if reply is None:
            return False
        reply.text, reply.deleted_at = "", at
        return True

    def remove_all_for_subscription(self, *, subscription_id: int, at: datetime) -> int:
        """Every reply in the subscription's threads, deleted (the channel itself is gone)."""
        posts = select(TeamPost.id).where(TeamPost.subscription_id == subscription_id)
        removed = self._session.execute(
            update(TeamReply)
            .where(TeamReply.post_id.in_(posts.scalar_subquery()), TeamReply.deleted_at.is_(None))
            .values(text="", deleted_at=at)
            .returning(TeamReply.id)
            .execution_options(synchronize_session=False)
        )
        return len(removed.all())

    def for_post(self, *, post_id: int) -> list[TeamReply]:
        return list(
            self._session.scalars(
                select(TeamReply)
                .where(TeamReply.post_id == post_id, TeamReply.deleted_at.is_(None))
                .order_by(TeamReply.created_at, TeamReply.id)
            )
        )

    def people_count(self, *, post_id: int) -> int:
        """How many different people replied in the post's thread."""
        return int(
            self._session.scalar(
                select(func.count(func.distinct(TeamReply.person_id))).where(
                    TeamReply.post_id == post_id, TeamReply.deleted_at.is_(None)
                )
            )
            or 0
        )

    def by_person(self, *, person_id: int) -> list[tuple[TeamReply, TeamPost]]:
        """Everything this person said in prompt threads, with its prompt, oldest first."""
        rows = self._session.execute(
            select(TeamReply, TeamPost)
            .join(TeamPost, TeamPost.id == TeamReply.post_id)
            .where(TeamReply.person_id == person_id, TeamReply.deleted_at.is_(None))
            .order_by(TeamReply.created_at, TeamReply.id)
        )
        return [(reply, post) for reply, post in rows]


def _ts(value: str) -> float:
    """A platform message time ("1700000000.000100") as a number, for ordering versions."""
    try:
        return float(value)
    except ValueError:
        return 0.0


class TeamRepositories:
    """The team prompts' repositories of one unit of work."""

    def __init__(self, session: Session) -> None:
        self.subscriptions = SubscriptionsRepository(session)
        self.posts = TeamPostsRepository(session)
        self.replies = TeamRepliesRepository(session)
