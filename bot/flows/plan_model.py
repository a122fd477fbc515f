"""The relationship plan as flows see it (read-only views) and change it (effects)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from bot.core.effects import Effect

# ----- views: what a flow reads -------------------------------------------------------------


@dataclass(frozen=True)
class PlanView:
    personal_goals: str | None
    team_goals: str | None
    working_well: str | None
    could_improve: str | None


@dataclass(frozen=True)
class RatingView:
    score: int
    stage_id: str
    indicators: tuple[str, ...]
    rated_at: datetime


@dataclass(frozen=True)
class CheckInView:
    id: int
    relationship_id: int
    happened_on: date
    went: str | None
    notes: str | None
    measures: tuple[str, ...]
    source: str
    created_at: datetime


@dataclass(frozen=True)
class RelationshipView:
    id: int
    name: str
    kind: str  # person | organisation
    constituency: str  # a constituency or partner-kind id, or "other"
    constituency_label: str | None  # the person's own words, for "other"
    cadence: str  # weekly | fortnightly | monthly | quarterly | days
    cadence_days: int | None
    strategies: str | None
    success_measures: tuple[str, ...]
    paused: bool
    created_at: datetime
    last_checkin_at: datetime | None
    next_due_at: datetime | None
    rating: RatingView | None  # the latest maturity rating, for partners
    last_nudged_at: datetime | None = None  # the next due time counts from it too


@dataclass(frozen=True)
class ActionItemView:
    id: int
    what: str
    who: str | None
    due_on: date
    source: str  # plan | toolkit
    done_at: datetime | None


@dataclass(frozen=True)
class NudgeSettingsView:
    time_zone: str | None
    work_days: frozenset[int]  # ISO weekdays, 1 = Monday
    start_minute: int
    end_minute: int
    nudge_mode: str  # each | daily | weekly
    balance_summary: bool  # the weekly balance summary is on
    digest_due_at: datetime | None = None  # when the next digest falls due (a digest mode)


# ----- effects: what a flow asks the engine to store -----------------------------------------


@dataclass(frozen=True)
class SavePlan(Effect):
    personal_goals: str | None
    team_goals: str | None
    working_well: str | None
    could_improve: str | None


@dataclass(frozen=True)
class SaveRelationship(Effect):
    """Add a relationship (`relationship_id` None) or change one of the person's own."""

    relationship_id: int | None
    name: str
    kind: str
    constituency: str
    constituency_label: str | None
    cadence: str
    cadence_days: int | None
    strategies: str | None
    success_measures: tuple[str, ...]


@dataclass(frozen=True)
class SetRelationshipPaused(Effect):
    relationship_id: int
    paused: bool


@dataclass(frozen=True)
class RemoveRelationship(Effect):
    relationship_id: int


@dataclass(frozen=True)
class RateMaturity(Effect):
    relationship_id: int
    score: int
    stage_id: str
    indicators: tuple[str, ...]


@dataclass(frozen=True)
class LogCheckIn(Effect):
    """Log a check-in; the relationship's next due time starts again from it."""

    relationship_id: int
    happened_on: date
    went: str | None
    notes: str | None
    measures: tuple[str, ...]
    source: str  # form | quick | nudge


@dataclass(frozen=True)
class UndoCheckIn(Effect):
    """Take back a check-in just logged, named by its relationship and the moment it was
    logged (the turn's `now`, which the engine stores as its `created_at`); the relationship's
    due time is worked out again from the check-in before it."""

    relationship_id: int
    logged_at: datetime


@dataclass(frozen=True)
class SnoozeRelationship(Effect):
    """No nudge before the working start of `until` (a local date)."""

    relationship_id: int
    until: date


@dataclass(frozen=True)
class SkipRelationship(Effect):
    """Skip this occurrence: the next nudge is one cadence from today."""

    relationship_id: int


@dataclass(frozen=True)
class SaveActionItem(Effect):
    """Add an action item (`action_id` None) or change one of the person's own."""

    action_id: int | None
    what: str
    who: str | None
    due_on: date
    source: str  # plan | toolkit


@dataclass(frozen=True)
class SetActionDone(Effect):
    action_id: int
    done: bool


@dataclass(frozen=True)
class RemoveActionItem(Effect):
    action_id: int


@dataclass(frozen=True)
class SaveNudgeSettings(Effect):
    work_days: frozenset[int]
    start_minute: int
    end_minute: int
    nudge_mode: str
    balance_summary: bool
    time_zone: str | None = None  # a new IANA zone for the person (None: unchanged)


@dataclass(frozen=True)
class DigestShown(Effect):
    """The digest was shown where the worker cannot send it (the terminal): the next one is
    due a day or a week on, as if it had been sent."""


PlanEffect = (
    SavePlan
    | SaveRelationship
    | SetRelationshipPaused
    | RemoveRelationship
    | RateMaturity
    | LogCheckIn
    | UndoCheckIn
    | SnoozeRelationship
    | SkipRelationship
    | SaveActionItem
    | SetActionDone
    | RemoveActionItem
    | SaveNudgeSettings
    | DigestShown
)
