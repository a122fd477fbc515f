"""Buttons and modals: forms that open, validate under the field, save, and move the flow on."""

from __future__ import annotations

from typing import Any

import pytest

from bot.core.clock import FixedClock
from content import Content
from tests.bot.adapters.slack.harness import DM, USER, SlackHarness, all_text, button, buttons
from tests.bot.adapters.slack.slack_text import escaped, todays_prompt


def open_reflect_modal(slack: SlackHarness) -> dict[str, Any]:
    slack.command("/reflect", "")
    [call] = slack.fake.wait_for("views.open")
    view: dict[str, Any] = call.args["view"]
    return view


def start_toolkit(slack: SlackHarness) -> list[dict[str, Any]]:
    """Start the toolkit; the blocks of the message asking its first question."""
    slack.command("/coach", "toolkit 1")
    _, _, question = slack.fake.wait_for("chat.postMessage", 3)  # intro, checklist, question
    slack.fake.clear()
    blocks: list[dict[str, Any]] = question.args["blocks"]
    return blocks


# -- the /reflect modal --------------------------------------------------------------------


def test_submitting_the_reflect_modal_confirms_in_the_modal_and_saves_with_the_prompt(
    slack: SlackHarness, content: Content, clock: FixedClock
) -> None:
    view = open_reflect_modal(slack)

    response = slack.submit_view(view, {"reflection": "  I asked before deciding.  "})

    assert response.status == 200
    body = response.json()
    assert body["response_action"] == "update"
    assert body["view"]["type"] == "modal"
    assert content.coach.reflect.saved in all_text(body["view"]["blocks"])
    assert body["view"]["title"]["text"] == content.coach.reflect.form_title
    [reflection] = slack.reflections()
    assert reflection.text == "I asked before deciding."
    assert reflection.prompt == todays_prompt(content, clock.now())
    assert reflection.source == "form"
    slack.drain()
    assert slack.fake.calls_to("chat.postMessage") == []


@pytest.mark.parametrize(("text", "message"), [("     ", "empty"), ("🙂🙂", "no_words")])
def test_a_reflect_modal_without_words_shows_the_error_under_the_field(
    slack: SlackHarness, content: Content, text: str, message: str
) -> None:
    view = open_reflect_modal(slack)

    response = slack.submit_view(view, {"reflection": text})

    assert response.status == 200
    body = response.json()
    assert body == {
        "response_action": "errors",
        "errors": {"reflection": getattr(content.coach.reflect, message)},
    }
    assert slack.reflections() == []


def test_an_over_long_reflect_modal_names_the_limit_and_the_length(
    slack: SlackHarness,
) -> None:
    view = open_reflect_modal(slack)

    response = slack.submit_view(view, {"reflection": "z" * 3001})

    body = response.json()
    assert body["response_action"] == "errors"
    message = body["errors"]["reflection"]
    assert "3000" in message
    assert "3001" in message
    assert len(message) <= 2000
    assert slack.reflections() == []


def test_when_the_modal_cannot_open_the_prompt_is_asked_in_the_dm_instead(
    slack: SlackHarness, content: Content, clock: FixedClock, caplog: pytest.LogCaptureFixture
) -> None:
    slack.fake.fail("views.open", "expired_trigger_id")

    response = slack.command("/reflect", "")

    assert response.status == 200
    slack.fake.wait_for("views.open")
    [post] = slack.fake.wait_for("chat.postMessage")
    assert post.args["channel"] == USER
    assert escaped(todays_prompt(content, clock.now())) in all_text(post.args["blocks"])
    slack.drain()
    assert "expired_trigger_id" in caplog.text
    # ... and the answer typed there is saved against that prompt.
    slack.dm("I decided to wait a day.")
    slack.drain()
    [reflection] = slack.reflections()
    assert reflection.text == "I decided to wait a day."
    assert reflection.prompt == todays_prompt(content, clock.now())


def test_a_dm_after_the_reflect_modal_was_closed_is_not_taken_as_the_reflection(
    slack: SlackHarness, content: Content
) -> None:
    view = open_reflect_modal(slack)
    closed = slack.close_view(view)
    assert closed.status == 200

    slack.dm("hi, what can you do?")

    [post] = slack.fake.wait_for("chat.postMessage")
    assert slack.reflections() == []
    assert content.coach.reflect.saved not in all_text(post.args["blocks"])


# -- toolkit buttons -----------------------------------------------------------------------


def test_answer_in_a_form_opens_a_modal_and_submitting_it_saves_and_asks_the_next(
    slack: SlackHarness, content: Content
) -> None:
    question = start_toolkit(slack)
    step = content.toolkit.step("step-1")
    first, second = step.reflection_questions[:2]

    pressed = slack.press(
        button(question, content.coach.labels.answer_in_form), trigger_id="trigger-form"
    )

    assert pressed.status == 200
    [opened] = slack.fake.wait_for("views.open")
    assert opened.args["trigger_id"] == "trigger-form"
    view = opened.args["view"]
    assert view["callback_id"].startswith("lantern.")
    assert view["private_metadata"] == f"step-1/{first.id}"
    assert view["title"]["text"] == content.coach.toolkit.form_title

    submitted = slack.submit_view(view, {"answer": "When a new system arrives, I freeze."})

    assert submitted.status == 200
    assert submitted.body == b""  # the modal closes; the conversation goes on in the DM
    [answer] = slack.answers()
    assert (answer.step_id, answer.question_id) == ("step-1", first.id)
    assert answer.text == "When a new system arrives, I freeze."
    posts = slack.fake.wait_for("chat.postMessage", 2)
    assert {post.args["channel"] for post in posts} == {USER}
    shown = "\n".join(all_text(post.args["blocks"]) for post in posts)
    assert content.coach.toolkit.answer_saved in shown
    assert escaped(second.text) in shown


