"""Events: a person's direct message to the bot, the App Home tab opened, a profile changed."""

from __future__ import annotations

from typing import Any

from slack_bolt import App
from slack_sdk import WebClient

from bot.adapters.slack.listeners.context import SlackContext
from bot.adapters.slack.render import render_home
from bot.adapters.slack.translate import (
    PLATFORM,
    UnsupportedPayload,
    home_to_inbound,
    message_to_inbound,
)


def handle_message(body: dict[str, Any], client: WebClient, context: SlackContext) -> None:
    try:
        inbound = message_to_inbound(body)
    except UnsupportedPayload:
        return
    # In the person's queue with their button presses, so a quick reply after a press is
    # taken in the order it was sent. A retried delivery of the event stores nothing twice.
    channel = str(body["event"].get("channel") or inbound.user_id)
    context.run_in_background(client, inbound, channel=channel)


def handle_home_opened(body: dict[str, Any], client: WebClient, context: SlackContext) -> None:
    try:
        inbound = home_to_inbound(body)
    except UnsupportedPayload:
        return
    outcome = context.engine.handle(inbound)
    context.learn_time_zone(client, inbound, outcome)
    if outcome.home is None:
        context.outbox.deliver(
            client, channel=inbound.user_id, person=inbound.user_id, replies=outcome.replies
        )
        return
    view = render_home(outcome.home)

    def publish() -> None:
        client.views_publish(user_id=inbound.user_id, view=view)

    context.outbox.submit("publish the home tab", publish)


def handle_user_change(body: dict[str, Any], context: SlackContext) -> None:
    """Keep a known person's time zone current, and stop nudging a deactivated account."""
    user = (body.get("event") or {}).get("user") or {}
    user_id, team_id = user.get("id"), user.get("team_id") or body.get("team_id")
    if not isinstance(user_id, str) or not isinstance(team_id, str):
        return
    time_zone = user.get("tz")
    context.engine.profile_changed(
        platform=PLATFORM,
        workspace_id=team_id,
        user_id=user_id,
        time_zone=time_zone if isinstance(time_zone, str) and time_zone else None,
        deactivated=bool(user.get("deleted")),
    )


def register(app: App, context: SlackContext) -> None:
    def on_message(body: dict[str, Any], client: WebClient) -> None:
        handle_message(body, client, context)

    def on_home_opened(body: dict[str, Any], client: WebClient) -> None:
        handle_home_opened(body, client, context)

    def on_user_change(body: dict[str, Any]) -> None:
        handle_user_change(body, context)

    app.event("message")(on_message)
    app.event("app_home_opened")(on_home_opened)
    app.event("user_change")(on_user_change)
