"""Models of the toolkit's step-specific work (content/data/toolkit_work.yaml)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from content.base import ContentModel, Slug, Text

FieldKind = Literal["text", "long_text", "scale", "choice", "choices"]
PictureKind = Literal["continuum", "venn", "collaboration_map"]
SCALE = tuple(range(0, 11))


class WorkOption(ContentModel):
    value: Slug
    label: Text = Field(max_length=75)


class WorkField(ContentModel):
    """One field of a work record, as a form asks it."""

    name: Slug
    label: Text = Field(max_length=2000)
    kind: FieldKind
    optional: bool = False
    max_length: int | None = Field(default=None, ge=1, le=3000)
    hint: Text | None = Field(default=None, max_length=2000)
    options: tuple[WorkOption, ...] = ()

    @model_validator(mode="after")
    def _options_match_kind(self) -> WorkField:
        needs_options = self.kind in {"choice", "choices"}
        if needs_options and not self.options:
            raise ValueError(f"field {self.name!r} of kind {self.kind} needs options")
        if not needs_options and self.options:
            raise ValueError(f"field {self.name!r} of kind {self.kind} takes no options")
        return self


class WorkSection(ContentModel):
    """A piece of structured work in a step: one record, or a list of them."""

    id: Slug
    step: Slug
    item: Slug | None = None
    title: Text = Field(max_length=150)
    form_title: Text = Field(max_length=24)
    intro: Text
    repeat: bool
    max_records: int = Field(default=1, ge=1, le=50)
    picture: PictureKind | None = None
    redraws: Slug | None = None  # another section whose picture shows this one's records
    shown_again_in: tuple[Slug, ...] = ()
    fields: tuple[WorkField, ...] = Field(min_length=1)

    def field(self, name: str) -> WorkField:
        for candidate in self.fields:
            if candidate.name == name:
                return candidate
        raise KeyError(name)


class ContinuumPictureText(ContentModel):
    title: Text
    fixed: Text
    growth: Text
    off_the_line: Text


class VennPictureText(ContentModel):
    title: Text


class MapPictureText(ContentModel):
    title: Text
    priority: Text
    strength: Text
    margin: Text
    quadrants_section: Slug
    quadrants: dict[Slug, Text]


class PictureText(ContentModel):
    continuum: ContinuumPictureText
    venn: VennPictureText
    collaboration_map: MapPictureText


class ToolkitWork(ContentModel):
    sections: tuple[WorkSection, ...]
    pictures: PictureText

    def for_step(self, step_id: str) -> tuple[WorkSection, ...]:
        return tuple(section for section in self.sections if section.step == step_id)

    def section(self, section_id: str) -> WorkSection:
        for section in self.sections:
            if section.id == section_id:
                return section
        raise KeyError(section_id)

    def shown_in(self, step_id: str) -> tuple[WorkSection, ...]:
        """Sections from earlier steps that this step shows again (Step 4 shows Step 1's)."""
        return tuple(s for s in self.sections if step_id in s.shown_again_in)
