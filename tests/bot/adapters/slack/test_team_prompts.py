"""Weekly team prompts through Slack: /coach subscribe|pause|resume|unsubscribe in a channel,
the weekly post's buttons, replies in its thread kept, edited and deleted, and the channel lost.

Signed requests go into the real app; its Web API (and the worker's) is the fake on a socket.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import event, select

from bot.adapters.slack.sender import SlackSender, worker_client
from bot.core.clock import FixedClock
from bot.engine.turns import Engine
from bot.worker import Worker, WorkerConfig
from content import Content
from storage.database import Database
from storage.models import Person, TeamPost, TeamReply, TeamSubscription
from tests.bot.adapters.slack.harness import (
    DM,
    USER,
    HttpResponse,
    SlackHarness,
    all_text,
    button,
    buttons,
)
from tests.bot.adapters.slack.slack_text import escaped
from tests.fakes.slack_api import BOT_ID, BOT_USER_ID, TEAM_ID, ApiCall

TEAM = "C-team"  # a public channel Slack names "general" in the harness's commands
COLLEAGUE = "U2"
GOOD_FORM = {"day": "2", "time": "600", "time_zone": "America/Chicago", "themes": ""}
# The clock fixture: Monday 23 November 2026, 09:00 in Chicago; the form asks Tuesdays 10:00.
TUESDAY_10_CHICAGO = datetime(2026, 11, 24, 16, 0, tzinfo=UTC)


@pytest.fixture
def worker(slack: SlackHarness, content: Content, clock: FixedClock) -> Iterator[Worker]:
    """The worker process's tick, on the app's database, sending to the same fake Slack."""
    database = Database(slack.database_url)
    engine = Engine(content=content, database=database, clock=clock)
    sender = SlackSender(worker_client("xoxb-test", base_url=slack.fake.url))
    config = WorkerConfig(threads=2, rate_per_workspace=20)
    running = Worker(engine, sender, platforms=frozenset({"slack"}), config=config)
    yield running
    running.close()
    database.dispose()


# -- helpers -----------------------------------------------------------------------------------


def open_settings(
    slack: SlackHarness, *, user: str = USER, channel: str = TEAM, channel_name: str | None = None
) -> dict[str, Any]:
    before = len(slack.fake.calls_to("views.open"))
    response = slack.command(
        "/coach", "subscribe", user=user, channel=channel, channel_name=channel_name
    )
    assert response.status == 200
    assert response.body == b""  # the modal is the answer
    view: dict[str, Any] = slack.fake.wait_for("views.open", before + 1)[-1].args["view"]
    return view


def subscribe(slack: SlackHarness, *, user: str = USER) -> HttpResponse:
    response = slack.submit_view(open_settings(slack, user=user), GOOD_FORM, user=user)
    assert response.status == 200
    assert response.json()["response_action"] == "update", response.text
    return response


def subscription(slack: SlackHarness, channel: str = TEAM) -> TeamSubscription | None:
    with slack.db.unit_of_work() as uow:
        return uow.session.scalars(
            select(TeamSubscription).where(TeamSubscription.channel_id == channel)
        ).one_or_none()


def status(slack: SlackHarness, channel: str = TEAM) -> tuple[str, str | None]:
    """The channel's subscription's status and why it paused itself (if it did)."""
    stored = subscription(slack, channel)
    assert stored is not None, f"{channel} has no subscription"
    return stored.status, stored.paused_reason


def person(slack: SlackHarness, user: str) -> Person:
    with slack.db.unit_of_work() as uow:
        return uow.session.scalars(select(Person).where(Person.external_id == user)).one()


def kept_replies(slack: SlackHarness) -> list[TeamReply]:
    """The replies kept with their words (a deleted one keeps only its ids)."""
    with slack.db.unit_of_work() as uow:
        rows = uow.session.scalars(select(TeamReply).order_by(TeamReply.id))
        return [row for row in rows if row.deleted_at is None]


def the_post(slack: SlackHarness) -> TeamPost:
    with slack.db.unit_of_work() as uow:
        return uow.session.scalars(select(TeamPost)).one()


def posted_in(slack: SlackHarness, channel: str) -> list[ApiCall]:
    return [c for c in slack.fake.calls_to("chat.postMessage") if c.args["channel"] == channel]


def said_anything(slack: SlackHarness) -> list[str]:
    """Every message, ephemeral message or modal the app sent."""
    chatty = {"chat.postMessage", "chat.postEphemeral", "chat.update", "views.open"}
    return [call.method for call in slack.fake.calls if call.method in chatty]


def post_the_weekly_prompt(
    slack: SlackHarness, worker: Worker, clock: FixedClock
) -> tuple[str, list[dict[str, Any]]]:
    """Subscribe, then let the worker post the week's prompt: its ts and its blocks."""
    subscribe(slack)
    clock.advance_to(TUESDAY_10_CHICAGO)
    assert worker.tick().sent == 1
    [posted] = posted_in(slack, TEAM)
    post = the_post(slack)
    assert post.message_ts
    return post.message_ts, posted.args["blocks"]


