"""Model of the weekly team prompts (content/data/prompts.yaml).

The file holds the coach's own words for a team channel's weekly post and the list of themes.
A theme names its source content by id (`source` + `ref`); its name, short description and
questions are resolved from that content when it loads (`resolve_themes`), never retyped, so
adding a theme is one entry in the YAML file.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import ClassVar, Literal, Self

from pydantic import Field, field_validator, model_validator

from content.base import ContentModel, Label, ModalTitle, Slug, Templates, Text, placeholders
from content.plural import plural_category
from content.sources import CompetencyModel, LeadershipModel, RelationshipWorksheet
from content.toolkit import Toolkit

SourceKind = Literal[
    "leadership.abilities",
    "leadership.values",
    "competencies",
    "toolkit.think_out_loud",
    "worksheet.learning_organization",
]
"""Where a theme's wording comes from; `ref` is an id inside it:

- leadership.abilities: an ability of "How We Lead" (e.g. convening);
- leadership.values: a pair of core responsibilities or values (e.g. service-and-privacy);
- competencies: a competency the source defines (e.g. self-awareness);
- toolkit.think_out_loud: a toolkit step whose Current Conversation has Think Out Loud questions;
- worksheet.learning_organization: a characteristic of a learning organization.
"""

HEADER_MAX = 150
"""Slack's limit for a header block's text, which the post's heading fills."""

QUESTION_PLACEHOLDERS = frozenset({"theme"})


class Recap(Templates):
    """The one line that opens a post: how many people replied to last week's prompt."""

    PLACEHOLDERS: ClassVar[Mapping[str, frozenset[str]]] = {
        "none": frozenset({"count"}),
        "one": frozenset({"count"}),
        "many": frozenset({"count"}),
    }

    none: Text
    one: Text
    many: Text

    def line(self, count: int) -> str:
        """The recap for this many people (0, 1, or more)."""
        if count < 0:
            raise ValueError(f"count must be >= 0, got {count}")
        one = plural_category(count) == "one"  # the content's plural rules, in one place
        template = self.none if count == 0 else self.one if one else self.many
        return template.format(count=count)


class Theme(ContentModel):
    """A theme of the bank: one item of the source content, named by id."""

    id: Slug
    source: SourceKind
    ref: Slug
    # Only where the source's own name reads badly as a heading.
    name: Text | None = None
    # toolkit.think_out_loud only: which of the step's questions to ask, by id (default: all).
    questions: tuple[Slug, ...] = ()
    # The questions in the coach's words for a team's week (default: the source's own).
    ask: tuple[Text, ...] = ()

    @model_validator(mode="after")
    def _questions_only_for_think_out_loud(self) -> Self:
        if self.questions and self.ask:
            raise ValueError(f"theme {self.id!r}: give either questions (by id) or ask, not both")
        if self.questions and self.source != "toolkit.think_out_loud":
            raise ValueError(
                f"theme {self.id!r}: questions can be picked by id only from "
                "toolkit.think_out_loud (other sources' questions have no ids)"
            )
        return self


WEEKDAYS = 7


class PausedItself(Templates):
    """The DM to whoever set up a channel's prompt when it paused itself, by reason."""

    PLACEHOLDERS: ClassVar[Mapping[str, frozenset[str]]] = {
        "removed": frozenset({"channel"}),
        "archived": frozenset({"channel"}),
        "restricted": frozenset({"channel"}),
    }

    removed: Text
    archived: Text
    restricted: Text


