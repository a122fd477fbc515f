"""The quarterly reminder to reassess, sent by the worker through a fake Slack: a quarter after
the latest finished assessment, in the person's working hours, once, then a quarter later."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import docx
import pytest
from sqlalchemy import select

from bot.adapters.slack.sender import SlackSender, worker_client
from bot.core.clock import FixedClock
from bot.engine.turns import Engine
from bot.flows.assess import resolved_assessments
from bot.worker import Worker, WorkerConfig
from content import Content
from storage.database import Database
from storage.models import Delivery, PersonSchedule
from tests.bot.flows.test_assess import by_item, rate, take
from tests.chat_script import ChatScript
from tests.fakes.slack_api import FakeSlackApi

MONDAY_9_CHICAGO = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)  # the clock fixture's start
A_QUARTER_LATER = datetime(2027, 2, 23, 15, 0, tzinfo=UTC)  # Tue 23 Feb 2027, 09:00 Chicago


@pytest.fixture
def engine(content: Content, any_database: Database, clock: FixedClock) -> Engine:
    return Engine(content=content, database=any_database, clock=clock)


@pytest.fixture
def slack() -> Iterator[FakeSlackApi]:
    with FakeSlackApi() as fake:
        yield fake


@pytest.fixture
def worker(engine: Engine, slack: FakeSlackApi) -> Iterator[Worker]:
    sender = SlackSender(worker_client("xoxb-test", base_url=slack.url))
    running = Worker(engine, sender, platforms=frozenset({"slack"}), config=WorkerConfig(threads=2))
    yield running
    running.close()


def reminder_due(engine: Engine) -> datetime | None:
    with engine.database.unit_of_work() as uow:
        row = uow.session.scalars(
            select(PersonSchedule).where(PersonSchedule.kind == "reassess")
        ).one()
        return row.next_due_at


def test_a_quarter_after_finishing_the_reminder_goes_out_once(
    engine: Engine, worker: Worker, slack: FakeSlackApi, clock: FixedClock, content: Content
) -> None:
    ana = ChatScript(engine, platform="slack", reachable_later=True)
    ana.say("hello")
    take(ana, "competencies", rate("3"))
    ana.press("assess:remind:on")
    assert reminder_due(engine) == A_QUARTER_LATER
    clock.now = lambda: A_QUARTER_LATER - timedelta(minutes=1)  # type: ignore[method-assign]
    assert worker.tick().sent == 0
    clock.now = lambda: A_QUARTER_LATER + timedelta(minutes=1)  # type: ignore[method-assign]
    assert worker.tick().sent == 1
    assert worker.tick().sent == 0
    [post] = slack.calls_to("chat.postMessage")
    title = next(a for a in resolved_assessments(content) if a.id == "competencies").title
    assert title in post.args["text"]
    buttons = [
        element["value"]
        for block in post.args["blocks"]
        if block["type"] == "actions"
        for element in block["elements"]
    ]
    assert "assess:start:competencies" in buttons
    assert "assess:remind:off" in buttons
    # The next one a quarter after this one, at the start of that working day.
    assert reminder_due(engine) == datetime(2027, 5, 24, 14, 0, tzinfo=UTC)  # Mon, CDT
    with engine.database.unit_of_work() as uow:
        [delivery] = uow.session.scalars(select(Delivery))
        assert (delivery.kind, delivery.status) == ("reassess", "sent")


def test_the_reminder_off_sends_nothing(
    engine: Engine, worker: Worker, slack: FakeSlackApi, clock: FixedClock
) -> None:
    ana = ChatScript(engine, platform="slack", reachable_later=True)
    ana.say("hello")
    take(ana, "competencies", rate("3"))
    ana.press("assess:remind:on")
    ana.press("assess:remind:off")
    clock.now = lambda: A_QUARTER_LATER + timedelta(days=1)  # type: ignore[method-assign]
    assert worker.tick().sent == 0
    assert slack.calls_to("chat.postMessage") == []


def test_finished_assessments_join_the_export_with_results_and_radar(
    engine: Engine, content: Content, clock: FixedClock
) -> None:
    ana = ChatScript(engine, platform="slack")
    ratings = {"competencies/self-awareness": "5", "competencies/influence": "1"}
    take(ana, "competencies", by_item(ratings, "3"))
    clock.advance_to(clock.now() + timedelta(days=90))
    take(ana, "competencies", rate("4"))  # only the latest of a kind gets a radar
    ana.command("coach", "export")
    files = {f.filename: f.data for r in ana.replies for f in r.files}
    markdown = next(data.decode() for name, data in files.items() if name.endswith(".md"))
    assert "## Self-assessments" in markdown
    competency = content.competencies.competency("self-awareness")
    assert f"- **{competency.name}**: 4 — Consistent" in markdown
    assert f"- **{competency.name}**: 5 — A strength I lean on" in markdown
    words = content.assessment.results
    assert f"{words.strongest}: Self-Awareness (5 — A strength I lean on)" in markdown
    assert f"{words.growth}: Influence (1 — Not yet)" in markdown
    radars = [name for name in files if name.startswith("self-assessment-competencies")]
    assert len(radars) == 1
    assert files[radars[0]].startswith(b"\x89PNG")
    assert f"]({radars[0]})" in markdown
    document = docx.Document(io.BytesIO(next(d for n, d in files.items() if n.endswith(".docx"))))
    texts = "\n".join(p.text for p in document.paragraphs)
    assert "Self-assessments" in texts
    assert f"{words.growth}: Influence (1 — Not yet)" in texts
    assert len(document.inline_shapes) >= 1
