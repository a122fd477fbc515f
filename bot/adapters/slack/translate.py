"""Pure translation of Slack payloads into neutral inbound events."""

from __future__ import annotations

from typing import Any

from bot.core.messages import Inbound, InboundKind

PLATFORM = "slack"
# Message subtypes a person sends (a plain message, or one with a file): anything else is an
# edit, a deletion, a join or a bot, and gets no reply.
PERSON_SUBTYPES = frozenset({None, "file_share"})
CHOICE_ACTION_PREFIX = "lantern.choice."
FORM_CALLBACK_PREFIX = "lantern."
FIELD_ACTION_ID = "value"


class UnsupportedPayload(ValueError):
    """A payload Lantern does not act on (a bot's message, an edit, a shape it doesn't know)."""


def unescape(text: str) -> str:
    """Typed text arrives with `&`, `<` and `>` as entities; turn them back into what was typed.

    Only Slack's three entities: mention and link markup (`<@U123>`) stays as it came.
    """
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _team_id(body: dict[str, Any]) -> str:
    team = body.get("team_id") or (body.get("team") or {}).get("id")
    if not team:
        user = body.get("user") or {}
        team = user.get("team_id")
    if not isinstance(team, str) or not team:
        raise UnsupportedPayload("payload names no workspace")
    return team


def command_to_inbound(body: dict[str, Any]) -> Inbound:
    command = str(body.get("command", "")).lstrip("/")
    user = body.get("user_id")
    if not command or not isinstance(user, str):
        raise UnsupportedPayload("slash command without a command or user")
    return Inbound(
        platform=PLATFORM,
        workspace_id=_team_id(body),
        user_id=user,
        kind=InboundKind.COMMAND,
        command=command,
        reachable_later=True,
        text=unescape(str(body.get("text") or "")),
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
    for block_id, actions in ((view.get("state") or {}).get("values") or {}).items():
        element = (actions or {}).get(FIELD_ACTION_ID) or {}
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
