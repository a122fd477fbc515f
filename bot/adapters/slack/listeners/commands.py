"""Slash commands: /reflect and /coach, answered in the ack itself when no form is needed."""

from __future__ import annotations

import dataclasses
import logging
import threading
from dataclasses import dataclass
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.adapters.slack.answers import COMMAND, command_answer
from bot.adapters.slack.listeners.context import SlackContext
from bot.adapters.slack.translate import (
    UnsupportedPayload,
    command_to_inbound,
    is_workspace_admin,
)
from bot.core.messages import Inbound
from bot.core.schedule import time_zone_named

logger = logging.getLogger(__name__)

LOOKUP_TIMEOUT_SECONDS = 1
"""How long each question to Slack before a channel command may wait on the network. Both are
asked at once and before the ack, and a modal's trigger expires 3 s after the command: an
answer that does not come in time counts as unknown."""

NOT_VISIBLE = frozenset({"channel_not_found", "not_in_channel"})
"""conversations.info's answers for a channel the coach cannot see (a private channel it is
not in): as good as "not a member"."""


def handle_command(
    ack: Ack, body: dict[str, Any], client: WebClient, context: SlackContext
) -> None:
    try:
        inbound = command_to_inbound(body)
    except UnsupportedPayload:
        ack()
        return
    if context.engine.acts_on_channel(inbound):
        inbound = with_channel_facts(client, inbound)
    reply_to = {
        "surface": COMMAND,
        "trigger_id": body.get("trigger_id"),
        "trigger_expires_at": context.trigger_expires_at(),
    }
    outcome = context.answer_now(client, inbound, reply_to)
    answer = command_answer(inbound, outcome, reply_to, context.engine.content)
    ack(**answer.ack())


@dataclass(frozen=True)
class ChannelFacts:
    coach_in_channel: bool | None = None  # None: Slack did not say
    name: str | None = None
    is_direct: bool = False  # a DM or a group DM after all, not a channel


@dataclass(frozen=True)
class PersonFacts:
    is_admin: bool | None = None  # None: Slack did not say
    time_zone: str | None = None


def with_channel_facts(client: WebClient, inbound: Inbound) -> Inbound:
    """What the team flow needs to know from Slack: is the coach in the channel, is the person
    a workspace admin (and their time zone, the default for the channel's). Both questions are
    asked at once; each answer is None when Slack could not give it in time."""
    assert inbound.channel_id is not None
    quick = _quick_client(client)
    person: list[PersonFacts] = []
    asking = threading.Thread(
        target=lambda: person.append(person_facts(quick, inbound.user_id)),
        name="slack-users-info",
        daemon=True,
    )
    asking.start()
    channel = channel_facts(quick, inbound.channel_id)
    asking.join(LOOKUP_TIMEOUT_SECONDS)
    about = person[0] if person else PersonFacts()
    if channel.is_direct:
        return dataclasses.replace(inbound, channel_id=None, channel_name=None)
    return dataclasses.replace(
        inbound,
        channel_name=inbound.channel_name or channel.name,
        coach_in_channel=channel.coach_in_channel,
        is_admin=about.is_admin,
        time_zone=about.time_zone or inbound.time_zone,
    )


def _quick_client(client: WebClient) -> WebClient:
    """The app's client without its rate-limit retries and with a short timeout: waiting out
    a Retry-After here would let the ack and the modal's trigger expire."""
    return WebClient(
        token=client.token,
        base_url=client.base_url,
        timeout=LOOKUP_TIMEOUT_SECONDS,
        ssl=client.ssl,
        proxy=client.proxy,
        headers=client.headers,
        retry_handlers=[],
    )


def channel_facts(client: WebClient, channel_id: str) -> ChannelFacts:
    """conversations.info: whether the coach is a member, and the channel's name."""
    try:
        channel = client.conversations_info(channel=channel_id).get("channel") or {}
    except SlackApiError as error:
        code = error.response.get("error")
        if code in NOT_VISIBLE:
            return ChannelFacts(coach_in_channel=False)
        logger.warning("conversations.info refused (%s); membership unknown", code)
        return ChannelFacts()
    except (OSError, ValueError) as error:  # the network, a timeout, a page that is not JSON
        logger.warning("conversations.info failed (%s); membership unknown", type(error).__name__)
        return ChannelFacts()
    if not isinstance(channel, dict):
        return ChannelFacts()
    if channel.get("is_im") or channel.get("is_mpim"):
        return ChannelFacts(is_direct=True)
    member, name = channel.get("is_member"), channel.get("name")
    return ChannelFacts(
        coach_in_channel=member if isinstance(member, bool) else None,
        name=name if isinstance(name, str) and name else None,
    )


def person_facts(client: WebClient, user_id: str) -> PersonFacts:
    """users.info: whether the person is a workspace admin or owner, and their time zone."""
    try:
        user = client.users_info(user=user_id).get("user") or {}
    except (SlackApiError, OSError, ValueError) as error:
        logger.warning("users.info failed (%s); admin unknown", type(error).__name__)
        return PersonFacts()
    if not isinstance(user, dict):
        return PersonFacts()
    time_zone = user.get("tz")
    return PersonFacts(
        is_admin=is_workspace_admin(user),
        time_zone=time_zone
        if isinstance(time_zone, str) and time_zone_named(time_zone) is not None
        else None,
    )


def register(app: App, context: SlackContext) -> None:
    def listener(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        handle_command(ack, body, client, context)

    # The same commands the manifest declares, so the app and the manifest cannot drift.
    for command in context.engine.content.coach.slash_commands:
        app.command(command)(listener)
