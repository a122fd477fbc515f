"""Model of the self-assessment (content/data/assessment.yaml), resolved from the sources."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import ClassVar, Literal, Self

from pydantic import Field, field_validator, model_validator

from content.base import ContentModel, Label, ModalTitle, Slug, Templates, Text
from content.sources import (
    CompetencyModel,
    EngagementRubric,
    LeadershipModel,
    RelationshipWorksheet,
    ValuePair,
    WorkHalf,
)
from content.toolkit import Toolkit

# The file holds the coach's own words and, per assessment, the source items it rates, named by
# id; the items' wording is drawn from the source content when it loads (resolve_assessments),
# never retyped. Item ids are stored with a person's ratings, so they are made only from source
# ids, which must not change once people have rated them:
#   abilities/<ability>/<half>   an ability of How We Lead for a half of A Leader's Work
#   values/<pair>                a pair of core responsibilities or values
#   values/<pair>/paradox        where the person sits between the terms of a paradox pair
#   competencies/<competency>    a competency
#   stage/<partner-kind>         the rubric's engagement stage with a kind of partner

LEADERSHIP = "leadership"
COMPETENCIES = "competencies"
COMMUNITY_ENGAGEMENT = "community-engagement"
ASSESSMENT_IDS = (LEADERSHIP, COMPETENCIES, COMMUNITY_ENGAGEMENT)
"""The three assessments, in the order they are offered; stored with each finished one."""

LABEL_MAX = 75
"""Slack's limit for a button's or an option's text, which item labels and points fill."""

ItemKind = Literal["rating", "position", "stage"]
"""rating: on the rating scale; position: between a paradox pair's terms (not a strength, so
not charted or ranked); stage: a 1-10 rubric score with the stage's indicators."""

LinkCategory = Literal["abilities", "values", "competencies", "partner_kinds"]


def capitalised(text: str) -> str:
    """A name that starts a line or label ("local govt" -> "Local govt"); the rest unchanged."""
    return text[:1].upper() + text[1:]


def _distinct(values: tuple[str, ...]) -> tuple[str, ...]:
    seen: set[str] = set()
    for index, value in enumerate(values):
        if value in seen:
            raise ValueError(f"[{index}] {value!r} is listed twice")
        seen.add(value)
    return values


# --- the coach's words ------------------------------------------------------------------------


class RatingPoint(ContentModel):
    """A point of the rating scale: its value, a short label and what it means."""

    value: int = Field(ge=0)
    label: Label
    hint: Label | None = None


class PositionPoint(Templates):
    """A point between a paradox pair's terms; the label may name them."""

    PLACEHOLDERS: ClassVar[Mapping[str, frozenset[str]]] = {
        "label": frozenset({"first", "second"}),
    }

    value: int = Field(ge=0)
    label: Label


def _consecutive(values: Sequence[int]) -> None:
    expected = list(range(1, len(values) + 1))
    if list(values) != expected:
        raise ValueError(f"points must be valued {expected} in order, found {list(values)}")


class _ScaleText(Templates):
    """A scale's points, valued 1..n in order, and how one reads ("4 — Consistent")."""

    PLACEHOLDERS: ClassVar[Mapping[str, frozenset[str]]] = {
        "point": frozenset({"value", "label"}),
    }

    point: Text


class RatingScaleText(_ScaleText):
    """The scale abilities, pairs and competencies are rated on (1..n)."""

    points: tuple[RatingPoint, ...] = Field(min_length=2)

    @model_validator(mode="after")
    def _valued_in_order(self) -> Self:
        _consecutive([p.value for p in self.points])
        return self


class PositionScaleText(_ScaleText):
    """Where a person sits between a paradox pair's two terms; the middle point holds both."""

    points: tuple[PositionPoint, ...] = Field(min_length=3)

    @model_validator(mode="after")
    def _valued_in_order_around_a_middle(self) -> Self:
        _consecutive([p.value for p in self.points])
        if len(self.points) % 2 == 0:
            raise ValueError(
                f"points needs an odd number of points (a middle one for both terms), "
                f"found {len(self.points)}"
            )
        return self


