"""What a store gives the engine (the reads it answers, the effects it keeps), put together once."""

from __future__ import annotations

import inspect
import types
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, cast, get_args

from bot.core.effects import Effect
from bot.flows.base import Reads
from storage.database import UnitOfWork
from storage.models import Person

EffectHandler = Callable[[UnitOfWork, Person, Any, datetime], None]
"""Keeps one kind of effect for the person, in the turn's unit of work, at the turn's time."""

ReadsPart = type
"""A class answering some of bot.flows.base.Reads, made with (uow, person, now); its own
attributes are named so that no other part's clash with them."""

OpenReads = Callable[[UnitOfWork, Person, datetime], Reads]


def handling(kinds: Any, handler: EffectHandler) -> dict[type[Effect], EffectHandler]:
    """One handler for an effect class, or for each class of a union of them."""
    classes = get_args(kinds) or (kinds,)
    return dict.fromkeys(classes, handler)


@dataclass(frozen=True)
class Store:
    """The storage side of one or more flows."""

    reads: ReadsPart | None = None
    effects: Mapping[type[Effect], EffectHandler] = field(default_factory=dict)


class ProgressReads:
    """Where the person stands in each flow: the engine keeps it for every flow alike."""

    def __init__(self, uow: UnitOfWork, person: Person, now: datetime | None = None) -> None:
        self._progress_repository = uow.repos.progress
        self._progress_person = person

    def progress(self, *, flow_id: str) -> tuple[str, Mapping[str, Any]] | None:
        row = self._progress_repository.get(person_id=self._progress_person.id, flow_id=flow_id)
        return None if row is None else (row.state, row.data)


def _defined(part: ReadsPart) -> set[str]:
    """What a part defines itself (not its dunders): another part's of the same name would
    silently replace it."""
    return {
        name
        for klass in part.__mro__
        if klass is not object
        for name in vars(klass)
        if not name.startswith("__")
    }


def assemble_reads(stores: Iterable[Store], needed: Iterable[type] = ()) -> OpenReads:
    """One class answering every read the stores declare, as bot.flows.base.Reads and the
    `needed` protocols (the flows' extra_reads) promise; a read nobody answers, or one two
    stores answer, is refused at once."""
    parts: list[ReadsPart] = [ProgressReads]
    parts += [store.reads for store in stores if store.reads is not None]
    answered: dict[str, ReadsPart] = {}
    for part in parts:
        for name in _defined(part):
            if name in answered:
                raise ValueError(
                    f"{name} is read by both {answered[name].__name__} and {part.__name__}"
                )
            answered[name] = part
    promised = {
        name
        for protocol in (Reads, *needed)
        for name, _ in inspect.getmembers(protocol)
        if not name.startswith("_")
    }
    missing = promised - {name for name in answered if not name.startswith("_")}
    if missing:
        raise ValueError(f"no store reads {', '.join(sorted(missing))}")

    def open_all(self: object, uow: UnitOfWork, person: Person, now: datetime) -> None:
        for part in parts:
            part.__init__(self, uow, person, now)  # type: ignore[misc]

    stored = types.new_class(
        "StoredReads", tuple(parts), exec_body=lambda body: body.update(__init__=open_all)
    )
    stored.__doc__ = "The flows' read-only view of one person's data, in the turn's unit of work."
    return cast(OpenReads, stored)


def effect_handlers(stores: Sequence[Store]) -> dict[type[Effect], EffectHandler]:
    """Every store's handlers by effect class; two stores handling one class is refused."""
    handlers: dict[type[Effect], EffectHandler] = {}
    for store in stores:
        for kind, handler in store.effects.items():
            if kind in handlers:
                raise ValueError(f"{kind.__name__} is handled by two stores")
            handlers[kind] = handler
    return handlers
