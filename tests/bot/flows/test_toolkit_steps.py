"""The parts of a toolkit step beyond its questions: overview, checklist, tips, Think Out Loud,
structured work, summary, reminders."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from bot.core.clock import FixedClock
from bot.flows.toolkit import reminder_replies
from content import Content
from storage.database import Database
from storage.models import Answer, ChecklistTick, FlowProgress, ToolkitReminder, WorkRecord
from tests.chat_script import ChatScript


def rows(database: Database, model: type) -> list:  # type: ignore[type-arg]
    with database.unit_of_work() as uow:
        return list(uow.session.scalars(select(model)))


def open_menu(chat: ChatScript, step: int) -> None:
    chat.press(f"toolkit:menu:step-{step}")


class TestOverview:
    def test_shows_all_seven_steps_with_progress_and_a_way_into_each(
        self, chat: ChatScript, content: Content
    ) -> None:
        chat.command("coach", "toolkit")
        words = content.coach.toolkit
        for step in content.toolkit.steps:
            assert step.guiding_question in chat.text
        assert chat.text.count(words.mark_new) == 7
        labels = [c.label for c in chat.choices]
        assert labels[:7] == [words.open_label.format(number=n) for n in range(1, 8)]
        chat.choose(words.open_label.format(number=3))
        assert content.toolkit.steps[2].reflection_questions[0].text in chat.text

    def test_progress_and_continue_after_some_work(
        self, chat: ChatScript, content: Content
    ) -> None:
        chat.command("coach", "toolkit 2")
        chat.say("My strength is storytime.")
        chat.command("coach", "toolkit")
        words = content.coach.toolkit
        assert "1 of 5 answered" in chat.text
        assert chat.choices[0].label == words.continue_label.format(number=2)
        chat.choose(words.continue_label.format(number=2))
        assert content.toolkit.steps[1].reflection_questions[1].text in chat.text

    def test_restart_a_step_from_its_first_question(
        self, chat: ChatScript, content: Content
    ) -> None:
        step = content.toolkit.steps[0]
        chat.command("coach", "toolkit 1")
        chat.say("one")
        open_menu(chat, 1)
        chat.choose(content.coach.labels.restart_step)
        assert chat.replies[-1].text.count(step.reflection_questions[0].text) == 1
        assert chat.replies[-1].quote == "one"


class TestChecklist:
    def test_ticking_and_unticking_is_kept(
        self, chat: ChatScript, database: Database, content: Content
    ) -> None:
        step = content.toolkit.steps[5]  # nine items
        chat.command("coach", "toolkit 6")
        words = content.coach.toolkit
        chat.choose(words.tick_label.format(position=2))
        assert [(t.step_id, t.item_id) for t in rows(database, ChecklistTick)] == [
            ("step-6", step.checklist[1].id)
        ]
        assert words.untick_label.format(position=2) in [c.label for c in chat.choices]
        chat.choose(words.untick_label.format(position=2))
        assert rows(database, ChecklistTick) == []

    def test_every_checklist_item_and_its_details_are_shown(
        self, chat: ChatScript, content: Content
    ) -> None:
        for step in content.toolkit.steps:
            chat.press(f"toolkit:checklist:{step.id}")
            for item in step.checklist:
                assert item.text in chat.text
                for detail in item.details:
                    assert detail in chat.text


class TestTipsAndThinkingOutLoud:
    def test_samples_are_ready_to_copy(self, chat: ChatScript, content: Content) -> None:
        chat.press("toolkit:tips:step-4")
        email = next(t for t in content.toolkit.steps[3].tips if t.kind == "sample_email")
        copyable = [r.copyable for r in chat.replies if r.copyable]
        assert any(email.text in c for c in copyable)
        shown = chat.text + "\n".join(copyable)
        for tip in content.toolkit.steps[3].tips:
            for paragraph in tip.text.split("\n\n"):
                assert paragraph in shown
            for item in tip.items:
                assert item in shown
        protocol = next(t for t in content.toolkit.steps[3].tips if t.kind == "meeting_protocol")
        lead_in = protocol.text.split("\n\n")[0]
        assert chat.text.index(lead_in) < chat.text.index(protocol.items[0])

    def test_a_step_without_tips_says_so(self, chat: ChatScript, content: Content) -> None:
        chat.press("toolkit:tips:step-1")
        assert content.coach.toolkit.no_tips.format(number=1) in chat.text

    def test_think_out_loud_questions_are_optional_extra_reflections(
        self, chat: ChatScript, database: Database, content: Content
    ) -> None:
        step = content.toolkit.steps[0]
        thinks = step.current_conversation.think_out_loud
        chat.press("toolkit:think:step-1")
        assert step.current_conversation.title in chat.text
        assert thinks[0].text in chat.text
        chat.say("Before the pandemic I was braver.")
        assert thinks[1].text in chat.text
        chat.choose(content.coach.labels.skip)
        assert thinks[2].text in chat.text
        chat.say("pause")
        chat.say("resume")
        assert thinks[2].text in chat.text
        stored = {a.question_id: a.text for a in rows(database, Answer)}
        assert stored == {thinks[0].id: "Before the pandemic I was braver."}


class TestWork:
    def test_add_records_with_validation_then_a_picture(
        self, chat: ChatScript, database: Database, content: Content
    ) -> None:
        words = content.coach.toolkit
        chat.press("toolkit:work:continuum")
        assert words.work_empty in chat.text
        chat.choose(content.coach.labels.add_record)
        form = chat.form
        assert form is not None
        chat.submit({"label": "", "position": "11"}, form)
        assert chat.last.form_errors is not None
        assert chat.last.form_errors.errors == {
            "label": words.field_required,
            "position": words.field_unknown_choice,
        }
        assert rows(database, WorkRecord) == []
        chat.submit({"label": "feedback from others", "position": "2"}, form)
        chat.submit({"label": "try new things", "position": "9"}, form)
        chat.submit({"label": "interrupting when excited", "position": ""}, form)
        records = rows(database, WorkRecord)
        assert [r.data for r in records] == [
            {"label": "feedback from others", "position": "2"},
            {"label": "try new things", "position": "9"},
            {"label": "interrupting when excited"},
        ]
        assert "try new things" in chat.text
        [image] = [i for r in chat.replies for i in r.images]
        assert image.data.startswith(b"\x89PNG")

    def test_remove_a_record(self, chat: ChatScript, database: Database, content: Content) -> None:
        chat.press("toolkit:add:questions-ahead")
        form = chat.form
        chat.submit({"question": "What keeps you up at night?"}, form)
        chat.submit({"question": "Where could the library help?"}, form)
        chat.choose(content.coach.labels.remove_record.format(position=1))
        assert [r.data["question"] for r in rows(database, WorkRecord)] == [
            "Where could the library help?"
        ]
        assert content.coach.toolkit.work_removed in chat.text

    def test_a_list_holds_only_so_many(
        self, chat: ChatScript, database: Database, content: Content
    ) -> None:
        section = content.toolkit_work.section("candidate-areas")
        chat.press("toolkit:add:candidate-areas")
        form = chat.form
        for n in range(section.max_records + 1):
            chat.submit({"title": f"Area {n}"}, form)
        assert len(rows(database, WorkRecord)) == section.max_records
        assert content.coach.toolkit.work_full.format(limit=section.max_records) in chat.text

    def test_a_one_record_section_is_filled_in_again_not_added_to(
        self, chat: ChatScript, database: Database, content: Content
    ) -> None:
        chat.press("toolkit:add:chosen-area")
        chat.submit({"title": "Distance Computational Thinking Club"})
        chat.press("toolkit:add:chosen-area")
        assert chat.form is not None
        assert chat.form.fields[0].initial == "Distance Computational Thinking Club"
        chat.submit({"title": "Family Coding Nights"})
        assert [r.data["title"] for r in rows(database, WorkRecord)] == ["Family Coding Nights"]

    def test_venn_choices_and_the_summary_shows_work_and_pictures(
        self, chat: ChatScript, content: Content
    ) -> None:
        chat.press("toolkit:add:venn")
        form = chat.form
        chat.submit({"label": "media literacy", "circles": "district,school,library"}, form)
        chat.submit({"label": "makerspace", "circles": "library"}, form)
        chat.submit({"label": "bad", "circles": "county"}, form)
        assert chat.last.form_errors is not None
        chat.press("toolkit:summary:step-3")
        assert "media literacy" in chat.text
        assert "District, School, Library" in chat.text
        assert any(image.data.startswith(b"\x89PNG") for r in chat.replies for image in r.images)

    def test_step_four_shows_the_continuum_again(self, chat: ChatScript, content: Content) -> None:
        chat.press("toolkit:add:continuum")
        chat.submit({"label": "feedback from others", "position": "1"})
        chat.command("coach", "toolkit 4")
        assert chat.replies[0].images


class TestReminders:
    def test_pausing_offers_a_reminder_where_the_platform_can_send_one(
        self, chat: ChatScript, database: Database, clock: FixedClock, content: Content
    ) -> None:
        chat.command("coach", "toolkit 1")
        chat.say("pause")
        assert content.coach.toolkit.remind_offer not in chat.text  # the terminal can't
        slack = ChatScript(chat.engine, user_id="U-slack", platform="slack")
        slack.reachable_later = True
        slack.command("coach", "toolkit 1")
        slack.say("pause")
        assert content.coach.toolkit.remind_offer in slack.text
        slack.choose(content.coach.labels.remind_3)
        [reminder] = rows(database, ToolkitReminder)
        # 15:00 UTC on the 23rd is 09:00 in Chicago; three days later at 10:00 local (CST).
        assert reminder.next_due_at == datetime(2026, 11, 26, 16, 0, tzinfo=UTC)
        slack.press("toolkit:remind:none")
        assert rows(database, ToolkitReminder) == []


class TestReviewRegressions:
    def test_a_summary_mid_step_says_so_and_does_not_call_questions_skipped(
        self, chat: ChatScript, content: Content
    ) -> None:
        words = content.coach.toolkit
        chat.command("coach", "toolkit 1")
        chat.say("one")
        chat.press("toolkit:summary:step-1")
        assert words.step_so_far.format(number=1) in chat.text
        assert words.step_done.format(number=1) not in chat.text
        assert "(not answered yet)" in chat.text
        assert "(skipped)" not in chat.text

    def test_a_late_form_for_an_earlier_question_keeps_the_place(
        self, chat: ChatScript, database: Database, content: Content
    ) -> None:
        step = content.toolkit.steps[0]
        chat.command("coach", "toolkit 1")
        chat.choose(content.coach.labels.answer_in_form)
        form = chat.form
        chat.say("one")
        chat.say("two")
        chat.submit({"answer": "one, from the form"}, form)
        assert step.reflection_questions[2].text in chat.text
        chat.say("three")
        stored = {a.question_id: a.text for a in rows(database, Answer)}
        assert stored == {
            step.reflection_questions[0].id: "one, from the form",
            step.reflection_questions[1].id: "two",
            step.reflection_questions[2].id: "three",
        }

    def test_no_reminder_once_the_last_step_is_done(self, engine: object, content: Content) -> None:
        from bot.engine.turns import Engine

        assert isinstance(engine, Engine)
        person = ChatScript(engine, user_id="U-slack", platform="slack")
        person.reachable_later = True
        person.command("coach", "toolkit 7")
        for _ in content.toolkit.steps[6].reflection_questions:
            person.say("done")
        [progress] = [p for p in rows(engine.database, FlowProgress) if p.flow_id == "toolkit"]
        assert reminder_replies(content, progress.data) == ()

    def test_saving_the_chosen_area_redraws_the_map_once_in_the_summary(
        self, chat: ChatScript, content: Content
    ) -> None:
        chat.press("toolkit:add:collaboration-map")
        chat.submit({"label": "reading achievement", "kind": "priority", "aligned": "yes"})
        chat.press("toolkit:add:chosen-area")
        chat.submit({"title": "Inquiry-based research"})
        [image] = [i for r in chat.replies for i in r.images]
        assert image.filename == "collaboration-map.png"
        chat.press("toolkit:add:quadrants")
        chat.submit({"who": "The two of us", "when": "", "what": "", "where": ""})
        chat.press("toolkit:summary:step-6")
        names = [i.filename for r in chat.replies for i in r.images]
        assert names == ["collaboration-map.png"]