def reply_event(
    text: str, *, ts: str, thread_ts: str | None, user: str = COLLEAGUE, **more: Any
) -> dict[str, Any]:
    event: dict[str, Any] = {
        "type": "message",
        "channel": TEAM,
        "channel_type": "channel",
        "user": user,
        "text": text,
        "ts": ts,
        "event_ts": ts,
        "team": TEAM_ID,
        **more,
    }
    if thread_ts is not None:
        event["thread_ts"] = thread_ts
    return event


def later(ts: str, seconds: int) -> str:
    whole, _, fraction = ts.partition(".")
    return f"{int(whole) + seconds}.{fraction or '000000'}"


# -- /coach subscribe in a channel ---------------------------------------------------------------


def test_subscribe_where_the_coach_is_a_member_opens_the_settings_and_confirms_in_the_modal(
    slack: SlackHarness, content: Content
) -> None:
    view = open_settings(slack)

    # Slack was asked about the channel and the person before the modal opened.
    methods = [call.method for call in slack.fake.calls]
    assert methods.index("conversations.info") < methods.index("views.open")
    assert methods.index("users.info") < methods.index("views.open")
    assert slack.fake.calls_to("conversations.info")[0].args["channel"] == TEAM
    assert view["callback_id"] == "lantern.team.settings"
    assert view["private_metadata"] == f"{TEAM}\ngeneral"
    assert "#general" in all_text(view["blocks"])
    inputs = {b["block_id"]: b["element"] for b in view["blocks"] if b["type"] == "input"}
    assert list(inputs) == ["day", "time", "time_zone", "themes"]
    assert inputs["day"]["type"] == "static_select"
    assert inputs["day"]["initial_option"]["value"] == "1"  # Monday
    assert inputs["time"]["initial_option"]["value"] == str(9 * 60 + 30)
    # The subscriber's time zone, from the same users.info answer.
    assert inputs["time_zone"]["initial_value"] == "America/Chicago"
    assert inputs["themes"]["type"] in {"checkboxes", "multi_static_select"}
    assert subscription(slack) is None  # nothing stored until it is submitted

    response = slack.submit_view(view, GOOD_FORM)

    answer = response.json()
    assert answer["response_action"] == "update"
    assert answer["view"]["title"]["text"] == content.prompts.team.form_title
    shown = all_text(answer["view"]["blocks"])
    assert "#general" in shown
    assert "Tuesdays at 10:00 (America/Chicago)" in shown
    stored = subscription(slack)
    assert stored is not None
    assert (stored.channel_name, stored.weekday, stored.post_minute) == ("general", 2, 600)
    assert (stored.time_zone, stored.status) == ("America/Chicago", "active")
    assert stored.next_due_at is not None
    assert stored.next_due_at.replace(tzinfo=UTC) == TUESDAY_10_CHICAGO
    assert stored.person_id == person(slack, USER).id
    slack.drain()
    assert slack.fake.calls_to("chat.postMessage") == []  # confirmed in the modal only


