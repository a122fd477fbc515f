"""Modal submissions: errors under the field, a private confirmation, or on to the DM."""

from __future__ import annotations

import re
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.adapters.slack.answers import CLOSED, VIEW, view_answer
from bot.adapters.slack.listeners.context import SlackContext
from bot.adapters.slack.translate import FORM_CALLBACK_PREFIX, UnsupportedPayload, view_to_inbound


def handle_submission(
    ack: Ack, body: dict[str, Any], client: WebClient, context: SlackContext
) -> None:
    try:
        inbound = view_to_inbound(body)
    except UnsupportedPayload:
        ack()
        return
    outcome = context.answer_now(client, inbound, {"surface": VIEW})
    if outcome.later:  # earlier turns of theirs are still being taken: it follows in the DM
        ack()
        return
    ack(**view_answer(inbound, outcome, context.engine.content).ack())


def handle_closed(ack: Ack, body: dict[str, Any], client: WebClient, context: SlackContext) -> None:
    """A modal dismissed unsaved: its flow stops waiting for it. Nothing is said."""
    try:
        inbound = view_to_inbound(body)
    except UnsupportedPayload:
        ack()
        return
    context.answer_now(client, inbound, {"surface": CLOSED})
    ack()


def register(app: App, context: SlackContext) -> None:
    def on_submission(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        handle_submission(ack, body, client, context)

    def on_closed(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        handle_closed(ack, body, client, context)

    ours = re.compile("^" + re.escape(FORM_CALLBACK_PREFIX))
    app.view_submission(ours)(on_submission)
    app.view_closed(ours)(on_closed)
