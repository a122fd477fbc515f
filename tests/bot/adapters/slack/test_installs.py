"""Installing Lantern into any workspace through Slack's OAuth, each request with its own
workspace's token, and what an uninstall does; through the real app and a fake Web API."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import text

from bot.core.clock import FixedClock
from storage.crypto import Keyring
from storage.models import Workspace
from tests.bot.adapters.slack.harness import SlackHarness, running_app
from tests.fakes.slack_api import APP_ID, BOT_ID, BOT_USER_ID, TEAM_ID, FakeSlackApi

INSTALLED_TOKEN = "xoxb-installed-" + "7" * 40
CLIENT_ID = "1111.2222"


@pytest.fixture
def installs(tmp_path: Path, fake_slack: FakeSlackApi, clock: FixedClock) -> Iterator[SlackHarness]:
    with running_app(
        tmp_path / "t.db",
        fake_slack,
        clock,
        slack_bot_token=None,
        slack_client_id=CLIENT_ID,
        slack_client_secret="client-secret",
        lantern_encryption_keys=Keyring.generate(),
    ) as harness:
        yield harness


def _script_token_exchange(fake: FakeSlackApi, team_id: str = TEAM_ID) -> None:
    fake.script(
        "oauth.v2.access",
        {
            "ok": True,
            "app_id": APP_ID,
            "authed_user": {"id": "U-installer"},
            "scope": "commands,chat:write",
            "token_type": "bot",
            "access_token": INSTALLED_TOKEN,
            "bot_user_id": BOT_USER_ID,
            "team": {"id": team_id, "name": "Library"},
            "enterprise": None,
            "is_enterprise_install": False,
        },
    )


def _start_install(app: SlackHarness) -> tuple[str, str]:
    """The "Add to Slack" page: the state in its link, and the cookie that carries it."""
    page = app.request("GET", "/slack/install")
    assert page.status == 200
    link = re.search(r'href="(https://slack\.com/oauth/v2/authorize[^"]+)"', page.text)
    assert link is not None
    query = parse_qs(urlsplit(link.group(1).replace("&amp;", "&")).query)
    assert query["client_id"] == [CLIENT_ID]
    assert "chat:write" in query["scope"][0]
    cookie = page.headers["set-cookie"].split(";")[0]
    return query["state"][0], cookie


def _finish_install(app: SlackHarness, state: str, cookie: str) -> int:
    answer = app.request(
        "GET", f"/slack/oauth_redirect?code=one-time-code&state={state}", headers={"Cookie": cookie}
    )
    return answer.status


def _raw_bot_tokens(app: SlackHarness) -> list[str]:
    with app.db.engine.connect() as connection:
        return [row[0] for row in connection.execute(text("SELECT bot_token FROM slack_bots"))]


def test_a_workspace_installs_lantern_and_its_token_is_kept_encrypted(
    installs: SlackHarness,
) -> None:
    _script_token_exchange(installs.fake)
    state, cookie = _start_install(installs)
    assert _finish_install(installs, state, cookie) == 200
    [exchange] = installs.fake.calls_to("oauth.v2.access")
    assert exchange.args["code"] == "one-time-code"
    [stored] = _raw_bot_tokens(installs)
    assert stored.startswith("enc1:")
    assert INSTALLED_TOKEN not in stored


def test_each_request_uses_its_workspaces_installed_token(installs: SlackHarness) -> None:
    _script_token_exchange(installs.fake)
    state, cookie = _start_install(installs)
    _finish_install(installs, state, cookie)
    installs.fake.clear()

    answer = installs.command("/reflect", trigger_id="trigger-1")
    assert answer.status == 200
    installs.drain()
    [opened] = installs.fake.wait_for("views.open")
    assert opened.token == INSTALLED_TOKEN
    # Bolt's usual auth.test on every request is not needed: the install keeps the bot's ids.
    assert installs.fake.calls_to("auth.test") == []


def test_a_replayed_install_redirect_is_refused(installs: SlackHarness) -> None:
    _script_token_exchange(installs.fake)
    state, cookie = _start_install(installs)
    assert _finish_install(installs, state, cookie) == 200
    assert _finish_install(installs, state, cookie) != 200
    assert len(installs.fake.calls_to("oauth.v2.access")) == 1


def test_an_install_without_the_browsers_state_is_refused(installs: SlackHarness) -> None:
    _script_token_exchange(installs.fake)
    state, _ = _start_install(installs)
    assert _finish_install(installs, state, "slack-app-oauth-state=someone-elses") != 200
    assert installs.fake.calls_to("oauth.v2.access") == []
    assert _raw_bot_tokens(installs) == []


def test_a_workspace_that_never_installed_is_told_kindly(installs: SlackHarness) -> None:
    answer = installs.command("/reflect")
    assert answer.status == 200
    assert "no longer installed" in answer.text
    assert installs.stored_nothing()


def test_uninstalling_deletes_the_token_and_stops_everything(installs: SlackHarness) -> None:
    _script_token_exchange(installs.fake)
    state, cookie = _start_install(installs)
    _finish_install(installs, state, cookie)
    installs.dm("hello")
    installs.drain()

    assert installs.event({"type": "app_uninstalled"}).status == 200
    assert _raw_bot_tokens(installs) == []
    with installs.db.unit_of_work() as uow:
        workspace = uow.session.query(Workspace).filter_by(external_id=TEAM_ID).one()
        assert workspace.uninstalled_at is not None
    answer = installs.command("/reflect")
    assert "no longer installed" in answer.text

    # Installing again resumes it, with the data kept meanwhile.
    _script_token_exchange(installs.fake)
    state, cookie = _start_install(installs)
    assert _finish_install(installs, state, cookie) == 200
    with installs.db.unit_of_work() as uow:
        workspace = uow.session.query(Workspace).filter_by(external_id=TEAM_ID).one()
        assert workspace.uninstalled_at is None


def test_revoked_people_tokens_alone_change_nothing(installs: SlackHarness) -> None:
    _script_token_exchange(installs.fake)
    state, cookie = _start_install(installs)
    _finish_install(installs, state, cookie)
    installs.event({"type": "tokens_revoked", "tokens": {"oauth": ["U1"], "bot": []}})
    assert len(_raw_bot_tokens(installs)) == 1
    installs.event({"type": "tokens_revoked", "tokens": {"oauth": [], "bot": [BOT_USER_ID]}})
    assert _raw_bot_tokens(installs) == []


def test_single_workspace_mode_handles_an_uninstall_too(slack: SlackHarness) -> None:
    slack.dm("hello")
    slack.drain()
    slack.event({"type": "app_uninstalled"})
    with slack.db.unit_of_work() as uow:
        workspace = uow.session.query(Workspace).filter_by(external_id=TEAM_ID).one()
        assert workspace.uninstalled_at is not None
    assert BOT_ID  # the fake's bot, as in every other Slack test