@pytest.mark.parametrize(
    ("channel", "channel_name", "facts", "label"),
    [
        pytest.param(TEAM, "general", {"is_member": False}, "general", id="public-not-a-member"),
        pytest.param(
            "C-secret",
            "privategroup",
            {"error": "channel_not_found"},
            "C-secret",
            id="private-channel-the-bot-cannot-see",
        ),
    ],
)
def test_subscribe_where_the_coach_is_not_a_member_says_privately_how_to_add_it(
    slack: SlackHarness,
    content: Content,
    channel: str,
    channel_name: str,
    facts: dict[str, Any],
    label: str,
) -> None:
    slack.fake.set_channel(channel, **facts)

    response = slack.command("/coach", "subscribe", channel=channel, channel_name=channel_name)

    body = response.json()
    assert body["response_type"] == "ephemeral"
    expected = content.prompts.team.add_the_coach_first.format(channel=label)
    assert escaped(" ".join(expected.split())) in " ".join(all_text(body["blocks"]).split())
    slack.drain()
    assert slack.fake.calls_to("views.open") == []
    assert subscription(slack, channel) is None


def test_a_private_channels_hidden_name_is_asked_of_slack(slack: SlackHarness) -> None:
    slack.fake.set_channel("G-private", name="leaders", is_private=True)

    view = open_settings(slack, channel="G-private", channel_name="privategroup")

    assert view["private_metadata"] == "G-private\nleaders"
    assert "#leaders" in all_text(view["blocks"])


@pytest.mark.parametrize(
    ("channel", "channel_name", "facts"),
    [
        pytest.param(DM, "directmessage", None, id="dm"),
        pytest.param("C-group", "mpdm-ana--ben--cy-1", None, id="group-dm"),
        pytest.param("G-group", "privategroup", {"is_mpim": True}, id="group-dm-as-privategroup"),
    ],
)
def test_subscribe_outside_a_channel_explains_where_it_works(
    slack: SlackHarness,
    content: Content,
    channel: str,
    channel_name: str,
    facts: dict[str, Any] | None,
) -> None:
    if facts is not None:
        slack.fake.set_channel(channel, **facts)

    response = slack.command("/coach", "subscribe", channel=channel, channel_name=channel_name)

    body = response.json()
    assert body["response_type"] == "ephemeral"
    intro = " ".join(content.prompts.team.not_in_a_channel.split())
    assert escaped(intro) in " ".join(all_text(body["blocks"]).split())
    assert len(slack.fake.calls_to("conversations.info")) == (1 if facts else 0)
    slack.drain()
    assert slack.fake.calls_to("views.open") == []
    assert subscription(slack, channel) is None


def test_when_slack_cannot_say_the_command_still_answers_and_may_subscribe(
    slack: SlackHarness,
) -> None:
    slack.fake.admins.add(USER)
    slack.command("/coach", "pause", channel="C-elsewhere")  # Slack says: an admin
    assert person(slack, USER).is_admin is True
    slack.fake.fail("conversations.info", "internal_error")
    slack.fake.fail("users.info", "fatal_error")

    view = open_settings(slack)

    assert view["callback_id"] == "lantern.team.settings"
    assert person(slack, USER).is_admin is True  # not known this time: what was known stays


def test_a_slow_slack_does_not_hold_the_command_past_the_triggers_three_seconds(
    slack: SlackHarness,
) -> None:
    slack.fake.delay = 2.5  # every answer, conversations.info and users.info included

    started = time.monotonic()
    response = slack.command("/coach", "subscribe", channel=TEAM)
    elapsed = time.monotonic() - started

    assert response.status == 200
    assert elapsed < 2.2, f"the ack took {elapsed:.2f} s"
    slack.fake.delay = 0.0
    slack.fake.wait_for("views.open", timeout=10)  # unknown membership does not block it


