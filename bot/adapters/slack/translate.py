"""Pure translation of Slack payloads into neutral inbound events."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from bot.core.messages import Inbound, InboundKind
from bot.core.storable import make_fields_storable

PLATFORM = "slack"
# Message subtypes a person sends (a plain message, or one with a file): anything else is an
# edit, a deletion, a join or a bot, and gets no reply.
PERSON_SUBTYPES = frozenset({None, "file_share"})
# In a channel thread, a reply also sent to the channel is still a person's reply.
THREAD_REPLY_SUBTYPES = PERSON_SUBTYPES | {"thread_broadcast"}
# Message events from public ("channel") and private ("group") channels; not DMs or group DMs.
CHANNEL_TYPES = frozenset({"channel", "group"})
# Events that say the coach lost a channel: it was removed (Slack sends *_left to the member
# who left, so to the bot), or the channel was archived or deleted.
LOST_CHANNEL_EVENTS: dict[str, str] = {
    "channel_left": "removed",
    "group_left": "removed",
    "channel_archive": "archived",
    "group_archive": "archived",
    "channel_deleted": "deleted",
    "group_deleted": "deleted",
}
CHOICE_ACTION_PREFIX = "lantern.choice."
# A button that only opens a URL: Slack still sends its press, which only needs an ack.
LINK_ACTION_PREFIX = "lantern.link."
FORM_CALLBACK_PREFIX = "lantern."
FIELD_ACTION_ID = "value"
# How a slash command's payload names where it was typed when that is not a plain channel.
DIRECT_MESSAGE_NAME = "directmessage"
GROUP_DM_NAME_PREFIX = "mpdm-"
HIDDEN_NAME = "privategroup"


class UnsupportedPayload(ValueError):
    """A payload Lantern does not act on (a bot's message, an edit, a shape it doesn't know)."""


def unescape(text: str) -> str:
    """Typed text arrives with `&`, `<` and `>` as entities; turn them back into what was typed.

    Only Slack's three entities: mention and link markup (`<@U123>`) stays as it came.
    """
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _object(value: object) -> dict[str, Any]:
    """A payload field that should be an object; anything else reads as empty."""
    return value if isinstance(value, dict) else {}


def _team_id(body: dict[str, Any]) -> str:
    team = body.get("team_id") or _object(body.get("team")).get("id")
    if not team:
        team = _object(body.get("user")).get("team_id")
    if not isinstance(team, str) or not team:
        raise UnsupportedPayload("payload names no workspace")
    return team


def is_direct_conversation(channel_id: str) -> bool:
    """A DM's id starts with D; public and private channels (and group DMs) have C or G."""
    return channel_id.startswith("D")


def command_channel(body: dict[str, Any]) -> tuple[str | None, str | None]:
    """The public or private channel a slash command was typed in, as (id, name); (None, None)
    in a DM or a group DM.

    Slack names a DM "directmessage" and a group DM "mpdm-<members>-1", and hides a private
    channel's name behind "privategroup" (a group DM may come that way too, which only
    conversations.info can tell): then the id is kept and the name is None.
    """
    channel_id, name = body.get("channel_id"), body.get("channel_name")
    if not isinstance(channel_id, str) or not channel_id or is_direct_conversation(channel_id):
        return None, None
    name = name if isinstance(name, str) else ""
    if name == DIRECT_MESSAGE_NAME or name.startswith(GROUP_DM_NAME_PREFIX):
        return None, None
    if name in {"", HIDDEN_NAME}:
        return channel_id, None
    return channel_id, name


def command_to_inbound(body: dict[str, Any]) -> Inbound:
    command = str(body.get("command", "")).lstrip("/")
    user = body.get("user_id")
    if not command or not isinstance(user, str):
        raise UnsupportedPayload("slash command without a command or user")
    channel_id, channel_name = command_channel(body)
    return Inbound(
        platform=PLATFORM,
        workspace_id=_team_id(body),
        user_id=user,
        kind=InboundKind.COMMAND,
        command=command,
        reachable_later=True,
        text=unescape(str(body.get("text") or "")),
        channel_id=channel_id,
        channel_name=channel_name,
    )


