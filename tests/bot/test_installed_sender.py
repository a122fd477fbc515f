"""The worker with installs: each workspace's messages go with that workspace's own token."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from slack_sdk.oauth.installation_store import Installation

from bot.adapters.slack.install_store import EncryptedInstallationStore
from bot.adapters.slack.sender import InstalledClients, SlackSender
from bot.core.clock import FixedClock
from bot.engine.turns import Engine
from bot.worker import Worker, WorkerConfig
from content import Content
from storage.crypto import Keyring
from storage.database import Database
from tests.bot.test_worker import NEXT_MONDAY_9, SLACK, at, relate, settings
from tests.chat_script import ChatScript
from tests.fakes.slack_api import FakeSlackApi


@pytest.fixture
def engine(content: Content, any_database: Database, clock: FixedClock) -> Engine:
    return Engine(content=content, database=any_database, clock=clock)


@pytest.fixture
def slack() -> Iterator[FakeSlackApi]:
    with FakeSlackApi() as fake:
        yield fake


def _install(store: EncryptedInstallationStore, team_id: str, token: str) -> None:
    store.save(
        Installation(
            app_id="A1",
            enterprise_id=None,
            team_id=team_id,
            bot_token=token,
            bot_id="B1",
            bot_user_id="U-bot",
            bot_scopes="chat:write",
            user_id="U-installer",
            installed_at=datetime(2026, 11, 1, tzinfo=UTC).timestamp(),
        )
    )


def _person_in(engine: Engine, workspace: str) -> ChatScript:
    chat = ChatScript(engine, user_id="U-ana", platform="slack", workspace_id=workspace)
    chat.reachable_later = True
    chat.say("hello")
    settings(engine, chat)
    relate(engine, chat, f"Board chair of {workspace}")
    return chat


def test_each_workspaces_nudge_goes_with_its_own_token(
    engine: Engine, slack: FakeSlackApi, clock: FixedClock
) -> None:
    store = EncryptedInstallationStore(
        client_id="1.2", engine=engine.database.engine, keyring=Keyring([Keyring.generate()])
    )
    _install(store, "T-one", "xoxb-one")
    _install(store, "T-two", "xoxb-two")
    # The same user id in three workspaces; the third never installed Lantern.
    for workspace in ("T-one", "T-two", "T-none"):
        _person_in(engine, workspace)

    def find_token(team_id: str) -> str | None:
        bot = store.find_bot(enterprise_id=None, team_id=team_id)
        return bot.bot_token if bot is not None else None

    sender = SlackSender(InstalledClients(find_token, base_url=slack.url))
    worker = Worker(engine, sender, platforms=SLACK, config=WorkerConfig(threads=4))
    at(clock, NEXT_MONDAY_9)
    try:
        report = worker.tick(budget_seconds=2)
    finally:
        worker.close()
    tokens = sorted(call.token or "" for call in slack.calls_to("chat.postMessage"))
    assert tokens == ["xoxb-one", "xoxb-two"]
    for call in slack.calls_to("chat.postMessage"):
        text = str(call.args.get("text", ""))
        own = "T-one" if call.token == "xoxb-one" else "T-two"
        other = "T-two" if own == "T-one" else "T-one"
        assert own in text
        assert other not in text
    # The workspace with no install waits (not dropped, nobody marked unreachable).
    assert (report.sent, report.retrying) == (2, 1)
