"""Sending outside a request: why a send failed, in no platform's words; a sender per platform."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Protocol

from bot.core.messages import Reply


class SendFailure(StrEnum):
    """Why a platform did not take a message; each platform's sender maps its own codes here."""

    TRANSIENT = "transient"  # an outage, a rate limit, the network: the same send later works
    UNREACHABLE = "unreachable"  # the person left, was deactivated, or blocks the bot
    LOST_CHANNEL = "lost_channel"  # the conversation is gone, or the bot is no longer in it
    ARCHIVED_CHANNEL = "archived_channel"  # the conversation is archived
    RESTRICTED = "restricted"  # the bot may not post there (read-only, admins only)
    # The workspace's credentials are refused, or it has none (not a password: S105).
    TOKEN_REFUSED = "token_refused"  # noqa: S105
    REJECTED = "rejected"  # this message was refused for good (malformed, a missing scope)
    NO_SENDER = "no_sender"  # this worker has no sender for the person's platform


class SendError(Exception):
    """A send that failed: the platform's own `code` (kept for the record), the neutral
    `reason` the core acts on, and how long the platform asked to wait, when it said."""

    def __init__(self, code: str, reason: SendFailure, retry_after: float | None = None) -> None:
        super().__init__(code)
        self.code = code
        self.reason = reason
        self.retry_after = retry_after

    @property
    def transient(self) -> bool:
        return self.reason is SendFailure.TRANSIENT


class Sender(Protocol):
    """Sends replies to (platform, workspace id, person or channel id); returns the last
    message's id (Slack's ts); raises SendError when the platform did not take them."""

    def __call__(
        self, platform: str, workspace_id: str, target: str, replies: tuple[Reply, ...], /
    ) -> str: ...


class Senders:
    """One sender per platform, chosen by the workspace's platform: one worker process delivers
    to every platform it has a sender for. A platform without one fails neutrally."""

    def __init__(self, senders: Mapping[str, Sender]) -> None:
        self._senders = dict(senders)

    @property
    def platforms(self) -> frozenset[str]:
        return frozenset(self._senders)

    def __call__(
        self, platform: str, workspace_id: str, target: str, replies: tuple[Reply, ...]
    ) -> str:
        sender = self._senders.get(platform)
        if sender is None:
            raise SendError(f"no sender for {platform}", SendFailure.NO_SENDER)
        return sender(platform, workspace_id, target, replies)