class LeadershipAssessmentText(Templates):
    """Assessment 1: the abilities for each half of A Leader's Work, then the value pairs."""

    PLACEHOLDERS: ClassVar[Mapping[str, frozenset[str]]] = {
        "ability_label": frozenset({"ability", "half"}),
        "ability_question": frozenset({"ability", "half"}),
        "ability_hint": frozenset({"definition", "detail"}),
        "ability_hint_again": frozenset({"ability", "half"}),
        "half_context": frozenset({"half", "description", "items_heading", "items"}),
        "half_item": frozenset({"item"}),
        "pair_label": frozenset({"pair"}),
        "pair_question": frozenset({"pair"}),
        "position_label": frozenset({"pair", "first", "second"}),
        "position_question": frozenset({"pair", "first", "second"}),
    }

    title: ModalTitle
    button: Label
    intro: Text
    abilities: tuple[Slug, ...] = Field(min_length=1)
    work_with: tuple[Slug, ...] = Field(min_length=1)
    values: tuple[Slug, ...] = Field(min_length=1)
    ability_label: Text
    ability_question: Text
    ability_hint: Text
    ability_hint_again: Text
    half_context: Text
    half_item: Text
    pair_label: Text
    pair_question: Text
    position_label: Text
    position_question: Text

    @field_validator("abilities", "work_with", "values")
    @classmethod
    def _listed_once(cls, values: tuple[str, ...]) -> tuple[str, ...]:
        return _distinct(values)


class CompetencyAssessmentText(Templates):
    """Assessment 2: the competencies, each with its definition where the source gives one."""

    PLACEHOLDERS: ClassVar[Mapping[str, frozenset[str]]] = {
        "label": frozenset({"competency"}),
        "question": frozenset({"competency"}),
    }

    title: ModalTitle
    button: Label
    intro: Text
    competencies: tuple[Slug, ...] = Field(min_length=1)
    label: Text
    question: Text
    no_definition: Text

    @field_validator("competencies")
    @classmethod
    def _listed_once(cls, values: tuple[str, ...]) -> tuple[str, ...]:
        return _distinct(values)


class StageAssessmentText(Templates):
    """Assessment 3: the rubric's stage (score 1-10) for each partner kind."""

    PLACEHOLDERS: ClassVar[Mapping[str, frozenset[str]]] = {
        "label": frozenset({"partner"}),
        "question": frozenset({"partner"}),
        "point": frozenset({"score", "stage"}),
        "stage_line": frozenset({"stage", "low", "high", "goal"}),
        "indicators_prompt": frozenset({"stage", "partner"}),
        "way_forward": frozenset({"stage", "goal"}),
        "last_stage": frozenset({"stage", "goal"}),
    }

    title: ModalTitle
    button: Label
    intro: Text
    partner_kinds: tuple[Slug, ...] = Field(min_length=1)
    label: Text
    question: Text
    point: Text
    stage_line: Text
    indicators_prompt: Text
    way_forward: Text
    last_stage: Text

    @field_validator("partner_kinds")
    @classmethod
    def _listed_once(cls, values: tuple[str, ...]) -> tuple[str, ...]:
        return _distinct(values)


class LinkRef(ContentModel):
    """What works on a growth area: reflection prompts, and a toolkit step or a plan group."""

    # "<file>/<id>": the reflection prompts of leadership.yaml or competencies.yaml about an id.
    prompt: Text = Field(pattern=r"^(leadership|competencies)/[a-z0-9][a-z0-9-]*$")
    step: Slug | None = None
    strategy: Slug | None = None

    @model_validator(mode="after")
    def _some_work(self) -> Self:
        if self.step is None and self.strategy is None:
            raise ValueError("give a toolkit step, a relationship strategy group, or both")
        return self


class Links(ContentModel):
    """A link for every area rated, by kind of area and source id."""

    abilities: dict[Slug, LinkRef]
    values: dict[Slug, LinkRef]
    competencies: dict[Slug, LinkRef]
    partner_kinds: dict[Slug, LinkRef]


class ResultsText(Templates):
    """What the coach says when an assessment is finished, and the radar chart's words."""

    PLACEHOLDERS: ClassVar[Mapping[str, frozenset[str]]] = {
        "heading": frozenset({"assessment", "date"}),
        "area_line": frozenset({"area", "rating"}),
        "mixed_rating": frozenset({"value", "max"}),
        "reflect_intro": frozenset({"area"}),
        "work_on_step": frozenset({"number", "name"}),
        "work_on_strategy": frozenset({"group"}),
        "work_on_relationship": frozenset({"name", "group"}),
        "chart_date": frozenset({"day", "month", "year"}),
        "chart_title": frozenset({"assessment", "date"}),
        "latest_legend": frozenset({"date"}),
        "previous_legend": frozenset({"date"}),
        "chart_alt": frozenset({"assessment", "date", "items"}),
        "alt_item": frozenset({"area", "value", "max"}),
    }

    heading: Text
    strongest: Text
    growth: Text
    area_line: Text
    mixed_rating: Text
    reflect: Label
    reflect_intro: Text
    work_on_step: Label
    work_on_strategy: Label
    work_on_relationship: Text
    chart_title: Text
    chart_date: Text
    latest_legend: Text
    previous_legend: Text
    chart_alt: Text
    alt_item: Text
    all_equal: Text
    nothing_rated: Text


