"""Toolkit steps as conversation scripts: start, answer, skip, back, form, resume, finish."""

from __future__ import annotations

from sqlalchemy import select

from bot.flows.toolkit import FIELD
from content import Content
from storage.database import Database
from storage.models import Answer, AnswerRevision
from tests.chat_script import ChatScript


def answers(database: Database) -> dict[str, str]:
    with database.unit_of_work() as uow:
        return {a.question_id: a.text for a in uow.session.scalars(select(Answer))}


class TestHappyPath:
    def test_start_shows_the_step_and_its_first_question(
        self, chat: ChatScript, content: Content
    ) -> None:
        step = content.toolkit.steps[0]
        chat.command("coach", "toolkit 1")
        assert step.guiding_question in chat.text
        assert step.intro in chat.text
        for competency in step.key_competencies:
            assert competency in chat.text
        for item in step.checklist:
            assert item.action in chat.text
        assert step.reflection_questions[0].text in chat.text
        assert chat.last.waiting

    def test_answers_each_question_in_order_then_sums_up(
        self, chat: ChatScript, database: Database, content: Content
    ) -> None:
        step = content.toolkit.steps[0]
        chat.command("coach", "toolkit 1")
        for n, question in enumerate(step.reflection_questions):
            assert question.text in chat.text
            chat.say(f"answer {n}")
        stored = answers(database)
        assert stored == {q.id: f"answer {n}" for n, q in enumerate(step.reflection_questions)}
        assert content.coach.toolkit.questions_done.format(number=1) in chat.text
        assert not chat.last.waiting
        chat.choose(content.coach.labels.summary)
        assert content.coach.toolkit.step_done.format(number=1) in chat.text
        assert "answer 4" in chat.text
        assert content.toolkit.steps[1].guiding_question in chat.text

    def test_next_step_button_opens_step_two(self, chat: ChatScript, content: Content) -> None:
        chat.command("coach", "toolkit 1")
        for _ in content.toolkit.steps[0].reflection_questions:
            chat.say("done")
        chat.choose(content.coach.labels.summary)
        chat.choose(content.coach.labels.next_step)
        assert content.toolkit.steps[1].reflection_questions[0].text in chat.text

    def test_worked_examples_are_shown_as_hints(self, chat: ChatScript, content: Content) -> None:
        step = content.toolkit.steps[1]
        chat.command("coach", "toolkit 2")
        question = step.reflection_questions[0]
        assert question.examples
        for example in question.examples:
            assert example.text in chat.text


class TestNavigation:
    def test_skip_moves_on_without_storing(
        self, chat: ChatScript, database: Database, content: Content
    ) -> None:
        step = content.toolkit.steps[0]
        chat.command("coach", "toolkit 1")
        chat.choose(content.coach.labels.skip)
        assert step.reflection_questions[1].text in chat.text
        assert answers(database) == {}

    def test_back_shows_the_earlier_answer_and_a_new_reply_replaces_it_as_a_revision(
        self, chat: ChatScript, database: Database, content: Content
    ) -> None:
        step = content.toolkit.steps[0]
        chat.command("coach", "toolkit 1")
        chat.say("first version")
        chat.choose(content.coach.labels.back)
        assert step.reflection_questions[0].text in chat.text
        assert chat.replies[-1].quote == "first version"
        chat.say("second version")
        assert answers(database)[step.reflection_questions[0].id] == "second version"
        with database.unit_of_work() as uow:
            revisions = [r.text for r in uow.session.scalars(select(AnswerRevision))]
        assert revisions == ["first version", "second version"]

    def test_back_on_the_first_question_says_so(self, chat: ChatScript, content: Content) -> None:
        chat.command("coach", "toolkit 1")
        chat.choose(content.coach.labels.back)
        assert content.coach.toolkit.at_first_question in chat.text

    def test_answer_in_a_form(self, chat: ChatScript, database: Database, content: Content) -> None:
        step = content.toolkit.steps[0]
        chat.command("coach", "toolkit 1")
        chat.choose(content.coach.labels.answer_in_form)
        form = chat.form
        assert form is not None
        chat.submit({FIELD: ""}, form)
        assert chat.last.form_errors is not None
        assert answers(database) == {}
        chat.submit({FIELD: "From the form."}, form)
        assert answers(database) == {step.reflection_questions[0].id: "From the form."}
        assert step.reflection_questions[1].text in chat.text

    def test_jump_to_any_step_and_unknown_steps(self, chat: ChatScript, content: Content) -> None:
        chat.command("coach", "toolkit step 5")
        assert content.toolkit.steps[4].guiding_question in chat.text
        chat.command("coach", "toolkit 9")
        assert chat.text == content.coach.toolkit.unknown_step.format(name="9")

    def test_a_stale_button_says_so_and_offers_what_it_can_do(
        self, chat: ChatScript, content: Content
    ) -> None:
        chat.press("toolkit:skip:step-1/no-such-question")
        assert chat.text.startswith(content.coach.general.stale_choice)
        assert content.coach.general.welcome in chat.text
        chat.press("garbage")
        assert chat.text.startswith(content.coach.general.stale_choice)

    def test_a_stale_button_during_a_step_asks_the_waiting_question_again(
        self, chat: ChatScript, database: Database, content: Content
    ) -> None:
        step = content.toolkit.steps[0]
        chat.command("coach", "toolkit 1")
        chat.say("one")
        chat.press("toolkit:skip:step-1/no-such-question")
        assert chat.text.startswith(content.coach.general.stale_choice)
        assert step.reflection_questions[1].text in chat.text
        chat.say("two")
        assert answers(database)[step.reflection_questions[1].id] == "two"


