"""Expected Slack text, written independently of the renderer under test."""

from __future__ import annotations

from datetime import datetime

from content import Content


def escaped(text: str) -> str:
    """How Slack needs `&`, `<` and `>` in message text."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def todays_prompt(content: Content, now: datetime) -> str:
    """Slack people have no stored time zone, so 'today' is the UTC date of the clock."""
    bank = content.reflection_prompt_bank()
    return bank[now.date().toordinal() % len(bank)]