class HistoryText(Templates):
    """/coach assess history: finished assessments, the one in progress, the trend chart."""

    PLACEHOLDERS: ClassVar[Mapping[str, frozenset[str]]] = {
        "line": frozenset({"assessment", "date"}),
        "in_progress": frozenset({"assessment", "answered", "total"}),
        "trend_title": frozenset({"assessment"}),
        "trend_alt": frozenset({"assessment", "items"}),
        "trend_alt_item": frozenset({"area", "first", "last", "count"}),
        "trend_alt_item_once": frozenset({"area", "last"}),
        "single_assessment": frozenset({"assessment"}),
    }

    heading: Text
    empty: Text
    line: Text
    in_progress: Text
    trend_title: Text
    trend_alt: Text
    trend_alt_item: Text
    trend_alt_item_once: Text
    single_assessment: Text


class ReminderText(Templates):
    """The quarterly reminder to reassess."""

    PLACEHOLDERS: ClassVar[Mapping[str, frozenset[str]]] = {
        "text": frozenset({"assessment", "date"}),
        "confirmed": frozenset({"date"}),
    }

    offer: Text
    text: Text
    first: Text
    set: Text
    confirmed: Text
    stopped: Text


class MenuText(Templates):
    """/coach assess: each assessment's state, and the reminder's."""

    PLACEHOLDERS: ClassVar[Mapping[str, frozenset[str]]] = {
        "in_progress": frozenset({"answered", "total"}),
        "finished": frozenset({"date", "count"}),
        "resume": frozenset({"label", "answered", "total"}),
        "restart_note": frozenset({"assessment", "answered", "total"}),
        "discard_question": frozenset({"assessment", "answered", "total"}),
        "discarded": frozenset({"assessment"}),
        "again_question": frozenset({"assessment"}),
    }

    not_started: Text
    in_progress: Text
    finished: Text
    resume: Text
    restart_note: Text
    discard_question: Text
    discarded: Text
    again_question: Text


class HomeText(Templates):
    """The App Home's section: each assessment's state and a button for what to do next."""

    PLACEHOLDERS: ClassVar[Mapping[str, frozenset[str]]] = {
        "line": frozenset({"assessment", "status"}),
        "button": frozenset({"label", "assessment"}),
    }

    heading: Text
    line: Text
    button: Text


class PagesText(Templates):
    """The forms an assessment is answered in, a page of questions at a time."""

    PLACEHOLDERS: ClassVar[Mapping[str, frozenset[str]]] = {
        "intro": frozenset({"assessment", "page", "pages"}),
        "legend_line": frozenset({"point", "hint"}),
        "saved": frozenset({"assessment", "page", "pages"}),
        "indicator_line": frozenset({"number", "text"}),
        "indicator_option": frozenset({"number", "text"}),
    }

    intro: Text
    skip_note: Text
    legend_line: Text
    saved: Text
    indicators_label: Text
    indicators_hint: Text
    indicator_line: Text
    indicator_option: Text


class ErrorsText(ContentModel):
    """Said under a field whose answer cannot be kept."""

    not_a_point: Text
    not_an_indicator: Text
    all_skipped: Text


class SummaryText(Templates):
    """An assessment's answers as lines of the person's export."""

    PLACEHOLDERS: ClassVar[Mapping[str, frozenset[str]]] = {
        "ticked": frozenset({"point", "indicators"}),
    }

    skipped: Text
    ticked: Text
    indicator_separator: str


class AssessmentButtons(ContentModel):
    """Button labels (Slack: 75 characters; a modal's submit button 24)."""

    start: Label
    resume: Label
    start_over: Label
    skip: Label
    next: Label
    submit: ModalTitle
    finish: Label
    results: Label
    history: Label
    reassess: Label
    discard: Label
    discard_confirm: Label
    keep: Label
    again: Label
    remind_quarterly: Label
    no_reminder: Label
    open: Label


