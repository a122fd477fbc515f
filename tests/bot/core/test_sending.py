"""Senders: each platform's sender chosen by the workspace's platform; a platform without one
is a neutral failure, not a crash."""

from __future__ import annotations

import pytest

from bot.core.messages import Reply
from bot.core.sending import SendError, Senders, SendFailure


class Recording:
    def __init__(self, name: str) -> None:
        self.name = name
        self.calls: list[tuple[str, str, str]] = []

    def __call__(
        self, platform: str, workspace_id: str, target: str, replies: tuple[Reply, ...]
    ) -> str:
        self.calls.append((platform, workspace_id, target))
        return f"{self.name}-1"


def test_each_platform_goes_to_its_own_sender() -> None:
    slack, teams = Recording("slack"), Recording("teams")
    senders = Senders({"slack": slack, "teams": teams})
    assert senders.platforms == frozenset({"slack", "teams"})
    assert senders("teams", "tenant-1", "29:ana", (Reply("hi"),)) == "teams-1"
    assert senders("slack", "T-library", "U-ana", (Reply("hi"),)) == "slack-1"
    assert teams.calls == [("teams", "tenant-1", "29:ana")]
    assert slack.calls == [("slack", "T-library", "U-ana")]


def test_a_platform_without_a_sender_fails_neutrally() -> None:
    senders = Senders({"slack": Recording("slack")})
    with pytest.raises(SendError) as raised:
        senders("teams", "tenant-1", "29:ana", (Reply("hi"),))
    assert raised.value.reason is SendFailure.NO_SENDER
    assert not raised.value.transient
