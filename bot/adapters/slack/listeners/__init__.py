"""Each Slack surface registers its listeners here; callbacks are plain functions."""

from __future__ import annotations

from slack_bolt import App

from bot.adapters.slack.listeners import actions, commands, events, views
from bot.adapters.slack.listeners.context import SlackContext


def register(app: App, context: SlackContext) -> None:
    commands.register(app, context)
    events.register(app, context)
    actions.register(app, context)
    views.register(app, context)