def message_to_inbound(body: dict[str, Any]) -> Inbound:
    """A person's direct message to the bot; edits, bots and other channels are not for us."""
    event = body.get("event") or {}
    subtype = event.get("subtype")
    if event.get("channel_type") != "im" or event.get("bot_id") or subtype not in PERSON_SUBTYPES:
        raise UnsupportedPayload("not a person's direct message")
    user = event.get("user")
    if not isinstance(user, str):
        raise UnsupportedPayload("message without a user")
    return Inbound(
        platform=PLATFORM,
        workspace_id=_team_id(body),
        user_id=user,
        kind=InboundKind.TEXT,
        text=unescape(str(event.get("text") or "")),
        reachable_later=True,
        event_id=body.get("event_id"),
    )


@dataclass(frozen=True)
class ThreadReplyEvent:
    """A person's reply in a channel thread posted, edited or deleted (text None when deleted)."""

    change: Literal["posted", "edited", "deleted"]
    workspace_id: str
    channel_id: str
    thread_ts: str
    message_ts: str
    user_id: str | None = None
    text: str | None = None
    version_ts: str | None = None  # an edit's own time: an older edit never wins

    def __post_init__(self) -> None:
        # Kept in the request, outside any turn: a NUL would fail every delivery of it.
        make_fields_storable(self)


def _is_in_channel(event: dict[str, Any]) -> bool:
    channel = event.get("channel")
    if not isinstance(channel, str) or not channel:
        return False
    channel_type = event.get("channel_type")
    if channel_type is None:  # Slack's own examples of edits and deletions leave it out
        return not is_direct_conversation(channel)
    return channel_type in CHANNEL_TYPES


def _is_thread_reply(message: dict[str, Any]) -> bool:
    thread_ts, ts = message.get("thread_ts"), message.get("ts")
    return isinstance(thread_ts, str) and isinstance(ts, str) and thread_ts != ts


def _edit_time(message: dict[str, Any], event: dict[str, Any]) -> str | None:
    edited = message.get("edited") or {}
    moment = edited.get("ts") if isinstance(edited, dict) else None
    moment = moment or event.get("event_ts") or event.get("ts")
    return moment if isinstance(moment, str) and moment else None


def thread_reply_event(body: dict[str, Any]) -> ThreadReplyEvent:
    """A channel `message` event that is a person's reply in a thread, its edit or its
    deletion. Top-level messages, bots' messages, joins and other subtypes are not."""
    event = body.get("event") or {}
    if not _is_in_channel(event):
        raise UnsupportedPayload("not a message in a public or private channel")
    workspace_id, channel_id = _team_id(body), str(event["channel"])
    subtype = event.get("subtype")
    if subtype == "message_changed":
        message = event.get("message") or {}
        if not _is_thread_reply(message) or message.get("bot_id"):
            raise UnsupportedPayload("not an edit of a person's thread reply")
        return ThreadReplyEvent(
            "edited",
            workspace_id,
            channel_id,
            thread_ts=str(message["thread_ts"]),
            message_ts=str(message["ts"]),
            text=unescape(str(message.get("text") or "")),
            version_ts=_edit_time(message, event),
        )
    if subtype == "message_deleted":
        previous = event.get("previous_message") or {}
        thread_ts, deleted_ts = previous.get("thread_ts"), event.get("deleted_ts")
        if not isinstance(thread_ts, str) or not isinstance(deleted_ts, str):
            raise UnsupportedPayload("not the deletion of a thread reply")
        if thread_ts == deleted_ts:
            raise UnsupportedPayload("the deletion of a thread's first message")
        return ThreadReplyEvent("deleted", workspace_id, channel_id, thread_ts, deleted_ts)
    user = event.get("user")
    if subtype not in THREAD_REPLY_SUBTYPES or event.get("bot_id") or not isinstance(user, str):
        raise UnsupportedPayload("not a person's message")
    if not _is_thread_reply(event):
        raise UnsupportedPayload("not a reply in a thread")
    return ThreadReplyEvent(
        "posted",
        workspace_id,
        channel_id,
        thread_ts=str(event["thread_ts"]),
        message_ts=str(event["ts"]),
        user_id=user,
        text=unescape(str(event.get("text") or "")),
    )


def lost_channel(body: dict[str, Any], bot_user_id: str | None) -> tuple[str, str, str]:
    """(workspace, channel, reason) when the event says the coach lost a channel: removed
    from it (`channel_left`, `group_left`, or `member_left_channel` naming the bot itself), or
    the channel was archived or deleted."""
    event = body.get("event") or {}
    kind, channel = event.get("type"), event.get("channel")
    if not isinstance(channel, str) or not channel:
        raise UnsupportedPayload("channel event without a channel")
    if kind == "member_left_channel":
        if bot_user_id is None or event.get("user") != bot_user_id:
            raise UnsupportedPayload("someone else left the channel")
        return _team_id(body), channel, "removed"
    reason = LOST_CHANNEL_EVENTS.get(str(kind))
    if reason is None:
        raise UnsupportedPayload("not an event about losing a channel")
    return _team_id(body), channel, reason


