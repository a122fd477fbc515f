"""The plan's balance: planned and logged check-ins per constituency over 90 days, on track /
due / neglected per cadence, and the summary with its chart."""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta

import matplotlib.image
import pytest
from pydantic import ValidationError

from bot.core.messages import Choice
from bot.flows.balance import (
    ConstituencyBalance,
    balance_replies,
    constituency_balance,
    relationship_balance,
)
from bot.flows.plan_model import CheckInView, RelationshipView
from content import Content
from content.balance import BalanceText

NOW = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)
TODAY = date(2026, 11, 23)


def relationship(
    rid: int = 1,
    *,
    name: str = "Board chair",
    constituency: str = "governing-authority",
    label: str | None = None,
    cadence: str = "monthly",
    every_days: int | None = None,
    added_days_ago: float = 200,
    last_days_ago: float | None = None,
    paused: bool = False,
) -> RelationshipView:
    last = None if last_days_ago is None else NOW - timedelta(days=last_days_ago)
    return RelationshipView(
        id=rid,
        name=name,
        kind="person",
        constituency=constituency,
        constituency_label=label,
        cadence=cadence,
        cadence_days=every_days,
        strategies=None,
        success_measures=(),
        paused=paused,
        created_at=NOW - timedelta(days=added_days_ago),
        last_checkin_at=last,
        next_due_at=None,
        rating=None,
    )


def checkin(rid: int, days_ago: int, cid: int = 0) -> CheckInView:
    return CheckInView(
        id=cid,
        relationship_id=rid,
        happened_on=TODAY - timedelta(days=days_ago),
        went=None,
        notes=None,
        measures=(),
        source="form",
        created_at=NOW,
    )


def balance_of(
    content: Content, relationships: list[RelationshipView], checkins: Sequence[CheckInView] = ()
) -> list[ConstituencyBalance]:
    return constituency_balance(content, relationships, checkins, now=NOW, today=TODAY)


# ---------------------------------------------------------------------------------------------
# Status per cadence


@pytest.mark.parametrize(
    ("cadence", "every_days", "days_since", "status"),
    [
        ("weekly", None, 6, "on-track"),
        ("weekly", None, 7, "on-track"),  # exactly one cadence: due from the next moment
        ("weekly", None, 8, "due"),
        ("weekly", None, 14, "due"),
        ("weekly", None, 15, "neglected"),
        ("fortnightly", None, 13, "on-track"),
        ("fortnightly", None, 20, "due"),
        ("fortnightly", None, 29, "neglected"),
        ("monthly", None, 30, "on-track"),
        ("monthly", None, 32, "due"),
        ("monthly", None, 62, "due"),
        ("monthly", None, 63, "neglected"),
        ("quarterly", None, 89, "on-track"),
        ("quarterly", None, 91, "due"),
        ("quarterly", None, 181, "neglected"),
        ("days", 10, 9, "on-track"),
        ("days", 10, 11, "due"),
        ("days", 10, 21, "neglected"),
        ("days", 45, 60, "due"),
        ("days", 45, 91, "neglected"),
    ],
)
def test_status_follows_the_cadence_since_the_last_checkin(
    cadence: str, every_days: int | None, days_since: int, status: str
) -> None:
    r = relationship(cadence=cadence, every_days=every_days, last_days_ago=days_since)
    assert relationship_balance(r, [], now=NOW, today=TODAY).status == status


def test_without_a_checkin_the_cadence_counts_from_when_it_was_added() -> None:
    def status(added: float) -> str:
        r = relationship(cadence="weekly", added_days_ago=added)
        return relationship_balance(r, [], now=NOW, today=TODAY).status

    assert status(3) == "on-track"
    assert status(10) == "due"
    assert status(30) == "neglected"


def test_a_recent_checkin_puts_an_old_relationship_back_on_track() -> None:
    r = relationship(cadence="weekly", added_days_ago=400, last_days_ago=2)
    assert relationship_balance(r, [], now=NOW, today=TODAY).status == "on-track"


def test_a_constituency_takes_the_worst_status_of_its_relationships(content: Content) -> None:
    fine = relationship(1, name="Director", constituency="staff", cadence="weekly", last_days_ago=1)
    late = relationship(2, name="Team", constituency="staff", cadence="weekly", last_days_ago=9)
    lost = relationship(3, name="Union", constituency="staff", cadence="weekly", last_days_ago=30)
    assert [c.status for c in balance_of(content, [fine])] == ["on-track"]
    assert [c.status for c in balance_of(content, [fine, late])] == ["due"]
    assert [c.status for c in balance_of(content, [late, fine, lost])] == ["neglected"]
    (staff,) = balance_of(content, [late, fine, lost])
    assert [r.relationship.name for r in staff.neglected] == ["Union"]