class AssessmentText(Templates):
    """Everything the self-assessment says, and which source items each assessment rates."""

    title: ModalTitle
    intro: Text
    rating: RatingScaleText
    position: PositionScaleText
    leadership: LeadershipAssessmentText
    competencies: CompetencyAssessmentText
    community_engagement: StageAssessmentText
    links: Links
    menu: MenuText
    home: HomeText
    pages: PagesText
    errors: ErrorsText
    results: ResultsText
    history: HistoryText
    reminder: ReminderText
    summary: SummaryText
    buttons: AssessmentButtons


# --- resolved assessments ---------------------------------------------------------------------


@dataclass(frozen=True)
class ScalePoint:
    """One answer an item offers: its stored value and how it reads ("4 — Consistent")."""

    value: int
    label: str
    hint: str | None = None


@dataclass(frozen=True)
class Scale:
    """The answers an item offers, lowest first; values run from 1 up without gaps."""

    points: tuple[ScalePoint, ...]

    @property
    def min(self) -> int:
        return self.points[0].value

    @property
    def max(self) -> int:
        return self.points[-1].value

    def point(self, value: int) -> ScalePoint:
        """The point with this value; ValueError outside the scale."""
        for point in self.points:
            if point.value == value:
                return point
        raise ValueError(f"value must be {self.min}-{self.max}, got {value!r}")


@dataclass(frozen=True)
class ResolvedIndicator:
    """An indicator of the rubric to tick; `id` is the rubric's, stable for storing ticks."""

    id: str
    text: str


@dataclass(frozen=True)
class ResolvedStage:
    """A stage of the rubric for one partner kind, and the way forward from it."""

    id: str
    name: str
    low: int
    high: int
    end_goal: str
    indicators: tuple[ResolvedIndicator, ...]
    next_stage: str | None  # the next stage's id; None at the last stage
    way_forward: str  # the next stage's end goal, in the coach's words


@dataclass(frozen=True)
class GrowthLink:
    """What works on an area: reflection prompts, and a toolkit step and/or a plan group."""

    prompt_ref: str
    prompts: tuple[str, ...]
    step: str | None
    step_label: str | None
    strategy: str | None  # a constituency or partner kind id of the relationship plan
    strategy_label: str | None  # a button adding someone of that group to the plan
    strategy_name: str | None = None  # the group's name, capitalised to start a label


@dataclass(frozen=True)
class ResolvedItem:
    """One question of an assessment, with its wording drawn from the sources.

    `area` groups items that share a source item and its growth link (an ability's two
    ratings; a pair and its paradox position). `anchor` is the source's description the rating
    is anchored on; `detail` the source's further text where it has some. `hint` is what is
    shown under the question, on one line (the terminal italicises it as a whole): the anchor
    and detail, or for an area's next item only what differs from the one before it.
    `context` is text that items share, shown once above them (the half of A Leader's Work an
    ability is rated for: its description and its "My work with" items).
    """

    id: str
    kind: ItemKind
    area: str
    group: str | None
    label: str
    question: str
    anchor: str
    detail: str | None
    scale: Scale
    link: GrowthLink
    stages: tuple[ResolvedStage, ...] = ()
    hint: str = ""
    context: str | None = None

    @property
    def charted(self) -> bool:
        """Whether the item is a strength to chart and rank (a paradox position is not)."""
        return self.kind != "position"

    def stage_for(self, score: int) -> ResolvedStage:
        """The stage a score falls in (stage items only); ValueError otherwise."""
        for stage in self.stages:
            if stage.low <= score <= stage.high:
                return stage
        raise ValueError(f"{self.id}: no stage for score {score!r}")


@dataclass(frozen=True)
class ResolvedAssessment:
    """One of the three assessments, its items in the order they are asked."""

    id: str
    title: str
    button: str
    intro: str
    items: tuple[ResolvedItem, ...]

    def item(self, ident: str) -> ResolvedItem:
        """The item with this id; KeyError if there is none."""
        for item in self.items:
            if item.id == ident:
                return item
        raise KeyError(ident)

    def charted_items(self) -> tuple[ResolvedItem, ...]:
        """The items a radar or trend chart shows, in order."""
        return tuple(item for item in self.items if item.charted)


