"""/checkin driven through the real engine on SQLite: the form, the quick log, picking among
matches, undo, and the nudge's snooze and skip buttons, checked against what is stored."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from bot.core.clock import FixedClock
from bot.engine.plan_store import PlanReads, schedule_relationship
from bot.engine.turns import Engine
from bot.flows.checkin import FORM_ID, SNOOZE_FORM_ID
from bot.flows.nudges import digest_replies
from content import Content
from storage.database import Database
from storage.models import CheckIn, Relationship
from tests.chat_script import ChatScript

# The fixed clock: Monday 23 November 2026, 15:00 UTC, which is 09:00 in America/Chicago
# (the chat's time zone), so the working start of a day there is 15:00 UTC.
NOW = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)
TODAY = date(2026, 11, 23)


def nine_chicago(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 15, 0, tzinfo=UTC)


def plant(
    chat: ChatScript,
    name: str,
    *,
    constituency: str = "governing-authority",
    cadence: str = "weekly",
    measures: Sequence[str] = (),
    strategies: str | None = None,
    paused: bool = False,
    created: datetime = datetime(2026, 11, 2, 15, 0, tzinfo=UTC),
) -> int:
    """A relationship in the person's plan, stored and scheduled as the plan flow would."""
    with chat.engine.database.unit_of_work() as uow:
        person = uow.repos.people.get_or_create(
            platform=chat.platform,
            workspace_external_id=chat.workspace_id,
            person_external_id=chat.user_id,
        )
        uow.repos.people.set_time_zone(person=person, time_zone=chat.time_zone)
        row = uow.plan.relationships.add(
            person_id=person.id,
            values={
                "name": name,
                "kind": "person",
                "constituency": constituency,
                "constituency_label": None,
                "cadence": cadence,
                "cadence_days": None,
                "strategies": strategies,
                "success_measures": list(measures),
                "paused": paused,
            },
            at=created,
        )
        schedule_relationship(row, person, chat.engine.clock.now())
        return row.id


def checkins(database: Database) -> list[CheckIn]:
    with database.unit_of_work() as uow:
        return list(uow.session.scalars(select(CheckIn).order_by(CheckIn.id)))


def relationship(database: Database, relationship_id: int) -> Relationship:
    with database.unit_of_work() as uow:
        row = uow.session.get(Relationship, relationship_id)
        assert row is not None
        return row


def due_times(database: Database) -> dict[int, datetime | None]:
    with database.unit_of_work() as uow:
        return {row.id: row.next_due_at for row in uow.session.scalars(select(Relationship))}


def values(chat: ChatScript) -> list[str]:
    return [choice.value for choice in chat.choices]


def field(chat: ChatScript, name: str):  # type: ignore[no-untyped-def]
    assert chat.form is not None
    return next(f for f in chat.form.fields if f.name == name)


@pytest.fixture
def chair(chat: ChatScript) -> int:
    return plant(chat, "Board chair", measures=("Budget approved", "No surprises at meetings"))


class TestNoRelationships:
    def test_explains_a_check_in_and_offers_the_plan(
        self, chat: ChatScript, content: Content, database: Database
    ) -> None:
        chat.command("checkin")
        assert chat.text == content.checkin.no_relationships
        assert chat.form is None
        assert values(chat) == ["plan:add:", "plan:start:"]

    def test_a_quick_log_logs_nothing(self, chat: ChatScript, database: Database) -> None:
        chat.command("checkin", "board chair: budget talk")
        assert values(chat) == ["plan:add:", "plan:start:"]
        assert checkins(database) == []


