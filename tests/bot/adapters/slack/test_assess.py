"""Self-assessments in Slack: page after page in one modal, results and history in the DM with
their charts uploaded."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from bot.flows.assess import resolved_assessments
from content import Content
from storage.models import SelfAssessment
from tests.bot.adapters.slack.harness import DM, SlackHarness


def rate_every_field(view: dict[str, Any], value: str) -> dict[str, str]:
    """The answer for each select of a page: `value`, or the first choice where it is not one
    (the indicators' checkboxes)."""
    values: dict[str, str] = {}
    for block in view["blocks"]:
        if block.get("type") != "input":
            continue
        options = [option["value"] for option in block["element"].get("options", [])]
        values[block["block_id"]] = value if value in options else (options[:1] or [""])[0]
    return values


def finish_competencies(slack: SlackHarness, value: str = "4") -> list[dict[str, Any]]:
    """Open the competencies assessment and submit every page; the views shown, in order."""
    slack.command("/coach", "assess competencies", channel=DM, trigger_id="trigger-assess")
    [opened] = slack.fake.wait_for("views.open")
    view = opened.args["view"]
    shown = [view]
    while True:
        response = slack.submit_view(view, rate_every_field(view, value))
        assert response.status == 200
        answer = response.json() if response.text else {}
        if answer.get("response_action") != "update":
            assert answer == {}, answer  # no error under a field
            return shown
        view = answer["view"]
        shown.append(view)


def test_the_pages_follow_one_another_in_the_same_modal(
    slack: SlackHarness, content: Content
) -> None:
    shown = finish_competencies(slack)
    pages = [view["callback_id"] for view in shown]
    assessment = next(a for a in resolved_assessments(content) if a.id == "competencies")
    assert pages == [f"lantern.assess.competencies.{n}" for n in range(1, len(pages) + 1)]
    assert len(pages) > 1
    with slack.db.unit_of_work() as uow:
        [row] = uow.session.scalars(select(SelfAssessment))
        assert row.finished_at is not None
        assert set(row.answers) == {item.id for item in assessment.items}
    slack.drain()
    # No "Next" message per page in the DM: only the results, with the radar uploaded there.
    posted = slack.fake.calls_to("chat.postMessage")
    assert not any("page 2" in call.args.get("text", "") for call in posted)
    assert any(assessment.title in call.args.get("text", "") for call in posted)
    [upload] = slack.fake.calls_to("files.completeUploadExternal")
    [file] = upload.args["files"]
    # A short caption without the ratings (it shows in previews); the ratings are in the alt
    # text, for people who cannot see the chart.
    caption = content.assessment.results.chart_title.format(assessment=assessment.title, date="")
    assert file["title"] == caption
    [asked] = slack.fake.calls_to("files.getUploadURLExternal")
    assert "4 of 5" in asked.args["alt_txt"]
    assert slack.fake.calls_to("views.open")[1:] == []


def test_history_arrives_in_the_dm_with_its_charts(slack: SlackHarness) -> None:
    finish_competencies(slack, "3")
    finish_competencies(slack, "5")
    slack.drain()
    uploads_before = len(slack.fake.calls_to("files.completeUploadExternal"))
    answer = slack.command("/coach", "assess history", channel=DM).json()
    assert answer["response_type"] == "ephemeral"  # says where it goes, at once
    slack.drain()
    assert len(slack.fake.calls_to("files.completeUploadExternal")) > uploads_before