class AssessmentError(ValueError):
    """An assessment that does not resolve; `where` is its field in assessment.yaml."""

    def __init__(self, where: str, message: str) -> None:
        super().__init__(f"{where}: {message}")
        self.where = where
        self.message = message


def _fill(where: str, template: str, limit: int | None = None, **values: object) -> str:
    text = template.format(**values)
    if limit is not None and len(text) > limit:
        raise AssessmentError(
            where, f"{text!r} is longer than Slack's {limit} characters; shorten the wording"
        )
    return text


def _rating_scale(text: AssessmentText) -> Scale:
    scale = text.rating
    return Scale(
        tuple(
            ScalePoint(
                p.value,
                _fill(f"rating.points[{i}]", scale.point, LABEL_MAX, value=p.value, label=p.label),
                p.hint,
            )
            for i, p in enumerate(scale.points)
        )
    )


def _position_scale(text: AssessmentText, pair: ValuePair, where: str) -> Scale:
    scale = text.position
    first, second = (term.name for term in pair.terms)
    points: list[ScalePoint] = []
    for point in scale.points:
        label = point.label.format(first=first, second=second)
        points.append(
            ScalePoint(
                point.value, _fill(where, scale.point, LABEL_MAX, value=point.value, label=label)
            )
        )
    return Scale(tuple(points))


def _pair_anchor(pair: ValuePair) -> str:
    lines = [f"{term.name}: {term.description}" for term in pair.terms]
    if pair.paradox is not None:
        lines.append(f"({pair.paradox})")
    return "\n".join(lines)


def _one_line(text: str) -> str:
    """A hint on one line: the terminal sets it in italics, which do not span lines."""
    return " ".join(part.strip() for part in text.splitlines() if part.strip())


def _half_context(words: LeadershipAssessmentText, half: WorkHalf) -> str:
    return words.half_context.format(
        half=half.name,
        description=half.description,
        items_heading=half.items_heading,
        items="\n".join(words.half_item.format(item=item) for item in half.items),
    )


class _Linker:
    """Resolves `links:` and checks that every area rated has one and no other area does."""

    def __init__(
        self,
        text: AssessmentText,
        *,
        leadership: LeadershipModel,
        competencies: CompetencyModel,
        rubric: EngagementRubric,
        toolkit: Toolkit,
        worksheet: RelationshipWorksheet,
    ) -> None:
        self._text = text
        self._leadership = leadership
        self._competencies = competencies
        self._toolkit = toolkit
        self._groups = {c.id: c.name for c in worksheet.constituencies()}
        self._groups.update({k.id: k.name for k in rubric.partner_kinds})
        self._used: dict[LinkCategory, list[str]] = {
            "abilities": [],
            "values": [],
            "competencies": [],
            "partner_kinds": [],
        }

    def link(self, category: LinkCategory, ident: str) -> GrowthLink:
        """The growth link of one area; AssessmentError naming the field if it is broken."""
        links: dict[str, LinkRef] = getattr(self._text.links, category)
        if ident not in links:
            raise AssessmentError(f"links.{category}", f"no link for {ident!r}")
        self._used[category].append(ident)
        ref = links[ident]
        where = f"links.{category}.{ident}"
        source, about = ref.prompt.split("/", 1)
        model = self._leadership if source == "leadership" else self._competencies
        prompts = model.prompts_about(about)
        if not prompts:
            raise AssessmentError(
                f"{where}.prompt", f"{source}.yaml has no reflection prompt about {about!r}"
            )
        step_label: str | None = None
        if ref.step is not None:
            try:
                step = self._toolkit.step(ref.step)
            except KeyError:
                raise AssessmentError(
                    f"{where}.step", f"unknown toolkit step {ref.step!r}"
                ) from None
            step_label = _fill(
                f"{where}.step",
                self._text.results.work_on_step,
                LABEL_MAX,
                number=step.number,
                name=step.name,
            )
        strategy_label: str | None = None
        strategy_name: str | None = None
        if ref.strategy is not None:
            if ref.strategy not in self._groups:
                raise AssessmentError(
                    f"{where}.strategy",
                    f"{ref.strategy!r} is neither a key constituency nor a partner kind",
                )
            strategy_name = capitalised(self._groups[ref.strategy])
            strategy_label = _fill(
                f"{where}.strategy",
                self._text.results.work_on_strategy,
                LABEL_MAX,
                group=strategy_name,
            )
        return GrowthLink(
            ref.prompt, prompts, ref.step, step_label, ref.strategy, strategy_label, strategy_name
        )

    def check_unused(self) -> None:
        """Every link names an area some assessment rates (a typo would hide a missing one)."""
        for category, used in self._used.items():
            links: dict[str, LinkRef] = getattr(self._text.links, category)
            for ident in links:
                if ident not in used:
                    raise AssessmentError(
                        f"links.{category}.{ident}", "no assessment rates this area"
                    )