ADMIN_FLAGS = ("is_admin", "is_owner", "is_primary_owner")


def is_workspace_admin(user: dict[str, Any]) -> bool | None:
    """A Slack user object's say on whether they administer the workspace (an admin or an
    owner); None when it carries none of those fields."""
    flags = [user[flag] for flag in ADMIN_FLAGS if flag in user]
    return any(flag is True for flag in flags) if flags else None


def home_to_inbound(body: dict[str, Any]) -> Inbound:
    event = body.get("event") or {}
    if event.get("tab", "home") != "home" or not isinstance(event.get("user"), str):
        raise UnsupportedPayload("not the home tab")
    return Inbound(
        platform=PLATFORM,
        workspace_id=_team_id(body),
        user_id=event["user"],
        kind=InboundKind.HOME,
    )


def action_to_inbound(body: dict[str, Any]) -> Inbound:
    actions = body.get("actions") or []
    user = (body.get("user") or {}).get("id")
    if not actions or not isinstance(user, str):
        raise UnsupportedPayload("block action without an action or user")
    value = actions[0].get("value")
    if not isinstance(value, str):
        raise UnsupportedPayload("action without a value")
    return Inbound(
        platform=PLATFORM,
        workspace_id=_team_id(body),
        user_id=user,
        kind=InboundKind.CHOICE,
        choice=value,
        reachable_later=True,
        message_link=thread_link(body),
    )


def acted_on_channel(body: dict[str, Any]) -> str | None:
    """The public or private channel of the message whose button was pressed (an ephemeral
    message too); None for a DM, a modal or the Home tab."""
    container = body.get("container") or {}
    channel_id = container.get("channel_id")
    if container.get("type") != "message" or not isinstance(channel_id, str) or not channel_id:
        return None
    return None if is_direct_conversation(channel_id) else channel_id


def thread_link(body: dict[str, Any]) -> str | None:
    """The link that opens the thread of the channel message whose button was pressed, built
    from the payload alone (no chat.getPermalink call before the ack). None for a DM, a modal,
    or an ephemeral message (it has no link)."""
    container = body.get("container") or {}
    channel_id = acted_on_channel(body)
    ts = container.get("message_ts")
    domain = (body.get("team") or {}).get("domain")
    if channel_id is None or container.get("is_ephemeral") or not isinstance(ts, str):
        return None
    if not isinstance(domain, str) or not domain or not ts.replace(".", "").isdigit():
        return None
    return (
        f"https://{domain}.slack.com/archives/{channel_id}/p{ts.replace('.', '')}"
        f"?thread_ts={ts}&cid={channel_id}"
    )


def _element_value(element: dict[str, Any]) -> str:
    """A text input's value, a select's chosen value, several chosen values joined by ",", or a
    date picker's date (YYYY-MM-DD)."""
    if isinstance(element.get("selected_options"), list):
        chosen = [o.get("value") for o in element["selected_options"] if isinstance(o, dict)]
        return ",".join(str(value) for value in chosen if value)
    if isinstance(element.get("selected_option"), dict):
        return str(element["selected_option"].get("value") or "")
    if element.get("type") == "datepicker":
        return str(element.get("selected_date") or "")
    return str(element.get("value") or "")


def view_to_inbound(body: dict[str, Any]) -> Inbound:
    view = body.get("view") or {}
    callback_id = str(view.get("callback_id") or "")
    user = (body.get("user") or {}).get("id")
    if not callback_id.startswith(FORM_CALLBACK_PREFIX) or not isinstance(user, str):
        raise UnsupportedPayload("not one of Lantern's forms")
    values: dict[str, str] = {}
    for block_id, actions in _object(_object(view.get("state")).get("values")).items():
        element = _object(_object(actions).get(FIELD_ACTION_ID))
        values[str(block_id)] = _element_value(element)
    closed = body.get("type") == "view_closed"
    return Inbound(
        platform=PLATFORM,
        workspace_id=_team_id(body),
        user_id=user,
        kind=InboundKind.FORM_CLOSED if closed else InboundKind.FORM,
        form_id=callback_id.removeprefix(FORM_CALLBACK_PREFIX),
        form=values,
        form_context=str(view.get("private_metadata") or ""),
    )
