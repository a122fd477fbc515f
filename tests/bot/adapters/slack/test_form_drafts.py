"""Slack modals keep every value typed: a refused submission answers with errors under the
field and stores nothing; a modal closed unsent is kept as a draft and opens again filled in."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from content import Content
from storage.models import FormDraft, Relationship
from tests.bot.adapters.slack.harness import SlackHarness
from tests.bot.adapters.slack.test_plan_and_checkins import add_relationship, checkins

TYPED = {
    "name": "Dr Okafor",
    "kind": "person",
    "constituency": "governing-authority",
    "own_label": "",
    "cadence": "days",
    "days": "every 500 days",
    "strategies": "Coffee each month",
    "measures": "Budget approved\nJoint event held",
}


def opened_view(slack: SlackHarness, before: int) -> dict[str, Any]:
    view: dict[str, Any] = slack.fake.wait_for("views.open", before + 1)[-1].args["view"]
    return view


def initials(view: dict[str, Any]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for block in view["blocks"]:
        if block.get("type") != "input":
            continue
        element = block["element"]
        for key in ("initial_value", "initial_date", "initial_option", "initial_options"):
            if key in element:
                found[block["block_id"]] = element[key]
    return found


def test_a_refused_relationship_stores_nothing_and_its_fix_keeps_every_value(
    slack: SlackHarness, content: Content
) -> None:
    before = len(slack.fake.calls_to("views.open"))
    slack.command("/coach", "plan add")
    view = opened_view(slack, before)

    refused = slack.submit_view(view, TYPED)

    body = refused.json()
    assert body["response_action"] == "errors"
    assert body["errors"] == {"days": content.plan.errors.days_range}
    with slack.db.unit_of_work() as uow:
        assert list(uow.session.scalars(select(Relationship))) == []
    # The modal keeps what was typed; the person fixes the one field and sends it again.
    fixed = slack.submit_view(view, {**TYPED, "days": "every 45 days"})
    assert fixed.status == 200
    slack.drain()
    with slack.db.unit_of_work() as uow:
        [kept] = uow.session.scalars(select(Relationship))
        assert (kept.cadence, kept.cadence_days) == ("days", 45)
        assert kept.strategies == "Coffee each month"
        assert kept.success_measures == ["Budget approved", "Joint event held"]
        assert list(uow.session.scalars(select(FormDraft))) == []


def test_a_checkin_closed_unsent_opens_again_with_what_was_typed(
    slack: SlackHarness, content: Content
) -> None:
    relationship = add_relationship(slack, "Board chair")
    before = len(slack.fake.calls_to("views.open"))
    slack.command("/checkin", "")
    view = opened_view(slack, before)
    refused = slack.submit_view(
        view,
        {"relationship": str(relationship.id), "when": "2027-01-05", "notes": "Budget talk"},
    )
    assert refused.json()["errors"] == {"when": content.checkin.errors.date_future}
    assert checkins(slack) == []

    # Then the person closes the modal, with the values it still holds.
    state = {
        "relationship": {
            "value": {"type": "static_select", "selected_option": {"value": str(relationship.id)}}
        },
        "when": {"value": {"type": "datepicker", "selected_date": "2026-11-20"}},
        "notes": {"value": {"type": "plain_text_input", "value": "Budget talk"}},
    }
    closed = slack.close_view({**view, "state": {"values": state}})
    assert closed.status == 200

    before = len(slack.fake.calls_to("views.open"))
    slack.command("/checkin", "")
    again = opened_view(slack, before)
    filled = initials(again)
    assert filled["notes"] == "Budget talk"
    assert filled["when"] == "2026-11-20"
    texts = str(again["blocks"])
    assert content.coach.general.draft_kept in texts
