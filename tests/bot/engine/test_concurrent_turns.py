"""Two turns of one person at once, on two web instances (two pools): both answers are kept.

Found by bench/load.py: two quick messages from one person, handled side by side, both read
"waiting on question 3"; the second answer hit the unique key, that turn failed, and Slack was
never asked to retry. Each turn now locks its person's row, so they run one after the other.
"""

from __future__ import annotations

import contextlib
import threading

import pytest
from sqlalchemy import event, func, select

from bot.core.messages import Inbound, InboundKind, Outcome
from bot.engine.turns import Engine
from content import Content
from storage.database import Database
from storage.models import AnswerRevision
from tests.conftest import postgres_schema

pytestmark = pytest.mark.postgres


def _inbound(**values: object) -> Inbound:
    return Inbound(platform="slack", workspace_id="T1", user_id="U1", **values)  # type: ignore[arg-type]


def test_two_answers_sent_at_once_are_both_kept(content: Content) -> None:
    with postgres_schema() as url:
        setup = Database(url)
        setup.upgrade()
        databases: list[Database] = []
        try:
            Engine(content=content, database=setup).handle(
                _inbound(kind=InboundKind.COMMAND, command="coach", text="toolkit 1")
            )
            # Each turn waits, after reading where the conversation stands, until the other
            # has read it too (or a second passed): the widest window the race has.
            both_read = threading.Barrier(2, timeout=1)

            def pause_after_reading(_conn, _cursor, statement: str, *_args: object) -> None:  # type: ignore[no-untyped-def]
                if statement.startswith(
                    "SELECT flow_progress"
                ) and threading.current_thread().name.startswith("turn"):
                    with contextlib.suppress(threading.BrokenBarrierError):
                        both_read.wait()

            engines = []
            for _ in range(2):
                database = Database(url)
                databases.append(database)
                event.listen(database.engine, "after_cursor_execute", pause_after_reading)
                engines.append(Engine(content=content, database=database))
            outcomes: dict[int, Outcome] = {}

            def turn(number: int) -> None:
                outcomes[number] = engines[number].handle(
                    _inbound(kind=InboundKind.TEXT, text=f"answer {number}", event_id=f"Ev{number}")
                )

            threads = [threading.Thread(target=turn, args=(n,), name=f"turn{n}") for n in range(2)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=30)

            assert [outcomes[n].failed for n in range(2)] == [False, False]
            with setup.unit_of_work() as uow:
                kept = uow.session.scalar(select(func.count()).select_from(AnswerRevision))
            assert kept == 2
        finally:
            for database in databases:
                database.dispose()
            setup.dispose()
