"""Shared pydantic base for every content model: strict, immutable, no unknown keys."""

from __future__ import annotations

import string
from collections.abc import Mapping
from typing import Annotated, ClassVar, Self

from pydantic import BaseModel, ConfigDict, StringConstraints, model_validator

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
