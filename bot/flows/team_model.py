"""A team channel's weekly prompt as flows see it (read-only views) and change it (effects)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.core.effects import Effect

STATUSES = ("active", "paused", "unsubscribed")
PAUSED_ITSELF_REASONS = ("removed", "archived", "restricted")
"""Why a subscription paused itself: the coach was removed from the channel, the channel was
archived (or deleted), or the coach may not post there."""


ONE_POST_A_WEEK = timedelta(days=6)
"""After a post, the next comes no sooner than this: a day or time changed (or a prompt
resumed) just after this week's post waits for next week instead of posting twice."""


def earliest_next_post(
    now: datetime, *, last_posted_at: datetime | None, posting_now: datetime | None
) -> datetime:
    """The moment from which a channel's next post is counted after its settings change or it
    resumes: now, but not within a week of the last post, nor of one on its way right now
    (`posting_now`: the due time of a post the worker holds)."""
    since = now
    for posted in (last_posted_at, posting_now):
        if posted is not None:
            since = max(since, posted + ONE_POST_A_WEEK)
    return since


@dataclass(frozen=True)
class SubscriptionView:
    id: int
    channel_id: str
    channel_name: str | None
    weekday: int  # ISO, 1 = Monday
    post_minute: int  # minutes after local midnight
    time_zone: str
    themes: tuple[str, ...]  # empty: every theme
    status: str  # active | paused | unsubscribed
    paused_reason: str | None  # None when a person paused it
    next_due_at: datetime | None
    managed_by_me: bool  # the person reading set it up
    last_posted_at: datetime | None = None
    posting_now: datetime | None = None  # the due time of a post on its way right now

    @property
    def label(self) -> str:
        """The channel's name as people know it, without its '#'."""
        return self.channel_name or self.channel_id


@dataclass(frozen=True)
class TeamReplyView:
    """Something the person said in a team prompt's thread, with the prompt it answered."""

    created_at: datetime
    channel: str
    theme: str
    questions: str
    text: str


# ----- effects: what a flow asks the engine to do ---------------------------------------------


@dataclass(frozen=True)
class SaveSubscription(Effect):
    """Set up the channel's weekly prompt, or change it; it is active afterwards, managed by
    whoever set it up first (a workspace admin's change keeps the subscriber)."""

    channel_id: str
    channel_name: str | None
    weekday: int
    post_minute: int
    time_zone: str
    themes: tuple[str, ...]


@dataclass(frozen=True)
class SetSubscriptionStatus(Effect):
    """Pause, resume or stop the channel's weekly prompt (`status` one of STATUSES)."""

    channel_id: str
    status: str


TeamEffect = SaveSubscription | SetSubscriptionStatus