class TeamWords(Templates):
    """Setting up, changing, pausing and stopping a channel's weekly prompt."""

    PLACEHOLDERS: ClassVar[Mapping[str, frozenset[str]]] = {
        "form_intro": frozenset({"channel"}),
        "unknown_time_zone": frozenset({"given"}),
        "unknown_time_zone_suggest": frozenset({"given", "suggestions"}),
        "subscribed": frozenset({"channel", "schedule", "first"}),
        "updated": frozenset({"channel", "schedule", "next"}),
        "updated_while_paused": frozenset({"channel", "schedule"}),
        "resume_in_the_channel": frozenset({"channel"}),
        "schedule": frozenset({"weekday_plural", "time", "time_zone"}),
        "themes_some": frozenset({"count", "names"}),
        "add_the_coach_first": frozenset({"channel"}),
        "managed_by_someone_else": frozenset({"channel"}),
        "no_subscription": frozenset({"channel"}),
        "no_subscription_to_resume": frozenset({"channel"}),
        "already_paused": frozenset({"channel"}),
        "already_active": frozenset({"channel", "schedule", "next"}),
        "paused": frozenset({"channel"}),
        "resumed": frozenset({"channel", "schedule", "next"}),
        "unsubscribed": frozenset({"channel"}),
        "resubscribed": frozenset({"channel", "schedule", "next"}),
        "home_item": frozenset({"channel", "schedule", "status"}),
        "home_status_active": frozenset({"next"}),
        "manage_label": frozenset({"channel"}),
        "pause_label": frozenset({"channel"}),
        "resume_label": frozenset({"channel"}),
        "export_prompt": frozenset({"channel", "theme", "questions"}),
    }

    form_title: ModalTitle
    form_submit: ModalTitle
    form_intro: Text
    day_label: Text
    time_label: Text
    time_zone_label: Text
    time_zone_hint: Text
    themes_label: Text
    themes_hint: Text
    unknown_time_zone: Text
    unknown_time_zone_suggest: Text
    bad_choice: Text
    subscribed: Text
    updated: Text
    updated_while_paused: Text
    resume_in_the_channel: Text
    schedule: Text
    weekday_plural: tuple[Text, ...] = Field(min_length=WEEKDAYS, max_length=WEEKDAYS)
    themes_all: Text
    themes_some: Text
    not_in_a_channel: Text
    add_the_coach_first: Text
    managed_by_someone_else: Text
    no_subscription: Text
    no_subscription_to_resume: Text
    already_paused: Text
    already_active: Text
    paused: Text
    resumed: Text
    unsubscribed: Text
    resubscribed: Text
    undo: Label
    pause: Label
    resume: Label
    unsubscribe: Label
    edit: Label
    paused_itself: PausedItself
    status_paused_by_person: Text
    status_paused_itself: Text
    sample_intro: Text
    export_prompt: Text
    home_heading: Text
    home_item: Text
    home_status_active: Text
    home_none: Text
    manage_label: Label
    pause_label: Label
    resume_label: Label


class PromptText(Templates):
    """The coach's words for weekly team prompts, and the themes they rotate through."""

    PLACEHOLDERS: ClassVar[Mapping[str, frozenset[str]]] = {
        "heading": frozenset({"theme"}),
        "reflect_intro": frozenset({"theme"}),
    }

    heading: Text
    reply_in_thread: Label
    reflect_privately: Label
    reply_in_thread_how: Text
    open_thread: Label
    reflect_intro: Text
    team: TeamWords
    privacy_line: Text
    recap: Recap
    # Filled with the theme's name for themes whose source has no questions of its own.
    question_templates: tuple[Text, ...] = Field(min_length=1)
    themes: tuple[Theme, ...] = Field(min_length=1)

    @field_validator("question_templates")
    @classmethod
    def _templates_known(cls, templates: tuple[str, ...]) -> tuple[str, ...]:
        for index, template in enumerate(templates):
            unknown = placeholders(template) - QUESTION_PLACEHOLDERS
            if unknown:
                raise ValueError(
                    f"[{index}] uses unknown placeholders {sorted(unknown)} (it may use: theme)"
                )
        return templates

    @model_validator(mode="after")
    def _themes_distinct(self) -> Self:
        ids: set[str] = set()
        refs: dict[tuple[str, str], str] = {}
        for theme in self.themes:
            if theme.id in ids:
                raise ValueError(f"theme id {theme.id!r} is used twice")
            ids.add(theme.id)
            key = (theme.source, theme.ref)
            if key in refs:
                raise ValueError(
                    f"themes {refs[key]!r} and {theme.id!r} both refer to {theme.source} "
                    f"{theme.ref!r}"
                )
            refs[key] = theme.id
        return self


@dataclass(frozen=True)
class ResolvedTheme:
    """A theme with its wording drawn from the source content."""

    id: str
    source: str
    name: str
    description: str
    questions: tuple[str, ...]


