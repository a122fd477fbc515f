"""Keywords typed in the terminal (skip, back, more) are commands wherever they are typed,
never answers; quoted, a keyword is the word itself and is kept as the answer."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.engine.turns import Engine
from content import Content
from storage.database import Database
from storage.models import Answer
from tests.bot.adapters.console.test_toolkit_walk import Terminal, norm
from tests.bot.engine.test_keywords import checkin_notes
from tests.bot.flows.test_checkin import plant
from tests.chat_script import ChatScript
from tests.guide_reading import answers_in_guide


@pytest.fixture
def terminal(engine: Engine, tmp_path: Path) -> Iterable[Terminal]:
    term = Terminal(engine, tmp_path / "exports")
    yield term
    term.close()


def stored_answers(database: Database, step_id: str) -> dict[str, str]:
    with database.unit_of_work() as uow:
        rows = uow.session.scalars(select(Answer).where(Answer.step_id == step_id))
        return {row.question_id: row.text for row in rows}


def test_skip_back_and_more_move_through_a_step_and_are_never_answers(
    terminal: Terminal, content: Content, database: Database
) -> None:
    words = content.coach.toolkit
    step = content.toolkit.steps[0]
    questions = step.reflection_questions
    first_answer = "I asked my team what they needed before offering anything"

    def asked(index: int) -> str:
        text = words.question.format(
            position=index + 1, total=len(questions), text=questions[index].text
        )
        return norm(text.replace("*", ""))

    term = terminal
    term.start()
    term.type("/toolkit 1")
    assert asked(0) in norm(term.screen)
    term.type("skip")  # as Skip this question does
    assert words.skipped in term.screen
    assert asked(1) in norm(term.screen)
    term.type("  Back ")  # as Previous question does
    assert asked(0) in norm(term.screen)
    term.type(first_answer)
    assert words.answer_saved in term.screen
    assert asked(1) in norm(term.screen)
    term.type("Skip!")
    assert asked(2) in norm(term.screen)
    term.type("more")  # as More in this step does; the question still waits
    assert words.menu_heading.format(number=step.number).replace("*", "") in term.screen
    term.type('"back"')  # quoted: the word itself is the answer
    assert words.answer_saved in term.screen
    assert asked(3) in norm(term.screen)
    term.type("previous question")  # the button's own words work too
    assert asked(2) in norm(term.screen)
    term.type("pass")
    term.type("skip")
    assert asked(4) in norm(term.screen)
    term.type("MORE.")
    term.choose(content.coach.labels.summary)

    summary = norm(term.screen)
    expected = {questions[0].id: first_answer, questions[2].id: "back"}
    for question in questions:
        answer = expected.get(question.id)
        line = (
            words.summary_item.format(question=question.text, answer=answer)
            if answer
            else words.summary_skipped.format(question=question.text)
        )
        assert norm(line.replace("*", "").replace("_", "")) in summary.replace("_", ""), line
    assert stored_answers(database, step.id) == expected

    term.type("/export")
    assert words.export_ready in term.screen
    [markdown] = (term.chat.exports / "ana").glob("reflection-guide-*/reflection-guide-*.md")
    assert answers_in_guide(markdown.read_text(), content, step) == [
        expected.get(question.id, words.guide_not_answered) for question in questions
    ]


def test_a_keyword_with_no_meaning_where_a_flow_waits_is_said_kindly_and_it_keeps_waiting(
    terminal: Terminal, engine: Engine, content: Content, database: Database
) -> None:
    general = content.coach.general
    # The terminal's person, with one relationship in their plan.
    plant(
        ChatScript(engine, user_id="ana", workspace_id="local", time_zone="Europe/London"),
        "Board chair",
    )
    term = terminal
    term.start()
    term.type("/checkin Zelda: coffee at the fair")  # nobody of that name: which one?
    term.type("back")
    assert general.nothing_to_go_back_to in term.screen
    assert general.quote_to_answer.format(word="back") in term.screen
    assert checkin_notes(database) == []
    term.type("chair")  # still waiting for the name, with the notes kept
    assert checkin_notes(database) == ["coffee at the fair"]


def test_back_at_the_first_think_out_loud_question_asks_it_again(
    terminal: Terminal, content: Content, database: Database
) -> None:
    step = content.toolkit.steps[0]
    think = step.current_conversation.think_out_loud[0]
    term = terminal
    term.start()
    term.type("/toolkit 1")
    term.type("more")
    term.choose(content.coach.labels.think_out_loud)
    term.type("back")
    assert content.coach.toolkit.at_first_question in term.screen
    assert norm(think.text) in norm(term.screen)
    term.type("An answer to the first Think Out Loud question")
    assert stored_answers(database, step.id) == {
        think.id: "An answer to the first Think Out Loud question"
    }


def test_with_nothing_waiting_the_front_door_answers(terminal: Terminal, content: Content) -> None:
    general = content.coach.general
    terminal.start()
    assert general.nothing_to_skip in terminal.type("skip")
    assert general.nothing_to_go_back_to in terminal.type("back")
    assert general.nothing_more in terminal.type("more")
    assert general.nothing_to_pause in terminal.type("pause")
    assert general.nothing_to_cancel in terminal.type("cancel")
