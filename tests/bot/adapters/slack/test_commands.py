"""Slash commands: /reflect answered privately in the ack, /coach help, toolkit and unknowns."""

from __future__ import annotations

import pytest

from bot.core.clock import FixedClock
from content import Content
from tests.bot.adapters.slack.harness import CHANNEL, USER, SlackHarness, all_text, buttons
from tests.bot.adapters.slack.slack_text import escaped, todays_prompt


def test_reflect_with_text_is_confirmed_privately_quoting_it_back(
    slack: SlackHarness, content: Content
) -> None:
    response = slack.command("/reflect", "I listened more than I spoke")

    assert response.status == 200
    body = response.json()
    assert body["response_type"] == "ephemeral"
    assert body["text"] == content.coach.reflect.saved_free
    text = all_text(body["blocks"])
    assert content.coach.reflect.saved_free in text
    assert "&gt; I listened more than I spoke" in text
    [reflection] = slack.reflections()
    assert reflection.text == "I listened more than I spoke"
    assert reflection.prompt is None
    assert reflection.source == "command"


def test_reflect_echo_can_never_ping_anyone_but_the_stored_text_is_the_original(
    slack: SlackHarness,
) -> None:
    original = "<!channel> hi <@U123> & co"

    response = slack.command("/reflect", original)

    assert response.status == 200
    assert "&lt;!channel&gt;" in response.text
    assert "&lt;@U123&gt;" in response.text
    assert "&amp; co" in response.text
    assert "<!channel>" not in response.text
    assert "<@U123>" not in response.text
    assert [r.text for r in slack.reflections()] == [original]


def test_reflect_text_that_slack_escaped_is_stored_as_typed_and_echoed_escaped_once(
    slack: SlackHarness,
) -> None:
    # Slack sends `&`, `<` and `>` in typed text as entities; the person typed "Q&A <3".
    response = slack.command("/reflect", "Q&amp;A &lt;3")

    assert response.status == 200
    assert [r.text for r in slack.reflections()] == ["Q&A <3"]
    text = all_text(response.json()["blocks"])
    assert "&gt; Q&amp;A &lt;3" in text
    assert "&amp;amp;" not in text


@pytest.mark.parametrize(
    ("text", "message"),
    [("   ", "empty"), ("🙂", "no_words"), ("🙂 🙂 …", "no_words")],
)
def test_reflect_without_words_is_a_friendly_private_error_with_nothing_stored(
    slack: SlackHarness, content: Content, text: str, message: str
) -> None:
    response = slack.command("/reflect", text)

    assert response.status == 200
    body = response.json()
    assert body["response_type"] == "ephemeral"
    assert all_text(body["blocks"]) == escaped(getattr(content.coach.reflect, message))
    assert slack.reflections() == []


def test_reflect_over_the_limit_names_the_limit_and_stores_nothing(
    slack: SlackHarness, content: Content
) -> None:
    limit = content.coach.reflect.max_length
    assert limit == 3000

    response = slack.command("/reflect", "a" * (limit + 1))

    assert response.status == 200
    body = response.json()
    assert body["response_type"] == "ephemeral"
    expected = content.coach.reflect.too_long.format(length=limit + 1, limit=limit)
    assert all_text(body["blocks"]) == escaped(expected)
    assert "3000" in expected
    assert "3001" in expected
    assert slack.reflections() == []


def test_reflect_at_exactly_the_limit_is_saved(slack: SlackHarness, content: Content) -> None:
    text = "b" * content.coach.reflect.max_length

    response = slack.command("/reflect", text)

    assert response.status == 200
    assert [r.text for r in slack.reflections()] == [text]
    for block in response.json()["blocks"]:
        if block["type"] == "section":
            assert len(block["text"]["text"]) <= 3000


def test_reflect_alone_opens_todays_prompt_in_a_modal(
    slack: SlackHarness, content: Content, clock: FixedClock
) -> None:
    response = slack.command("/reflect", "", trigger_id="trigger-for-reflect")

    assert response.status == 200
    assert response.body == b""  # the modal is the answer
    [call] = slack.fake.wait_for("views.open")
    assert call.token == "xoxb-test"
    assert call.args["trigger_id"] == "trigger-for-reflect"
    view = call.args["view"]
    assert view["type"] == "modal"
    assert view["callback_id"].startswith("lantern.")
    prompt = todays_prompt(content, clock.now())
    assert escaped(prompt) in all_text(view["blocks"])
    assert view["private_metadata"] == prompt
    [field] = [block for block in view["blocks"] if block["type"] == "input"]
    assert field["element"]["max_length"] == content.coach.reflect.max_length
    slack.drain()
    assert slack.fake.calls_to("chat.postMessage") == []
    assert slack.reflections() == []


