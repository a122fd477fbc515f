"""Sends the worker's messages to Slack people (their DM with the bot), outside any request."""

from __future__ import annotations

from slack_sdk import WebClient

from bot.adapters.slack.render import render_messages
from bot.core.messages import Reply

PLATFORM = "slack"


class SlackSender:
    """Posts replies to a person's DM; raises SlackApiError when Slack refuses."""

    def __init__(self, client: WebClient) -> None:
        self._client = client

    def __call__(self, platform: str, user_id: str, replies: tuple[Reply, ...]) -> None:
        if platform != PLATFORM:
            raise ValueError(f"cannot send to {platform} people")
        for message in render_messages(replies):
            self._client.chat_postMessage(channel=user_id, **message)
