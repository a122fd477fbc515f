"""The engine's one error boundary, idempotent events, and all-or-nothing turns."""

from __future__ import annotations

import logging
import shutil
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.core.clock import FixedClock
from bot.engine.turns import Engine
from bot.flows import default_flows
from bot.flows.base import StepResult, Turn
from bot.flows.reflect import ReflectFlow
from content import Content
from storage.database import Database
from storage.models import Answer, Person, Reflection
from tests.chat_script import ChatScript


def count(database: Database, model: type) -> int:
    with database.unit_of_work() as uow:
        return int(uow.session.scalar(select(func.count()).select_from(model)) or 0)


class ExplodingReflect(ReflectFlow):
    """Decides to store a reflection, then fails: nothing of the turn may remain."""

    def start(self, turn: Turn, argument: str) -> StepResult:
        raise RuntimeError("boom")


def test_the_same_event_delivered_twice_stores_one_answer(
    chat: ChatScript, database: Database
) -> None:
    chat.command("coach", "toolkit 1")
    chat.say("only once", event_id="Ev1")
    first = chat.last
    chat.say("only once", event_id="Ev1")
    assert chat.last.duplicate
    assert not chat.last.replies
    assert first.replies
    assert count(database, Answer) == 1


def test_the_same_event_id_in_another_workspace_is_another_event(
    engine: Engine, database: Database
) -> None:
    for workspace in ("T-one", "T-two"):
        script = ChatScript(engine, workspace_id=workspace)
        script.command("coach", "toolkit 1")
        script.say("answer", event_id="Ev1")
        assert not script.last.duplicate
    assert count(database, Answer) == 2


def test_an_unexpected_error_is_a_friendly_reply_logged_with_nothing_stored(
    content: Content, database: Database, clock: FixedClock, caplog: pytest.LogCaptureFixture
) -> None:
    flows = default_flows() | {"reflect": ExplodingReflect()}
    chat = ChatScript(Engine(content=content, database=database, clock=clock, flows=flows))
    with caplog.at_level(logging.ERROR):
        chat.command("reflect", "secret words")
    assert chat.text == content.coach.errors.unexpected
    assert chat.last.failed
    assert count(database, Person) == 0
    assert any(r.exc_info for r in caplog.records)
    assert "secret words" not in caplog.text


def test_a_database_that_is_down_gets_a_try_again(
    content: Content, tmp_path: Path, clock: FixedClock, caplog: pytest.LogCaptureFixture
) -> None:
    folder = tmp_path / "db"
    folder.mkdir()
    database = Database(f"sqlite:///{folder}/lantern.db")
    database.upgrade()
    database.dispose()
    shutil.rmtree(folder)
    chat = ChatScript(Engine(content=content, database=database, clock=clock))
    with caplog.at_level(logging.ERROR):
        chat.command("reflect", "private thought about the budget")
    assert chat.text == content.coach.errors.database
    assert "database error" in caplog.text
    assert "private thought" not in caplog.text


def test_a_failure_after_some_writes_leaves_none_of_them(
    chat: ChatScript, database: Database, content: Content, caplog: pytest.LogCaptureFixture
) -> None:
    with database.engine.begin() as connection:
        connection.exec_driver_sql("DROP TABLE reflections")
    with caplog.at_level(logging.ERROR):
        chat.command("reflect", "will not be stored")
    assert chat.text == content.coach.errors.database
    assert "no such table" in caplog.text
    assert "will not be stored" not in caplog.text  # statement parameters stay out of logs
    # The person row was written earlier in the same turn and rolled back with it.
    assert count(database, Person) == 0


def test_a_connection_the_server_dropped_is_retried_without_the_person_noticing(
    content: Content, postgres_database: Database, clock: FixedClock
) -> None:
    from sqlalchemy import create_engine, text

    chat = ChatScript(Engine(content=content, database=postgres_database, clock=clock))
    chat.command("reflect", "before the restart")
    with postgres_database.engine.connect() as connection:
        pooled = connection.execute(text("SELECT pg_backend_pid()")).scalar()
    # Terminate the pool's idle connection from outside it, as a database restart would.
    outside = create_engine(postgres_database.url)
    with outside.begin() as connection:
        killed = connection.execute(
            text("SELECT pg_terminate_backend(:pid)"), {"pid": pooled}
        ).scalar()
    outside.dispose()
    assert killed

    chat.command("reflect", "after the restart")

    assert chat.text == content.coach.reflect.saved_free
    assert not chat.last.failed
    assert count(postgres_database, Reflection) == 2


def test_resume_picks_up_a_self_assessment_left_part_way(chat: ChatScript) -> None:
    chat.command("coach", "assess competencies")
    first = chat.form
    assert first is not None
    chat.submit({field.name: "3" for field in first.fields})
    assert chat.form is not None  # the second page is offered; they leave it there
    page_two = chat.form.form_id
    chat.say("resume")
    assert chat.form is not None
    assert chat.form.form_id == page_two


def test_resume_prefers_what_was_left_most_recently(chat: ChatScript, clock: FixedClock) -> None:
    chat.command("coach", "assess competencies")
    first = chat.form
    assert first is not None
    chat.submit({field.name: "3" for field in first.fields})
    clock.advance_to(clock.now() + timedelta(minutes=5))
    chat.command("coach", "toolkit 1")
    chat.say("pause")
    chat.say("resume")
    assert chat.form is None or not chat.form.form_id.startswith("assess.")
    assert "Step 1" in chat.text or "step 1" in chat.text.lower()
