"""The terminal chat: every flow, with no Slack workspace."""
