"""A DM typed outside any conversation, through the real app: the coach answers what was
written, and "Keep as a reflection" keeps exactly those words, privately (issue 13, item 8)."""

from __future__ import annotations

from datetime import timedelta

from bot.core.clock import FixedClock
from content import Content
from tests.bot.adapters.slack.harness import DM, USER, SlackHarness, all_text, button, buttons
from tests.bot.adapters.slack.slack_text import escaped
from tests.bot.adapters.slack.test_plan_and_checkins import add_relationship, person

NERVOUS = "I'm nervous about meeting my principal tomorrow. Any advice?"


def dm_replies(slack: SlackHarness, count: int) -> list[dict]:  # type: ignore[type-arg]
    calls = slack.fake.wait_for(
        "chat.postMessage", count, where=lambda call: call.args["channel"] == DM
    )
    return [call.args for call in calls]


def test_a_dm_about_the_principal_names_them_points_to_step_4_and_keeps_it_in_one_tap(
    slack: SlackHarness, content: Content, clock: FixedClock
) -> None:
    okafor = add_relationship(slack, "Dr Okafor")
    slack.command("/checkin", "Dr Okafor: talked about the budget")
    slack.drain()
    clock.advance_to(clock.now() + timedelta(days=12))
    before = len(slack.fake.calls_to("chat.postMessage"))

    assert slack.dm(NERVOUS).status == 200

    answer = dm_replies(slack, 1)[-1]
    assert len(slack.fake.calls_to("chat.postMessage")) == before + 1
    shown = all_text(answer["blocks"])
    words = content.coach.suggest
    assert escaped(content.coach.general.welcome) not in shown
    assert "Your principal, *Dr Okafor*: last check-in 12 days ago. Log one?" in shown
    assert "Step 4, Interview, suggests: *Meet* with your building leader." in shown
    assert words.keep_offer in shown
    values = [b["value"] for b in buttons(answer["blocks"])]
    assert f"checkin:log:{okafor.id}" in values
    assert "toolkit:checklist:step-4" in values
    assert slack.reflections() == []

    slack.press(button(answer["blocks"], words.labels.keep))
    slack.drain()

    [kept] = slack.reflections()
    assert (kept.text, kept.source, kept.prompt) == (NERVOUS, "free_text", None)
    assert kept.person_id == person(slack, USER).id
    # The answer to a button is sent to the person (their user id opens the DM).
    [said] = slack.fake.wait_for(
        "chat.postMessage", where=lambda call: words.kept in all_text(call.args["blocks"])
    )
    assert said.args["channel"] in {DM, USER}


def test_a_long_dm_with_markup_is_kept_exactly_though_no_button_could_carry_it(
    slack: SlackHarness, content: Content
) -> None:
    typed = (
        "Budget meeting with the principal & the board <tomorrow>: *not* sure how to advocate.\n"
        + "I keep thinking about our strategic priorities and the library's funding. " * 30
    ).strip()
    assert len(typed) > 2000  # more than a Slack button's value holds

    slack.dm(typed)
    answer = dm_replies(slack, 1)[-1]
    keep = button(answer["blocks"], content.coach.suggest.labels.keep)
    assert len(keep["value"]) < 100
    slack.press(keep)
    slack.drain()

    assert [r.text for r in slack.reflections()] == [typed]
