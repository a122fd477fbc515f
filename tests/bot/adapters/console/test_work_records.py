"""A step's structured work in the terminal: a record just added can be removed at once."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.engine.turns import Engine
from content import Content
from storage.database import Database
from storage.models import WorkRecord
from tests.bot.adapters.console.test_toolkit_walk import Terminal


@pytest.fixture
def terminal(engine: Engine, tmp_path: Path) -> Iterable[Terminal]:
    term = Terminal(engine, tmp_path / "exports")
    yield term
    term.close()


def labels_of(database: Database) -> list[str]:
    with database.unit_of_work() as uow:
        rows = uow.session.scalars(select(WorkRecord).order_by(WorkRecord.id))
        return [row.data["label"] for row in rows]


def add_to_the_continuum(term: Terminal, content: Content, label: str, position: str) -> None:
    term.choose(content.coach.labels.add_record)
    term.type(label)
    term.type(position)
    assert content.coach.toolkit.work_saved in term.screen


def test_a_record_just_added_is_removed_at_once(
    terminal: Terminal, content: Content, database: Database, caplog: pytest.LogCaptureFixture
) -> None:
    words = content.coach.toolkit
    labels = content.coach.labels
    section = content.toolkit_work.section("continuum")
    term = terminal
    term.start()
    term.type("/toolkit 1")
    term.choose(labels.more_in_step)
    term.choose(section.title)
    add_to_the_continuum(term, content, "ask for feedback", "8")
    add_to_the_continuum(term, content, "try new things", "3")
    assert labels_of(database) == ["ask for feedback", "try new things"]

    with caplog.at_level(logging.INFO):
        term.choose(labels.remove_record.format(position=2))  # the one just added
    assert words.work_removed in term.screen
    assert words.work_missing not in term.screen
    assert labels_of(database) == ["ask for feedback"]
    assert "1. ask for feedback" in term.screen
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]

    add_to_the_continuum(term, content, "listen first", "6")
    term.choose(labels.remove_record.format(position=1))  # an older one, after an add
    assert words.work_removed in term.screen
    assert labels_of(database) == ["listen first"]
    term.choose(labels.remove_record.format(position=1))
    assert labels_of(database) == []
    assert words.work_empty in term.screen