class TestForm:
    def test_lists_the_most_overdue_first_with_their_constituency(
        self, chat: ChatScript, clock: FixedClock
    ) -> None:
        # Planted on different days, so they fall due one after another; the paused one last.
        plant(chat, "Zoe at city hall", constituency="local-government", paused=True)
        soon = plant(chat, "Mayor Lee", constituency="local-government", created=NOW)
        late = plant(chat, "Board chair", created=datetime(2026, 11, 9, 15, 0, tzinfo=UTC))
        clock.advance_to(datetime(2026, 12, 7, 15, 0, tzinfo=UTC))
        plant(chat, "A" * 120, constituency="staff", created=datetime(2026, 12, 7, tzinfo=UTC))
        chat.command("checkin")
        form = chat.form
        assert form is not None
        assert form.form_id == FORM_ID
        options = field(chat, "relationship").options
        labels = [label for _, label in options]
        assert labels[:2] == ["Board chair (governing authority)", "Mayor Lee (local govt)"]
        assert labels[-1] == "Zoe at city hall (local govt)"
        assert all(len(label) <= 75 for label in labels)
        assert labels[2].startswith("AAAA")
        assert labels[2].endswith("…")
        assert field(chat, "relationship").initial == str(late)
        assert options[1][0] == str(soon)
        assert field(chat, "when").date
        assert field(chat, "when").initial == "2026-12-07"
        assert form.context == "form:"

    def test_offers_every_relationships_measures_by_name(
        self, chat: ChatScript, chair: int
    ) -> None:
        mayor = plant(chat, "Mayor Lee", measures=("Library in the city plan",))
        plant(chat, "Staff council")  # no measures: nothing offered for it
        chat.command("checkin")
        measures = field(chat, "measures")
        assert measures.multiple
        assert measures.optional
        assert measures.options == (
            (f"{chair}/0", "Board chair: Budget approved"),
            (f"{chair}/1", "Board chair: No surprises at meetings"),
            (f"{mayor}/0", "Mayor Lee: Library in the city plan"),
        )

    def test_without_any_measures_there_is_no_measures_question(self, chat: ChatScript) -> None:
        plant(chat, "Staff council")
        chat.command("checkin")
        assert chat.form is not None
        assert [f.name for f in chat.form.fields] == ["relationship", "when", "went", "notes"]

    def test_a_check_in_is_stored_with_its_measures_and_resets_the_due_time(
        self, chat: ChatScript, database: Database, chair: int
    ) -> None:
        chat.command("checkin")
        chat.submit(
            {
                "relationship": str(chair),
                "when": "2026-11-20",
                "went": "well",
                "notes": "Walked through the levy numbers.",
                "measures": f"{chair}/1",
            }
        )
        assert chat.last.form_errors is None
        [row] = checkins(database)
        assert row.relationship_id == chair
        assert row.happened_on == date(2026, 11, 20)
        assert (row.went, row.notes, row.source) == (
            "well",
            "Walked through the levy numbers.",
            "form",
        )
        assert row.measures == ["No surprises at meetings"]
        assert row.created_at == NOW
        stored = relationship(database, chair)
        # Friday 09:00 in Chicago; weekly, so next Friday at 09:00.
        assert stored.last_checkin_at == nine_chicago(date(2026, 11, 20))
        assert stored.next_due_at == nine_chicago(date(2026, 11, 27))
        assert chat.text == (
            "Logged your check-in with *Board chair* on Fri 20 Nov. "
            "It served: No surprises at meetings. "
            "I'll nudge you again in 4 days, on Fri 27 Nov."
        )
        assert values(chat) == [f"checkin:undo:{chair}@{NOW.isoformat()}", "plan:start:"]

    @pytest.mark.parametrize(
        ("typed", "day"), [("today", TODAY), ("Yesterday", date(2026, 11, 22))]
    )
    def test_today_and_yesterday_are_dates(
        self, chat: ChatScript, database: Database, chair: int, typed: str, day: date
    ) -> None:
        chat.command("checkin")
        chat.submit({"relationship": str(chair), "when": typed})
        assert chat.last.form_errors is None
        [row] = checkins(database)
        assert row.happened_on == day
        assert (row.went, row.notes, row.measures) == (None, None, [])

    @pytest.mark.parametrize(
        ("changes", "field_name", "message"),
        [
            ({"when": "2026-11-24"}, "when", "date_future"),
            ({"when": "next tuesday"}, "when", "date_future"),  # read now, and ahead
            ({"when": "some day soon"}, "when", "date_unreadable"),
            ({"when": "2026-02-30"}, "when", "date_unreadable"),
            ({"when": ""}, "when", "date_missing"),
            ({"when": "2025-11-22"}, "when", "date_too_old"),
            ({"relationship": ""}, "relationship", "relationship_missing"),
            ({"relationship": "99999"}, "relationship", "relationship_unknown"),
            ({"went": "splendid"}, "went", "went_unknown"),
            ({"measures": "abc"}, "measures", "measure_unknown"),
        ],
    )
    def test_bad_answers_are_errors_under_their_field_and_nothing_is_stored(
        self,
        chat: ChatScript,
        database: Database,
        content: Content,
        chair: int,
        changes: dict[str, str],
        field_name: str,
        message: str,
    ) -> None:
        chat.command("checkin")
        chat.submit({"relationship": str(chair), "when": "today", **changes})
        assert chat.last.form_errors is not None
        assert chat.last.form_errors.errors == {
            field_name: getattr(content.checkin.errors, message)
        }
        assert checkins(database) == []

    def test_a_year_ago_to_the_day_is_still_allowed(
        self, chat: ChatScript, database: Database, chair: int
    ) -> None:
        chat.command("checkin")
        chat.submit({"relationship": str(chair), "when": "2025-11-23"})
        assert chat.last.form_errors is None
        assert checkins(database)[0].happened_on == date(2025, 11, 23)

    def test_notes_over_the_limit_name_the_limit(
        self, chat: ChatScript, database: Database, chair: int
    ) -> None:
        chat.command("checkin")
        chat.submit({"relationship": str(chair), "when": "today", "notes": "n" * 3001})
        assert chat.last.form_errors is not None
        assert "3000" in chat.last.form_errors.errors["notes"]
        assert "3001" in chat.last.form_errors.errors["notes"]
        assert checkins(database) == []

    def test_a_measure_of_another_relationship_is_refused(
        self, chat: ChatScript, database: Database, content: Content, chair: int
    ) -> None:
        mayor = plant(chat, "Mayor Lee", measures=("Library in the city plan",))
        chat.command("checkin")
        chat.submit(
            {"relationship": str(chair), "when": "today", "measures": f"{chair}/0,{mayor}/0"}
        )
        assert chat.last.form_errors is not None
        error = chat.last.form_errors.errors["measures"]
        assert error == content.checkin.errors.measure_of_another.format(
            measure="Library in the city plan", owner="Mayor Lee", name="Board chair"
        )
        assert checkins(database) == []

    def test_another_persons_relationship_cannot_be_logged(
        self, chat: ChatScript, database: Database, engine: Engine, content: Content
    ) -> None:
        ben = ChatScript(engine, user_id="U-ben")
        theirs = plant(ben, "Ben's board chair")
        plant(chat, "Board chair")
        chat.command("checkin")
        chat.submit({"relationship": str(theirs), "when": "today"})
        assert chat.last.form_errors is not None
        assert chat.last.form_errors.errors == {
            "relationship": content.checkin.errors.relationship_unknown
        }
        assert checkins(database) == []

    def test_a_paused_relationship_can_be_logged_and_stays_paused(
        self, chat: ChatScript, database: Database, content: Content
    ) -> None:
        paused = plant(chat, "Friends group", paused=True)
        chat.command("checkin")
        chat.submit({"relationship": str(paused), "when": "today"})
        assert "is paused in your plan" in chat.text
        assert relationship(database, paused).next_due_at is None
        assert len(checkins(database)) == 1


