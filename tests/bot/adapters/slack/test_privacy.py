"""Privacy through Slack: `/coach export` uploads all of a person's data as JSON with the guide;
`/coach forget` answers privately with what would go and a danger button, and only that button,
pressed by that person, deletes it. Signed requests into the real app; a fake Web API."""

from __future__ import annotations

import json
from typing import Any

from slack_sdk.models.blocks import Block
from sqlalchemy import select

from content import Content
from storage.models import Person, Reflection
from tests.bot.adapters.slack.harness import (
    CHANNEL,
    DM,
    USER,
    SlackHarness,
    all_text,
    button,
    buttons,
)
from tests.bot.adapters.slack.slack_text import escaped

COLLEAGUE = "U2"


def people(slack: SlackHarness) -> list[str]:
    with slack.db.unit_of_work() as uow:
        return sorted(uow.session.scalars(select(Person.external_id)))


def reflections(slack: SlackHarness) -> list[str]:
    return [r.text for r in slack.reflections()]


def ask(slack: SlackHarness, *, user: str = USER, channel: str = CHANNEL) -> list[dict[str, Any]]:
    """`/coach forget`, answered in the ack itself (privately): its blocks."""
    response = slack.command("/coach", "forget", user=user, channel=channel)
    assert response.status == 200
    body = response.json()
    assert body["response_type"] == "ephemeral"
    blocks: list[dict[str, Any]] = body["blocks"]
    for block in blocks:  # within Slack's limits, as slack_sdk checks them
        parsed = Block.parse(block)
        assert parsed is not None
        parsed.to_dict()
    return blocks


def test_forget_answers_privately_with_what_would_go_and_deletes_nothing(
    slack: SlackHarness, content: Content
) -> None:
    slack.command("/reflect", "A thought worth keeping")
    slack.command("/reflect", "Another one")

    blocks = ask(slack)

    words = content.privacy.forget
    text = all_text(blocks)
    assert escaped(words.heading) in text
    assert "• 2 private reflections" in text
    assert escaped(words.stays) in text
    forget, keep = buttons(blocks)
    assert (forget["text"]["text"], forget.get("style")) == (words.confirm, "danger")
    assert forget["value"].startswith("privacy:forget:")
    assert keep["text"]["text"] == words.keep
    assert "style" not in keep
    assert reflections(slack) == ["A thought worth keeping", "Another one"]
    assert people(slack) == [USER]


def test_the_confirm_button_deletes_everything_of_theirs_and_says_so_privately(
    slack: SlackHarness, content: Content
) -> None:
    slack.command("/reflect", "Mine to delete")
    slack.command("/reflect", "My colleague's", user=COLLEAGUE)
    forget = button(ask(slack), content.privacy.forget.confirm)

    response = slack.press(forget, channel=CHANNEL, ephemeral=True)

    assert response.status == 200
    [shown] = slack.fake.wait_for("chat.postEphemeral")
    assert (shown.args["channel"], shown.args["user"]) == (CHANNEL, USER)
    text = all_text(shown.args["blocks"])
    assert escaped(content.privacy.forget.done_heading) in text
    assert "• 1 private reflection" in text
    assert escaped(content.privacy.forget.fresh) in text
    slack.drain()
    assert reflections(slack) == ["My colleague's"]
    assert people(slack) == [COLLEAGUE]
    # Nothing more was said in a channel or the DM, and nothing asked that would store them.
    assert slack.fake.calls_to("chat.postMessage") == []


def test_keep_my_data_deletes_nothing_and_its_forget_me_no_longer_works(
    slack: SlackHarness, content: Content
) -> None:
    slack.command("/reflect", "Keep this")
    blocks = ask(slack)
    slack.press(button(blocks, content.privacy.forget.keep), channel=CHANNEL, ephemeral=True)
    [kept] = slack.fake.wait_for("chat.postEphemeral")
    assert all_text(kept.args["blocks"]) == escaped(content.privacy.forget.kept)

    slack.press(button(blocks, content.privacy.forget.confirm), channel=CHANNEL, ephemeral=True)

    stale = slack.fake.wait_for("chat.postEphemeral", 2)[-1]
    assert all_text(stale.args["blocks"]) == escaped(content.privacy.forget.stale)
    slack.drain()
    assert reflections(slack) == ["Keep this"]


