"""Events: direct messages to the coach (never silence, never twice) and the App Home tab."""

from __future__ import annotations

from typing import Any

import pytest
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

from content import Content
from storage.models import Person, Reflection
from tests.bot.adapters.slack.harness import DM, USER, SlackHarness, all_text, buttons, dm_event
from tests.bot.adapters.slack.slack_text import escaped
from tests.fakes.slack_api import BOT_ID, BOT_USER_ID


def posts_to(slack: SlackHarness, channel: str) -> list[Any]:
    return [c for c in slack.fake.calls_to("chat.postMessage") if c.args["channel"] == channel]


def test_a_dm_with_nothing_running_gets_a_welcome_with_buttons(
    slack: SlackHarness, content: Content
) -> None:
    response = slack.dm("hello there")

    assert response.status == 200
    [post] = slack.fake.wait_for("chat.postMessage")
    assert post.args["channel"] == DM
    assert escaped(content.coach.general.welcome) in all_text(post.args["blocks"])
    labels = content.coach.labels
    offered = buttons(post.args["blocks"])
    assert [b["text"]["text"] for b in offered] == [
        labels.start_toolkit,
        labels.reflect,
        labels.your_plan,
        labels.help,
    ]
    assert [b["value"] for b in offered] == [
        "toolkit:start:",
        "reflect:start:",
        "plan:start:",
        "coach:help:",
    ]
    assert slack.stored_nothing()


def test_a_dm_answers_the_toolkit_question_that_waits(
    slack: SlackHarness, content: Content
) -> None:
    slack.command("/coach", "toolkit 1")
    slack.fake.wait_for("chat.postMessage", 3)
    step = content.toolkit.step("step-1")
    first, second = step.reflection_questions[:2]

    response = slack.dm("I expect to be good at new things at once & <quickly>")

    assert response.status == 200
    slack.drain()  # the turn runs after the ack, in the person's queue
    [answer] = slack.answers()
    assert (answer.step_id, answer.question_id) == ("step-1", first.id)
    assert answer.text == "I expect to be good at new things at once & <quickly>"
    saved, asked = slack.fake.wait_for(
        "chat.postMessage", 2, where=lambda call: call.args["channel"] == DM
    )
    assert all_text(saved.args["blocks"]) == content.coach.toolkit.answer_saved
    assert escaped(second.text) in all_text(asked.args["blocks"])


def test_a_retried_event_stores_one_answer_and_sends_one_reply(
    slack: SlackHarness, content: Content
) -> None:
    slack.command("/coach", "toolkit 1")
    slack.fake.wait_for("chat.postMessage", 3)
    slack.drain()
    event = dm_event("my one answer")

    first = slack.event(event, event_id="Ev-retried")
    retry = slack.event(event, event_id="Ev-retried", retry_num=1, retry_reason="http_timeout")

    assert first.status == retry.status == 200
    slack.drain()
    assert [(a.question_id, a.text) for a in slack.answers()] == [("s1-q1", "my one answer")]
    # "Saved." and the next question: the reply of one turn, sent once.
    replies = posts_to(slack, DM)
    assert len(replies) == 2
    assert content.coach.toolkit.answer_saved in all_text(replies[0].args["blocks"])


@pytest.mark.parametrize(
    "event",
    [
        pytest.param(
            {
                "type": "message",
                "subtype": "bot_message",
                "text": "a bot says hi",
                "bot_id": "B-other",
                "ts": "1.1",
                "channel": DM,
                "event_ts": "1.1",
                "channel_type": "im",
            },
            id="another-bot",
        ),
        pytest.param(
            {
                "type": "message",
                "text": "Saved your reflection.",
                "user": BOT_USER_ID,
                "bot_id": BOT_ID,
                "app_id": "A-test",
                "ts": "1.2",
                "team": "T-test",
                "channel": DM,
                "event_ts": "1.2",
                "channel_type": "im",
            },
            id="our-own-message",
        ),
        pytest.param(
            {
                "type": "message",
                "subtype": "message_changed",
                "hidden": True,
                "message": {"type": "message", "text": "edited", "user": USER, "ts": "1.0"},
                "previous_message": {"type": "message", "text": "orig", "user": USER, "ts": "1.0"},
                "channel": DM,
                "ts": "1.3",
                "event_ts": "1.3",
                "channel_type": "im",
            },
            id="an-edit",
        ),
        pytest.param(
            {
                "type": "message",
                "subtype": "message_deleted",
                "hidden": True,
                "deleted_ts": "1.0",
                "channel": DM,
                "ts": "1.4",
                "event_ts": "1.4",
                "channel_type": "im",
            },
            id="a-deletion",
        ),
        pytest.param(
            {**dm_event("hi all"), "channel": "C123", "channel_type": "channel"}, id="a-channel"
        ),
    ],
)
def test_messages_that_are_not_a_persons_dm_are_ignored(
    slack: SlackHarness, event: dict[str, Any]
) -> None:
    slack.command("/coach", "toolkit 1")  # a question waits: an ignored message must not answer it
    slack.fake.wait_for("chat.postMessage", 3)

    response = slack.event(event)

    assert response.status == 200
    slack.drain()
    assert len(slack.fake.calls_to("chat.postMessage")) == 3
    assert slack.answers() == []


