"""Models of the four source documents transcribed into content/data (seeds 000, 001, 002, 004).

Wording lives in the YAML files; these models only give it shape, check cross-references by
id and offer small typed lookups.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol, TypeVar

from pydantic import ConfigDict, Field, model_validator

from content.base import Adaptable, ContentModel, Slug, Text


class _Identified(Protocol):
    @property
    def id(self) -> str: ...


_T = TypeVar("_T", bound=_Identified)


def _by_id(items: Iterable[_T], ident: str) -> _T:
    for item in items:
        if item.id == ident:
            return item
    raise KeyError(ident)


class ReflectionPrompt(ContentModel):
    """A daily-reflection question written for Lantern, tied by id to one item of its file."""

    about: Slug
    text: Text


def _check_prompts_about(prompts: Iterable[ReflectionPrompt], known: set[str]) -> None:
    for prompt in prompts:
        if prompt.about not in known:
            raise ValueError(f"reflection prompt is about unknown id {prompt.about!r}")


class _WithReflectionPrompts(ContentModel):
    """Base for files that carry `reflection_prompts:`; the field is `prompts` in Python."""

    model_config = ConfigDict(validate_by_name=True, validate_by_alias=True)

    prompts: tuple[ReflectionPrompt, ...] = Field(alias="reflection_prompts", min_length=1)

    def reflection_prompts(self) -> tuple[str, ...]:
        """The wording of the reflection prompts, in file order."""
        return tuple(prompt.text for prompt in self.prompts)

    def prompts_about(self, ident: str) -> tuple[str, ...]:
        """The wording of the reflection prompts about one item."""
        return tuple(prompt.text for prompt in self.prompts if prompt.about == ident)


# --- Seed 000: a library leader's model -------------------------------------------------


class WorkHalf(ContentModel):
    """One half of "A Leader's Work": its description and its "My work with..." items."""

    id: Slug
    name: Text
    description: Text
    items_heading: Text
    items: tuple[Text, ...] = Field(min_length=1)


class LeadersWork(ContentModel):
    """ "A Leader's Work": the opening commitments and its two halves."""

    heading: Text
    lead_in: Text
    commitments: tuple[Text, ...] = Field(min_length=1)
    halves: tuple[WorkHalf, ...] = Field(min_length=2, max_length=2)


class Ability(ContentModel):
    """A leadership ability of "How We Lead": what it allows us, then how it is practised."""

    id: Slug
    number: int = Field(ge=1)
    name: Text
    definition: Text
    detail: Text

    def full_text(self) -> str:
        """The ability's whole description, as the source's two paragraphs."""
        return f"{self.definition}\n\n{self.detail}"


class HowWeLead(ContentModel):
    """ "How We Lead": the commitment and the numbered leadership abilities."""

    heading: Text
    intro: Text
    abilities: tuple[Ability, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _numbered_in_order(self) -> HowWeLead:
        numbers = [ability.number for ability in self.abilities]
        if numbers != list(range(1, len(numbers) + 1)):
            raise ValueError(f"abilities must be numbered 1..n in order, found {numbers}")
        return self


class Term(ContentModel):
    """One term of a pair (e.g. "Service") and the source's description of it."""

    id: Slug
    name: Text
    description: Text


class ValuePair(ContentModel):
    """A pair such as "Service + Privacy"; `paradox` holds the source's note where it has one."""

    id: Slug
    name: Text
    paradox: Text | None = None
    terms: tuple[Term, Term]

    @property
    def is_paradox(self) -> bool:
        """Whether the source marks the pair as a paradox to hold both ways at once."""
        return self.paradox is not None


class ValueGroup(ContentModel):
    """A group of pairs: "Core Responsibilities" or "Values"."""

    id: Slug
    heading: Text
    pairs: tuple[ValuePair, ...] = Field(min_length=1)


class OurValues(ContentModel):
    """ "With Concern for Our Values": core responsibilities and values, as pairs."""

    heading: Text
    groups: tuple[ValueGroup, ...] = Field(min_length=1)


class DesignStep(ContentModel):
    """A coloured step of the linkages-and-progression design note."""

    id: Slug
    number: int = Field(ge=1)
    colour: Text
    meaning: Text


