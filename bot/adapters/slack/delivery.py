"""Slack as the engine's platform after the ack: the sends a turn makes, and each one sent."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.adapters.slack.answers import FORM, MESSAGES, PRIVATE, plan_sends
from bot.adapters.slack.render import render_home, render_messages, render_modal
from bot.adapters.slack.sender import (
    PLATFORM,
    ClientFor,
    installed_client,
    slack_failures_as_send_errors,
    slack_send_error,
)
from bot.adapters.slack.uploads import conversation_id, upload, uploads_of
from bot.core.messages import Inbound, Outcome, Reply
from bot.core.sending import SendError, SendFailure
from bot.engine.inbox import HOME, OutgoingMessage, PlannedSend
from content import Content

logger = logging.getLogger(__name__)


class SlackPlatform:
    """Plans a turn's sends from the surface it came from, and sends each outbox row."""

    name = PLATFORM

    def __init__(self, client_for: ClientFor, content: Content) -> None:
        self._client_for = client_for
        self._content = content

    def plan(
        self, inbound: Inbound, outcome: Outcome, reply_to: Mapping[str, Any], *, in_request: bool
    ) -> list[PlannedSend]:
        return plan_sends(inbound, outcome, reply_to, self._content, in_request=in_request)

    def post_instead(self, message: OutgoingMessage) -> Mapping[str, Any]:
        return {"channel": message.address.get("channel")}

    def send(self, message: OutgoingMessage, *, start: int, record: Callable[[int], None]) -> None:
        with slack_failures_as_send_errors():
            self._send(
                installed_client(self._client_for, message.workspace_id), message, start, record
            )

    def _send(
        self, client: WebClient, message: OutgoingMessage, start: int, record: Callable[[int], None]
    ) -> None:
        address = message.address
        if message.kind == HOME:
            assert message.home is not None
            client.views_publish(user_id=str(address["user"]), view=render_home(message.home))
            return
        if message.kind == FORM:
            [reply] = message.replies
            assert reply.form is not None
            client.views_open(trigger_id=str(address["trigger_id"]), view=render_modal(reply.form))
            return
        if message.kind not in (MESSAGES, PRIVATE):
            raise SendError(f"unknown kind {message.kind}", SendFailure.REJECTED)
        # Two steps a reply, recorded apart: its text, then its pictures and files, so a retry
        # after a failed upload does not post the text again.
        for step in range(start, 2 * len(message.replies)):
            reply = message.replies[step // 2]
            if step % 2 == 0:
                if message.kind == PRIVATE:
                    self._post_privately(client, address, reply)
                else:
                    self._post(client, address, reply)
            else:
                uploads = uploads_of(reply)
                if uploads:
                    where = address["user"] if message.kind == PRIVATE else address["channel"]
                    upload(client, conversation_id(client, str(where)), uploads)
            record(step + 1)

    def _post(self, client: WebClient, address: Mapping[str, Any], reply: Reply) -> None:
        messages = render_messages((reply,))
        acted_on = address.get("acted_on")
        if reply.replaces and acted_on and len(messages) == 1:
            try:
                client.chat_update(channel=acted_on[0], ts=acted_on[1], **messages[0])
                return
            except SlackApiError as error:
                if slack_send_error(error).transient:
                    raise
                logger.warning("could not update the message acted on; posting instead")
        for rendered in messages:
            client.chat_postMessage(channel=str(address["channel"]), **rendered)

    def _post_privately(self, client: WebClient, address: Mapping[str, Any], reply: Reply) -> None:
        for rendered in render_messages((reply,)):
            client.chat_postEphemeral(
                channel=str(address["channel"]), user=str(address["user"]), **rendered
            )