def resolve_assessments(
    text: AssessmentText,
    *,
    leadership: LeadershipModel,
    competencies: CompetencyModel,
    rubric: EngagementRubric,
    toolkit: Toolkit,
    worksheet: RelationshipWorksheet,
) -> tuple[ResolvedAssessment, ...]:
    """The three assessments with their wording drawn from the sources, in the order of
    ASSESSMENT_IDS; AssessmentError naming the field of assessment.yaml if a ref is broken.

    Leadership: for each ability, one rating per half of A Leader's Work, anchored on the
    ability's definition (its detail paragraph as `detail`); then each value pair rated,
    anchored on its terms' descriptions and paradox note, followed, for pairs the source marks
    as a paradox, by a position between the two terms. Competencies: each competency, anchored
    on its definition, or on `no_definition` for those the source only names. Community
    engagement: per partner kind, a 1-10 score whose stages carry the rubric's end goal and
    indicators for that kind and the next stage's end goal as the way forward.
    """
    linker = _Linker(
        text,
        leadership=leadership,
        competencies=competencies,
        rubric=rubric,
        toolkit=toolkit,
        worksheet=worksheet,
    )
    assessments = (
        _leadership(text, leadership, linker),
        _competencies(text, competencies, linker),
        _community_engagement(text, rubric, linker),
    )
    linker.check_unused()
    return assessments


def _leadership(
    text: AssessmentText, leadership: LeadershipModel, linker: _Linker
) -> ResolvedAssessment:
    words = text.leadership
    rating = _rating_scale(text)
    items: list[ResolvedItem] = []
    halves = []
    for index, ident in enumerate(words.work_with):
        try:
            halves.append(leadership.half(ident))
        except KeyError:
            raise AssessmentError(
                f"leadership.work_with[{index}]", f"A Leader's Work has no half {ident!r}"
            ) from None
    for index, ident in enumerate(words.abilities):
        try:
            ability = leadership.ability(ident)
        except KeyError:
            raise AssessmentError(
                f"leadership.abilities[{index}]", f"How We Lead has no ability {ident!r}"
            ) from None
        link = linker.link("abilities", ability.id)
        for position, half in enumerate(halves):
            names = {"ability": ability.name, "half": half.name}
            # The definition and detail under the first half's question; under the next, only
            # what differs, so a page does not repeat them word for word.
            hint = (
                words.ability_hint.format(definition=ability.definition, detail=ability.detail)
                if position == 0
                else words.ability_hint_again.format(**names)
            )
            items.append(
                ResolvedItem(
                    id=f"abilities/{ability.id}/{half.id}",
                    kind="rating",
                    area=f"abilities/{ability.id}",
                    group=leadership.how_we_lead.heading,
                    label=_fill(
                        "leadership.ability_label", words.ability_label, LABEL_MAX, **names
                    ),
                    question=words.ability_question.format(**names),
                    anchor=ability.definition,
                    detail=ability.detail,
                    scale=rating,
                    link=link,
                    hint=_one_line(hint),
                    context=_half_context(words, half),
                )
            )
    groups = {
        pair.id: group.heading for group in leadership.our_values.groups for pair in group.pairs
    }
    for index, ident in enumerate(words.values):
        try:
            pair = leadership.value_pair(ident)
        except KeyError:
            raise AssessmentError(
                f"leadership.values[{index}]",
                f"the core responsibilities and values have no pair {ident!r}",
            ) from None
        link = linker.link("values", pair.id)
        anchor = _pair_anchor(pair)
        items.append(
            ResolvedItem(
                id=f"values/{pair.id}",
                kind="rating",
                area=f"values/{pair.id}",
                group=groups[pair.id],
                label=_fill("leadership.pair_label", words.pair_label, LABEL_MAX, pair=pair.name),
                question=words.pair_question.format(pair=pair.name),
                anchor=anchor,
                detail=None,
                scale=rating,
                link=link,
                hint=_one_line(anchor),
            )
        )
        if pair.is_paradox:
            first, second = (term.name for term in pair.terms)
            names = {"pair": pair.name, "first": first, "second": second}
            items.append(
                ResolvedItem(
                    id=f"values/{pair.id}/paradox",
                    kind="position",
                    area=f"values/{pair.id}",
                    group=groups[pair.id],
                    label=_fill(
                        "leadership.position_label", words.position_label, LABEL_MAX, **names
                    ),
                    question=words.position_question.format(**names),
                    anchor=anchor,
                    detail=None,
                    scale=_position_scale(text, pair, "position.points"),
                    link=link,
                    # The pair's terms are in the hint just above: only the paradox note here.
                    hint=_one_line(pair.paradox or anchor),
                )
            )
    return ResolvedAssessment(LEADERSHIP, words.title, words.button, words.intro, tuple(items))


