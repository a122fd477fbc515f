"""Whatever people write comes back into Slack escaped: nobody pings a channel, mentions someone
or slips in a link through a reflection, a relationship, a check-in's notes, an answer, a work
record, an action item, a channel's name or a team reply.

Each text holds every kind of Slack markup (`<!channel>`, `<!here>`, `<!everyone>`, a user
mention, a channel link, a disguised link) and an `&amp;` of its own. Each surface that shows
it (the slash command's answer, DMs, modals, App Home, the worker's nudges and reminders, the
export) is read from what the fake Web API received or the HTTP answer held: in every mrkdwn
text and every message's `text`, the markup arrives as `&lt;!channel&gt;`, the `&amp;` as
`&amp;amp;`, and no live markup arrives at all. A modal's text input gets the text as written
(Slack does not parse an input's initial value), so editing it changes nothing.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import select

from bot.adapters.slack.sender import SlackSender, worker_client
from bot.core.clock import FixedClock
from bot.engine.turns import Engine
from bot.worker import Worker, WorkerConfig
from content import Content
from storage.database import Database
from storage.models import ActionItem, CheckIn, Reflection, Relationship, TeamPost, TeamReply
from tests.bot.adapters.slack.harness import USER, HttpResponse, SlackHarness
from tests.bot.adapters.slack.slack_text import escaped
from tests.bot.adapters.slack.test_team_prompts import (
    GOOD_FORM,
    TEAM,
    TUESDAY_10_CHICAGO,
    later,
    open_settings,
    reply_event,
)
from tests.bot.test_workspace_isolation import file_text

MARKUP = "<!channel> <!here> <!everyone> <@U123> <#C123> <https://evil|click> &amp; co"
LIVE = ("<!channel>", "<!here>", "<!everyone>", "<@U123>", "<#C123>", "<https://evil|click>")
NAME = f"Mara {MARKUP}"
SHORT_NAME = "Mara <!channel> <!here> <!everyone> <@U123>"  # as much as a nudge shows of it
NEXT_MONDAY_9_CHICAGO = datetime(2026, 11, 30, 15, 0, tzinfo=UTC)
DUE_DAY_CHICAGO = datetime(2026, 12, 1, 15, 0, tzinfo=UTC)


def typed(text: str) -> str:
    """How Slack sends text a person typed in a message or a slash command: their @channel and
    mentions as live markup, a literal `&` as `&amp;` (so their `&amp;` as `&amp;amp;`)."""
    return text.replace("&", "&amp;")


# -- reading what Slack received ----------------------------------------------------------------


def mrkdwn(value: Any) -> list[str]:
    """Every mrkdwn text object's text, anywhere in a payload."""
    found: list[str] = []
    if isinstance(value, dict):
        if value.get("type") == "mrkdwn" and isinstance(value.get("text"), str):
            found.append(value["text"])
        for inner in value.values():
            found += mrkdwn(inner)
    elif isinstance(value, list):
        for inner in value:
            found += mrkdwn(inner)
    return found


def shown(slack: SlackHarness, *responses: HttpResponse) -> list[str]:
    """Every text Slack parses for markup in what the app sent since the fake was cleared: the
    `text` of each message (its notification), and every mrkdwn text in its blocks or view; the
    same in the HTTP answers (a slash command's reply, a modal updated in place)."""
    slack.drain()
    payloads: list[dict[str, Any]] = [call.args for call in slack.fake.calls]
    payloads += [r.json() for r in responses if r.body.startswith(b"{")]
    texts: list[str] = []
    for payload in payloads:
        if isinstance(payload.get("text"), str):
            texts.append(payload["text"])
        texts += mrkdwn(payload)
    return texts


def assert_no_live_markup(texts: list[str]) -> None:
    live = [(token, text) for text in texts for token in LIVE if token in text]
    assert not live, f"live markup sent: {live}"


def assert_escaped(texts: list[str], written: str = MARKUP) -> None:
    """The text came back (escaped exactly as Slack asks), and no markup came back live."""
    joined = "\n".join(texts)
    assert escaped(written) in joined, f"{escaped(written)!r} not shown in:\n{joined}"
    assert_no_live_markup(texts)


