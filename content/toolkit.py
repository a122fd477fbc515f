"""Models of the seven-step collaboration toolkit ("Let's Talk", seed 003)."""

from __future__ import annotations

from pydantic import Field, model_validator

from content.base import Adaptable, ContentModel, Slug, Text


class Resource(ContentModel):
    """A resource the source links to; `url` stays empty where the source leaves it blank."""

    title: Text
    kind: Text | None = None
    url: str | None = None


class Example(Adaptable):
    """A worked example from the source, optionally labelled ("Strength", "Alignment")."""

    label: Text | None = None
    text: Text


class ReflectionQuestion(Adaptable):
    """One question the person answers; `after_item` keeps its place among the checklist."""

    id: Slug
    text: Text
    group: Text | None = None
    after_item: Slug | None = None
    examples: tuple[Example, ...] = ()
    follow_ups: tuple[Text, ...] = ()
    note: Text | None = None


class ChecklistItem(Adaptable):
    """A process-checklist item: the bold action verb and what to do."""

    id: Slug
    action: Text
    text: Text
    details: tuple[Text, ...] = ()
    examples: tuple[Example, ...] = ()
    resources: tuple[Resource, ...] = ()


class Tip(Adaptable):
    """A tip box; sample emails and meeting outlines are tips with a `kind`."""

    id: Slug
    kind: Text = "tip"
    title: Text | None = None
    text: Text
    items: tuple[Text, ...] = ()


class ThinkOutLoud(ContentModel):
    """A "Think Out Loud" question of a Current Conversation sidebar."""

    id: Slug
    text: Text


class CurrentConversation(ContentModel):
    """The "Current Conversation" sidebar of a step."""

    title: Text
    text: Text
    think_out_loud: tuple[ThinkOutLoud, ...] = ()


class Step(Adaptable):
    """One of the seven steps of the toolkit."""

    id: Slug
    number: int = Field(ge=1, le=7)
    name: Text
    guiding_question: Text
    intro: Text
    key_competencies: tuple[Text, ...] = Field(min_length=1)
    checklist: tuple[ChecklistItem, ...] = ()
    reflection_questions: tuple[ReflectionQuestion, ...] = Field(min_length=1)
    tips: tuple[Tip, ...] = ()
    closing_note: Text | None = None
    current_conversation: CurrentConversation

    @model_validator(mode="after")
    def _questions_follow_known_items(self) -> Step:
        item_ids = {item.id for item in self.checklist}
        for question in self.reflection_questions:
            if question.after_item is not None and question.after_item not in item_ids:
                raise ValueError(
                    f"reflection question {question.id!r} follows unknown checklist item "
                    f"{question.after_item!r}"
                )
        return self

    def question(self, question_id: str) -> ReflectionQuestion:
        for question in self.reflection_questions:
            if question.id == question_id:
                return question
        raise KeyError(question_id)


class Toolkit(ContentModel):
    """The whole toolkit: its framing and the seven steps in order."""

    title: Text
    subtitle: Text | None = None
    intro: tuple[Text, ...] = Field(min_length=1)
    reflection_guide: Resource
    current_conversation: CurrentConversation
    steps: tuple[Step, ...] = Field(min_length=7, max_length=7)

    @model_validator(mode="after")
    def _steps_numbered_in_order(self) -> Toolkit:
        numbers = [step.number for step in self.steps]
        if numbers != list(range(1, len(self.steps) + 1)):
            raise ValueError(f"steps must be numbered 1..7 in order, found {numbers}")
        return self

    def step(self, step_id: str) -> Step:
        for step in self.steps:
            if step.id == step_id:
                return step
        raise KeyError(step_id)
