"""SQLAlchemy 2.0 typed models: people, their answers and reflections, their plan, deliveries."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

from storage.crypto import PrivateText
from storage.install_tables import add_install_tables


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Stores aware datetimes as UTC and always returns them aware (SQLite drops the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Workspace(Base):
    """A Slack workspace (team), or the local terminal pseudo-workspace."""

    __tablename__ = "workspaces"
    __table_args__ = (UniqueConstraint("platform", "external_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(16))
    external_id: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Set when the workspace uninstalls Lantern or revokes its token: nothing is sent there
    # from then on, and its data is deleted once the retention period has passed.
    uninstalled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class Person(Base):
    """Someone the coach talks to, identified by their platform user id within a workspace."""

    __tablename__ = "people"
    __table_args__ = (UniqueConstraint("workspace_id", "external_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    external_id: Mapped[str] = mapped_column(String(64))
    time_zone: Mapped[str | None] = mapped_column(String(64))
    active_flow: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Working hours, local to `time_zone`: nudges arrive only then. Days are ISO weekday
    # numbers (1 = Monday); the days not listed are the person's quiet days.
    work_days: Mapped[str] = mapped_column(String(16), default="12345", server_default="12345")
    work_start_minute: Mapped[int] = mapped_column(default=540, server_default="540")
    work_end_minute: Mapped[int] = mapped_column(default=1020, server_default="1020")
    # "each": one nudge per relationship when due; "daily" / "weekly": one digest instead.
    nudge_mode: Mapped[str] = mapped_column(String(8), default="each", server_default="each")
    # Set when the platform says the person cannot be reached (left, deactivated, blocked):
    # nothing more is sent until they talk to the coach again.
    unreachable_since: Mapped[datetime | None] = mapped_column(UTCDateTime())
    unreachable_reason: Mapped[str | None] = mapped_column(String(64))
    # A workspace admin or owner, as the platform last said (it may manage any channel's
    # team prompts); refreshed whenever the platform tells.
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    workspace: Mapped[Workspace] = relationship()


class FlowProgress(Base):
    """Where a person is in one flow: its named state and the little data it carries."""

    __tablename__ = "flow_progress"
    __table_args__ = (UniqueConstraint("person_id", "flow_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    flow_id: Mapped[str] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(64))
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Answer(Base):
    """A person's latest answer to one toolkit question; earlier versions are revisions."""

    __tablename__ = "answers"
    __table_args__ = (UniqueConstraint("person_id", "step_id", "question_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    step_id: Mapped[str] = mapped_column(String(64))
    question_id: Mapped[str] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(PrivateText)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    revisions: Mapped[list[AnswerRevision]] = relationship(
        back_populates="answer", cascade="all, delete-orphan", order_by="AnswerRevision.id"
    )


class AnswerRevision(Base):
    """One saved version of an answer, oldest first; the last one equals the answer's text."""

    __tablename__ = "answer_revisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    answer_id: Mapped[int] = mapped_column(ForeignKey("answers.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(PrivateText)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    answer: Mapped[Answer] = relationship(back_populates="revisions")


class Reflection(Base):
    """A private reflection; `prompt` is the question it answers, empty for a free one."""

    __tablename__ = "reflections"
    __table_args__ = (Index("ix_reflections_person_created", "person_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    prompt: Mapped[str | None] = mapped_column(Text)
    text: Mapped[str] = mapped_column(PrivateText)
    source: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ProcessedEvent(Base):
    """An inbound event already handled, so a retried delivery stores nothing twice."""

    __tablename__ = "processed_events"
    __table_args__ = (UniqueConstraint("workspace_id", "event_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    event_id: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ChecklistTick(Base):
    """A process-checklist item a person has ticked off; no row means not ticked."""

    __tablename__ = "checklist_ticks"
    __table_args__ = (UniqueConstraint("person_id", "step_id", "item_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    step_id: Mapped[str] = mapped_column(String(64))
    item_id: Mapped[str] = mapped_column(String(64))
    ticked_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class WorkRecord(Base):
    """One record of a step's structured work (a habit on the continuum, a Venn item...)."""

    __tablename__ = "work_records"
    __table_args__ = (Index("ix_work_records_person_section", "person_id", "section_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    section_id: Mapped[str] = mapped_column(String(64))
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ToolkitReminder(Base):
    """A person's wish to be reminded to continue the toolkit, and when that is next due."""

    __tablename__ = "toolkit_reminders"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), unique=True)
    every_days: Mapped[int]
    next_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class RelationshipPlan(Base):
    """The worksheet's free-text parts of a person's plan: goals, and what's working."""

    __tablename__ = "relationship_plans"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), unique=True)
    personal_goals: Mapped[str | None] = mapped_column(Text)
    team_goals: Mapped[str | None] = mapped_column(Text)
    working_well: Mapped[str | None] = mapped_column(Text)
    could_improve: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Relationship(Base):
    """A key relationship in a person's plan: who, how often, how, and how success shows."""

    __tablename__ = "relationships"
    __table_args__ = (Index("ix_relationships_person_id", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(16))  # "person" or "organisation"
    # A constituency or partner-kind id from the content, or "other" with the person's label.
    constituency: Mapped[str] = mapped_column(String(64))
    constituency_label: Mapped[str | None] = mapped_column(String(80))
    cadence: Mapped[str] = mapped_column(String(16))  # weekly|fortnightly|monthly|quarterly|days
    cadence_days: Mapped[int | None]  # for "days": every N days
    strategies: Mapped[str | None] = mapped_column(Text)
    success_measures: Mapped[list[str]] = mapped_column(JSON, default=list)
    paused: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_checkin_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # When the next nudge is due (UTC, inside working hours); None while paused.
    next_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_nudged_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class MaturityRating(Base):
    """One rating of a partnership's maturity (1-10) and the stage's indicators ticked."""

    __tablename__ = "maturity_ratings"

    id: Mapped[int] = mapped_column(primary_key=True)
    relationship_id: Mapped[int] = mapped_column(
        ForeignKey("relationships.id", ondelete="CASCADE"), index=True
    )
    score: Mapped[int]
    stage_id: Mapped[str] = mapped_column(String(32))
    indicators: Mapped[list[str]] = mapped_column(JSON, default=list)
    rated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class CheckIn(Base):
    """A conversation logged with one relationship: when, how it went, what it served."""

    __tablename__ = "checkins"
    __table_args__ = (
        Index("ix_checkins_person_happened", "person_id", "happened_on"),
        Index("ix_checkins_relationship_happened", "relationship_id", "happened_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    relationship_id: Mapped[int] = mapped_column(ForeignKey("relationships.id", ondelete="CASCADE"))
    happened_on: Mapped[date] = mapped_column(Date)
    went: Mapped[str | None] = mapped_column(String(16))  # well | mixed | difficult
    notes: Mapped[str | None] = mapped_column(PrivateText)
    measures: Mapped[list[str]] = mapped_column(JSON, default=list)
    source: Mapped[str] = mapped_column(String(16))  # form | quick | nudge
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ActionItem(Base):
    """A next step of the action plan: what, who, when; reminded when due, until done."""

    __tablename__ = "action_items"
    __table_args__ = (Index("ix_action_items_person_id", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    what: Mapped[str] = mapped_column(Text)
    who: Mapped[str | None] = mapped_column(String(200))
    due_on: Mapped[date] = mapped_column(Date)
    source: Mapped[str] = mapped_column(String(16))  # plan | toolkit
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    next_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime())


class PersonSchedule(Base):
    """A person-level message on a schedule: the nudge digest, the weekly balance summary."""

    __tablename__ = "person_schedules"
    __table_args__ = (UniqueConstraint("person_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))  # digest | balance | reassess
    next_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime())


class Delivery(Base):
    """One scheduled message for one occurrence: written before the send, so none goes twice."""

    __tablename__ = "deliveries"
    __table_args__ = (
        UniqueConstraint("kind", "item_id", "occurrence"),
        Index("ix_deliveries_person_id", "person_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # nudge | action | digest | balance | toolkit
    item_id: Mapped[int]
    occurrence: Mapped[str] = mapped_column(String(40))  # the due time it answers, ISO 8601
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(16))  # pending | sent | retrying | undeliverable
    attempts: Mapped[int] = mapped_column(default=0)
    message_ts: Mapped[str | None] = mapped_column(String(32))
    error: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class TeamSubscription(Base):
    """A channel's weekly leadership prompt: when it is posted, from which themes, who manages it.

    `person_id` is the subscriber: they may change it (as may a workspace admin) and are told if
    it pauses itself. `status` is active, paused or unsubscribed; only an active one has a due
    time. `paused_reason` is empty when a person paused it, else why it paused itself (the bot
    was removed, the channel archived); `notice_pending` while the subscriber is still to be
    told so, which the worker does once, through the same due time.
    """

    __tablename__ = "team_subscriptions"
    __table_args__ = (UniqueConstraint("workspace_id", "channel_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    channel_id: Mapped[str] = mapped_column(String(32))
    channel_name: Mapped[str | None] = mapped_column(String(255))
    # Empty once the subscriber asked Lantern to forget them: the prompt was stopped then, and
    # anyone in the channel may start it again.
    person_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="SET NULL"), index=True
    )
    weekday: Mapped[int]  # ISO weekday, 1 = Monday
    post_minute: Mapped[int]  # minutes after local midnight
    time_zone: Mapped[str] = mapped_column(String(64))
    themes: Mapped[list[str]] = mapped_column(JSON, default=list)  # empty: every theme
    status: Mapped[str] = mapped_column(String(16), default="active")
    paused_reason: Mapped[str | None] = mapped_column(String(32))
    notice_pending: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    next_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime())


class TeamPost(Base):
    """One week's prompt in a channel: which prompt, for which due time, and its message id
    once posted (a row without one is a post on its way, or one that never went out)."""

    __tablename__ = "team_posts"
    __table_args__ = (
        UniqueConstraint("subscription_id", "occurrence"),
        Index("ix_team_posts_message_ts", "message_ts"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    subscription_id: Mapped[int] = mapped_column(
        ForeignKey("team_subscriptions.id", ondelete="CASCADE")
    )
    occurrence: Mapped[str] = mapped_column(String(40))  # the due time it answers, ISO 8601
    prompt_id: Mapped[str] = mapped_column(String(120))
    theme: Mapped[str] = mapped_column(String(200))
    questions: Mapped[str] = mapped_column(Text)  # as posted, one per line
    message_ts: Mapped[str | None] = mapped_column(String(32))
    posted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class TeamReply(Base):
    """A reply in a prompt's thread, kept as a team reflection: who, when, which prompt.

    `message_ts` is the reply's own id on the platform, which its edit or deletion names;
    `version_ts` the platform's time of the version kept (an edit older than it is stale). A
    deleted reply keeps only its ids (`deleted_at`, empty text), so a late retry of the event
    that first brought it cannot bring it back."""

    __tablename__ = "team_replies"
    __table_args__ = (
        UniqueConstraint("post_id", "message_ts"),
        Index("ix_team_replies_person_id", "person_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("team_posts.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    message_ts: Mapped[str] = mapped_column(String(32))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    version_ts: Mapped[str | None] = mapped_column(String(32))
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class SelfAssessment(Base):
    """One self-assessment (leadership, competencies, community engagement) a person took.

    `answers` maps each item id to its rating (None: skipped); `indicators` maps a stage item
    to the indicators ticked. A row without `finished_at` is in progress: it is resumed, and
    joins the history only once finished. A person has at most one in progress per kind.
    """

    __tablename__ = "self_assessments"
    __table_args__ = (
        Index("ix_self_assessments_person_kind", "person_id", "kind"),
        # One in progress per person and kind, even when two turns race to start one.
        Index(
            "uq_self_assessments_in_progress",
            "person_id",
            "kind",
            unique=True,
            sqlite_where=text("finished_at IS NULL"),
            postgresql_where=text("finished_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(32))
    answers: Mapped[dict[str, int | None]] = mapped_column(JSON, default=dict)
    indicators: Mapped[dict[str, list[str]]] = mapped_column(JSON, default=dict)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


add_install_tables(Base.metadata)


class InboxTurn(Base):
    """Something a person did, kept from the moment it arrives until its turn is taken.

    The platform is acknowledged only once the row is here, so a process that dies after the
    ack loses nothing: any process takes the row after its lease. `id` is the arrival order,
    and a person's rows are taken strictly in that order. The row is deleted in the same
    transaction as its turn, so a turn is kept exactly once. `person_key` names the person
    on their platform (they may have no `people` row yet).
    """

    __tablename__ = "inbox"
    __table_args__ = (Index("ix_inbox_person_key_id", "person_key", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_key: Mapped[str] = mapped_column(String(200))
    platform: Mapped[str] = mapped_column(String(16))
    inbound: Mapped[str] = mapped_column(PrivateText)  # the neutral Inbound, as JSON
    reply_to: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # the adapter's address
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    claim_token: Mapped[str | None] = mapped_column(String(32))
    attempts: Mapped[int] = mapped_column(default=0)


class OutboxMessage(Base):
    """Replies a turn decided, kept in the turn's own transaction and sent after it.

    A person's messages go out one row at a time in `id` order; `sent_count` is how many of
    the row's replies are already out, so a retry after a failure or a crash goes on from
    there. A form (`kind` "form") opens on its own, ahead of the queue, before `deadline`
    (when its trigger expires); the row is deleted once everything in it is out.
    """

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_person_key_id", "person_key", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_key: Mapped[str] = mapped_column(String(200))
    platform: Mapped[str] = mapped_column(String(16))
    workspace_external_id: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(16))  # messages | form | private | home
    address: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    payload: Mapped[str] = mapped_column(PrivateText)  # the neutral replies, as JSON
    sent_count: Mapped[int] = mapped_column(default=0)
    deadline: Mapped[datetime | None] = mapped_column(UTCDateTime())
    not_before: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    claim_token: Mapped[str | None] = mapped_column(String(32))
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(String(200))


class FormDraft(Base):
    """What a person has answered so far in a form they have not submitted (a check-in, an
    assessment page): kept as each field is given, offered back when the form opens again."""

    __tablename__ = "form_drafts"
    __table_args__ = (UniqueConstraint("person_id", "form_id", "context"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    form_id: Mapped[str] = mapped_column(String(64))
    # Which one of the form (a relationship's id, an assessment's start): Slack's
    # private_metadata, at most 3000 characters; longer contexts are kept by a digest.
    context: Mapped[str] = mapped_column(String(200))
    answers: Mapped[str] = mapped_column(PrivateText)  # the field values, as a JSON object
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