def fresh(slack: SlackHarness) -> None:
    slack.drain()
    slack.fake.clear()


def surface(slack: SlackHarness, response: HttpResponse) -> list[str]:
    assert response.status == 200, response.text
    return shown(slack, response)


# -- building things through Slack --------------------------------------------------------------


def modal(slack: SlackHarness, response: HttpResponse) -> dict[str, Any]:
    assert response.status == 200, response.text
    view: dict[str, Any] = slack.fake.wait_for("views.open")[-1].args["view"]
    return view


def add_relationship(slack: SlackHarness) -> Relationship:
    fresh(slack)
    view = modal(slack, slack.command("/coach", "plan add"))
    submitted = slack.submit_view(
        view,
        {
            "name": NAME,
            "kind": "person",
            "constituency": "governing-authority",
            "own_label": "",
            "cadence": "weekly",
            "days": "",
            "strategies": f"Strategy {MARKUP}",
            "measures": f"Measure {MARKUP}",
        },
    )
    assert submitted.status == 200, submitted.text
    slack.drain()
    with slack.db.unit_of_work() as uow:
        relationship = uow.session.scalars(select(Relationship)).one()
    assert relationship.name == NAME  # stored as written: escaping is for Slack only
    return relationship


def log_checkin(slack: SlackHarness, relationship: Relationship) -> None:
    fresh(slack)
    view = modal(slack, slack.command("/checkin", ""))
    submitted = slack.submit_view(
        view,
        {"relationship": str(relationship.id), "when": "2026-11-20", "notes": f"Notes {MARKUP}"},
    )
    assert submitted.status == 200, submitted.text
    slack.drain()
    with slack.db.unit_of_work() as uow:
        assert [c.notes for c in uow.session.scalars(select(CheckIn))] == [f"Notes {MARKUP}"]


def add_action(slack: SlackHarness) -> None:
    fresh(slack)
    assert slack.press({"action_id": "lantern.choice.0", "value": "plan:action-add:"}).status == 200
    view = slack.fake.wait_for("views.open")[-1].args["view"]
    submitted = slack.submit_view(
        view, {"what": f"Call {MARKUP}", "who": f"With {MARKUP}", "when": "2026-12-01"}
    )
    assert submitted.status == 200, submitted.text
    slack.drain()
    with slack.db.unit_of_work() as uow:
        assert uow.session.scalars(select(ActionItem.what)).one() == f"Call {MARKUP}"


def press(slack: SlackHarness, value: str) -> list[str]:
    fresh(slack)
    return surface(slack, slack.press({"action_id": "lantern.choice.0", "value": value}))


@pytest.fixture
def worker(slack: SlackHarness, content: Content, clock: FixedClock) -> Iterator[Worker]:
    """The worker process's tick on the app's database, sending to the same fake Slack."""
    database = Database(slack.database_url)
    engine = Engine(content=content, database=database, clock=clock)
    sender = SlackSender(worker_client("xoxb-test", base_url=slack.fake.url))
    running = Worker(engine, sender, platforms=frozenset({"slack"}), config=WorkerConfig(threads=2))
    yield running
    running.close()
    database.dispose()


# -- the surfaces ------------------------------------------------------------------------------


def test_a_reflection_comes_back_escaped_in_the_answer_the_list_and_app_home(
    slack: SlackHarness,
) -> None:
    fresh(slack)
    saved = surface(slack, slack.command("/reflect", typed(f"Reflection {MARKUP}")))
    with slack.db.unit_of_work() as uow:
        assert uow.session.scalars(select(Reflection.text)).one() == f"Reflection {MARKUP}"
    assert_escaped(saved)

    fresh(slack)
    assert_escaped(surface(slack, slack.command("/coach", "reflections")))

    fresh(slack)
    slack.event({"type": "app_home_opened", "user": USER, "channel": "D123", "tab": "home"})
    slack.fake.wait_for("views.publish")
    assert_escaped(shown(slack))


def test_a_reflection_in_todays_form_is_confirmed_with_no_live_markup(
    slack: SlackHarness,
) -> None:
    fresh(slack)
    view = modal(slack, slack.command("/reflect", ""))
    response = slack.submit_view(view, {"reflection": f"Reflection {MARKUP}"})
    assert response.json()["response_action"] == "update"
    assert_no_live_markup(surface(slack, response))  # confirmed without quoting it
    assert [r.text for r in slack.reflections()] == [f"Reflection {MARKUP}"]