# -- who may change it, and the private answers ---------------------------------------------------


def test_someone_elses_subscription_is_refused_unless_slack_says_they_are_an_admin(
    slack: SlackHarness, content: Content
) -> None:
    subscribe(slack)
    words = content.prompts.team

    refused = slack.command("/coach", "pause", user=COLLEAGUE, channel=TEAM).json()

    assert refused["response_type"] == "ephemeral"
    refusal = " ".join(words.managed_by_someone_else.format(channel="general").split())
    assert escaped(refusal) in " ".join(all_text(refused["blocks"]).split())
    assert status(slack)[0] == "active"
    assert person(slack, COLLEAGUE).is_admin is False

    slack.fake.admins.add(COLLEAGUE)
    allowed = slack.command("/coach", "pause", user=COLLEAGUE, channel=TEAM).json()

    assert escaped(words.paused.format(channel="general")) in all_text(allowed["blocks"])
    assert status(slack)[0] == "paused"
    still = subscription(slack)
    assert still is not None
    assert still.person_id == person(slack, USER).id  # still the subscriber's
    assert person(slack, COLLEAGUE).is_admin is True


def test_pause_resume_and_unsubscribe_answer_privately_with_their_buttons(
    slack: SlackHarness, content: Content
) -> None:
    subscribe(slack)
    words = content.prompts.team

    paused = slack.command("/coach", "pause", channel=TEAM).json()
    assert paused["response_type"] == "ephemeral"
    assert escaped(words.paused.format(channel="general")) in all_text(paused["blocks"])
    assert [b["value"] for b in buttons(paused["blocks"])] == [
        f"team:resume:{TEAM}",
        f"team:unsubscribe:{TEAM}",
    ]

    resumed = slack.command("/coach", "resume", channel=TEAM).json()
    assert "#general" in all_text(resumed["blocks"])
    assert [b["value"] for b in buttons(resumed["blocks"])] == [
        f"team:edit:{TEAM}",
        f"team:pause:{TEAM}",
        f"team:unsubscribe:{TEAM}",
    ]
    assert status(slack)[0] == "active"

    stopped = slack.command("/coach", "unsubscribe", channel=TEAM).json()
    stopped_text = " ".join(all_text(stopped["blocks"]).split())
    assert escaped(" ".join(words.unsubscribed.format(channel="general").split())) in stopped_text
    undo = button(stopped["blocks"], words.undo)
    assert status(slack)[0] == "unsubscribed"

    # Undo, pressed in the ephemeral answer in the channel, answers there, privately.
    slack.press(undo, channel=TEAM, ephemeral=True)

    [answer] = slack.fake.wait_for("chat.postEphemeral")
    assert (answer.args["channel"], answer.args["user"]) == (TEAM, USER)
    assert "#general" in all_text(answer.args["blocks"])
    assert status(slack)[0] == "active"
    slack.drain()
    assert slack.fake.calls_to("chat.postMessage") == []


def test_change_pressed_in_the_channel_opens_the_settings_modal_again(
    slack: SlackHarness, content: Content
) -> None:
    subscribe(slack)
    paused = slack.command("/coach", "resume", channel=TEAM).json()  # already on: its buttons
    change = button(paused["blocks"], content.prompts.team.edit)

    slack.press(change, channel=TEAM, ephemeral=True, trigger_id="trigger-change")

    opened = slack.fake.wait_for("views.open", 2)[-1]
    assert opened.args["trigger_id"] == "trigger-change"
    inputs = {
        b["block_id"]: b["element"] for b in opened.args["view"]["blocks"] if b["type"] == "input"
    }
    assert inputs["day"]["initial_option"]["value"] == "2"  # what was saved
    assert inputs["time"]["initial_option"]["value"] == "600"