def _competencies(
    text: AssessmentText, competencies: CompetencyModel, linker: _Linker
) -> ResolvedAssessment:
    words = text.competencies
    rating = _rating_scale(text)
    headings = {c.id: s.heading for s in competencies.competency_sets for c in s.competencies}
    items: list[ResolvedItem] = []
    for index, ident in enumerate(words.competencies):
        try:
            competency = competencies.competency(ident)
        except KeyError:
            raise AssessmentError(
                f"competencies.competencies[{index}]", f"the source has no competency {ident!r}"
            ) from None
        items.append(
            ResolvedItem(
                id=f"competencies/{competency.id}",
                kind="rating",
                area=f"competencies/{competency.id}",
                group=headings[competency.id],
                label=_fill(
                    "competencies.label", words.label, LABEL_MAX, competency=competency.name
                ),
                question=words.question.format(competency=competency.name),
                anchor=competency.definition or words.no_definition,
                detail=None,
                scale=rating,
                link=linker.link("competencies", competency.id),
                hint=_one_line(competency.definition or words.no_definition),
            )
        )
    return ResolvedAssessment(COMPETENCIES, words.title, words.button, words.intro, tuple(items))


def _community_engagement(
    text: AssessmentText, rubric: EngagementRubric, linker: _Linker
) -> ResolvedAssessment:
    words = text.community_engagement
    items: list[ResolvedItem] = []
    for index, ident in enumerate(words.partner_kinds):
        try:
            kind = rubric.partner_kind(ident)
        except KeyError:
            raise AssessmentError(
                f"community_engagement.partner_kinds[{index}]",
                f"the rubric has no partner kind {ident!r}",
            ) from None
        stages: list[ResolvedStage] = []
        for position, stage in enumerate(rubric.stages):
            entry = stage.entry(kind.id)
            following = rubric.stages[position + 1] if position + 1 < len(rubric.stages) else None
            if following is None:
                way_forward = words.last_stage.format(stage=stage.name, goal=entry.end_goal)
            else:
                goal = following.entry(kind.id).end_goal
                way_forward = words.way_forward.format(stage=following.name, goal=goal)
            stages.append(
                ResolvedStage(
                    id=stage.id,
                    name=stage.name,
                    low=stage.score.min,
                    high=stage.score.max,
                    end_goal=entry.end_goal,
                    indicators=tuple(ResolvedIndicator(i.id, i.text) for i in entry.indicators),
                    next_stage=following.id if following is not None else None,
                    way_forward=way_forward,
                )
            )
        scale = Scale(
            tuple(
                ScalePoint(
                    score,
                    _fill(
                        "community_engagement.point",
                        words.point,
                        LABEL_MAX,
                        score=score,
                        stage=stage.name,
                    ),
                )
                for stage in rubric.stages
                for score in range(stage.score.min, stage.score.max + 1)
            )
        )
        anchor = "\n".join(
            words.stage_line.format(stage=s.name, low=s.low, high=s.high, goal=s.end_goal)
            for s in stages
        )
        items.append(
            ResolvedItem(
                id=f"stage/{kind.id}",
                kind="stage",
                area=f"stage/{kind.id}",
                group=rubric.title,
                label=_fill(
                    "community_engagement.label", words.label, LABEL_MAX, partner=kind.name
                ),
                question=words.question.format(partner=kind.name),
                anchor=anchor,
                detail=None,
                scale=scale,
                link=linker.link("partner_kinds", kind.id),
                stages=tuple(stages),
                hint=_one_line(anchor),
            )
        )
    return ResolvedAssessment(
        COMMUNITY_ENGAGEMENT, words.title, words.button, words.intro, tuple(items)
    )
