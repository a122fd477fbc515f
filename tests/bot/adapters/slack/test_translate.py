"""The pure translation of Slack payloads: where a command was typed, and which thread a button's
message opens (edge cases the HTTP tests do not reach)."""

from __future__ import annotations

from typing import Any

import pytest

from bot.adapters.slack.translate import command_channel, is_workspace_admin, thread_link


@pytest.mark.parametrize(
    ("channel_id", "channel_name", "expected"),
    [
        ("C1", "general", ("C1", "general")),
        ("G1", "privategroup", ("G1", None)),  # a private channel's name is hidden
        ("C2", "", ("C2", None)),
        ("D1", "directmessage", (None, None)),
        ("D1", "general", (None, None)),  # a DM by its id, whatever its name
        ("C3", "directmessage", (None, None)),  # a DM with someone else
        ("C4", "mpdm-ana--ben--cy-1", (None, None)),  # a group DM
        ("", "general", (None, None)),
    ],
)
def test_a_command_knows_the_channel_it_was_typed_in(
    channel_id: str, channel_name: str, expected: tuple[str | None, str | None]
) -> None:
    assert command_channel({"channel_id": channel_id, "channel_name": channel_name}) == expected


def action(container: dict[str, Any], domain: str | None = "acme") -> dict[str, Any]:
    return {"container": container, "team": {"id": "T1", "domain": domain}}


def test_a_button_on_a_channel_message_links_to_its_thread() -> None:
    container = {"type": "message", "channel_id": "C1", "message_ts": "1700000000.000100"}

    assert thread_link(action(container)) == (
        "https://acme.slack.com/archives/C1/p1700000000000100?thread_ts=1700000000.000100&cid=C1"
    )


@pytest.mark.parametrize(
    "payload",
    [
        action({"type": "message", "channel_id": "D1", "message_ts": "1700000000.000100"}),
        action(
            {
                "type": "message",
                "channel_id": "C1",
                "message_ts": "1700000000.000100",
                "is_ephemeral": True,
            }
        ),
        action({"type": "view", "view_id": "V1"}),
        action({"type": "message", "channel_id": "C1", "message_ts": "not-a-ts"}),
        action({"type": "message", "channel_id": "C1", "message_ts": "1700000000.000100"}, None),
    ],
    ids=["dm", "ephemeral", "modal", "odd-ts", "no-domain"],
)
def test_no_link_where_there_is_no_channel_message_to_open(payload: dict[str, Any]) -> None:
    assert thread_link(payload) is None


@pytest.mark.parametrize(
    ("user", "expected"),
    [
        ({"is_admin": True, "is_owner": False}, True),
        ({"is_admin": False, "is_owner": False, "is_primary_owner": True}, True),
        ({"is_admin": False, "is_owner": False, "is_primary_owner": False}, False),
        ({"id": "U1"}, None),
    ],
)
def test_a_workspace_admin_is_an_admin_or_an_owner(
    user: dict[str, Any], expected: bool | None
) -> None:
    assert is_workspace_admin(user) is expected
