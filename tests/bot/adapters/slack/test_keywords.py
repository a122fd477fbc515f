"""Keywords typed in a Slack DM (skip, back, more) are commands wherever they are typed, never
answers; quoted, a keyword is the word itself and is kept as the answer. Signed requests into
the real app."""

from __future__ import annotations

from content import Content
from tests.bot.adapters.slack.harness import DM, SlackHarness
from tests.bot.adapters.slack.slack_text import escaped
from tests.bot.adapters.slack.test_toolkit_walk import Person, choice, norm
from tests.guide_reading import answers_in_guide


def test_skip_back_and_more_in_a_dm_move_through_a_step_and_are_never_answers(
    slack: SlackHarness, content: Content
) -> None:
    words = content.coach.toolkit
    step = content.toolkit.steps[0]
    questions = step.reflection_questions
    first_answer = "I asked my team what they needed before offering anything"
    person = Person(slack)

    def asked(index: int) -> str:
        text = words.question.format(
            position=index + 1, total=len(questions), text=questions[index].text
        )
        return norm(escaped(text))

    person.command("toolkit 1")
    assert asked(0) in norm(person.last.text)
    assert words.skipped in person.say("skip").text
    assert asked(1) in norm(person.last.text)
    assert asked(0) in norm(person.say("Back.").text)
    assert words.answer_saved in person.say(first_answer).text
    assert asked(2) in norm(person.say("SKIP").text)
    more = person.say("more")  # the question still waits
    assert escaped(words.menu_heading.format(number=step.number)) in more.text
    assert words.answer_saved in person.say("\u201cback\u201d").text  # quoted: the word itself
    assert asked(3) in norm(person.last.text)
    assert asked(4) in norm(person.say("skip").text)
    person.say("more")

    summary = person.press(choice("summary", step.id)).text
    expected = {questions[0].id: first_answer, questions[2].id: "back"}
    for question in questions:
        answer = expected.get(question.id)
        line = (
            words.summary_item.format(question=question.text, answer=answer)
            if answer
            else words.summary_skipped.format(question=question.text)
        )
        assert norm(escaped(line)) in norm(summary), line
    assert {a.question_id: a.text for a in slack.answers()} == expected

    exported = person.command("export")
    [markdown] = [c.decode("utf-8") for c in exported.uploads() if c.startswith(b"# ")]
    assert answers_in_guide(markdown, content, step) == [
        expected.get(question.id, words.guide_not_answered) for question in questions
    ]


def test_back_while_a_reflection_waits_is_no_reflection(
    slack: SlackHarness, content: Content
) -> None:
    general = content.coach.general
    person = Person(slack)
    opened = slack.command("/reflect", "", channel=DM)
    assert opened.status == 200
    person.cursor = len(slack.fake.calls)
    person.say("back")
    assert escaped(general.nothing_to_go_back_to) in person.last.text
    assert slack.reflections() == []
    person.say('"back"')  # quoted: the word itself is the reflection
    assert [r.text for r in slack.reflections()] == ["back"]