@pytest.mark.parametrize("text", ["help", "", "HELP"])
def test_coach_help_lists_every_command(slack: SlackHarness, content: Content, text: str) -> None:
    response = slack.command("/coach", text)

    assert response.status == 200
    body = response.json()
    assert body["response_type"] == "ephemeral"
    shown = all_text(body["blocks"])
    assert content.coach.general.help_heading in shown
    for command in content.coach.commands.values():
        assert escaped(command.usage) in shown
        assert escaped(command.description) in shown


def test_coach_unknown_command_names_it_and_shows_the_help(
    slack: SlackHarness, content: Content
) -> None:
    response = slack.command("/coach", "frobnicate now")

    assert response.status == 200
    shown = all_text(response.json()["blocks"])
    assert escaped(content.coach.general.unknown_command.format(name="frobnicate")) in shown
    for command in content.coach.commands.values():
        assert escaped(command.usage) in shown


def test_coach_unknown_command_cannot_ping_through_its_name(slack: SlackHarness) -> None:
    response = slack.command("/coach", "<!here>")

    assert response.status == 200
    assert "&lt;!here&gt;" in response.text
    assert "<!here>" not in response.text


def test_coach_toolkit_shows_the_seven_steps_privately_with_buttons_to_open_each(
    slack: SlackHarness, content: Content
) -> None:
    response = slack.command("/coach", "toolkit", channel=CHANNEL)

    assert response.status == 200
    body = response.json()
    assert body["response_type"] == "ephemeral"
    shown = all_text(body["blocks"])
    for step in content.toolkit.steps:
        assert escaped(step.guiding_question) in shown
    labels = [b["text"]["text"] for b in buttons(body["blocks"])]
    words = content.coach.toolkit
    assert [words.open_label.format(number=n) for n in range(1, 8)] == labels[:7]
    assert labels[-1] == content.coach.labels.export


def test_coach_toolkit_with_a_step_points_to_the_dm_and_opens_the_step_there(
    slack: SlackHarness, content: Content
) -> None:
    response = slack.command("/coach", "toolkit 1", channel=CHANNEL)

    assert response.status == 200
    body = response.json()
    assert body["response_type"] == "ephemeral"
    assert all_text(body["blocks"]) == escaped(content.coach.general.continue_in_dm)

    intro, checklist, question = slack.fake.wait_for("chat.postMessage", 3)
    assert {intro.args["channel"], checklist.args["channel"], question.args["channel"]} == {USER}
    assert intro.token == question.token == "xoxb-test"
    step = content.toolkit.step("step-1")
    heading = content.coach.toolkit.step_heading.format(number=1, question=step.guiding_question)
    assert all_text(intro.args["blocks"]).startswith(escaped(heading))
    assert len(buttons(checklist.args["blocks"])) == len(step.checklist) + 1  # and "More"
    assert escaped(step.reflection_questions[0].text) in all_text(question.args["blocks"])
    labels = content.coach.labels
    offered = [b["text"]["text"] for b in buttons(question.args["blocks"])]
    assert offered == [labels.answer_in_form, labels.skip, labels.back, labels.more_in_step]


def test_coach_reflections_lists_what_was_saved(slack: SlackHarness, content: Content) -> None:
    slack.command("/reflect", "first thought")
    slack.command("/reflect", "second thought")

    response = slack.command("/coach", "reflections")

    shown = all_text(response.json()["blocks"])
    assert escaped(content.coach.reflect.history_heading.format(count=2)) in shown
    assert shown.index("second thought") < shown.index("first thought")


def test_coach_export_acks_at_once_and_uploads_the_guide_to_the_dm(
    slack: SlackHarness, content: Content
) -> None:
    slack.command("/reflect", "A thought for the guide")
    response = slack.command("/coach", "export", channel=CHANNEL)

    assert response.status == 200
    assert all_text(response.json()["blocks"]) == escaped(content.coach.toolkit.export_preparing)
    [done] = slack.fake.wait_for("files.completeUploadExternal", timeout=15)
    titles = [f["title"] for f in done.args["files"]]
    assert any(title.endswith(".md") for title in titles)
    assert any(title.endswith(".docx") for title in titles)
    assert done.args["channel_id"].startswith("D")
    uploads = slack.fake.calls_to("file.upload")
    markdown = next(u for u in uploads if b"A thought for the guide" in u.args["content"])
    assert markdown