def test_an_empty_toolkit_form_shows_the_error_under_the_field(
    slack: SlackHarness, content: Content
) -> None:
    question = start_toolkit(slack)
    slack.press(button(question, content.coach.labels.answer_in_form))
    [opened] = slack.fake.wait_for("views.open")

    response = slack.submit_view(opened.args["view"], {"answer": "  "})

    assert response.json() == {
        "response_action": "errors",
        "errors": {"answer": content.coach.toolkit.empty_answer},
    }
    assert slack.answers() == []


def test_skip_posts_the_next_question_and_stores_nothing(
    slack: SlackHarness, content: Content
) -> None:
    question = start_toolkit(slack)
    second = content.toolkit.step("step-1").reflection_questions[1]

    response = slack.press(button(question, content.coach.labels.skip))

    assert response.status == 200
    posts = slack.fake.wait_for("chat.postMessage", 2)
    shown = "\n".join(all_text(post.args["blocks"]) for post in posts)
    assert escaped(content.coach.toolkit.skipped) in shown
    assert escaped(second.text) in shown
    assert any(
        b["value"].endswith(f"step-1/{second.id}")
        for post in posts
        for b in buttons(post.args["blocks"])
    )
    assert slack.answers() == []


@pytest.mark.parametrize(
    "value",
    ["garbage", "", "toolkit:skip:step-99/s9-q1", "toolkit:frobnicate:step-1/s1-q1", "x" * 2000],
)
def test_a_garbage_or_stale_button_gets_a_friendly_reply(
    slack: SlackHarness, content: Content, value: str
) -> None:
    response = slack.block_action({"action_id": "lantern.choice.0", "value": value})

    assert response.status == 200
    [post] = slack.fake.wait_for("chat.postMessage")
    assert post.args["channel"] == USER
    assert escaped(content.coach.general.stale_choice) in all_text(post.args["blocks"])
    assert buttons(post.args["blocks"])  # somewhere to go from here
    assert slack.stored_nothing()


def test_a_button_on_the_ephemeral_confirmation_in_a_channel_answers_privately_there(
    slack: SlackHarness, content: Content
) -> None:
    answer = slack.command("/reflect", "A thought worth keeping")
    history = button(answer.json()["blocks"], content.coach.labels.reflections)

    response = slack.press(history, channel="C123", ephemeral=True)

    assert response.status == 200
    [shown] = slack.fake.wait_for("chat.postEphemeral")
    assert (shown.args["channel"], shown.args["user"]) == ("C123", USER)
    text = all_text(shown.args["blocks"])
    assert escaped(content.coach.reflect.history_heading.format(count=1)) in text
    assert "A thought worth keeping" in text
    slack.drain()
    assert slack.fake.calls_to("chat.postMessage") == []  # nothing in the channel, nor the DM


def test_reflect_now_on_the_home_tab_opens_the_modal(slack: SlackHarness, content: Content) -> None:
    slack.event({"type": "app_home_opened", "user": USER, "channel": DM, "tab": "home"})
    [published] = slack.fake.wait_for("views.publish")
    reflect = button(published.args["view"]["blocks"], content.coach.labels.reflect)

    slack.press(reflect, trigger_id="trigger-home")

    [opened] = slack.fake.wait_for("views.open")
    assert opened.args["trigger_id"] == "trigger-home"
    assert opened.args["view"]["callback_id"].startswith("lantern.")


def test_a_submission_of_a_form_lantern_does_not_know_is_acknowledged_and_ignored(
    slack: SlackHarness,
) -> None:
    view = {
        "type": "modal",
        "callback_id": "lantern.nosuchflow.form",
        "private_metadata": "",
        "title": {"type": "plain_text", "text": "Old"},
        "blocks": [
            {
                "type": "input",
                "block_id": "field",
                "label": {"type": "plain_text", "text": "Field"},
                "element": {"type": "plain_text_input", "action_id": "value"},
            }
        ],
    }

    response = slack.submit_view(view, {"field": "some text"})

    assert response.status == 200
    assert response.body == b""
    [post] = slack.fake.wait_for("chat.postMessage")
    assert post.args["channel"] == USER
    assert slack.stored_nothing()


def test_a_button_in_a_channel_that_starts_a_conversation_continues_it_in_the_dm(
    slack: SlackHarness, content: Content
) -> None:
    step_one = {"action_id": "lantern.choice.0", "value": "toolkit:open:step-1"}

    slack.press(step_one, channel="C123", ephemeral=True)

    [pointer] = slack.fake.wait_for("chat.postEphemeral")
    assert (pointer.args["channel"], pointer.args["user"]) == ("C123", USER)
    assert all_text(pointer.args["blocks"]) == escaped(content.coach.general.continue_in_dm)
    asked = slack.fake.wait_for("chat.postMessage")
    assert {post.args["channel"] for post in asked} == {USER}
    slack.drain()
    assert len(slack.fake.calls_to("chat.postEphemeral")) == 1