class ThemeError(ValueError):
    """A theme that does not resolve; `where` is its field in prompts.yaml (themes[3].ref)."""

    def __init__(self, where: str, message: str) -> None:
        super().__init__(f"{where}: {message}")
        self.where = where
        self.message = message


def _first_sentence(text: str) -> str:
    match = re.match(r"(.+?[.!?])\s+(?=[A-Z“\"])", text, flags=re.DOTALL)
    return match.group(1) if match else text


def _leading_clause(text: str) -> str:
    return text.split(",", 1)[0].strip()


def resolve_themes(
    text: PromptText,
    *,
    leadership: LeadershipModel,
    competencies: CompetencyModel,
    toolkit: Toolkit,
    worksheet: RelationshipWorksheet,
) -> tuple[ResolvedTheme, ...]:
    """Every theme with its name, description and questions; ThemeError if one does not resolve.

    Name: the source's (an ability's, a pair's, a competency's; a step's Current Conversation
    title; a characteristic's opening clause) unless the theme gives one. Description: the
    ability's definition; each term of the pair with its description, then the paradox note;
    the competency's definition; the first sentence of the Current Conversation; the whole
    characteristic. Questions: the theme's own `ask`, else the source's reflection prompts
    about the item (leadership, competencies), the step's Think Out Loud questions, or else
    `question_templates`.
    """
    resolved: list[ResolvedTheme] = []
    for index, theme in enumerate(text.themes):
        where = f"themes[{index}]"
        name: str
        questions: tuple[str, ...] = ()
        try:
            if theme.source == "leadership.abilities":
                ability = leadership.ability(theme.ref)
                name, description = ability.name, ability.definition
                questions = leadership.prompts_about(ability.id)
            elif theme.source == "leadership.values":
                pair = leadership.value_pair(theme.ref)
                lines = [f"{term.name}: {term.description}" for term in pair.terms]
                if pair.paradox is not None:
                    lines.append(f"({pair.paradox})")
                name, description = pair.name, "\n".join(lines)
                questions = leadership.prompts_about(pair.id)
            elif theme.source == "competencies":
                competency = competencies.competency(theme.ref)
                if competency.definition is None:
                    raise ThemeError(
                        f"{where}.ref",
                        f"the source gives competency {theme.ref!r} no definition, "
                        "and a theme needs a description from the source",
                    )
                name, description = competency.name, competency.definition
                questions = competencies.prompts_about(competency.id)
            elif theme.source == "toolkit.think_out_loud":
                conversation = toolkit.step(theme.ref).current_conversation
                asked = {q.id: q.text for q in conversation.think_out_loud}
                if not asked:
                    raise ThemeError(
                        f"{where}.ref", f"step {theme.ref!r} has no Think Out Loud questions"
                    )
                for q_index, ident in enumerate(theme.questions):
                    if ident not in asked:
                        raise ThemeError(
                            f"{where}.questions[{q_index}]",
                            f"step {theme.ref!r} has no Think Out Loud question {ident!r}",
                        )
                name = conversation.title
                description = _first_sentence(conversation.text)
                questions = tuple(asked[i] for i in theme.questions or asked)
            else:
                characteristics = {
                    c.id: c.text for c in worksheet.learning_organization.characteristics
                }
                if theme.ref not in characteristics:
                    raise KeyError(theme.ref)
                description = characteristics[theme.ref]
                name = _leading_clause(description)
        except KeyError:
            raise ThemeError(
                f"{where}.ref", f"{theme.source} has no item with id {theme.ref!r}"
            ) from None
        name = theme.name or name
        questions = theme.ask or questions
        if len(text.heading.format(theme=name)) > HEADER_MAX:
            raise ThemeError(
                f"{where}.name",
                f"the heading for {name!r} is longer than Slack's {HEADER_MAX} characters; "
                "give the theme a shorter name",
            )
        if not questions:
            questions = tuple(t.format(theme=name) for t in text.question_templates)
        resolved.append(ResolvedTheme(theme.id, theme.source, name, description, questions))
    return tuple(resolved)