# -- the weekly post and its buttons ---------------------------------------------------------------


def test_the_weekly_post_goes_to_the_channel_with_its_heading_and_buttons(
    slack: SlackHarness, worker: Worker, clock: FixedClock, content: Content
) -> None:
    _, blocks = post_the_weekly_prompt(slack, worker, clock)

    post = the_post(slack)
    assert blocks[0]["type"] == "header"
    assert blocks[0]["text"]["text"] == content.prompts.heading.format(theme=post.theme)
    shown = all_text(blocks)
    for question in post.questions.split("\n"):
        assert escaped(question) in shown
    assert " ".join(content.prompts.privacy_line.split()) in " ".join(shown.split())
    assert [b["text"]["text"] for b in buttons(blocks)] == [
        content.prompts.reply_in_thread,
        content.prompts.reflect_privately,
    ]


def test_reply_in_thread_answers_privately_with_a_link_to_the_thread(
    slack: SlackHarness, worker: Worker, clock: FixedClock, content: Content
) -> None:
    ts, blocks = post_the_weekly_prompt(slack, worker, clock)

    slack.press(
        button(blocks, content.prompts.reply_in_thread), user=COLLEAGUE, channel=TEAM, message_ts=ts
    )

    [answer] = slack.fake.wait_for("chat.postEphemeral")
    assert (answer.args["channel"], answer.args["user"]) == (TEAM, COLLEAGUE)
    shown = " ".join(all_text(answer.args["blocks"]).split())
    assert " ".join(content.prompts.reply_in_thread_how.split()) in shown
    [link] = [b for b in buttons(answer.args["blocks"]) if "url" in b]
    assert link["text"]["text"] == content.prompts.open_thread
    assert link["url"] == (
        f"https://lantern-test.slack.com/archives/{TEAM}/p{ts.replace('.', '')}"
        f"?thread_ts={ts}&cid={TEAM}"
    )
    assert link["action_id"].startswith("lantern.link.")
    slack.drain()
    assert len(posted_in(slack, TEAM)) == 1  # only the weekly post itself
    assert posted_in(slack, COLLEAGUE) == []

    # Slack tells the app of a press on a link button too: acked, nothing more.
    before = len(said_anything(slack))
    pressed = slack.press(link, user=COLLEAGUE, channel=TEAM, ephemeral=True)
    assert pressed.status == 200
    slack.drain()
    assert len(said_anything(slack)) == before


def test_reflect_privately_opens_the_reflect_modal_with_the_prompt_and_keeps_it_private(
    slack: SlackHarness, worker: Worker, clock: FixedClock, content: Content
) -> None:
    ts, blocks = post_the_weekly_prompt(slack, worker, clock)
    post = the_post(slack)

    slack.press(
        button(blocks, content.prompts.reflect_privately),
        user=COLLEAGUE,
        channel=TEAM,
        message_ts=ts,
        trigger_id="trigger-reflect",
    )

    [opened] = slack.fake.wait_for("views.open", 2)[1:]
    assert opened.args["trigger_id"] == "trigger-reflect"
    view = opened.args["view"]
    assert view["callback_id"] == "lantern.reflect.today"
    shown = all_text(view["blocks"])
    assert escaped(content.prompts.reflect_intro.format(theme=post.theme)) in shown
    for question in post.questions.split("\n"):
        assert escaped(question) in shown

    response = slack.submit_view(view, {"reflection": "I will ask Ben first"}, user=COLLEAGUE)

    answer = response.json()
    assert answer["response_action"] == "update"
    assert answer["view"]["title"]["text"] == content.coach.reflect.form_title
    [reflection] = slack.reflections()
    assert reflection.text == "I will ask Ben first"
    assert reflection.prompt == post.questions
    assert reflection.person_id == person(slack, COLLEAGUE).id
    slack.drain()
    assert len(posted_in(slack, TEAM)) == 1
    assert slack.fake.calls_to("chat.postEphemeral") == []
    assert kept_replies(slack) == []  # a private reflection is not a team reply