def test_a_confirm_pressed_by_someone_else_deletes_nothing(
    slack: SlackHarness, content: Content
) -> None:
    slack.command("/reflect", "Mine")
    slack.command("/reflect", "Theirs", user=COLLEAGUE)
    forget = button(ask(slack), content.privacy.forget.confirm)

    # The same button's value, sent by another person (a copied or tampered payload).
    slack.press(forget, user=COLLEAGUE, channel=CHANNEL, ephemeral=True)

    [stale] = slack.fake.wait_for("chat.postEphemeral")
    assert stale.args["user"] == COLLEAGUE
    assert all_text(stale.args["blocks"]) == escaped(content.privacy.forget.stale)
    slack.drain()
    assert reflections(slack) == ["Mine", "Theirs"]
    assert people(slack) == [USER, COLLEAGUE]


def test_pressing_it_twice_forgets_once(slack: SlackHarness, content: Content) -> None:
    slack.command("/reflect", "Once")
    forget = button(ask(slack), content.privacy.forget.confirm)

    slack.press(forget, channel=CHANNEL, ephemeral=True)
    slack.press(forget, channel=CHANNEL, ephemeral=True)

    first, second = slack.fake.wait_for("chat.postEphemeral", 2)
    assert escaped(content.privacy.forget.done_heading) in all_text(first.args["blocks"])
    assert all_text(second.args["blocks"]) == escaped(content.privacy.forget.stale)
    slack.drain()
    with slack.db.unit_of_work() as uow:
        assert list(uow.session.scalars(select(Reflection))) == []


def test_the_home_tab_offers_export_and_forget(slack: SlackHarness, content: Content) -> None:
    slack.event({"type": "app_home_opened", "user": USER, "channel": DM, "tab": "home"})
    [published] = slack.fake.wait_for("views.publish")
    blocks = published.args["view"]["blocks"]
    assert escaped(content.privacy.forget.home_line) in all_text(blocks)
    button(blocks, content.privacy.forget.home_export)

    slack.press(button(blocks, content.privacy.forget.home_forget), channel=DM)

    [asked] = slack.fake.wait_for("chat.postMessage")
    assert asked.args["channel"] == USER
    assert escaped(content.privacy.forget.heading) in all_text(asked.args["blocks"])
    confirm = button(asked.args["blocks"], content.privacy.forget.confirm)
    assert confirm.get("style") == "danger"
    assert people(slack) == [USER]


def test_export_uploads_all_their_data_as_json_with_the_guide(
    slack: SlackHarness, content: Content
) -> None:
    slack.command("/reflect", "A thought for the data file")
    slack.command("/reflect", "Not mine", user=COLLEAGUE)

    slack.command("/coach", "export", channel=CHANNEL)

    [done] = slack.fake.wait_for("files.completeUploadExternal", timeout=15)
    titles = [f["title"] for f in done.args["files"]]
    assert "lantern-export-2026-11-23.json" in titles
    assert any(title.endswith(".md") for title in titles)
    uploads = [u.args["content"] for u in slack.fake.calls_to("file.upload")]
    [data] = [json.loads(u) for u in uploads if u.startswith(b"{")]
    assert data["person"]["external_id"] == USER
    assert [r["text"] for r in data["tables"]["reflections"]] == ["A thought for the data file"]
    assert "Not mine" not in json.dumps(data)
    [message] = [c for c in slack.fake.calls_to("chat.postMessage") if c.args["channel"] == USER]
    note = content.privacy.export.ready.format(filename="lantern-export-2026-11-23.json")
    assert escaped(note) in all_text(message.args["blocks"])