class TestFromANudge:
    def test_log_opens_the_form_for_that_relationship_only(
        self, chat: ChatScript, database: Database, chair: int
    ) -> None:
        plant(chat, "Mayor Lee", measures=("Library in the city plan",))
        chat.press(f"checkin:log:{chair}")
        form = chat.form
        assert form is not None
        assert form.form_id == FORM_ID
        assert form.context == f"nudge:{chair}"
        assert "Board chair" in (form.intro or "")
        assert field(chat, "relationship").initial == str(chair)
        assert field(chat, "measures").options == (
            (f"{chair}/0", "Budget approved"),
            (f"{chair}/1", "No surprises at meetings"),
        )
        chat.submit({"relationship": str(chair), "when": "today", "measures": f"{chair}/0"})
        [row] = checkins(database)
        assert (row.source, row.measures) == ("nudge", ["Budget approved"])


class TestQuickLog:
    def test_name_colon_notes_logs_at_once(
        self, chat: ChatScript, database: Database, chair: int
    ) -> None:
        plant(chat, "Board treasurer")
        chat.command("checkin", "board chair: budget talk went well")
        [row] = checkins(database)
        assert row.relationship_id == chair
        assert (row.happened_on, row.went, row.source) == (TODAY, None, "quick")
        assert row.notes == "budget talk went well"
        assert chat.text.startswith("Logged your check-in with *Board chair* on Mon 23 Nov.")
        assert "I'll nudge you again in a week, on Mon 30 Nov." in chat.text
        assert f"checkin:undo:{chair}@{NOW.isoformat()}" in values(chat)
        assert relationship(database, chair).next_due_at == nine_chicago(date(2026, 11, 30))

    @pytest.mark.parametrize(
        ("typed", "notes"),
        [
            ("chair: budget talk", "budget talk"),  # a word of the name
            ("  BOARD-CHAIR  :budget talk", "budget talk"),  # case, punctuation, spacing
            ("bord chiar: budget talk", "budget talk"),  # a typo
            ("Board chair budget talk went well", "budget talk went well"),  # no colon
            ("board-chair", None),  # only the name
            ("brd chair", None),
        ],
    )
    def test_names_are_matched_forgivingly(
        self, chat: ChatScript, database: Database, chair: int, typed: str, notes: str | None
    ) -> None:
        plant(chat, "Mayor Lee")
        chat.command("checkin", typed)
        [row] = checkins(database)
        assert (row.relationship_id, row.notes) == (chair, notes)

    def test_ambiguous_logs_nothing_until_a_pick(
        self, chat: ChatScript, database: Database, chair: int
    ) -> None:
        treasurer = plant(chat, "Board treasurer")
        plant(chat, "Mayor Lee")
        chat.command("checkin", "board: budget talk")
        assert checkins(database) == []
        assert "could be more than one" in chat.text
        assert values(chat) == [
            f"checkin:pick:{chair}",
            f"checkin:pick:{treasurer}",
            "checkin:start:",
        ]
        assert chat.replies[0].quote == "budget talk"
        assert chat.last.waiting
        chat.press(f"checkin:pick:{treasurer}")
        [row] = checkins(database)
        assert (row.relationship_id, row.notes, row.source) == (treasurer, "budget talk", "quick")
        assert "Board treasurer" in chat.text
        # The pick is used up: pressing it again logs nothing more.
        chat.press(f"checkin:pick:{treasurer}")
        assert chat.text.startswith("That button belongs to an earlier message")
        assert len(checkins(database)) == 1

    def test_unknown_offers_the_closest_and_adding_one(
        self, chat: ChatScript, database: Database, chair: int
    ) -> None:
        plant(chat, "Mayor Lee")
        chat.command("checkin", "Zelda: coffee at the fair")
        assert checkins(database) == []
        assert "couldn't find “Zelda”" in chat.text
        offered = values(chat)
        assert f"checkin:pick:{chair}" in offered
        assert offered[-2:] == ["checkin:start:", "plan:add:"]
        assert chat.replies[0].quote == "coffee at the fair"

    def test_at_most_five_matches_are_offered(self, chat: ChatScript, database: Database) -> None:
        for number in range(8):
            plant(chat, f"Board member {number}")
        chat.command("checkin", "board: notes")
        picks = [v for v in values(chat) if v.startswith("checkin:pick:")]
        assert len(picks) == 5

    def test_a_weak_guess_is_offered_not_logged(self, chat: ChatScript, database: Database) -> None:
        pam = plant(chat, "Pam")
        chat.command("checkin", "Sam: lunch")
        assert checkins(database) == []
        assert values(chat)[0] == f"checkin:pick:{pam}"

    def test_typing_a_name_while_choosing_logs_with_the_kept_notes(
        self, chat: ChatScript, database: Database, chair: int
    ) -> None:
        chat.command("checkin", "Zelda: coffee at the fair")
        chat.say("Zelda again")
        assert checkins(database) == []
        assert chat.replies[0].quote == "coffee at the fair"
        chat.say("chair")
        [row] = checkins(database)
        assert (row.relationship_id, row.notes) == (chair, "coffee at the fair")
        chat.say("chair")  # no longer choosing: an ordinary message, not another check-in
        assert len(checkins(database)) == 1

    def test_new_notes_typed_while_choosing_replace_the_kept_ones(
        self, chat: ChatScript, database: Database, chair: int
    ) -> None:
        chat.command("checkin", "Zelda: coffee")
        chat.say("board chair: tea instead")
        [row] = checkins(database)
        assert row.notes == "tea instead"

    def test_a_pick_of_a_removed_relationship_no_longer_applies(
        self, chat: ChatScript, database: Database, chair: int
    ) -> None:
        chat.command("checkin", "Zelda: coffee")
        chat.press("checkin:pick:99999")
        assert chat.text.startswith("That button belongs to an earlier message")
        chat.press("checkin:pick:abc")
        assert chat.text.startswith("That button belongs to an earlier message")
        assert checkins(database) == []

    def test_notes_over_the_limit_are_refused(
        self, chat: ChatScript, database: Database, chair: int
    ) -> None:
        chat.command("checkin", "board chair: " + "n" * 3001)
        assert "3000" in chat.text
        assert checkins(database) == []