# -- replies in the thread ------------------------------------------------------------------------


def test_a_thread_reply_is_kept_once_then_edited_then_removed(
    slack: SlackHarness, worker: Worker, clock: FixedClock
) -> None:
    ts, _ = post_the_weekly_prompt(slack, worker, clock)
    reply_ts = later(ts, 60)
    posted = reply_event(
        "We asked the front desk first &amp; it &lt;worked&gt;", ts=reply_ts, thread_ts=ts
    )
    before = len(said_anything(slack))

    assert slack.event(posted, event_id="Ev-reply").status == 200
    assert slack.event(posted, event_id="Ev-reply", retry_num=1).status == 200

    [kept] = kept_replies(slack)
    assert kept.text == "We asked the front desk first & it <worked>"
    assert kept.message_ts == reply_ts
    assert kept.person_id == person(slack, COLLEAGUE).id
    assert kept.post_id == the_post(slack).id
    assert kept.edited_at is None

    edited = {
        "type": "message",
        "subtype": "message_changed",
        "hidden": True,
        "channel": TEAM,
        "channel_type": "channel",
        "ts": later(ts, 120),
        "event_ts": later(ts, 120),
        "message": {
            "type": "message",
            "user": COLLEAGUE,
            "text": "We asked the circulation desk first",
            "ts": reply_ts,
            "thread_ts": ts,
            "edited": {"user": COLLEAGUE, "ts": later(ts, 120)},
        },
        "previous_message": {"type": "message", "user": COLLEAGUE, "ts": reply_ts},
    }
    assert slack.event(edited).status == 200

    [kept] = kept_replies(slack)
    assert kept.text == "We asked the circulation desk first"
    assert kept.edited_at is not None

    deleted = {
        "type": "message",
        "subtype": "message_deleted",
        "hidden": True,
        "channel": TEAM,
        "channel_type": "channel",
        "ts": later(ts, 180),
        "event_ts": later(ts, 180),
        "deleted_ts": reply_ts,
        "previous_message": {
            "type": "message",
            "user": COLLEAGUE,
            "text": "We asked the circulation desk first",
            "ts": reply_ts,
            "thread_ts": ts,
        },
    }
    assert slack.event(deleted).status == 200

    assert kept_replies(slack) == []
    slack.drain()
    assert len(said_anything(slack)) == before  # nobody is answered in a team's thread


def test_a_reply_also_sent_to_the_channel_is_kept_too(
    slack: SlackHarness, worker: Worker, clock: FixedClock
) -> None:
    ts, _ = post_the_weekly_prompt(slack, worker, clock)

    slack.event(
        reply_event(
            "Shared with everyone", ts=later(ts, 5), thread_ts=ts, subtype="thread_broadcast"
        )
    )

    assert [reply.text for reply in kept_replies(slack)] == ["Shared with everyone"]


@pytest.mark.parametrize(
    "kind",
    ["top-level", "other-thread", "bot", "join", "thread-start-edited", "dm-like-group"],
)
def test_messages_that_are_not_a_persons_reply_in_a_prompts_thread_are_not_kept(
    slack: SlackHarness, worker: Worker, clock: FixedClock, kind: str
) -> None:
    ts, _ = post_the_weekly_prompt(slack, worker, clock)
    events = {
        "top-level": reply_event("Morning all", ts=later(ts, 1), thread_ts=None),
        "other-thread": reply_event("Lunch?", ts=later(ts, 2), thread_ts=later(ts, -3600)),
        "bot": reply_event(
            "A bot's reply", ts=later(ts, 3), thread_ts=ts, user=BOT_USER_ID, bot_id=BOT_ID
        ),
        "join": reply_event("joined", ts=later(ts, 4), thread_ts=ts, subtype="channel_join"),
        "thread-start-edited": {
            "type": "message",
            "subtype": "message_changed",
            "channel": TEAM,
            "channel_type": "channel",
            "ts": later(ts, 5),
            "message": {
                "type": "message",
                "user": COLLEAGUE,
                "text": "x",
                "ts": ts,
                "thread_ts": ts,
            },
        },
        "dm-like-group": reply_event(
            "In a group DM", ts=later(ts, 6), thread_ts=ts, channel_type="mpim"
        ),
    }
    before = len(said_anything(slack))

    response = slack.event(events[kind])

    assert response.status == 200
    assert kept_replies(slack) == []
    slack.drain()
    assert len(said_anything(slack)) == before


