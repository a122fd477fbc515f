"""Pictures and files into a Slack conversation, and the conversation id uploads need."""

from __future__ import annotations

from typing import Any

from slack_sdk import WebClient

from bot.core.messages import UPLOAD_TITLE_LIMIT, Reply
from bot.core.text import shorten
from bot.observability.memory import release_free_memory


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


def conversation_id(client: WebClient, channel: str) -> str:
    """Uploads need a conversation id: a person's user id is opened as their DM with the bot."""
    if channel.startswith(("U", "W")):
        opened = client.conversations_open(users=channel)
        return str(opened["channel"]["id"])
    return channel
