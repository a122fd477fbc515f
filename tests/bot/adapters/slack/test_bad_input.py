"""Bad input found by probing `lantern serve`, sent as signed requests into the real app.

A NUL byte in anything a person types is kept without it (on SQLite and PostgreSQL) and they
are told in one line; a bad time zone is ignored with a warning; a body nested too deep is a
400; a request never waits for Slack before its ack.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from bot.core.clock import FixedClock
from bot.worker import Worker
from content import Content
from storage.database import Database
from storage.models import CheckIn, Reflection, Relationship, TeamReply
from tests.bot.adapters.slack.harness import DM, SlackHarness, all_text, running_app
from tests.bot.adapters.slack.slack_text import escaped
from tests.bot.adapters.slack.test_plan_and_checkins import checkins
from tests.bot.adapters.slack.test_team_prompts import (  # noqa: F401 (the worker fixture)
    kept_replies,
    later,
    post_the_weekly_prompt,
    reply_event,
    worker,
)
from tests.conftest import postgres_schema
from tests.fakes.slack_api import FakeSlackApi

NUL = "\x00"


@pytest.fixture(params=["sqlite", "postgresql"])
def slack(
    request: pytest.FixtureRequest, tmp_path: Path, fake_slack: FakeSlackApi, clock: FixedClock
) -> Iterator[SlackHarness]:
    """The app on SQLite, and on PostgreSQL where TEST_DATABASE_URL is set."""
    if request.param == "sqlite":
        with running_app(tmp_path / "t.db", fake_slack, clock) as harness:
            yield harness
        return
    with postgres_schema() as url:
        migrated = Database(url)
        migrated.upgrade()
        migrated.dispose()
        with running_app(url, fake_slack, clock) as harness:
            yield harness


def said(slack: SlackHarness) -> str:
    """Everything the app posted so far, as one text (after waiting for it)."""
    slack.drain()
    posts = slack.fake.calls_to("chat.postMessage") + slack.fake.calls_to("chat.postEphemeral")
    return "\n".join(all_text(call.args.get("blocks") or []) for call in posts)


def told_of_the_nul(content: Content, shown: str) -> bool:
    return escaped(content.coach.general.removed_characters) in shown


# -- a NUL byte ------------------------------------------------------------------------------


def test_a_nul_in_a_reflection_command_is_left_out_and_said(
    slack: SlackHarness, content: Content
) -> None:
    response = slack.command("/reflect", f"Budget day went{NUL} well", channel=DM)

    assert response.status == 200
    assert [r.text for r in slack.reflections()] == ["Budget day went well"]
    shown = all_text(response.json()["blocks"]) + said(slack)
    assert told_of_the_nul(content, shown)
    assert escaped(content.coach.errors.database) not in shown


def test_a_nul_in_a_direct_message_answer_is_left_out_and_said(
    slack: SlackHarness, content: Content
) -> None:
    assert slack.command("/reflect", "", channel=DM).status == 200  # today's prompt, asked
    assert slack.dm(f"I listened{NUL} first").status == 200

    shown = said(slack)
    assert [r.text for r in slack.reflections()] == ["I listened first"]
    assert told_of_the_nul(content, shown)
    assert escaped(content.coach.errors.database) not in shown


def test_half_an_emoji_in_a_direct_message_is_kept_as_a_replacement_character(
    slack: SlackHarness, content: Content
) -> None:
    # JSON can escape a lone surrogate ("\\ud83d") that UTF-8, so no database, can store.
    assert slack.command("/reflect", "", channel=DM).status == 200
    assert slack.dm("Proud \ud83d of the team").status == 200

    shown = said(slack)
    assert [r.text for r in slack.reflections()] == ["Proud \ufffd of the team"]
    assert told_of_the_nul(content, shown)


def test_a_nul_in_a_relationship_name_and_a_check_in_note_is_left_out(
    slack: SlackHarness, content: Content
) -> None:
    view = opened_modal(slack, "/coach", "plan add")
    submitted = slack.submit_view(view, {**RELATIONSHIP, "name": f"Board{NUL} chair"})

    assert submitted.status == 200
    [relationship] = rows(slack, Relationship)
    assert relationship.name == "Board chair"
    assert told_of_the_nul(content, said(slack))

    view = opened_modal(slack, "/checkin", "")
    response = slack.submit_view(
        view,
        {
            "relationship": str(relationship.id),
            "when": "2026-11-20",
            "went": "well",
            "notes": f"Talked{NUL} budget",
            "measures": "",
        },
    )

    assert response.status == 200
    [logged] = checkins(slack)
    assert logged.notes == "Talked budget"


def test_a_nul_in_a_team_prompt_thread_reply_is_left_out(
    slack: SlackHarness,
    worker: Worker,  # noqa: F811
    clock: FixedClock,
) -> None:
    ts, _ = post_the_weekly_prompt(slack, worker, clock)
    reply_ts = later(ts, 60)

    response = slack.event(reply_event(f"We asked{NUL} first", ts=reply_ts, thread_ts=ts))

    assert response.status == 200
    [kept] = kept_replies(slack)
    assert kept.text == "We asked first"
    edited = {
        "type": "message",
        "subtype": "message_changed",
        "channel": reply_event("", ts=reply_ts, thread_ts=ts)["channel"],
        "channel_type": "channel",
        "ts": later(ts, 120),
        "event_ts": later(ts, 120),
        "message": {
            "type": "message",
            "user": kept_user(slack),
            "text": f"We asked{NUL} the desk",
            "ts": reply_ts,
            "thread_ts": ts,
            "edited": {"ts": later(ts, 120)},
        },
    }
    assert slack.event(edited).status == 200
    [kept] = kept_replies(slack)
    assert kept.text == "We asked the desk"


RELATIONSHIP = {
    "kind": "person",
    "constituency": "governing-authority",
    "own_label": "",
    "cadence": "weekly",
    "days": "",
    "strategies": "Coffee before each board meeting",
    "measures": "",
}


def opened_modal(slack: SlackHarness, command: str, text: str) -> dict[str, Any]:
    before = len(slack.fake.calls_to("views.open"))
    assert slack.command(command, text).status == 200
    view: dict[str, Any] = slack.fake.wait_for("views.open", before + 1)[-1].args["view"]
    return view


def kept_user(slack: SlackHarness) -> str:
    user = reply_event("", ts="1", thread_ts="0")["user"]
    assert isinstance(user, str)
    return user


def rows(slack: SlackHarness, model: type[Any]) -> list[Any]:
    with slack.db.unit_of_work() as uow:
        return list(uow.session.scalars(select(model)))


_ = (json, logging, CheckIn, Reflection, Relationship, TeamReply, rows)
