"""Self-assessments as flows see them (read-only views) and change them (effects)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from bot.core.effects import Effect


@dataclass(frozen=True)
class AssessmentRecordView:
    """One assessment a person took: its kind (content's assessment id), answers so far (item
    id to rating; None: skipped), ticked indicators per stage item, and when."""

    id: int
    kind: str
    answers: Mapping[str, int | None]
    indicators: Mapping[str, tuple[str, ...]]
    started_at: datetime
    updated_at: datetime
    finished_at: datetime | None


# ----- effects: what a flow asks the engine to do ---------------------------------------------


@dataclass(frozen=True)
class SaveAssessmentAnswers(Effect):
    """Answers for the person's assessment of this kind in progress (started if there is none);
    with `finish`, it is finished now and joins the history."""

    kind: str
    answers: Mapping[str, int | None]
    indicators: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    finish: bool = False


@dataclass(frozen=True)
class DiscardAssessment(Effect):
    """Throw away the assessment of this kind in progress (to start over)."""

    kind: str


@dataclass(frozen=True)
class SetReassessReminder(Effect):
    """A reminder to reassess every quarter (counted from the latest finished assessment), or
    none."""

    on: bool


AssessEffect = SaveAssessmentAnswers | DiscardAssessment | SetReassessReminder
