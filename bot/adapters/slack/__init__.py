"""The Slack adapter: Bolt listeners, payload translation, and the only Block Kit in Lantern."""
