"""Plain data the pictures and the Reflection Guide are made from (no words of their own)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal


@dataclass(frozen=True)
class ContinuumItem:
    """A habit or attitude placed on the fixed-growth line: 0 is fixed, 10 is growth."""

    label: str
    position: float


@dataclass(frozen=True)
class ContinuumWords:
    title: str
    fixed: str
    growth: str
    off_the_line: str  # heading for habits that do not fit on the spectrum


@dataclass(frozen=True)
class VennItem:
    """An item placed in one, two or all three circles (by circle key)."""

    label: str
    circles: frozenset[str]


@dataclass(frozen=True)
class VennWords:
    title: str
    circles: tuple[tuple[str, str], ...]  # (key, label) for exactly three circles, in order


@dataclass(frozen=True)
class MapItem:
    """A sticky note on the collaboration map: a priority or a strength, aligned or not."""

    label: str
    kind: Literal["priority", "strength"]
    aligned: bool


@dataclass(frozen=True)
class MapWords:
    title: str
    priority: str  # legend label for priorities
    strength: str  # legend label for strengths
    margin: str  # label of the margin ("not clearly aligned")
    center: str | None = None  # the chosen area's title, shown in the centre when there is one
    # The four quadrants around the circle as (label, answer) pairs in the order Who, When, What,
    # Where (top-left, top-right, bottom-left, bottom-right); an empty answer shows the label only.
    # Empty: no quadrants are drawn.
    quadrants: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Picture:
    filename: str
    title: str
    png: bytes


@dataclass(frozen=True)
class GuideQuestion:
    question: str
    answer: str | None  # None: not answered (skipped or not reached)


@dataclass(frozen=True)
class GuideRecord:
    """One row of a step's structured work: (label, value) pairs in order."""

    fields: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class GuideWork:
    title: str
    records: tuple[GuideRecord, ...]


@dataclass(frozen=True)
class GuideStep:
    number: int
    guiding_question: str
    checklist: tuple[tuple[str, bool], ...]  # (item text, ticked)
    questions: tuple[GuideQuestion, ...]
    work: tuple[GuideWork, ...] = ()
    pictures: tuple[Picture, ...] = ()


@dataclass(frozen=True)
class GuideReflection:
    created_at: datetime
    prompt: str | None
    text: str


@dataclass(frozen=True)
class GuideAssessment:
    """A finished self-assessment: its title, when, and each item with the answer in words."""

    title: str
    finished_at: datetime
    lines: tuple[tuple[str, str], ...]
    highlights: tuple[str, ...] = ()  # the strongest areas and those to grow, in words
    pictures: tuple[Picture, ...] = ()  # its radar over the earlier ones


@dataclass(frozen=True)
class GuideWords:
    """Every heading and phrase the export prints, from content/data/coach.yaml."""

    title: str
    subtitle: str  # formatted with {name} and {date}
    step_heading: str  # formatted with {number} and {question}
    checklist_heading: str
    questions_heading: str
    not_answered: str
    work_heading: str
    pictures_heading: str
    reflections_heading: str
    no_reflections: str
    assessments_heading: str
    ticked: str  # marker for a ticked checklist item, e.g. "[x]"
    unticked: str  # e.g. "[ ]"
    data_note: str = ""  # under the title: where the rest of the person's data is (JSON)


@dataclass(frozen=True)
class ReflectionGuide:
    person: str
    generated_at: datetime
    steps: tuple[GuideStep, ...]
    reflections: tuple[GuideReflection, ...] = field(default_factory=tuple)
    assessments: tuple[GuideAssessment, ...] = field(default_factory=tuple)
