"""Sends the worker's messages to Slack people (their DM with the bot), outside any request."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.adapters.slack.render import render_messages
from bot.adapters.slack.uploads import upload, uploads_of
from bot.core.messages import Reply
from bot.core.sending import SendError, SendFailure

logger = logging.getLogger(__name__)

PLATFORM = "slack"

UNREACHABLE = frozenset(
    {
        "account_inactive",
        "user_not_found",
        "user_disabled",
        "cannot_dm_bot",
        "user_is_restricted",
        "messages_tab_disabled",
    }
)
"""Slack's answers for a person the bot cannot reach (left, deactivated, blocked): retrying
would never help, so the person is marked unreachable instead."""

LOST_CHANNEL = frozenset({"channel_not_found", "not_in_channel"})
"""The conversation is gone or the bot was removed from it: a channel's post pauses itself;
a DM that cannot be found means its person cannot be reached."""

ARCHIVED = "is_archived"

POSTING_NOT_ALLOWED = "restricted_action"
"""Slack's codes (this and those it starts, such as restricted_action_read_only_channel) for a
conversation where the bot may not post: retrying would fail the same way."""

TOKEN_REFUSED = frozenset({"invalid_auth", "token_revoked", "not_authed", "not_installed"})
"""Slack refused the workspace's token, or it has none: nobody there can be reached, and it is
not any one person's doing. The workspace's sends wait (its `app_uninstalled` or
`tokens_revoked` event, or a reinstall, settles it); nothing is dropped or marked meanwhile."""

PASSING = frozenset(
    {"ratelimited", "internal_error", "fatal_error", "service_unavailable", "request_timeout"}
)
"""Slack's answers that pass: tried again after a backoff."""

TIMEOUT_SECONDS = 15


def worker_client(token: str, *, base_url: str | None = None) -> WebClient:
    """A client that retries nothing by itself: the worker owns every retry, so a 429's
    Retry-After pauses the whole workspace and a connection error counts in its backoff."""
    if base_url:
        return WebClient(token=token, base_url=base_url, timeout=TIMEOUT_SECONDS, retry_handlers=[])
    return WebClient(token=token, timeout=TIMEOUT_SECONDS, retry_handlers=[])


ClientFor = Callable[[str], WebClient | None]
"""The client for a workspace (its bot token), None when it has no install."""


class SlackSender:
    """Posts replies to a person's DM and returns the last message's ts; raises SendError."""

    def __init__(self, client: WebClient | ClientFor) -> None:
        # One client: the one workspace of SLACK_BOT_TOKEN. Else each workspace's own.
        self._client_for: ClientFor = (
            (lambda _workspace: client) if isinstance(client, WebClient) else client
        )

    def __call__(
        self, platform: str, workspace_id: str, user_id: str, replies: tuple[Reply, ...]
    ) -> str:
        if platform != PLATFORM:
            raise SendError(f"cannot send to {platform} people", SendFailure.NO_SENDER)
        with slack_failures_as_send_errors():
            return self._post(installed_client(self._client_for, workspace_id), user_id, replies)

    def _post(self, client: WebClient, user_id: str, replies: tuple[Reply, ...]) -> str:
        ts = ""
        conversation = user_id
        for reply in replies:
            for message in render_messages((reply,)):
                answer = client.chat_postMessage(channel=conversation, **message)
                ts = str(answer.get("ts") or ts)
            uploads = uploads_of(reply)
            if not uploads:
                continue
            try:
                if conversation.startswith(("U", "W")):
                    # Uploads need the DM's conversation id, not the person's user id.
                    opened = client.conversations_open(users=conversation)
                    conversation = str(opened["channel"]["id"])
                upload(client, conversation, uploads)
            except (SlackApiError, OSError):
                if not ts:
                    raise
                # The message itself is out; sending it again for a picture would repeat it.
                logger.warning("a scheduled message went out without its picture", exc_info=True)
        return ts


class InstalledClients:
    """Each workspace's client, from its stored install; looked up again after a minute, so a
    reinstall's new token is used and an uninstalled workspace's is dropped."""

    def __init__(
        self,
        find_token: Callable[[str], str | None],
        *,
        base_url: str | None = None,
        ttl_seconds: float = 60.0,
    ) -> None:
        self._find_token = find_token
        self._base_url = base_url
        self._ttl = ttl_seconds
        self._cache: dict[str, tuple[float, WebClient | None]] = {}
        self._lock = threading.Lock()

    def __call__(self, workspace_id: str) -> WebClient | None:
        now = time.monotonic()
        with self._lock:
            cached = self._cache.get(workspace_id)
        if cached is not None and now - cached[0] < self._ttl:
            return cached[1]
        token = self._find_token(workspace_id)
        client = worker_client(token, base_url=self._base_url) if token else None
        with self._lock:
            self._cache[workspace_id] = (now, client)
        return client


def installed_client(client_for: ClientFor, workspace_id: str) -> WebClient:
    """The workspace's client; a workspace with no install refuses like a revoked token."""
    client = client_for(workspace_id)
    if client is None:
        raise SendError("not_installed", SendFailure.TOKEN_REFUSED)
    return client


@contextmanager
def slack_failures_as_send_errors() -> Iterator[None]:
    """Whatever Slack or the network does to a send, as the neutral SendError."""
    try:
        yield
    except SlackApiError as error:
        raise slack_send_error(error) from error
    except OSError as error:  # refused, reset, timed out: the network, not the person
        raise SendError(f"connection: {type(error).__name__}", SendFailure.TRANSIENT) from error
    except ValueError as error:  # a body that is not JSON: a proxy's or an outage's page
        raise SendError("unreadable_response", SendFailure.TRANSIENT) from error


def slack_send_error(error: SlackApiError) -> SendError:
    """Slack's refusal in the neutral vocabulary (its code kept for the record)."""
    response = error.response
    code = str(response.get("error") or f"http_{response.status_code}")
    retry_after = _seconds(
        response.headers.get("Retry-After") or response.headers.get("retry-after")
    )
    if response.status_code == 429 or code == "ratelimited":
        return SendError(code, SendFailure.TRANSIENT, retry_after or 1.0)
    if code in TOKEN_REFUSED:
        return SendError(code, SendFailure.TOKEN_REFUSED)
    if code in UNREACHABLE:
        return SendError(code, SendFailure.UNREACHABLE)
    if code == ARCHIVED:
        return SendError(code, SendFailure.ARCHIVED_CHANNEL)
    if code in LOST_CHANNEL:
        return SendError(code, SendFailure.LOST_CHANNEL)
    if code.startswith(POSTING_NOT_ALLOWED):
        return SendError(code, SendFailure.RESTRICTED)
    if response.status_code >= 500 or code in PASSING:
        return SendError(code, SendFailure.TRANSIENT, retry_after)
    return SendError(code, SendFailure.REJECTED, retry_after)


def _seconds(value: object) -> float | None:
    try:
        seconds = float(str(value))
    except (TypeError, ValueError):
        return None
    return seconds if seconds > 0 else None
