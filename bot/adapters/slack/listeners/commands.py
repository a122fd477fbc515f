"""Slash commands: /reflect and /coach, answered in the ack itself when no form is needed."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.adapters.slack.listeners.context import SlackContext
from bot.adapters.slack.render import render_ephemeral
from bot.adapters.slack.translate import UnsupportedPayload, command_to_inbound
from bot.core.messages import Reply


def handle_command(
    ack: Ack, body: dict[str, Any], client: WebClient, context: SlackContext
) -> None:
    try:
        inbound = command_to_inbound(body)
    except UnsupportedPayload:
        ack()
        return
    outcome = context.engine.handle(inbound)
    context.learn_time_zone(client, inbound, outcome)
    trigger_id = body.get("trigger_id")
    if trigger_id and any(reply.form is not None for reply in outcome.replies):
        ack()  # the modal is the answer; it opens right after, while the trigger is fresh
        context.outbox.deliver(
            client, channel=inbound.user_id, replies=outcome.replies, trigger_id=trigger_id
        )
        return
    if outcome.waiting:
        # A conversation that waits for answers continues in the person's DM with the bot.
        pointer = Reply(context.engine.content.coach.general.continue_in_dm)
        ack(**render_ephemeral((pointer,)))
        context.outbox.deliver(client, channel=inbound.user_id, replies=outcome.replies)
        return
    ack(**render_ephemeral(outcome.replies))


def register(app: App, context: SlackContext) -> None:
    def listener(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        handle_command(ack, body, client, context)

    # The same commands the manifest declares, so the app and the manifest cannot drift.
    for command in context.engine.content.coach.slash_commands:
        app.command(command)(listener)