def test_a_relationship_its_words_and_a_checkins_notes_come_back_escaped_everywhere(
    slack: SlackHarness, worker: Worker, clock: FixedClock
) -> None:
    relationship = add_relationship(slack)
    log_checkin(slack, relationship)

    fresh(slack)
    plan = surface(slack, slack.command("/coach", "plan"))
    assert_escaped(plan, NAME)
    detail = press(slack, f"plan:show:{relationship.id}")
    for written in (NAME, f"Strategy {MARKUP}", f"Measure {MARKUP}", f"Notes {MARKUP}"):
        assert_escaped(detail, written)

    fresh(slack)
    slack.command("/checkin", typed(f"Nobody: offered back {MARKUP}"))
    assert_escaped(shown(slack), f"offered back {MARKUP}")  # the notes kept, quoted

    fresh(slack)
    slack.command("/checkin", "")  # the form: the name only in its options (plain text)
    slack.fake.wait_for("views.open")
    assert_no_live_markup(shown(slack))

    fresh(slack)
    slack.event({"type": "app_home_opened", "user": USER, "channel": "D123", "tab": "home"})
    slack.fake.wait_for("views.publish")
    assert_escaped(shown(slack), NAME)

    fresh(slack)
    clock.advance_to(NEXT_MONDAY_9_CHICAGO)
    assert worker.tick().sent >= 1
    assert_escaped(shown(slack), SHORT_NAME)  # the worker's nudge names it, shortened


def test_the_edit_form_holds_the_name_as_written_and_saving_it_keeps_it(
    slack: SlackHarness,
) -> None:
    """An input's initial value is not parsed by Slack: escaping it would show `&lt;` in the
    box and store it so on saving."""
    relationship = add_relationship(slack)
    fresh(slack)
    slack.press({"action_id": "lantern.choice.0", "value": f"plan:edit:{relationship.id}"})
    view = slack.fake.wait_for("views.open")[-1].args["view"]
    inputs = {b["block_id"]: b["element"] for b in view["blocks"] if b["type"] == "input"}
    assert inputs["name"]["initial_value"] == NAME
    assert inputs["strategies"]["initial_value"] == f"Strategy {MARKUP}"
    assert_no_live_markup(mrkdwn(view))

    values = {
        name: element.get("initial_value") or (element.get("initial_option") or {}).get("value", "")
        for name, element in inputs.items()
    }
    assert slack.submit_view(view, values).status == 200
    slack.drain()
    with slack.db.unit_of_work() as uow:
        again = uow.session.get(Relationship, relationship.id)
        assert again is not None
        assert (again.name, again.strategies) == (NAME, f"Strategy {MARKUP}")


def test_an_answer_and_a_work_record_come_back_escaped(slack: SlackHarness) -> None:
    fresh(slack)
    slack.command("/coach", "toolkit 1")
    slack.drain()
    assert slack.dm(typed(f"Answer {MARKUP}")).status == 200
    slack.drain()
    assert [a.text for a in slack.answers()] == [f"Answer {MARKUP}"]
    assert_escaped(press(slack, "toolkit:summary:step-1"), f"Answer {MARKUP}")

    fresh(slack)
    slack.press({"action_id": "lantern.choice.0", "value": "toolkit:edit:step-1/s1-q1"})
    slack.drain()
    answer_forms = [c.args["view"] for c in slack.fake.calls_to("views.open")]
    if answer_forms:  # a form with the answer as written, when the question offers one
        inputs = [b["element"] for b in answer_forms[-1]["blocks"] if b["type"] == "input"]
        assert inputs[0].get("initial_value") == f"Answer {MARKUP}"
    assert_no_live_markup(shown(slack))

    fresh(slack)
    slack.press({"action_id": "lantern.choice.0", "value": "toolkit:add:candidate-areas"})
    view = slack.fake.wait_for("views.open")[-1].args["view"]
    response = slack.submit_view(view, {"title": f"Area {MARKUP}", "description": MARKUP})
    assert response.status == 200
    assert_escaped(shown(slack, response), f"Area {MARKUP}")
    assert_escaped(press(slack, "toolkit:work:candidate-areas"), f"Area {MARKUP}")


