"""The Slack sender says why a send failed in the neutral vocabulary: each of Slack's answers
(from the fake Web API) becomes one SendFailure, and no Slack code reaches the core."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.adapters.slack.sender import SlackSender, worker_client
from bot.core.messages import Reply
from bot.core.sending import SendError, SendFailure
from tests.fakes.slack_api import FakeSlackApi

HELLO = (Reply("hello"),)


@pytest.fixture
def slack() -> Iterator[FakeSlackApi]:
    with FakeSlackApi() as fake:
        yield fake


@pytest.fixture
def sender(slack: FakeSlackApi) -> SlackSender:
    return SlackSender(worker_client("xoxb-test", base_url=slack.url))


def refusal(sender: SlackSender, target: str = "U-ana") -> SendError:
    with pytest.raises(SendError) as raised:
        sender("slack", "T-library", target, HELLO)
    return raised.value


@pytest.mark.parametrize(
    ("code", "status", "reason"),
    [
        ("internal_error", 500, SendFailure.TRANSIENT),
        ("service_unavailable", 200, SendFailure.TRANSIENT),
        ("account_inactive", 200, SendFailure.UNREACHABLE),
        ("user_not_found", 200, SendFailure.UNREACHABLE),
        ("cannot_dm_bot", 200, SendFailure.UNREACHABLE),
        ("messages_tab_disabled", 200, SendFailure.UNREACHABLE),
        ("channel_not_found", 200, SendFailure.LOST_CHANNEL),
        ("not_in_channel", 200, SendFailure.LOST_CHANNEL),
        ("is_archived", 200, SendFailure.ARCHIVED_CHANNEL),
        ("restricted_action", 200, SendFailure.RESTRICTED),
        ("restricted_action_read_only_channel", 200, SendFailure.RESTRICTED),
        ("invalid_auth", 200, SendFailure.TOKEN_REFUSED),
        ("token_revoked", 200, SendFailure.TOKEN_REFUSED),
        ("invalid_blocks", 200, SendFailure.REJECTED),
        ("missing_scope", 200, SendFailure.REJECTED),
    ],
)
def test_each_slack_answer_has_one_neutral_reason_and_keeps_its_code(
    sender: SlackSender, slack: FakeSlackApi, code: str, status: int, reason: SendFailure
) -> None:
    slack.fail("chat.postMessage", code, status=status)
    error = refusal(sender, "C-team" if reason is SendFailure.LOST_CHANNEL else "U-ana")
    assert (error.reason, error.code) == (reason, code)


def test_a_429_is_transient_with_its_retry_after(sender: SlackSender, slack: FakeSlackApi) -> None:
    slack.fail("chat.postMessage", "ratelimited", status=429, headers={"Retry-After": "7"})
    error = refusal(sender)
    assert (error.reason, error.retry_after) == (SendFailure.TRANSIENT, 7.0)


def test_a_workspace_without_an_install_is_a_refused_token(slack: FakeSlackApi) -> None:
    sender = SlackSender(lambda _workspace: None)
    assert refusal(sender).reason is SendFailure.TOKEN_REFUSED
    assert slack.calls_to("chat.postMessage") == []


def test_a_connection_refused_is_transient() -> None:
    sender = SlackSender(worker_client("xoxb-test", base_url="http://127.0.0.1:9/api/"))
    assert refusal(sender).reason is SendFailure.TRANSIENT


def test_another_platforms_person_is_no_sender(sender: SlackSender, slack: FakeSlackApi) -> None:
    with pytest.raises(SendError) as raised:
        sender("teams", "tenant-1", "29:abc", HELLO)
    assert raised.value.reason is SendFailure.NO_SENDER
    assert slack.calls_to("chat.postMessage") == []
