"""Sends that happen after the ack, on a small thread pool, so no request waits on Slack."""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, wait
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.adapters.slack.render import render_messages, render_modal
from bot.core.messages import UPLOAD_TITLE_LIMIT, Reply
from bot.core.text import shorten
from bot.observability.memory import release_free_memory

logger = logging.getLogger(__name__)


class Outbox:
    """Runs sends in the background, logging (never raising) failures.

    Sends that share a key (a conversation) run one after another in the order submitted,
    so two quick replies never arrive swapped; sends with other keys run side by side.
    """

    def __init__(self, workers: int = 4) -> None:
        self._executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="outbox")
        self._pending: set[Future[None]] = set()
        self._waiting: dict[str, deque[Callable[[], None]]] = {}
        self._lock = threading.Lock()

    def submit(self, what: str, send: Callable[[], None], *, key: str | None = None) -> None:
        def guarded() -> None:
            try:
                send()
            except Exception:
                logger.exception("could not %s", what)

        if key is None:
            self._run(guarded)
            return
        with self._lock:
            if key in self._waiting:  # a send for this conversation is under way: queue behind it
                self._waiting[key].append(guarded)
                return
            self._waiting[key] = deque()

        def in_order() -> None:
            task: Callable[[], None] = guarded
            while True:
                task()
                with self._lock:
                    queue = self._waiting[key]
                    if not queue:
                        del self._waiting[key]
                        return
                    task = queue.popleft()

        self._run(in_order)

    def _run(self, task: Callable[[], None]) -> None:
        future = self._executor.submit(task)
        with self._lock:
            self._pending.add(future)
        future.add_done_callback(self._forget)

    def _forget(self, future: Future[None]) -> None:
        with self._lock:
            self._pending.discard(future)

    def drain(self, timeout: float = 10.0) -> None:
        """Wait for every send submitted so far (tests, and a clean shutdown)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                pending = set(self._pending)
            if not pending:
                return
            wait(pending, timeout=max(0.0, deadline - time.monotonic()))

    def deliver(
        self,
        client: WebClient,
        *,
        channel: str,
        person: str,
        replies: tuple[Reply, ...],
        trigger_id: str | None = None,
        acted_on: tuple[str, str] | None = None,
        privately_in: str | None = None,
    ) -> None:
        """Post the replies in the conversation, in order.

        Every send to one person shares a queue, whichever surface (a DM, a button, a form) the
        turn came from. A reply carrying a form opens it as a modal at once, ahead of that
        queue, because its trigger expires in 3 s; if it cannot open, the reply is posted
        instead. A reply that `replaces` updates the message acted on (channel, ts). Pictures
        and files are uploaded into the conversation after their reply's text.

        With `privately_in` (a channel), the replies are shown only to the person, in that
        channel (ephemeral messages): what one person pressed under a team's post is not the
        team's business, and nothing replaces the message everyone sees. Their pictures and
        files, which an ephemeral message cannot carry, go to the person's DM, and so does a
        form that cannot open (`channel` is then the DM), where an answer can be typed.
        """
        if not replies:
            return
        queued: list[Reply] = []
        for reply in replies:
            if reply.form is not None and trigger_id:
                self._open_form(client, reply, trigger_id, channel=channel, person=person)
            else:
                queued.append(reply)
        if not queued:
            return
        if privately_in is not None:
            channel_id = privately_in
            self.submit(
                "send private replies",
                lambda: _post_privately(client, channel_id, person, tuple(queued)),
                key=f"send:{person}",
            )
            return
        self.submit(
            "send replies",
            lambda: _post(client, channel, tuple(queued), acted_on),
            key=f"send:{person}",
        )

    def _open_form(
        self, client: WebClient, reply: Reply, trigger_id: str, *, channel: str, person: str
    ) -> None:
        assert reply.form is not None
        form = reply.form

        def open_now() -> None:
            try:
                client.views_open(trigger_id=trigger_id, view=render_modal(form))
            except SlackApiError as error:
                # An expired trigger must not leave the person with nothing: the reply says
                # the same in the conversation, with its buttons.
                logger.warning(
                    "could not open the %s form (%s); asking in the conversation",
                    form.form_id,
                    error.response.get("error"),
                )
                self.submit(
                    "send replies",
                    lambda: _post(client, channel, (reply,), None),
                    key=f"send:{person}",
                )

        self.submit("open a form", open_now)

    def shutdown(self) -> None:
        self._executor.shutdown(wait=True)


def _conversation_id(client: WebClient, channel: str) -> str:
    """Uploads need a conversation id: a person's user id is opened as their DM with the bot."""
    if channel.startswith(("U", "W")):
        opened = client.conversations_open(users=channel)
        return str(opened["channel"]["id"])
    return channel


def uploads_of(reply: Reply) -> list[dict[str, Any]]:
    """A reply's pictures and files, as files_upload_v2 takes them."""
    return [
        {
            "content": image.data,
            "filename": image.filename,
            "title": image.title or shorten(image.alt_text, UPLOAD_TITLE_LIMIT),
            "alt_txt": image.alt_text,
        }
        for image in reply.images
    ] + [
        {"content": file.data, "filename": file.filename, "title": file.title}
        for file in reply.files
    ]


def upload(client: WebClient, conversation: str, uploads: list[dict[str, Any]]) -> None:
    """Upload into a conversation (an id, not a user's id). Pictures and files come from large
    work (an export, a chart), so what that work freed is handed back to the system after."""
    try:
        client.files_upload_v2(channel=conversation, file_uploads=uploads)
    finally:
        release_free_memory()


def _post_privately(
    client: WebClient, channel: str, person: str, replies: tuple[Reply, ...]
) -> None:
    for reply in replies:
        for message in render_messages((reply,)):
            client.chat_postEphemeral(channel=channel, user=person, **message)
        uploads = uploads_of(reply)
        if uploads:
            upload(client, _conversation_id(client, person), uploads)


def _post(
    client: WebClient,
    channel: str,
    replies: tuple[Reply, ...],
    acted_on: tuple[str, str] | None,
) -> None:
    conversation = channel
    for reply in replies:
        messages = render_messages((reply,))
        if reply.replaces and acted_on is not None and len(messages) == 1:
            try:
                client.chat_update(channel=acted_on[0], ts=acted_on[1], **messages[0])
                continue
            except SlackApiError:
                logger.warning("could not update the message acted on; posting instead")
        for message in messages:
            client.chat_postMessage(channel=conversation, **message)
        uploads = uploads_of(reply)
        if uploads:
            conversation = _conversation_id(client, conversation)
            upload(client, conversation, uploads)