# ---------------------------------------------------------------------------------------------
# Planned and logged over 90 days


@pytest.mark.parametrize(
    ("cadence", "every_days", "added_days_ago", "planned"),
    [
        ("weekly", None, 200, 13),  # days 112, 119, ... 196 after it was added fall in the window
        ("fortnightly", None, 200, 7),
        ("monthly", None, 200, 3),  # a month is 31 days long (January 2001)
        ("quarterly", None, 200, 1),
        ("days", 45, 200, 2),
        ("weekly", None, 30, 4),  # added 30 days ago: the window starts then
        ("weekly", None, 3, 0),  # new: its first check-in falls due a week after it was added
        ("quarterly", None, 30, 0),
        ("days", 4, 10, 2),
    ],
)
def test_planned_checkins_are_those_that_fell_due_in_the_window(
    content: Content,
    cadence: str,
    every_days: int | None,
    added_days_ago: int,
    planned: int,
) -> None:
    r = relationship(cadence=cadence, every_days=every_days, added_days_ago=added_days_ago)
    assert relationship_balance(r, [], now=NOW, today=TODAY).planned == planned
    (group,) = balance_of(content, [r])
    assert group.planned == planned
    assert group.planned_count == planned


def test_logged_counts_this_relationships_checkins_in_the_window() -> None:
    r = relationship(1, added_days_ago=400)
    checkins = [
        checkin(1, 0),
        checkin(1, 45),
        checkin(1, 90),  # the window's first day
        checkin(1, 91),  # before the window
        checkin(1, 200),
        checkin(2, 5),  # another relationship
    ]
    assert relationship_balance(r, checkins, now=NOW, today=TODAY).logged == 3


def test_logged_counts_the_window_even_before_the_relationship_was_added() -> None:
    # Added 10 days ago: check-ins dated that day, the day before (a conversation logged once
    # the relationship was in the plan) and since all count; one before the window does not.
    r = relationship(1, added_days_ago=10)
    checkins = [checkin(1, 10), checkin(1, 11), checkin(1, 3), checkin(1, 91)]
    assert relationship_balance(r, checkins, now=NOW, today=TODAY).logged == 3
    # Added a few hours ago (yesterday, in a time zone behind UTC): yesterday's check-in counts.
    fresh = relationship(1, added_days_ago=0.2)
    assert relationship_balance(fresh, [checkin(1, 1)], now=NOW, today=TODAY).logged == 1


def test_constituency_sums_its_relationships(content: Content) -> None:
    a = relationship(1, name="Team leads", constituency="staff", cadence="weekly")
    b = relationship(2, name="Union rep", constituency="staff", cadence="quarterly")
    (staff,) = balance_of(content, [a, b], [checkin(1, 3), checkin(1, 10), checkin(2, 60)])
    assert staff.name == "staff"
    assert staff.planned == 13 + 1
    assert staff.planned_count == 14
    assert staff.logged == 3


# ---------------------------------------------------------------------------------------------
# Grouping


def test_paused_relationships_are_left_out(content: Content) -> None:
    active = relationship(1, constituency="staff", cadence="weekly", last_days_ago=1)
    paused = relationship(2, constituency="staff", cadence="weekly", last_days_ago=90, paused=True)
    only_paused = relationship(3, constituency="community", paused=True)
    balance = balance_of(content, [active, paused, only_paused], [checkin(2, 5)])
    assert [(c.key, c.status, c.logged) for c in balance] == [("staff", "on-track", 0)]


def test_other_constituencies_group_by_label_whatever_the_case(content: Content) -> None:
    relationships = [
        relationship(1, constituency="other", label="Friends of the Library"),
        relationship(2, constituency="other", label="  friends of the   LIBRARY "),
        relationship(3, constituency="other", label="Schools"),
        relationship(4, constituency="other", label=None),
        relationship(5, constituency="other", label=" "),
    ]
    balance = balance_of(content, relationships)
    assert [(c.name, len(c.relationships)) for c in balance] == [
        ("Friends of the Library", 2),
        ("other", 2),
        ("Schools", 1),
    ]


def test_names_and_order_come_from_the_worksheet_then_the_rubric(content: Content) -> None:
    relationships = [
        relationship(1, constituency="other", label="Alumni"),
        relationship(2, constituency="science-issue-leaders"),
        relationship(3, constituency="self"),
        relationship(4, constituency="governing-authority"),
        relationship(5, constituency="local-government"),
        relationship(6, constituency="community"),
    ]
    assert [c.name for c in balance_of(content, relationships)] == [
        "governing authority",
        "community",
        "yourself",
        "local govt",
        "leaders around science issues",
        "Alumni",
    ]


