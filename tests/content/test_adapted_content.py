"""Source wording that does not fit a coach in chat is adapted, with the source's kept beside it
(issue 13, item 10), and words that change with a number follow the plural rules (item 11)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from pydantic import BaseModel, ValidationError

from content import Content
from content.base import Adaptable
from content.plural import Plural, plural_category
from content.sources import WorksheetSection

# Words that point at a page, a file or a webinar the person is not looking at, or ask them to
# save what the coach keeps anyway.
OUT_OF_PLACE = re.compile(
    r"webinar|\bpdf\b|this document|your document|save (?:all )?(?:your )?reflections|"
    r"download|\bclick|worksheet below|listed above|included below|reflection above|"
    r"example above|Jamie and Sharon",
    re.IGNORECASE,
)
# Source text that is kept for the record but never said to the person: the webinar's
# description, and the design notes and logic-model introduction of the source documents.
NOT_SAID = {"event_description", "design_notes", "logic_model"}


def texts(node: Any, path: str = "content") -> Iterator[tuple[str, str]]:
    """Every text the coach may say, by path; a source_text's values are not said."""
    if isinstance(node, BaseModel):
        for name in type(node).model_fields:
            if name == "source_text" or name in NOT_SAID:
                continue
            yield from texts(getattr(node, name), f"{path}.{name}")
    elif isinstance(node, dict):
        for key, value in node.items():
            yield from texts(value, f"{path}[{key}]")
    elif isinstance(node, tuple | list):
        for index, value in enumerate(node):
            yield from texts(value, f"{path}[{index}]")
    elif isinstance(node, str):
        yield path, node


def adapted(node: Any, path: str = "content") -> Iterator[tuple[str, Adaptable]]:
    if isinstance(node, Adaptable) and node.source_text:
        yield path, node
    if isinstance(node, BaseModel):
        for name in type(node).model_fields:
            yield from adapted(getattr(node, name), f"{path}.{name}")
    elif isinstance(node, dict):
        for key, value in node.items():
            yield from adapted(value, f"{path}[{key}]")
    elif isinstance(node, tuple | list):
        for index, value in enumerate(node):
            yield from adapted(value, f"{path}[{index}]")


def test_nothing_said_points_at_a_webinar_a_pdf_or_a_page(content: Content) -> None:
    found = [
        f"{path}: {m.group(0)!r}"
        for path, text in texts(content)
        for m in OUT_OF_PLACE.finditer(text)
    ]
    assert found == []


def test_every_adapted_text_keeps_its_source_and_differs_from_it(content: Content) -> None:
    items = list(adapted(content))
    assert len(items) >= 8
    for path, item in items:
        for key, source in item.source_text.items():
            now = item.adapted(key)
            assert now is not None, f"{path}.{key}"
            assert source.strip()
            assert now.strip()
            assert " ".join(now.split()) != " ".join(source.split()), f"{path}.{key}"


@pytest.mark.parametrize(
    ("source", "now"),
    [
        ("What are your goals for viewing this webinar?", "goals for this work"),
        ("Reflecting on Jamie and Sharon’s models", "Jamie LaRue and Sharon Morris"),
        ("Using the Relationship Management Plan (pdf)", "In your relationship plan here"),
        ("Don't forget to save all your reflections", "I keep every reflection"),
    ],
)
def test_the_four_named_in_the_issue_are_adapted(content: Content, source: str, now: str) -> None:
    matches = [
        (item.source_text[key], item.adapted(key) or "")
        for _, item in adapted(content)
        for key in item.source_text
        if source in item.source_text[key]
    ]
    assert len(matches) == 1, matches
    ((_kept, said),) = matches
    assert now in said
    assert source not in said


def test_a_source_text_must_name_a_text_and_differ_from_it() -> None:
    with pytest.raises(ValidationError, match="holds no text"):
        WorksheetSection.model_validate(
            {
                "id": "x",
                "heading": "H",
                "prompts": [{"id": "p", "text": "T"}],
                "source_text": {"nope": "S"},
            }
        )
    with pytest.raises(ValidationError, match="the adapted text is the source's own"):
        WorksheetSection.model_validate(
            {
                "id": "x",
                "heading": "H  h",
                "prompts": [{"id": "p", "text": "T"}],
                "source_text": {"heading": "H h"},
            }
        )


# ----- plural rules ------------------------------------------------------------------------


def test_no_content_says_s_in_brackets(content: Content) -> None:
    found = [f"{path}: {text!r}" for path, text in texts(content) if re.search(r"\w\(s\)", text)]
    assert found == []


def all_plurals(node: Any, path: str = "content") -> Iterator[tuple[str, Plural]]:
    if isinstance(node, Plural):
        yield path, node
    elif isinstance(node, BaseModel):
        for name in type(node).model_fields:
            yield from all_plurals(getattr(node, name), f"{path}.{name}")
    elif isinstance(node, dict):
        for key, value in node.items():
            yield from all_plurals(value, f"{path}[{key}]")
    elif isinstance(node, tuple | list):
        for index, value in enumerate(node):
            yield from all_plurals(value, f"{path}[{index}]")


def test_plural_forms_follow_the_languages_rules(content: Content) -> None:
    assert (plural_category(1), plural_category(0), plural_category(2)) == ("one", "other", "other")
    note = Plural(one="{count} note", other="{count} notes")
    assert (note.format(count=1), note.format(count=3)) == ("1 note", "3 notes")
    assert content.coach.home.plan_actions.format(count=1) == (
        "1 open action item in your action plan."
    )
    assert content.coach.home.plan_actions.format(count=2) == (
        "2 open action items in your action plan."
    )
    plurals = list(all_plurals(content))
    assert len(plurals) >= 10
    for path, plural in plurals:  # the "one" form never reads as a plural of one
        one = plural.format(count=1, **{n: "x" for n in plural.placeholders() - {"count"}})
        assert not re.search(r"\b1 \w+s\b(?! ago)", one) or "1 of" in one, (path, one)


def test_a_plural_without_the_languages_one_form_is_refused() -> None:
    with pytest.raises(ValidationError, match="plural forms missing"):
        Plural.model_validate({"other": "{count} notes"})
