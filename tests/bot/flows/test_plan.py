"""The relationship plan flow, driven through the real engine on SQLite: relationships,
maturity, action items and nudge settings, as they are stored."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from typing import TypeVar

import pytest
from sqlalchemy import select

from bot.engine.turns import Engine
from bot.flows.plan import action_reminder_replies
from bot.flows.plan_model import ActionItemView
from content import Content
from storage.database import Database
from storage.models import (
    ActionItem,
    Base,
    CheckIn,
    MaturityRating,
    Person,
    PersonSchedule,
    Relationship,
    RelationshipPlan,
)
from tests.chat_script import ChatScript

# The fixed clock: Monday 23 November 2026, 15:00 UTC (09:00 in America/Chicago).


Row = TypeVar("Row", bound=Base)


def rows(database: Database, model: type[Row]) -> list[Row]:
    with database.unit_of_work() as uow:
        ordered = select(model).order_by(model.id)  # type: ignore[attr-defined]
        return list(uow.session.scalars(ordered))


def relationship_values(**changes: str) -> dict[str, str]:
    values = {
        "name": "Board chair",
        "kind": "person",
        "constituency": "governing-authority",
        "own_label": "",
        "cadence": "monthly",
        "days": "",
        "strategies": "Coffee before each board meeting.",
        "measures": "Budget approved\nNo surprises at meetings",
    }
    values.update(changes)
    return values


def add_relationship(chat: ChatScript, **changes: str) -> None:
    chat.command("coach", "plan add")
    assert chat.form is not None
    assert chat.form.form_id == "plan.relationship"
    chat.submit(relationship_values(**changes))
    assert chat.last.form_errors is None, chat.last.form_errors


def only_relationship(database: Database) -> Relationship:
    (row,) = rows(database, Relationship)
    return row


def errors_for(chat: ChatScript, values: dict[str, str]) -> dict[str, str]:
    chat.command("coach", "plan add")
    chat.submit(values)
    assert chat.last.form_errors is not None
    return dict(chat.last.form_errors.errors)


class TestOverview:
    def test_an_empty_plan_introduces_the_worksheet_and_the_five_constituencies(
        self, chat: ChatScript, content: Content
    ) -> None:
        chat.command("coach", "plan")
        assert content.worksheet.relationship_plan.intro in chat.text
        for constituency in content.worksheet.constituencies():
            assert constituency.name in chat.text
        values = [c.value for c in chat.choices]
        assert values[:2] == ["plan:add:", "plan:goals:"]

    def test_relationships_grouped_with_cadence_due_date_pause_and_stage(
        self, chat: ChatScript, database: Database, content: Content
    ) -> None:
        add_relationship(chat)
        add_relationship(
            chat,
            name="Friends group",
            kind="organisation",
            constituency="other",
            own_label="Friends of the Library",
            cadence="days",
            days="10",
        )
        add_relationship(
            chat, name="County office", constituency="local-government", cadence="weekly"
        )
        county = rows(database, Relationship)[2]
        chat.press(f"plan:pause:{county.id}")
        chat.press(f"plan:score:{county.id}/6")
        chat.submit({"indicators": ""})
        chat.command("coach", "plan")
        overview = chat.replies[0].text
        assert "*Governing authority*" in overview
        assert "*Local govt*" in overview
        assert "*Friends of the Library*" in overview
        assert overview.index("Governing authority") < overview.index("Local govt")
        assert overview.index("Local govt") < overview.index("Friends of the Library")
        assert "*Board chair* (a person): every month; next due Wed 23 Dec" in overview
        assert "*Friends group* (an organisation): every 10 days; next due Thu 3 Dec" in (overview)
        assert "*County office* (a person): every week; paused, no nudges; Intentional (6)" in (
            overview
        )
        values = [c.value for c in chat.choices]
        assert [f"plan:show:{r.id}" for r in rows(database, Relationship)] == [
            v for v in values if v.startswith("plan:show:")
        ]
        assert "checkin:start:" in values
        # The balance summary follows the overview (its wording is the balance module's).
        assert content.balance.title in chat.replies[1].text

    def test_goals_are_saved_prefilled_and_shown(
        self, chat: ChatScript, database: Database
    ) -> None:
        chat.command("coach", "plan goals")
        assert chat.form is not None
        assert chat.form.form_id == "plan.goals"
        chat.submit(
            {
                "personal_goals": "Be in touch with the board monthly.",
                "team_goals": "",
                "working_well": "Honesty.",
                "could_improve": "",
            }
        )
        (plan,) = rows(database, RelationshipPlan)
        assert plan.personal_goals == "Be in touch with the board monthly."
        assert plan.team_goals is None
        assert plan.working_well == "Honesty."
        assert "plan:start:" in [c.value for c in chat.choices]
        chat.press("plan:goals:")
        assert chat.form is not None
        initial = {f.name: f.initial for f in chat.form.fields}
        assert initial["personal_goals"] == "Be in touch with the board monthly."
        chat.command("coach", "plan")
        assert "Be in touch with the board monthly." in chat.text

    def test_goals_too_long_is_refused(self, chat: ChatScript, database: Database) -> None:
        chat.command("coach", "plan goals")
        chat.submit({"personal_goals": "x" * 3001})
        assert chat.last.form_errors is not None
        assert "3000" in chat.last.form_errors.errors["personal_goals"]
        assert rows(database, RelationshipPlan) == []


class TestRelationships:
    def test_add_stores_it_and_the_engine_schedules_its_first_nudge(
        self, chat: ChatScript, database: Database, content: Content
    ) -> None:
        add_relationship(chat)
        row = only_relationship(database)
        assert (row.name, row.kind, row.constituency, row.constituency_label) == (
            "Board chair",
            "person",
            "governing-authority",
            None,
        )
        assert (row.cadence, row.cadence_days) == ("monthly", None)
        assert row.strategies == "Coffee before each board meeting."
        assert row.success_measures == ["Budget approved", "No surprises at meetings"]
        # One month on, at the start of the working day in Chicago.
        assert row.next_due_at == datetime(2026, 12, 23, 15, 0, tzinfo=UTC)
        assert "I'll nudge you every month" in chat.text
        assert [c.value for c in chat.choices] == [
            "plan:show:@Board chair",
            "plan:add:",
            "plan:start:",
        ]
        chat.choose(content.plan.labels.show_relationship)
        assert "*Board chair* (a person), governing authority" in chat.text
        assert "Next due: Wed 23 Dec" in chat.text
        assert "• Budget approved" in chat.text

    def test_a_partner_is_offered_a_maturity_rating(
        self, chat: ChatScript, content: Content
    ) -> None:
        add_relationship(chat, name="County office", constituency="local-government")
        assert content.plan.relationship.rate_offer in chat.text
        chat.choose(content.plan.labels.rate)
        assert "Aware" in chat.text
        assert "Purposeful" in chat.text

    def test_edit_is_prefilled_and_changes_the_stored_row_and_its_due_time(
        self, chat: ChatScript, database: Database
    ) -> None:
        add_relationship(chat)
        row = only_relationship(database)
        chat.press(f"plan:edit:{row.id}")
        assert chat.form is not None
        assert chat.form.context == str(row.id)
        initial = {f.name: f.initial for f in chat.form.fields}
        assert initial["name"] == "Board chair"
        assert initial["measures"] == "Budget approved\nNo surprises at meetings"
        chat.submit(relationship_values(cadence="weekly", measures="Budget approved"))
        assert chat.last.form_errors is None
        row = only_relationship(database)
        assert row.cadence == "weekly"
        assert row.success_measures == ["Budget approved"]
        assert row.next_due_at == datetime(2026, 11, 30, 15, 0, tzinfo=UTC)
        assert "I'll nudge you every week" in chat.text

    def test_pause_clears_the_due_time_and_resume_sets_it_again(
        self, chat: ChatScript, database: Database
    ) -> None:
        add_relationship(chat)
        rid = only_relationship(database).id
        chat.press(f"plan:pause:{rid}")
        row = only_relationship(database)
        assert row.paused is True
        assert row.next_due_at is None
        assert f"plan:resume:{rid}" in [c.value for c in chat.choices]
        chat.press(f"plan:show:{rid}")
        assert "Paused: no nudges until you resume it." in chat.text
        chat.press(f"plan:resume:{rid}")
        row = only_relationship(database)
        assert row.paused is False
        assert row.next_due_at == datetime(2026, 12, 23, 15, 0, tzinfo=UTC)

    def test_yourself_is_not_called_a_person(self, chat: ChatScript, database: Database) -> None:
        add_relationship(chat, name="Myself", constituency="self")
        rid = only_relationship(database).id
        chat.command("coach", "plan")
        assert "(a person)" not in chat.text
        assert "• *Myself*: every month" in chat.text
        chat.press(f"plan:show:{rid}")
        assert chat.text.startswith("*Myself*, yourself")

    def test_removing_one_without_checkins_counts_them_in_words(
        self, chat: ChatScript, database: Database
    ) -> None:
        add_relationship(chat)
        chat.press(f"plan:remove:{only_relationship(database).id}")
        assert "Its 0 logged check-ins and" in chat.text

    def test_remove_asks_first_then_removes_it_with_its_checkins(
        self, chat: ChatScript, database: Database, engine: Engine
    ) -> None:
        add_relationship(chat)
        rid = only_relationship(database).id
        with database.unit_of_work() as uow:
            (person,) = uow.session.scalars(select(Person))
            uow.plan.checkins.add(
                person_id=person.id,
                values={
                    "relationship_id": rid,
                    "happened_on": date(2026, 11, 20),
                    "went": None,
                    "notes": "Talked budget.",
                    "measures": [],
                    "source": "form",
                },
                at=datetime(2026, 11, 20, 18, 0, tzinfo=UTC),
            )
        chat.press(f"plan:show:{rid}")
        assert "Fri 20 Nov 2026: Talked budget." in chat.text
        chat.press(f"plan:remove:{rid}")
        assert "Its 1 logged check-in and its maturity ratings" in chat.text
        confirm = next(c for c in chat.choices if c.value == f"plan:remove-confirm:{rid}")
        assert confirm.style == "danger"
        assert len(rows(database, Relationship)) == 1  # nothing removed before confirming
        chat.press(confirm.value)
        assert "Removed *Board chair*" in chat.text
        assert rows(database, Relationship) == []
        assert rows(database, CheckIn) == []
        chat.press(f"plan:show:{rid}")
        assert engine.content.coach.general.stale_choice in chat.text

    def test_the_other_constituency_keeps_the_persons_own_label(
        self, chat: ChatScript, database: Database
    ) -> None:
        add_relationship(chat, constituency="other", own_label="Local press")
        assert only_relationship(database).constituency_label == "Local press"

    def test_a_label_given_for_a_named_constituency_is_not_kept(
        self, chat: ChatScript, database: Database
    ) -> None:
        add_relationship(chat, own_label="Ignored")
        assert only_relationship(database).constituency_label is None


class TestRelationshipValidation:
    @pytest.mark.parametrize(
        ("changes", "field", "words"),
        [
            ({"name": "  "}, "name", "Please fill this in."),
            ({"name": "x" * 121}, "name", "120 characters"),
            ({"kind": "robot"}, "kind", "Please pick one of the options."),
            ({"constituency": "nobody"}, "constituency", "Please pick one of the options."),
            ({"constituency": "other"}, "own_label", "your own label"),
            ({"constituency": "other", "own_label": "x" * 81}, "own_label", "80 characters"),
            ({"cadence": "hourly"}, "cadence", "Please pick one of the options."),
            ({"cadence": "days"}, "days", "every how many days"),
            ({"cadence": "days", "days": "0"}, "days", "1 to 365"),
            ({"cadence": "days", "days": "366"}, "days", "1 to 365"),
            ({"cadence": "days", "days": "²"}, "days", "1 to 365"),
            ({"cadence": "days", "days": "two"}, "days", "1 to 365"),
            ({"strategies": "x" * 3001}, "strategies", "3000 characters"),
            ({"measures": "\n".join(f"m{n}" for n in range(11))}, "measures", "10 success"),
            ({"measures": "ok\n" + "x" * 151}, "measures", "line 2 has 151"),
        ],
    )
    def test_each_problem_is_shown_under_its_field_and_nothing_is_stored(
        self,
        chat: ChatScript,
        database: Database,
        changes: dict[str, str],
        field: str,
        words: str,
    ) -> None:
        errors = errors_for(chat, relationship_values(**changes))
        assert list(errors) == [field]
        assert words in errors[field]
        assert rows(database, Relationship) == []

    def test_a_duplicate_name_is_refused_whatever_its_case(
        self, chat: ChatScript, database: Database
    ) -> None:
        add_relationship(chat)
        errors = errors_for(chat, relationship_values(name="board CHAIR"))
        assert "already have *board CHAIR*" in errors["name"]
        assert len(rows(database, Relationship)) == 1

    def test_editing_keeps_its_own_name_without_calling_it_a_duplicate(
        self, chat: ChatScript, database: Database
    ) -> None:
        add_relationship(chat)
        rid = only_relationship(database).id
        chat.press(f"plan:edit:{rid}")
        chat.submit(relationship_values(name="Board Chair"))
        assert chat.last.form_errors is None
        assert only_relationship(database).name == "Board Chair"

    def test_every_n_days_is_stored(self, chat: ChatScript, database: Database) -> None:
        add_relationship(chat, cadence="days", days="45")
        row = only_relationship(database)
        assert (row.cadence, row.cadence_days) == ("days", 45)
        assert "every 45 days" in chat.text


class TestMaturity:
    def test_rating_stores_score_stage_and_ticked_indicators_with_history(
        self, chat: ChatScript, database: Database, content: Content
    ) -> None:
        add_relationship(chat, name="County office", constituency="local-government")
        rid = only_relationship(database).id
        chat.press(f"plan:rate:{rid}")
        labels = [c.label for c in chat.choices]
        assert "5 - Intentional" in labels
        assert "1 - Aware" in labels
        assert "10 - Purposeful" in labels
        chat.choose("6 - Intentional")
        form = chat.form
        assert form is not None
        assert form.form_id == "plan.rating"
        entry = content.rubric.entry("intentional", "local-government")
        offered = [value for value, _ in form.fields[0].options]
        assert offered == [i.id for i in entry.indicators]
        assert all(len(label) <= 75 for _, label in form.fields[0].options)
        assert form.intro is not None
        assert entry.indicators[0].text in form.intro
        chat.submit({"indicators": offered[0]})
        (rating,) = rows(database, MaturityRating)
        assert (rating.score, rating.stage_id, rating.indicators) == (
            6,
            "intentional",
            [offered[0]],
        )
        assert f"1 of {len(offered)} indicators ticked" in chat.text
        chat.press(f"plan:score:{rid}/9")
        purposeful = content.rubric.entry("purposeful", "local-government")
        chat.submit({"indicators": ",".join(i.id for i in purposeful.indicators)})
        assert [r.stage_id for r in rows(database, MaturityRating)] == ["intentional", "purposeful"]
        chat.press(f"plan:show:{rid}")
        assert "6 - Intentional, 1 of" in chat.text
        assert "9 - Purposeful" in chat.text
        assert purposeful.indicators[0].text in chat.text
        # Rating the same stage again starts from what was ticked last time.
        chat.press(f"plan:score:{rid}/7")
        assert chat.form is not None
        assert chat.form.fields[0].initial == offered[0]

    def test_an_indicator_of_another_stage_is_refused(
        self, chat: ChatScript, database: Database, content: Content
    ) -> None:
        add_relationship(chat, name="County office", constituency="local-government")
        rid = only_relationship(database).id
        chat.press(f"plan:score:{rid}/2")
        other = content.rubric.entry("purposeful", "local-government").indicators[0].id
        chat.submit({"indicators": other})
        assert chat.last.form_errors is not None
        assert rows(database, MaturityRating) == []

    def test_a_relationship_that_is_not_a_partner_sees_every_kinds_indicators(
        self, chat: ChatScript, database: Database, content: Content
    ) -> None:
        add_relationship(chat)
        rid = only_relationship(database).id
        chat.press(f"plan:score:{rid}/3")
        assert chat.form is not None
        expected = [
            i.id
            for kind in content.rubric.partner_kinds
            for i in content.rubric.entry("aware", kind.id).indicators
        ]
        assert [v for v, _ in chat.form.fields[0].options] == expected

    @pytest.mark.parametrize("argument", ["{rid}/0", "{rid}/11", "{rid}/x", "999/5"])
    def test_a_bad_score_button_no_longer_applies(
        self, chat: ChatScript, database: Database, engine: Engine, argument: str
    ) -> None:
        add_relationship(chat)
        rid = only_relationship(database).id
        chat.press("plan:score:" + argument.format(rid=rid))
        assert engine.content.coach.general.stale_choice in chat.text


class TestActionPlan:
    def add_action(self, chat: ChatScript, **values: str) -> None:
        chat.command("coach", "plan actions")
        chat.press("plan:action-add:")
        assert chat.form is not None
        assert chat.form.form_id == "plan.action"
        chat.submit({"what": "Send the budget summary", "who": "", "when": "2026-12-01", **values})

    def test_add_done_undo_and_remove(self, chat: ChatScript, database: Database) -> None:
        self.add_action(chat, who="Finance officer")
        (item,) = rows(database, ActionItem)
        assert (item.what, item.who, item.due_on, item.source) == (
            "Send the budget summary",
            "Finance officer",
            date(2026, 12, 1),
            "plan",
        )
        assert item.next_due_at == datetime(2026, 12, 1, 15, 0, tzinfo=UTC)
        assert "due Tue 1 Dec" in chat.text
        chat.press("plan:actions:")
        assert "1. Send the budget summary (with Finance officer), due Tue 1 Dec" in chat.text
        chat.press(f"plan:done:{item.id}")
        (item,) = rows(database, ActionItem)
        assert item.done_at is not None
        assert item.next_due_at is None
        assert f"plan:undone:{item.id}" in [c.value for c in chat.choices]
        chat.press("plan:actions:")
        assert "Done recently" in chat.text
        chat.press(f"plan:undone:{item.id}")
        (item,) = rows(database, ActionItem)
        assert item.done_at is None
        assert item.next_due_at is not None
        chat.press(f"plan:action-remove:{item.id}")
        assert len(rows(database, ActionItem)) == 1
        chat.press(f"plan:action-remove-confirm:{item.id}")
        assert rows(database, ActionItem) == []

    def test_overdue_items_are_marked(self, chat: ChatScript) -> None:
        self.add_action(chat, when="2026-11-01")
        chat.press("plan:actions:")
        assert "*overdue* since Sun 1 Nov" in chat.text

    def test_edit_keeps_it_and_changes_it(self, chat: ChatScript, database: Database) -> None:
        self.add_action(chat)
        (item,) = rows(database, ActionItem)
        chat.press(f"plan:action-edit:{item.id}")
        assert chat.form is not None
        assert {f.name: f.initial for f in chat.form.fields}["when"] == "2026-12-01"
        chat.submit({"what": "Send the budget summary", "who": "Ana", "when": "tomorrow"})
        (item,) = rows(database, ActionItem)
        assert (item.who, item.due_on) == ("Ana", date(2026, 11, 24))

    @pytest.mark.parametrize(
        ("values", "field", "words"),
        [
            ({"what": ""}, "what", "Please fill this in."),
            ({"what": "x" * 501}, "what", "500 characters"),
            ({"who": "x" * 201}, "who", "200 characters"),
            ({"when": ""}, "when", "Please fill this in."),
            ({"when": "next week"}, "when", "such as 2026-12-01"),
            ({"when": "2025-11-01"}, "when", "within the last year"),
            ({"when": "2040-01-01"}, "when", "next five years"),
        ],
    )
    def test_each_problem_is_shown_under_its_field(
        self,
        chat: ChatScript,
        database: Database,
        values: dict[str, str],
        field: str,
        words: str,
    ) -> None:
        self.add_action(chat, **values)
        assert chat.last.form_errors is not None
        assert words in chat.last.form_errors.errors[field]
        assert rows(database, ActionItem) == []

    def test_today_is_accepted_as_a_date(self, chat: ChatScript, database: Database) -> None:
        self.add_action(chat, when="Today")
        assert rows(database, ActionItem)[0].due_on == date(2026, 11, 23)

    def test_step_6_plan_prefills_the_form_and_is_stored_as_from_the_toolkit(
        self, chat: ChatScript, database: Database, content: Content
    ) -> None:
        chat.command("coach", "plan actions")
        assert "plan:action-import:" not in [c.value for c in chat.choices]
        chat.press("toolkit:add:chosen-area")
        chat.submit({"title": "Family science nights", "description": ""})
        chat.press("toolkit:add:quadrants")
        chat.submit(
            {
                "who": "Youth services and the county extension office " + "x" * 200,
                "when": "Early January",
                "what": "A room, kits, volunteers",
                "where": "",
            }
        )
        chat.command("coach", "plan actions")
        chat.choose(content.plan.labels.import_action)
        form = chat.form
        assert form is not None
        assert form.context == "new/toolkit"
        initial = {f.name: f.initial for f in form.fields}
        assert initial["what"] == "Family science nights: A room, kits, volunteers"
        assert initial["who"] is not None
        assert len(initial["who"]) == 200
        assert initial["who"].startswith("Youth services and the county extension office")
        assert "Early January" in (form.fields[2].hint or "")
        chat.submit({"what": initial["what"] or "", "who": "Youth services", "when": "2027-01-05"})
        (item,) = rows(database, ActionItem)
        assert (item.source, item.what) == ("toolkit", initial["what"])

    def test_the_reminder_names_it_and_offers_done(self, content: Content) -> None:
        item = ActionItemView(7, "Call the mayor", "Ana", date(2026, 11, 20), "plan", None)
        (reply,) = action_reminder_replies(content, item, today=date(2026, 11, 23))
        assert reply.text == "Overdue since Fri 20 Nov: *Call the mayor* (with Ana)"
        assert [c.value for c in reply.choices] == ["plan:done:7", "plan:actions:"]
        (today,) = action_reminder_replies(content, item, today=date(2026, 11, 20))
        assert today.text == "Due today: *Call the mayor* (with Ana)"


class TestSettings:
    def test_saved_and_the_intro_shows_the_current_settings(
        self, chat: ChatScript, database: Database
    ) -> None:
        chat.command("coach", "plan settings")
        form = chat.form
        assert form is not None
        assert form.form_id == "plan.settings"
        assert "America/Chicago" in (form.intro or "")
        assert "Mon-Fri, 09:00-17:00" in (form.intro or "")
        initial = {f.name: f.initial for f in form.fields}
        assert initial == {
            "zone": "America/Chicago",
            "days": "1,2,3,4,5",
            "start": "540",
            "end": "1020",
            "mode": "each",
            "balance": "on",
        }
        chat.submit(
            {"days": "1,3,5", "start": "480", "end": "960", "mode": "daily", "balance": "off"}
        )
        assert chat.last.form_errors is None
        (person,) = rows(database, Person)
        assert (person.work_days, person.work_start_minute, person.work_end_minute) == (
            "135",
            480,
            960,
        )
        assert person.nudge_mode == "daily"
        kinds = {s.kind: s.next_due_at for s in rows(database, PersonSchedule)}
        assert kinds["balance"] is None
        assert kinds["digest"] is not None
        assert "Mon, Wed, Fri, 08:00-16:00; a daily digest" in chat.text

    def test_the_time_zone_is_set_here(self, chat: ChatScript, database: Database) -> None:
        chat.command("coach", "plan settings")
        good = {"days": "1,2", "start": "540", "end": "1020", "mode": "each", "balance": "on"}
        chat.submit({**good, "zone": "Asia/Tokyo"})
        assert chat.last.form_errors is None
        (person,) = rows(database, Person)
        assert person.time_zone == "Asia/Tokyo"

    def test_an_unknown_time_zone_is_said_so(self, chat: ChatScript, content: Content) -> None:
        chat.time_zone = None
        chat.command("coach", "plan settings")
        assert chat.form is not None
        assert content.plan.settings.zone_unknown in (chat.form.intro or "")

    @pytest.mark.parametrize(
        ("values", "field"),
        [
            ({"days": ""}, "days"),
            ({"days": "8"}, "days"),
            ({"start": "999"}, "start"),
            ({"end": "570"}, "end"),  # only half an hour after the start
            ({"end": "480"}, "end"),  # before the start
            ({"mode": "hourly"}, "mode"),
            ({"balance": "maybe"}, "balance"),
            ({"zone": "America"}, "zone"),  # a folder of zones, not one
            ({"zone": "Mars/Olympus"}, "zone"),
        ],
    )
    def test_bad_settings_are_refused_and_nothing_changes(
        self, chat: ChatScript, database: Database, values: dict[str, str], field: str
    ) -> None:
        chat.command("coach", "plan settings")
        good = {"days": "1,2", "start": "540", "end": "1020", "mode": "weekly", "balance": "on"}
        chat.submit({**good, **values})
        assert chat.last.form_errors is not None
        assert list(chat.last.form_errors.errors) == [field]
        (person,) = rows(database, Person)
        assert (person.work_days, person.nudge_mode) == ("12345", "each")


class TestSomeoneElsesIds:
    @pytest.fixture
    def bens(self, engine: Engine, database: Database) -> tuple[int, int]:
        """Ben's relationship and action item ids."""
        ben = ChatScript(engine, user_id="U-ben")
        add_relationship(ben, name="Ben's mayor")
        ben.press("plan:action-add:")
        ben.submit({"what": "Ben's step", "who": "", "when": "2026-12-01"})
        (relationship,) = rows(database, Relationship)
        (item,) = rows(database, ActionItem)
        return relationship.id, item.id

    @pytest.mark.parametrize(
        "value",
        [
            "plan:show:{rid}",
            "plan:edit:{rid}",
            "plan:pause:{rid}",
            "plan:remove-confirm:{rid}",
            "plan:rate:{rid}",
            "plan:score:{rid}/5",
            "plan:done:{aid}",
            "plan:action-remove-confirm:{aid}",
            "plan:action-edit:{aid}",
            "plan:nonsense:",
        ],
    )
    def test_buttons_with_their_ids_are_refused_and_change_nothing(
        self,
        chat: ChatScript,
        database: Database,
        engine: Engine,
        bens: tuple[int, int],
        value: str,
    ) -> None:
        rid, aid = bens
        chat.press(value.format(rid=rid, aid=aid))
        assert engine.content.coach.general.stale_choice in chat.text
        assert "Ben's" not in chat.text
        (relationship,) = rows(database, Relationship)
        assert relationship.paused is False
        (item,) = rows(database, ActionItem)
        assert item.done_at is None

    def test_forms_naming_their_ids_are_refused_and_change_nothing(
        self, chat: ChatScript, database: Database, engine: Engine, bens: tuple[int, int]
    ) -> None:
        rid, aid = bens
        chat.command("coach", "plan add")
        assert chat.form is not None
        edit = replace(chat.form, context=str(rid))
        chat.submit(relationship_values(name="Taken over"), form=edit)
        assert engine.content.coach.general.stale_choice in chat.text
        chat.press("plan:action-add:")
        assert chat.form is not None
        edit_action = replace(chat.form, context=str(aid))
        chat.submit({"what": "Taken over", "who": "", "when": "2026-12-02"}, form=edit_action)
        assert engine.content.coach.general.stale_choice in chat.text
        chat.press(f"plan:rate:{rid}")
        (relationship,) = rows(database, Relationship)
        assert relationship.name == "Ben's mayor"
        (item,) = rows(database, ActionItem)
        assert item.what == "Ben's step"
        assert rows(database, MaturityRating) == []
