"""Shared pydantic base for every content model: strict, immutable, no unknown keys."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, StringConstraints

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
"""A non-empty piece of wording from the sources or the coach."""

Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=64)]
"""A stable identifier used to link content and to key stored answers."""


class ContentModel(BaseModel):
    """Base for content: unknown keys are typos, so they are refused; values never change."""

    model_config = ConfigDict(extra="forbid", frozen=True)