class TestResume:
    def test_quit_and_come_back_resumes_at_the_same_question(
        self, chat: ChatScript, content: Content
    ) -> None:
        step = content.toolkit.steps[0]
        chat.command("coach", "toolkit 1")
        chat.say("one")
        chat.say("two")
        # A new session: the adapter greets with an empty message.
        chat.say("")
        assert "answered 2 of 5" in chat.text
        assert step.reflection_questions[2].text in chat.text
        chat.say("three")
        assert step.reflection_questions[3].text in chat.text

    def test_pause_then_resume(self, chat: ChatScript, content: Content) -> None:
        step = content.toolkit.steps[0]
        chat.command("coach", "toolkit 1")
        chat.say("one")
        chat.say("pause")
        assert chat.text == content.coach.general.paused
        chat.say("an ordinary message while paused")
        assert chat.text == content.coach.general.welcome
        chat.say("resume")
        assert step.reflection_questions[1].text in chat.text

    def test_a_reflection_in_between_does_not_lose_the_place(
        self, chat: ChatScript, content: Content
    ) -> None:
        step = content.toolkit.steps[0]
        chat.command("coach", "toolkit 1")
        chat.say("one")
        chat.command("reflect", "Quick thought.")
        chat.command("coach", "toolkit 1")
        assert step.reflection_questions[1].text in chat.text

    def test_cancel_leaves_the_step_and_keeps_answers(
        self, chat: ChatScript, database: Database, content: Content
    ) -> None:
        chat.command("coach", "toolkit 1")
        chat.say("kept")
        chat.say("cancel")
        assert chat.text == content.coach.general.cancelled
        chat.say("this is not an answer")
        assert chat.text == content.coach.general.welcome
        assert list(answers(database).values()) == ["kept"]
        chat.say("cancel")
        assert chat.text == content.coach.general.nothing_to_cancel

    def test_an_error_elsewhere_does_not_lose_the_waiting_question(
        self, chat: ChatScript, database: Database, content: Content
    ) -> None:
        step = content.toolkit.steps[0]
        chat.command("coach", "toolkit 1")
        chat.say("one")
        chat.command("coach", "toolkit 9")
        assert chat.text == content.coach.toolkit.unknown_step.format(name="9")
        chat.say("two")
        assert answers(database)[step.reflection_questions[1].id] == "two"
        chat.command("coach", "toolkit 1")
        assert step.reflection_questions[2].text in chat.text

    def test_help_in_the_middle_keeps_the_question_waiting(
        self, chat: ChatScript, database: Database, content: Content
    ) -> None:
        chat.command("coach", "toolkit 1")
        chat.say("help")
        assert content.coach.general.help_in_flow in chat.text
        chat.say("my answer")
        assert list(answers(database).values()) == ["my answer"]


class TestReviewRegressions:
    def test_saying_resume_or_continue_mid_step_asks_again_and_stores_nothing(
        self, chat: ChatScript, database: Database, content: Content
    ) -> None:
        step = content.toolkit.steps[0]
        chat.command("coach", "toolkit 1")
        for word in ("continue", "resume"):
            chat.say(word)
            assert step.reflection_questions[0].text in chat.text
        assert answers(database) == {}

    def test_home_after_a_finished_step_points_to_the_next_one(
        self, chat: ChatScript, content: Content
    ) -> None:
        chat.command("coach", "toolkit 1")
        for _ in content.toolkit.steps[0].reflection_questions:
            chat.say("done")
        chat.home()
        page = chat.last.home
        assert page is not None
        [line] = page.sections[0].lines
        assert content.toolkit.steps[1].guiding_question in line
        assert [c.label for c in page.sections[0].choices] == [
            content.coach.labels.continue_toolkit
        ]

    def test_home_after_the_last_step(self, chat: ChatScript, content: Content) -> None:
        chat.command("coach", "toolkit 7")
        for _ in content.toolkit.steps[6].reflection_questions:
            chat.choose(content.coach.labels.skip)
        chat.home()
        page = chat.last.home
        assert page is not None
        assert page.sections[0].lines == (content.coach.home.next_done,)

    def test_the_welcome_offers_to_continue_once_started(
        self, chat: ChatScript, content: Content
    ) -> None:
        chat.command("coach", "toolkit 1")
        chat.say("pause")
        chat.say("hello")
        assert chat.choices[0].label == content.coach.labels.continue_toolkit

    def test_question_groups_from_the_source_are_shown(
        self, chat: ChatScript, content: Content
    ) -> None:
        chat.command("coach", "toolkit 4")
        first = content.toolkit.steps[3].reflection_questions[0]
        assert first.group
        assert first.group in chat.text
