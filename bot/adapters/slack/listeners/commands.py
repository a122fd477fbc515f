"""Slash commands: /reflect and /coach, answered in the ack itself when no form is needed."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.adapters.slack.listeners.context import SlackContext
from bot.adapters.slack.render import render_ephemeral
from bot.adapters.slack.translate import UnsupportedPayload, command_to_inbound
from bot.core.messages import Inbound, Reply


def handle_command(
    ack: Ack, body: dict[str, Any], client: WebClient, context: SlackContext
) -> None:
    try:
        inbound = command_to_inbound(body)
    except UnsupportedPayload:
        ack()
        return
    pointer = background_pointer(context, inbound)
    if pointer is not None:
        # Opening a step or building the export can take a moment: say where it will arrive.
        ack(**render_ephemeral((Reply(pointer),)))
        context.run_in_background(client, inbound)
        return
    outcome = context.engine.handle(inbound)
    context.learn_time_zone(client, inbound, outcome)
    trigger_id = body.get("trigger_id")
    if trigger_id and any(reply.form is not None for reply in outcome.replies):
        ack()  # the modal is the answer; it opens right after, while the trigger is fresh
        context.outbox.deliver(
            client,
            channel=inbound.user_id,
            person=inbound.user_id,
            replies=outcome.replies,
            trigger_id=trigger_id,
        )
        return
    if outcome.waiting:
        # A conversation that waits for answers continues in the person's DM with the bot.
        in_dm = Reply(context.engine.content.coach.general.continue_in_dm)
        ack(**render_ephemeral((in_dm,)))
        context.outbox.deliver(
            client, channel=inbound.user_id, person=inbound.user_id, replies=outcome.replies
        )
        return
    ack(**render_ephemeral(outcome.replies))


def background_pointer(context: SlackContext, inbound: Inbound) -> str | None:
    """For the /coach commands whose work continues in the DM, what to say in the meantime."""
    if inbound.command != "coach":
        return None
    name, _, argument = inbound.text.strip().partition(" ")
    words = context.engine.content.coach
    if name.lower() == "export":
        return words.toolkit.export_preparing
    if name.lower() == "toolkit" and argument.strip():
        return words.general.continue_in_dm
    if name.lower() == "plan" and argument.strip().lower() in {"", "balance"}:
        # The plan shows its balance chart: drawn after the ack, posted with the picture.
        return words.general.continue_in_dm
    return None


def register(app: App, context: SlackContext) -> None:
    def listener(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        handle_command(ack, body, client, context)

    # The same commands the manifest declares, so the app and the manifest cannot drift.
    for command in context.engine.content.coach.slash_commands:
        app.command(command)(listener)
