"""The worker takes over what the web processes left in the inbox and the outbox."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from bot.adapters.slack.delivery import SlackPlatform
from bot.adapters.slack.sender import worker_client
from bot.core.clock import FixedClock
from bot.core.messages import Inbound, InboundKind
from bot.engine.inbox import Inbox, InboxSettings
from bot.engine.turns import Engine
from bot.worker import take_left_behind
from content import Content
from storage.database import Database
from storage.models import InboxTurn, OutboxMessage
from tests.fakes.slack_api import FakeSlackApi


def test_the_worker_takes_a_turn_no_web_process_took_and_sends_its_replies(
    database: Database, content: Content, clock: FixedClock
) -> None:
    with FakeSlackApi() as fake:
        client = worker_client("xoxb-worker", base_url=fake.url)
        engine = Engine(content=content, database=database, clock=clock)
        inbox = Inbox(
            engine,
            {"slack": SlackPlatform(lambda _workspace: client, content)},
            InboxSettings(grace=timedelta(seconds=30)),
        )
        hello = Inbound(
            platform="slack", workspace_id="T1", user_id="U1", kind=InboundKind.TEXT, text="hi"
        )
        inbox.accept(hello, {"surface": "dm", "channel": "D1"})  # then the web process died

        assert take_left_behind(inbox) == 0  # a fresh turn is its own process's for a while
        clock.advance_to(clock.now() + timedelta(seconds=31))
        assert take_left_behind(inbox) == 1

        [post, *_] = fake.wait_for("chat.postMessage")
        assert post.args["channel"] == "D1"
        with database.unit_of_work() as uow:
            for model in (InboxTurn, OutboxMessage):
                assert uow.session.scalar(select(func.count()).select_from(model)) == 0
        assert take_left_behind(inbox) == 0
