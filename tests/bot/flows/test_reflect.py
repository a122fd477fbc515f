"""/reflect as conversation scripts: happy paths, bad input, and what was stored."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from bot.core.clock import FixedClock
from bot.flows.reflect import FIELD, FORM_ID
from content import Content
from storage.database import Database
from storage.models import Reflection
from tests.chat_script import ChatScript


def stored(database: Database) -> list[Reflection]:
    with database.unit_of_work() as uow:
        return list(uow.session.scalars(select(Reflection).order_by(Reflection.id)))


class TestFreeReflection:
    def test_saves_at_once_and_quotes_it_back(
        self, chat: ChatScript, database: Database, content: Content
    ) -> None:
        chat.command("reflect", "I listened more than I spoke at the board meeting.")
        assert chat.text == content.coach.reflect.saved_free
        assert chat.replies[0].quote == "I listened more than I spoke at the board meeting."
        [row] = stored(database)
        assert row.text == "I listened more than I spoke at the board meeting."
        assert row.prompt is None
        assert row.source == "command"

    def test_keeps_mentions_as_typed(self, chat: ChatScript, database: Database) -> None:
        chat.command("reflect", "<!channel> and <@U123> & friends")
        assert chat.replies[0].quote == "<!channel> and <@U123> & friends"
        assert stored(database)[0].text == "<!channel> and <@U123> & friends"

    def test_is_private_to_its_author(self, chat: ChatScript, engine: object) -> None:
        chat.command("reflect", "Mine alone.")
        other = ChatScript(chat.engine, user_id="U-ben")
        other.command("coach", "reflections")
        assert "Mine alone." not in other.text


class TestTodaysPrompt:
    def test_offers_todays_prompt_in_a_form(self, chat: ChatScript, content: Content) -> None:
        chat.command("reflect")
        form = chat.form
        assert form is not None
        assert form.form_id == FORM_ID
        bank = content.reflection_prompt_bank()
        assert form.context in bank
        assert form.context in chat.text

    def test_prompt_changes_with_the_day_in_the_persons_time_zone(
        self, chat: ChatScript, clock: FixedClock
    ) -> None:
        # 03:00 UTC on the 24th is still the 23rd in Chicago, so the prompt is the 23rd's.
        clock.advance_to(datetime(2026, 11, 23, 15, 0, tzinfo=UTC))
        chat.command("reflect")
        first = chat.form.context if chat.form else None
        clock.advance_to(datetime(2026, 11, 24, 3, 0, tzinfo=UTC))
        chat.command("reflect")
        assert chat.form is not None
        assert chat.form.context == first
        clock.advance_to(datetime(2026, 11, 24, 15, 0, tzinfo=UTC))
        chat.command("reflect")
        assert chat.form is not None
        assert chat.form.context != first

    def test_form_answer_is_saved_with_its_prompt(
        self, chat: ChatScript, database: Database, content: Content
    ) -> None:
        chat.command("reflect")
        prompt = chat.form.context if chat.form else ""
        chat.submit({FIELD: "Our county clerk needs earlier notice of events."})
        assert chat.text == content.coach.reflect.saved
        [row] = stored(database)
        assert (row.prompt, row.source) == (prompt, "form")

    def test_a_reply_in_the_conversation_answers_the_prompt(
        self, chat: ChatScript, database: Database
    ) -> None:
        chat.command("reflect")
        chat.say("The teen advisory board ran the meeting themselves.")
        [row] = stored(database)
        assert row.source == "message"
        assert row.prompt
        chat.say("Hello again")  # the prompt was answered: this is not a second reflection
        assert len(stored(database)) == 1


class TestBadInput:
    def test_whitespace_only_is_refused(
        self, chat: ChatScript, database: Database, content: Content
    ) -> None:
        chat.command("reflect", "    ")
        assert chat.text == content.coach.reflect.empty
        assert stored(database) == []

    def test_emoji_only_is_refused(
        self, chat: ChatScript, database: Database, content: Content
    ) -> None:
        chat.command("reflect", "🙂 🎉")
        assert chat.text == content.coach.reflect.no_words
        assert stored(database) == []

    def test_over_the_limit_names_the_limit_and_the_length(
        self, chat: ChatScript, database: Database, content: Content
    ) -> None:
        limit = content.coach.reflect.max_length
        chat.command("reflect", "a" * (limit + 1))
        assert str(limit) in chat.text
        assert str(limit + 1) in chat.text
        assert stored(database) == []
        chat.command("reflect", "a" * limit)
        assert len(stored(database)) == 1

    def test_bad_form_answer_is_an_error_under_the_field(
        self, chat: ChatScript, database: Database, content: Content
    ) -> None:
        chat.command("reflect")
        form = chat.form
        chat.submit({FIELD: "  "}, form)
        assert chat.last.form_errors is not None
        assert chat.last.form_errors.errors == {FIELD: content.coach.reflect.empty}
        chat.submit({FIELD: "🙂"}, form)
        assert chat.last.form_errors is not None
        assert stored(database) == []

    def test_bad_reply_in_conversation_keeps_waiting(
        self, chat: ChatScript, database: Database, content: Content
    ) -> None:
        chat.command("reflect")
        chat.say("🙂")
        assert chat.text == content.coach.reflect.no_words
        chat.say("Now with words.")
        assert [r.text for r in stored(database)] == ["Now with words."]


class TestHistory:
    def test_looking_at_history_keeps_todays_prompt_waiting(
        self, chat: ChatScript, database: Database
    ) -> None:
        chat.command("reflect")
        chat.command("coach", "reflections")
        chat.say("Answering the prompt after all.")
        [row] = stored(database)
        assert row.prompt
        assert row.source == "message"

    def test_lists_latest_first_with_a_count(self, chat: ChatScript, content: Content) -> None:
        for n in range(7):
            chat.command("reflect", f"Reflection number {n}")
        chat.command("coach", "reflections")
        assert "7 in all" in chat.text
        assert chat.text.index("number 6") < chat.text.index("number 2")
        assert "number 1" not in chat.text  # only the latest five

    def test_empty_history_offers_to_reflect(self, chat: ChatScript, content: Content) -> None:
        chat.command("coach", "reflections")
        assert chat.text == content.coach.reflect.history_empty
        assert [c.label for c in chat.choices] == [content.coach.labels.reflect]


class TestReviewRegressions:
    def test_slack_emoji_shortcodes_alone_are_not_words(
        self, chat: ChatScript, database: Database, content: Content
    ) -> None:
        chat.command("reflect", ":slightly_smiling_face: :tada: :+1::skin-tone-3:")
        assert chat.text == content.coach.reflect.no_words
        assert stored(database) == []
        chat.command("reflect", "Good day :tada:")
        assert [r.text for r in stored(database)] == ["Good day :tada:"]

    def test_a_prompt_left_waiting_is_not_answered_by_a_message_days_later(
        self, chat: ChatScript, database: Database, clock: FixedClock, content: Content
    ) -> None:
        chat.command("reflect")
        clock.advance_to(datetime(2026, 11, 25, 15, 0, tzinfo=UTC))
        chat.say("hi coach")
        assert stored(database) == []
        assert chat.text == content.coach.general.welcome
        chat.say("and again")
        assert chat.text == content.coach.general.welcome

    def test_pause_with_nothing_running(self, chat: ChatScript, content: Content) -> None:
        chat.say("pause")
        assert chat.text == content.coach.general.nothing_to_pause


def test_an_unknown_slash_command_is_named(chat: ChatScript, content: Content) -> None:
    chat.command("frobnicate", "toolkit")
    assert chat.text.startswith(content.coach.general.unknown_command.format(name="/frobnicate"))
    assert not chat.last.waiting
