"""Events: a person's direct message to the bot, replies in a team prompt's thread, the coach
losing a channel, the App Home tab opened, a profile changed."""

from __future__ import annotations

from typing import Any

from slack_bolt import App, BoltContext
from slack_sdk import WebClient

from bot.adapters.slack.answers import DM, HOME_TAB
from bot.adapters.slack.listeners.context import SlackContext
from bot.adapters.slack.translate import (
    LOST_CHANNEL_EVENTS,
    PLATFORM,
    UnsupportedPayload,
    home_to_inbound,
    is_workspace_admin,
    lost_channel,
    message_to_inbound,
    thread_reply_event,
)


def handle_message(body: dict[str, Any], client: WebClient, context: SlackContext) -> None:
    if (body.get("event") or {}).get("channel_type") != "im":
        handle_channel_message(body, context)
        return
    try:
        inbound = message_to_inbound(body)
    except UnsupportedPayload:
        return
    # Kept before Slack hears the ack, then taken in the person's queue with their button
    # presses, in the order sent. A retried delivery of the event stores nothing twice.
    channel = str(body["event"].get("channel") or inbound.user_id)
    context.answer_later(client, inbound, {"surface": DM, "channel": channel})


def handle_channel_message(body: dict[str, Any], context: SlackContext) -> None:
    """A reply in a channel thread, its edit or its deletion: kept, updated or removed when
    the thread is a weekly prompt's, in the request (one small transaction; a retried event
    keeps nothing twice). Not a conversation with the coach: nothing is said back. A database
    failure raises, so Slack hears an error and sends the event again."""
    try:
        reply = thread_reply_event(body)
    except UnsupportedPayload:
        return
    channels = context.engine.channels
    where = {
        "platform": PLATFORM,
        "workspace_id": reply.workspace_id,
        "channel_id": reply.channel_id,
        "thread_ts": reply.thread_ts,
        "message_ts": reply.message_ts,
    }
    if reply.change == "posted":
        assert reply.user_id is not None
        channels.reply_posted(**where, user_id=reply.user_id, text=reply.text or "")
    elif reply.change == "edited":
        channels.reply_edited(**where, text=reply.text or "", version_ts=reply.version_ts)
    else:
        channels.reply_deleted(**where)


def handle_channel_lost(
    body: dict[str, Any], bot_user_id: str | None, context: SlackContext
) -> None:
    """The coach was removed from a channel, or it was archived or deleted: its weekly prompt
    pauses itself (the worker tells the subscriber once)."""
    try:
        workspace_id, channel_id, reason = lost_channel(body, bot_user_id)
    except UnsupportedPayload:
        return
    context.engine.channels.channel_lost(
        platform=PLATFORM, workspace_id=workspace_id, channel_id=channel_id, reason=reason
    )


def handle_home_opened(body: dict[str, Any], client: WebClient, context: SlackContext) -> None:
    try:
        inbound = home_to_inbound(body)
    except UnsupportedPayload:
        return
    # The page is published after the ack, through the same queue and retries as replies.
    context.answer_now(client, inbound, {"surface": HOME_TAB})


def handle_user_change(body: dict[str, Any], context: SlackContext) -> None:
    """Keep a known person's time zone and admin role current, and stop nudging a deactivated
    account."""
    event = body.get("event")
    user = event.get("user") if isinstance(event, dict) else None
    if not isinstance(user, dict):  # a user_change always carries the whole user object
        return
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
        is_admin=is_workspace_admin(user),
    )


def handle_uninstalled(body: dict[str, Any], context: SlackContext) -> None:
    """`app_uninstalled`, or `tokens_revoked` naming the bot: nothing more is sent there, its
    tokens are deleted, and its data is kept for the retention period (or deleted at once)."""
    team_id = body.get("team_id")
    event = body.get("event") or {}
    if not isinstance(team_id, str) or not team_id:
        return
    if event.get("type") == "tokens_revoked":
        tokens = event.get("tokens")
        bots = tokens.get("bot") if isinstance(tokens, dict) else None
        if not bots:  # only people's own tokens, which Lantern never asks for
            return
    context.engine.workspaces.uninstalled(
        platform=PLATFORM, workspace_id=team_id, keep_data_for=context.keep_data_for
    )
    if context.forget_tokens is not None:
        context.forget_tokens(team_id)


def register(app: App, lantern: SlackContext) -> None:
    # `lantern`, not `context`: Bolt hands a listener its own context by that name.
    def on_message(body: dict[str, Any], client: WebClient) -> None:
        handle_message(body, client, lantern)

    def on_home_opened(body: dict[str, Any], client: WebClient) -> None:
        handle_home_opened(body, client, lantern)

    def on_user_change(body: dict[str, Any]) -> None:
        handle_user_change(body, lantern)

    def on_channel_lost(body: dict[str, Any], context: BoltContext) -> None:
        handle_channel_lost(body, context.bot_user_id, lantern)

    def on_uninstalled(body: dict[str, Any]) -> None:
        handle_uninstalled(body, lantern)

    app.event("message")(on_message)
    app.event("app_uninstalled")(on_uninstalled)
    app.event("tokens_revoked")(on_uninstalled)
    app.event("app_home_opened")(on_home_opened)
    app.event("user_change")(on_user_change)
    for event in (*LOST_CHANNEL_EVENTS, "member_left_channel"):
        app.event(event)(on_channel_lost)
