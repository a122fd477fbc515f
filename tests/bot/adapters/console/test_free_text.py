"""A message typed in the terminal outside any conversation, answered (issue 13, item 8): the
relationship it names, the passage closest to it, and its words kept by typing one number."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.core.clock import FixedClock
from bot.engine.turns import Engine
from content import Content
from storage.models import Reflection
from tests.bot.adapters.console.test_chat import run_chat
from tests.bot.flows.test_checkin import plant
from tests.chat_script import ChatScript

NERVOUS = "I'm nervous about meeting my principal tomorrow. Any advice?"


def test_the_terminal_answers_what_was_written_and_keeps_it_with_one_number(
    engine: Engine, content: Content, clock: FixedClock
) -> None:
    # Ana's plan, as the terminal knows her (its platform and workspace).
    ana = ChatScript(
        engine, user_id="ana", workspace_id="local", platform="console", time_zone="Europe/London"
    )
    plant(ana, "Dr Okafor", constituency="governing-authority")
    ana.command("checkin", "Dr Okafor: budget talk")
    clock.advance_to(clock.now() + timedelta(days=12))

    # [1] is the first choice under the answer: "Keep as a reflection".
    out = run_chat(engine, [NERVOUS, "1", "/reflections", "/quit"])

    words = content.coach.suggest
    assert "Your principal, Dr Okafor: last check-in 12 days ago. Log one?" in out
    assert "Step 4, Interview, suggests: Meet with your building leader." in out
    assert f"[1] {words.labels.keep}" in out
    assert "[3] Log: Dr Okafor" in out
    assert words.kept in out
    assert out.count(NERVOUS) >= 2  # quoted when kept, and listed among the reflections
    # Not answered with the welcome (at the start, what fell due comes first, and the menu waits).
    assert "coach for library leaders" not in out.split(NERVOUS, 1)[1]
    with engine.database.unit_of_work() as uow:
        kept = list(uow.session.scalars(select(Reflection)))
        assert [(r.text, r.source) for r in kept] == [(NERVOUS, "free_text")]