# ---------------------------------------------------------------------------------------------
# The replies


def plan(content: Content) -> tuple[list[RelationshipView], list[CheckInView]]:
    relationships = [
        relationship(1, name="Board chair", cadence="monthly", last_days_ago=10),
        relationship(
            2, name="Team leads", constituency="staff", cadence="weekly", last_days_ago=20
        ),
        relationship(3, name="Mayor Okafor", constituency="local-government", cadence="quarterly"),
        relationship(
            4,
            name="Friends group",
            constituency="other",
            label="Friends of the Library",
            cadence="fortnightly",
            last_days_ago=20,
        ),
        relationship(5, name="Paused one", constituency="community", paused=True),
    ]
    checkins = [checkin(1, 10), checkin(1, 40), checkin(1, 70), checkin(2, 20)]
    return relationships, checkins


def test_no_relationships_sends_no_weekly_summary(content: Content) -> None:
    assert balance_replies(content, [], [], now=NOW, today=TODAY, weekly=True) == ()


def test_summary_lists_each_constituency_and_names_the_neglected(content: Content) -> None:
    relationships, checkins = plan(content)
    (reply,) = balance_replies(content, relationships, checkins, now=NOW, today=TODAY, weekly=True)
    lines = reply.text.split("\n")
    assert lines[0] == "*Your week in relationships*"
    assert lines[1] == "Check-ins against your plan over the last 90 days, by constituency:"
    assert lines[2:8] == [
        "✓ *governing authority*: 3 of 3 planned check-ins (on track)",
        "⚠ *staff*: 1 of 13 planned check-ins (neglected)",
        "– Team leads: last check-in 2 weeks ago",
        "⚠ *local govt*: 0 of 1 planned check-in (neglected)",
        "– Mayor Okafor: no check-in yet, added 6 months ago",
        "● *Friends of the Library*: 0 of 7 planned check-ins (check-in due)",
    ]
    assert "Paused one" not in reply.text
    # the key constituencies without an active relationship, and a word of encouragement
    assert "No relationships in your plan yet with: community, profession, yourself." in lines
    assert lines[-1] == content.balance.encourage_neglected
    assert reply.quote is not None
    assert reply.quote.startswith("Balancing relationships, and being honest with yourself")
    assert reply.choices == (
        Choice("checkin:start:", "Log a check-in", "primary"),
        Choice("plan:start:", "Your plan"),
    )


def test_on_demand_summary_has_its_own_heading(content: Content) -> None:
    relationships, checkins = plan(content)
    (reply,) = balance_replies(content, relationships, checkins, now=NOW, today=TODAY, weekly=False)
    assert reply.text.split("\n")[0] == "*Your relationship balance*"


def test_encouragement_follows_the_worst_status(content: Content) -> None:
    def closing(*relationships: RelationshipView) -> str:
        checkins = [checkin(1, 1)]
        (reply,) = balance_replies(
            content, list(relationships), checkins, now=NOW, today=TODAY, weekly=True
        )
        return reply.text.split("\n")[-1]

    words = content.balance
    # one relationship: four key constituencies are missing, so not "every constituency"
    on_track = relationship(cadence="weekly", added_days_ago=7.5, last_days_ago=1)
    assert closing(on_track) == words.encourage_on_track_some
    assert closing(relationship(cadence="weekly", last_days_ago=9)) == words.encourage_due
    assert closing(relationship(cadence="weekly", last_days_ago=30)) == words.encourage_neglected


def test_every_key_constituency_in_the_plan_leaves_out_the_reminder(content: Content) -> None:
    relationships = [
        relationship(i, constituency=c.id, last_days_ago=1)
        for i, c in enumerate(content.worksheet.constituencies())
    ]
    (reply,) = balance_replies(content, relationships, [], now=NOW, today=TODAY, weekly=True)
    assert "No relationships in your plan yet" not in reply.text


# ---------------------------------------------------------------------------------------------
# Honest, consistent wording: one case each (issue 13, item 6)


def summary(
    content: Content,
    relationships: list[RelationshipView],
    checkins: Sequence[CheckInView] = (),
    *,
    weekly: bool = True,
) -> list[str]:
    replies = balance_replies(
        content, relationships, list(checkins), now=NOW, today=TODAY, weekly=weekly
    )
    (reply,) = replies
    return reply.text.split("\n")


