"""The plan and /checkin through Slack: modals, the one-line log, buttons, and profile changes."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import select

from content import Content
from storage.models import CheckIn, Person, Relationship
from tests.bot.adapters.slack.harness import USER, SlackHarness, all_text, buttons
from tests.bot.adapters.slack.slack_text import escaped
from tests.fakes.slack_api import TEAM_ID

NOW = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)  # the clock fixture's time


def add_relationship(slack: SlackHarness, name: str, measures: str = "") -> Relationship:
    """Add a relationship the way a person does: /coach plan add, then the modal."""
    before = len(slack.fake.calls_to("views.open"))
    response = slack.command("/coach", "plan add")
    assert response.status == 200
    view = slack.fake.wait_for("views.open", before + 1)[-1].args["view"]
    submitted = slack.submit_view(
        view,
        {
            "name": name,
            "kind": "person",
            "constituency": "governing-authority",
            "own_label": "",
            "cadence": "weekly",
            "days": "",
            "strategies": "Coffee before each board meeting",
            "measures": measures,
        },
    )
    assert submitted.status == 200
    slack.drain()
    return relationship_named(slack, name)


def relationship_named(slack: SlackHarness, name: str) -> Relationship:
    with slack.db.unit_of_work() as uow:
        return uow.session.scalars(select(Relationship).where(Relationship.name == name)).one()


def checkins(slack: SlackHarness) -> list[CheckIn]:
    with slack.db.unit_of_work() as uow:
        return list(uow.session.scalars(select(CheckIn).order_by(CheckIn.id)))


def person(slack: SlackHarness, user: str = USER) -> Person:
    with slack.db.unit_of_work() as uow:
        return uow.session.scalars(select(Person).where(Person.external_id == user)).one()


def test_checkin_with_no_plan_explains_and_offers_to_add_one(slack: SlackHarness) -> None:
    response = slack.command("/checkin", "")

    body = response.json()
    assert body["response_type"] == "ephemeral"
    assert [b["value"] for b in buttons(body["blocks"])] == ["plan:add:", "plan:start:"]
    assert slack.fake.calls_to("views.open") == []
    assert checkins(slack) == []


def test_adding_a_relationship_in_the_modal_stores_it_with_its_first_due_time(
    slack: SlackHarness,
) -> None:
    relationship = add_relationship(slack, "Board chair", "Budget passes\nBoard visits a program")

    assert relationship.cadence == "weekly"
    assert relationship.success_measures == ["Budget passes", "Board visits a program"]
    assert relationship.next_due_at is not None
    assert relationship.next_due_at > NOW


def test_checkin_opens_a_modal_with_a_date_picker_and_logs_what_is_submitted(
    slack: SlackHarness,
) -> None:
    relationship = add_relationship(slack, "Board chair", "Budget passes")
    before = len(slack.fake.calls_to("views.open"))

    slack.command("/checkin", "")

    opened = slack.fake.wait_for("views.open", before + 1)[-1]
    view = opened.args["view"]
    elements = {b["block_id"]: b["element"] for b in view["blocks"] if b["type"] == "input"}
    assert elements["when"]["type"] == "datepicker"
    assert elements["when"]["initial_date"] == "2026-11-23"
    assert elements["relationship"]["type"] == "static_select"
    measure_values = [o["value"] for o in elements["measures"]["options"]]
    response = slack.submit_view(
        view,
        {
            "relationship": str(relationship.id),
            "when": "2026-11-20",
            "went": "well",
            "notes": "Talked budget <!channel>",
            "measures": measure_values[0],
        },
    )

    assert response.status == 200
    slack.drain()
    [logged] = checkins(slack)
    assert logged.relationship_id == relationship.id
    assert logged.happened_on == date(2026, 11, 20)
    assert logged.went == "well"
    assert logged.notes == "Talked budget <!channel>"
    assert logged.measures == ["Budget passes"]
    assert relationship_named(slack, "Board chair").last_checkin_at is not None


def test_checkin_form_refuses_a_future_date_under_the_field(slack: SlackHarness) -> None:
    relationship = add_relationship(slack, "Board chair")
    before = len(slack.fake.calls_to("views.open"))
    slack.command("/checkin", "")
    view = slack.fake.wait_for("views.open", before + 1)[-1].args["view"]

    response = slack.submit_view(
        view, {"relationship": str(relationship.id), "when": "2027-01-05", "notes": ""}
    )

    body = response.json()
    assert body["response_action"] == "errors"
    assert set(body["errors"]) == {"when"}
    assert checkins(slack) == []


def test_checkin_in_one_line_logs_at_once_privately_and_can_be_undone(
    slack: SlackHarness, content: Content
) -> None:
    add_relationship(slack, "Board chair")

    response = slack.command("/checkin", "board chair: budget talk went well")

    body = response.json()
    assert body["response_type"] == "ephemeral"
    assert "Board chair" in all_text(body["blocks"])
    [logged] = checkins(slack)
    assert (logged.notes, logged.source) == ("budget talk went well", "quick")
    undo = next(b for b in buttons(body["blocks"]) if b["value"].startswith("checkin:undo:"))
    slack.press(undo)
    slack.drain()
    assert checkins(slack) == []
    assert relationship_named(slack, "Board chair").last_checkin_at is None


def test_an_ambiguous_name_logs_nothing_until_a_match_is_picked(slack: SlackHarness) -> None:
    add_relationship(slack, "Board chair")
    add_relationship(slack, "Board treasurer")

    slack.command("/checkin", "board: the budget")
    slack.drain()

    assert checkins(slack) == []
    posts = slack.fake.calls_to("chat.postMessage")
    offered = [b for call in posts for b in buttons(call.args.get("blocks") or [])]
    picks = [b for b in offered if b["value"].startswith("checkin:pick:")]
    assert len(picks) == 2
    treasurer = relationship_named(slack, "Board treasurer")
    slack.press(next(b for b in picks if b["value"] == f"checkin:pick:{treasurer.id}"))
    slack.drain()
    [logged] = checkins(slack)
    assert (logged.relationship_id, logged.notes) == (treasurer.id, "the budget")


def test_a_button_naming_someone_elses_relationship_changes_nothing(
    slack: SlackHarness, content: Content
) -> None:
    relationship = add_relationship(slack, "Board chair")
    due_before = relationship.next_due_at
    forged = {"type": "button", "action_id": "lantern.choice.0", "block_id": "b1"}

    for value in (f"checkin:skip:{relationship.id}", f"plan:remove:{relationship.id}"):
        slack.press({**forged, "value": value}, user="U_SOMEONE_ELSE")
    slack.drain()

    assert relationship_named(slack, "Board chair").next_due_at == due_before
    stale = escaped(content.coach.general.stale_choice)
    replies = [
        all_text(c.args.get("blocks") or []) for c in slack.fake.calls_to("chat.postMessage")
    ]
    assert sum(stale in text for text in replies) == 2


def user_change(user: str, *, tz: str, deleted: bool = False) -> dict[str, Any]:
    return {
        "type": "user_change",
        "user": {"id": user, "team_id": TEAM_ID, "tz": tz, "deleted": deleted, "name": "ana"},
        "event_ts": "1700000000.000100",
    }


def test_a_new_time_zone_moves_due_times_to_the_same_local_hour(slack: SlackHarness) -> None:
    add_relationship(slack, "Board chair")
    slack.drain()  # the time zone Slack reported for the person is stored after the ack
    assert person(slack).time_zone == "America/Chicago"
    due = relationship_named(slack, "Board chair").next_due_at
    assert due is not None

    response = slack.event(user_change(USER, tz="Europe/London"))

    assert response.status == 200
    assert person(slack).time_zone == "Europe/London"
    moved = relationship_named(slack, "Board chair").next_due_at
    assert moved is not None
    assert moved.astimezone(UTC).hour == 9  # 09:00 in London in November is 09:00 UTC
    assert due == datetime(2026, 11, 30, 15, 0, tzinfo=UTC)  # 9:00 in Chicago


def test_a_profile_change_of_someone_unknown_stores_nobody(slack: SlackHarness) -> None:
    slack.event(user_change("U_STRANGER", tz="Europe/Paris"))

    assert slack.count(Person) == 0


def test_a_deactivated_account_is_no_longer_nudged(slack: SlackHarness) -> None:
    add_relationship(slack, "Board chair")

    slack.event(user_change(USER, tz="America/Chicago", deleted=True))

    someone = person(slack)
    assert someone.unreachable_reason == "deactivated"
    assert someone.unreachable_since == NOW


def test_the_plan_with_its_chart_arrives_in_the_dm_after_a_quick_ack(
    slack: SlackHarness, content: Content
) -> None:
    add_relationship(slack, "Board chair")

    response = slack.command("/coach", "plan")

    body = response.json()
    assert body["response_type"] == "ephemeral"
    assert all_text(body["blocks"]) == escaped(content.coach.general.continue_in_dm)
    slack.drain()
    uploads = slack.fake.calls_to("files.completeUploadExternal")
    assert uploads, "the balance chart is uploaded to the DM"
    posted = " ".join(
        all_text(c.args.get("blocks") or []) for c in slack.fake.calls_to("chat.postMessage")
    )
    assert "Board chair" in posted
