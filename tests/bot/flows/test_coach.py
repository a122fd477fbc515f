"""Welcome, help, unknown commands and the home page."""

from __future__ import annotations

from content import Content
from tests.chat_script import ChatScript


def test_a_message_with_nothing_running_gets_what_the_coach_can_do(
    chat: ChatScript, content: Content
) -> None:
    chat.say("hello?")
    assert chat.text == content.coach.general.welcome
    assert [c.label for c in chat.choices] == [
        content.coach.labels.start_toolkit,
        content.coach.labels.reflect,
        content.coach.labels.your_plan,
        content.coach.labels.help,
    ]


def test_help_lists_every_command(chat: ChatScript, content: Content) -> None:
    chat.command("coach", "help")
    for command in content.coach.commands.values():
        assert command.usage in chat.text
        assert command.description in chat.text
    chat.command("coach")
    assert all(c.usage in chat.text for c in content.coach.commands.values())


def test_unknown_subcommand_names_it_and_shows_help(chat: ChatScript, content: Content) -> None:
    chat.command("coach", "frobnicate now")
    assert "frobnicate" in chat.text
    assert content.coach.commands["toolkit"].usage in chat.text


def test_resume_with_nothing_paused(chat: ChatScript, content: Content) -> None:
    chat.say("resume")
    assert chat.text == content.coach.general.nothing_to_resume


def test_home_shows_whats_next_and_latest_reflections(chat: ChatScript, content: Content) -> None:
    chat.home()
    page = chat.last.home
    assert page is not None
    first = content.toolkit.steps[0].guiding_question
    assert any(first in line for s in page.sections for line in s.lines)
    whats_next, plan, steps, reflections, _, team, _ = page.sections
    assert team.lines == (content.prompts.team.home_none,)
    assert plan.lines == (content.coach.home.plan_empty,)
    assert content.coach.home.reflections_empty in reflections.lines
    assert len(steps.lines) == 7
    assert content.coach.labels.export in [c.label for c in steps.choices]
    chat.command("reflect", "x" * 1000)
    chat.command("coach", "toolkit 1")
    chat.say("an answer")
    chat.home()
    page = chat.last.home
    assert page is not None
    whats_next, _, steps, reflections, _, _, _ = page.sections
    assert "1 of 5" in whats_next.lines[0]
    second = content.toolkit.steps[0].reflection_questions[1].text
    assert second[:100] in whats_next.lines[1]
    assert [c.label for c in whats_next.choices] == [content.coach.labels.answer_now]
    assert steps.lines[0].startswith(content.coach.toolkit.mark_started)
    [line] = reflections.lines
    assert len(line) < 400  # long reflections are previewed, not pasted whole
