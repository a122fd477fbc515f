"""Keywords reach the engine before any flow's state: in every flow's free-text state (a
reflection waiting, a check-in's "which one did you mean?"), a keyword is never kept as what
was asked for; the flow keeps waiting; quoted, the word itself is kept."""

from __future__ import annotations

from sqlalchemy import select

from content import Content
from storage.database import Database
from storage.models import CheckIn, Reflection
from tests.bot.flows.test_checkin import plant
from tests.chat_script import ChatScript


def reflections(database: Database) -> list[str]:
    with database.unit_of_work() as uow:
        return [r.text for r in uow.session.scalars(select(Reflection).order_by(Reflection.id))]


def checkin_notes(database: Database) -> list[str | None]:
    with database.unit_of_work() as uow:
        return [c.notes for c in uow.session.scalars(select(CheckIn))]


def test_keywords_while_a_reflection_waits_are_no_reflection(
    chat: ChatScript, content: Content, database: Database
) -> None:
    general = content.coach.general
    chat.platform = "slack"  # today's prompt waits for a reply in the conversation
    chat.command("reflect")
    assert chat.last.waiting
    for typed, said in (
        ("back", general.nothing_to_go_back_to),
        ("Skip!", general.nothing_to_skip),
        ("MORE", general.nothing_more),
    ):
        chat.say(typed)
        assert chat.text.startswith(said), typed
    assert reflections(database) == []
    chat.say("A real reflection, after all that")  # it was still waiting for one
    assert reflections(database) == ["A real reflection, after all that"]
    chat.command("reflect")
    chat.say("\u2018more\u2019")
    assert reflections(database)[-1] == "more"


def test_keywords_while_a_check_in_waits_for_a_name_log_nothing(
    chat: ChatScript, content: Content, database: Database
) -> None:
    plant(chat, "Board chair")
    chat.command("checkin", "Zelda: coffee at the fair")
    assert chat.last.waiting
    chat.say("back")
    assert content.coach.general.nothing_to_go_back_to in chat.text
    assert checkin_notes(database) == []
    chat.say("chair")  # still choosing: the name is another try, with the kept notes
    assert checkin_notes(database) == ["coffee at the fair"]


def test_a_quoted_sentence_is_kept_as_typed(chat: ChatScript, database: Database) -> None:
    chat.platform = "slack"
    chat.command("reflect")
    chat.say('"Be the change" is on my office wall')
    chat.command("reflect")
    chat.say('"Keep going, even when it is slow"')
    assert reflections(database) == [
        '"Be the change" is on my office wall',
        '"Keep going, even when it is slow"',
    ]