def every_key_constituency(content: Content, **kwargs: object) -> list[RelationshipView]:
    return [
        relationship(i, name=f"Person {i}", constituency=c.id, **kwargs)  # type: ignore[arg-type]
        for i, c in enumerate(content.worksheet.constituencies(), start=1)
    ]


def test_case_no_relationships_at_all_says_so_when_asked(content: Content) -> None:
    lines = summary(content, [], weekly=False)
    assert lines[0] == "*Your relationship balance*"
    assert lines[1].startswith("Your plan has no relationships yet, so there is no balance")
    assert "governing authority, staff, community, profession, yourself" in lines[1]
    assert content.balance.encourage_on_track not in lines
    (reply,) = balance_replies(content, [], [], now=NOW, today=TODAY, weekly=False)
    assert [c.value for c in reply.choices] == ["plan:add:", "plan:start:"]


def test_case_some_constituencies_missing_never_says_every_constituency(content: Content) -> None:
    board = relationship(1, cadence="monthly", last_days_ago=10)
    staff = relationship(
        2, name="Team leads", constituency="staff", cadence="monthly", last_days_ago=5
    )
    lines = summary(
        content,
        [board, staff],
        [checkin(1, 10), checkin(1, 40), checkin(1, 70)] + [checkin(2, d) for d in (5, 36, 67)],
    )
    assert "✓ *governing authority*: 3 of 3 planned check-ins (on track)" in lines
    assert "No relationships in your plan yet with: community, profession, yourself." in lines
    text = "\n".join(lines)
    assert "Every constituency" not in text
    assert lines[-1] == content.balance.encourage_on_track_some


def test_case_all_covered_but_behind_is_not_called_on_track(content: Content) -> None:
    # each checked in yesterday (so none is due), but once where the weekly rhythm asked for 13
    relationships = every_key_constituency(content, cadence="weekly", last_days_ago=1)
    checkins = [checkin(r.id, 1) for r in relationships]
    lines = summary(content, relationships, checkins)
    assert "● *governing authority*: 1 of 13 planned check-ins (behind plan)" in lines
    assert not any("on track" in line for line in lines)
    assert "Every constituency" not in "\n".join(lines)
    assert lines[-1] == content.balance.encourage_behind


def test_case_on_track_everywhere_says_every_constituency(content: Content) -> None:
    relationships = every_key_constituency(content, cadence="monthly", last_days_ago=10)
    checkins = [checkin(r.id, d) for r in relationships for d in (10, 40, 70)]
    lines = summary(content, relationships, checkins)
    assert "✓ *staff*: 3 of 3 planned check-ins (on track)" in lines
    assert not any(line.startswith("No relationships in your plan") for line in lines)
    assert lines[-1] == content.balance.encourage_on_track


def test_case_ahead_of_plan(content: Content) -> None:
    relationships = every_key_constituency(content, cadence="monthly", last_days_ago=2)
    checkins = [checkin(r.id, d) for r in relationships for d in (2, 9, 16, 40, 70)]
    lines = summary(content, relationships, checkins)
    assert "✓ *community*: 5 of 3 planned check-ins (ahead of plan)" in lines
    assert lines[-1] == content.balance.encourage_on_track


def test_case_zero_planned_a_new_plan_is_not_0_of_1(content: Content) -> None:
    relationships = every_key_constituency(content, cadence="monthly", added_days_ago=2)
    lines = summary(content, relationships, [checkin(1, 1)])
    assert "✓ *governing authority*: 1 check-in logged, none planned yet (ahead of plan)" in lines
    assert "✓ *staff*: 0 check-ins logged, none planned yet (first check-in not due yet)" in lines
    assert not any(" of 1 planned" in line for line in lines)


def test_case_zero_planned_everywhere_says_nothing_is_due_yet(content: Content) -> None:
    relationships = every_key_constituency(content, cadence="quarterly", added_days_ago=20)
    lines = summary(content, relationships)
    assert lines[-1] == content.balance.encourage_none_due
    assert "Every constituency" not in "\n".join(lines)


def test_one_more_constituency_is_singular(content: Content) -> None:
    assert content.balance.more_constituencies.format(count=1) == (
        "…and 1 more constituency; the chart shows them all."
    )
    assert content.balance.ago.days.format(count=1) == "1 day ago"


@pytest.mark.parametrize(
    ("days", "ago"),
    [
        (2, "2 days ago"),
        (5, "5 days ago"),
        (20, "2 weeks ago"),
        (59, "8 weeks ago"),
        (75, "2 months ago"),
    ],
)
def test_how_long_since_the_last_checkin(content: Content, days: int, ago: str) -> None:
    quiet = relationship(name="Team leads", cadence="days", every_days=1, last_days_ago=days + 0.25)
    (reply,) = balance_replies(content, [quiet], [], now=NOW, today=TODAY, weekly=True)
    assert f"– Team leads: last check-in {ago}" in reply.text.split("\n")


