"""The nudge and the digest the worker sends: what they say, their buttons, and that they fit
in Slack's limits once rendered."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from pydantic import ValidationError
from slack_sdk.models.blocks import Block

from bot.adapters.slack.render import render_messages
from bot.flows.nudges import ago, digest_replies, human_duration, nudge_replies
from bot.flows.plan_model import CheckInView, RelationshipView
from content import Content
from content.checkin import CheckInText

NOW = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)
ZONE = "America/Chicago"
TODAY = date(2026, 11, 23)


def relationship(
    ident: int = 7,
    name: str = "Board chair",
    *,
    strategies: str | None = "Coffee before each board meeting.",
    measures: tuple[str, ...] = ("Budget approved", "No surprises at meetings"),
    created_at: datetime = NOW - timedelta(days=14),
) -> RelationshipView:
    return RelationshipView(
        id=ident,
        name=name,
        kind="person",
        constituency="governing-authority",
        constituency_label=None,
        cadence="weekly",
        cadence_days=None,
        strategies=strategies,
        success_measures=measures,
        paused=False,
        created_at=created_at,
        last_checkin_at=None,
        next_due_at=NOW,
        rating=None,
    )


def checkin(
    relationship_id: int = 7,
    *,
    happened_on: date = TODAY - timedelta(days=21),
    notes: str | None = "Talked levy timing; she wants numbers by March.",
    went: str | None = "mixed",
) -> CheckInView:
    return CheckInView(
        id=1,
        relationship_id=relationship_id,
        happened_on=happened_on,
        went=went,
        notes=notes,
        measures=(),
        source="form",
        created_at=datetime.combine(happened_on, datetime.min.time(), tzinfo=UTC),
    )


def rendered_blocks(replies: tuple[Any, ...]) -> list[dict[str, Any]]:
    """Render as the Slack adapter does; slack_sdk validates every length on the round trip."""
    messages = render_messages(replies)
    assert len(messages) == 1
    blocks: list[dict[str, Any]] = messages[0]["blocks"]
    for block in blocks:
        parsed = Block.parse(block)
        assert parsed is not None
        assert parsed.to_dict() == block
        if block["type"] == "section":
            assert len(block["text"]["text"]) <= 3000
        if block["type"] == "actions":
            for element in block["elements"]:
                assert len(element["text"]["text"]) <= 75
    return blocks


class TestDurations:
    @pytest.mark.parametrize(
        ("days", "words"),
        [
            (1, "a day"),
            (5, "5 days"),
            (7, "a week"),
            (10, "10 days"),
            (14, "2 weeks"),
            (21, "3 weeks"),
            (30, "a month"),
            (60, "2 months"),
            (200, "7 months"),
            (365, "a year"),
            (800, "2 years"),
        ],
    )
    def test_in_words(self, content: Content, days: int, words: str) -> None:
        assert human_duration(content.checkin.durations, days) == words

    def test_ago(self, content: Content) -> None:
        durations = content.checkin.durations
        assert [ago(durations, d) for d in (0, 1, 21)] == ["today", "yesterday", "3 weeks ago"]


class TestNudge:
    def test_names_the_time_since_what_was_said_and_the_plan(self, content: Content) -> None:
        [reply] = nudge_replies(
            content, relationship(), checkin(), now=NOW, today=TODAY, time_zone=ZONE
        )
        assert reply.text.startswith("Time for a check-in with *Board chair*.")
        assert "It's been 3 weeks since you last checked in with Board chair (Mon 2 Nov)." in (
            reply.text
        )
        assert "Last time, it was mixed." in reply.text
        assert "*Your strategies:* Coffee before each board meeting." in reply.text
        assert "• Budget approved\n• No surprises at meetings" in reply.text
        assert reply.text.endswith("What you noted last time:")
        assert reply.quote == "Talked levy timing; she wants numbers by March."

    def test_buttons_log_snooze_and_skip(self, content: Content) -> None:
        [reply] = nudge_replies(
            content, relationship(), checkin(), now=NOW, today=TODAY, time_zone=ZONE
        )
        assert [(c.value, c.label, c.style) for c in reply.choices] == [
            ("checkin:log:7", "Log check-in", "primary"),
            ("checkin:snooze:7/day", "Snooze a day", None),
            ("checkin:snooze:7/week", "Snooze a week", None),
            ("checkin:snooze:7/date", "Snooze until…", None),
            ("checkin:skip:7", "Skip this time", None),
        ]

    def test_without_a_check_in_it_says_since_when_it_was_planned(self, content: Content) -> None:
        [reply] = nudge_replies(
            content,
            relationship(strategies=None, measures=()),
            None,
            now=NOW,
            today=TODAY,
            time_zone=ZONE,
        )
        assert reply.text == (
            "Time for a check-in with *Board chair*. You haven't logged a check-in with "
            "Board chair yet; you added them to your plan 2 weeks ago. It fell due Mon 23 Nov: "
            "you planned a check-in every week."
        )
        assert reply.quote is None

    def test_yesterday_and_without_notes(self, content: Content) -> None:
        last = checkin(happened_on=TODAY - timedelta(days=1), notes=None, went=None)
        [reply] = nudge_replies(content, relationship(), last, now=NOW, today=TODAY, time_zone=ZONE)
        assert "You last checked in with Board chair yesterday (Sun 22 Nov)." in reply.text
        assert "Last time" not in reply.text
        assert reply.quote is None

    def test_a_check_in_last_year_names_the_year(self, content: Content) -> None:
        last = checkin(happened_on=date(2025, 10, 1))
        [reply] = nudge_replies(content, relationship(), last, now=NOW, today=TODAY, time_zone=ZONE)
        assert "It's been a year since you last checked in with Board chair (Wed 1 Oct 2025)" in (
            reply.text
        )

    def test_everything_long_still_fits_one_message(self, content: Content) -> None:
        long = relationship(
            name="N" * 120,
            strategies="strategy " * 2000,
            measures=tuple(f"measure {n} " + "m" * 500 for n in range(50)),
        )
        last = checkin(notes="said <@U1> & more " * 1000)
        [reply] = nudge_replies(content, long, last, now=NOW, today=TODAY, time_zone=ZONE)
        assert len(reply.text) + len(reply.quote or "") <= 3000
        assert reply.quote is not None
        assert reply.quote.endswith("…")
        assert "…and 42 more in your plan" in reply.text
        blocks = rendered_blocks((reply,))
        assert len([b for b in blocks if b["type"] == "section"]) == 2  # the text, the quote


class TestDigest:
    def test_nothing_due_sends_nothing(self, content: Content) -> None:
        assert digest_replies(content, [], {}, now=NOW, today=TODAY, time_zone=ZONE) == ()

    def test_lists_each_with_the_time_since_its_last_check_in(self, content: Content) -> None:
        due = [relationship(1, "Board chair"), relationship(2, "Mayor Lee")]
        [reply] = digest_replies(
            content, due, {1: checkin(1)}, now=NOW, today=TODAY, time_zone=ZONE
        )
        assert reply.text.startswith("2 relationships are due for a check-in:")
        assert "• *Board chair*: due Mon 23 Nov; last check-in 3 weeks ago" in reply.text
        assert "• *Mayor Lee*: due Mon 23 Nov; no check-in yet (added 2 weeks ago)" in reply.text
        assert [(c.value, c.label) for c in reply.choices] == [
            ("checkin:log:1", "Log: Board chair"),
            ("checkin:log:2", "Log: Mayor Lee"),
            ("checkin:nudge:1", "Snooze or skip: Board chair"),
            ("checkin:nudge:2", "Snooze or skip: Mayor Lee"),
            ("checkin:start:", "Log another check-in"),
            ("plan:settings:", "Change nudge settings"),
        ]

    def test_one_due(self, content: Content) -> None:
        [reply] = digest_replies(
            content, [relationship()], {}, now=NOW, today=TODAY, time_zone=ZONE
        )
        assert reply.text.startswith("One relationship is due for a check-in:")

    def test_buttons_for_the_first_ten_only(self, content: Content) -> None:
        due = [relationship(n, f"Partner {n}") for n in range(1, 16)]
        [reply] = digest_replies(content, due, {}, now=NOW, today=TODAY, time_zone=ZONE)
        logs = [c.value for c in reply.choices if c.value.startswith("checkin:log:")]
        assert logs == [f"checkin:log:{n}" for n in range(1, 11)]
        assert "*Partner 15*" in reply.text

    def test_many_long_names_fit_slacks_limits(self, content: Content) -> None:
        due = [relationship(n, f"{n} " + "L" * 118) for n in range(1, 201)]
        [reply] = digest_replies(content, due, {}, now=NOW, today=TODAY, time_zone=ZONE)
        assert len(reply.text) <= 3000
        assert "…and 180 more." in reply.text
        blocks = rendered_blocks((reply,))
        assert len([b for b in blocks if b["type"] == "section"]) == 1


class TestWording:
    def test_a_misspelt_placeholder_is_refused_when_content_loads(self, content: Content) -> None:
        words = content.checkin.model_dump()
        words["nudge"]["heading"] = "Time for a check-in with *{nmae}*."
        with pytest.raises(ValidationError, match="nmae"):
            CheckInText.model_validate(words)

    def test_the_shipped_wording_loads(self, content: Content) -> None:
        assert CheckInText.model_validate(content.checkin.model_dump()) == content.checkin
