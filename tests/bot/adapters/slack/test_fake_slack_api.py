"""The fake Web API itself, as slack_sdk's WebClient sees it (benches rely on it too)."""

from __future__ import annotations

import threading
import time

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from tests.fakes.slack_api import FakeSlackApi


@pytest.fixture
def client(fake_slack: FakeSlackApi) -> WebClient:
    return WebClient(token="xoxb-fake", base_url=fake_slack.url)


def test_the_url_is_a_base_url_on_loopback(fake_slack: FakeSlackApi) -> None:
    assert fake_slack.url.startswith("http://127.0.0.1:")
    assert fake_slack.url.endswith("/api/")


def test_calls_are_recorded_with_their_arguments_and_token(
    fake_slack: FakeSlackApi, client: WebClient
) -> None:
    identity = client.auth_test()
    posted = client.chat_postMessage(
        channel="U1", text="hi", blocks=[{"type": "divider"}], unfurl_links=False
    )
    client.users_info(user="U9")  # a GET-style method, sent with form parameters

    assert identity["team_id"] == "T-test"
    assert identity["user_id"]
    assert identity["bot_id"]
    assert posted["ok"] is True
    assert posted["channel"] == "U1"
    assert posted["ts"]
    [post] = fake_slack.calls_to("chat.postMessage")
    assert post.token == "xoxb-fake"
    assert post.args["channel"] == "U1"
    assert post.args["blocks"] == [{"type": "divider"}]
    assert post.args["unfurl_links"] is False
    assert [call.method for call in fake_slack.calls] == [
        "auth.test",
        "chat.postMessage",
        "users.info",
    ]
    assert fake_slack.calls_to("users.info")[0].args["user"] == "U9"


def test_views_are_answered_with_the_view_and_an_id(client: WebClient) -> None:
    view = {"type": "modal", "title": {"type": "plain_text", "text": "T"}, "blocks": []}

    opened = client.views_open(trigger_id="t1", view=view)
    published = client.views_publish(user_id="U1", view={"type": "home", "blocks": []})

    assert opened["view"]["type"] == "modal"
    assert opened["view"]["id"]
    assert published["view"]["type"] == "home"


def test_a_scripted_error_is_returned_the_given_number_of_times(
    fake_slack: FakeSlackApi, client: WebClient
) -> None:
    fake_slack.fail("views.open", "expired_trigger_id", times=1)

    with pytest.raises(SlackApiError) as raised:
        client.views_open(trigger_id="t1", view={"type": "modal", "blocks": []})
    assert raised.value.response["error"] == "expired_trigger_id"
    assert client.views_open(trigger_id="t2", view={"type": "modal", "blocks": []})["ok"]


def test_a_rate_limit_carries_retry_after(fake_slack: FakeSlackApi, client: WebClient) -> None:
    fake_slack.fail("chat.postMessage", "ratelimited", status=429, headers={"Retry-After": "7"})

    with pytest.raises(SlackApiError) as raised:
        client.chat_postMessage(channel="C1", text="x")

    assert raised.value.response.status_code == 429
    assert raised.value.response.headers["Retry-After"] == "7"


def test_a_delay_slows_every_answer() -> None:
    with FakeSlackApi(delay=0.02) as fake:
        client = WebClient(token="xoxb-fake", base_url=fake.url)
        started = time.monotonic()
        client.chat_postMessage(channel="C1", text="x")
        assert time.monotonic() - started >= 0.02


def test_wait_for_returns_when_calls_arrive_from_another_thread(
    fake_slack: FakeSlackApi, client: WebClient
) -> None:
    sender = threading.Timer(0.05, lambda: client.chat_postMessage(channel="C1", text="later"))
    sender.start()

    [call] = fake_slack.wait_for("chat.postMessage", timeout=5)

    assert call.args["text"] == "later"
    sender.join()


def test_wait_for_names_what_arrived_when_it_times_out(
    fake_slack: FakeSlackApi, client: WebClient
) -> None:
    client.auth_test()

    with pytest.raises(AssertionError, match=r"views\.open.*auth\.test"):
        fake_slack.wait_for("views.open", timeout=0.05)


def test_conversations_info_says_whether_the_bot_is_in_each_channel(
    fake_slack: FakeSlackApi, client: WebClient
) -> None:
    fake_slack.set_channel("C-out", is_member=False, name="outside")
    fake_slack.set_channel("G-hidden", error="channel_not_found")
    fake_slack.set_channel("G-group", is_mpim=True)

    member = client.conversations_info(channel="C-any")["channel"]
    outside = client.conversations_info(channel="C-out")["channel"]
    group = client.conversations_info(channel="G-group")["channel"]
    with pytest.raises(SlackApiError) as refused:
        client.conversations_info(channel="G-hidden")

    assert (member["id"], member["is_member"], member["is_channel"]) == ("C-any", True, True)
    assert (outside["name"], outside["is_member"]) == ("outside", False)
    assert (group["is_mpim"], group["is_channel"]) == (True, False)
    assert refused.value.response["error"] == "channel_not_found"


def test_users_info_names_admins_and_owners(fake_slack: FakeSlackApi, client: WebClient) -> None:
    fake_slack.admins.add("U-admin")
    fake_slack.owners.add("U-owner")

    people = {user: client.users_info(user=user)["user"] for user in ("U-admin", "U-owner", "U-x")}

    assert (people["U-admin"]["is_admin"], people["U-admin"]["is_owner"]) == (True, False)
    assert (people["U-owner"]["is_admin"], people["U-owner"]["is_owner"]) == (True, True)
    assert (people["U-x"]["is_admin"], people["U-x"]["is_owner"]) == (False, False)
    assert all(person["tz"] == fake_slack.time_zone for person in people.values())


def test_an_ephemeral_message_is_answered_with_its_message_ts(
    fake_slack: FakeSlackApi, client: WebClient
) -> None:
    answer = client.chat_postEphemeral(channel="C1", user="U1", text="only you")

    assert answer["message_ts"]
    [call] = fake_slack.calls_to("chat.postEphemeral")
    assert (call.args["channel"], call.args["user"], call.args["text"]) == ("C1", "U1", "only you")
