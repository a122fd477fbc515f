"""A flow the engine has never heard of: its command, its reads and its effect are registered
with the engine and the content it is given, and nothing in bot/engine or the adapters knows it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol, runtime_checkable

import pytest
from sqlalchemy import select

from bot.core.clock import FixedClock
from bot.core.effects import Effect
from bot.core.messages import Inbound, InboundKind, Reply
from bot.engine.registry import Store, handling
from bot.engine.stores import default_stores
from bot.engine.turns import Engine
from bot.flows import default_flows
from bot.flows.base import Command, Flow, StepResult, Turn
from content import Content
from storage.database import Database, UnitOfWork
from storage.models import Person, WorkRecord

SECTION = "toy-waves"


@dataclass(frozen=True)
class Wave(Effect):
    to: str


class WaveReads:
    """The toy's part of the person's reads: whom they waved to."""

    def __init__(self, uow: UnitOfWork, person: Person, now: datetime) -> None:
        self._toy_work = uow.repos.work
        self._toy_person = person

    def waves(self) -> list[str]:
        rows = self._toy_work.records(person_id=self._toy_person.id, section_id=SECTION)
        return [row.data["to"] for row in rows]


def keep_wave(uow: UnitOfWork, person: Person, effect: Wave, now: datetime) -> None:
    uow.repos.work.add(person_id=person.id, section_id=SECTION, data={"to": effect.to}, at=now)


@runtime_checkable
class ToyReads(Protocol):
    def waves(self) -> list[str]: ...


class ToyFlow(Flow):
    flow_id = "toy"
    extra_reads = (ToyReads,)

    def commands(self) -> tuple[Command, ...]:
        return (Command("wave", self.start),)

    def start(self, turn: Turn, argument: str) -> StepResult:
        reads = turn.reads
        assert isinstance(reads, ToyReads)
        to = argument.strip() or "everyone"
        said = Reply(f"Waved to {to}; {len(reads.waves())} waves before this one.")
        return StepResult(replies=(said,), effects=(Wave(to),))


TOY_STORE = Store(reads=WaveReads, effects=handling(Wave, keep_wave))


def with_word(content: Content, word: str) -> Content:
    """The content, with the word people type after /coach for the toy's command."""
    words = content.coach.command_words
    sub = {**words.sub, "wave": word}
    coach = content.coach.model_copy(
        update={"command_words": words.model_copy(update={"sub": sub})}
    )
    return content.model_copy(update={"coach": coach})


@pytest.fixture
def toy_engine(content: Content, database: Database, clock: FixedClock) -> Engine:
    return Engine(
        content=with_word(content, "wave"),
        database=database,
        clock=clock,
        flows=default_flows() | {ToyFlow.flow_id: ToyFlow()},
        stores=[*default_stores(), TOY_STORE],
    )


def command(text: str, *, user_id: str = "U-ana") -> Inbound:
    return Inbound(
        platform="console",
        workspace_id="T-library",
        user_id=user_id,
        kind=InboundKind.COMMAND,
        command="coach",
        text=text,
        time_zone="UTC",
    )


def waves(database: Database) -> list[str]:
    with database.unit_of_work() as uow:
        rows = uow.session.scalars(select(WorkRecord).where(WorkRecord.section_id == SECTION))
        return [row.data["to"] for row in rows]


def test_its_command_reaches_it_and_its_effect_is_kept(
    toy_engine: Engine, database: Database
) -> None:
    first = toy_engine.handle(command("wave the board"))
    assert [reply.text for reply in first.replies] == [
        "Waved to the board; 0 waves before this one."
    ]
    assert not first.failed
    second = toy_engine.handle(command("WAVE"))
    assert [reply.text for reply in second.replies] == [
        "Waved to everyone; 1 waves before this one."
    ]
    assert waves(database) == ["the board", "everyone"]


def test_the_other_flows_work_beside_it(toy_engine: Engine, content: Content) -> None:
    outcome = toy_engine.handle(command("reflect Listened more than I spoke."))
    assert outcome.replies[0].text == content.coach.reflect.saved_free


def test_it_is_quick_and_acts_on_no_channel(toy_engine: Engine) -> None:
    assert toy_engine.slow_pointer(command("wave")) is None
    assert not toy_engine.acts_on_channel(command("wave"))


def test_without_its_word_the_engine_does_not_start(content: Content, database: Database) -> None:
    with pytest.raises(ValueError, match="toy flow's command 'wave' has no words"):
        Engine(content=content, database=database, flows={**default_flows(), "toy": ToyFlow()})


def test_an_effect_no_store_keeps_fails_the_turn_with_nothing_kept(
    content: Content, database: Database, clock: FixedClock
) -> None:
    class Unkept(ToyFlow):
        extra_reads = ()

        def start(self, turn: Turn, argument: str) -> StepResult:
            return StepResult(replies=(Reply("Waved."),), effects=(Wave("nobody"),))

    engine = Engine(
        content=with_word(content, "wave"),
        database=database,
        clock=clock,
        flows=default_flows() | {ToyFlow.flow_id: Unkept()},
    )
    outcome = engine.handle(command("wave"))
    assert outcome.failed
    assert outcome.replies[0].text == content.coach.errors.unexpected
    assert waves(database) == []


def test_two_stores_for_one_effect_or_one_read_are_refused(
    content: Content, database: Database
) -> None:
    with pytest.raises(ValueError, match="Wave is handled by two stores"):
        Engine(
            content=content,
            database=database,
            stores=[*default_stores(), Store(effects=handling(Wave, keep_wave)), TOY_STORE],
        )
    with pytest.raises(ValueError, match="waves is read by both WaveReads and WaveReads"):
        Engine(content=content, database=database, stores=[*default_stores(), TOY_STORE, TOY_STORE])


def test_reads_the_flows_need_must_be_answered(content: Content, database: Database) -> None:
    with pytest.raises(ValueError, match=r"no store reads .*recent_reflections"):
        Engine(content=content, database=database, stores=[])
    with pytest.raises(ValueError, match=r"no store reads waves"):
        Engine(
            content=with_word(content, "wave"),
            database=database,
            flows=default_flows() | {ToyFlow.flow_id: ToyFlow()},
        )