def test_goals_and_action_items_come_back_escaped_and_in_the_workers_reminder(
    slack: SlackHarness, worker: Worker, clock: FixedClock
) -> None:
    fresh(slack)
    slack.press({"action_id": "lantern.choice.0", "value": "plan:goals:"})
    view = slack.fake.wait_for("views.open")[-1].args["view"]
    goals = {b["block_id"]: f"Goal {MARKUP}" for b in view["blocks"] if b["type"] == "input"}
    assert slack.submit_view(view, goals).status == 200
    add_relationship(slack)  # the plan's overview shows goals once it has a relationship
    assert_escaped(press(slack, "plan:start:"), f"Goal {MARKUP}")

    add_action(slack)
    actions = press(slack, "plan:actions:")
    assert_escaped(actions, f"Call {MARKUP}")
    assert_escaped(actions, f"With {MARKUP}")

    fresh(slack)
    clock.advance_to(DUE_DAY_CHICAGO)
    assert worker.tick().sent >= 1
    assert_escaped(shown(slack), f"Call {MARKUP}")  # the action's reminder


def test_a_channels_name_comes_back_escaped_in_the_form_the_confirmation_and_the_lists(
    slack: SlackHarness,
) -> None:
    """Slack's channel names hold none of this; a name is shown as Slack sent it, escaped all
    the same, should one ever do."""
    fresh(slack)
    view = open_settings(slack, channel_name=MARKUP)
    assert_escaped(mrkdwn(view))
    response = slack.submit_view(view, GOOD_FORM)
    assert response.json()["response_action"] == "update"
    assert_escaped(surface(slack, response))

    fresh(slack)
    assert_escaped(surface(slack, slack.command("/coach", "subscribe", channel="D123")))

    fresh(slack)
    slack.event({"type": "app_home_opened", "user": USER, "channel": "D123", "tab": "home"})
    slack.fake.wait_for("views.publish")
    assert_escaped(shown(slack))


def test_a_team_reply_is_never_sent_back_live_and_the_export_keeps_it_as_written(
    slack: SlackHarness, worker: Worker, clock: FixedClock
) -> None:
    view = open_settings(slack)
    assert slack.submit_view(view, GOOD_FORM).status == 200
    clock.advance_to(TUESDAY_10_CHICAGO)
    assert worker.tick().sent >= 1
    assert slack.fake.calls_to("chat.postMessage")[-1].args["channel"] == TEAM
    with slack.db.unit_of_work() as uow:
        ts = uow.session.scalars(select(TeamPost.message_ts)).one()
    assert ts
    reply = reply_event(typed(f"Reply {MARKUP}"), ts=later(ts, 60), thread_ts=ts, user=USER)
    assert slack.event(reply).status == 200
    with slack.db.unit_of_work() as uow:
        assert uow.session.scalars(select(TeamReply.text)).one() == f"Reply {MARKUP}"

    fresh(slack)
    response = slack.command("/coach", "export")
    assert response.status == 200
    slack.fake.wait_for("files.completeUploadExternal")
    assert_no_live_markup(shown(slack, response))
    uploads = [c.args["content"] for c in slack.fake.calls_to("file.upload")]
    documents = [file_text(u) for u in uploads if isinstance(u, bytes)]
    assert any(
        f"Reply {MARKUP}" in d or json.dumps(f"Reply {MARKUP}")[1:-1] in d for d in documents
    )


def test_the_check_applies_to_what_it_reads() -> None:
    """The control: the reader finds live markup where it is, and misses no escaped text."""
    with pytest.raises(AssertionError, match="live markup"):
        assert_escaped([escaped(MARKUP), "<!channel>"])
    with pytest.raises(AssertionError, match="not shown"):
        assert_escaped([MARKUP.replace("<", "&lt;")])  # `&amp;` left as it was
    assert mrkdwn({"blocks": [{"text": {"type": "mrkdwn", "text": "a"}}]}) == ["a"]
    assert mrkdwn({"text": {"type": "plain_text", "text": "b"}}) == []