def test_a_dm_still_reaches_the_coach_while_thread_replies_do_not(
    slack: SlackHarness, worker: Worker, clock: FixedClock
) -> None:
    ts, _ = post_the_weekly_prompt(slack, worker, clock)
    slack.event(reply_event("help", ts=later(ts, 1), thread_ts=ts))
    slack.drain()
    assert posted_in(slack, DM) == []

    slack.dm("help")

    slack.fake.wait_for("chat.postMessage", where=lambda call: call.args["channel"] == DM)


# -- the coach losing the channel -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("event", "reason"),
    [
        ({"type": "channel_left", "channel": TEAM, "actor_id": COLLEAGUE}, "removed"),
        ({"type": "group_left", "channel": TEAM}, "removed"),
        (
            {
                "type": "member_left_channel",
                "user": BOT_USER_ID,
                "channel": TEAM,
                "channel_type": "C",
                "team": TEAM_ID,
            },
            "removed",
        ),
        ({"type": "channel_archive", "channel": TEAM, "user": COLLEAGUE}, "archived"),
        ({"type": "group_archive", "channel": TEAM}, "archived"),
        ({"type": "channel_deleted", "channel": TEAM}, "archived"),
        ({"type": "group_deleted", "channel": TEAM}, "archived"),
    ],
    ids=lambda value: value["type"] if isinstance(value, dict) else value,
)
def test_losing_the_channel_pauses_the_prompt_and_tells_the_subscriber_once(
    slack: SlackHarness,
    worker: Worker,
    clock: FixedClock,
    content: Content,
    event: dict[str, Any],
    reason: str,
) -> None:
    subscribe(slack)

    response = slack.event({**event, "event_ts": f"{time.time():.6f}"})

    assert response.status == 200
    assert status(slack) == ("paused", reason)

    worker.tick()

    notices = posted_in(slack, USER)
    assert len(notices) == 1
    told = getattr(content.prompts.team.paused_itself, reason).format(channel="general")
    assert " ".join(escaped(told).split()) in " ".join(all_text(notices[0].args["blocks"]).split())
    assert posted_in(slack, TEAM) == []

    # The other events of the same loss, and the weeks after: nothing more is sent.
    slack.event({"type": "channel_archive", "channel": TEAM, "event_ts": f"{time.time():.6f}"})
    slack.event({"type": "channel_left", "channel": TEAM, "event_ts": f"{time.time():.6f}"})
    worker.tick()
    clock.advance_to(TUESDAY_10_CHICAGO + timedelta(days=7))
    worker.tick()
    assert len(posted_in(slack, USER)) == 1
    assert posted_in(slack, TEAM) == []
    assert status(slack) == ("paused", reason)  # the first reason stays


def test_resume_after_the_coach_was_removed_waits_until_it_is_back_in_the_channel(
    slack: SlackHarness, content: Content
) -> None:
    subscribe(slack)
    slack.event({"type": "channel_left", "channel": TEAM, "event_ts": f"{time.time():.6f}"})
    slack.fake.set_channel(TEAM, is_member=False)

    refused = slack.command("/coach", "resume", channel=TEAM).json()

    add_first = " ".join(content.prompts.team.add_the_coach_first.format(channel="general").split())
    assert escaped(add_first) in " ".join(all_text(refused["blocks"]).split())
    assert status(slack) == ("paused", "removed")

    slack.fake.set_channel(TEAM, is_member=True)  # /invite @Lantern
    resumed = slack.command("/coach", "resume", channel=TEAM).json()

    assert "#general" in all_text(resumed["blocks"])
    assert status(slack) == ("active", None)