def test_opening_the_home_tab_publishes_whats_next_and_latest_reflections(
    slack: SlackHarness, content: Content
) -> None:
    slack.command("/reflect", "Asked before assuming <!channel> & all")

    response = slack.event(
        {"type": "app_home_opened", "user": USER, "channel": DM, "tab": "home", "event_ts": "2.0"}
    )

    assert response.status == 200
    [call] = slack.fake.wait_for("views.publish")
    assert call.args["user_id"] == USER
    view = call.args["view"]
    assert view["type"] == "home"
    shown = all_text(view["blocks"])
    assert content.coach.home.next_heading in shown
    assert "What's next" in shown
    assert content.coach.home.reflections_heading in shown
    assert "Asked before assuming &lt;!channel&gt; &amp; all" in shown
    assert "<!channel>" not in shown
    labels = [b["text"]["text"] for b in buttons(view["blocks"])]
    assert content.coach.labels.start_toolkit in labels
    assert content.coach.labels.reflect in labels


def test_the_home_tab_stays_within_slacks_limits_with_many_long_reflections(
    slack: SlackHarness,
) -> None:
    for number in range(12):
        assert slack.command("/reflect", f"{number:02d} " + "x" * 2897).status == 200
    assert slack.count(Reflection) == 12

    slack.event({"type": "app_home_opened", "user": USER, "channel": DM, "tab": "home"})

    [call] = slack.fake.wait_for("views.publish")
    view = call.args["view"]
    assert len(view["blocks"]) <= 100
    for block in view["blocks"]:
        Block.parse(block).to_dict()  # type: ignore[union-attr]
        if block["type"] == "section":
            assert len(block["text"]["text"]) <= 3000
    View(**view).to_dict()
    assert "11 xxx" in all_text(view["blocks"])  # the newest is shown


def test_the_messages_tab_opening_publishes_nothing(slack: SlackHarness) -> None:
    response = slack.event(
        {"type": "app_home_opened", "user": USER, "channel": DM, "tab": "messages"}
    )

    assert response.status == 200
    slack.drain()
    assert slack.fake.calls_to("views.publish") == []
    assert slack.fake.calls_to("chat.postMessage") == []
    assert slack.count(Person) == 0


def test_a_rate_limited_reply_waits_out_retry_after_and_is_still_sent(
    slack: SlackHarness, content: Content
) -> None:
    slack.fake.fail(
        "chat.postMessage", "ratelimited", status=429, headers={"Retry-After": "1"}, times=1
    )

    slack.dm("hello there")

    first, second = slack.fake.wait_for("chat.postMessage", 2, timeout=10)
    assert first.args["blocks"] == second.args["blocks"]
    assert escaped(content.coach.general.welcome) in all_text(second.args["blocks"])


def test_a_new_persons_time_zone_is_learned_from_users_info_after_the_ack(
    slack: SlackHarness,
) -> None:
    slack.dm("hello there")
    [lookup] = slack.fake.wait_for("users.info")
    assert lookup.args["user"] == USER
    slack.drain()
    with slack.db.unit_of_work() as uow:
        [person] = uow.session.query(Person).all()
        assert person.time_zone == "America/Chicago"

    slack.dm("hello again")
    slack.fake.wait_for("chat.postMessage", 2)
    slack.drain()
    assert len(slack.fake.calls_to("users.info")) == 1  # known now: not asked again


def test_a_time_zone_slack_does_not_report_leaves_the_person_on_utc(
    slack: SlackHarness,
) -> None:
    slack.fake.script("users.info", {"ok": True, "user": {"id": USER, "tz": "Not/AZone"}})
    slack.dm("hello there")
    slack.fake.wait_for("users.info")
    slack.drain()
    with slack.db.unit_of_work() as uow:
        [person] = uow.session.query(Person).all()
        assert person.time_zone is None


def test_a_message_with_a_file_still_gets_an_answer(slack: SlackHarness, content: Content) -> None:
    event = dm_event("here is our strategic plan") | {
        "subtype": "file_share",
        "files": [{"id": "F1", "name": "plan.pdf"}],
    }
    slack.event(event)
    [post] = slack.fake.wait_for("chat.postMessage")
    assert escaped(content.coach.general.welcome) in all_text(post.args["blocks"])
