"""The plan's wording: templates may only name what the flow fills in."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from content import Content
from content.plan import ActionsText, CadenceText


def test_a_misspelt_placeholder_is_refused_at_load(content: Content) -> None:
    words = content.plan.actions.model_dump()
    words["saved_new"] = "Added {wat}, due {date}."
    with pytest.raises(ValidationError, match="wat"):
        ActionsText.model_validate(words)


def test_every_cadence_has_its_words_and_only_days_counts(content: Content) -> None:
    cadences = content.plan.cadences.model_dump()
    cadences["words"]["weekly"] = "every {days} weeks"
    with pytest.raises(ValidationError, match="days"):
        CadenceText.model_validate(cadences)
    del cadences["words"]["weekly"]
    with pytest.raises(ValidationError, match="exactly"):
        CadenceText.model_validate(cadences)