class TestUndo:
    def test_undo_removes_it_and_restores_the_due_time(
        self, chat: ChatScript, database: Database, chair: int
    ) -> None:
        before = relationship(database, chair)
        chat.command("checkin", "board chair: budget")
        assert relationship(database, chair).last_checkin_at == NOW
        chat.choose("Undo")
        assert checkins(database) == []
        assert "Taken back" in chat.text
        assert "Mon 23 Nov" in chat.text
        after = relationship(database, chair)
        assert after.last_checkin_at is None
        assert after.next_due_at == before.next_due_at
        chat.press(f"checkin:undo:{chair}@{NOW.isoformat()}")
        assert chat.text.startswith("There was nothing to take back")

    def test_undo_takes_back_only_that_one(
        self, chat: ChatScript, database: Database, clock: FixedClock, chair: int
    ) -> None:
        chat.command("checkin")
        chat.submit({"relationship": str(chair), "when": "2026-11-20"})
        later = datetime(2026, 11, 23, 16, 30, 0, 123456, tzinfo=UTC)
        clock.advance_to(later)
        chat.command("checkin", "board chair: follow-up")
        assert relationship(database, chair).last_checkin_at == later
        chat.choose("Undo")
        [kept] = checkins(database)
        assert kept.happened_on == date(2026, 11, 20)
        stored = relationship(database, chair)
        assert stored.last_checkin_at == nine_chicago(date(2026, 11, 20))
        assert stored.next_due_at == nine_chicago(date(2026, 11, 27))

    @pytest.mark.parametrize(
        "argument",
        ["{chair}@not-a-time", "{chair}@2026-11-23T15:00:00", "99999@{now}", "@{now}", "{chair}"],
    )
    def test_a_tampered_undo_no_longer_applies(
        self, chat: ChatScript, database: Database, chair: int, argument: str
    ) -> None:
        chat.command("checkin", "board chair: budget")
        chat.press("checkin:undo:" + argument.format(chair=chair, now=NOW.isoformat()))
        assert chat.text.startswith("That button belongs to an earlier message")
        assert len(checkins(database)) == 1


