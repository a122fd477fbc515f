"""The app manifest asks for what the Slack app listens to and calls, and nothing is missing."""

from __future__ import annotations

from bot.adapters.slack.manifest import build_manifest
from bot.adapters.slack.translate import LOST_CHANNEL_EVENTS
from content import Content


def test_team_prompts_scopes_and_events_are_in_the_manifest(content: Content) -> None:
    manifest = build_manifest(content)

    scopes = set(manifest["oauth_config"]["scopes"]["bot"])
    events = manifest["settings"]["event_subscriptions"]["bot_events"]
    # conversations.info on public and private channels, users.info, thread replies.
    assert {"channels:read", "groups:read", "users:read"} <= scopes
    assert {"channels:history", "groups:history", "chat:write"} <= scopes
    assert {"message.channels", "message.groups", "message.im"} <= set(events)
    # Every event the app takes as "the coach lost this channel" is one it is sent.
    assert {*LOST_CHANNEL_EVENTS, "member_left_channel"} <= set(events)
    assert len(events) == len(set(events))
    assert len(scopes) == len(manifest["oauth_config"]["scopes"]["bot"])
