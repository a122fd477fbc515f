"""Self-assessments in storage, on SQLite and PostgreSQL: in progress, finished, discarded."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.exc import IntegrityError

from storage.database import Database
from storage.models import SelfAssessment
from tests.storage.helpers import new_person

NOW = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)


def test_answers_gather_in_one_row_until_it_is_finished(any_database: Database) -> None:
    _, ana = new_person(any_database)
    with any_database.unit_of_work() as uow:
        first = uow.assessments.save_answers(
            person_id=ana,
            kind="competencies",
            answers={"competencies/self-awareness": 3, "competencies/influence": None},
            indicators={},
            finish=False,
            at=NOW,
        )
        first_id = first.id
    with any_database.unit_of_work() as uow:
        later = uow.assessments.save_answers(
            person_id=ana,
            kind="competencies",
            answers={"competencies/influence": 4},
            indicators={},
            finish=True,
            at=NOW + timedelta(hours=1),
        )
        assert later.id == first_id  # the same assessment, picked up
    with any_database.unit_of_work() as uow:
        [row] = uow.assessments.all_for(person_id=ana)
        assert row.answers == {"competencies/self-awareness": 3, "competencies/influence": 4}
        assert row.started_at == NOW
        assert row.finished_at == NOW + timedelta(hours=1)
        assert uow.assessments.in_progress(person_id=ana, kind="competencies") is None


def test_a_finished_one_is_kept_and_the_next_starts_afresh(any_database: Database) -> None:
    _, ana = new_person(any_database)
    with any_database.unit_of_work() as uow:
        uow.assessments.save_answers(
            person_id=ana,
            kind="community-engagement",
            answers={"stage/local-government": 6},
            indicators={"stage/local-government": ["a", "b"]},
            finish=True,
            at=NOW,
        )
        uow.assessments.save_answers(
            person_id=ana,
            kind="community-engagement",
            answers={"stage/local-government": 8},
            indicators={},
            finish=False,
            at=NOW + timedelta(days=90),
        )
    with any_database.unit_of_work() as uow:
        finished, in_progress = uow.assessments.all_for(person_id=ana)
        assert (finished.answers, finished.indicators) == (
            {"stage/local-government": 6},
            {"stage/local-government": ["a", "b"]},
        )
        assert in_progress.finished_at is None
        assert in_progress.answers == {"stage/local-government": 8}
        assert uow.assessments.discard_in_progress(person_id=ana, kind="community-engagement")
        assert not uow.assessments.discard_in_progress(person_id=ana, kind="community-engagement")
    with any_database.unit_of_work() as uow:
        assert [row.finished_at for row in uow.assessments.all_for(person_id=ana)] == [NOW]


def test_one_persons_assessments_are_theirs_alone(any_database: Database) -> None:
    _, ana = new_person(any_database, user="U-ana")
    _, bo = new_person(any_database, user="U-bo")
    with any_database.unit_of_work() as uow:
        uow.assessments.save_answers(
            person_id=ana, kind="leadership", answers={"x": 1}, indicators={}, finish=False, at=NOW
        )
    with any_database.unit_of_work() as uow:
        assert uow.assessments.all_for(person_id=bo) == []
        assert uow.assessments.in_progress(person_id=bo, kind="leadership") is None
        assert not uow.assessments.discard_in_progress(person_id=bo, kind="leadership")
        assert len(uow.assessments.all_for(person_id=ana)) == 1


def test_only_one_in_progress_per_kind_even_when_written_directly(any_database: Database) -> None:
    _, ana = new_person(any_database)
    with any_database.unit_of_work() as uow:
        uow.session.add(SelfAssessment(person_id=ana, kind="leadership", started_at=NOW))
    with any_database.unit_of_work() as uow:
        uow.session.add(SelfAssessment(person_id=ana, kind="leadership", started_at=NOW))
        with pytest.raises(IntegrityError):
            uow.session.flush()
        uow.session.rollback()
    # Finished ones are many; another kind is its own.
    with any_database.unit_of_work() as uow:
        uow.session.add(SelfAssessment(person_id=ana, kind="competencies", started_at=NOW))
        uow.session.add(
            SelfAssessment(person_id=ana, kind="leadership", started_at=NOW, finished_at=NOW)
        )
        uow.session.add(
            SelfAssessment(person_id=ana, kind="leadership", started_at=NOW, finished_at=NOW)
        )
    with any_database.unit_of_work() as uow:
        assert len(uow.assessments.all_for(person_id=ana)) == 4