class DesignNote(ContentModel):
    """A note of the source's "Design notes", with its coloured steps where it has them."""

    id: Slug
    text: Text
    steps: tuple[DesignStep, ...] = ()


class DesignNotes(ContentModel):
    """The source's closing design notes."""

    heading: Text
    notes: tuple[DesignNote, ...] = Field(min_length=1)


class LeadershipModel(_WithReflectionPrompts):
    """The library leader's model: A Leader's Work, How We Lead, values, design notes."""

    key_terms_note: Text
    leaders_work: LeadersWork
    how_we_lead: HowWeLead
    our_values: OurValues
    design_notes: DesignNotes

    @model_validator(mode="after")
    def _prompts_name_known_items(self) -> LeadershipModel:
        known = {half.id for half in self.leaders_work.halves}
        known |= {ability.id for ability in self.how_we_lead.abilities}
        for pair in self.value_pairs():
            known.add(pair.id)
            known |= {term.id for term in pair.terms}
        _check_prompts_about(self.prompts, known)
        return self

    def abilities(self) -> tuple[Ability, ...]:
        """The leadership abilities in source order."""
        return self.how_we_lead.abilities

    def ability(self, ident: str) -> Ability:
        """The leadership ability with this id; KeyError if there is none."""
        return _by_id(self.how_we_lead.abilities, ident)

    def half(self, ident: str) -> WorkHalf:
        """The half of A Leader's Work with this id; KeyError if there is none."""
        return _by_id(self.leaders_work.halves, ident)

    def group(self, ident: str) -> ValueGroup:
        """The group of pairs ("core-responsibilities" or "values"); KeyError if unknown."""
        return _by_id(self.our_values.groups, ident)

    def value_pairs(self) -> tuple[ValuePair, ...]:
        """Every pair, core responsibilities first, in source order."""
        return tuple(pair for group in self.our_values.groups for pair in group.pairs)

    def value_pair(self, ident: str) -> ValuePair:
        """The pair with this id; KeyError if there is none."""
        return _by_id(self.value_pairs(), ident)

    def paradox_pairs(self) -> tuple[ValuePair, ...]:
        """The pairs the source marks as paradoxes."""
        return tuple(pair for pair in self.value_pairs() if pair.is_paradox)

    def term(self, ident: str) -> Term:
        """A single term of a pair (e.g. "privacy"); KeyError if there is none."""
        return _by_id((term for pair in self.value_pairs() for term in pair.terms), ident)


# --- Seed 001: library leadership training logic model ----------------------------------


class LogicColumn(ContentModel):
    """A column (or part of one) of the logic model: a heading and its items."""

    id: Slug
    heading: Text
    timing: Text | None = None
    items: tuple[Text, ...] = Field(min_length=1)


class Outputs(ContentModel):
    """The logic model's outputs: activities and participation."""

    heading: Text
    activities: LogicColumn
    participation: LogicColumn


class Outcomes(ContentModel):
    """The logic model's outcomes: short, medium and long term."""

    heading: Text
    short_term: LogicColumn
    medium_term: LogicColumn
    long_term: LogicColumn


class LogicModel(ContentModel):
    """The Nexus Project logic model: introduction, situation, inputs, outputs, outcomes."""

    title: Text
    introduction: tuple[Text, ...] = Field(min_length=1)
    situation: LogicColumn
    inputs: LogicColumn
    outputs: Outputs
    outcomes: Outcomes


class Competency(ContentModel):
    """A leadership competency; the LDIA list gives names only, so `definition` may be empty."""

    id: Slug
    name: Text
    definition: Text | None = None


class CompetencySet(ContentModel):
    """A list of competencies as the source groups them (the core set; the LDIA report's)."""

    id: Slug
    heading: Text | None = None
    competencies: tuple[Competency, ...] = Field(min_length=1)


