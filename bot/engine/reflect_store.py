"""Reflections in storage: the flows' reads of them, and a new one kept."""

from __future__ import annotations

from datetime import datetime

from bot.engine.registry import Store, handling
from bot.flows.base import ReflectionView, SaveReflection
from storage.database import UnitOfWork
from storage.models import Person


class ReflectReads:
    """The reflections part of the flows' read-only view of one person."""

    def __init__(self, uow: UnitOfWork, person: Person, now: datetime | None = None) -> None:
        self._reflections = uow.repos.reflections
        self._reflecting = person

    def recent_reflections(self, *, limit: int) -> list[ReflectionView]:
        rows = self._reflections.recent(person_id=self._reflecting.id, limit=limit)
        return [ReflectionView(r.text, r.prompt, r.created_at) for r in rows]

    def reflection_count(self) -> int:
        return self._reflections.count(person_id=self._reflecting.id)


def save_reflection(uow: UnitOfWork, person: Person, effect: SaveReflection, now: datetime) -> None:
    uow.repos.reflections.add(
        person_id=person.id, text=effect.text, prompt=effect.prompt, source=effect.source, at=now
    )


STORE = Store(reads=ReflectReads, effects=handling(SaveReflection, save_reflection))
