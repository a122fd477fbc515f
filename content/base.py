"""Shared pydantic base for every content model: strict, immutable, no unknown keys."""

from __future__ import annotations

import string
from collections.abc import Mapping
from typing import Annotated, ClassVar, Self

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
"""A non-empty piece of wording from the sources or the coach."""

Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=64)]
"""A stable identifier used to link content and to key stored answers."""


class ContentModel(BaseModel):
    """Base for content: unknown keys are typos, so they are refused; values never change."""

    model_config = ConfigDict(extra="forbid", frozen=True)


Label = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=75)]
"""A button label: Slack shows at most 75 characters."""

ModalTitle = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=24)]
"""A modal's title or submit label: Slack allows 24 characters."""


def placeholders(template: str) -> set[str]:
    """The names a str.format template fills in."""
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


class Templates(ContentModel):
    """Wording whose templates may use only the placeholders the code fills in.

    A misspelt placeholder would fail only when that sentence is said, so it is refused when
    the content loads; a text field not listed in PLACEHOLDERS takes none.
    """

    PLACEHOLDERS: ClassVar[Mapping[str, frozenset[str]]] = {}

    @model_validator(mode="after")
    def _placeholders_known(self) -> Self:
        from content.plural import Plural  # it is built on this module

        for name, value in self:
            if isinstance(value, Plural):  # checked across all its forms
                used = value.placeholders()
            elif isinstance(value, str):
                used = placeholders(value)
            else:
                continue
            allowed = self.PLACEHOLDERS.get(name, frozenset())
            unknown = used - allowed
            if unknown:
                known = ", ".join(sorted(allowed)) or "none"
                raise ValueError(
                    f"{name} uses unknown placeholders {sorted(unknown)} (it may use: {known})"
                )
        return self


class Adaptable(ContentModel):
    """Content taken from a source document, some of whose wording does not fit a coach in a
    chat ("your goals for viewing this webinar", "save all your reflections": the coach keeps
    everything). Such a field holds the adapted text, and `source_text` keeps the source's own
    wording beside it, by field name ("details.0" for one item of a list of texts)."""

    source_text: dict[str, Text] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _adapted_beside_its_source(self) -> Self:
        for key, source in self.source_text.items():
            adapted = self.adapted(key)
            if adapted is None:
                raise ValueError(f"source_text names {key!r}, which holds no text here")
            if " ".join(adapted.split()) == " ".join(source.split()):
                raise ValueError(f"{key}: the adapted text is the source's own; drop source_text")
        return self

    def adapted(self, key: str) -> str | None:
        """The text now said in place of the source's at `key`, or None if there is none."""
        name, _, index = key.partition(".")
        if name not in type(self).model_fields or name == "source_text":
            return None
        value = getattr(self, name)
        if index:
            if not index.isdigit() or not isinstance(value, tuple) or int(index) >= len(value):
                return None
            value = value[int(index)]
        return value if isinstance(value, str) else None