class CompetencyModel(_WithReflectionPrompts):
    """The logic model and the competencies its short-term outcomes anticipate."""

    logic_model: LogicModel
    competency_sets: tuple[CompetencySet, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _prompts_name_known_competencies(self) -> CompetencyModel:
        _check_prompts_about(self.prompts, {c.id for c in self.competencies()})
        return self

    def competencies(self) -> tuple[Competency, ...]:
        """Every competency, set by set, in source order."""
        return tuple(c for s in self.competency_sets for c in s.competencies)

    def competency(self, ident: str) -> Competency:
        """The competency with this id; KeyError if there is none."""
        return _by_id(self.competencies(), ident)

    def competency_set(self, ident: str) -> CompetencySet:
        """The set with this id ("core-set" or "ldia"); KeyError if there is none."""
        return _by_id(self.competency_sets, ident)


# --- Seed 002: community engagement and relationship-building rubric --------------------

MIN_SCORE = 1
MAX_SCORE = 10


class ScoreRange(ContentModel):
    """The scores, inclusive, that place a relationship in a stage."""

    min: int = Field(ge=MIN_SCORE, le=MAX_SCORE)
    max: int = Field(ge=MIN_SCORE, le=MAX_SCORE)

    @model_validator(mode="after")
    def _ordered(self) -> ScoreRange:
        if self.min > self.max:
            raise ValueError(f"score range {self.min}-{self.max} is empty")
        return self

    def __contains__(self, score: object) -> bool:
        return isinstance(score, int) and self.min <= score <= self.max


class PartnerKind(ContentModel):
    """A kind of community partner the rubric rates the library's relationship with."""

    id: Slug
    name: Text


class Indicator(ContentModel):
    """One indicator that a relationship has reached the stage's end goal."""

    id: Slug
    text: Text


class RubricEntry(ContentModel):
    """One stage x partner kind cell: its end goal and its indicators."""

    id: Slug
    partner_kind: Slug
    end_goal: Text
    indicators: tuple[Indicator, ...] = Field(min_length=1)


class Stage(ContentModel):
    """A maturity stage (Aware, Intentional, Purposeful) and its score range."""

    id: Slug
    name: Text
    score: ScoreRange
    entries: tuple[RubricEntry, ...] = Field(min_length=1)

    def entry(self, partner_kind: str) -> RubricEntry:
        """This stage's cell for a partner kind; KeyError if there is none."""
        for entry in self.entries:
            if entry.partner_kind == partner_kind:
                return entry
        raise KeyError(partner_kind)


class EngagementRubric(ContentModel):
    """The rubric: maturity stages, partner kinds, and an end goal per stage and kind."""

    title: Text
    partner_kinds: tuple[PartnerKind, ...] = Field(min_length=1)
    stages: tuple[Stage, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _every_stage_covers_every_partner_kind(self) -> EngagementRubric:
        kinds = [kind.id for kind in self.partner_kinds]
        for stage in self.stages:
            named = [entry.partner_kind for entry in stage.entries]
            unknown = sorted(set(named) - set(kinds))
            if unknown:
                raise ValueError(f"stage {stage.id!r} names unknown partner kinds {unknown}")
            if sorted(named) != sorted(kinds):
                raise ValueError(
                    f"stage {stage.id!r} must have exactly one entry per partner kind "
                    f"{kinds}, found {named}"
                )
        return self

    @model_validator(mode="after")
    def _scores_contiguous(self) -> EngagementRubric:
        expected = MIN_SCORE
        for stage in self.stages:
            if stage.score.min != expected:
                raise ValueError(
                    f"stage {stage.id!r} starts at {stage.score.min}, expected {expected}"
                )
            expected = stage.score.max + 1
        if expected != MAX_SCORE + 1:
            raise ValueError(f"stages end at {expected - 1}, expected {MAX_SCORE}")
        return self

    def stage(self, ident: str) -> Stage:
        """The stage with this id; KeyError if there is none."""
        return _by_id(self.stages, ident)

    def partner_kind(self, ident: str) -> PartnerKind:
        """The partner kind with this id; KeyError if there is none."""
        return _by_id(self.partner_kinds, ident)

    def stage_for_score(self, score: int) -> Stage:
        """The stage a 1-10 score falls in; ValueError outside the rubric's range."""
        for stage in self.stages:
            if score in stage.score:
                return stage
        raise ValueError(f"score must be {MIN_SCORE}-{MAX_SCORE}, got {score!r}")

    def entry(self, stage: str, partner_kind: str) -> RubricEntry:
        """The cell for a stage and partner kind; KeyError if either is unknown."""
        self.partner_kind(partner_kind)
        return self.stage(stage).entry(partner_kind)


# --- Seed 004: "Responding to All" worksheet ---------------------------------------------


class WorksheetPrompt(Adaptable):
    """A question or field of the worksheet the person writes an answer to."""

    id: Slug
    text: Text


class WorksheetSection(Adaptable):
    """A worksheet section: a heading, the source's framing, and its prompts."""

    id: Slug
    heading: Text
    intro: Text | None = None
    prompts: tuple[WorksheetPrompt, ...] = Field(min_length=1)


class Reading(ContentModel):
    """A post of the blog series the worksheet lists; `url` stays empty (the source has none)."""

    id: Slug
    title: Text
    url: str | None = None


class Constituency(ContentModel):
    """A key constituency a library director manages a relationship with."""

    id: Slug
    name: Text
    readings: tuple[Slug, ...] = ()


class KeyConstituencies(ContentModel):
    """ "Deeper Understanding of 5 Key Constituencies": the blog series and the five."""

    id: Slug
    heading: Text
    intro: Text
    readings: tuple[Reading, ...] = Field(min_length=1)
    constituencies: tuple[Constituency, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _readings_known(self) -> KeyConstituencies:
        known = {reading.id for reading in self.readings}
        for constituency in self.constituencies:
            for ref in constituency.readings:
                if ref not in known:
                    raise ValueError(
                        f"constituency {constituency.id!r} names unknown reading {ref!r}"
                    )
        return self


class Characteristic(ContentModel):
    """A characteristic of a learning organization, to check or circle."""

    id: Slug
    text: Text


class LearningOrganization(ContentModel):
    """ "Thriving as a Learning Organization": the characteristics checklist."""

    id: Slug
    heading: Text
    intro: Text
    characteristics: tuple[Characteristic, ...] = Field(min_length=1)


class PlanColumn(ContentModel):
    """A column of a plan the person fills in (e.g. "frequencies", "who")."""

    id: Slug
    name: Text


class RelationshipPlan(Adaptable):
    """ "Relationship Management Planning": the plan's columns and the questions after it."""

    id: Slug
    heading: Text
    intro: Text
    columns: tuple[PlanColumn, ...] = Field(min_length=1)
    prompts: tuple[WorksheetPrompt, ...] = Field(min_length=1)


class ActionPlan(ContentModel):
    """The closing action plan: its instructions and columns."""

    id: Slug
    heading: Text
    instructions: Text
    columns: tuple[PlanColumn, ...] = Field(min_length=1)


class RelationshipWorksheet(ContentModel):
    """The "Responding to All" webinar worksheet, section by section."""

    title: Text
    url: str | None = None
    event_description: Text
    presenters: tuple[Text, ...] = Field(min_length=1)
    goals: WorksheetSection
    whats_working: WorksheetSection
    key_constituencies: KeyConstituencies
    learning_organization: LearningOrganization
    mind_map: WorksheetSection
    relationship_plan: RelationshipPlan
    action_plan: ActionPlan

    def constituencies(self) -> tuple[Constituency, ...]:
        """The five key constituencies in source order."""
        return self.key_constituencies.constituencies

    def constituency(self, ident: str) -> Constituency:
        """The constituency with this id; KeyError if there is none."""
        return _by_id(self.key_constituencies.constituencies, ident)

    def readings_for(self, ident: str) -> tuple[Reading, ...]:
        """The blog posts about one constituency, in the order it names them."""
        refs = self.constituency(ident).readings
        return tuple(_by_id(self.key_constituencies.readings, ref) for ref in refs)

    def prompts(self) -> tuple[WorksheetPrompt, ...]:
        """Every question the person answers, in worksheet order."""
        return (
            self.goals.prompts
            + self.whats_working.prompts
            + self.mind_map.prompts
            + self.relationship_plan.prompts
        )

    def prompt(self, ident: str) -> WorksheetPrompt:
        """The worksheet prompt with this id; KeyError if there is none."""
        return _by_id(self.prompts(), ident)
