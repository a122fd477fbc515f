"""One function decides and words every due date (issue 13, item 7): the check-in's
confirmation, the plan, the home page, the nudge and the digest name the same day for the same
relationship, in the person's own time zone, also when UTC midnight is another day there."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from bot.core.clock import FixedClock
from bot.engine.turns import Engine
from content import Content
from storage.database import Database
from storage.models import Relationship
from tests.chat_script import ChatScript

# UTC midnight: Tuesday 8 December 2026 13:00 in Auckland, Monday 7 December 16:00 in LA.
MIDNIGHT = datetime(2026, 12, 8, 0, 0, tzinfo=UTC)
DAY = r"(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) \d{1,2} [A-Z][a-z]{2}(?: \d{4})?"


def add(chat: ChatScript, name: str, cadence: str, days: str = "") -> None:
    chat.command("coach", "plan add")
    assert chat.form is not None
    chat.submit(
        {
            "name": name,
            "kind": "person",
            "constituency": "governing-authority",
            "own_label": "",
            "cadence": cadence,
            "days": days,
            "strategies": "",
            "measures": "",
        }
    )
    assert chat.last.form_errors is None, chat.last.form_errors


def one_day(text: str, before: str) -> str:
    """The day named right after `before` in the text."""
    found = re.findall(re.escape(before) + r"[^\n]*?(" + DAY + ")", text)
    assert found, (before, text)
    return str(found[0])


def this_year(day: str) -> str:
    """ "Fri 22 Jan 2027" as it reads once 2027 has come: "Fri 22 Jan"."""
    return re.sub(r" \d{4}$", "", day)


def home_text(chat: ChatScript) -> str:
    chat.home()
    page = chat.last.home
    assert page is not None
    return "\n".join(line for section in page.sections for line in section.lines)


@pytest.mark.parametrize(
    ("time_zone", "local_day", "expected"),
    [
        ("Pacific/Auckland", "8 Dec", "Fri 22 Jan 2027"),  # 45 days after Tue 8 Dec
        ("America/Los_Angeles", "7 Dec", "Thu 21 Jan 2027"),  # 45 days after Mon 7 Dec
    ],
)
def test_checkin_plan_home_and_nudge_name_the_same_day(
    content: Content,
    database: Database,
    time_zone: str,
    local_day: str,
    expected: str,
) -> None:
    clock = FixedClock(MIDNIGHT)
    chat = ChatScript(Engine(content=content, database=database, clock=clock), time_zone=time_zone)
    add(chat, "Board chair", "days", "45")
    assert "every 45 days" in chat.text

    chat.command("checkin", "Board chair: talked about the budget")
    confirmed = one_day(chat.text, "I'll nudge you again")
    assert "about a month" not in chat.text
    assert "in 45 days" in chat.text

    chat.command("coach", "plan")
    planned = one_day(chat.text, "next due")
    home = one_day(home_text(chat), "Board chair: next check-in")

    assert confirmed == planned == home
    assert confirmed.startswith(expected.rsplit(" ", 1)[0])

    # Once due, the nudge (shown at chat start in the terminal) names the same day.
    clock.advance_to(MIDNIGHT + timedelta(days=46))
    chat.press("plan:due:")
    assert this_year(one_day(chat.text, "It fell due")) == this_year(confirmed)
    assert "you planned a check-in every 45 days" in chat.text


def test_a_checkin_of_yesterday_after_todays_nudge_promises_the_day_the_plan_shows(
    content: Content, database: Database
) -> None:
    """The seen case: the nudge went out today, the check-in is dated yesterday; the engine
    counts from the later of the two, and the confirmation must say so too."""
    clock = FixedClock(MIDNIGHT)
    chat = ChatScript(
        Engine(content=content, database=database, clock=clock), time_zone="America/Chicago"
    )
    add(chat, "Board chair", "monthly")
    nudged = MIDNIGHT + timedelta(days=36)  # Tue 12 Jan in Chicago; the check-in is Mon 11
    clock.advance_to(nudged)
    with database.unit_of_work() as uow:  # as the worker records a nudge it sent
        (row,) = uow.session.scalars(select(Relationship))
        row.last_nudged_at = nudged
    chat.command("checkin", "")
    form = chat.form
    assert form is not None
    values = {f.name: f.initial or "" for f in form.fields}
    values["relationship"] = next(f for f in form.fields if f.name == "relationship").options[0][0]
    values["when"] = (nudged - timedelta(days=2)).date().isoformat()
    chat.submit(values)
    assert chat.last.form_errors is None, chat.last.form_errors
    confirmed = one_day(chat.text, "I'll nudge you again")
    chat.command("coach", "plan")
    assert one_day(chat.text, "next due") == confirmed
    assert one_day(home_text(chat), "Board chair: next check-in") == confirmed


@pytest.mark.parametrize(
    ("days", "words"),
    [
        (1, "every day"),
        (7, "every week"),
        (14, "every 2 weeks"),
        (42, "every 6 weeks"),
        (45, "every 45 days"),
        (30, "every 30 days"),
    ],
)
def test_cadences_are_worded_exactly(content: Content, days: int, words: str) -> None:
    from bot.flows.wording import cadence_text

    assert cadence_text(content, "days", days) == words


def test_a_checkin_dated_before_the_relationship_was_added_is_not_promised_early(
    content: Content, database: Database
) -> None:
    clock = FixedClock(MIDNIGHT)
    chat = ChatScript(
        Engine(content=content, database=database, clock=clock), time_zone="America/Chicago"
    )
    add(chat, "Board chair", "monthly")
    chat.command("checkin", "")
    form = chat.form
    assert form is not None
    values = {f.name: f.initial or "" for f in form.fields}
    relationship_field = next(f for f in form.fields if f.name == "relationship")
    values["relationship"] = relationship_field.options[0][0]
    values["when"] = "2026-12-05"
    values["notes"] = "Met at the library before I added them."
    chat.submit(values)
    assert chat.last.form_errors is None, chat.last.form_errors
    confirmed = one_day(chat.text, "I'll nudge you again")
    chat.command("coach", "plan")
    assert one_day(chat.text, "next due") == confirmed
