"""The real `lantern chat` in a pseudo-terminal: pastes, multi-line answers, history, completion,
what fell due, the time zone, and no log line on the chat's screen."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import select

from bot.adapters.console.chat import PLATFORM, WORKSPACE
from bot.core.clock import FixedClock
from bot.engine.plan_store import apply_plan_effect
from bot.engine.turns import Engine
from bot.flows.plan_model import SaveRelationship
from content import Content
from storage.database import Database
from storage.models import Reflection
from tests.chat_script import ChatScript
from tests.pty_chat import PtyChat, chat_database_url


def stored_reflections(tmp_path: Path) -> list[str]:
    database = Database(chat_database_url(tmp_path))
    try:
        with database.reading() as uow:
            return list(uow.session.scalars(select(Reflection.text).order_by(Reflection.id)))
    finally:
        database.dispose()


def test_pastes_of_any_length_and_of_several_lines_are_taken_whole(
    tmp_path: Path, content: Content
) -> None:
    words = content.coach.reflect
    with PtyChat.start(tmp_path) as chat:
        chat.wait_for_start()
        # A terminal in line mode cut this at 4095 characters, and the coach counted those.
        chat.send_keys("/reflect ")
        chat.send_paste("x" * 10_000)
        shown = chat.wait_for("characters")
        assert re.search(r"That's 10,?000 characters", shown), shown

        # A paste with blank lines in it, into the reflection form: one answer, lines kept.
        chat.wait_for_prompt()
        chat.send_line("/reflect")
        chat.wait_for(content.coach.console.multiline_hint)  # how to type several lines
        pasted = "First thought.\nSecond thought.\n\nAfter a blank line, a third."
        chat.send_paste(pasted)
        chat.wait_for(words.saved)

        # Typed: Esc then Enter (Alt-Enter) starts a new line, Enter sends.
        chat.wait_for_prompt()
        chat.send_line("/reflect")
        chat.wait_for(content.coach.console.multiline_hint)
        chat.send_keys("Line one" + chat.ALT_ENTER + "line two")
        chat.send_keys("\r")
        chat.wait_for(words.saved)

    assert stored_reflections(tmp_path) == [pasted, "Line one\nline two"]


def test_commands_are_completed_and_remembered_between_chats(
    tmp_path: Path, content: Content
) -> None:
    with PtyChat.start(tmp_path) as chat:
        chat.wait_for_start()
        chat.send_line("/reflections")
        chat.wait_for(content.coach.reflect.history_empty)
        chat.wait_for_prompt()
        chat.send_keys("/too" + chat.TAB)
        assert chat.wait_for_screen("> /toolkit").rstrip().endswith("> /toolkit")
        chat.send_keys("\r")
        chat.wait_for(content.toolkit.steps[0].guiding_question)
        chat.wait_for_prompt()
        chat.send_eof()
        assert chat.wait_for_exit() == 0

    history = tmp_path / "data" / "history" / "ana.txt"
    assert "/reflections" in history.read_text()
    assert not list(tmp_path.glob("*history*"))  # kept in the data folder only

    with PtyChat.start(tmp_path) as chat:
        chat.wait_for_start()
        chat.send_keys(chat.UP)
        chat.wait_for_screen("> /toolkit")
        chat.send_keys(chat.UP)
        chat.wait_for_screen("> /reflections")
        chat.send_keys("\r")
        chat.wait_for(content.coach.reflect.history_empty)


def test_a_nudge_due_at_the_start_keeps_its_numbers(tmp_path: Path, content: Content) -> None:
    # Ana added the board chair to her plan three weeks ago, to see them weekly.
    database = Database(chat_database_url(tmp_path))
    database.upgrade()
    then = datetime.now(UTC) - timedelta(days=21)
    engine = Engine(content=content, database=database, clock=FixedClock(then))
    ChatScript(engine, user_id="ana", workspace_id=WORKSPACE, platform=PLATFORM).say("hello")
    with database.unit_of_work() as uow:
        person = uow.repos.people.get_or_create(
            platform=PLATFORM, workspace_external_id=WORKSPACE, person_external_id="ana"
        )
        relationship = SaveRelationship(
            relationship_id=None,
            name="Board chair",
            kind="person",
            constituency="governing",
            constituency_label=None,
            cadence="weekly",
            cadence_days=None,
            strategies="Monthly coffee",
            success_measures=(),
        )
        apply_plan_effect(uow, person, relationship, then)
    database.dispose()
    labels = content.checkin.labels

    with PtyChat.start(tmp_path) as chat:
        shown = chat.wait_for_start()
        assert f"[5] {labels.skip}" in shown
        assert content.coach.labels.start_toolkit not in shown  # one numbering at a time
        chat.send_line("5")
        after = chat.wait_for(content.coach.labels.start_toolkit)  # the menu, once seen to
        assert content.coach.console.not_an_option not in after
        assert content.checkin.reminders.skipped.split("{", 1)[0].rstrip("* ") in after


def test_the_time_zone_is_shown_kept_and_no_log_line_reaches_the_screen(
    tmp_path: Path, content: Content
) -> None:
    words = content.coach.console
    # The machine names a zone that is none: the coach logs a warning and keeps no zone.
    with PtyChat.start(tmp_path, tz=None, env={"TZ": "Mars/Olympus"}) as chat:
        chat.wait_for_start()
        chat.send_line("/reflections")
        chat.wait_for(content.coach.reflect.history_empty)
        chat.wait_for_prompt()
        shown = chat.transcript()
    assert words.time_zone_unknown.strip("_").split(",")[0] in shown
    assert "WARNING" not in shown
    assert "unknown time zone" not in shown
    log = (tmp_path / "data" / "lantern-chat.log").read_text()
    assert "WARNING bot.engine.turns: ignoring an unknown time zone 'Mars/Olympus'" in log

    with PtyChat.start(tmp_path, tz="Asia/Tokyo") as chat:
        assert "Times are in Asia/Tokyo" in chat.wait_for_start()
        chat.send_line("/plan settings")
        chat.wait_for(content.plan.settings.form_title)
        chat.wait_for(content.plan.settings.zone_label)
        chat.wait_for("Asia/Tokyo")  # its current answer

    # Without --tz the zone kept is shown, not the machine's.
    with PtyChat.start(tmp_path, tz=None, env={"TZ": "Europe/London"}) as chat:
        assert "Times are in Asia/Tokyo" in chat.wait_for_start()


def answer(chat: PtyChat, line: str) -> str:
    """Type a line; the line the chat asks on next, as drawn on the screen (placeholder too)."""
    chat.send_line(line)
    chat.wait_for_prompt_drawn()
    return chat.screen().splitlines()[-1]


def test_the_multi_line_hint_is_not_left_under_the_next_one_line_prompt(
    tmp_path: Path, content: Content
) -> None:
    # prompt_toolkit keeps the last placeholder it was given when given None: the hint of a
    # multi-line answer stayed in every later one-line prompt, where Enter sends at once.
    hint = content.coach.console.multiline_hint
    with PtyChat.start(tmp_path) as chat:
        chat.wait_for_start()
        assert hint in answer(chat, "/reflect")  # a multi-line answer: its hint, in grey
        assert answer(chat, "A first thought.") == ">"  # the main prompt: no hint
        assert content.coach.reflect.saved in chat.screen()

        # A relationship with a success measure: the check-in form ends with a numbered choice.
        for line in ("/plan add", "Board chair", "1", "1", "1", "", "Budget approved"):
            answer(chat, line)
        for line in ("/checkin", "1", ""):  # who, when (today)
            answer(chat, line)
        assert hint in answer(chat, "1")  # how it went; then the notes, several lines maybe
        assert answer(chat, "We talked about the budget.") == "»"  # a numbered choice
        assert content.checkin.form.measures in chat.screen()