class TestSnoozeAndSkip:
    def test_snooze_a_day_moves_it_to_tomorrows_working_start(
        self, chat: ChatScript, database: Database, chair: int
    ) -> None:
        chat.press(f"checkin:snooze:{chair}/day")
        assert relationship(database, chair).next_due_at == nine_chicago(date(2026, 11, 24))
        assert chat.text == "Snoozed. I'll remind you about *Board chair* on Tue 24 Nov."

    def test_snooze_a_week(self, chat: ChatScript, database: Database, chair: int) -> None:
        chat.press(f"checkin:snooze:{chair}/week")
        assert relationship(database, chair).next_due_at == nine_chicago(date(2026, 11, 30))
        assert "on Mon 30 Nov" in chat.text

    def test_a_snooze_ending_on_a_weekend_names_the_monday(
        self, chat: ChatScript, database: Database, clock: FixedClock, chair: int
    ) -> None:
        clock.advance_to(datetime(2026, 11, 27, 15, 0, tzinfo=UTC))  # a Friday
        chat.press(f"checkin:snooze:{chair}/day")
        assert relationship(database, chair).next_due_at == nine_chicago(date(2026, 11, 30))
        assert "on Mon 30 Nov" in chat.text

    def test_snooze_until_a_date_asks_for_it(
        self, chat: ChatScript, database: Database, chair: int
    ) -> None:
        chat.press(f"checkin:snooze:{chair}/date")
        form = chat.form
        assert form is not None
        assert form.form_id == SNOOZE_FORM_ID
        assert len(form.title) <= 24
        assert form.fields[0].date
        assert form.fields[0].initial == "2026-11-30"
        chat.submit({"until": "2026-12-03"})
        assert relationship(database, chair).next_due_at == nine_chicago(date(2026, 12, 3))
        assert chat.text == "Snoozed. I'll remind you about *Board chair* on Thu 3 Dec."

    @pytest.mark.parametrize(
        ("typed", "message"),
        [
            ("2026-11-23", "snooze_not_after_today"),
            ("2026-11-01", "snooze_not_after_today"),
            ("2027-11-24", "snooze_too_far"),
            ("soon", "snooze_unreadable"),
            ("", "date_missing"),
        ],
    )
    def test_snooze_dates_out_of_range_are_refused(
        self,
        chat: ChatScript,
        database: Database,
        content: Content,
        chair: int,
        typed: str,
        message: str,
    ) -> None:
        before = relationship(database, chair).next_due_at
        chat.press(f"checkin:snooze:{chair}/date")
        chat.submit({"until": typed})
        assert chat.last.form_errors is not None
        assert chat.last.form_errors.errors == {"until": getattr(content.checkin.errors, message)}
        assert relationship(database, chair).next_due_at == before

    def test_skip_moves_it_one_cadence_on(
        self, chat: ChatScript, database: Database, chair: int
    ) -> None:
        monthly = plant(chat, "Mayor Lee", cadence="monthly")
        chat.press(f"checkin:skip:{chair}")
        assert relationship(database, chair).next_due_at == nine_chicago(date(2026, 11, 30))
        assert chat.text == "Skipped this time. I'll remind you about *Board chair* on Mon 30 Nov."
        chat.press(f"checkin:skip:{monthly}")
        assert relationship(database, monthly).next_due_at == nine_chicago(date(2026, 12, 23))
        assert "on Wed 23 Dec" in chat.text

    def test_a_paused_relationship_is_not_snoozed_or_skipped(
        self, chat: ChatScript, database: Database
    ) -> None:
        paused = plant(chat, "Friends group", paused=True)
        for value in (f"checkin:snooze:{paused}/day", f"checkin:skip:{paused}"):
            chat.press(value)
            assert "is paused in your plan" in chat.text
            assert relationship(database, paused).next_due_at is None

    @pytest.mark.parametrize(
        "value",
        [
            "checkin:log:99999",
            "checkin:log:",
            "checkin:log:{theirs}",
            "checkin:snooze:{theirs}/day",
            "checkin:snooze:{mine}/fortnight",
            "checkin:snooze:99999/week",
            "checkin:snooze:x/day",
            "checkin:skip:{theirs}",
            "checkin:skip:-1",
            "checkin:undo:{theirs}@{now}",
            "checkin:dance:{mine}",
        ],
    )
    def test_ids_not_theirs_no_longer_apply_and_change_nothing(
        self, chat: ChatScript, engine: Engine, database: Database, value: str
    ) -> None:
        ben = ChatScript(engine, user_id="U-ben")
        theirs = plant(ben, "Ben's board chair")
        ben.command("checkin", "ben's board chair: mine")
        mine = plant(chat, "Board chair")
        before = due_times(database)
        chat.press(value.format(theirs=theirs, mine=mine, now=NOW.isoformat()))
        assert chat.text.startswith("That button belongs to an earlier message")
        assert chat.form is None
        assert due_times(database) == before
        assert len(checkins(database)) == 1

    def test_a_snooze_form_for_a_removed_relationship_no_longer_applies(
        self, chat: ChatScript, database: Database, chair: int
    ) -> None:
        chat.press(f"checkin:snooze:{chair}/date")
        form = chat.form
        with database.unit_of_work() as uow:
            uow.session.delete(uow.session.get(Relationship, chair))
        chat.submit({"until": "2026-12-03"}, form)
        assert chat.text.startswith("That button belongs to an earlier message")


