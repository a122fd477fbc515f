"""A step's structured work in Slack: a record just added is removed with the button shown
right after adding it. Signed requests into the real app."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import select

from content import Content
from storage.models import WorkRecord
from tests.bot.adapters.slack.harness import SlackHarness, buttons
from tests.bot.adapters.slack.test_toolkit_walk import Batch, Person, choice, work_state


def labels_of(slack: SlackHarness) -> list[str]:
    with slack.db.unit_of_work() as uow:
        rows = uow.session.scalars(select(WorkRecord).order_by(WorkRecord.id))
        return [row.data["label"] for row in rows]


def add(person: Person, label: str, position: str) -> Batch:
    view = person.press(choice("add", "continuum")).modal
    return person.submit(view, work_state(view, {"label": label, "position": position}))


def remove_button(batch: Batch, content: Content, position: int) -> str:
    wanted = content.coach.labels.remove_record.format(position=position)
    [value] = [b["value"] for b in buttons(batch.blocks) if b["text"]["text"] == wanted]
    return str(value)


def test_a_record_just_added_is_removed_with_the_button_shown_after_adding_it(
    slack: SlackHarness, content: Content, caplog: pytest.LogCaptureFixture
) -> None:
    words = content.coach.toolkit
    person = Person(slack)
    person.command("toolkit 1")
    person.press(choice("menu", "step-1"))
    person.press(choice("work", "continuum"))
    add(person, "ask for feedback", "8")
    added = add(person, "try new things", "3")
    assert words.work_saved in added.text
    assert labels_of(slack) == ["ask for feedback", "try new things"]

    with caplog.at_level(logging.INFO):
        removed = person.press(remove_button(added, content, 2))
    assert words.work_removed in removed.text
    assert words.work_missing not in removed.text
    assert labels_of(slack) == ["ask for feedback"]
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]

    # A second press of the same button (scrolling up) removes nothing more.
    again = person.press(remove_button(added, content, 2), scrolling_up=True)
    assert words.work_missing in again.text
    assert labels_of(slack) == ["ask for feedback"]
