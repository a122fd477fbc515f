"""Earlier versions of a toolkit answer, seen in the terminal from the step's summary."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from pathlib import Path

import pytest

from bot.core.clock import FixedClock
from bot.engine.turns import Engine
from content import Content
from tests.bot.adapters.console.test_toolkit_walk import Terminal, norm
from tests.bot.flows.test_toolkit_versions import saved_on


@pytest.fixture
def terminal(engine: Engine, tmp_path: Path) -> Iterable[Terminal]:
    term = Terminal(engine, tmp_path / "exports")
    yield term
    term.close()


def test_the_summary_shows_earlier_versions_of_an_answer(
    terminal: Terminal, content: Content, clock: FixedClock
) -> None:
    words = content.coach.toolkit
    labels = content.coach.labels
    step = content.toolkit.steps[0]
    term = terminal
    started = clock.now()  # Monday 23 November 2026, 15:00 UTC: 15:00 in London too
    term.start()
    term.type("/toolkit 1")
    term.type("My first thoughts on feedback")
    term.type("more")
    term.choose(labels.summary)
    assert words.summary_versions_label.format(position=1) not in term.offered()

    clock.advance_to(started + timedelta(days=7, hours=9, minutes=5))
    term.choose(words.summary_edit_label.format(position=1))
    term.type("What I think now, a week on")
    term.type("more")
    term.choose(labels.summary)
    assert "What I think now, a week on" in term.screen
    term.choose(words.summary_versions_label.format(position=1))

    question = step.reflection_questions[0]
    heading = words.versions_heading.format(position=1, question=question.text)
    assert norm(heading.replace("*", "")) in norm(term.screen)
    line = words.version_line.format(
        when=saved_on(content, 0, 23, 11, "15:00"), text="My first thoughts on feedback"
    )
    assert norm(line.replace("_", "")) in norm(term.screen.replace("_", ""))
    assert "What I think now" not in term.screen