def test_someone_else_leaving_the_channel_changes_nothing(
    slack: SlackHarness, worker: Worker
) -> None:
    subscribe(slack)

    slack.event(
        {
            "type": "member_left_channel",
            "user": COLLEAGUE,
            "channel": TEAM,
            "channel_type": "C",
            "team": TEAM_ID,
        }
    )

    assert status(slack)[0] == "active"
    worker.tick()
    assert posted_in(slack, USER) == []


# -- admins --------------------------------------------------------------------------------------


def test_a_profile_change_keeps_whether_someone_is_an_admin(slack: SlackHarness) -> None:
    slack.command("/reflect", "A first thought")  # the coach knows them now

    def change(**flags: bool) -> None:
        user = {"id": USER, "team_id": TEAM_ID, "tz": "America/Chicago", "deleted": False}
        assert slack.event({"type": "user_change", "user": {**user, **flags}}).status == 200

    change(is_admin=False, is_owner=True, is_primary_owner=False)
    assert person(slack, USER).is_admin is True
    change(is_admin=False, is_owner=False, is_primary_owner=False)
    assert person(slack, USER).is_admin is False
    change(is_admin=True, is_owner=False, is_primary_owner=False)
    assert person(slack, USER).is_admin is True
    change()  # a user object without the admin fields says nothing about them
    assert person(slack, USER).is_admin is True


def _deletion(ts: str, reply_ts: str) -> dict[str, Any]:
    return {
        "type": "message",
        "subtype": "message_deleted",
        "hidden": True,
        "channel": TEAM,
        "channel_type": "channel",
        "ts": later(ts, 180),
        "event_ts": later(ts, 180),
        "deleted_ts": reply_ts,
        "previous_message": {"type": "message", "user": COLLEAGUE, "ts": reply_ts, "thread_ts": ts},
    }


def test_a_deletion_the_database_could_not_keep_is_answered_with_an_error_so_slack_retries(
    slack: SlackHarness, worker: Worker, clock: FixedClock
) -> None:
    ts, _ = post_the_weekly_prompt(slack, worker, clock)
    reply_ts = later(ts, 60)
    slack.event(reply_event("Keep this for now", ts=reply_ts, thread_ts=ts))
    assert len(kept_replies(slack)) == 1

    failures = {"left": 1}

    def fail_once(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if failures["left"] and statement.lstrip().upper().startswith("UPDATE TEAM_REPLIES"):
            failures["left"] -= 1
            raise sqlite3.OperationalError("disk I/O error")

    engine = slack.web_app.database.engine
    event.listen(engine, "before_cursor_execute", fail_once)
    try:
        answer = slack.event(_deletion(ts, reply_ts), event_id="Ev-delete")
        assert answer.status >= 500  # Slack sends it again
        assert len(kept_replies(slack)) == 1
        retried = slack.event(_deletion(ts, reply_ts), event_id="Ev-delete", retry_num=1)
        assert retried.status == 200
    finally:
        event.remove(engine, "before_cursor_execute", fail_once)
    assert kept_replies(slack) == []


def test_a_deleted_channel_takes_its_kept_replies_with_it(
    slack: SlackHarness, worker: Worker, clock: FixedClock
) -> None:
    ts, _ = post_the_weekly_prompt(slack, worker, clock)
    slack.event(reply_event("Said in a channel about to go", ts=later(ts, 60), thread_ts=ts))
    assert len(kept_replies(slack)) == 1
    slack.event({"type": "channel_deleted", "channel": TEAM, "event_ts": later(ts, 300)})
    assert kept_replies(slack) == []
    assert subscription(slack).status == "paused"
