"""The Bolt app as a web process builds it: no call to Slack when it starts or before an ack."""

from __future__ import annotations

from pathlib import Path

from bot.adapters.slack.app import verify_bot_token
from bot.core.clock import FixedClock
from bot.settings import Settings
from bot.wiring import build_web_app
from tests.bot.adapters.slack.harness import SECRET
from tests.fakes.slack_api import BOT_USER_ID, TEAM_ID, FakeSlackApi


def test_a_web_process_starting_while_slack_fails_asks_it_nothing(
    tmp_path: Path, fake_slack: FakeSlackApi, clock: FixedClock
) -> None:
    """`lantern serve` asks auth.test once before forking; a web process that starts later
    (WEB_MAX_REQUESTS replaces them) must not need Slack, or a hiccup there would stop it."""
    settings = Settings(
        slack_bot_token="xoxb-test",
        slack_signing_secret=SECRET,
        slack_api_url=fake_slack.url,
        database_url=f"sqlite:///{tmp_path}/app.db",
    )
    identity = verify_bot_token(settings)
    assert identity.team_id == TEAM_ID
    assert identity.bot_user_id == BOT_USER_ID
    fake_slack.fail("auth.test", "internal_error")
    fake_slack.clear()

    web_app = build_web_app(settings, clock=clock, identity=identity)
    try:
        assert fake_slack.calls_to("auth.test") == []
    finally:
        if web_app.app.sweeper is not None:
            web_app.app.sweeper.stop()
        web_app.outbox.shutdown()
        web_app.database.dispose()
