"""Names that are no time zone ("America", "Etc", 500 characters), as Slack could report them:
in a profile change, in users.info for a DM or a slash command, or already kept on a person by
an older version. Each is ignored with a warning; the person's turns go on, and no ERROR is
logged then or on any later turn."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import update

from bot.core.clock import FixedClock
from content import Content
from storage.models import Person, Reflection
from tests.bot.adapters.slack.harness import DM, USER, SlackHarness, all_text, running_app
from tests.bot.adapters.slack.slack_text import escaped
from tests.fakes.slack_api import TEAM_ID, FakeSlackApi

NOT_ZONES = ["America", "Etc", "Europe/" + "x" * 500]
IDS = ["a-directory", "etc", "500-characters"]


@pytest.fixture(autouse=True)
def _every_record(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)


def errors(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]


def zone_of(slack: SlackHarness, user: str = USER) -> str | None:
    with slack.db.unit_of_work() as uow:
        someone = uow.session.query(Person).filter(Person.external_id == user).one()
        return someone.time_zone


def reflections(slack: SlackHarness) -> list[str]:
    return [r.text for r in slack.reflections()]


def posted(slack: SlackHarness) -> str:
    slack.drain()
    return "\n".join(
        all_text(call.args.get("blocks") or []) for call in slack.fake.calls_to("chat.postMessage")
    )


def user_change(tz: str, user: str = USER) -> dict[str, Any]:
    return {
        "type": "user_change",
        "user": {"id": user, "team_id": TEAM_ID, "tz": tz, "deleted": False, "name": "ana"},
        "event_ts": "1700000000.000100",
    }


def a_turn_goes_well(slack: SlackHarness, content: Content, words: str) -> None:
    """A reflection typed as a slash command, then a DM: both kept and answered as usual."""
    answer = slack.command("/reflect", words, channel=DM)
    assert answer.status == 200
    assert escaped(content.coach.errors.database) not in answer.text
    assert escaped(content.coach.errors.unexpected) not in answer.text
    assert slack.dm("hello").status == 200
    shown = posted(slack)
    assert escaped(content.coach.errors.unexpected) not in shown
    assert escaped(content.coach.errors.database) not in shown
    assert words in reflections(slack)


@pytest.mark.parametrize("tz", NOT_ZONES, ids=IDS)
def test_a_profile_change_to_no_time_zone_is_ignored_and_later_turns_go_on(
    slack: SlackHarness, content: Content, caplog: pytest.LogCaptureFixture, tz: str
) -> None:
    a_turn_goes_well(slack, content, "Before the change")
    assert zone_of(slack) == "America/Chicago"  # what users.info said after the first turn

    response = slack.event(user_change(tz))

    assert response.status == 200
    assert zone_of(slack) == "America/Chicago"
    warned = [r for r in caplog.records if "time zone" in r.getMessage()]
    assert [r.levelno for r in warned] == [logging.WARNING]
    a_turn_goes_well(slack, content, "After the change")
    a_turn_goes_well(slack, content, "And the turn after")
    assert errors(caplog) == []


@pytest.fixture(params=NOT_ZONES, ids=IDS)
def slack_says_no_zone(
    request: pytest.FixtureRequest, tmp_path: Path, clock: FixedClock
) -> Iterator[SlackHarness]:
    """The app, with Slack's users.info reporting that name as the person's `tz`."""
    with (
        FakeSlackApi(time_zone=request.param) as fake,
        running_app(tmp_path / "t.db", fake, clock) as harness,
    ):
        yield harness


def test_a_dm_and_a_command_from_someone_slack_gives_no_time_zone_are_answered(
    slack_says_no_zone: SlackHarness, content: Content, caplog: pytest.LogCaptureFixture
) -> None:
    slack = slack_says_no_zone

    a_turn_goes_well(slack, content, "First words")
    assert slack.fake.calls_to("users.info"), "Slack was asked for the person's time zone"
    assert zone_of(slack) is None
    a_turn_goes_well(slack, content, "Second words")

    assert errors(caplog) == []


@pytest.mark.parametrize("tz", NOT_ZONES, ids=IDS)
def test_a_person_kept_with_no_time_zone_by_an_older_version_still_has_their_turns(
    slack: SlackHarness, content: Content, caplog: pytest.LogCaptureFixture, tz: str
) -> None:
    a_turn_goes_well(slack, content, "Kept before")
    with slack.db.unit_of_work() as uow:  # as an older version could have kept it
        uow.session.execute(update(Person).values(time_zone=tz))
    caplog.clear()

    a_turn_goes_well(slack, content, "Kept after")
    a_turn_goes_well(slack, content, "And again")

    assert errors(caplog) == []
    # Slack is asked again, and its real zone replaces the one that is not.
    assert zone_of(slack) == "America/Chicago"
    assert slack.count(Reflection) == 3