@pytest.fixture
def chat_on_any_database(content: Content, any_database: Database, clock: FixedClock) -> ChatScript:
    return ChatScript(Engine(content=content, database=any_database, clock=clock))


def test_undo_finds_a_check_in_logged_at_any_microsecond_on_every_database(
    chat_on_any_database: ChatScript, any_database: Database, clock: FixedClock
) -> None:
    chat = chat_on_any_database
    chair = plant(chat, "Board chair")
    clock.advance_to(datetime(2026, 11, 23, 16, 30, 5, 123456, tzinfo=UTC))
    chat.command("checkin", "board chair: budget")
    assert len(checkins(any_database)) == 1
    chat.choose("Undo")
    assert chat.text.startswith("Taken back")
    assert checkins(any_database) == []
    assert relationship(any_database, chair).last_checkin_at is None


def test_a_digest_leads_to_each_relationships_own_nudge_with_snooze_and_skip(
    chat: ChatScript, chair: int
) -> None:
    plant(chat, "Friends of the Library")
    chat.command("coach", "plan")  # the person is known, with their relationships
    with chat.engine.database.unit_of_work() as uow:
        person = uow.repos.people.get_or_create(
            platform=chat.platform,
            workspace_external_id=chat.workspace_id,
            person_external_id=chat.user_id,
        )
        due = PlanReads(uow, person).relationships()
    [digest] = digest_replies(
        chat.engine.content,
        due,
        {},
        now=chat.engine.clock.now(),
        today=date(2026, 11, 23),
        time_zone=chat.time_zone,
    )
    assert f"checkin:nudge:{chair}" in [c.value for c in digest.choices]

    chat.press(f"checkin:nudge:{chair}")

    assert f"checkin:skip:{chair}" in values(chat)
    assert f"checkin:snooze:{chair}/week" in values(chat)
    assert "Board chair" in chat.text
    assert "Friends of the Library" not in chat.text
