"""Buttons: every Lantern button carries a choice value the engine routes to its flow."""

from __future__ import annotations

import re
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.adapters.slack.answers import ACTION
from bot.adapters.slack.listeners.context import SlackContext
from bot.adapters.slack.translate import (
    CHOICE_ACTION_PREFIX,
    LINK_ACTION_PREFIX,
    UnsupportedPayload,
    acted_on_channel,
    action_to_inbound,
)


def handle_choice(ack: Ack, body: dict[str, Any], client: WebClient, context: SlackContext) -> None:
    """A button needs nothing back in the HTTP response: the press is kept, acked, and its
    turn taken after the ack.

    Pressed under a message in a team channel (the weekly post, or a private answer there),
    the answer is for the presser alone, in that channel.
    """
    try:
        inbound = action_to_inbound(body)
    except UnsupportedPayload:
        ack()
        return
    container = body.get("container") or {}
    acted_on = None
    if container.get("type") == "message" and container.get("channel_id"):
        acted_on = [str(container["channel_id"]), str(container.get("message_ts", ""))]
    context.answer_later(
        client,
        inbound,
        {
            "surface": ACTION,
            "trigger_id": body.get("trigger_id"),
            "trigger_expires_at": context.trigger_expires_at(),
            "acted_on": acted_on,
            "privately_in": acted_on_channel(body),
        },
    )
    ack()


def handle_link(ack: Ack) -> None:
    """A button that opens a URL: Slack opens it and tells us; there is nothing to do."""
    ack()


def register(app: App, context: SlackContext) -> None:
    def listener(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        handle_choice(ack, body, client, context)

    app.action(re.compile("^" + re.escape(CHOICE_ACTION_PREFIX)))(listener)
    app.action(re.compile("^" + re.escape(LINK_ACTION_PREFIX)))(handle_link)
