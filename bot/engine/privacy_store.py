"""A person's data in storage for the privacy flow: all of it read, and all of it forgotten."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from bot.engine.registry import Store, handling
from bot.engine.team_store import release_forgotten_subscriptions
from bot.flows.privacy_model import DataSummary, ForgetPerson
from storage import person_data
from storage.database import UnitOfWork
from storage.models import Person

logger = logging.getLogger(__name__)


class ForgetChanged(RuntimeError):
    """What would be deleted changed between the confirmation and the delete; the turn is
    rolled back, so nothing is deleted and the person is asked to try again."""


class PrivacyReads:
    """The privacy part of the flows' read-only view of one person (bot.flows.privacy_model
    .PersonDataReads)."""

    def __init__(self, uow: UnitOfWork, person: Person, now: datetime | None = None) -> None:
        self._privacy_uow = uow
        self._privacy_person = person

    def person_data(self) -> Mapping[str, Any]:
        session = self._privacy_uow.session
        session.flush()  # what this turn changed already is theirs too
        return person_data.collect(session, self._privacy_person.id)

    def data_summary(self, *, asking: str | None = None) -> DataSummary:
        session = self._privacy_uow.session
        session.flush()
        counts = person_data.counts(session, self._privacy_person.id)
        if asking is not None and not person_data.has_progress(
            session, self._privacy_person.id, asking
        ):
            # The asking flow keeps its request as a note of where we were: one more row.
            counts["flow_progress"] += 1
        channels = self._privacy_uow.team.subscriptions.managed_by(
            person_id=self._privacy_person.id
        )
        return DataSummary(
            counts=tuple((kind, counts[kind]) for kind in person_data.deleted_kinds()),
            team_prompts=tuple(row.channel_name or row.channel_id for row in channels),
        )


def forget_person(uow: UnitOfWork, person: Person, effect: ForgetPerson, now: datetime) -> None:
    """Stop the team prompts the person set up, then delete them and everything of theirs:
    exactly what they were told, or (ForgetChanged) nothing."""
    person_data.lock_person(uow.session, person.id)
    release_forgotten_subscriptions(uow, person_id=person.id, now=now)
    deleted = person_data.delete_person(uow.session, person.id)
    if tuple(deleted.items()) != effect.expected:
        raise ForgetChanged("a person's data changed while they were being forgotten")
    # The row is gone: nothing of this turn may write to it again.
    uow.session.expunge(person)
    uow.erase_after_commit()  # and its words from the database's files, not only its tables
    logger.info("forgot a person at their request (%d rows)", sum(deleted.values()) + 1)


STORE = Store(reads=PrivacyReads, effects=handling(ForgetPerson, forget_person))
