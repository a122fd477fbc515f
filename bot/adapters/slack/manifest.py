"""The Slack app manifest: every command, scope, event and URL, so creating the app is one paste."""

from __future__ import annotations

from typing import Any

from bot.adapters.slack.web import EVENTS_PATH, OAUTH_REDIRECT_PATH
from content import Content

BOT_SCOPES = (
    "commands",
    "chat:write",
    "files:write",
    "im:history",
    "im:write",
    "users:read",
    # Team prompts: conversations.info on public and private channels (is the coach in it),
    # their lifecycle events, and the replies in the prompts' threads.
    "channels:read",
    "groups:read",
    "channels:history",
    "groups:history",
)
BOT_EVENTS = (
    # The workspace removed Lantern or revoked its token: sends stop, tokens are deleted.
    "app_uninstalled",
    "tokens_revoked",
    "app_home_opened",
    "message.im",
    "user_change",
    # Replies in a weekly prompt's thread (and their edits and deletions).
    "message.channels",
    "message.groups",
    # The coach removed from a channel, or the channel archived or deleted.
    "channel_left",
    "group_left",
    "member_left_channel",
    "channel_archive",
    "group_archive",
    "channel_deleted",
    "group_deleted",
)
DEFAULT_URL = "https://example.org"


def build_manifest(content: Content, url: str = DEFAULT_URL) -> dict[str, Any]:
    base = url.rstrip("/")
    events_url = f"{base}{EVENTS_PATH}"
    coach = content.coach
    return {
        "_metadata": {"major_version": 1, "minor_version": 1},
        "display_information": {
            "name": coach.name,
            "description": coach.description,
            "background_color": "#2c3e50",
        },
        "features": {
            "app_home": {
                "home_tab_enabled": True,
                "messages_tab_enabled": True,
                "messages_tab_read_only_enabled": False,
            },
            "bot_user": {"display_name": coach.name.lower(), "always_online": True},
            "slash_commands": [
                {
                    "command": command,
                    "url": events_url,
                    "description": declared.description,
                    "usage_hint": declared.usage_hint,
                    "should_escape": False,
                }
                for command, declared in coach.slash_commands.items()
            ],
        },
        "oauth_config": {
            # Where Slack sends an installer back (used when SLACK_CLIENT_ID is set).
            "redirect_urls": [f"{base}{OAUTH_REDIRECT_PATH}"],
            "scopes": {"bot": list(BOT_SCOPES)},
        },
        "settings": {
            "event_subscriptions": {"request_url": events_url, "bot_events": list(BOT_EVENTS)},
            "interactivity": {"is_enabled": True, "request_url": events_url},
            "org_deploy_enabled": False,
            "socket_mode_enabled": False,
            "token_rotation_enabled": False,
        },
    }
