"""Forgetting in storage: exactly what the person was told goes, or nothing does."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from bot.engine.privacy_store import ForgetChanged, PrivacyReads, forget_person
from bot.flows.privacy_model import ForgetPerson
from storage.database import Database
from storage.models import Person, Reflection

NOW = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)


def person_with_reflections(database: Database, count: int) -> int:
    with database.unit_of_work() as uow:
        person = uow.repos.people.get_or_create(
            platform="slack", workspace_external_id="T1", person_external_id="U-ana"
        )
        for number in range(count):
            uow.repos.reflections.add(
                person_id=person.id, text=f"thought {number}", prompt=None, source="dm", at=NOW
            )
        return person.id


def stored(database: Database, model: type) -> int:
    with database.unit_of_work() as uow:
        return int(uow.session.scalar(select(func.count()).select_from(model)) or 0)


def test_what_was_counted_is_what_goes(any_database: Database) -> None:
    who = person_with_reflections(any_database, 2)
    with any_database.unit_of_work() as uow:
        person = uow.session.get(Person, who)
        assert person is not None
        summary = PrivacyReads(uow, person).data_summary()
        assert ("reflections", 2) in summary.counts
        forget_person(uow, person, ForgetPerson(expected=summary.counts), NOW)
    assert (stored(any_database, Person), stored(any_database, Reflection)) == (0, 0)


def test_a_change_since_the_count_deletes_nothing(any_database: Database) -> None:
    who = person_with_reflections(any_database, 2)
    with any_database.unit_of_work() as uow:
        person = uow.session.get(Person, who)
        assert person is not None
        summary = PrivacyReads(uow, person).data_summary()
    person_with_reflections(any_database, 1)  # a third arrives before the confirm is applied

    def forget_with_the_old_count() -> None:
        with any_database.unit_of_work() as uow:
            person = uow.session.get(Person, who)
            assert person is not None
            forget_person(uow, person, ForgetPerson(expected=summary.counts), NOW)

    with pytest.raises(ForgetChanged):
        forget_with_the_old_count()

    assert (stored(any_database, Person), stored(any_database, Reflection)) == (1, 3)
