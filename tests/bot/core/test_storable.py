"""What a person sends becomes text every database can keep, the moment it is an Inbound."""

from __future__ import annotations

import pytest

from bot.core.codec import dumps, load_inbound
from bot.core.messages import Inbound, InboundKind
from bot.core.storable import storable


@pytest.mark.parametrize(
    ("sent", "kept"),
    [
        ("a\x00b", "ab"),
        ("\x00\x00", ""),
        ("half \ud83d an emoji", "half \ufffd an emoji"),
        ("a whole 😀 emoji, tabs\tand\nlines", "a whole 😀 emoji, tabs\tand\nlines"),
    ],
)
def test_storable_text(sent: str, kept: str) -> None:
    assert storable(sent) == kept
    assert storable(kept) == kept


def test_an_inbound_is_cleaned_in_every_text_field_and_says_so() -> None:
    inbound = Inbound(
        platform="slack",
        workspace_id="T\x001",
        user_id="U1",
        kind=InboundKind.FORM,
        text="note\x00",
        form={"name\x00": "Board\x00 chair", "notes": "fine"},
        event_id="Ev\x001",
    )

    assert (inbound.workspace_id, inbound.text, inbound.event_id) == ("T1", "note", "Ev1")
    assert inbound.form == {"name": "Board chair", "notes": "fine"}
    assert inbound.removed_characters
    # Kept in the inbox for a later turn, it still says so when taken.
    assert load_inbound(dumps(inbound)) == inbound


def test_a_clean_inbound_says_nothing_was_removed() -> None:
    inbound = Inbound(platform="slack", workspace_id="T1", user_id="U1", kind=InboundKind.TEXT)
    assert not inbound.removed_characters
    assert not load_inbound(dumps(inbound)).removed_characters