def test_the_chart_comes_with_the_summary(content: Content) -> None:
    relationships, checkins = plan(content)
    (reply,) = balance_replies(content, relationships, checkins, now=NOW, today=TODAY, weekly=True)
    (image,) = reply.images
    assert image.filename == "relationship-balance.png"
    assert image.data.startswith(b"\x89PNG\r\n\x1a\n")
    width = matplotlib.image.imread(io.BytesIO(image.data), format="png").shape[1]
    assert width > 300
    assert image.alt_text == (
        "Bar chart of check-ins logged against check-ins planned over the last 90 days, by "
        "constituency: governing authority, 3 of 3 planned check-ins (on track); staff, 1 of 13 "
        "planned check-ins (neglected); local govt, 0 of 1 planned check-in (neglected); Friends "
        "of the Library, 0 of 7 planned check-ins (check-in due)."
    )


def test_all_paused_says_so_without_a_chart(content: Content) -> None:
    paused = [relationship(1, paused=True), relationship(2, constituency="staff", paused=True)]
    (reply,) = balance_replies(content, paused, [], now=NOW, today=TODAY, weekly=True)
    assert reply.text == f"*Your week in relationships*\n{content.balance.all_paused}"
    assert reply.images == ()
    assert [c.value for c in reply.choices] == ["checkin:start:", "plan:start:"]


def test_many_neglected_relationships_are_counted_not_all_named(content: Content) -> None:
    quiet = [
        relationship(i, name=f"Staff member {i}", constituency="staff", last_days_ago=100 + i)
        for i in range(1, 6)
    ]
    (reply,) = balance_replies(content, quiet, [], now=NOW, today=TODAY, weekly=True)
    lines = reply.text.split("\n")
    # the longest without a check-in first
    named = [line for line in lines if line.startswith("– Staff member")]
    assert named == [
        "– Staff member 5: last check-in 3 months ago",
        "– Staff member 4: last check-in 3 months ago",
        "– Staff member 3: last check-in 3 months ago",
    ]
    assert "– and 2 more" in lines


@pytest.mark.parametrize("separate", [False, True])
def test_thirty_relationships_stay_within_a_slack_section(content: Content, separate: bool) -> None:
    long_name = "Coordinator of the regional cooperative library system's outreach programme"
    relationships = [
        relationship(
            i,
            name=f"{long_name} {i}",
            constituency="other",
            label=f"{long_name} group {i if separate else 0}",
            cadence="weekly",
            last_days_ago=60 + i,
        )
        for i in range(30)
    ]
    (reply,) = balance_replies(content, relationships, [], now=NOW, today=TODAY, weekly=True)
    assert len(reply.text) < 3000
    assert reply.text.endswith(content.balance.encourage_neglected)
    if separate:  # thirty constituencies do not all fit: the rest are counted, the chart has all
        assert any(line.startswith("…and ") for line in reply.text.split("\n"))
        alt_text = reply.images[0].alt_text
        assert alt_text.count("(neglected)") > 5
        assert len(alt_text) <= 1000
        assert alt_text.endswith("…")


# ---------------------------------------------------------------------------------------------
# Words


def test_a_misspelt_placeholder_is_refused_when_the_content_loads(content: Content) -> None:
    words = content.balance.model_dump()
    words["line"] = "{mark} *{nmae}*: {figures}"
    with pytest.raises(ValidationError, match=r"line uses unknown placeholders \['nmae'\]"):
        BalanceText.model_validate(words)
    words = content.balance.model_dump()
    words["chart"]["alt_item"] = "{name} {count}"
    with pytest.raises(ValidationError, match="alt_item uses unknown placeholders"):
        BalanceText.model_validate(words)


def test_a_checkin_dated_before_the_relationship_was_added_is_counted(content: Content) -> None:
    """Added today, with a conversation of last week logged at once: the balance shows that
    check-in (it once said "0 check-ins logged" right after it was logged)."""
    added_today = relationship(added_days_ago=0.1, last_days_ago=7)
    (board,) = balance_of(content, [added_today], [checkin(1, days_ago=7)])
    assert (board.logged, board.planned_count) == (1, 0)
    assert board.standing == "ahead"
    old = relationship(added_days_ago=0.1)
    (none,) = balance_of(content, [old], [checkin(1, days_ago=120)])  # outside the window
    assert none.logged == 0
